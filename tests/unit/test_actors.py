"""Actor recognition: the hand-labelled fixture, spelling variants, distinct names, discovery.

Every database here is built by the real pipeline; the gold fixture was labelled by reading
the seeds, independently of what the code finds.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iraqtui.config import bundled_seeds_dir
from iraqtui.ingest.actors import find_mentions
from iraqtui.ingest.gazetteer import (
    ACTORS_NAME,
    fuzzy_resolve,
    gazetteer_from_actors,
    load_gazetteer,
)
from iraqtui.ingest.pipeline import IngestOptions, ingest
from iraqtui.ingest.segment import build
from iraqtui.models import Actor, Document
from iraqtui.store.db import open_db

SEEDS = bundled_seeds_dir()
GOLD = Path(__file__).parents[1] / "fixtures" / "actor_mentions_gold.json"
SEED_GAZETTEER = load_gazetteer(SEEDS / ACTORS_NAME)


def ingest_texts(tmp_path: Path, texts: dict[str, str], actors: Path | None = None) -> Path:
    """Write `texts` into a folder and ingest it; returns the database path."""
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    for name, text in texts.items():
        (corpus / name).write_text(text, encoding="utf-8")
    db_path = tmp_path / "test.db"
    db = open_db(db_path)
    try:
        ingest(db.conn, [corpus], SEEDS, IngestOptions(actors_file=actors))
    finally:
        db.conn.close()
    return db_path


def mentions_in(db_path: Path) -> list[tuple[str, int, int, str, str, str]]:
    """(file, start, end, surface, actor, method) for every stored mention."""
    conn = sqlite3.connect(db_path)
    try:
        rows = conn.execute(
            "SELECT s.file, m.start, m.end, m.surface, a.name, m.method FROM mentions m "
            "JOIN actors a ON a.id = m.actor JOIN sources s ON s.id = m.source "
            "ORDER BY s.file, m.start"
        ).fetchall()
    finally:
        conn.close()
    return [tuple(r) for r in rows]


def by_surface(db_path: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for _file, _s, _e, surface, actor, _method in mentions_in(db_path):
        found.setdefault(surface, set()).add(actor)
    return found


def doc_of(text: str) -> Document:
    paragraphs, sentences = build(text, [])
    return Document("t.txt", text, text, paragraphs, sentences)


# --- the hand-labelled fixture -----------------------------------------------------------


def test_gold_fixture_spans_are_exact_slices_of_the_seeds() -> None:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    files = {g["file"] for g in gold}
    assert files == {"001_69d56c995b3b1544.txt", "003_b083dd00b5ae1b7d.txt"}
    for g in gold:
        text = (SEEDS / g["file"]).read_bytes().decode("utf-8")
        assert text[g["start"] : g["end"]] == g["surface"], g


def test_precision_and_recall_against_the_gold_fixture(seeds_db: sqlite3.Connection) -> None:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    files = sorted({g["file"] for g in gold})
    wanted = {
        (g["file"], g["start"], g["end"], g["actor"]) for g in gold if not g.get("boilerplate")
    }
    rows = seeds_db.execute(
        f"SELECT s.file, m.start, m.end, a.name FROM mentions m JOIN actors a ON a.id = m.actor "
        f"JOIN sources s ON s.id = m.source WHERE s.file IN ({','.join('?' * len(files))})",
        files,
    ).fetchall()
    got = {tuple(r) for r in rows}
    true_positives = len(got & wanted)
    precision = true_positives / len(got)
    recall = true_positives / len(wanted)
    report = (
        f"precision {precision:.3f} recall {recall:.3f} "
        f"(missed {sorted(wanted - got)[:5]}, spurious {sorted(got - wanted)[:5]})"
    )
    print(f"\nactor mentions against {GOLD.name}: {report}")  # shown by `pytest -s`
    assert precision >= 0.95, report
    assert recall >= 0.95, report
    # Mentions in boilerplate (the breadcrumb line of 003) are labelled but not stored.
    boiler = {(g["file"], g["start"], g["end"], g["actor"]) for g in gold if g.get("boilerplate")}
    assert boiler and not boiler & got


def test_demonyms_are_flagged(seeds_db: sqlite3.Connection) -> None:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    demonyms = {(g["file"], g["start"]) for g in gold if g.get("demonym")}
    rows = seeds_db.execute(
        "SELECT s.file, m.start, m.method FROM mentions m JOIN sources s ON s.id = m.source"
    ).fetchall()
    methods = {(f, start): method for f, start, method in rows}
    assert demonyms and all(methods.get(key) == "demonym" for key in demonyms)


# --- variants ---------------------------------------------------------------------------

VARIANTS = (
    "Mr. Sadr's men and the Mahi Army fought the Mehdi Army and JAM. The Mahdis held on. "
    "Sadrists and Sadr-led forces were out in Sadr city and in Sadr City. "
    "Iraqi VP Adel Abdul Mahdi was there. Prime Minister Nuri Kamal al-Maliki, or Nouri al "
    "Maliki, or al Mailiki, or Mr. Maliki’s aides, met Khameini's man. Ambassador Qumi spoke. "
    "Brig. Gen. Qassem Suleimani went to Qom. The Iranians and an Iranian envoy met Iraqi "
    "lawmakers, and the IA waited.\n"
)
EXPECTED_VARIANTS = {
    "Sadr": "Muqtada al-Sadr",
    "Mahi Army": "Mahdi Army",
    "Mehdi Army": "Mahdi Army",
    "JAM": "Mahdi Army",
    "Mahdis": "Mahdi Army",
    "Sadrists": "Sadrist movement",
    "Sadr-led forces": "Sadrist movement",
    "Sadr city": "Sadr City",
    "Sadr City": "Sadr City",
    "Adel Abdul Mahdi": "Adel Abdul Mahdi",
    "Nuri Kamal al-Maliki": "Nouri al-Maliki",
    "Nouri al Maliki": "Nouri al-Maliki",
    "al Mailiki": "Nouri al-Maliki",
    "Maliki": "Nouri al-Maliki",
    "Khameini": "Ali Khamenei",
    "Qumi": "Hassan Kazemi Qomi",
    "Qassem Suleimani": "Qasem Soleimani",
    "Qom": "Qom",
    "Iranians": "Iran",
    "Iranian": "Iran",
    "Iraqi": "Iraq",
    "IA": "Iraqi Army",
}


def test_every_variant_resolves_with_titles_and_possessives_outside_the_span(
    tmp_path: Path,
) -> None:
    db_path = ingest_texts(tmp_path, {"variants.txt": VARIANTS})
    found = by_surface(db_path)
    for surface, actor in EXPECTED_VARIANTS.items():
        assert found.get(surface) == {actor}, (surface, found.get(surface))
    surfaces = set(found)
    # Titles, possessives and the article are never part of a span.
    assert not any(
        s.startswith(("Mr.", "Prime", "Brig", "Ambassador", "the ", "The ")) for s in surfaces
    )
    assert not any(s.endswith(("'s", "’s")) for s in surfaces)
    methods = {(m[3], m[5]) for m in mentions_in(db_path)}
    assert ("Mahi Army", "fuzzy") in methods
    assert ("Khameini", "fuzzy") in methods
    assert ("Iranians", "demonym") in methods
    # "Mahdi" inside Adel Abdul Mahdi is not the militia; "Sadr" inside Sadr City is not Sadr.
    spans = {(m[1], m[4]) for m in mentions_in(db_path)}
    mahdi_at = VARIANTS.index("Adel Abdul Mahdi")
    assert (mahdi_at, "Adel Abdul Mahdi") in spans
    assert all(
        start != VARIANTS.index("Sadr City") or actor == "Sadr City" for start, actor in spans
    )


def test_mehdi_army_resolves_by_fuzzy_matching_when_it_is_not_an_alias() -> None:
    gazetteer = gazetteer_from_actors([Actor("Mahdi Army", "militia", ("Jaish al-Mahdi",))])
    mentions, candidates = find_mentions(
        doc_of("Fighters of the Mehdi Army and the Mahi Army held the city.\n"), gazetteer
    )
    assert [(m.surface, m.actor, m.method) for m in mentions] == [
        ("Mehdi Army", "Mahdi Army", "fuzzy"),
        ("Mahi Army", "Mahdi Army", "fuzzy"),
    ]
    assert all(85 <= m.score < 100 for m in mentions)
    assert candidates == []


UNSEEN = (
    "Moqtada al-Sadr told Jaysh al-Mahdi to stand down in Basrah after Nouri al-Maliki's "
    "offensive. Moqtada's aides met Gen. Soleimani of the Qods Force; Hadi al-Amiri of the "
    "Badr Brigade and SCIRI (now the Supreme Islamic Iraqi Council) were there too.\n"
)


def test_spellings_absent_from_the_seeds_resolve(tmp_path: Path) -> None:
    seeds_text = "".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt"))
    for spelling in ("Moqtada", "Jaysh al-Mahdi", "Nouri al-Maliki", "Basrah", "Soleimani"):
        assert spelling not in seeds_text  # really unseen
    found = by_surface(ingest_texts(tmp_path, {"unseen.txt": UNSEEN}))
    assert found["Moqtada al-Sadr"] == {"Muqtada al-Sadr"}
    assert found["Moqtada"] == {"Muqtada al-Sadr"}
    assert found["Jaysh al-Mahdi"] == {"Mahdi Army"}
    assert found["Nouri al-Maliki"] == {"Nouri al-Maliki"}
    assert found["Basrah"] == {"Basra"}
    assert found["Soleimani"] == {"Qasem Soleimani"}
    assert found["Qods Force"] == {"Quds Force"}
    assert found["Hadi al-Amiri"] == {"Hadi al-Amiri"}
    assert found["Badr Brigade"] == {"Badr Organization"}
    assert (
        found["SCIRI"]
        == found["Supreme Islamic Iraqi Council"]
        == {"Islamic Supreme Council of Iraq"}
    )


# --- distinct names stay distinct ---------------------------------------------------------


def test_distinct_actors_with_close_names_stay_distinct(tmp_path: Path) -> None:
    text = "Sadr and Badr argued. Qom hosted Qumi. Iran and Iraq signed.\n"
    found = by_surface(ingest_texts(tmp_path, {"pairs.txt": text}))
    assert found["Sadr"] == {"Muqtada al-Sadr"}
    assert found["Badr"] == {"Badr Organization"}
    assert found["Qom"] == {"Qom"}
    assert found["Qumi"] == {"Hassan Kazemi Qomi"}
    assert found["Iran"] == {"Iran"}
    assert found["Iraq"] == {"Iraq"}


@pytest.mark.parametrize(
    ("known", "other"),
    [
        (Actor("Muqtada al-Sadr", "person", ("Sadr",)), "Badr"),
        (Actor("Badr Organization", "militia", ("Badr",)), "Sadr"),
        (Actor("Qom", "place"), "Qumi"),
        (Actor("Hassan Kazemi Qomi", "person", ("Qumi",)), "Qom"),
        (Actor("Iran", "state"), "Iraq"),
        (Actor("Iraq", "state"), "Iran"),
        (Actor("Sadr City", "place"), "Badr City"),
        (Actor("Badr Organization", "militia"), "Sadr Organization"),
    ],
)
def test_fuzzy_matching_never_turns_one_name_into_another(known: Actor, other: str) -> None:
    gazetteer = gazetteer_from_actors([known])
    mentions, candidates = find_mentions(doc_of(f"Officials said {other} was ready.\n"), gazetteer)
    assert mentions == []
    assert [c.surface for c in candidates] == [other]


def test_fuzzy_resolution_refuses_a_name_close_to_two_actors() -> None:
    gazetteer = gazetteer_from_actors([Actor("Hakimi", "person"), Actor("Hakimo", "person")])
    assert fuzzy_resolve(gazetteer.index(), "hakimu") is None
    assert fuzzy_resolve(gazetteer.index(), "hakimii") == ("Hakimi", 92.3)


# --- matching details -----------------------------------------------------------------------


def test_capitals_decide_acronyms_and_common_words() -> None:
    gazetteer = gazetteer_from_actors(
        [
            Actor("TIME", "media", ("Time",)),
            Actor("Mahdi Army", "militia", ("JAM",)),
            Actor("Sadr City", "place"),
            Actor("United States", "state", ("US",)),
        ]
    )
    text = (
        "Time will tell, and time is short. Sources tell Time that jam and JAM differ. "
        "Let us go to sadr city, then Sadr city. The US said so.\n"
    )
    mentions, _ = find_mentions(doc_of(text), gazetteer)
    assert [(m.surface, m.actor) for m in mentions] == [
        ("Time", "TIME"),
        ("JAM", "Mahdi Army"),
        ("Sadr city", "Sadr City"),
        ("US", "United States"),
    ]
    assert mentions[0].start == text.index("tell Time") + 5


def test_word_boundaries_and_longest_match() -> None:
    gazetteer = gazetteer_from_actors(
        [
            Actor("Iran", "state", demonyms=("Iranian", "Iranians")),
            Actor("Ware", "person"),
            Actor("Islamic Supreme Council of Iraq", "party", ("Supreme Council",)),
            Actor("Iraq", "state"),
        ]
    )
    text = "Iranian-backed software from Iranistan; the Islamic Supreme Council of Iraq met.\n"
    mentions, _ = find_mentions(doc_of(text), gazetteer)
    assert [(m.surface, m.actor, m.method) for m in mentions] == [
        ("Iranian", "Iran", "demonym"),
        ("Islamic Supreme Council of Iraq", "Islamic Supreme Council of Iraq", "exact"),
    ]


def test_mentions_in_boilerplate_are_not_kept(tmp_path: Path) -> None:
    corpus_text = "Sadr spoke in Basra.\nHome Politics Sadr News\n"
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "sources.toml").write_text(
        '[files."a.txt"]\nboilerplate = [{ text = "Home Politics Sadr News", reason = "nav" }]\n',
        encoding="utf-8",
    )
    found = mentions_in(ingest_texts(tmp_path, {"a.txt": corpus_text}))
    assert [(m[3], m[1]) for m in found] == [("Sadr", 0), ("Basra", 14)]


# --- discovery ------------------------------------------------------------------------------

UNKNOWN = (
    "Strikingly, Governor Zubair Haddad met Colonel Ruth Okonjo of the Dhi Qar Brigade on "
    "Saturday. However, the Dhi Qar Brigade refused. Haddad said the Federal Police of Iraq "
    "would help.\n"
    "Haddad's aides and the Dhi Qar Brigade's men left for Nasiriyah.\n"
)


def test_discovery_keeps_capitalised_names_and_skips_sentence_openers() -> None:
    gazetteer = gazetteer_from_actors([Actor("Iraq", "state")])
    mentions, candidates = find_mentions(doc_of(UNKNOWN), gazetteer)
    surfaces = [c.surface for c in candidates]
    assert surfaces == [
        "Zubair Haddad",
        "Ruth Okonjo",
        "Dhi Qar Brigade",
        "Dhi Qar Brigade",
        "Haddad",
        "Federal Police",
        "Haddad",
        "Dhi Qar Brigade",
        "Nasiriyah",
    ]
    for c in candidates:
        assert UNKNOWN[c.start : c.end] == c.surface
    assert [m.surface for m in mentions] == ["Iraq"]


def test_a_corpus_without_sidecars_still_finds_names(tmp_path: Path) -> None:
    empty = tmp_path / ACTORS_NAME
    empty.write_text("# no actors yet\n", encoding="utf-8")
    db_path = ingest_texts(tmp_path, {"own.txt": UNKNOWN}, actors=empty)
    assert mentions_in(db_path) == []
    conn = sqlite3.connect(db_path)
    try:
        surfaces = [r[0] for r in conn.execute("SELECT surface FROM candidates ORDER BY start")]
    finally:
        conn.close()
    assert "Zubair Haddad" in surfaces and "Federal Police of Iraq" in surfaces
    assert not {"Strikingly", "However", "Saturday", "Governor", "Colonel"} & set(surfaces)


def test_ignore_list_keeps_words_out_of_discovery(tmp_path: Path) -> None:
    path = tmp_path / ACTORS_NAME
    path.write_text('ignore = ["Shia"]\n[[actor]]\nname = "Iraq"\ntype = "state"\n', "utf-8")
    gazetteer = load_gazetteer(path)
    _, candidates = find_mentions(
        doc_of("This is Shia against Shia in Iraq, said Ali Sabah.\n"), gazetteer
    )
    assert [c.surface for c in candidates] == ["Ali Sabah"]


def test_the_bundled_gazetteer_is_large_and_linked() -> None:
    gazetteer = load_gazetteer(SEEDS / ACTORS_NAME)
    assert len(gazetteer.actors) > 60
    by_name = {a.name: a for a in gazetteer.actors}
    assert by_name["Mahdi Army"].affiliation == "Muqtada al-Sadr"
    assert by_name["Badr Organization"].affiliation == "Islamic Supreme Council of Iraq"
    assert by_name["Quds Force"].affiliation == "Iran"
    everything = {alias for a in gazetteer.actors for alias in a.aliases}
    # Misspellings are left to fuzzy matching, not listed.
    assert not {"Mahi Army", "al Mailiki", "Khameini"} & everything


# --- any text at all ----------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "Sadr",
                    "al-Sadr",
                    "Mahi Army",
                    "İstanbul",
                    "ﬁ",
                    "Iranian",
                    "U.S.",
                    "Mr.",
                    "\n",
                    "’s",
                    "-",
                    " ",
                    ". ",
                    "Khameini",
                    "al",
                    "of",
                    "Zubair Haddad",
                    "\x1b[0m",
                ]
            ),
            st.text(max_size=8),
        ),
        max_size=30,
    )
)
def test_any_text_gives_exact_non_overlapping_spans(parts: list[str]) -> None:
    text = "".join(parts)
    mentions, candidates = find_mentions(doc_of(text), SEED_GAZETTEER)
    last_end = 0
    for m in mentions:
        assert text[m.start : m.end] == m.surface and m.surface.strip() == m.surface
        assert m.start >= last_end
        last_end = m.end
    for c in candidates:
        assert text[c.start : c.end] == c.surface and c.surface
        assert not any(m.start < c.end and c.start < m.end for m in mentions)
