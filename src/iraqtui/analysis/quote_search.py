"""Fuzzy quote search: the one function the CLI and the app's finder call.

Quotes are prepared once per database into a `QuoteIndex`: folded texts, an inverted index
of words, and a trigram index of the vocabulary. A query is answered in two steps: candidates
are the quotes sharing (idf-weighted) words with it, where each query word also matches its
misspellings and, for the word being typed, its completions; then rapidfuzz re-ranks those
candidates on the quote text and on its lead-in. Order, case, punctuation, typos and wording
("till" for "until") change the score, not whether the quote is found.
"""

from __future__ import annotations

import heapq
import math
import sqlite3
import threading
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from iraqtui.models import QuoteHit
from iraqtui.store.quote_queries import index_fingerprint, index_rows, quote_records

CANDIDATES = 300  # quotes sharing words with a query that rapidfuzz looks at
FINALISTS = 60  # of those, how many get the full (slower) score
POSTINGS_BUDGET = 150_000  # postings a query may walk once it has enough candidates
LEAD_IN_WEIGHT = 0.9  # a match on the words around a quote counts a little less
MAX_TEXT = 3000  # characters of a long passage the re-ranker reads
_STOP = frozenset(
    "a an the of to in on at and or but is are was were be been it its he she they we i you "
    "his her their that this for with as by from not no".split()
)


@dataclass
class QuoteIndex:
    """Everything a query needs, built once per database."""

    ids: array[int]
    texts: list[str]  # folded quote texts (rapidfuzz default_process)
    leads: list[str]  # folded lead-ins
    postings: dict[str, array[int]]  # word -> positions of quotes with it (text or lead-in)
    vocabulary: list[str]  # sorted words, for completions
    trigrams: dict[str, list[str]]  # trigram -> words, for misspellings

    def __len__(self) -> int:
        return len(self.ids)


def fold(text: str) -> str:
    return str(utils.default_process(text))


def _trigrams(word: str) -> set[str]:
    padded = f" {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def build_index(rows: Iterable[tuple[int, str, str]]) -> QuoteIndex:
    """Fold every quote and lead-in and index their words."""
    ids: array[int] = array("q")
    texts: list[str] = []
    leads: list[str] = []
    postings: dict[str, list[int]] = defaultdict(list)
    for position, (quote_id, text, lead) in enumerate(rows):
        folded, folded_lead = fold(text[:MAX_TEXT]), fold(lead)
        ids.append(quote_id)
        texts.append(folded)
        leads.append(folded_lead)
        for word in set(folded.split()) | set(folded_lead.split()):
            postings[word].append(position)
    vocabulary = sorted(postings)
    trigrams: dict[str, list[str]] = defaultdict(list)
    for word in vocabulary:
        if len(word) >= 3 and not word.isdigit():
            for gram in _trigrams(word):
                trigrams[gram].append(word)
    return QuoteIndex(
        ids,
        texts,
        leads,
        {w: array("i", p) for w, p in postings.items()},
        vocabulary,
        dict(trigrams),
    )


def score(query: str, text: str, lead: str) -> tuple[float, str]:
    """How well a folded query matches a folded quote (or, discounted, its lead-in)."""
    on_text = _score(query, text)
    on_lead = _score(query, lead) * LEAD_IN_WEIGHT if lead else 0.0
    return (on_text, "text") if on_text >= on_lead else (on_lead, "context")


def _score(query: str, choice: str) -> float:
    if not choice:
        return 0.0
    # partial_ratio finds the best-matching stretch (typos, "till" for "until"); the token
    # ratios forgive order; the length term prefers the quote that is mostly the query.
    partial = fuzz.partial_ratio(query, choice)
    tokens = fuzz.token_set_ratio(query, choice)
    shape = fuzz.token_sort_ratio(query, choice)
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


def candidates(index: QuoteIndex, query: str, limit: int = CANDIDATES) -> list[int]:
    """Positions of the quotes sharing the most (rare) words with the query."""
    words = query.split()
    if not words:
        return []
    content = [w for w in words if w not in _STOP] or words
    n = len(index)
    weights: dict[int, float] = defaultdict(float)
    plans = []
    for word in dict.fromkeys(content):
        expansions = _expansions(index, word, last=(word == words[-1]))
        if expansions:
            df = sum(len(index.postings[w]) for w in expansions)
            plans.append((df, expansions))
    plans.sort(key=lambda p: p[0])
    # Rarest words first. Common words add little to the ranking and cost the most, so once
    # the rarer ones have produced enough candidates they only re-weight those candidates,
    # and past a budget of postings they are skipped.
    seen = 0
    for done, (df, expansions) in enumerate(plans):
        if done >= 2 and seen + df > POSTINGS_BUDGET and len(weights) >= limit:
            break
        seen += df
        closed = len(weights) >= limit * 4
        added: set[int] = set()  # several spellings of one word count once
        for word, weight in sorted(expansions.items(), key=lambda x: -x[1]):
            idf = math.log(1 + n / len(index.postings[word])) * weight
            postings = index.postings[word]
            if len(expansions) == 1 and not closed:
                for position in postings:
                    weights[position] += idf
                continue
            for position in postings:
                if position not in added and (not closed or position in weights):
                    added.add(position)
                    weights[position] += idf
    return heapq.nlargest(limit, weights, key=weights.__getitem__)


def rank(index: QuoteIndex, query: str, limit: int = 10) -> list[tuple[int, float, str]]:
    """(position, score, matched) of the best quotes for a query."""
    folded = fold(query)
    if not folded:
        return []
    pool = candidates(index, folded)
    if not pool and len(index) <= 20_000:
        pool = list(range(len(index)))  # nothing shares a word: small corpora scan it all
    if len(pool) > FINALISTS:
        # One C-level pass of the cheapest telling scorer picks the finalists.
        texts = {p: index.texts[p] for p in pool}
        leads = {p: index.leads[p] for p in pool}
        best = process.extract(folded, texts, scorer=fuzz.partial_ratio, limit=FINALISTS)
        best += process.extract(folded, leads, scorer=fuzz.partial_ratio, limit=FINALISTS // 2)
        pool = list(dict.fromkeys(p for _, _, p in best))
    scored = [(p, *score(folded, index.texts[p], index.leads[p])) for p in pool]
    scored.sort(key=lambda x: (-x[1], len(index.texts[x[0]])))
    return scored[:limit]


def brute_force(index: QuoteIndex, query: str, limit: int = 10) -> list[tuple[int, float, str]]:
    """Score every quote: the anchor the candidate step is measured against."""
    folded = fold(query)
    scored = [(p, *score(folded, index.texts[p], index.leads[p])) for p in range(len(index))]
    scored.sort(key=lambda x: (-x[1], len(index.texts[x[0]])))
    return scored[:limit]


_CACHE: dict[str, tuple[tuple[int, int, int], QuoteIndex]] = {}
_LOCK = threading.Lock()


def index_for(conn: sqlite3.Connection) -> QuoteIndex:
    """The database's index, rebuilt only when its quotes change."""
    (path,) = conn.execute("SELECT file FROM pragma_database_list WHERE name = 'main'").fetchone()
    key = str(path) or f"memory:{id(conn)}"
    fingerprint = index_fingerprint(conn)
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
    index = build_index(index_rows(conn))
    with _LOCK:
        _CACHE[key] = (fingerprint, index)
    return index


MAX_QUERY_CHARS = 300


def search_quotes(conn: sqlite3.Connection, query: str, limit: int = 10) -> list[QuoteHit]:
    """Quotes and quoted passages best matching a half-remembered query, with speaker,
    reporting outlet, corrections and every source carrying each."""
    index = index_for(conn)
    # Nobody half-remembers more than a few sentences; a longer query only costs time.
    ranked = rank(index, query[:MAX_QUERY_CHARS], limit)
    records = {r.id: r for r in quote_records(conn, [int(index.ids[p]) for p, _, _ in ranked])}
    return [
        QuoteHit(records[int(index.ids[p])], round(s, 1), matched)
        for p, s, matched in ranked
        if int(index.ids[p]) in records
    ]
