"""Turn kept benchmark results into the table (figure, value, anchor, goal, status) and
BENCHMARKS.md. A missed goal says by how much; nothing here changes a goal."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

Row = tuple[str, str, str, str, str]  # figure, value, anchor, goal, status
HEADER: Row = ("figure", "value", "anchor (same run)", "goal", "status")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _s(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds >= 10 else f"{seconds:.2f} s"


def _under(value: float, limit: float, unit: str = "") -> str:
    if value != value:  # NaN
        return "not measured"
    if value <= limit:
        return "met"
    return f"MISSED by {value / limit:.1f}x ({value - limit:.1f}{unit} over)"


def _at_least(value: float, floor: float) -> str:
    if value >= floor:
        return "met"
    return f"MISSED by {floor / value:.1f}x" if value > 0 else "MISSED"


def floor_rows(n: str, r: dict[str, Any]) -> list[Row]:
    """The storage floor of a size (bench_floor.py), against anchors of the same run."""
    if "floor_seconds" not in r:
        return []
    mb = r["megabytes"]
    floor, bulk, anchor = r["floor_seconds"], r["floor_bulk_seconds"], r["floor_anchor_seconds"]
    budget = 3 * anchor  # the goal: at least 1/3 of the anchor's MB/s
    rows_written = sum(r.get("floor_rows", {}).values())
    check = r.get("floor_check", {})
    same = (
        f"both databases identical to the pipeline's ({check.get('tables', 0)} tables "
        + ("row by row" if check.get("rows_compared", True) else "by row counts")
        + f", FTS integrity-check, {check.get('queries', 0)} FTS queries)"
        if check.get("identical")
        else "DIFFERS from the pipeline's: " + "; ".join(check.get("problems", []))[:200]
    )
    anchor_text = (
        f"insert_all + enable_fts {mb / anchor:.1f} MB/s ({_s(anchor)}, median of "
        f"{r['floor_anchor_runs']}, same run)"
    )
    return [
        (
            f"ingest {n}: storage floor: the pipeline's {rows_written:,} rows written again, "
            f"no analysis (bench_floor.py; median of {r['floor_runs']})",
            f"{mb / floor:.2f} MB/s ({_s(floor)}; {r['floor_cpu'] / mb:.2f} CPU s per MB)",
            f"{anchor_text}: floor {floor / anchor:.1f}x its time, "
            f"{r['floor_cpu'] / r['floor_anchor_cpu']:.1f}x its CPU",
            "(info: no goal of its own)",
            "info",
        ),
        (
            "ingest " + n + ": storage floor alone against the ingest goal",
            f"{mb / floor:.2f} MB/s = {(mb / floor) / (mb / budget):.0%} of the goal's MB/s; "
            f"its time alone is {floor / budget:.1f}x the goal's whole budget; its CPU alone "
            f"{r['floor_cpu'] / (3 * r['floor_anchor_cpu']):.1f}x the anchor's CPU x 3 "
            "(one writer thread: a second core cannot share it)",
            f"goal >= anchor / 3 = {mb / budget:.2f} MB/s: {_s(budget)} for this corpus "
            f"(anchor CPU x 3 = {3 * r['floor_anchor_cpu']:.1f} CPU s)",
            ">= 1/3 of anchor (the pipeline's goal)",
            "info" if floor > budget else "info: under the budget",
        ),
        (
            f"ingest {n}: storage floor as a bulk load (FTS triggers and secondary indexes "
            f"absent, built at the end); {same}",
            f"{mb / bulk:.2f} MB/s ({_s(bulk)}, of which building "
            f"{_s(r['floor_bulk_build_s'])}; {r['floor_bulk_cpu'] / mb:.2f} CPU s per MB)",
            f"plain floor {_s(floor)}: bulk saves {1 - bulk / floor:.0%}; "
            f"{bulk / budget:.1f}x the goal's budget",
            "(info)",
            "info" if check.get("identical") else "error",
        ),
    ]


def ingest_rows(ingest: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    for size, r in sorted(ingest.get("sizes", {}).items(), key=lambda kv: int(kv[0])):
        n = f"{int(size):,}"
        if "seconds" not in r:  # only the storage floor was run at this size
            rows += floor_rows(n, r)
            continue
        mbps = r["megabytes"] / r["seconds"]
        anchor = r["megabytes"] / r["anchor_seconds"]
        rows.append(
            (
                f"ingest, full pipeline, {n} paragraphs ({r['megabytes']:.0f} MB, "
                f"{r['files']:,} files; {r['runs']} run)",
                f"{mbps:.2f} MB/s ({_s(r['seconds'])})",
                f"insert_all + enable_fts {anchor:.1f} MB/s ({_s(r['anchor_seconds'])}, "
                f"median of {r['anchor_runs']})",
                f">= 1/3 of anchor = {anchor / 3:.2f} MB/s",
                _at_least(mbps, anchor / 3),
            )
        )
        if r.get("anchor_cpu") == r.get("anchor_cpu") and r.get("anchor_cpu"):  # not NaN
            cpu_mb, anchor_cpu_mb = (
                r["cpu_seconds"] / r["megabytes"],
                r["anchor_cpu"] / r["megabytes"],
            )
            rows.append(
                (
                    f"ingest {n}: CPU cost (independent of how busy the machine was)",
                    f"{cpu_mb:.2f} CPU s per MB",
                    f"anchor {anchor_cpu_mb:.2f} CPU s per MB",
                    f"<= {6 * anchor_cpu_mb:.2f} (6x anchor: 3x its time on 2 cores)",
                    _under(cpu_mb, 6 * anchor_cpu_mb, " CPU s/MB"),
                )
            )
        if r.get("reuse_seconds") or r.get("reuse_error"):
            rows.append(
                (
                    f"ingest {n}: of which corpus-level reuse stage",
                    f"{_s(r['reuse_seconds'])} ({r['reuse_seconds'] / r['seconds']:.0%})"
                    + (f", FAILED: {r['reuse_error']} at the 6 GB cap" if r["reuse_error"] else ""),
                    "",
                    "(part of the ingest goal)",
                    "error" if r["reuse_error"] else "info",
                )
            )
        rows.append(
            (
                f"ingest {n}: cores busy (CPU s / wall s of the pipeline run)",
                f"{r['cores']:.2f}",
                "anchor: 1 process",
                "both cores (>= 1.5 on average)",
                _at_least(r["cores"], 1.5),
            )
        )
        rows.append(
            (
                f"ingest {n}: peak RSS, main + workers",
                f"{r['peak_tree_mb']:.0f} MB"
                + (
                    f" (largest process {r['peak_process_mb']:.0f} MB)"
                    if r.get("peak_process_mb")
                    else ""
                ),
                "",
                "< 1024 MB",
                _under(r["peak_tree_mb"], 1024, " MB"),
            )
        )
        rows.append(
            (
                f"re-ingest {n}, unchanged corpus (median of {r['reingest_runs']})",
                _s(r["reingest_seconds"]),
                f"first ingest {_s(r['seconds'])}",
                f"< 5% = {_s(0.05 * r['seconds'])}",
                _under(r["reingest_seconds"], 0.05 * r["seconds"], " s"),
            )
        )
        rows += floor_rows(n, r)
    return rows


def _fast_queries(n: str, rows: list[dict[str, Any]]) -> list[Row]:
    """The queries left out of the ratio (raw query under 5 ms), as absolute times."""
    fast = [r for r in rows if r.get("anchor", 1.0) <= 0.005 and "ranked_vs_anchor" in r]
    if not fast:
        return []
    worst = max(fast, key=lambda r: r["ranked"] - r["anchor"])
    return [
        (
            f"search {n}: queries whose raw query takes < 5 ms ({len(fast)}), not in the ratio: "
            "the one that costs most over it",
            f"`{worst['query']}` {worst['ranked'] * 1000:.2f} ms "
            f"({worst['ranked_vs_anchor']:.2f}x)",
            f"raw {worst['anchor'] * 1000:.2f} ms",
            "(too short to notice)",
            "info",
        )
    ]


def search_rows(search: dict[str, Any]) -> list[Row]:
    if "queries" not in search:
        return []
    q, c = search["queries"], search["cancel"]
    n = f"{q['paragraphs']:,}"
    return [
        (
            f"search {n} paragraphs: first results p50 ({len(q['rows'])} queries x {q['runs']})",
            _ms(q["first_p50"]),
            f"ranked 'the': {_ms(q['anchor_common'])} (p99 {_ms(q['anchor_common_p99'])})",
            "< 50 ms",
            _under(q["first_p50"] * 1000, 50, " ms"),
        ),
        (
            f"search {n}: first results p99 / max",
            f"{_ms(q['first_p99'])} / {_ms(q['first_max'])}",
            "",
            "(p50 is the goal)",
            "info",
        ),
        *(
            [
                (
                    f"search {n}: first results as the app gets them (LiveSearch.run to "
                    "on_first, beside the ranked query), p50 / p99",
                    f"{_ms(q['first_live_p50'])} / {_ms(q['first_live_p99'])}",
                    "",
                    "< 50 ms",
                    _under(q["first_live_p50"] * 1000, 50, " ms"),
                )
            ]
            if "first_live_p50" in q
            else []
        ),
        (
            f"search {n}: complete ranked / raw ranked query, worst query (median); "
            "queries whose raw query takes >= 5 ms",
            f"{q['ranked_vs_anchor_max']:.2f}x ({q['ranked_vs_anchor_median']:.2f}x)",
            "raw MATCH + snippet ORDER BY rank LIMIT 50 (FIELD-NOTES A9)",
            "<= 1.0x (never slower)",
            _under(q["ranked_vs_anchor_max"], 1.0, "x"),
        ),
        *_fast_queries(n, q["rows"]),
        (
            f"search {n}: the same, queries whose raw ranked query takes >= 50 ms",
            f"{q.get('ranked_vs_anchor_max_slow', float('nan')):.2f}x "
            f"({q.get('ranked_vs_anchor_median_slow', float('nan')):.2f}x)",
            "",
            "(where a user could notice)",
            "info",
        ),
        (
            f"search {n}: complete ranked / bare FTS ranking, worst (median)",
            f"{q['ranked_vs_bare_max']:.2f}x ({q['ranked_vs_bare_median']:.2f}x)",
            f"SELECT rowid ... ORDER BY rank LIMIT 50; 'the' {_ms(q['bare_common'])}",
            "(the floor: ranking alone)",
            "info",
        ),
        (
            f"search {n}: superseded query (Connection.interrupt)",
            f"{c['superseded']}/{c['runs']} cancelled; stopped {_ms(c['stop_p50'])} after "
            f"the next keystroke (max {_ms(c['stop_max'])})",
            f"same query not cancelled: {_ms(c['uncancelled_run'])}",
            "cancelled, never queued",
            "met"
            if c["superseded"] == c["runs"]
            else f"MISSED: {c['runs'] - c['superseded']} ran on",
        ),
        (
            f"search {n}: next query's first results while the old one is cancelled",
            _ms(c["next_first_p50"]),
            "",
            "< 50 ms",
            _under(c["next_first_p50"] * 1000, 50, " ms"),
        ),
    ]


_QUOTE_BLOCK = re.compile(r"^([\d,]+) quotes", re.M)
_P50 = re.compile(r"p50\s+([\d.]+) ms\s+p99\s+([\d.]+) ms")


def quote_rows(quotes: dict[str, Any]) -> list[Row]:
    if "output" not in quotes:
        return [("fuzzy quote search", "not measured", "", "", quotes.get("missing", ""))]
    rows: list[Row] = []
    text = quotes["output"]
    starts = [(m.start(), int(m.group(1).replace(",", ""))) for m in _QUOTE_BLOCK.finditer(text)]
    for i, (at, size) in enumerate(starts):
        block = text[at : starts[i + 1][0] if i + 1 < len(starts) else len(text)]
        lines = block.splitlines()
        fast = next((ln for ln in lines if "rank (" in ln), "")
        anchor = next((ln for ln in lines if "anchor" in ln), "")
        recall = next((ln for ln in lines if "recall@10" in ln), "")
        fm, am = _P50.search(fast), _P50.search(anchor)
        goal = 30.0 if size <= 100_000 else 100.0
        if fm:
            p50 = float(fm.group(1))
            rows.append(
                (
                    f"fuzzy quote search p50 per keystroke, {size:,} quotes",
                    f"{p50:.1f} ms (p99 {float(fm.group(2)):.1f} ms)",
                    f"process.extract over all: {am.group(1)} ms" if am else "",
                    f"< {goal:.0f} ms",
                    _under(p50, goal, " ms"),
                )
            )
        rm = re.search(r"as shown \(floor (\d+)\):\s*([\d.]+) over (\d+)", recall)
        if rm:
            value = float(rm.group(2))
            rows.append(
                (
                    f"fuzzy quote recall@10 vs brute force, {size:,} quotes, as shown "
                    f"({rm.group(3)} queries)",
                    f"{value:.3f}",
                    f"brute force over every quote, the shown score, floor {rm.group(1)}",
                    ">= 0.95",
                    _at_least(value, 0.95),
                )
            )
        um = re.search(r"unfloored:\s*([\d.]+) over (\d+)", recall)
        if um:
            rows.append(
                (
                    f"fuzzy quote recall@10, {size:,} quotes, unfloored (chance matches "
                    f"counted; {um.group(2)} queries)",
                    f"{float(um.group(1)):.3f}",
                    "brute force, the shown score, no floor",
                    "(>= 0.95 if read without a floor)",
                    _at_least(float(um.group(1)), 0.95),
                )
            )
    if quotes.get("error"):
        rows.append(("bench_quotes.py error", quotes["error"][-120:], "", "", "error"))
    return rows


def _app_line(text: str, prefix: str) -> tuple[float, str] | None:
    for line in text.splitlines():
        if line.startswith(prefix):
            m = re.search(r"([\d.]+) ms", line[len(prefix) :])
            if m:
                return float(m.group(1)), line
    return None


def app_rows(app: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    out = app.get("bench_app", {}).get("output", "")
    minimal = _app_line(out, "first frame, minimal")
    ours = _app_line(out, "first frame, iraqtui")
    if minimal and ours:
        ratio = ours[0] / minimal[0]
        rows.append(
            (
                "app first frame (bench_app.py)",
                f"{ours[0]:.0f} ms ({ratio:.2f}x)",
                f"minimal Textual app {minimal[0]:.0f} ms",
                "<= 1.2x anchor",
                _under(ratio, 1.2, "x"),
            )
        )
    for prefix, name, goal in (
        (
            "quote finder, keystroke to screen, +",
            "quote finder keystroke to screen, +100k quotes",
            50,
        ),
        ("compare screen, ]", "compare screen: next event to new columns (seeds)", 50),
        ("compare screen, j", "compare screen: next sentence keystroke", 50),
        (
            "compare screen, 1,000 sentences / 8 outlets, built",
            "compare screen built, 1,000 sentences / 8 outlets (bench_app.py)",
            200,
        ),
        (
            "compare screen, 1,000 sentences / 8 outlets, rebuilt",
            "compare screen rebuilt (]), 1,000 sentences / 8 outlets",
            50,
        ),
        ("quotes list of", "list of 100,000+ rows ready", 200),
    ):
        found = _app_line(out, prefix)
        if found:
            rows.append(
                (name, f"{found[0]:.1f} ms", "", f"< {goal} ms", _under(found[0], goal, " ms"))
            )
    if app.get("bench_app", {}).get("error"):
        rows.append(("bench_app.py error", app["bench_app"]["error"][-120:], "", "", "error"))
    cmp = app.get("compare", {})
    if "seconds" in cmp:
        what = (
            f"on {Path(cmp.get('db', '')).name}: event '{cmp['event']}', "
            f"{cmp['sentences']:,} sentences, {cmp['outlets']} outlets"
        )
        sample = cmp.get("sample")
        shown = (
            f"as the screen runs it (sample <= {sample} sentences per outlet, "
            f"{cmp.get('analysed', 0):,} analysed)"
            if sample
            else "every sentence"
        )
        rows.append(
            (
                f"compare core (characterise) {what}, {shown}",
                _ms(cmp["seconds"]),
                "",
                "< 200 ms (1,000 sentences, 8 outlets)",
                _under(cmp["seconds"] * 1000, 200, " ms"),
            )
        )
        if "first_seconds" in cmp:
            rows.append(
                (
                    "compare core, the same, first time in a process (caches cold)",
                    _ms(cmp["first_seconds"]),
                    "",
                    "(info)",
                    "info",
                )
            )
        if "full_seconds" in cmp:
            rows.append(
                (
                    f"compare core, every sentence ({cmp.get('full_analysed', 0):,}; "
                    "what the CLI and exports analyse)",
                    _ms(cmp["full_seconds"]),
                    "",
                    "(info)",
                    "info",
                )
            )
    rss = app.get("rss", {})
    if "peak_mb" in rss:
        name = Path(rss.get("db", "")).name
        settle = rss.get("settle_seconds")
        when = f"first frame + {settle:.0f} s of list loading" if settle else "first frame"
        rows.append(
            (
                f"app peak RSS on {name} ({when})",
                f"{rss['peak_mb']:.0f} MB" + ("" if rss.get("painted") else " (did not paint)"),
                "",
                "< 250 MB",
                _under(rss["peak_mb"], 250, " MB"),
            )
        )
    early = app.get("rss_first_paint", {})
    if "peak_mb" in early:
        rows.append(
            (
                f"app peak RSS on {Path(early.get('db', '')).name}, up to the first frame",
                f"{early['peak_mb']:.0f} MB",
                "",
                "(lists load after it)",
                "info",
            )
        )
    return rows


def table(kept: dict[str, Any], mode: str) -> list[Row]:
    rows: list[Row] = []
    rows += ingest_rows(kept.get("ingest", {}))
    rows += search_rows(kept.get("search", {}))
    rows += quote_rows(kept.get("quotes", {}))
    rows += app_rows(kept.get("app", {}))
    return rows


def plain(rows: list[Row]) -> str:
    widths = [min(70, max(len(r[i]) for r in [HEADER, *rows])) for i in range(5)]
    lines = []
    for r in [HEADER, *rows]:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    return "\n".join(lines)


def markdown_table(rows: list[Row]) -> str:
    out = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for r in rows:
        cells = [c.replace("|", "\\|") for c in r]
        if cells[4].startswith("MISSED"):
            cells[4] = f"**{cells[4]}**"
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def _details(kept: dict[str, Any]) -> str:
    parts: list[str] = []
    profile = kept.get("ingest", {}).get("profile")
    if profile:
        total = profile["cpu_seconds"]
        mb = profile["megabytes"]
        parts.append(
            f"### Where ingest time goes (one core, {profile['files']} files, {mb:.1f} MB)\n\n"
            f"CPU {total:.1f} s in all ({mb / total:.2f} MB/s per core); rows written: "
            + ", ".join(f"{k} {v:,}" for k, v in profile["rows"].items())
            + "\n\n| stage | CPU s | s per MB | share |\n|---|---|---|---|"
        )
        stages = sorted(profile["stages"].items(), key=lambda kv: -kv[1])
        for name, seconds in stages:
            parts.append(f"| {name} | {seconds:.2f} | {seconds / mb:.2f} | {seconds / total:.0%} |")
        rest = total - sum(profile["stages"].values())
        parts.append(
            f"| everything else (discover, sidecars, pickling, commits) | {rest:.2f} | "
            f"{rest / mb:.2f} | {rest / total:.0%} |"
        )
    for size, r in sorted(
        kept.get("ingest", {}).get("sizes", {}).items(), key=lambda kv: int(kv[0])
    ):
        spent = r.get("floor_parts")
        if not spent:
            continue
        mb, total = r["megabytes"], r["floor_seconds"]
        rows = r.get("floor_rows", {})
        parts.append(
            f"\n### Where the storage floor's time goes ({int(size):,} paragraphs, {mb:.1f} MB; "
            f"plain load, wall s, median of {r['floor_runs']})\n\n"
            "Each table's figure is its INSERTs, with the index and FTS-trigger work they "
            "cause; commits are the WAL writes.\n\n"
            "| written | rows | s | s per MB | share |\n|---|---|---|---|---|"
        )
        for name, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
            named = [w for w in name.replace(",", " ").split() if w in rows]
            count = f"{sum(rows[w] for w in named):,}" if named else ""
            parts.append(
                f"| {name} | {count} | {seconds:.2f} | {seconds / mb:.3f} | {seconds / total:.0%} |"
            )
        rest = total - sum(spent.values())
        parts.append(
            f"| everything else (savepoints, statements between) | | {rest:.2f} | "
            f"{rest / mb:.3f} | {rest / total:.0%} |"
        )
    search = kept.get("search", {})
    if "queries" in search:
        parts.append(
            f"\n### Search, per query ({search['queries']['paragraphs']:,} paragraphs, "
            f"database from {search['db_source']}; medians of {search['queries']['runs']})\n\n"
            "| query | matches | first results | complete ranked | raw ranked (anchor) | "
            "bare ranking |\n|---|---|---|---|---|---|"
        )
        for r in search["queries"]["rows"]:
            parts.append(
                f"| `{r['query']}` | {r['matches']:,} | {_ms(r['first'])} | {_ms(r['ranked'])} | "
                f"{_ms(r['anchor'])} | {_ms(r['bare'])} |"
            )
    quotes = kept.get("quotes", {})
    if quotes.get("output"):
        parts.append(
            f"\n### Quote search (`{quotes['command']}`)\n\n```\n{quotes['output'].strip()}\n```"
        )
    app = kept.get("app", {}).get("bench_app", {})
    if app.get("output"):
        parts.append(f"\n### App (`{app['command']}`)\n\n```\n{app['output'].strip()}\n```")
    return "\n".join(parts)


COMMANDS = {
    "quick": "python bench/run.py --quick",
    "full": "python bench/run.py",
}


def section(kept: dict[str, Any], mode: str, rows: list[Row]) -> str:
    m = kept["machine"]
    refs = []
    for name in ("ingest", "search", "quotes", "app"):
        if name in kept and "reference_loop" in kept[name]:
            before, after = kept[name]["reference_loop"]
            load = " -> ".join(kept[name].get("loadavg", []))
            refs.append(f"{name} {before * 1000:.0f}/{after * 1000:.0f} ms (load {load})")
    when = sorted(
        {
            kept[n]["when"]
            for n in ("ingest", "search", "quotes", "app")
            if "when" in kept.get(n, {})
        }
    )
    for size, r in sorted(kept.get("ingest", {}).get("sizes", {}).items()):
        if "floor_reference_loop" in r:  # the storage floor run apart (run.py --only floor)
            before, after = r["floor_reference_loop"]
            refs.append(
                f"storage floor {int(size):,} {before * 1000:.0f}/{after * 1000:.0f} ms "
                f"(load {r.get('floor_loadavg', '?')}, {r.get('floor_when', '')})"
            )
    return "\n".join(
        [
            f"## {'Quick' if mode == 'quick' else 'Full'} run: `{COMMANDS[mode]}`",
            "",
            f"Run {', '.join(when)}. Machine: {m['nproc']} cores ({m['usable cores']} usable), "
            f"{m['cpu']}, {m['memory']}, {m['os']}; Python {m['python']}, SQLite {m['sqlite']}, "
            f"textual {m['textual']}, sqlite-utils {m['sqlite-utils']}, "
            f"rapidfuzz {m['rapidfuzz']}.",
            "Speed reference (a fixed Python loop, before/after each section; it swings up to 2x "
            f"on this machine): {'; '.join(refs)}.",
            "",
            markdown_table(rows),
            "",
            _details(kept),
            "",
        ]
    )


PREAMBLE = """# Benchmarks

Written by `bench/run.py` (see its docstring and `bench/*.py`); every figure is measured beside
its anchor in the same run, because this machine's speed swings up to 2x. The synthetic corpus
comes from `python bench/corpus.py --paragraphs N --out bench/out/corpus-N` (deterministic,
recombined from `seeds/`, labelled synthetic). Goals are from issue 7; a missed goal says by
how much. Notes on the misses are at the end, between the `notes` markers (kept across runs).
"""


def write_markdown(path: Path, kept: dict[str, Any], mode: str, rows: list[Row]) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else PREAMBLE
    blocks: dict[str, str] = {}
    for name in ("full", "quick", "notes"):
        m = re.search(rf"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->\n", text, re.S)
        if m:
            blocks[name] = m.group(1)
    blocks[mode] = section(kept, mode, rows)
    out = [PREAMBLE]
    for name in ("full", "quick", "notes"):
        if name in blocks:
            out.append(f"<!-- {name}:start -->\n{blocks[name]}<!-- {name}:end -->\n")
    path.write_text("\n".join(out), encoding="utf-8")
