"""`compare`: names that resolve, tone that ignores actor names, empty sections said so."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from iraqtui.analysis.compare import (
    Comparison,
    OutletColumn,
    Target,
    characterise,
    resolve_target,
)
from iraqtui.analysis.compare_formats import to_markdown
from iraqtui.analysis.keyness import PriorInfo
from iraqtui.analysis.tone import Tone
from iraqtui.cli.compare import to_text
from iraqtui.config import bundled_seeds_dir
from iraqtui.ingest.pipeline import ingest
from iraqtui.store.db import open_db


def test_a_short_name_inside_the_query_does_not_block_the_event_it_abbreviates(
    seeds_db: sqlite3.Connection,
) -> None:
    # "Qom" (an actor) sits inside both queries; the user means the Qom talks.
    assert resolve_target(seeds_db, "qom_trcue").key == "qom_truce"
    assert resolve_target(seeds_db, "qom talks").key == "qom_truce"
    assert resolve_target(seeds_db, "Grand Ayatollah Sistani").key == "Ali al-Sistani"


def test_words_inside_actor_names_are_neither_evaluative_nor_tone(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "The port talks went on as the Special Groups and the United States met.\n",
        encoding="utf-8",
    )
    (folder / "b.txt").write_text("The port talks ended in Basra on Monday.\n", encoding="utf-8")
    (folder / "events.toml").write_text(
        '[[event]]\nkey = "port_talks"\nlabel = "The port talks"\ndate = "2008-03-27"\n'
        'terms = ["port talks"]\n',
        encoding="utf-8",
    )
    (folder / "sources.toml").write_text(
        '[files."a.txt"]\noutlet = "A"\n\n[files."b.txt"]\noutlet = "B"\n', encoding="utf-8"
    )
    db = open_db(tmp_path / "c.db")
    ingest(db.conn, [folder], bundled_seeds_dir())  # the bundled gazetteer
    result = characterise(db.conn, "port_talks")
    db.conn.close()
    column = next(c for c in result.columns if c.outlet == "A")
    assert [w for w, _v, _n in column.evaluative] == []
    assert column.own[0].evaluative == ()
    assert column.tone.score == 0.0  # "special" and "united" are parts of names here


def _empty_column(outlet: str) -> OutletColumn:
    return OutletColumn(outlet, ("x.txt",), (), (), Tone(None, 0, 0, 0), (), (), 0, ())


def test_an_outlet_with_no_own_voice_sentences_says_none() -> None:
    result = Comparison(
        Target("event", "x", "X"),
        (_empty_column("Outlet A"),),
        PriorInfo(1000.0, 0, "test"),
        "tone",
        "terms",
        0.0,
    )
    markdown = to_markdown(result)
    own = markdown.split("**Own voice**")[1].split("**Quoted material**")[0]
    assert "- none" in own
    text = to_text(result, 100)
    assert text.split("OWN VOICE")[1].split("QUOTED")[0].strip() == "none"


def test_names_of_other_actors_are_not_labels_around_an_actor(
    seeds_db: sqlite3.Connection,
) -> None:
    columns = {c.outlet: c for c in characterise(seeds_db, "Sadr", top_terms=60).columns}
    hot_air = {t.term.casefold() for t in columns["Hot Air"].terms}
    delong = {t.term.casefold() for c in columns.values() if "DeLong" in c.outlet for t in c.terms}
    assert "puppet" in hot_air  # a label stays
    assert "cnn" not in hot_air  # an outlet's name is not a label
    assert "hakim" not in delong  # nor is Abdul Aziz al-Hakim's


def test_the_summary_row_says_what_its_numbers_are(seeds_db: sqlite3.Connection) -> None:
    from iraqtui.analysis.compare_formats import rows

    result = characterise(seeds_db, "qumi_remarks")
    summaries = {r["outlet"]: r for r in rows(result) if r["row"] == "summary"}
    for column in result.columns:
        row = summaries[column.outlet]
        assert row["own_sentences"] == len(column.own)
        assert row["quoted_sentences"] == len(column.quoted)
        assert row["term_words"] == column.term_words
        assert "count" not in row and "text" not in row  # not numbers in borrowed columns


def test_words_an_outlet_quotes_inside_its_own_sentences_are_not_its_tone(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "q"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "The port talks resumed in Basra on Monday.\n\nThe governor called the port talks a "
        '"mistake" and the minister praised the "wise" guidance of the envoy, but the port '
        "talks went on.\n",
        encoding="utf-8",
    )
    (folder / "b.txt").write_text("The port talks ended in Basra on Monday.\n", encoding="utf-8")
    (folder / "events.toml").write_text(
        '[[event]]\nkey = "port_talks"\nlabel = "The port talks"\ndate = "2008-03-27"\n'
        'terms = ["port talks"]\n',
        encoding="utf-8",
    )
    (folder / "sources.toml").write_text(
        '[files."a.txt"]\noutlet = "A"\n\n[files."b.txt"]\noutlet = "B"\n', encoding="utf-8"
    )
    db = open_db(tmp_path / "q.db")
    ingest(db.conn, [folder], bundled_seeds_dir())
    kinds = {str(k) for (k,) in db.conn.execute("SELECT kind FROM quotes")}
    result = characterise(db.conn, "port_talks")
    db.conn.close()
    assert kinds == {"term"}  # the quote stage marked "mistake" and "wise" as quoted words
    column = next(c for c in result.columns if c.outlet == "A")
    assert all(s.sentence.voice == "own" for s in column.own) and len(column.own) == 2
    # "praised" is the outlet's word; "mistake" and "wise" are the governor's.
    assert [w for w, _v, _n in column.evaluative] == ["praised"]
    assert [w.word for s in column.own for w in s.evaluative] == ["praised"]
    assert column.tone.positive == 1 and column.tone.negative == 0
    assert "quoted inside those sentences" in result.tone_method
    # the method note is printed under the terminal columns and in the Markdown
    assert "quoted inside those sentences" in " ".join(to_text(result, 100).split())
    assert "quoted inside those sentences" in to_markdown(result)


def test_warm_up_loads_the_lexicon_once_and_comparisons_still_work(
    seeds_db: sqlite3.Connection,
) -> None:
    from iraqtui.analysis import tone

    tone.warm_up()
    tone.warm_up()
    assert tone.lexicon()["good"] > 0
    result = characterise(seeds_db, "qom_truce")
    assert {c.outlet for c in result.columns} >= {"Hot Air"}


def test_compare_csv_cells_cannot_run_as_spreadsheet_formulas(tmp_path: Path) -> None:
    folder = tmp_path / "formula-times"
    folder.mkdir()
    (folder / "a.txt").write_text(
        '=HYPERLINK("http://x","Sadr") said the truce in Qom held.\n', encoding="utf-8"
    )
    other = tmp_path / "plain-post"
    other.mkdir()
    (other / "b.txt").write_text("The truce agreed in Qom held, Sadr said.\n", encoding="utf-8")
    from iraqtui.cli import main

    out = tmp_path / "out.csv"
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        main(["--db", str(tmp_path / "f.db"), "ingest", str(tmp_path), "-q"])
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        main(["--db", str(tmp_path / "f.db"), "compare", "Muqtada al-Sadr", "--format", "csv"])
    out.write_text(buffer.getvalue(), encoding="utf-8")
    import csv

    cells = [c for row in csv.reader(out.open(encoding="utf-8")) for c in row]
    assert any("HYPERLINK" in c for c in cells)
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
