"""`compare`: each outlet's own voice and quoted material for an event or actor, its tone,
distinctive terms and actors, in text, Markdown, CSV and JSON. Databases built by the real
pipeline."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from iraqtui.analysis import tone
from iraqtui.analysis.compare import SCREEN_SAMPLE, characterise, resolve_target
from iraqtui.analysis.compare_formats import CSV_COLUMNS
from iraqtui.errors import UnknownName
from iraqtui.ingest.pipeline import ingest
from iraqtui.store.db import open_db

WM = "Washington Monthly (Political Animal)"
DL = "Grasping Reality with Both Hands (Brad DeLong's Semi-Daily Journal)"
# How each sentence about the Iranian ambassador's remarks is voiced, read off the seeds by
# hand: (outlet, start of sentence, voice, speaker or None, cited outlet or None).
QUMI_LABELS = [
    (WM, "Whether to counter allegations", "quoted", None, "The New York Times"),
    (WM, "Even more strikingly, he called the militias", "quoted", None, "The New York Times"),
    (WM, "Mr. Qumi’s statements now give strong support", "quoted", None, "The New York Times"),
    (DL, "Ambassador Qumi went on to denounce", "own", None, None),
    (DL, "Each denounces and opposes the same", "own", None, None),
    (DL, "Strikingly, however, Ambassador Qumi", "quoted", None, "The New York Times"),
    (DL, '"The American insistence', "speech", "Hassan Kazemi Qomi", "The New York Times"),
]


def test_event_columns_hold_own_voice_and_quoted_sentences_correctly_labelled(
    seeds_db: sqlite3.Connection,
) -> None:
    result = characterise(seeds_db, "qumi_remarks")
    columns = {c.outlet: c for c in result.columns}
    assert set(columns) == {WM, DL}  # the two outlets that cover the remarks
    for outlet, start, voice, speaker, cited in QUMI_LABELS:
        column = columns[outlet]
        items = [i for i in (*column.own, *column.quoted) if i.sentence.text.startswith(start)]
        assert len(items) == 1, (outlet, start)
        item = items[0]
        assert item.sentence.voice == voice, (start, item.sentence.voice)
        assert (item in column.own) == (voice == "own")
        if speaker:
            assert speaker in item.speakers
            assert speaker in item.label
        if cited:
            assert cited in item.cited_outlets and cited in item.label
        else:
            assert item.label == "own"
    dl = columns[DL]
    assert dl.tone.sentences == len(dl.own) and dl.tone.score is not None
    assert all(i.sentence.voice == "own" for i in dl.own)
    assert any(w == "denounce" for w, _v, _n in dl.evaluative)
    assert result.prior.alpha0 > 0 and result.prior.background_tokens > 1000
    assert "VADER" in result.tone_method and "own-voice" in result.tone_method


def test_names_resolve_fuzzily_and_unknown_names_list_the_closest(
    seeds_db: sqlite3.Connection,
) -> None:
    assert resolve_target(seeds_db, "Qom talks and the Iran-brokered truce").key == "qom_truce"
    assert resolve_target(seeds_db, "Sadr").key == "Muqtada al-Sadr"
    assert resolve_target(seeds_db, "Mehdi Army").key == "Mahdi Army"
    assert resolve_target(seeds_db, "mahdi_army_melts_awya").key == "mahdi_army_melts_away"
    assert resolve_target(seeds_db, "truce in qom").key == "qom_truce"
    with pytest.raises(UnknownName, match="closest: 'Hassan Kazemi Qomi' \\(actor\\)"):
        resolve_target(seeds_db, "qumi speech")


def test_actor_terms_are_the_words_each_outlet_puts_around_the_actor(
    seeds_db: sqlite3.Connection,
) -> None:
    own = {c.outlet: c for c in characterise(seeds_db, "Sadr", top_terms=60).columns}
    hot_air = {t.term for t in own["Hot Air"].terms}
    assert {"puppet", "tyrant"} <= hot_air
    assert "own-voice" in characterise(seeds_db, "Sadr").terms_method
    quoted = characterise(seeds_db, "Mahdi Army", top_terms=60, quoted_terms=True)
    wm = next(c for c in quoted.columns if c.outlet == WM)
    assert "troublemaker" in {t.term for t in wm.terms}  # NYT's word, pasted by Drum
    for term in wm.terms:
        assert term.count > 0 and term.delta > 0 and term.alpha > 0


def test_text_output_puts_outlets_side_by_side(cli, seeds_db_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("compare", "--db", str(seeds_db_path), "qumi_remarks", "--width", "160")
    assert result.code == 0
    header = result.out.splitlines()[1]
    assert header.index(DL[:40]) < header.index(WM[:20])  # one line, two columns
    assert "OWN VOICE" in result.out and "QUOTED" in result.out
    single = cli("compare", "--db", str(seeds_db_path), "qumi_remarks", "--outlets", "Brad DeLong",
                 "--width", "100")  # fmt: skip
    flat = " ".join(single.out.replace("*", "").split())
    assert WM not in single.out
    for outlet, start, *_ in QUMI_LABELS:
        if outlet == DL:
            assert start in flat


def test_markdown_parses_with_a_table_and_a_section_per_outlet(cli, seeds_db_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("compare", "--db", str(seeds_db_path), "qumi_remarks", "--format", "markdown")
    tokens = MarkdownIt("commonmark").enable("table").parse(result.out)
    rows = [t for t in tokens if t.type == "tr_open"]
    assert len(rows) == 3  # header + two outlets
    cells = [t for t in tokens if t.type in ("th_open", "td_open")]
    assert len(cells) == 3 * 6
    headings = [
        "".join(c.content for c in tokens[i + 1].children or [])
        for i, t in enumerate(tokens)
        if t.tag == "h3" and t.nesting == 1
    ]
    assert headings == [DL, WM]
    assert " **denounce** " in result.out  # evaluative words in bold
    rendered = {
        "".join(c.content for c in t.children or [] if c.type == "text")
        for t in tokens
        if t.type == "inline"
    }
    conn = sqlite3.connect(seeds_db_path)
    texts = [t for (t,) in conn.execute("SELECT text FROM sentences WHERE text LIKE '%Qumi%'")]
    conn.close()
    assert any(t in rendered for t in texts)  # escaped text renders back to the sentence


def test_csv_and_json_are_tidy_with_an_outlet_column(cli, seeds_db_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = cli("compare", "--db", str(seeds_db_path), "qumi_remarks", "--format", "csv").out
    reader = csv.DictReader(io.StringIO(out))
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    rows = list(reader)
    assert {r["outlet"] for r in rows} == {WM, DL}
    kinds = {r["row"] for r in rows}
    assert {"summary", "sentence", "term", "actor"} <= kinds
    sentences = [r for r in rows if r["row"] == "sentence"]
    speech = next(r for r in sentences if r["text"].startswith('"The American insistence'))
    assert (speech["voice"], speech["speaker"]) == ("speech", "Hassan Kazemi Qomi")
    terms = [r for r in rows if r["row"] == "term"]
    assert all(float(r["z"]) > 0 and int(r["count"]) > 0 for r in terms)
    data = json.loads(cli("compare", "--db", str(seeds_db_path), "qumi_remarks", "--format",
                          "json").out)  # fmt: skip
    assert data["target"]["key"] == "qumi_remarks" and data["method"]["prior"]["alpha0"] > 0
    assert len(data["rows"]) == len(rows)


def test_unknown_name_exits_non_zero_with_suggestions(cli, seeds_db_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("compare", "--db", str(seeds_db_path), "no such thing at all")
    assert result.code == 1 and "closest:" in result.err and not result.out


def _ingest(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    db_path = folder.parent / f"{folder.name}.db"
    db = open_db(db_path)
    ingest(db.conn, [folder], folder)
    db.conn.close()
    return db_path


EVENT = '[[event]]\nkey = "port_strike"\nlabel = "The port strike"\ndate = "2008-03-27"\n'


def test_control_characters_never_reach_the_terminal(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    nasty = "The port strike \x1b[31mwas\x1b]0;owned\x07 terrible, said the \x1b[2Jdockers."
    db_path = _ingest(
        tmp_path / "c",
        {
            "a.txt": nasty + "\n",
            "b.txt": "The port strike ended in Basra, the dockers said.\n",
            "events.toml": EVENT + 'terms = ["port strike"]\n',
        },
    )
    for args in (
        ("events",), ("events", "port_strike"), ("events", "--unassigned"),
        ("events", "--propose"), ("compare", "port_strike"),
        ("compare", "port_strike", "--format", "markdown"),
        ("compare", "port_strike", "--format", "csv"),
        ("compare", "port_strike", "--format", "json"),
    ):  # fmt: skip
        result = cli(*args, "--db", str(db_path))
        assert result.code == 0, args
        assert "\x1b" not in result.out and "\x07" not in result.out, args
    assert "port strike" in cli("compare", "port_strike", "--db", str(db_path)).out


def test_an_event_of_1000_sentences_in_8_outlets_is_analysed_whole(tmp_path: Path) -> None:
    """Every sentence, in the CLI's comparison and the screen's (125 an outlet is within
    its sample). How fast: `bench/bench_scale.py compare`, not a test."""
    words = "ceasefire militia cleric army police ports governor offensive truce city".split()
    files = {"events.toml": EVENT + 'terms = ["port strike"]\n'}
    sidecar = []
    for n in range(8):
        lines = [
            f"The port strike in district {i} was {words[(i + n) % 10]} and "
            f"{words[(i * n) % 10]}, a {['good', 'bad', 'terrible', 'hopeful'][i % 4]} sign, "
            f'said "we fear the {words[i % 10]} will win" the dockers of outlet {n}.'
            for i in range(125)
        ]
        files[f"o{n}.txt"] = "\n\n".join(lines) + "\n"
        sidecar.append(f'[files."o{n}.txt"]\noutlet = "Outlet {n}"\n')
    files["sources.toml"] = "\n".join(sidecar)
    db_path = _ingest(tmp_path / "big", files)
    conn = sqlite3.connect(db_path)
    result = characterise(conn, "port_strike")
    shown = characterise(conn, "port_strike", sample=SCREEN_SAMPLE)
    conn.close()
    assert len(result.columns) == 8
    assert sum(len(c.own) + len(c.quoted) for c in result.columns) == 1000
    assert not shown.sampled
    assert [c.own for c in shown.columns] == [c.own for c in result.columns]


def test_tone_is_vaders_compound_and_evaluative_words_are_located() -> None:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer()
    for text in (
        "Al-Hakim and al-Maliki are almost equally horrible.",
        "The ports have been plagued by corruption.",
        "The Basra operations only started a few days ago.",  # no lexicon word: 0
        "This is not a good sign :(",
    ):
        assert tone.sentence_tone(text) == vader.polarity_scores(text)["compound"]
    words = tone.evaluative_words("A tyrant who’s picking on poor, peaceful Muqtada Sadr.")
    assert [(w.word, w.valence) for w in words] == [("poor", -2.1), ("peaceful", 2.2)]
    text = "A tyrant who’s picking on poor, peaceful Muqtada Sadr."
    assert all(text[w.start : w.end] == w.word for w in words)
    assert tone.tone_of([]).score is None


def test_the_prior_total_counts_content_words_as_the_outlets_do(
    seeds_db: sqlite3.Connection,
) -> None:
    """The groups count content words only, so the prior's background total must too: about
    half the indexed tokens of the seeds are stopwords, which would halve the prior's weight
    over the counted words (alpha_0 would not be what it says)."""
    from iraqtui.analysis.keyness import count_words
    from iraqtui.store.event_queries import background_counts

    result = characterise(seeds_db, "qom_truce")
    _, indexed = background_counts(seeds_db, [])
    texts = [str(t) for (t,) in seeds_db.execute("SELECT text FROM paragraphs")]
    content, _ = count_words(texts)
    counted = sum(content.values())
    total = result.prior.background_tokens
    assert total < 0.6 * indexed  # stopwords left out
    # what is left matches the content words, up to numbers and one-letter tokens
    assert abs(total - counted) <= 0.03 * counted
    assert "stopwords left out" in result.prior.source
