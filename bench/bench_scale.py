"""App figures on a large database that bench_app.py (seeds plus padded quotes) does not take:
the app's memory on a full ingest, and the compare screen's core for a large event.

    python bench/bench_scale.py compare DB [--runs 5]   # prints JSON
    python bench/bench_scale.py rss DB                  # prints JSON

- compare: `characterise` for the event whose assigned sentences number closest to 1,000
  (at least 1,000 when one has), timed in this process, tone cache cleared each time:
  as the compare screen runs it (at most SCREEN_SAMPLE sentences per outlet; `seconds`,
  the median of `--runs` after a first, cold run, `first_seconds`), and once in full as the
  CLI and exports run it (`full_seconds`); the event, its sentence and outlet counts, and
  how many sentences each analysed, are reported with the times.
- rss: the real app (`IraqApp`) started headless on DB in a child process and left running
  for 8 s after its first frame, while its workers load the lists; peak RSS (VmHWM) of the
  process, sampled every 0.1 s.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from measure import PYTHON, median, run_child  # noqa: E402

TARGET_SENTENCES = 1000


def pick_event(conn: sqlite3.Connection) -> tuple[str, int, int] | None:
    """(event key, sentences, outlets) of the event nearest TARGET_SENTENCES from above."""
    rows = conn.execute(
        """
        SELECT e.key, count(DISTINCT ep.sentence), count(DISTINCT s.outlet)
        FROM event_passages ep JOIN events e ON e.id = ep.event JOIN sources s ON s.id = ep.source
        GROUP BY e.key
        """
    ).fetchall()
    if not rows:
        return None
    above = [r for r in rows if r[1] >= TARGET_SENTENCES]
    pool = above or rows
    key, sentences, outlets = min(pool, key=lambda r: abs(r[1] - TARGET_SENTENCES))
    return str(key), int(sentences), int(outlets)


def compare(db: Path, runs: int) -> dict[str, Any]:
    from iraqtui.analysis import tone
    from iraqtui.analysis.compare import SCREEN_SAMPLE, Target, characterise
    from iraqtui.store.db import connect

    conn = connect(db, readonly=True)
    picked = pick_event(conn)
    if picked is None:
        return {"error": "no event passages in this database"}
    key, sentences, outlets = picked
    target = Target("event", key, key)
    tone.warm_up()  # the app loads the lexicon after its first paint

    def timed(sample: int | None) -> tuple[float, Any]:
        tone.sentence_tone.cache_clear()  # a sentence's tone is not known before it is shown
        started = time.perf_counter()
        result = characterise(conn, target, sample=sample)
        return time.perf_counter() - started, result

    # As the screen runs it: first in this process (nothing cached), then again (the
    # corpus-wide word counts behind the keyness prior are kept per database).
    first, result = timed(SCREEN_SAMPLE)
    times = [timed(SCREEN_SAMPLE)[0] for _ in range(runs)]
    # As the CLI and every export run it: every sentence.
    full, complete = timed(None)
    conn.close()
    return {
        "event": key,
        "sentences": sentences,
        "outlets": outlets,
        "columns": len(result.columns),
        "sample": SCREEN_SAMPLE,
        "sampled_outlets": sum(1 for c in result.columns if c.sampled_from is not None),
        "analysed": sum(len(c.own) + len(c.quoted) for c in result.columns),
        "seconds": median(times),
        "first_seconds": first,
        "full_seconds": full,
        "full_analysed": sum(len(c.own) + len(c.quoted) for c in complete.columns),
        "runs": runs,
    }


SETTLE_S = 8.0  # the app runs this long after its first frame: lists load in workers


def app_child(db: Path) -> None:
    """In the child: the real app, headless, left running SETTLE_S after the main screen
    painted (its thread workers fill the lists meanwhile), then quit."""
    from iraqtui.config import bundled_seeds_dir
    from iraqtui.tui.app import IraqApp

    app = IraqApp(db, bundled_seeds_dir())

    def painted() -> None:
        print("FRAME", flush=True)
        app.set_timer(SETTLE_S, app.exit)

    app.call_after_refresh(painted)
    app.run(headless=True)


def rss(db: Path) -> dict[str, Any]:
    """Peak RSS of the app over its first frame and SETTLE_S seconds of loading after it."""
    run = run_child([PYTHON, __file__, "app-child", str(db)], timeout=600)
    return {
        "peak_mb": run.peak_process_mb,
        "seconds": run.seconds,
        "painted": "FRAME" in run.stdout,
        "settle_seconds": SETTLE_S,
        "stderr": run.stderr[-400:],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("what", choices=("compare", "rss", "app-child"))
    parser.add_argument("db", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if args.what == "app-child":
        app_child(args.db)
        return 0
    result = compare(args.db, args.runs) if args.what == "compare" else rss(args.db)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
