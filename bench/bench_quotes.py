"""Benchmark fuzzy quote search over 100,000 and 1,000,000 synthetic quotes.

Run: python bench/bench_quotes.py [--sizes 100000 1000000] [--queries 200]

Quotes are synthetic and deterministic (fixed seed): 6-40 words drawn from a Zipf-like
vocabulary of 30,000 words, each with a short lead-in. Queries are misremembered versions of
randomly chosen quotes: a run of 3-6 words with a word dropped or swapped, one typo, and
shuffled case. Reported per size:
- index build time (once per database);
- latency per query of `rank` (candidate index + rapidfuzz re-ranking): p50, p99;
- the anchor, one raw rapidfuzz call over every quote
  (`process.extract(query, texts, scorer=fuzz.partial_ratio, limit=10)`): p50, p99;
- recall@10 of `rank` against scoring every quote with the same scorer (`brute_force`, on a
  subset of queries because it is slow): of the whole top 10, and of the brute-force hits
  scoring >= RELEVANT (below it the top 10 is filled with chance resemblances);
- how often the quote a query came from (or a reprint of it) is ranked first.
One quote in ten is a reprint of an earlier one with a word dropped, so most queries have
more than one right answer.
A benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Iterator
from itertools import accumulate
from pathlib import Path

from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from iraqtui.analysis.quote_search import QuoteIndex, brute_force, build_index, fold, rank

SEED = 20080327
REPRINTED = 0.1  # share of quotes that are another source's copy of an earlier quote
RELEVANT = 70.0  # a brute-force score from which a hit is a real match, not noise
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


def run(size: int, n_queries: int, n_exact: int, n_anchor: int) -> None:
    rng = random.Random(SEED)
    words = vocabulary(rng, 30_000)
    origins: list[int] = []
    rows = list(quotes(size, rng, words, origins))
    started = time.perf_counter()
    index: QuoteIndex = build_index(rows)
    build_s = time.perf_counter() - started
    picks = [rng.randrange(size) for _ in range(n_queries)]
    queries = [misremember(rows[p][1], rng) for p in picks]

    fast_ms: list[float] = []
    firsts = 0
    results = []
    for query, pick in zip(queries, picks, strict=True):
        t0 = time.perf_counter()
        found = rank(index, query, 10)
        fast_ms.append((time.perf_counter() - t0) * 1000)
        results.append(found)
        # the quote itself or another source's copy of the same quote
        firsts += bool(found) and origins[found[0][0]] == origins[pick]
    anchor_ms: list[float] = []
    for query in queries[:n_anchor]:
        folded = fold(query)
        t0 = time.perf_counter()
        process.extract(folded, index.texts, scorer=fuzz.partial_ratio, limit=10)
        anchor_ms.append((time.perf_counter() - t0) * 1000)
    recall: list[float] = []
    relevant: list[float] = []
    for query, found in list(zip(queries, results, strict=True))[:n_exact]:
        exact = brute_force(index, query, 10)
        mine = {p for p, _, _ in found}
        recall.append(len({p for p, _, _ in exact} & mine) / len(exact))
        good = {p for p, score, _ in exact if score >= RELEVANT}
        if good:
            relevant.append(len(good & mine) / len(good))

    print(f"\n{size:,} quotes  (index built in {build_s:.1f} s, {len(index.postings):,} words)")
    print(
        f"  rank (candidates + rapidfuzz)  p50 {statistics.median(fast_ms):7.1f} ms   "
        f"p99 {pct(fast_ms, 0.99):7.1f} ms   over {len(fast_ms)} queries"
    )
    print(
        f"  anchor: process.extract        p50 {statistics.median(anchor_ms):7.1f} ms   "
        f"p99 {pct(anchor_ms, 0.99):7.1f} ms   over {len(anchor_ms)} queries"
    )
    print(
        f"  recall@10 vs brute force (same scorer, {len(recall)} queries): "
        f"{statistics.mean(recall):.3f}; of brute-force hits scoring >= {RELEVANT:.0f}: "
        f"{statistics.mean(relevant) if relevant else float('nan'):.3f}"
    )
    print(f"  the quote a query came from (or a reprint of it) first: {firsts}/{len(queries)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--exact", type=int, default=20, help="queries checked by brute force")
    parser.add_argument("--anchor", type=int, default=20, help="queries timed for the anchor")
    args = parser.parse_args()
    for size in args.sizes:
        exact = args.exact if size <= 200_000 else max(3, args.exact // 4)
        run(size, args.queries, exact, args.anchor)


if __name__ == "__main__":
    main()
