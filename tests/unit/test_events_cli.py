"""`iraqtui events`: the list, one event's evidence, unassigned sentences, and proposals made
with no catalogue at all. Databases are built by the real pipeline."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from iraqtui.config import bundled_seeds_dir
from iraqtui.ingest.pipeline import IngestOptions, ingest
from iraqtui.store.db import open_db

SEEDS = bundled_seeds_dir()
FIXTURES = Path(__file__).parents[1] / "fixtures"


def test_list_in_date_order_with_counts_per_outlet(cli, seeds_db_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("events", "--db", str(seeds_db_path), "--json")
    assert result.code == 0
    events = json.loads(result.out)
    dates = [e["date"] for e in events]
    assert dates == sorted(dates)
    truce = next(e for e in events if e["key"] == "qom_truce")
    assert set(truce["by_outlet"]) == {
        "Hot Air", "Grasping Reality with Both Hands (Brad DeLong's Semi-Daily Journal)"
    }  # fmt: skip
    assert truce["sentences"] == sum(truce["by_outlet"].values()) >= 10
    text = cli("events", "--db", str(seeds_db_path))
    assert "qom_truce" in text.out and "Hot Air" in text.out
    assert text.out.index("august_2007_freeze") < text.out.index("qom_truce")


def test_one_event_shows_each_sentence_with_its_evidence(cli, seeds_db_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("events", "--db", str(seeds_db_path), "Qom talks", "--json")
    assert result.code == 0
    data = json.loads(result.out)
    assert data["key"] == "qom_truce"
    texts = {p["text"]: p for p in data["passages"]}
    called = next(p for t, p in texts.items() if t.startswith("Their representatives were called"))
    assert "term:Qom" in called["evidence"] and called["score"] > 0.5
    printed = cli("events", "--db", str(seeds_db_path), "qom_truce")
    assert "evidence: term:" in printed.out and "== Hot Air" in printed.out


def test_unknown_event_lists_the_closest_and_fails(cli, seeds_db_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("events", "--db", str(seeds_db_path), "qom trcue talks xyz")
    assert result.code == 1
    assert "no event named" in result.err and "'qom_truce'" in result.err


def test_unassigned_lists_substantive_sentences_only(cli, seeds_db_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("events", "--db", str(seeds_db_path), "--unassigned", "--json")
    rows = json.loads(result.out)
    texts = [r["text"] for r in rows]
    assert any(t.startswith("This might be good news") for t in texts)
    assert "We’ll see." not in texts  # too short to be substantive
    conn = sqlite3.connect(seeds_db_path)
    assigned = {s for (s,) in conn.execute("SELECT sentence FROM event_passages")}
    conn.close()
    assert not {r["sentence"] for r in rows} & assigned


def test_a_key_with_unassigned_or_propose_is_a_usage_error(cli, seeds_db_path: Path) -> None:  # type: ignore[no-untyped-def]
    for mode in ("--unassigned", "--propose"):
        with pytest.raises(SystemExit) as exit_info:
            cli("events", "--db", str(seeds_db_path), "qom_truce", mode)
        assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        cli("events", "--db", str(seeds_db_path), "--save")
    assert exit_info.value.code == 2


def test_saved_proposals_can_be_compared_side_by_side(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "none.toml"
    empty.write_text("", encoding="utf-8")
    db_path = tmp_path / "saved.db"
    db = open_db(db_path)
    ingest(db.conn, [SEEDS], SEEDS, IngestOptions(events_file=empty))
    db.conn.close()
    for _ in range(2):  # saving again replaces the earlier proposals
        saved = cli("events", "--db", str(db_path), "--propose", "--limit", "5", "--save")
        assert saved.code == 0 and "stored 5 proposed events" in saved.err
    events = json.loads(cli("events", "--db", str(db_path), "--json").out)
    assert len(events) == 5 and all(e["origin"] == "proposed" for e in events)
    first = events[0]
    compared = json.loads(
        cli("compare", "--db", str(db_path), first["key"], "--format", "json").out
    )
    outlets = {r["outlet"] for r in compared["rows"] if r["row"] == "sentence"}
    assert outlets == set(first["by_outlet"]) and len(outlets) >= 2
