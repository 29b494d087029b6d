"""Passages shared by two or more sources, found by winnowed word shingles then aligned.

Candidates come from fingerprints (the smallest hash in each window of word 6-grams, as in
MOSS), so only paragraphs that share a fingerprint are ever compared, never all pairs. The
fingerprints of each paragraph are computed with the rest of its file's analysis (in the
workers) and stored; candidate pairs are found in SQL (`store/reuse_store.py`), each pair is
aligned once and its result kept, so a later ingest aligns only pairs it has not seen and
memory stays bounded by one batch of pairs and the clustering arrays. Words are folded (case,
curly vs straight apostrophes, punctuation and ellipses dropped), and the alignment bridges
a few dropped or changed words, so re-punctuated or trimmed copies still match. Spans in one
source that overlap join one cluster; separate passages stay apart.
"""

from __future__ import annotations

import re
import sqlite3
from array import array
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from itertools import accumulate, pairwise
from typing import cast
from zlib import crc32

from iraqtui.models import Document, ReuseInput, ReuseSpan

SHINGLE = 6  # words per shingle
WINDOW = 8  # winnowing window: any shared run of SHINGLE + WINDOW - 1 words is found
MIN_WORDS = 10  # shortest passage worth reporting
MAX_GAP = 3  # dropped, added or changed words bridged inside one passage
MIN_MATCH = 0.8  # matched words / words in the longer side of the aligned stretch
STOCK_PHRASE = 40  # a fingerprint in more sources than this is a stock phrase, not reuse
MAX_POSTINGS = 4 * STOCK_PHRASE  # ... or in more paragraphs than this

_WORD = re.compile(r"\w+(?:['’]\w+)*")
_WORD_SPLIT = re.compile(f"({_WORD.pattern})")  # text between words, word, ...

_MOD = (1 << 61) - 1  # Mersenne prime for the rolling shingle hash: fits an SQLite integer
_BASE = 1_000_003
_BASE_POW = pow(_BASE, SHINGLE, _MOD)
_CODES: dict[str, int] = {}  # word -> code, per process (bounded)
_CODES_MAX = 200_000

# (a_source, a_start, a_end, b_source, b_start, b_end): one aligned stretch, file offsets
Link = tuple[int, int, int, int, int, int]
# (paragraph id, source id, start of the paragraph in its file, text)
ParagraphText = tuple[int, int, int, str]


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


def word_bigrams(codes: Sequence[int]) -> list[int]:
    """Each pair of neighbouring word codes (below 2**32) as one int."""
    return [x << 32 | y for x, y in pairwise(codes)]


def positions(items: Sequence[int]) -> dict[int, list[int]]:
    """Where each item occurs, in ascending order."""
    found: dict[int, list[int]] = {}
    for j, item in enumerate(items):
        if item in found:
            found[item].append(j)
        else:
            found[item] = [j]
    return found


def matching_blocks(
    a_at: dict[int, list[int]], b2: Sequence[int], la: int, lb: int
) -> list[tuple[int, int, int]]:
    """(a, b, size) of each block of two words or more that difflib's
    `SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()` finds, in order.

    The same search (longest match first, ties to the earliest in a then in b, then each
    side of it), run over word bigrams (where each bigram of a is: `a_at`, and `b2`): a run
    of k >= 2 equal words is a run of k - 1 equal bigrams, and single-word blocks, which the
    caller drops, never influence the others. Every equal run of bigrams lies on one
    diagonal, so the maximal runs are found once, in one pass over b; the longest match in
    a part of the two sequences is then the longest of those runs cut to that part, so each
    step of the search looks at a few runs, not at every word again.
    """
    # maximal diagonal runs of equal bigrams: (start in a, start in b, length)
    runs: list[list[int]] = []
    open_run: dict[int, list[int]] = {}  # diagonal (i - j) -> its latest run
    get, latest = a_at.get, open_run.get
    for j, bigram in enumerate(b2):
        found = get(bigram)
        if found is None:
            continue
        for i in found:
            run = latest(i - j)
            if run is not None and run[1] + run[2] == j:
                run[2] += 1
            else:
                run = open_run[i - j] = [i, j, 1]
                runs.append(run)
    if not runs:
        return []
    out: list[tuple[int, int, int]] = []
    # each part: word ranges and the runs (cut to it) that may reach into it; the first
    # part is the whole of both, where no run needs cutting
    parts: list[tuple[int, int, int, int, list[list[int]]]] = [(0, la, 0, lb, runs)]
    while parts:
        alo, ahi, blo, bhi, inside = parts.pop()
        best, best_i, best_j = 0, 0, 0
        for i, j, size in inside:
            if size > best or (size == best and (i < best_i or (i == best_i and j < best_j))):
                best, best_i, best_j = size, i, j
        size = best + 1  # words
        out.append((best_i, best_j, size))
        # bigram i is in a part when lo <= i <= hi - 2 (it also needs word i + 1)
        if alo + 1 < best_i and blo + 1 < best_j:
            left = _cut(inside, alo, best_i - 1, blo, best_j - 1)
            if left:
                parts.append((alo, best_i, blo, best_j, left))
        a_from, b_from = best_i + size, best_j + size
        if a_from + 1 < ahi and b_from + 1 < bhi:
            right = _cut(inside, a_from, ahi - 1, b_from, bhi - 1)
            if right:
                parts.append((a_from, ahi, b_from, bhi, right))
    out.sort()
    return out


def _cut(runs: list[list[int]], alo: int, a_end: int, blo: int, b_end: int) -> list[list[int]]:
    """The runs cut to bigrams alo <= i < a_end and blo <= j < b_end, where they reach."""
    out = []
    for i, j, n in runs:
        cut = alo - i
        if blo - j > cut:
            cut = blo - j
        if cut < 0:
            cut = 0
        if a_end - i < n:
            n = a_end - i
        if b_end - j < n:
            n = b_end - j
        if n > cut:
            out.append([i + cut, j + cut, n - cut])
    return out


def stretches(blocks: Iterable[tuple[int, int, int]]) -> list[tuple[int, int, int, int, int]]:
    """(a_start, a_end, b_start, b_end, matched words) of each near-verbatim shared stretch:
    blocks joined across gaps of up to MAX_GAP words, kept when long and close enough."""
    out: list[tuple[int, int, int, int, int]] = []
    current: list[int] | None = None  # a0, a1, b0, b1, matched
    for a, b, size in blocks:
        if (
            current is not None
            and 0 <= a - current[1] <= MAX_GAP
            and 0 <= b - current[3] <= MAX_GAP
        ):
            current[1], current[3] = a + size, b + size
            current[4] += size
            continue
        if current is not None:
            out.append((current[0], current[1], current[2], current[3], current[4]))
        current = [a, a + size, b, b + size, size]
    if current is not None:
        out.append((current[0], current[1], current[2], current[3], current[4]))
    return [
        s for s in out if s[4] >= MIN_WORDS and s[4] >= MIN_MATCH * max(s[1] - s[0], s[3] - s[2])
    ]


def aligned_stretches(
    a: Sequence[Hashable], b: Sequence[Hashable]
) -> list[tuple[int, int, int, int, int]]:
    """The shared stretches of two word sequences (see `stretches`).

    difflib's longest-block-first matching keeps a verbatim run whole where a
    longest-common-subsequence aligner scatters it over repeated small words ("al", "the").
    """
    codes: dict[Hashable, int] = {}
    ca = [codes.setdefault(w, len(codes)) for w in a]
    cb = [codes.setdefault(w, len(codes)) for w in b]
    blocks = matching_blocks(positions(word_bigrams(ca)), word_bigrams(cb), len(ca), len(cb))
    return stretches(blocks)


class _Tokens:
    """A paragraph ready to align: its word bigrams and where its words are."""

    __slots__ = ("bigrams", "bounds", "source", "start", "words")

    def __init__(self, source: int, start: int, parts: list[str], codes: list[int]) -> None:
        self.source = source
        self.start = start  # of the paragraph in its file
        self.words = len(codes)
        self.bigrams = array("q", word_bigrams(codes))  # a quarter of a list's memory
        # `parts` alternate text between words and words, so their running lengths are the
        # start and end of each word: word k spans bounds[2k]..bounds[2k + 1]
        self.bounds = array("q", accumulate(map(len, parts)))

    def offsets(self, first: int, last: int) -> tuple[int, int]:
        """File offsets of the start of word `first` and the end of word `last`."""
        return self.start + self.bounds[2 * first], self.start + self.bounds[2 * last + 1]


class Aligner:
    """Aligns candidate pairs of paragraphs, keeping the words of recent ones (pairs come
    sorted by their first paragraph, then the second)."""

    KEEP = 25_000  # paragraphs (about 2 KB each)
    VOCABULARY = 500_000  # words; past this the codes start again (with an empty cache)

    def __init__(self, fetch: Callable[[list[int]], Iterable[ParagraphText]]) -> None:
        self.fetch = fetch
        self.cache: OrderedDict[int, _Tokens] = OrderedDict()
        self.folded: dict[str, int] = {}  # folded word -> code
        self.raw: dict[str, int] = {}  # word as written -> code of its folded form

    def _code(self, word: str) -> int:
        folded = word.casefold().replace("’", "'")
        code = self.folded.get(folded)
        if code is None:
            code = self.folded[folded] = len(self.folded)
        self.raw[word] = code
        return code

    def _load(self, ids: Iterable[int]) -> None:
        wanted = set(ids)
        if len(self.raw) > self.VOCABULARY:
            self.folded.clear()
            self.raw.clear()
            self.cache.clear()
        missing = sorted(i for i in wanted if i not in self.cache)
        raw, code = self.raw, self._code
        for pid, source, start, text in self.fetch(missing) if missing else ():
            # the words `words_of` gives (folded the same way), and the text between them
            parts = _WORD_SPLIT.split(text)
            codes = list(map(raw.get, parts[1::2]))
            if None in codes:
                codes = [raw[w] if w in raw else code(w) for w in parts[1::2]]
            self.cache[pid] = _Tokens(source, start, parts, cast("list[int]", codes))
        excess = len(self.cache) - max(self.KEEP, len(wanted))
        for pid in list(self.cache)[:excess] if excess > 0 else ():
            if pid not in wanted:
                del self.cache[pid]

    def links(self, pairs: list[tuple[int, int]]) -> list[list[Link]]:
        """The aligned stretches of each pair (a, b), in file offsets."""
        self._load(p for pair in pairs for p in pair)
        out: list[list[Link]] = []
        index_of, index = -1, {}
        for a, b in pairs:
            found: list[Link] = []
            ta, tb = self.cache.get(a), self.cache.get(b)
            if ta is not None and tb is not None:
                if index_of != a:
                    index_of, index = a, positions(ta.bigrams)
                blocks = matching_blocks(index, tb.bigrams, ta.words, tb.words)
                for a0, a1, b0, b1, _ in stretches(blocks):
                    found.append(
                        (ta.source, *ta.offsets(a0, a1 - 1), tb.source, *tb.offsets(b0, b1 - 1))
                    )
            out.append(found)
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
