"""Passages shared by two or more sources, found by winnowed word shingles then aligned.

Candidates come from fingerprints (the smallest hash in each window of word 6-grams, as in
MOSS), so only paragraphs that share a fingerprint are ever compared, never all pairs. The
fingerprints of each paragraph are computed with the rest of its file's analysis (in the
workers) and stored; candidate pairs are found in SQL (`store/reuse_store.py`), each pair is
aligned once and its result kept, so a later ingest aligns only pairs it has not seen and
memory stays bounded by one batch of pairs and the clustering arrays. Words are folded (case,
curly vs straight apostrophes, punctuation and ellipses dropped), and the alignment bridges
a few dropped or changed words, so re-punctuated or trimmed copies still match. Spans in one
source that overlap join one cluster; separate passages stay apart. The alignment itself is
in `reuse_align.py`.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Callable, Iterable, Iterator
from zlib import crc32

from iraqtui.ingest.reuse_align import MIN_WORDS, Aligner, ParagraphText
from iraqtui.ingest.reuse_align import WORD as _WORD
from iraqtui.models import Document, ReuseInput, ReuseSpan

SHINGLE = 6  # words per shingle
WINDOW = 8  # winnowing window: any shared run of SHINGLE + WINDOW - 1 words is found
STOCK_PHRASE = 40  # a fingerprint in more sources than this is a stock phrase, not reuse
MAX_POSTINGS = 4 * STOCK_PHRASE  # ... or in more paragraphs than this


_MOD = (1 << 61) - 1  # Mersenne prime for the rolling shingle hash: fits an SQLite integer
_BASE = 1_000_003
_BASE_POW = pow(_BASE, SHINGLE, _MOD)
_CODES: dict[str, int] = {}  # word -> code, per process (bounded)
_CODES_MAX = 200_000


def fold_words(text: str) -> list[str]:
    """Folded words (case, apostrophe style), no offsets: the cheap form for fingerprints."""
    return _WORD.findall(text.casefold().replace("’", "'"))


def words_of(text: str) -> tuple[tuple[str, ...], tuple[tuple[int, int], ...]]:
    """Folded words and their character spans."""
    words: list[str] = []
    offsets: list[tuple[int, int]] = []
    for m in _WORD.finditer(text):
        words.append(m.group(0).casefold().replace("’", "'"))
        offsets.append((m.start(), m.end()))
    return tuple(words), tuple(offsets)


def _word_code(word: str) -> int:
    code = _CODES.get(word)
    if code is None:
        # crc32, not hash(): Python's string hash changes per process, and the same corpus
        # must give the same fingerprints in every worker and on every ingest.
        code = crc32(word.encode("utf-8")) + 1
        if len(_CODES) < _CODES_MAX:
            _CODES[word] = code
    return code


def fingerprints(words: list[str]) -> set[int]:
    """Winnowed shingle hashes: the minimum of every window of WINDOW consecutive shingles
    (rolling hash over word codes)."""
    known = _CODES.get
    values = [known(w) or _word_code(w) for w in words]  # codes are never 0
    if len(values) < SHINGLE:
        return set()
    h = 0
    for v in values[:SHINGLE]:
        h = (h * _BASE + v) % _MOD
    hashes = [h]
    append = hashes.append
    for new, old in zip(values[SHINGLE:], values[:-SHINGLE], strict=True):
        h = (h * _BASE + new - old * _BASE_POW) % _MOD
        append(h)
    n = len(hashes)
    if n <= WINDOW:
        return {min(hashes)}
    # the minimum of each window, window i being the i-th item of every shifted copy
    windows = n - WINDOW + 1
    return set(map(min, *[hashes[k : k + windows] for k in range(WINDOW)]))


def text_prints(text: str) -> list[int]:
    """Sorted fingerprints of one paragraph's text; none when too short to be reuse."""
    words = fold_words(text)
    return sorted(fingerprints(words)) if len(words) >= MIN_WORDS else []


def paragraph_prints(doc: Document) -> list[tuple[int, list[int]]]:
    """(paragraph seq, fingerprints) of every body paragraph long enough to be reuse: what
    the corpus-level stage needs of a file, computed with the rest of its analysis."""
    out = []
    for p in doc.paragraphs:
        if p.boilerplate:
            continue
        prints = text_prints(doc.display[p.start : p.end])
        if prints:
            out.append((p.seq, prints))
    return out


class _UnionFind:
    """Union-find over span ids 1..n in a flat array (4 bytes per span); the root of a
    group is always its lowest id."""

    def __init__(self, count: int) -> None:
        self.parent = array("i", range(count + 1))

    def find(self, node: int) -> int:
        parent = self.parent
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def union_all(self, edges: Iterable[tuple[int, int]]) -> None:
        """`union` of each edge (inlined: there is one per link)."""
        parent = self.parent
        for a, b in edges:
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            while parent[b] != b:
                parent[b] = parent[parent[b]]
                b = parent[b]
            if a < b:
                parent[b] = a
            elif b < a:
                parent[a] = b


def _join_overlaps(groups: _UnionFind, spans: Iterable[tuple[int, int, int, int]]) -> None:
    """Spans of one source that overlap by half the shorter one are the same passage;
    `spans` come sorted by (source, start, end)."""
    active: list[tuple[int, int, int]] = []  # (id, start, end) that may still overlap
    source = None
    for node, span_source, start, end in spans:
        if span_source != source:
            source, active = span_source, []
        elif active:
            active = [a for a in active if a[2] > start]
            for other, o_start, o_end in active:
                if min(o_end, end) - start >= 0.5 * min(o_end - o_start, end - start):
                    groups.union(other, node)
        active.append((node, start, end))


def cluster_stored(conn: sqlite3.Connection) -> Iterator[ReuseSpan]:
    """Clusters of the stored links: linked spans, and spans of one source that overlap.
    One span per source and passage, clusters numbered in order of their first span (by
    source, start, end); memory is a few flat arrays over the distinct spans."""
    from iraqtui.store import reuse_store

    count = reuse_store.index_spans(conn)
    groups = _UnionFind(count)
    groups.union_all(reuse_store.span_edges(conn))
    _join_overlaps(groups, reuse_store.spans_in_order(conn))
    # Every span is an end of a link, and a link joins two sources, so every group is
    # carried by two sources or more. Span ids follow (source, start, end) and a group's
    # root is its lowest id, so numbering the roots in id order numbers the clusters in
    # order of their first span.
    parent = groups.parent
    number = array("i", bytes(4 * (count + 1)))
    numbered = 0
    for node in range(1, count + 1):
        root = parent[node]
        if root == node:
            numbered += 1
            number[node] = numbered
        else:
            while parent[root] != root:
                root = parent[root]
            parent[node] = root
            number[node] = number[root]
    del groups, parent
    merged: list[int] | None = None  # cluster, source, start, end
    for cluster, source, start, end in reuse_store.sort_by_cluster(conn, number):
        if merged and (merged[0], merged[1]) == (cluster, source) and start <= merged[3]:
            merged[3] = max(merged[3], end)
            continue
        if merged:
            yield ReuseSpan(*merged)
        merged = [cluster, source, start, end]
    if merged:
        yield ReuseSpan(*merged)
    reuse_store.drop_spans(conn)


def find_candidates(conn: sqlite3.Connection) -> None:
    """Candidate pairs into a temporary table (`prepare` must have run, in a transaction)."""
    from iraqtui.store import reuse_store

    reuse_store.collect_candidates(conn, MAX_POSTINGS, STOCK_PHRASE)


# (a, b, a_source, b_source): a candidate pair of paragraphs
PairRow = tuple[int, int, int, int]
# (a, b, a_source, a_start, a_end, b_source, b_start, b_end): a link as stored
LinkRow = tuple[int, int, int, int, int, int, int, int]
# a batch of pairs aligned: the pairs (a, b), and the links of those that share a stretch
Aligned = tuple[list[tuple[int, int]], list[LinkRow]]
# aligns batches of pairs, yielding each batch's result, in order
AlignFn = Callable[[Iterator[list[PairRow]]], Iterator[Aligned]]


def align_batch(aligner: Aligner, batch: list[PairRow]) -> Aligned:
    """A batch of pairs aligned, as the rows to store (built where the aligning runs, so
    the process that writes only hands them to SQLite)."""
    pairs = [(a, b) for a, b, _, _ in batch]
    rows = [
        (a, b, *link)
        for (a, b), links in zip(pairs, aligner.links(pairs), strict=True)
        for link in links
    ]
    return pairs, rows


def align_serially(fetch: Callable[[list[int]], Iterable[ParagraphText]]) -> AlignFn:
    """Align in this process, reading paragraphs with `fetch`."""
    aligner = Aligner(fetch)

    def run(batches: Iterator[list[PairRow]]) -> Iterator[Aligned]:
        for batch in batches:
            yield align_batch(aligner, batch)

    return run


def update_reuse(
    conn: sqlite3.Connection,
    *,
    parallel: Callable[[int], AlignFn | None] | None = None,
    on_batch: Callable[[], None] | None = None,
) -> None:
    """After `find_candidates`: drop the stored pairs that are no longer candidates and
    align the new ones (stored with what they share); `cluster_stored` then reads them.

    `parallel(new pairs)` may return an aligner that runs elsewhere (worker processes);
    `on_batch` runs after each batch of pairs is stored (the pipeline commits there, so a
    killed run keeps what it aligned).
    """
    from iraqtui.store import reuse_store

    new = reuse_store.drop_stale_pairs(conn)
    align = parallel(new) if parallel is not None else None
    if align is None:
        align = align_serially(lambda ids: reuse_store.paragraph_texts(conn, ids))
    for pairs, links in align(reuse_store.new_pairs(conn)):
        reuse_store.save_pairs(conn, pairs, links)
        if on_batch is not None:
            on_batch()
    reuse_store.drop_candidates(conn)


def find_reuse(inputs: Iterable[ReuseInput]) -> list[ReuseSpan]:
    """Clusters of near-verbatim passages carried by two or more sources (the whole
    corpus-level stage over these paragraphs, in a database in memory)."""
    from iraqtui.store import reuse_store

    conn = sqlite3.connect(":memory:")
    try:
        reuse_store.create_scratch(conn)
        for item in inputs:
            reuse_store.add_paragraph(conn, item, text_prints(item.text))
        reuse_store.prepare(conn)
        find_candidates(conn)
        update_reuse(conn)
        return list(cluster_stored(conn))
    finally:
        conn.close()
