"""Run every benchmark, print the table (each figure beside its anchor) and write BENCHMARKS.md.

    python bench/run.py --quick          # 10k-paragraph ingest, search at 100k: < 3 minutes
    python bench/run.py                  # ingest at 100k and 1M, search at 1M (an hour or more)
    python bench/run.py --only search    # one section; others are kept from the last run
    python bench/run.py --only floor --sizes 1000000   # storage floor beside anchors only

Sections: ingest, search, quotes, app. Results of each section are kept in
bench/out/results-<mode>.json, so a long run can be done in parts; the table and
BENCHMARKS.md are written from everything kept for the mode. For parts: `--sizes` picks the
ingest sizes, `--keep-pipeline` reuses the last full-pipeline run of a size (its database
and timings, bench/out/ingest-<size>-pipeline.json) and anchors run beside it
(bench/out/anchor-<size>.jsonl), `--runs` sets anchor and re-ingest runs, `--search-db`
searches a given database (e.g. one from bench/searchdb.py).

The ingest section also measures the storage floor (bench/bench_floor.py: the rows of the
pipeline's database written again, no analysis; and the same as a bulk load that builds the
indexes and FTS at the end), beside anchors of the same run, and checks both databases hold
the pipeline's rows. `--only floor` does just that for each size, from the kept
bench/out/pipeline-<size>.db (no pipeline run), into the kept ingest results; `--floor-runs`
sets how many of each, `--no-floor` leaves it out, `--floor-counts-only` checks row counts
(and the FTS) instead of every row (minutes saved at 1M).
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
from bench_floor import run_check, run_write  # noqa: E402
from bench_ingest import run_anchor, run_pipeline, run_profile  # noqa: E402
from measure import (  # noqa: E402
    OUT,
    PYTHON,
    ChildRun,
    corpus_bytes,
    loadavg,
    machine,
    median,
    reference_loop,
    remove_db,
    run_child,
)

SECTIONS = ("ingest", "search", "quotes", "app")
# Run only when named in --only: results go into the kept ingest section's sizes.
EXTRA_SECTIONS = ("floor",)
MODES = {
    "quick": {
        "ingest_sizes": [10_000],
        "anchor_runs": 5,
        "pipeline_runs": 1,
        "reingest_runs": 5,
        "floor_runs": 3,
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
        "floor_runs": 2,
        "profile_size": 10_000,
        "search_size": 1_000_000,
        "search_runs": 7,
        "quote_args": [
            "--sizes",
            "100000",
            "1000000",
            "--queries",
            "100",
            "--exact",
            "20",
            "--exact-large",
            "20",
            "--anchor",
            "5",
        ],
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
        pipelines = []
        db = pipeline_db(size)
        kept_runs = OUT / f"ingest-{label(size)}-pipeline.json"
        if mode["keep_pipeline"] and kept_runs.exists() and db.exists():
            for entry in json.loads(kept_runs.read_text()):
                run = ChildRun(
                    entry["wall"],
                    entry["cpu"],
                    entry["peak_tree_mb"],
                    entry.get("peak_process_mb", 0.0),
                    0,
                    "",
                    "",
                )
                pipelines.append((entry, run))
            print(f"  ingest {label(size)}: kept from {kept_runs.name}", flush=True)
        for _ in range(0 if pipelines else mode["pipeline_runs"]):
            phases, run = run_pipeline(folder, db)
            pipelines.append((phases, run))
            error = f" {phases['reuse_error']}" if phases["reuse_error"] else ""
            print(
                f"  ingest {label(size)}: {run.seconds:.1f} s "
                f"(reuse {phases['reuse_seconds']:.1f} s{error}), "
                f"{run.cores_used:.2f} cores, peak {run.peak_tree_mb:.0f} MB",
                flush=True,
            )
        kept_runs.write_text(  # kept if the run is cut short; reused with --keep-pipeline
            json.dumps(
                [
                    {
                        **ph,
                        "wall": r.seconds,
                        "cpu": r.cpu_seconds,
                        "peak_tree_mb": r.peak_tree_mb,
                        "peak_process_mb": r.peak_process_mb,
                    }
                    for ph, r in pipelines
                ]
            )
        )
        reruns = []
        for _ in range(mode["reingest_runs"]):
            again, rerun = run_pipeline(folder, db, fresh=False)
            if again["ingested"]:
                raise RuntimeError(f"re-ingest of an unchanged corpus ingested {again['ingested']}")
            reruns.append(rerun.seconds)
        print(f"  re-ingest {label(size)}: {median(reruns):.2f} s", flush=True)
        # The anchor after the long pipeline run: if time runs out, the pipeline figure exists.
        anchors = []
        side = OUT / f"anchor-{label(size)}.jsonl"  # anchors run beside a long pipeline run
        if mode["keep_pipeline"] and side.exists():
            anchors = [json.loads(line) for line in side.read_text().splitlines() if line]
            print(f"  anchor {label(size)}: {len(anchors)} runs kept from {side.name}")
        wanted = max(0, mode["anchor_runs"] - len(anchors))
        fresh, floor = measure_floor(size, folder, mode, wanted if mode["floor"] else 0)
        anchors += fresh[:wanted]
        for _ in range(wanted - len(fresh)):
            result, _child = run_anchor(folder, OUT / "anchor.db")
            anchors.append(result)
            print(f"  anchor {label(size)}: {result['seconds']:.1f} s", flush=True)
        runs = [run for _, run in pipelines]
        results["sizes"][str(size)] = {
            "megabytes": megabytes,
            "files": sum(1 for _ in folder.rglob("*.txt")),
            "anchor_seconds": median([a["seconds"] for a in anchors]),
            "anchor_insert": median([a["insert_s"] for a in anchors]),
            "anchor_fts": median([a["fts_s"] for a in anchors]),
            "anchor_runs": len(anchors),
            "anchor_cpu": median([a["cpu_s"] for a in anchors if "cpu_s" in a]),
            "seconds": median([r.seconds for r in runs]),
            "reuse_seconds": median([p["reuse_seconds"] for p, _ in pipelines]),
            "reuse_error": next((p["reuse_error"] for p, _ in pipelines if p["reuse_error"]), ""),
            "cores": median([r.cores_used for r in runs]),
            "cpu_seconds": median([r.cpu_seconds for r in runs]),
            "peak_tree_mb": max(r.peak_tree_mb for r in runs),
            "peak_process_mb": max(r.peak_process_mb for r in runs),
            "runs": len(runs),
            "reingest_seconds": median(reruns),
            "reingest_runs": len(reruns),
            "db": str(db),
            "loadavg": loadavg(),
            **floor,
        }
    if mode["profile"]:
        results["profile"] = run_profile(corpus_for(mode["profile_size"]))
        print("  stage profile done", flush=True)
    return results


def measure_floor(
    size: int, folder: Path, mode: dict[str, Any], anchor_runs: int
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The storage floor of a size, plain and bulk, in rounds with an anchor run each (at
    least `anchor_runs` rounds), then the check that both hold the pipeline's rows; returns
    the anchors run and the `floor_*` figures (none if `mode["floor"]` is off)."""
    runs = mode["floor_runs"] if mode["floor"] else 0
    source = pipeline_db(size)
    if runs and not source.exists():
        raise SystemExit(
            f"{source}: no pipeline database for the storage floor at {label(size)}; "
            f"run the ingest section at this size first (python bench/run.py --sizes {size})"
        )
    anchors: list[dict[str, Any]] = []
    floors: dict[str, list[dict[str, Any]]] = {"plain": [], "bulk": []}
    peak = 0.0
    dbs = {"plain": OUT / f"floor-{label(size)}.db", "bulk": OUT / f"floor-bulk-{label(size)}.db"}
    for i in range(max(runs, anchor_runs)):
        result, _child = run_anchor(folder, OUT / "anchor.db")
        anchors.append(result)
        line = f"  anchor {label(size)}: {result['seconds']:.1f} s"
        if i < runs:
            for kind in ("plain", "bulk"):
                got, child = run_write(source, dbs[kind], bulk=kind == "bulk")
                floors[kind].append(got)
                peak = max(peak, child.peak_tree_mb)
                line += f"; floor {kind} {got['seconds']:.1f} s"
        print(line, flush=True)
    if not runs:
        return anchors, {}
    checked = run_check(source, list(dbs.values()), rows=not mode.get("floor_counts_only"))
    for path in dbs.values():
        remove_db(path)
    problems = [f"{Path(p).name}: {d}" for p, ds in checked["databases"].items() for d in ds]
    print(
        f"  floor {label(size)}: check in {checked['seconds']:.0f} s, "
        + ("identical" if checked["identical"] else "; ".join(problems)[:400]),
        flush=True,
    )
    plain, bulk = floors["plain"], floors["bulk"]
    return anchors, {
        "floor_seconds": median([f["seconds"] for f in plain]),
        "floor_cpu": median([f["cpu_s"] for f in plain]),
        "floor_sources_s": median([f["sources_s"] for f in plain]),
        "floor_corpus_s": median([f["corpus_s"] for f in plain]),
        "floor_runs": len(plain),
        "floor_rows": plain[-1]["rows"],
        "floor_parts": {
            k: median([f["parts"].get(k, 0.0) for f in plain]) for k in plain[-1]["parts"]
        },
        "floor_commits": plain[-1]["commits"],
        "floor_bulk_seconds": median([f["seconds"] for f in bulk]),
        "floor_bulk_cpu": median([f["cpu_s"] for f in bulk]),
        "floor_bulk_build_s": median([f["build_s"] for f in bulk]),
        "floor_peak_mb": peak,
        "floor_anchor_seconds": median([a["seconds"] for a in anchors]),
        "floor_anchor_cpu": median([a["cpu_s"] for a in anchors]),
        "floor_anchor_runs": len(anchors),
        "floor_check": {
            "identical": checked["identical"],
            "tables": checked["tables"],
            "queries": checked["queries"],
            "problems": problems,
            "rows_compared": checked["rows_compared"],
        },
        "floor_source": str(source),
        "floor_loadavg": loadavg(),
        "floor_when": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
    }


def section_floor(mode: dict[str, Any]) -> dict[str, Any]:
    """The storage floor alone, beside its own anchors (for a size whose pipeline run is
    kept); merged into the kept ingest section's sizes."""
    results: dict[str, Any] = {"sizes": {}}
    for size in mode["ingest_sizes"]:
        folder = corpus_for(size)
        _anchors, floor = measure_floor(size, folder, {**mode, "floor": True}, mode["anchor_runs"])
        results["sizes"][str(size)] = {
            "megabytes": corpus_bytes(folder) / 1e6,
            "files": sum(1 for _ in folder.rglob("*.txt")),
            **floor,
        }
    return results


def section_search(mode: dict[str, Any]) -> dict[str, Any]:
    size = mode["search_size"]
    db = mode.get("search_db") or pipeline_db(size)
    source = "full pipeline" if db == pipeline_db(size) else f"given: {db.name}"
    if mode.get("search_db") and "search-" in db.name:
        source = "bench/searchdb.py (sources and paragraphs only)"
    if not db.exists():
        db = OUT / f"search-{label(size)}.db"
        source = "bench/searchdb.py (sources and paragraphs only)"
        started = time.perf_counter()
        searchdb.build(corpus_for(size), db)
        print(f"  search db {label(size)} ready in {time.perf_counter() - started:.0f} s")
    run = run_child(
        [PYTHON, str(HERE / "bench_search.py"), str(db), "--runs", str(mode["search_runs"])]
    )
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
    return {
        "command": f"python bench/bench_quotes.py {' '.join(mode['quote_args'])}",
        "output": run.stdout,
        "error": run.stderr[-800:] if run.returncode else "",
        "seconds": run.seconds,
    }


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
    parser.add_argument(
        "--only", nargs="+", choices=SECTIONS + EXTRA_SECTIONS, help="run only these sections"
    )
    parser.add_argument("--report", action="store_true", help="run nothing: table from kept")
    parser.add_argument("--no-write", action="store_true", help="do not touch BENCHMARKS.md")
    parser.add_argument("--sizes", type=int, nargs="+", help="ingest sizes (paragraphs)")
    parser.add_argument("--no-profile", action="store_true", help="skip the stage profile")
    parser.add_argument("--profile", action="store_true", help="stage profile in --quick too")
    parser.add_argument(
        "--keep-pipeline",
        action="store_true",
        help="reuse the last full-pipeline run of each size (its database and timings)",
    )
    parser.add_argument("--runs", type=int, help="anchor and re-ingest runs (default 5)")
    parser.add_argument("--floor-runs", type=int, help="storage floor runs of each kind")
    parser.add_argument("--no-floor", action="store_true", help="ingest without the floor")
    parser.add_argument(
        "--floor-counts-only",
        action="store_true",
        help="check the floor's databases by row counts (and FTS), not row by row",
    )
    parser.add_argument("--search-db", type=Path, help="search this database")
    parser.add_argument("--search-runs", type=int, help="rounds of the search queries")
    args = parser.parse_args()
    name = "quick" if args.quick else "full"
    mode = dict(MODES[name])
    if args.sizes:
        mode["ingest_sizes"] = args.sizes
    # The stage profile is one more single-core ingest: in the full run, or asked for.
    mode["profile"] = (name == "full" or args.profile) and not args.no_profile
    mode["keep_pipeline"] = args.keep_pipeline
    mode["floor"] = not args.no_floor
    mode["floor_counts_only"] = args.floor_counts_only
    if args.floor_runs is not None:
        mode["floor_runs"] = args.floor_runs
    if args.search_db:
        mode["search_db"] = args.search_db
    if args.search_runs:
        mode["search_runs"] = args.search_runs
    if args.runs:
        mode["anchor_runs"] = mode["reingest_runs"] = args.runs
    OUT.mkdir(parents=True, exist_ok=True)
    kept_path = OUT / f"results-{name}.json"
    kept: dict[str, Any] = json.loads(kept_path.read_text()) if kept_path.exists() else {}
    started = time.perf_counter()
    kept["machine"] = machine()
    kept.setdefault("reference", {})
    for section in [] if args.report else args.only or SECTIONS:
        ref_before = reference_loop()
        load_before = loadavg()
        t0 = time.perf_counter()
        print(f"[{section}]", flush=True)
        result = globals()[f"section_{section}"](mode)
        result["section_seconds"] = time.perf_counter() - t0
        result["reference_loop"] = [ref_before, reference_loop()]
        result["loadavg"] = [load_before, loadavg()]
        result["when"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
        # Re-read before writing: another part of a long run may have finished meanwhile.
        if kept_path.exists():
            kept = {**json.loads(kept_path.read_text()), "machine": kept["machine"]}
        if section == "floor":  # into the kept ingest section, beside the pipeline's figures
            ingest = kept.setdefault("ingest", {"sizes": {}})
            for size, floor in result["sizes"].items():
                floor["floor_reference_loop"] = result["reference_loop"]
                ingest.setdefault("sizes", {}).setdefault(size, {}).update(floor)
            kept_path.write_text(json.dumps(kept, indent=1))
            continue
        previous = kept.get(section, {})
        if section == "ingest" and previous:  # sizes run apart are kept together
            result["sizes"] = {**previous.get("sizes", {}), **result["sizes"]}
            if "profile" not in result and "profile" in previous:
                result["profile"] = previous["profile"]
        kept[section] = result
        kept_path.write_text(json.dumps(kept, indent=1))
    if kept_path.exists():
        kept = {**json.loads(kept_path.read_text()), "machine": kept["machine"]}
    table = report.table(kept, name)
    print()
    print(report.plain(table))
    print(f"\n{name} run: {time.perf_counter() - started:.0f} s")
    if not args.no_write:
        report.write_markdown(HERE.parent / "BENCHMARKS.md", kept, name, table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
