"""Run every benchmark, print the table (each figure beside its anchor) and write BENCHMARKS.md.

    python bench/run.py --quick          # 10k-paragraph ingest, search at 100k: < 3 minutes
    python bench/run.py                  # ingest at 100k and 1M, search at 1M (an hour or more)
    python bench/run.py --only search    # one section; others are kept from the last run

Sections: ingest, search, quotes, app. Results of each section are kept in
bench/out/results-<mode>.json, so a long run can be done in parts; the table and
BENCHMARKS.md are written from everything kept for the mode.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus as corpus_gen  # noqa: E402
import report  # noqa: E402
import searchdb  # noqa: E402
from bench_ingest import run_anchor, run_pipeline, run_profile  # noqa: E402
from measure import OUT, PYTHON, corpus_bytes, machine, median, reference_loop, run_child  # noqa: E402

SECTIONS = ("ingest", "search", "quotes", "app")
MODES = {
    "quick": {
        "ingest_sizes": [10_000],
        "anchor_runs": 5,
        "pipeline_runs": 1,
        "reingest_runs": 5,
        "profile_size": 10_000,
        "search_size": 100_000,
        "search_runs": 5,
        "quote_args": ["--sizes", "100000", "--queries", "40", "--exact", "8", "--anchor", "8"],
        "app_args": ["--runs", "3", "--quotes", "100000"],
    },
    "full": {
        "ingest_sizes": [100_000, 1_000_000],
        "anchor_runs": 5,
        "pipeline_runs": 1,
        "reingest_runs": 5,
        "profile_size": 10_000,
        "search_size": 1_000_000,
        "search_runs": 7,
        "quote_args": ["--sizes", "100000", "1000000", "--queries", "200"],
        "app_args": ["--runs", "7", "--quotes", "100000"],
    },
}


def label(size: int) -> str:
    return f"{size // 1_000_000}m" if size >= 1_000_000 else f"{size // 1000}k"


def corpus_for(size: int) -> Path:
    folder = OUT / f"corpus-{label(size)}"
    started = time.perf_counter()
    stats = corpus_gen.generate(folder, size)
    took = time.perf_counter() - started
    if took > 1:
        print(f"  generated {folder.name}: {stats['files']} files in {took:.0f} s", flush=True)
    return folder


def pipeline_db(size: int) -> Path:
    return OUT / f"pipeline-{label(size)}.db"


def section_ingest(mode: dict[str, Any]) -> dict[str, Any]:
    results: dict[str, Any] = {"sizes": {}}
    for size in mode["ingest_sizes"]:
        folder = corpus_for(size)
        megabytes = corpus_bytes(folder) / 1e6
        anchors = []
        for _ in range(mode["anchor_runs"]):
            result, _child = run_anchor(folder, OUT / "anchor.db")
            anchors.append(result)
            print(f"  anchor {label(size)}: {result['seconds']:.1f} s", flush=True)
        pipelines = []
        db = pipeline_db(size)
        for _ in range(mode["pipeline_runs"]):
            run = run_pipeline(folder, db)
            pipelines.append(run)
            print(
                f"  ingest {label(size)}: {run.seconds:.1f} s, {run.cores_used:.2f} cores, "
                f"peak {run.peak_tree_mb:.0f} MB",
                flush=True,
            )
        reruns = []
        for _ in range(mode["reingest_runs"]):
            rerun = run_pipeline(folder, db, fresh=False)
            reruns.append(rerun.seconds)
        print(f"  re-ingest {label(size)}: {median(reruns):.2f} s", flush=True)
        results["sizes"][str(size)] = {
            "megabytes": megabytes,
            "files": sum(1 for _ in folder.rglob("*.txt")),
            "anchor_seconds": median([a["seconds"] for a in anchors]),
            "anchor_insert": median([a["insert_s"] for a in anchors]),
            "anchor_fts": median([a["fts_s"] for a in anchors]),
            "anchor_runs": len(anchors),
            "seconds": median([p.seconds for p in pipelines]),
            "cores": median([p.cores_used for p in pipelines]),
            "peak_tree_mb": max(p.peak_tree_mb for p in pipelines),
            "peak_process_mb": max(p.peak_process_mb for p in pipelines),
            "runs": len(pipelines),
            "reingest_seconds": median(reruns),
            "reingest_runs": len(reruns),
            "db": str(db),
        }
    profile_corpus = corpus_for(mode["profile_size"])
    results["profile"] = run_profile(profile_corpus)
    print("  stage profile done", flush=True)
    return results


def section_search(mode: dict[str, Any]) -> dict[str, Any]:
    size = mode["search_size"]
    db = pipeline_db(size)
    source = "full pipeline"
    if not db.exists():
        db = OUT / f"search-{label(size)}.db"
        source = "bench/searchdb.py (sources and paragraphs only)"
        started = time.perf_counter()
        searchdb.build(corpus_for(size), db)
        print(f"  search db {label(size)} ready in {time.perf_counter() - started:.0f} s")
    run = run_child([PYTHON, str(HERE / "bench_search.py"), str(db), "--runs", str(mode["search_runs"])])
    if run.returncode:
        raise RuntimeError(f"bench_search failed: {run.stderr[-800:]}")
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    result["db"] = str(db)
    result["db_source"] = source
    return result


def section_quotes(mode: dict[str, Any]) -> dict[str, Any]:
    script = HERE / "bench_quotes.py"
    if not script.exists():
        return {"missing": "bench/bench_quotes.py"}
    run = run_child([PYTHON, str(script), *mode["quote_args"]])
    return {"command": f"python bench/bench_quotes.py {' '.join(mode['quote_args'])}",
            "output": run.stdout, "error": run.stderr[-800:] if run.returncode else "",
            "seconds": run.seconds}


def section_app(mode: dict[str, Any]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    script = HERE / "bench_app.py"
    if script.exists():
        run = run_child([PYTHON, str(script), *mode["app_args"]], timeout=900)
        results["bench_app"] = {
            "command": f"python bench/bench_app.py {' '.join(mode['app_args'])}",
            "output": run.stdout,
            "error": run.stderr[-800:] if run.returncode else "",
            "seconds": run.seconds,
        }
    biggest = max(mode["ingest_sizes"])
    db = pipeline_db(biggest)
    if db.exists():
        for what in ("compare", "rss"):
            run = run_child([PYTHON, str(HERE / "bench_scale.py"), what, str(db)], timeout=900)
            try:
                results[what] = json.loads(run.stdout.strip().splitlines()[-1])
            except (IndexError, ValueError):
                results[what] = {"error": run.stderr[-800:]}
            results[what]["db"] = str(db)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--quick", action="store_true", help="small sizes, under 3 minutes")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help="run only these sections")
    parser.add_argument("--no-write", action="store_true", help="do not touch BENCHMARKS.md")
    args = parser.parse_args()
    name = "quick" if args.quick else "full"
    mode = MODES[name]
    OUT.mkdir(parents=True, exist_ok=True)
    kept_path = OUT / f"results-{name}.json"
    kept: dict[str, Any] = json.loads(kept_path.read_text()) if kept_path.exists() else {}
    started = time.perf_counter()
    kept["machine"] = machine()
    kept.setdefault("reference", {})
    for section in args.only or SECTIONS:
        ref_before = reference_loop()
        t0 = time.perf_counter()
        print(f"[{section}]", flush=True)
        result = globals()[f"section_{section}"](mode)
        result["section_seconds"] = time.perf_counter() - t0
        result["reference_loop"] = [ref_before, reference_loop()]
        result["when"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
        kept[section] = result
        kept_path.write_text(json.dumps(kept, indent=1))
    kept["total_seconds"] = time.perf_counter() - started
    kept_path.write_text(json.dumps(kept, indent=1))
    table = report.table(kept, name)
    print()
    print(report.plain(table))
    print(f"\n{name} run: {time.perf_counter() - started:.0f} s")
    if not args.no_write:
        report.write_markdown(HERE.parent / "BENCHMARKS.md", kept, name, table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
