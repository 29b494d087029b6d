"""Generated FTS and fuzzy queries: results or one clear message, never a traceback."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iraqtui.cli import main
from tests.reliability.conftest import RELIABILITY
from tests.reliability.hostile import UNSAFE_ON_SCREEN
from tests.reliability.queries import ENTRIES, Tally, random_query, run_query

SEED = 20260321
QUERIES = 300  # scripts/reliability/hostile_queries.py runs 10,000


@pytest.fixture
def conn(seeds_db_path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(seeds_db_path)
    yield connection
    connection.close()


def test_generated_queries_give_results_or_one_clear_message(conn: sqlite3.Connection) -> None:
    rng = random.Random(SEED)
    tally = Tally()
    for _ in range(QUERIES):
        query = random_query(rng, max_len=2000)
        for entry in ENTRIES:
            run_query(conn, entry, query, tally)
    assert not tally.failures, f"seed {SEED}: " + "\n".join(tally.failures[:5])
    # Both kinds happen: the generator is not trivially all-valid or all-invalid.
    assert tally.outcomes["fts: result"] and tally.outcomes["fts: message"]
    # No full-text query froze the caller (generous: a slow, noisy CI machine). Fuzzy quote
    # search time grows with query length (RELIABILITY.md); its figures come from the script.
    assert tally.slowest_fts < 10, tally.slowest


@RELIABILITY
@given(query=st.text(max_size=300))
def test_any_text_query_gives_results_or_one_clear_message(query: str, seeds_db_path: Path) -> None:
    tally = Tally()
    connection = sqlite3.connect(seeds_db_path)
    try:
        for entry in ENTRIES:
            run_query(connection, entry, query, tally)
    finally:
        connection.close()
    assert not tally.failures, tally.failures


@pytest.mark.parametrize(
    "query",
    [
        *("AND OR", "NEAR(", '"unbalanced', "a-b", "text:Sadr", "\x00", "*", "^Sadr"),
        *("x" * 2000, "\u202erdaS \u2066Basra\u2069"),
    ],
    ids=["and-or", "near", "quote", "column", "colon", "nul", "star", "caret", "long", "bidi"],
)
@pytest.mark.parametrize("command", ["search", "quotes", "actors", "events", "compare"])
def test_cli_prints_results_or_one_line(
    command: str,
    query: str,
    seeds_db_path: Path,
    no_db_env: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main([command, "--db", str(seeds_db_path), query])
    out, err = capsys.readouterr()
    assert code in (0, 1)
    assert "Traceback" not in err
    assert not UNSAFE_ON_SCREEN.search(out.replace("\n", "") + err.replace("\n", ""))
    if code == 1:
        assert len(err.strip().splitlines()) == 1 and err.startswith("iraqtui: error: ")
