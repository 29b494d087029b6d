"""Ingest benchmarks: the full pipeline against a bare sqlite-utils insert plus FTS build.

    python bench/bench_ingest.py anchor CORPUS DB     # one anchor run, prints JSON
    python bench/bench_ingest.py profile CORPUS       # seconds per stage, prints JSON
    python bench/bench_ingest.py rekey CORPUS DB      # analysis keys of the code in the tree

The anchor loads the same text (each blank-line paragraph of every file) with
`insert_all` in one transaction and then `enable_fts` (FTS5, the app's tokenizer): what
a database of the corpus costs at the least. The pipeline figure is `iraqtui ingest` in a
child process on an empty database, timed from outside with the peak RSS of its whole
process tree (main process plus analysis workers). The stage profile runs the pipeline in
this process on one core with every stage function wrapped in a timer.
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from measure import PYTHON, ChildRun, corpus_bytes, remove_db, run_child


def _rows(corpus: Path) -> Iterator[dict[str, Any]]:
    n = 0
    for path in sorted(corpus.rglob("*.txt")):
        for block in path.read_text(encoding="utf-8").split("\n\n"):
            body = block.strip()
            if body:
                n += 1
                yield {"id": n, "text": body}


def anchor(corpus: Path, db_path: Path) -> dict[str, float]:
    """insert_all in one transaction, then enable_fts: streaming, as a careful script would."""
    import sqlite_utils

    from iraqtui.store.schema import FTS_TOKENIZE

    remove_db(db_path)
    started = time.perf_counter()
    cpu = time.process_time()
    db = sqlite_utils.Database(db_path)
    db.enable_wal()
    with db.conn:
        db["paragraphs"].insert_all(_rows(corpus), pk="id", batch_size=400)
    inserted = time.perf_counter()
    db["paragraphs"].enable_fts(["text"], fts_version="FTS5", tokenize=FTS_TOKENIZE)
    done = time.perf_counter()
    count = db["paragraphs"].count
    db.conn.close()
    return {
        "seconds": done - started,
        "insert_s": inserted - started,
        "fts_s": done - inserted,
        "cpu_s": time.process_time() - cpu,
        "paragraphs": float(count),
    }


def run_anchor(corpus: Path, db_path: Path) -> tuple[dict[str, float], ChildRun]:
    run = run_child([PYTHON, __file__, "anchor", str(corpus), str(db_path)])
    if run.returncode:
        raise RuntimeError(f"anchor failed: {run.stderr[-800:]}")
    result = json.loads(run.stdout.strip().splitlines()[-1])
    remove_db(db_path)
    return result, run


# Per process. The corpus-level reuse stage once held every paragraph's words at once (it
# now streams): on a shared machine a cap turns a runaway into a MemoryError that is
# reported, not an OOM kill.
ADDRESS_SPACE_CAP = 6 * 1024**3


def pipeline(corpus: Path, db_path: Path) -> dict[str, Any]:
    """`pipeline.ingest` exactly as `iraqtui ingest` calls it, with the reuse phase timed
    apart (and its MemoryError, if any, reported instead of raised)."""
    from iraqtui.config import bundled_seeds_dir
    from iraqtui.ingest import pipeline as pipeline_module
    from iraqtui.store.db import open_db

    phase: dict[str, Any] = {"reuse_seconds": 0.0, "reuse_error": ""}
    refresh = pipeline_module.refresh_reuse

    def timed_refresh(conn: Any) -> None:
        started = time.perf_counter()
        try:
            refresh(conn)
        except MemoryError:
            conn.rollback()
            phase["reuse_error"] = "MemoryError"
        phase["reuse_seconds"] = time.perf_counter() - started

    pipeline_module.refresh_reuse = timed_refresh  # type: ignore[assignment]
    started = time.perf_counter()
    db = open_db(db_path)
    report = pipeline_module.ingest(db.conn, [corpus], bundled_seeds_dir())
    db.conn.close()
    return {
        "seconds": time.perf_counter() - started,
        "ingested": len(report.ingested),
        "skipped": len(report.skipped),
        "refused": len(report.refused),
        **phase,
    }


def run_pipeline(
    corpus: Path, db_path: Path, *, fresh: bool = True
) -> tuple[dict[str, Any], ChildRun]:
    """The ingest in a child process (as `iraqtui ingest` runs it), timed from outside."""
    if fresh:
        remove_db(db_path)
    run = run_child(
        [PYTHON, __file__, "pipeline", str(corpus), str(db_path)],
        address_space_cap=ADDRESS_SPACE_CAP,
    )
    if run.returncode:
        raise RuntimeError(f"ingest failed: {run.stderr[-800:]}")
    return json.loads(run.stdout.strip().splitlines()[-1]), run


STAGES = (
    ("iraqtui.ingest.pipeline", "decode", "decode + sha256"),
    ("iraqtui.ingest.pipeline", "boilerplate_with_hits", "boilerplate"),
    ("iraqtui.ingest.pipeline", "build", "paragraphs + sentences"),
    ("iraqtui.ingest.pipeline", "sanitize", "sanitize"),
    ("iraqtui.ingest.pipeline", "infer_meta", "metadata"),
    ("iraqtui.ingest.actors", "find_mentions", "actors"),
    ("iraqtui.ingest.quotes", "extract_quotes", "quotes"),
    ("iraqtui.ingest.voice", "assign_voices", "voice"),
    ("iraqtui.ingest.events", "assign_events", "events"),
    ("iraqtui.ingest.reuse", "paragraph_prints", "reuse fingerprints (per file)"),
    ("iraqtui.store.writer", "write_source", "write (SQLite + FTS triggers)"),
    ("iraqtui.ingest.pipeline", "refresh_reuse", "reuse (corpus level)"),
)


def profile(corpus: Path) -> dict[str, Any]:
    """CPU seconds per stage for an in-process, one-core ingest of `corpus`."""
    import importlib
    import tempfile

    from iraqtui.config import bundled_seeds_dir
    from iraqtui.ingest import corpus_stage, pipeline
    from iraqtui.store.db import open_db

    spent: dict[str, float] = defaultdict(float)

    def timed(fn: Callable[..., Any], label: str) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[label] += time.process_time() - started

        return wrapper

    for module_name, attr, label in STAGES:
        module = importlib.import_module(module_name)
        setattr(module, attr, timed(getattr(module, attr), label))
    # One core, all of it counted here: the reuse stage aligns in this process too.
    corpus_stage.PARALLEL_MIN_PAIRS = sys.maxsize
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "profile.db")
        started = time.process_time()
        wall = time.perf_counter()
        report = pipeline.ingest(
            db.conn, [corpus], bundled_seeds_dir(), pipeline.IngestOptions(workers=1)
        )
        total = time.process_time() - started
        wall = time.perf_counter() - wall
        counts = {
            t: db.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("paragraphs", "sentences", "mentions", "quotes", "event_passages", "reuse")
        }
        db.conn.close()
    return {
        "megabytes": corpus_bytes(corpus) / 1e6,
        "files": len(report.ingested),
        "cpu_seconds": total,
        "wall_seconds": wall,
        "stages": dict(spent),
        "rows": counts,
    }


def run_profile(corpus: Path) -> dict[str, Any]:
    run = run_child([PYTHON, __file__, "profile", str(corpus)])
    if run.returncode:
        raise RuntimeError(f"profile failed: {run.stderr[-800:]}")
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


def rekey(corpus: Path, db_path: Path) -> dict[str, Any]:
    """Recompute every source's analysis key with the code now in the tree.

    Only for a benchmark database built by an earlier version of the pipeline, before
    measuring re-ingest of the unchanged corpus: with the old keys every file would (rightly)
    be re-analysed. The files are unchanged, so their stored sha256 is their hash today.
    """
    import sqlite3

    from iraqtui.config import bundled_seeds_dir
    from iraqtui.ingest import pipeline as pipeline_module

    sidecars = pipeline_module.resolve_sidecars(
        corpus.resolve(), pipeline_module.IngestOptions(), bundled_seeds_dir()
    )
    conn = sqlite3.connect(db_path)
    rows = conn.execute("SELECT id, sha256, file FROM sources").fetchall()
    with conn:
        conn.executemany(
            "UPDATE sources SET analysis_key = ? WHERE id = ?",
            [(pipeline_module.analysis_key(sha, name, sidecars), sid) for sid, sha, name in rows],
        )
    conn.close()
    return {"rekeyed": len(rows)}


def main(argv: list[str]) -> int:
    if len(argv) >= 3 and argv[0] == "anchor":
        print(json.dumps(anchor(Path(argv[1]), Path(argv[2]))))
        return 0
    if len(argv) >= 3 and argv[0] == "pipeline":
        print(json.dumps(pipeline(Path(argv[1]), Path(argv[2]))))
        return 0
    if len(argv) >= 3 and argv[0] == "rekey":
        print(json.dumps(rekey(Path(argv[1]), Path(argv[2]))))
        return 0
    if len(argv) >= 2 and argv[0] == "profile":
        print(json.dumps(profile(Path(argv[1]))))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
