"""Full-text search benchmarks: first results, complete ranked results, and cancellation.

    python bench/bench_search.py DB [--runs 5]

For every query, in rounds (so a slow spell of the machine hits all variants alike):
- anchor: the obvious ranked query (FIELD-NOTES A9): MATCH joined to paragraphs, snippet,
  bm25, `ORDER BY rank LIMIT 50`;
- bare: the same ranking on the FTS table alone (`SELECT rowid ... ORDER BY rank LIMIT 50`),
  the least any ranked query can cost;
- first: `first_hits`, the unranked first page the app shows at once (also timed inside
  `ranked`, from `LiveSearch.run` to `on_first`: `first_live_*`);
- search: `search` alone, the ranked query the app runs;
- ranked: `LiveSearch.run` as the search screen calls it, from the call to the complete
  ranked result (the ranking runs in the calling thread while the first hits are found on
  a LiveSearch thread and connection of their own, and go to `on_first` on the way).
Each is timed in wall time (the figures) and in the process's CPU time (`*_cpu`, all threads:
for `ranked` that is the first hits and the ranking together), which a busy machine disturbs
less; the order of the variants turns from round to round. Every query's complete ranked /
raw ranked ratio is printed as a table before the JSON line (the last line).
Cancellation: `LiveSearch.run` of a common word is superseded 20 ms in by another query;
measured are how long the superseded run takes to give up (both its queries: `run` returns
once its first hits and its ranking have stopped) and how soon the new query's first hits
arrive.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from measure import median, percentile

from iraqtui.analysis.search import LiveSearch, first_hits, search
from iraqtui.models import SearchResult
from iraqtui.store.db import connect

LIMIT = 50
QUERIES = (
    "the",  # in nine paragraphs of ten
    "said",
    "Basra",
    "Sadr",
    "Iraqi army",
    '"Mahdi Army"',
    "Maliki AND Iran",
    "Sadr NOT Basra",
    "ceasefire",
    "Qom truce",
    "negoti*",
    "NEAR(Sadr Iran, 5)",
    "Hayaniyah",
    "Qumi",
    "zzyzx",  # no hits
)
ANCHOR_SQL = """
SELECT p.id, snippet(paragraphs_fts, 0, '[', ']', '…', 24), bm25(paragraphs_fts)
FROM paragraphs_fts JOIN paragraphs p ON p.id = paragraphs_fts.rowid
WHERE paragraphs_fts MATCH ? ORDER BY rank LIMIT 50
"""
BARE_SQL = "SELECT rowid FROM paragraphs_fts WHERE paragraphs_fts MATCH ? ORDER BY rank LIMIT 50"


def _clock(fn: Any) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _clock_both(fn: Any) -> tuple[float, float]:
    """Wall time, and the process's CPU time (every thread: the work done, whatever else the
    machine is doing)."""
    cpu = time.process_time()
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started, time.process_time() - cpu


def queries(db: Path, runs: int) -> dict[str, Any]:
    conn = connect(db, readonly=True)
    live = LiveSearch(lambda: connect(db, readonly=True))
    variants = ("anchor", "bare", "first", "search", "ranked")
    per_query: dict[str, dict[str, list[float]]] = {
        q: {name: [] for v in variants for name in (v, f"{v}_cpu")} for q in QUERIES
    }
    shown: list[SearchResult] = []
    live_firsts: list[float] = []  # from `LiveSearch.run` to its first hits, as the app gets them
    for q in QUERIES:  # warm the page cache and LiveSearch's connections, untimed
        conn.execute(BARE_SQL, (q,)).fetchall()
        for _ in range(2):
            live.run(q, limit=LIMIT, on_first=shown.append)
    for n in range(runs):
        for q in QUERIES:

            def complete(q: str = q) -> None:
                shown.clear()
                started = time.perf_counter()

                def on_first(first: SearchResult) -> None:
                    live_firsts.append(time.perf_counter() - started)
                    shown.append(first)

                result = live.run(q, limit=LIMIT, on_first=on_first)
                if result is None or len(shown) != 1:
                    raise RuntimeError(f"LiveSearch.run({q!r}) gave no complete result")

            calls = {
                "anchor": lambda q=q: conn.execute(ANCHOR_SQL, (q,)).fetchall(),
                "bare": lambda q=q: conn.execute(BARE_SQL, (q,)).fetchall(),
                "first": lambda q=q: first_hits(conn, q, limit=LIMIT),
                "search": lambda q=q: search(conn, q, limit=LIMIT),
                "ranked": complete,
            }
            # The order turns each round, so no variant always runs first (or last) when
            # the machine gets busier or quieter within a round.
            turn = n % len(variants)
            for name in variants[turn:] + variants[:turn]:
                wall, cpu = _clock_both(calls[name])
                per_query[q][name].append(wall)
                per_query[q][f"{name}_cpu"].append(cpu)
    live.close()
    count = conn.execute("SELECT count(*) FROM paragraphs").fetchone()[0]
    hits = {
        q: conn.execute(
            "SELECT count(*) FROM paragraphs_fts WHERE paragraphs_fts MATCH ?", (q,)
        ).fetchone()[0]
        for q in QUERIES
    }
    conn.close()
    firsts = [t for q in QUERIES for t in per_query[q]["first"]]
    rows = []
    for q in QUERIES:
        t = per_query[q]
        row: dict[str, Any] = {"query": q, "matches": hits[q]}
        row.update({name: median(t[name]) for v in variants for name in (v, f"{v}_cpu")})
        row["ranked_vs_anchor"] = row["ranked"] / row["anchor"]
        row["ranked_vs_anchor_worst_round"] = max(
            r / a for r, a in zip(t["ranked"], t["anchor"], strict=True)
        )
        rows.append(row)
    counted = [r for r in rows if r["anchor"] > 0.005]  # below 5 ms the ratio is noise
    ratios = [r["ranked_vs_anchor"] for r in counted]
    slow = [r["ranked_vs_anchor"] for r in rows if r["anchor"] >= 0.05]
    bare_ratios = [r["ranked"] / r["bare"] for r in rows if r["bare"] > 0.005]
    cpu_ratios = [r["ranked_cpu"] / r["anchor_cpu"] for r in rows if r["anchor_cpu"] > 0.005]
    search_ratios = [r["search"] / r["anchor"] for r in counted]
    worst = max(counted, key=lambda r: r["ranked_vs_anchor"]) if counted else None
    return {
        "paragraphs": count,
        "runs": runs,
        "first_p50": median(firsts),
        "first_p99": percentile(firsts, 0.99),
        "first_max": max(firsts),
        "first_live_p50": median(live_firsts),
        "first_live_p99": percentile(live_firsts, 0.99),
        "anchor_common": median(per_query["the"]["anchor"]),
        "anchor_common_p99": percentile(per_query["the"]["anchor"], 0.99),
        "bare_common": median(per_query["the"]["bare"]),
        "ranked_vs_anchor_max": max(ratios) if ratios else float("nan"),
        "ranked_vs_anchor_median": median(ratios),
        "ranked_vs_anchor_worst_query": worst["query"] if worst else "",
        "ranked_vs_anchor_max_slow": max(slow) if slow else float("nan"),
        "ranked_vs_anchor_median_slow": median(slow),
        "ranked_vs_bare_max": max(bare_ratios) if bare_ratios else float("nan"),
        "ranked_vs_bare_median": median(bare_ratios),
        "ranked_vs_anchor_cpu_max": max(cpu_ratios) if cpu_ratios else float("nan"),
        "ranked_vs_anchor_cpu_median": median(cpu_ratios),
        "search_vs_anchor_max": max(search_ratios) if search_ratios else float("nan"),
        "search_vs_anchor_median": median(search_ratios),
        "rows": rows,
    }


def table(result: dict[str, Any]) -> str:
    """Every query's figures (medians, ms) and its complete ranked / raw ranked ratio."""
    lines = [
        f"{'query':<22} {'matches':>8} {'first':>7} {'search':>8} {'ranked':>8} "
        f"{'anchor':>8} {'ratio':>6} {'worst':>6}"
    ]
    for r in result["rows"]:
        counted = "" if r["anchor"] > 0.005 else "  (under 5 ms: not counted)"
        lines.append(
            f"{r['query']:<22} {r['matches']:>8} {r['first'] * 1000:>7.2f} "
            f"{r['search'] * 1000:>8.2f} {r['ranked'] * 1000:>8.2f} {r['anchor'] * 1000:>8.2f} "
            f"{r['ranked_vs_anchor']:>5.2f}x {r['ranked_vs_anchor_worst_round']:>5.2f}x{counted}"
        )
    lines.append(
        f"complete ranked / raw ranked: worst {result['ranked_vs_anchor_max']:.2f}x "
        f"({result['ranked_vs_anchor_worst_query']}), median "
        f"{result['ranked_vs_anchor_median']:.2f}x; first results p50 "
        f"{result['first_p50'] * 1000:.2f} ms (first_hits alone), "
        f"{result['first_live_p50'] * 1000:.2f} ms (LiveSearch.run to on_first)"
    )
    return "\n".join(lines)


def cancellation(db: Path, runs: int) -> dict[str, Any]:
    """A common-word query superseded 20 ms in: how fast it stops, how soon the next shows."""
    live = LiveSearch(lambda: connect(db, readonly=True))
    stopped: list[float] = []
    next_first: list[float] = []
    superseded = 0
    full: list[float] = []
    for _ in range(runs):
        full.append(_clock(lambda: live.run("the", limit=LIMIT)))
    for _ in range(runs):
        outcome: list[object] = []
        ended = [0.0]

        def slow(outcome: list[object] = outcome, ended: list[float] = ended) -> None:
            outcome.append(live.run("the OR said", limit=LIMIT))
            ended[0] = time.perf_counter()

        worker = threading.Thread(target=slow)
        worker.start()
        time.sleep(0.02)
        typed = time.perf_counter()
        got_first = [0.0]

        def shown(_result: object, got_first: list[float] = got_first) -> None:
            got_first[0] = time.perf_counter()

        live.run("Basra OR Sadr", limit=LIMIT, on_first=shown)
        worker.join()
        superseded += outcome == [None]
        stopped.append(ended[0] - typed)
        next_first.append(got_first[0] - typed)
    live.close()
    return {
        "runs": runs,
        "superseded": superseded,
        "stop_p50": median(stopped),
        "stop_max": max(stopped),
        "next_first_p50": median(next_first),
        "uncancelled_run": median(full),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("db", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    result = {"queries": queries(args.db, args.runs), "cancel": cancellation(args.db, args.runs)}
    print(table(result["queries"]))
    c = result["cancel"]
    print(
        f"cancellation: {c['superseded']}/{c['runs']} superseded runs cancelled, stopped in "
        f"{c['stop_p50'] * 1000:.2f} ms (max {c['stop_max'] * 1000:.2f}), next first hits "
        f"{c['next_first_p50'] * 1000:.2f} ms"
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
