"""SIGKILL `iraqtui ingest` at random moments (RELIABILITY.md item 4).

    python scripts/reliability/crash_ingest.py [--trials 25] [--files 60] [--seed 1]

Each trial: copy the annotated state-A database, start an ingest of the changed corpus with
an annotator process writing notes beside it, SIGKILL the ingest (and its workers) after a
random delay between 0 and 1.1 x an uninterrupted run, then check integrity, that every
source is wholly before or wholly after, that no annotation is lost, and that a re-run ends
in the uninterrupted run's state.
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path

import _common  # noqa: F401  (puts the repository on sys.path)

from tests.reliability.crash import prepare, trial


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=25)
    parser.add_argument("--files", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    failures = notes = 0
    with tempfile.TemporaryDirectory() as tmp:
        prepared = prepare(Path(tmp), args.files, args.seed)
        changed = sum(prepared.before.get(p) != h for p, h in prepared.after.items())
        print(
            f"seed {args.seed}: {len(prepared.after)} sources, {changed} change in the "
            f"interrupted run; an uninterrupted run takes {prepared.full_seconds:.1f} s"
        )
        for index in range(args.trials):
            delay = rng.uniform(0, prepared.full_seconds * 1.1)
            result = trial(prepared, index, delay)
            status = "FAIL" if result.problems else "ok"
            print(
                f"  trial {index:2d}: kill at {delay:5.2f} s (exit {result.exit_code}): "
                f"{result.sources_before} before, {result.sources_after} after, "
                f"{result.sources_unchanged} unchanged; {result.acknowledged} notes written "
                f"during the run, all kept: {status} {'; '.join(result.problems + result.notes)}",
                flush=True,
            )
            failures += bool(result.problems)
            notes += bool(result.notes)
            (Path(tmp) / f"trial{index}.db").unlink(missing_ok=True)
    print(f"{args.trials} trials, {failures} failed, {notes} with a stale reuse table after re-run")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
