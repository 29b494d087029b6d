"""Run one hostile query through every search entry point and classify what the user gets."""

from __future__ import annotations

import random
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from iraqtui.analysis.quote_search import search_quotes
from iraqtui.analysis.search import first_hits, search
from iraqtui.errors import IraqtuiError
from iraqtui.store.actor_queries import resolve_actor
from tests.reliability.hostile import FORBIDDEN_OUTPUT

Entry = Callable[[sqlite3.Connection, str], object]
ENTRIES: dict[str, Entry] = {
    "fts": lambda conn, q: search(conn, q, limit=20),
    "fts-first": lambda conn, q: first_hits(conn, q, limit=20),
    "fuzzy-quotes": lambda conn, q: search_quotes(conn, q, limit=10),
    "fuzzy-actor": resolve_actor,
}


@dataclass
class Tally:
    """What a batch of queries produced, per entry point, and the slowest one."""

    outcomes: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    slowest: tuple[float, str, str] = (0.0, "", "")
    seconds: dict[str, float] = field(default_factory=dict)
    slowest_by_entry: dict[str, float] = field(default_factory=dict)

    @property
    def slowest_fts(self) -> float:
        return max(self.slowest_by_entry.get(e, 0.0) for e in ("fts", "fts-first"))

    def record(self, entry: str, query: str, outcome: str, elapsed: float) -> None:
        self.outcomes[f"{entry}: {outcome}"] += 1
        self.seconds[entry] = self.seconds.get(entry, 0.0) + elapsed
        self.slowest_by_entry[entry] = max(self.slowest_by_entry.get(entry, 0.0), elapsed)
        if elapsed > self.slowest[0]:
            self.slowest = (elapsed, entry, query[:80])


def run_query(conn: sqlite3.Connection, entry: str, query: str, tally: Tally) -> None:
    """Results or one clear IraqtuiError; anything else is recorded as a failure."""
    started = time.perf_counter()
    try:
        ENTRIES[entry](conn, query)
        outcome = "result"
    except IraqtuiError as exc:
        message = str(exc)
        outcome = "message"
        if not message or "\n" in message.strip() or FORBIDDEN_OUTPUT.search(message):
            tally.failures.append(f"{entry}: unclear message {message[:200]!r} for {query!r}")
    except Exception as exc:  # the point of the test: nothing else may escape
        outcome = "exception"
        tally.failures.append(f"{entry}: {type(exc).__name__}: {exc} for {query[:300]!r}")
    tally.record(entry, query, outcome, time.perf_counter() - started)


def random_query(rng: random.Random, max_len: int = 20_000) -> str:
    """A query built from FTS5 operators, punctuation, quotes, NUL, long runs and words
    (about 1 in 100 is a long run of up to `max_len` characters)."""
    atoms = [
        "Sadr",
        "Basra",
        "Mahdi",
        "army",
        "truce",
        "AND",
        "OR",
        "NOT",
        "NEAR",
        "NEAR(",
        "NEAR(a b, 3)",
        "(",
        ")",
        '"',
        "'",
        "“",
        "”",
        "*",
        "^",
        ":",
        "-",
        "+",
        "a-b",
        "text:",
        "{",
        "}",
        "\x00",
        "\\",
        "%",
        "_",
        "[bold]",
        "[/]",
        "\x1b[2J",
        ";",
        "--",
        "/*",
        "DROP TABLE sources",
        "'; DROP TABLE paragraphs; --",
        "\u202e",
        "\u200b",
        "é",
        "الصدر",
        "🙂",
        ",",
        ".",
        "?",
        "!",
        "~",
        "$",
        "#",
        "0",
        "1e308",
        "\n",
        "\t",
        " ",
    ]
    kind = rng.random()
    if kind < 0.01:
        return (rng.choice(atoms) * max_len)[: rng.randrange(max_len // 2, max_len + 1)]
    if kind < 0.06:
        return "".join(chr(rng.randrange(1, 0x3000)) for _ in range(rng.randrange(1, 60)))
    count = rng.randrange(0, 9)
    joiner = rng.choice(["", " ", " ", " "])
    return joiner.join(rng.choice(atoms) for _ in range(count))
