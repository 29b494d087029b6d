"""Quotes of the seeds, extracted through the real pipeline, against the hand-labelled fixture."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from iraqtui.ingest.gazetteer import load_gazetteer
from iraqtui.ingest.speakers import resolver_for
from tests.conftest import SEEDS

GOLD_PATH = Path(__file__).parents[1] / "fixtures" / "quotes_gold.json"
GOLD: dict[str, Any] = json.loads(GOLD_PATH.read_text(encoding="utf-8"))
RESOLVER = resolver_for(load_gazetteer(SEEDS / "actors.toml"))


def decoded(file: str) -> str:
    return (SEEDS / file).read_bytes().decode("utf-8")


def db_quotes(
    conn: sqlite3.Connection,
) -> dict[str, list[tuple[int, int, str, str | None, str | None]]]:
    out: dict[str, list[tuple[int, int, str, str | None, str | None]]] = {}
    for file, start, end, kind, speaker, outlet in conn.execute(
        "SELECT s.file, q.start, q.end, q.kind, q.speaker, q.cited_outlet "
        "FROM quotes q JOIN sources s ON s.id = q.source ORDER BY s.file, q.start"
    ):
        out.setdefault(file, []).append((start, end, kind, speaker, outlet))
    return out


def match(gold: dict[str, Any], found: list[tuple[int, int, str, str | None, str | None]]):  # type: ignore[no-untyped-def]
    """The extracted quote for a gold quote: same span (±2 characters) for speech and terms;
    for passages, a passage covering the same stretch (intersection over union >= 0.6)."""
    g0, g1 = gold["start"], gold["end"]
    for q in found:
        start, end, kind = q[0], q[1], q[2]
        if gold["kind"] == "passage":
            if kind == "passage":
                inter = max(0, min(end, g1) - max(start, g0))
                if inter / (max(end, g1) - min(start, g0)) >= 0.6:
                    return q
        elif kind != "passage" and abs(start - g0) <= 2 and abs(end - g1) <= 2:
            return q
    return None


def canonical(name: str) -> frozenset[str]:
    """A speaker as a set of canonical names (several for "X and Y"), folded."""
    names = set()
    for part in re.split(r"\s+and\s+", name):
        actor = RESOLVER.actor(part)
        names.add(actor.name if actor else re.sub(r"^(?:a|an|the)\s+", "", part.casefold()))
    return frozenset(names)


def outlet_name(name: str) -> str:
    return RESOLVER.outlet_name(name).casefold()


def test_gold_fixture_spans_are_exact() -> None:
    for record in GOLD["quotes"]:
        assert decoded(record["file"])[record["start"] : record["end"]] == record["text"]
        assert record["kind"] in ("speech", "passage", "term")
    for cluster in GOLD["reuse"]:
        for span in cluster["spans"]:
            assert decoded(span["file"])[span["start"] : span["end"]] == span["text"]


def test_recall_and_speakers_against_gold(seeds_db: sqlite3.Connection) -> None:
    found = db_quotes(seeds_db)
    gold = GOLD["quotes"]
    hits = [(g, match(g, found.get(g["file"], []))) for g in gold]
    recall = sum(1 for _, q in hits if q) / len(gold)
    named = [(g, q) for g, q in hits if g["speaker_named_in_text"]]
    right = [(g, q) for g, q in named if q and q[3] and canonical(q[3]) == canonical(g["speaker"])]
    resolved = [(g, q) for g, q in named if q and q[3] and RESOLVER.actor(q[3].split(" and ")[0])]
    outlets = [
        (g, q) for g, q in hits if q and g["cited_outlet"] and g["cited_outlet_named_in_text"]
    ]
    right_outlets = [
        (g, q) for g, q in outlets if q[4] and outlet_name(q[4]) == outlet_name(g["cited_outlet"])
    ]
    by_kind = {
        kind: f"{sum(1 for g, q in hits if q and g['kind'] == kind)}/"
        f"{sum(1 for g in gold if g['kind'] == kind)}"
        for kind in ("speech", "term", "passage")
    }
    print(
        f"\nquote recall {recall:.3f} ({sum(1 for _, q in hits if q)}/{len(gold)}; {by_kind}); "
        f"right speaker where the text names it {len(right)}/{len(named)} = "
        f"{len(right) / len(named):.3f} (resolved to a gazetteer actor: {len(resolved)}); "
        f"right reporting outlet where the text names it {len(right_outlets)}/{len(outlets)}"
    )
    missing = [g["text"][:50] for g, q in hits if not q]
    wrong = [
        (g["text"][:40], g["speaker"], q[3] if q else None) for g, q in named if (g, q) not in right
    ]
    assert recall >= 0.9, missing
    assert len(right) / len(named) >= 0.9, wrong


def test_no_quote_outside_the_gold_is_invented(seeds_db: sqlite3.Connection) -> None:
    """Precision: every extracted quote corresponds to a labelled one."""
    found = db_quotes(seeds_db)
    extra = []
    for file, quotes in found.items():
        gold = [g for g in GOLD["quotes"] if g["file"] == file]
        for q in quotes:
            if not any(match(g, [q]) for g in gold):
                extra.append((file, q[0], q[1], q[2]))
    total = sum(len(v) for v in found.values())
    print(f"\nquote precision {(total - len(extra)) / total:.3f} ({total - len(extra)}/{total})")
    assert len(extra) <= 0.1 * total, extra


def test_six_opening_marks_five_closing_do_not_swallow_text(seeds_db: sqlite3.Connection) -> None:
    """003 opens six quotes and closes five (one runs over two paragraphs): no quote may run
    into the blogger's own paragraphs after it."""
    text = decoded("003_b083dd00b5ae1b7d.txt")
    assert text.count("“") == 6 and text.count("”") == 5
    own = text.index("As I’ve said before")
    rows = seeds_db.execute(
        "SELECT q.start, q.end, q.kind FROM quotes q JOIN sources s ON s.id = q.source "
        "WHERE s.file = '003_b083dd00b5ae1b7d.txt' AND q.kind != 'passage'"
    ).fetchall()
    assert len(rows) == 5
    assert all(end < own for _, end, _ in rows)
    multi = [r for r in rows if "\n" in text[r[0] : r[1]]]
    assert len(multi) == 1 and text[multi[0][0] : multi[0][1]].endswith("militia faction.")


@pytest.mark.parametrize(
    ("file", "words", "voice", "outlet"),
    [
        ("004_82396509a673133c.txt", "I wonder where they got", "own", None),
        (
            "004_82396509a673133c.txt",
            "Local residents said the southern",
            "quoted",
            "The New York Times",
        ),
        ("001_69d56c995b3b1544.txt", "Sources in Basra tell TIME", "quoted", "TIME"),
        ("003_b083dd00b5ae1b7d.txt", "“Al-Sadr is involved", "speech", "CNN"),
        ("000_68bd571804362d92.txt", "Mr. Qumi’s statements now", "quoted", "The New York Times"),
        ("000_68bd571804362d92.txt", "This gibes with other", "own", None),
    ],
)
def test_sentence_voices(
    seeds_db: sqlite3.Connection, file: str, words: str, voice: str, outlet: str | None
) -> None:
    row = seeds_db.execute(
        "SELECT t.voice, t.cited_outlet, t.voice_confidence FROM sentences t "
        "JOIN sources s ON s.id = t.source WHERE s.file = ? AND t.text LIKE ?",
        (file, words + "%"),
    ).fetchone()
    assert row is not None
    assert (row[0], row[1]) == (voice, outlet)
    assert 0.0 < row[2] <= 1.0
