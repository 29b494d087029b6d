"""`iraqtui events --propose` on corpora with no catalogue: the seeds with the catalogue
removed, a small corpus of four outlets with no sidecars, and invented news from three
invented outlets (tests/fixtures/propose_unseen). Databases are built by the real
pipeline.

A proposal *matches* an event when the sentences of it that the catalogue run assigns to that
event (the same files ingested with seeds/events.toml, matched by file and offset) come from
two or more outlets and make up at least half of the proposal's sentences.
"""

from __future__ import annotations

import json
import sqlite3
import tomllib
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from iraqtui.analysis.propose import propose_events
from iraqtui.analysis.synonyms import conflict_lexicon, parse_lexicon
from iraqtui.config import bundled_seeds_dir
from iraqtui.ingest.pipeline import IngestOptions, ingest
from iraqtui.store import event_queries as eq
from iraqtui.store.db import open_db

SEEDS = bundled_seeds_dir()
FIXTURES = Path(__file__).parents[1] / "fixtures"
COVERAGE = tomllib.loads((FIXTURES / "event_coverage.toml").read_text(encoding="utf-8"))
UNSEEN = FIXTURES / "propose_unseen"
MAX_PROPOSALS = 25


@pytest.fixture(scope="module")
def no_catalogue_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds ingested with an empty catalogue: no event is known in advance."""
    folder = tmp_path_factory.mktemp("nocat")
    empty = folder / "none.toml"
    empty.write_text("# no events\n", encoding="utf-8")
    path = folder / "nocat.db"
    db = open_db(path)
    ingest(db.conn, [SEEDS], SEEDS, IngestOptions(events_file=empty))
    db.conn.close()
    return path


def _shared_events(seeds_db: sqlite3.Connection) -> set[str]:
    outlet_of = dict(seeds_db.execute("SELECT file, outlet FROM sources"))
    covered = COVERAGE["coverage"]
    return {
        key
        for key in {k for keys in covered.values() for k in keys}
        if len({outlet_of[f] for f, keys in covered.items() if key in keys}) >= 2
    }


def _matches(proposal: dict[str, Any], key: str, about: dict[tuple[str, int], set[str]]) -> bool:
    sentences = proposal["sentences"]
    on_it = [s for s in sentences if key in about[(s["file"], s["start"])]]
    return len({s["outlet"] for s in on_it}) >= 2 and len(on_it) >= 0.5 * len(sentences)


def test_the_default_proposals_include_every_event_two_outlets_share(  # type: ignore[no-untyped-def]
    cli, no_catalogue_db: Path, seeds_db: sqlite3.Connection, capsys: pytest.CaptureFixture[str]
) -> None:
    result = cli("events", "--db", str(no_catalogue_db), "--propose", "--json")
    assert result.code == 0
    proposals = json.loads(result.out)
    assert 0 < len(proposals) <= MAX_PROPOSALS
    about: dict[tuple[str, int], set[str]] = defaultdict(set)
    for file, start, key in seeds_db.execute(
        "SELECT s.file, t.start, e.key FROM event_passages p JOIN events e ON e.id = p.event "
        "JOIN sentences t ON t.id = p.sentence JOIN sources s ON s.id = p.source"
    ):
        about[(file, start)].add(key)
    shared = _shared_events(seeds_db)
    found: dict[str, int] = {}
    for rank, proposal in enumerate(proposals, start=1):
        assert len(set(proposal["outlets"])) >= 2
        assert {s["outlet"] for s in proposal["sentences"]} == set(proposal["outlets"])
        for key in shared:
            if _matches(proposal, key, about):
                found.setdefault(key, rank)
    with capsys.disabled():
        print(f"\n{len(proposals)} proposals; shared events found {len(found)}/{len(shared)}:")
        print("  " + ", ".join(f"{k} (#{r})" for k, r in sorted(found.items(), key=lambda x: x[1])))
    assert len(shared) >= 13
    assert shared - set(found) == set()
    # "in August" (a post of April 2008) and "the ceasefire hasn't been rescinded" look back to
    # an earlier truce: proposed apart from the Qom truce of the week, which both outlets'
    # other sentences are about.
    earlier = next(p for p in proposals if p["label"].startswith("an earlier"))
    assert "truce" in earlier["label"]
    texts = " ".join(s["text"] for s in earlier["sentences"])
    assert "in August by declaring a unilateral truce" in texts
    assert "the ceasefire hasn’t been rescinded" in texts
    assert "Qom" not in texts


def test_labels_are_shared_phrases_or_names_not_single_common_words(  # type: ignore[no-untyped-def]
    cli, no_catalogue_db: Path
) -> None:
    proposals = json.loads(cli("events", "--db", str(no_catalogue_db), "--propose", "--json").out)
    labels = [p["label"] for p in proposals]
    for proposal in proposals:
        # two or more words, or an actor's name
        assert len(proposal["label"].split()) >= 2 or proposal["actors"], proposal["label"]
    assert not {"years", "eyes", "offensive", "security"} & set(labels)
    assert any("war until liberation" in label for label in labels)  # a phrase both outlets use
    keys = [p["key"] for p in proposals]
    assert len(set(keys)) == len(keys) and all(k.startswith("proposed_") for k in keys)
    text = cli("events", "--db", str(no_catalogue_db), "--propose", "--limit", "3")
    assert text.out.count("\nproposed_") + text.out.startswith("proposed_") == 3
    assert "3 candidate events" in text.out


STORIES = {
    "tribune": [
        "Heavy floods swept through the river delta on Tuesday, forcing thousands of farmers "
        "from their villages.",
        "The provincial governor ordered the dam gates opened to relieve pressure on the levees.",
        "Separately, the city council approved a new budget for the bus network after a long "
        "debate.",
    ],
    "ledger": [
        "The dam gates were finally opened on Wednesday, a day after the floods swept through "
        "the river delta.",
        "Farmers who fled their villages say nobody warned them the levees might fail.",
        "In other news, the national football team lost again to a weaker side.",
    ],
    "riverside": [
        "The city council approved the bus network budget on Thursday after hours of debate.",
        "I went walking by the old mill yesterday and thought about my grandmother.",
        "She used to bake bread every Sunday morning in the stone oven.",
    ],
    "courier": [
        "A new museum of modern sculpture opened downtown with a free exhibition.",
        "The bus network budget the council approved this week is too small, say drivers.",
        "The coach blamed the weather, the referee and the pitch for the football defeat.",
    ],
}


def test_a_small_corpus_without_sidecars_gets_its_two_shared_stories(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    corpus = tmp_path / "mine"
    for outlet, sentences in STORIES.items():
        (corpus / outlet).mkdir(parents=True)  # no sidecars: the folder names the outlet
        (corpus / outlet / "post.txt").write_text("\n\n".join(sentences) + "\n", encoding="utf-8")
    db = str(tmp_path / "mine.db")
    assert cli("ingest", "--db", db, str(corpus)).code == 0
    proposals = json.loads(cli("events", "--db", db, "--propose", "--json").out)
    assert len(proposals) == 2
    flood, bus = sorted(proposals, key=lambda p: "bus" in p["label"])
    assert "floods swept through the river delta" in flood["label"]  # what both outlets say
    assert "bus network" in bus["label"]
    assert set(flood["outlets"]) == {"ledger", "tribune"}
    assert set(bus["outlets"]) == {"courier", "riverside", "tribune"}
    assert all("bus network" in s["text"] for s in bus["sentences"])
    assert not any(
        "football" in s["text"] or "museum" in s["text"] for p in proposals for s in p["sentences"]
    )


def _unseen_db(cli, tmp_path: Path) -> str:  # type: ignore[no-untyped-def]
    db = str(tmp_path / "unseen.db")
    assert cli("ingest", "--db", db, str(UNSEEN)).code == 0
    return db


def test_an_unseen_corpus_gets_its_shared_stories_across_synonyms(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    """Invented outlets and a conflict the code has never seen (tests/fixtures/propose_unseen):
    one outlet's "truce" is another's "ceasefire" and a third's "armistice"; one's "withdrew"
    is another's "pulled out"."""
    proposals = json.loads(
        cli("events", "--db", _unseen_db(cli, tmp_path), "--propose", "--json").out
    )
    korvath = [p for p in proposals if all("Korvath" in s["text"] for s in p["sentences"])]
    assert any(
        {s["outlet"] for s in p["sentences"]} == {"Harbour Gazette", "Valley Courier", "North Wire"}
        for p in korvath
    ), [p["label"] for p in proposals]
    truce = next(p for p in korvath if len(p["outlets"]) == 3)
    assert {"truce", "armistice"} <= set(truce["label"].split(" / ")) | set(truce["terms"])
    sallow = [p for p in proposals if any("Sallow" in s["text"] for s in p["sentences"])]
    assert sallow and set(sallow[0]["outlets"]) == {"Harbour Gazette", "North Wire"}
    assert {"withdrew from Sallow", "pulled out of Sallow"} <= {
        phrase for s in sallow[0]["sentences"] for phrase in (
            "withdrew from Sallow", "pulled out of Sallow") if phrase in s["text"]
    }  # fmt: skip
    alone = ("football", "harvest", "ferry", "museum", "railway", "rain", "buses", "boat")
    assert not any(w in s["text"] for p in proposals for s in p["sentences"] for w in alone)


def test_without_the_synonyms_the_ceasefire_outlet_is_left_out(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    """The control: the same corpus with an empty lexicon, so "ceasefire" is just a word."""
    conn = sqlite3.connect(_unseen_db(cli, tmp_path))
    sentences = eq.body_sentences(conn)
    conn.close()
    plain = propose_events(sentences, {}, lexicon=parse_lexicon(""))
    assert not any("ceasefire" in s.text for p in plain for s in p.sentences)
    with_synonyms = propose_events(sentences, {})
    assert any("ceasefire" in s.text for p in with_synonyms for s in p.sentences)


TRUCES = {
    "harbour": (
        "2009-03-10",
        [
            "Rebel commanders agreed a truce with the army at Fenwick on Monday, a week into the "
            "siege of the port.",
            "The truce signed at Fenwick lets aid convoys reach the port for the first time.",
            "The rebels say the ceasefire they declared in October has not been rescinded, "
            "whatever the generals claim.",
        ],
    ),
    "valley": (
        "2009-03-11",
        [
            "Aid convoys reached the port after the army and the rebels signed a ceasefire at "
            "Fenwick.",
            "Farmers in the hills say the rebels' unilateral truce of October 2008 was broken "
            "within weeks.",
            "The football club opened its new stadium with a friendly against a village side.",
        ],
    ),
}


def _propose_dated(cli, tmp_path: Path, posts: dict[str, tuple[str, list[str]]]) -> list[Any]:  # type: ignore[no-untyped-def]
    """`events --propose --json` on one file per outlet, dated by a sources.toml."""
    corpus = tmp_path / "dated"
    corpus.mkdir()
    sidecar = []
    for outlet, (published, sentences) in posts.items():
        (corpus / f"{outlet}.txt").write_text("\n\n".join(sentences) + "\n", encoding="utf-8")
        sidecar.append(f'[files."{outlet}.txt"]\noutlet = "{outlet}"\npublished = "{published}"\n')
    (corpus / "sources.toml").write_text("\n".join(sidecar), encoding="utf-8")
    db = str(tmp_path / "dated.db")
    assert cli("ingest", "--db", db, str(corpus)).code == 0
    return list(json.loads(cli("events", "--db", db, "--propose", "--json").out))


def test_an_earlier_truce_is_proposed_apart_from_this_weeks(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    """Two outlets tell this week's Fenwick truce and both look back to October's: two
    proposals, not one truce story mixing them."""
    proposals = _propose_dated(cli, tmp_path, TRUCES)
    earlier = [p for p in proposals if p["label"].startswith("an earlier")]
    assert len(earlier) == 1, [p["label"] for p in proposals]
    assert {s["text"].split()[0] for s in earlier[0]["sentences"]} == {"The", "Farmers"}
    assert all("October" in s["text"] for s in earlier[0]["sentences"])
    assert set(earlier[0]["outlets"]) == {"harbour", "valley"}
    now = [p for p in proposals if p is not earlier[0]]
    assert any("Fenwick" in s["text"] for p in now for s in p["sentences"])
    assert not any("October" in s["text"] for p in now for s in p["sentences"])


def test_a_truce_that_will_be_reviewed_next_month_is_not_an_earlier_one(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    """Months later in the calendar than the post, said of the future ("will review the
    truce in May"), are this story's, not last year's."""
    ahead = {
        outlet: (date, [sentences[0], sentences[1 if outlet == "harbour" else 2], extra])
        for (outlet, (date, sentences)), extra in zip(
            TRUCES.items(),
            [
                "Under the deal the ceasefire is to hold until June, the mediators said.",
                "Both sides will review the truce in May, the mediators said.",
            ],
            strict=True,
        )
    }
    proposals = _propose_dated(cli, tmp_path, ahead)
    assert not [p for p in proposals if p["label"].startswith("an earlier")]
    assert any("Fenwick" in s["text"] for p in proposals for s in p["sentences"])


def test_the_shipped_lexicon_loads_and_refuses_a_word_in_two_groups() -> None:
    lexicon = conflict_lexicon()
    assert lexicon.concept_of("ceasefir") == lexicon.concept_of("truce") == "~truce"
    assert lexicon.matches(["sadr", "stood", "down", "hi", "fighter"]) == {
        1: (3, "~truce"),
        4: (5, "~militia"),
    }
    assert lexicon.matches(["it", "stand", "to", "reason"]) == {}
    with pytest.raises(ValueError, match="in two groups"):
        parse_lexicon(
            '[[group]]\nconcept = "a"\nwords = ["truce"]\n'
            '[[group]]\nconcept = "b"\nwords = ["truces"]\n'
        )
