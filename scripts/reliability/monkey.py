"""A seeded random walk of key presses through the app (RELIABILITY.md item 7).

    python scripts/reliability/monkey.py [--keys 10000] [--seed 1] [--walks 1]

Runs headless (Textual run_test) on the seeds plus the hostile corpus, at 80x24 (the
smallest terminal the app must serve), and prints every unhandled exception with the seed,
the step and the keys that led to it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from pathlib import Path

import _common  # noqa: F401  (puts the repository on sys.path)

from tests.reliability.monkey import monkey_database, walk


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--walks", type=int, default=1, help="walks, seeds SEED, SEED+1, ...")
    args = parser.parse_args()
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)  # exports made by the walk land here
        os.environ["IRAQTUI_KEYS"] = str(Path(tmp) / "no-keys.toml")
        db = monkey_database(Path(tmp))
        for seed in range(args.seed, args.seed + args.walks):
            result = asyncio.run(walk(db, seed, args.keys))
            print(
                f"seed {seed}: {args.keys} keys in {result.seconds:.0f} s, "
                f"{len(result.bugs)} unhandled exceptions; screens: {sorted(result.screens)}",
                flush=True,
            )
            for bug in result.bugs:
                print(f"  step {bug.step} on {bug.screen} ({bug.what}): {bug.error}")
                print(f"  last keys: {bug.keys}")
                print("  " + bug.trace.replace("\n", "\n  "))
            failures += len(result.bugs)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
