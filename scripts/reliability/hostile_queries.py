"""10,000 generated FTS and fuzzy queries against the seeds database (RELIABILITY.md item 3).

    python scripts/reliability/hostile_queries.py [--queries 10000] [--seed 20260321]

Each query goes through full-text search (ranked, and first hits), fuzzy quote search and
fuzzy actor resolution. Prints counts per outcome, time per entry point, the slowest query,
and every failure (anything but results or one IraqtuiError) with the seed to replay it.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
from pathlib import Path

from _common import seeds_database

from tests.reliability.queries import ENTRIES, Tally, random_query, run_query


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20260321)
    parser.add_argument("--max-len", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        conn = sqlite3.connect(seeds_database(Path(tmp) / "seeds.db"))
        rng = random.Random(args.seed)
        tally = Tally()
        started = time.perf_counter()
        for n in range(args.queries):
            query = random_query(rng, args.max_len)
            for entry in ENTRIES:
                run_query(conn, entry, query, tally)
            if (n + 1) % 1000 == 0:
                print(f"  {n + 1} queries, {len(tally.failures)} failures", flush=True)
        conn.close()
    total = time.perf_counter() - started
    entries = len(ENTRIES)
    print(f"seed {args.seed}: {args.queries} queries x {entries} entry points in {total:.0f} s")
    for key, count in sorted(tally.outcomes.items()):
        print(f"  {key:<28} {count}")
    for entry, seconds in tally.seconds.items():
        slowest = tally.slowest_by_entry[entry]
        print(f"  {entry:<14} total {seconds:7.1f} s, slowest {slowest:6.2f} s")
    seconds, entry, query = tally.slowest
    print(f"  slowest query: {seconds:.2f} s in {entry} for {query!r}")
    print(f"failures: {len(tally.failures)}")
    for failure in tally.failures[:50]:
        print("  " + failure)
    return 1 if tally.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
