"""Hostile corpus input through the real `iraqtui ingest` (RELIABILITY.md item 1).

    python scripts/reliability/hostile_corpus.py [--files 2000] [--seed 1] [--dense]

1. The fixed nasty folder plus a 20 MB single-line file (with --dense, a second 20 MB line
   where every third word is a gazetteer name).
2. `--files` generated files (random bytes; text from every plane mixed with escapes,
   markup, quote marks, NUL, RTL overrides, zero-width characters, odd line endings).
3. Every hostile sidecar of tests/reliability/hostile.py.
Each ingest must exit without a traceback, print one line per refusal, keep every good file
and leave a database that passes PRAGMA integrity_check.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _common  # noqa: F401  (puts the repository on sys.path)

from tests.reliability.hostile import (
    HOSTILE_SIDECARS,
    huge_line_file,
    ingested_files,
    integrity,
    random_file,
    write_nasty_folder,
)

LINE = re.compile(r"^(?:(?:ingested|skipped|refused) .+|warning: .+|refused: .+: .+|iraqtui: .+)$")


def ingest(db: Path, folder: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "iraqtui", "ingest", "--db", str(db), str(folder)],
        capture_output=True,
        text=True,
        errors="surrogateescape",
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )
    return done, time.perf_counter() - started


def problems_of(done: subprocess.CompletedProcess[str], db: Path) -> list[str]:
    found = []
    if "Traceback" in done.stderr:
        found.append("traceback: " + done.stderr[-1500:])
    found += [
        f"odd stderr line {line[:120]!r}"
        for line in done.stderr.splitlines()
        if not LINE.match(line)
    ]
    if db.exists() and integrity(db) != "ok":
        found.append("integrity_check failed")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dense", action="store_true", help="also a name-dense 20 MB line")
    args = parser.parse_args()
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        nasty = root / "nasty"
        files = write_nasty_folder(nasty, args.seed)
        huge_line_file(nasty / "huge_line.txt", megabytes=20, seed=args.seed)
        done, seconds = ingest(root / "nasty.db", nasty)
        present = ingested_files(root / "nasty.db")
        failures += problems_of(done, root / "nasty.db")
        missing = [f.name for f in files if f.expect == "ingested" and f.name not in present]
        failures += [f"good file missing: {name!r}" for name in missing]
        if "huge_line.txt" not in present:
            failures.append("the 20 MB line was not ingested")
        refused = sum(line.startswith("refused: ") for line in done.stderr.splitlines())
        print(
            f"nasty folder ({len(files)} files + a 20 MB line): exit {done.returncode} in "
            f"{seconds:.1f} s, {len(present)} ingested, {refused} refused in one line each"
        )
        if args.dense:
            dense = root / "dense"
            dense.mkdir()
            huge_line_file(dense / "dense.txt", megabytes=20, seed=args.seed, dense=True)
            done, seconds = ingest(root / "dense.db", dense)
            failures += problems_of(done, root / "dense.db")
            print(f"name-dense 20 MB line: exit {done.returncode} in {seconds:.1f} s")

        rng = random.Random(args.seed)
        generated = root / "generated"
        generated.mkdir()
        for n in range(args.files):
            (generated / f"g{n:05d}.txt").write_bytes(random_file(rng))
        done, seconds = ingest(root / "gen.db", generated)
        present = ingested_files(root / "gen.db")
        refusals = {
            line.split(": ")[1] for line in done.stderr.splitlines() if line.startswith("refused: ")
        }
        failures += problems_of(done, root / "gen.db")
        unaccounted = [
            f"g{n:05d}.txt" for n in range(args.files) if f"g{n:05d}.txt" not in present | refusals
        ]
        failures += [f"neither ingested nor refused: {name}" for name in unaccounted]
        print(
            f"{args.files} generated files (seed {args.seed}): exit {done.returncode} in "
            f"{seconds:.1f} s, {len(present)} ingested, {len(refusals)} refused"
        )

        bad_sidecars = 0
        for index, (name, content, expect) in enumerate(HOSTILE_SIDECARS):
            folder = root / f"sidecar{index}"
            folder.mkdir()
            (folder / "a.txt").write_text("Sadr spoke in Basra.\n", encoding="utf-8")
            (folder / name).write_bytes(content.encode("utf-8", "surrogateescape"))
            done, _ = ingest(root / f"sidecar{index}.db", folder)
            errors = [x for x in done.stderr.splitlines() if x.startswith("iraqtui: error: ")]
            ok = not problems_of(done, root / f"sidecar{index}.db") and (
                (done.returncode == 1 and len(errors) == 1 and name in errors[0])
                or (done.returncode == 0 and expect != "refused")
            )
            if not ok:
                bad_sidecars += 1
                failures.append(f"sidecar case {index} ({name}, {expect}): {done.stderr[-300:]}")
        print(f"{len(HOSTILE_SIDECARS)} hostile sidecars: {bad_sidecars} handled badly")
    print(f"failures: {len(failures)}")
    for failure in failures[:30]:
        print("  " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
