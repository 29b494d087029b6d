"""Fuzzy quote search: the one function the CLI and the app's finder call.

Quotes are prepared once per database into a `QuoteIndex`: folded texts, an inverted index
of words, and a trigram index of the vocabulary. A query is answered in two steps: candidates
are the quotes sharing (idf-weighted) words with it, where each query word also matches its
misspellings and, for the word being typed, its completions, those holding the query's
adjacent word pairs (its phrases) first; then rapidfuzz re-ranks those candidates on the
quote text and on its lead-in. Order, case, punctuation, typos and wording
("till" for "until") change the score, not whether the quote is found. A quote scoring under
`MIN_SCORE` is "no match" and is not shown (the brute-force anchor applies the same floor): in
bench/bench_quotes.py quotes sharing no word with a query reach about 64 by chance, while the
quote a misremembered query came from scores a median of 84-88 and under 65 for 1-2% of
queries.
"""

from __future__ import annotations

import math
import sqlite3
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import accumulate, compress, filterfalse, islice, pairwise, repeat
from operator import eq, lt
from typing import Literal

from rapidfuzz import fuzz, process

from iraqtui.analysis.quote_index import QuoteIndex, _trigrams, build_index, fold, index_for
from iraqtui.models import QuoteHit
from iraqtui.store.quote_queries import quote_records

# Re-exported: callers ask quote search for the index it uses.
__all__ = ["QuoteIndex", "build_index", "fold", "index_for", "search_quotes"]

CANDIDATES = 1500  # quotes sharing words with a query that rapidfuzz looks at, at most
FEWEST = 900  # candidates at any size, plus one per QUOTES_PER quotes (see `_sizes`)
QUOTES_PER = 1600
WIDEN = 4  # quotes weighted by their words per candidate kept (see `_phrased`)
RARE_SHARE = 4  # 1/4 of the candidates are the best by rare words alone, phrases or not
FINALISTS = 300  # of those, how many get the full (slower) score
POSTINGS_BUDGET = 500_000  # postings a query may walk once it has enough candidates
LEAD_IN_WEIGHT = 0.9  # a match on the words around a quote counts a little less
MIN_SCORE = 65.0  # below it a quote is "no match" (see the module docstring)
_STOP = frozenset(
    "a an the of to in on at and or but is are was were be been it its he she they we i you "
    "his her their that this for with as by from not no".split()
)


def score(query: str, text: str, lead: str) -> tuple[float, str]:
    """How well a folded query matches a folded quote (or, discounted, its lead-in)."""
    on_text = _score(query, text)
    on_lead = _score(query, lead) * LEAD_IN_WEIGHT if lead else 0.0
    return (on_text, "text") if on_text >= on_lead else (on_lead, "context")


def _score(query: str, choice: str) -> float:
    if not choice:
        return 0.0
    on_query = _ratios(query, choice)
    # The last word may be half typed ("militia tru"): a word of the choice it begins counts
    # as typed out, so results follow every keystroke instead of waiting for the word's end.
    head, _, last = query.rpartition(" ")
    if len(last) >= 2 and last in choice:
        words = choice.split()
        if last not in words:
            typed_out = next((w for w in words if w.startswith(last)), None)
            if typed_out is not None:
                return max(on_query, _ratios(f"{head} {typed_out}".lstrip(), choice))
    return on_query


def _ratios(query: str, choice: str) -> float:
    shape = fuzz.token_sort_ratio(query, choice)
    if len(choice) < len(query):
        # A quote shorter than the query can hold only part of it: partial and token-set
        # ratios would give "the" 100 against any query containing "the". Compare whole.
        return 0.55 * fuzz.ratio(query, choice) + 0.45 * shape
    # partial_ratio finds the best-matching stretch (typos, "till" for "until"); the token
    # ratios forgive order; the length term prefers the quote that is mostly the query.
    partial = fuzz.partial_ratio(query, choice)
    tokens = fuzz.token_set_ratio(query, choice)
    return 0.55 * partial + 0.35 * tokens + 0.10 * shape


def _expansions(index: QuoteIndex, word: str, last: bool) -> dict[str, float]:
    """Index words standing for a query word: itself, misspellings, completions if typed last."""
    found: dict[str, float] = {}
    known = word in index.postings
    if known:
        found[word] = 1.0
    # A word the quotes contain is taken as spelt right; only unknown words look for the
    # words they may be a misspelling of (cheap: one C-level count over trigram lists).
    if len(word) >= 4 and not known:
        counts: Counter[str] = Counter()
        grams = _trigrams(word)
        for gram in grams:
            counts.update(index.trigrams.get(gram, ()))
        need = max(2, len(grams) // 2)
        for other, shared in counts.items():
            if shared >= need and other != word and abs(len(other) - len(word)) <= 3:
                similarity = fuzz.ratio(word, other)
                if similarity >= 75:
                    found[other] = max(found.get(other, 0.0), similarity / 100 * 0.9)
    if last and len(word) >= 2:
        at = bisect_left(index.vocabulary, word)
        for other in index.vocabulary[at : at + 64]:
            if not other.startswith(word):
                break
            found.setdefault(other, 0.8)
    return found


def content_words(folded: str) -> set[str]:
    """The words of a folded query that say something (all of them if all are common)."""
    words = folded.split()
    return {w for w in words if w not in _STOP} or set(words)


def _pools(index: QuoteIndex, query: str, limit: int) -> tuple[list[int], list[int]]:
    """The candidates (positions of the quotes sharing the most, and the rarest, words with
    the query, a wider pool of them re-weighted by the query's phrases they hold: see
    `_phrased`) and the wider pool they were picked from."""
    wide = _weighted(index, query, limit, limit * WIDEN)
    return _phrased(index, query, wide, limit), wide


def _weighted(index: QuoteIndex, query: str, limit: int, keep: int) -> list[int]:
    """Positions of the `keep` quotes sharing the most (rare) words with the query, best
    first; common words stop being walked once `limit` quotes are found (see below)."""
    words = query.split()
    if not words:
        return []
    content = [w for w in words if w not in _STOP] or words
    n = len(index)
    plans = []
    for word in dict.fromkeys(content):
        expansions = _expansions(index, word, last=(word == words[-1]))
        if expansions:
            df = sum(len(index.postings[w]) for w in expansions)
            plans.append((df, expansions))
    plans.sort(key=lambda p: p[0])
    # Rarest words first. Common words add little to the ranking and cost the most, so once
    # the rarer ones have produced enough candidates they only re-weight those candidates,
    # and past a budget of postings they are skipped. Set and dict operations keep the walk
    # over postings in C; Python only touches positions holding several query words.
    weights: dict[int, float] = {}
    seen = 0
    for done, (df, expansions) in enumerate(plans):
        if done >= 2 and seen + df > POSTINGS_BUDGET and len(weights) >= limit:
            break
        seen += df
        closed = len(weights) >= limit * 4
        spellings = len(expansions) > 1
        counted: set[int] = set()  # several spellings of one word count once
        for word, weight in sorted(expansions.items(), key=lambda x: -x[1]):
            postings = index.postings[word]
            idf = math.log(1 + n / len(postings)) * weight
            if not weights:
                weights = dict.fromkeys(postings, idf)
                if spellings:
                    counted.update(postings)
                continue
            present = weights.keys() & postings
            if spellings:
                present -= counted
                counted |= present
            for position in present:
                weights[position] += idf
            if not closed:
                fresh = set(postings) - weights.keys()
                weights.update(dict.fromkeys(fresh, idf))
                if spellings:
                    counted |= fresh
    # A damaged cache file must not send a position past the end.
    return [p for p in _best(weights, keep) if 0 <= p < n]


def _phrased(index: QuoteIndex, query: str, pool: list[int], limit: int) -> list[int]:
    """The `limit` best of a pool (best first) once each quote holding some of the query's
    adjacent word pairs (either order, common words included) moves up. The score is made of
    characters, not rare words: a quote holding "said government" of the query "qarofazi said
    government" outscores one holding only "qarofazi", and among the many quotes sharing one
    or two words with a query at a million quotes, those holding a phrase are the likelier
    to reach the top ten (bench/bench_quotes.py). The pool's order (rare words) stays the
    tie-break."""
    words = query.split()
    # "of the" is in every other quote: a pair needs one word that is not a common one.
    adjacent = [(a, b) for a, b in pairwise(words) if a not in _STOP or b not in _STOP]
    pairs = list(dict.fromkeys(f"{a} {b}" for a, b in adjacent))
    pairs += [p for p in dict.fromkeys(f"{b} {a}" for a, b in adjacent) if p not in pairs]
    if len(pool) <= limit or not pairs:
        return pool[:limit]
    # The rare-word order's head stays whatever phrases the rest hold.
    kept = limit // RARE_SHARE
    rest = pool[kept:]
    # Each side (texts, lead-ins) joined once: one C-level find per phrase and side instead
    # of a test per quote, phrase and side.
    sides = [_joined(strings, rest) for strings in (index.texts, index.leads)]
    held: Counter[int] = Counter()
    for pair in pairs:
        held.update(set().union(*(_holders(joined, ends, pair) for joined, ends in sides)))
    # A phrase is worth a rank band: most phrases first, the rare-word order within a band.
    order = sorted(held, key=lambda i: (-held[i], i))[: limit - kept]
    order += islice(filterfalse(held.__contains__, range(len(rest))), limit - kept - len(order))
    return pool[:kept] + [rest[i] for i in order]


def _joined(strings: list[str], positions: list[int]) -> tuple[str, list[int]]:
    """The strings at `positions` joined by NULs (folding leaves none), and where each ends."""
    chosen = list(map(strings.__getitem__, positions))
    return "\0".join(chosen), list(accumulate(map((1).__add__, map(len, chosen))))


def _holders(joined: str, ends: list[int], phrase: str) -> set[int]:
    """Which of the strings joined by `_joined` contain `phrase`."""
    found = set()
    at = joined.find(phrase)
    while at >= 0:
        i = bisect_right(ends, at)
        found.add(i)
        at = joined.find(phrase, ends[i])
    return found


def _best(weights: dict[int, float], limit: int) -> list[int]:
    """The `limit` positions of highest weight, best first; on a tie the lower position (the
    shorter quote). `compress` keeps the pass over all weights in C."""
    if len(weights) > limit:
        cut = sorted(weights.values(), reverse=True)[limit - 1]
        kept = list(compress(weights, map(lt, repeat(cut), weights.values())))
        at = sorted(compress(weights, map(eq, repeat(cut), weights.values())))
        kept += at[: limit - len(kept)]
    else:
        kept = list(weights)
    kept.sort()  # then by weight, stable: equal weights stay in position order
    kept.sort(key=weights.__getitem__, reverse=True)
    return kept


def _sizes(quotes: int) -> tuple[int, int]:
    """Candidates and finalists for a corpus of `quotes`. The chance resemblances a query's
    top ten compete with grow with the corpus, so the pool does too: about 900 candidates and
    180 finalists for a small corpus, 962 and 192 at 100,000 quotes, 1,500 and 300 (the most)
    from about 1,000,000. bench/bench_quotes.py at 100,000: recall@10 as shown 0.993 with
    these as with the largest pool, in three quarters of the time."""
    candidates = min(CANDIDATES, FEWEST + quotes // QUOTES_PER)
    return candidates, max(1, FINALISTS * candidates // CANDIDATES)


def rank(
    index: QuoteIndex, query: str, limit: int = 10, floor: float = MIN_SCORE
) -> list[tuple[int, float, str]]:
    """(position, score, matched) of the best quotes for a query, none scoring under `floor`."""
    folded = fold(query)
    if not folded:
        return []
    limit_pool, finalists = _sizes(len(index))
    pool, wide = _pools(index, folded, limit_pool)
    if not pool and len(index) <= 20_000:
        pool = list(range(len(index)))  # nothing shares a word: small corpora scan it all
    if len(pool) > finalists:
        pool = _finalists(index, folded, pool, wide, finalists)
    scored = _scored(folded, index, pool)
    # Positions run from the shortest quote: on a tie the one that is mostly the query wins.
    scored.sort(key=lambda x: (-x[1], x[0]))
    return [hit for hit in scored[:limit] if hit[1] >= floor]


def _scored(folded: str, index: QuoteIndex, pool: Iterable[int]) -> list[tuple[int, float, str]]:
    """`score` for each position; the text of reprints is scored once."""
    on_texts: dict[str, float] = {}
    out = []
    for p in pool:
        text, lead = index.texts[p], index.leads[p]
        on_text = on_texts.get(text)
        if on_text is None:
            on_text = on_texts[text] = _score(folded, text)
        on_lead = _score(folded, lead) * LEAD_IN_WEIGHT if lead else 0.0
        out.append((p, on_text, "text") if on_text >= on_lead else (p, on_lead, "context"))
    return out


def _finalists(
    index: QuoteIndex, folded: str, pool: list[int], wide: list[int], finalists: int
) -> list[int]:
    """C-level passes of the cheapest telling scorers pick the candidates worth a full score.
    Reprints share a text, so each distinct text (and lead-in) is scored once. Lead-ins and
    short quotes are cheap to score, so those of the wider pool are looked at too: one close
    to the query may hold no phrase of it and just one of its words, and at a million quotes
    such chance resemblances fill the top ten (bench/bench_quotes.py)."""
    whole: dict[str, int] = {}  # quotes shorter than the query are compared whole (see _score)
    part: dict[str, int] = {}
    leads: dict[str, int] = {}
    copies: dict[str, list[int]] = defaultdict(list)
    texts, lead_ins, size = index.texts, index.leads, len(folded)
    for p in pool:  # the first (best-weighted, shortest) position keeps each text
        text = texts[p]
        same = copies[text]
        if not same:
            (whole if len(text) < size else part)[text] = p
        same.append(p)
        leads.setdefault(lead_ins[p], p)
    best: list[int] = []
    for choices, scorer, limit in (
        (part, fuzz.partial_ratio, finalists),
        (whole, fuzz.ratio, finalists // 4),
    ):
        found = process.extract(folded, list(choices), scorer=scorer, limit=limit)
        best += [p for text, _, _ in found for p in copies[text]]
    found = process.extract(folded, list(leads), scorer=fuzz.partial_ratio, limit=finalists // 2)
    best += [leads[text] for text, _, _ in found]
    others: dict[str, int] = {}
    short: dict[str, int] = {}
    for p in wide:
        lead = lead_ins[p]
        if lead not in leads:
            others.setdefault(lead, p)
        text = texts[p]
        if len(text) < 2 * size and text not in copies:
            short.setdefault(text, p)
    found = process.extract(folded, list(others), scorer=fuzz.ratio, limit=finalists // 4)
    best += [others[text] for text, _, _ in found]
    found = process.extract(folded, list(short), scorer=fuzz.partial_ratio, limit=finalists // 4)
    best += [short[text] for text, _, _ in found]
    return list(dict.fromkeys(best))


def brute_force(
    index: QuoteIndex, query: str, limit: int = 10, floor: float = MIN_SCORE
) -> list[tuple[int, float, str]]:
    """Score every quote the way `rank` does: the anchor the candidate step is measured against."""
    folded = fold(query)
    if not folded:
        return []
    scored = _scored(folded, index, range(len(index)))
    scored.sort(key=lambda x: (-x[1], x[0]))
    return [hit for hit in scored[:limit] if hit[1] >= floor]


MAX_QUERY_CHARS = 300


def search_quotes(
    conn: sqlite3.Connection,
    query: str,
    limit: int = 10,
    *,
    carriers: bool | Literal["unnamed"] = True,
) -> list[QuoteHit]:
    """Quotes and quoted passages best matching a half-remembered query, with speaker,
    reporting outlet, corrections and every source carrying each (with `carriers="unnamed"`,
    only those that may name a missing speaker: what a list of hits shows)."""
    index = index_for(conn)
    # Nobody half-remembers more than a few sentences; a longer query only costs time.
    ranked = rank(index, query[:MAX_QUERY_CHARS], limit)
    ids = [int(index.ids[p]) for p, _, _ in ranked]
    records = {r.id: r for r in quote_records(conn, ids, carriers=carriers)}
    return [
        QuoteHit(records[int(index.ids[p])], round(s, 1), matched)
        for p, s, matched in ranked
        if int(index.ids[p]) in records
    ]
