"""The quote index: every quote and its lead-in folded, an inverted index of their words and a
trigram index of the vocabulary (see `quote_search` for how a query uses it); built once per
database, kept in memory, and cached in a file beside the database (`<db>-quotes`: a magic
line, a JSON header, then `array` bytes and newline-joined text, never unpickled) so the next
process loads it instead of rebuilding it."""

from __future__ import annotations

import sqlite3
import threading
from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from rapidfuzz import utils

from iraqtui.store.quote_queries import (
    cache_path,
    index_fingerprint,
    index_rows,
    read_index_cache,
    write_index_cache,
)

MAX_TEXT = 3000  # characters of a long passage the re-ranker reads


@dataclass
class QuoteIndex:
    """Everything a query needs, built once per database."""

    ids: array[int]  # quote ids, shortest quote text first (ties then favour short quotes)
    texts: list[str]  # folded quote texts (rapidfuzz default_process)
    leads: list[str]  # folded lead-ins
    postings: dict[str, array[int]]  # word -> positions of quotes with it (text or lead-in)
    vocabulary: list[str]  # sorted words, for completions
    trigrams: dict[str, list[str]]  # trigram -> words, for misspellings

    def __len__(self) -> int:
        return len(self.ids)


def fold(text: str) -> str:
    """Lower case, punctuation as spaces, single spaces."""
    return " ".join(str(utils.default_process(text)).split())


def _trigrams(word: str) -> set[str]:
    padded = f" {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def build_index(rows: Iterable[tuple[int, str, str]]) -> QuoteIndex:
    """Fold every quote and lead-in and index their words."""
    folded_rows = [(fold(text[:MAX_TEXT]), fold(lead), quote_id) for quote_id, text, lead in rows]
    # Shortest first: candidates sharing the same words then come out shortest first, and the
    # score prefers the quote that is mostly the query (the reprint without extra words).
    folded_rows.sort(key=lambda row: len(row[0]))
    ids: array[int] = array("q", (quote_id for _, _, quote_id in folded_rows))
    texts = [text for text, _, _ in folded_rows]
    leads = [lead for _, lead, _ in folded_rows]
    del folded_rows
    postings: dict[str, list[int]] = defaultdict(list)
    for position, (folded, folded_lead) in enumerate(zip(texts, leads, strict=True)):
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


# Bump when the index's content or layout changes, so cache files of older builds are ignored.
INDEX_FORMAT = "quote-index 1"


def index_parts(index: QuoteIndex) -> dict[str, bytes]:
    """The index as flat bytes: texts joined by newlines (folding leaves none in them), and
    each word's postings as one slice of a flat array."""
    flat: array[int] = array("i")
    offsets: array[int] = array("q", [0])
    for word in index.vocabulary:
        flat.extend(index.postings[word])
        offsets.append(len(flat))
    grams = sorted(index.trigrams)
    where = {word: i for i, word in enumerate(index.vocabulary)}
    gram_words: array[int] = array("i")
    gram_offsets: array[int] = array("q", [0])
    for gram in grams:
        gram_words.extend(where[word] for word in index.trigrams[gram])
        gram_offsets.append(len(gram_words))
    return {
        "ids": index.ids.tobytes(),
        "texts": "\n".join(index.texts).encode(),
        "leads": "\n".join(index.leads).encode(),
        "vocabulary": "\n".join(index.vocabulary).encode(),
        "postings": flat.tobytes(),
        "offsets": offsets.tobytes(),
        "grams": "\n".join(grams).encode(),
        "gram_words": gram_words.tobytes(),
        "gram_offsets": gram_offsets.tobytes(),
    }


def index_from_parts(parts: dict[str, bytes]) -> QuoteIndex | None:
    """The index `index_parts` wrote, or None if the parts do not hang together."""
    try:
        ids: array[int] = array("q", parts["ids"])
        n = len(ids)
        texts = parts["texts"].decode().split("\n") if n else []
        leads = parts["leads"].decode().split("\n") if n else []
        vocabulary = parts["vocabulary"].decode().split("\n") if parts["vocabulary"] else []
        flat: array[int] = array("i", parts["postings"])
        offsets: array[int] = array("q", parts["offsets"])
        grams = parts["grams"].decode().split("\n") if parts["grams"] else []
        gram_words: array[int] = array("i", parts["gram_words"])
        gram_offsets: array[int] = array("q", parts["gram_offsets"])
    except (KeyError, ValueError, UnicodeDecodeError):
        return None
    consistent = (
        len(texts) == len(leads) == n
        and len(offsets) == len(vocabulary) + 1
        and len(gram_offsets) == len(grams) + 1
        and offsets[-1] == len(flat)
        and gram_offsets[-1] == len(gram_words)
        # Every word of the vocabulary is in at least one quote: no empty posting list.
        and all(a < b for a, b in pairwise(offsets))
        and all(a <= b for a, b in pairwise(gram_offsets))
    )
    if not consistent:
        return None
    # Positions are not scanned here (seconds at a million quotes): `candidates` drops any
    # past the end, and a word number past the vocabulary fails right here.
    postings = {w: flat[offsets[i] : offsets[i + 1]] for i, w in enumerate(vocabulary)}
    try:
        trigrams = {
            g: [vocabulary[w] for w in gram_words[gram_offsets[i] : gram_offsets[i + 1]]]
            for i, g in enumerate(grams)
        }
    except IndexError:
        return None
    return QuoteIndex(ids, texts, leads, postings, vocabulary, trigrams)


_CACHE: dict[str, tuple[str, QuoteIndex]] = {}
_LOCK = threading.Lock()
_BUILDING = threading.Lock()  # one build at a time: a second caller waits and reuses it


def index_for(conn: sqlite3.Connection) -> QuoteIndex:
    """The database's index: kept in memory per database, and in a cache file beside it
    (see `cache_path`) so the next process loads it instead of rebuilding it. Both are keyed
    by the quotes' fingerprint, so any change to quotes or corrections rebuilds it."""
    cached_at = cache_path(conn)
    key = str(cached_at) if cached_at else f"memory:{id(conn)}"
    fingerprint = f"{INDEX_FORMAT} {index_fingerprint(conn)}"
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
    # The finder's warm-up and the first keystrokes (or the palette's) may all ask at once:
    # the first builds, the others wait for it instead of building it again in parallel.
    with _BUILDING:
        with _LOCK:
            cached = _CACHE.get(key)
            if cached is not None and cached[0] == fingerprint:
                return cached[1]
        index = None
        if cached_at is not None:
            parts = read_index_cache(cached_at, fingerprint)
            index = index_from_parts(parts) if parts is not None else None
        if index is None:
            index = build_index(index_rows(conn))
            if cached_at is not None:
                # A read-only folder just means building it again next time.
                write_index_cache(cached_at, fingerprint, index_parts(index))
        with _LOCK:
            _CACHE[key] = (fingerprint, index)
    return index
