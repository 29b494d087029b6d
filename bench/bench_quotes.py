"""Benchmark fuzzy quote search over 100,000 and 1,000,000 synthetic quotes.

Run: python bench/bench_quotes.py [--sizes 100000 1000000] [--queries 200]
     [--exact 20] [--exact-large 5]  (queries checked by brute force, up to / above 200,000)
     [--db bench/out/pipeline-1m.db]  (the first N quotes of a real database instead)

Quotes are synthetic and deterministic (fixed seed): 6-40 words drawn from a Zipf-like
vocabulary of 30,000 words, each with a short lead-in; or, with `--db`, the first N quotes of
an ingested database with their real lead-ins (`index_rows`). Queries are misremembered
versions of randomly chosen quotes: a run of 3-6 words with a word dropped or swapped, one
typo, and shuffled case. Reported per size:
- index build time (once per database);
- latency per query of `rank` (candidate index + rapidfuzz re-ranking): p50, p99;
- the anchor, one raw rapidfuzz call over every quote
  (`process.extract(query, texts, scorer=fuzz.partial_ratio, limit=10)`): p50, p99;
- recall@10 of `rank` against `brute_force`, which computes the very score the user is shown
  (text and lead-in composite) for every quote, on a subset of queries because it is slow:
  - "as shown": both with the product's floor (`MIN_SCORE`: a quote scoring under it is "no
    match" and never shown): the share of brute force's hits (up to 10) that `rank` returns;
  - "unfloored": both with floor 0, every top-10 slot counted, chance resemblances included.
  Ties count as found: a quote `rank` returns that scores at least brute force's 10th score
  is one of an equally good top 10 (reprints share a text, hence a score).
- the share of brute force's chance resemblances: top-10 entries sharing no content word
  (`content_words`) with the query, and the best score such a quote reaches among brute
  force's top 200 (what the floor is set against);
- how often the quote a query came from (or a reprint of it) is ranked first, and the
  lowest score it gets.
One synthetic quote in ten is a reprint of an earlier one with a word dropped, so most
queries have more than one right answer.
A benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Iterator
from itertools import accumulate, islice
from pathlib import Path

from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from iraqtui.analysis import quote_search
from iraqtui.analysis.quote_search import (
    MIN_SCORE,
    QuoteIndex,
    brute_force,
    build_index,
    content_words,
    fold,
    rank,
)

SEED = 20080327
REPRINTED = 0.1  # share of quotes that are another source's copy of an earlier quote
SYLLABLES = "ka ri mo sa dul har zan bel qa ni fa lim tu ro has jab ur wa zi den ot ep".split()
COMMON = (
    "the of and to in a that said was for on with as by government forces militia city "
    "officials fighting week offensive ceasefire truce talks reported according people "
    "police army leaders support weapons after before during south north"
).split()


def vocabulary(rng: random.Random, size: int) -> list[str]:
    words = set(COMMON)
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    ordered = sorted(words)
    rng.shuffle(ordered)
    return COMMON + [w for w in ordered if w not in COMMON]


def quotes(
    n: int, rng: random.Random, words: list[str], origins: list[int]
) -> Iterator[tuple[int, str, str]]:
    """Quote rows; `origins[i]` is the quote that quote i reprints (itself if original)."""
    weights = list(accumulate(1.0 / (rank + 1) ** 0.9 for rank in range(len(words))))
    recent: list[tuple[int, str]] = []
    for i in range(n):
        if recent and rng.random() < REPRINTED:
            # another source carrying an earlier quote, a word dropped
            origin, original = rng.choice(recent)
            copied = original.split()
            copied.pop(rng.randrange(len(copied)))
            text = " ".join(copied)
        else:
            length = rng.randint(6, 40)
            origin = i
            text = " ".join(rng.choices(words, cum_weights=weights, k=length)).capitalize() + "."
            recent = [*recent, (i, text)][-500:]
        origins.append(origin)
        lead = "said " + " ".join(rng.choices(words, cum_weights=weights, k=6))
        yield i, text, lead


def misremember(text: str, rng: random.Random) -> str:
    words = text.rstrip(".").split()
    start = rng.randrange(0, max(1, len(words) - 6))
    part = words[start : start + rng.randint(4, 7)]
    if len(part) > 3 and rng.random() < 0.5:
        part.pop(rng.randrange(len(part)))
    if len(part) > 2 and rng.random() < 0.5:
        i = rng.randrange(len(part) - 1)
        part[i], part[i + 1] = part[i + 1], part[i]
    i = rng.randrange(len(part))
    if len(part[i]) > 4:
        k = rng.randrange(1, len(part[i]) - 1)
        part[i] = part[i][:k] + part[i][k + 1 :]  # a dropped letter
    return " ".join(w.upper() if rng.random() < 0.2 else w for w in part)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def database_rows(path: Path, n: int) -> tuple[list[tuple[int, str, str]], list[int]]:
    """The first `n` quotes of a database (read-only), each its own origin."""
    from iraqtui.store.quote_queries import index_rows

    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = list(islice(index_rows(conn), n))
    finally:
        conn.close()
    return rows, [r[0] for r in rows]


def recall(found: list[tuple[int, float, str]], exact: list[tuple[int, float, str]]) -> float:
    """Share of `exact` (brute force, best first) that `found` holds, ties counted as found."""
    if not exact:
        return 1.0
    cut = exact[-1][1] if len(exact) == 10 else float("inf")
    ids = {p for p, _, _ in exact}
    got = sum(1 for p, s, _ in found if p in ids or s >= cut)
    return min(got, len(exact)) / len(exact)


def run(size: int, n_queries: int, n_exact: int, n_anchor: int, db: Path | None) -> None:
    rng = random.Random(SEED)
    if db is None:
        words = vocabulary(rng, 30_000)
        origins: list[int] = []
        rows = list(quotes(size, rng, words, origins))
    else:
        rows, origins = database_rows(db, size)
        # reprints in a real corpus: the same folded text
        first: dict[str, int] = {}
        origins = [first.setdefault(fold(text), qid) for qid, text, _ in rows]
    size = len(rows)
    origin_of = {qid: origins[i] for i, (qid, _, _) in enumerate(rows)}
    started = time.perf_counter()
    index: QuoteIndex = build_index(rows)
    build_s = time.perf_counter() - started
    picks = [rng.randrange(size) for _ in range(n_queries)]
    queries = [misremember(rows[p][1], rng) for p in picks]

    fast_ms: list[float] = []
    firsts = 0
    origin_scores: list[float] = []
    results = []
    position = {int(qid): p for p, qid in enumerate(index.ids)}
    for query, pick in zip(queries, picks, strict=True):
        t0 = time.perf_counter()
        found = rank(index, query, 10, floor=0)
        fast_ms.append((time.perf_counter() - t0) * 1000)
        results.append(found)
        # the quote itself or another source's copy of the same quote
        wanted = origins[pick]
        firsts += bool(found) and origin_of[int(index.ids[found[0][0]])] == wanted
        at = position[rows[pick][0]]
        origin_scores.append(quote_search.score(fold(query), index.texts[at], index.leads[at])[0])
    anchor_ms: list[float] = []
    for query in queries[:n_anchor]:
        folded = fold(query)
        t0 = time.perf_counter()
        process.extract(folded, index.texts, scorer=fuzz.partial_ratio, limit=10)
        anchor_ms.append((time.perf_counter() - t0) * 1000)
    shown: list[float] = []
    other_floors: dict[float, list[float]] = {60.0: [], 70.0: []}
    unfloored: list[float] = []
    brute_ms: list[float] = []
    chance = slots = 0
    chance_best: list[float] = []
    for query, found in list(zip(queries, results, strict=True))[:n_exact]:
        t0 = time.perf_counter()
        deep = brute_force(index, query, 200, floor=0)  # the top 10, and chance matches below
        brute_ms.append((time.perf_counter() - t0) * 1000)
        exact = deep[:10]
        unfloored.append(recall(found, exact))
        floored = [hit for hit in exact if hit[1] >= MIN_SCORE]
        if floored:  # else brute force shows nothing, and so does rank
            shown.append(recall([h for h in found if h[1] >= MIN_SCORE], floored))
        for floor, kept in other_floors.items():
            if at_floor := [hit for hit in exact if hit[1] >= floor]:
                kept.append(recall([h for h in found if h[1] >= floor], at_floor))
        folded = fold(query)
        words = content_words(folded)

        def alone(p: int, words: set[str] = words) -> bool:
            return not words & (set(index.texts[p].split()) | set(index.leads[p].split()))

        chance_best.append(max((s for p, s, _ in deep if alone(p)), default=0.0))
        slots += len(exact)
        chance += sum(1 for p, _, _ in exact if alone(p))

    where = f"{db.name}, first {size:,}" if db else "synthetic"
    candidates, finalists = quote_search._sizes(size)  # the pool grows with the corpus
    print(
        f"\n{size:,} quotes ({where}; index built in {build_s:.1f} s, "
        f"{len(index.postings):,} words; {candidates} candidates, {finalists} finalists)"
    )
    print(
        f"  rank (candidates + rapidfuzz)  p50 {statistics.median(fast_ms):7.1f} ms   "
        f"p99 {pct(fast_ms, 0.99):7.1f} ms   over {len(fast_ms)} queries"
    )
    print(
        f"  anchor: process.extract        p50 {statistics.median(anchor_ms):7.1f} ms   "
        f"p99 {pct(anchor_ms, 0.99):7.1f} ms   over {len(anchor_ms)} queries"
    )
    print(
        f"  brute force (the shown score over every quote) p50 "
        f"{statistics.median(brute_ms):7.1f} ms over {len(brute_ms)} queries"
    )
    print(
        f"  recall@10 vs brute force, as shown (floor {MIN_SCORE:.0f}): "
        f"{statistics.mean(shown) if shown else float('nan'):.3f} over {len(shown)} queries; "
        f"unfloored: {statistics.mean(unfloored):.3f} over {len(unfloored)}; "
        + "; ".join(
            f"floor {f:.0f}: {statistics.mean(v) if v else float('nan'):.3f}"
            for f, v in other_floors.items()
        )
    )
    print(
        f"  brute-force top-10 entries sharing no content word with the query: {chance}/{slots}; "
        f"best such score per query: median {statistics.median(chance_best):.1f}, "
        f"max {max(chance_best):.1f}"
    )
    print(
        f"  the quote a query came from (or a reprint of it) first: {firsts}/{len(queries)}; "
        f"its score: min {min(origin_scores):.1f}, median {statistics.median(origin_scores):.1f}, "
        f"under the floor for {sum(s < MIN_SCORE for s in origin_scores)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--exact", type=int, default=20, help="queries checked by brute force")
    parser.add_argument(
        "--exact-large",
        type=int,
        help="queries checked by brute force above 200,000 quotes (default a quarter of "
        "--exact, at least 3; about a minute each at 1,000,000 quotes)",
    )
    parser.add_argument("--anchor", type=int, default=20, help="queries timed for the anchor")
    parser.add_argument("--db", type=Path, help="take the quotes from this database")
    parser.add_argument(
        "--candidates",
        type=int,
        help=f"most candidates per query (default {quote_search.CANDIDATES}, reached at 1M quotes)",
    )
    args = parser.parse_args()
    if args.candidates:  # finalists keep their share of the candidates
        quote_search.FINALISTS = quote_search.FINALISTS * args.candidates // quote_search.CANDIDATES
        quote_search.CANDIDATES = args.candidates
    for size in args.sizes:
        large = args.exact_large or max(3, args.exact // 4)
        exact = args.exact if size <= 200_000 else large
        run(size, args.queries, exact, args.anchor, args.db)


if __name__ == "__main__":
    main()
