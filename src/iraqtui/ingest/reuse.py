"""Passages shared by two or more sources, found by winnowed word shingles then aligned.

Candidates come from fingerprints (the smallest hash in each window of word 6-grams, as in
MOSS), so only paragraphs that share a fingerprint are ever compared, never all pairs. Memory
grows with the corpus text (kept to align candidate pairs) and with the fingerprints (about a
quarter of its words). Words
are folded (case, curly vs straight apostrophes, punctuation and ellipses dropped), and the
alignment bridges a few dropped or changed words, so re-punctuated or trimmed copies still
match. Spans in one source that overlap join one cluster; separate passages stay apart.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from zlib import crc32

from iraqtui.models import ReuseInput, ReuseSpan

SHINGLE = 6  # words per shingle
WINDOW = 8  # winnowing window: any shared run of SHINGLE + WINDOW - 1 words is found
MIN_WORDS = 10  # shortest passage worth reporting
MAX_GAP = 3  # dropped, added or changed words bridged inside one passage
MIN_MATCH = 0.8  # matched words / words in the longer side of the aligned stretch
STOCK_PHRASE = 40  # a fingerprint in more sources than this is a stock phrase, not reuse

_WORD = re.compile(r"\w+(?:['’]\w+)*")


@dataclass(frozen=True)
class _Para:
    source_id: int
    start: int
    text: str  # kept as text: words and offsets are rebuilt only for candidate pairs


_MOD = (1 << 61) - 1  # Mersenne prime for the rolling shingle hash
_BASE = 1_000_003
_BASE_POW = pow(_BASE, SHINGLE, _MOD)


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


def _word_code(word: str, codes: dict[str, int]) -> int:
    code = codes.get(word)
    if code is None:
        # crc32, not hash(): Python's string hash changes per process, and the same corpus
        # must give the same clusters on every ingest.
        code = crc32(word.encode("utf-8")) + 1
        if len(codes) < 2_000_000:
            codes[word] = code
    return code


def fingerprints(words: list[str], codes: dict[str, int] | None = None) -> set[int]:
    """Winnowed shingle hashes: the minimum of every window of WINDOW consecutive shingles
    (rolling hash over word codes; window minima from block prefix and suffix minima)."""
    codes = {} if codes is None else codes
    values = [_word_code(w, codes) for w in words]
    if len(values) < SHINGLE:
        return set()
    h = 0
    for v in values[:SHINGLE]:
        h = (h * _BASE + v) % _MOD
    hashes = [h]
    for i in range(SHINGLE, len(values)):
        h = (h * _BASE + values[i] - values[i - SHINGLE] * _BASE_POW) % _MOD
        hashes.append(h)
    n = len(hashes)
    if n <= WINDOW:
        return {min(hashes)}
    prefix = list(hashes)
    suffix = list(hashes)
    for i in range(1, n):
        if i % WINDOW and prefix[i - 1] < prefix[i]:
            prefix[i] = prefix[i - 1]
    for i in range(n - 2, -1, -1):
        if (i + 1) % WINDOW and suffix[i + 1] < suffix[i]:
            suffix[i] = suffix[i + 1]
    return {min(suffix[i], prefix[i + WINDOW - 1]) for i in range(n - WINDOW + 1)}


def aligned_stretches(
    a: tuple[str, ...], b: tuple[str, ...]
) -> list[tuple[int, int, int, int, int]]:
    """(a_start, a_end, b_start, b_end, matched words) of each near-verbatim shared stretch."""
    # Single words matching across a gap are chance ("the"), not part of the passage.
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    blocks = [m for m in matcher.get_matching_blocks() if m.size >= 2]
    out: list[tuple[int, int, int, int, int]] = []
    current: list[int] | None = None  # a0, a1, b0, b1, matched
    for m in blocks:
        if (
            current is not None
            and 0 <= m.a - current[1] <= MAX_GAP
            and 0 <= m.b - current[3] <= MAX_GAP
        ):
            current[1], current[3] = m.a + m.size, m.b + m.size
            current[4] += m.size
            continue
        if current is not None:
            out.append((current[0], current[1], current[2], current[3], current[4]))
        current = [m.a, m.a + m.size, m.b, m.b + m.size, m.size]
    if current is not None:
        out.append((current[0], current[1], current[2], current[3], current[4]))
    return [
        s for s in out if s[4] >= MIN_WORDS and s[4] >= MIN_MATCH * max(s[1] - s[0], s[3] - s[2])
    ]


class _Clusters:
    """Union-find over spans; spans of one source that overlap are the same passage."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}
        self.spans: list[tuple[int, int, int]] = []  # source, start, end

    def add(self, source_id: int, start: int, end: int) -> int:
        self.spans.append((source_id, start, end))
        node = len(self.spans) - 1
        self.parent[node] = node
        return node

    def find(self, node: int) -> int:
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def join_overlaps(self) -> None:
        by_source: dict[int, list[int]] = defaultdict(list)
        for node, (source_id, _, _) in enumerate(self.spans):
            by_source[source_id].append(node)
        for nodes in by_source.values():
            nodes.sort(key=lambda n: self.spans[n][1])
            for i, a in enumerate(nodes):
                _, a_start, a_end = self.spans[a]
                for b in nodes[i + 1 :]:
                    _, b_start, b_end = self.spans[b]
                    if b_start >= a_end:
                        break
                    overlap = min(a_end, b_end) - b_start
                    if overlap >= 0.5 * min(a_end - a_start, b_end - b_start):
                        self.union(a, b)


def find_reuse(inputs: Iterable[ReuseInput]) -> list[ReuseSpan]:
    """Clusters of near-verbatim passages carried by two or more sources."""
    paras: list[_Para] = []
    # fingerprint -> paragraph number, or a list of them once a second one shares it
    index: dict[int, int | list[int]] = {}
    codes: dict[str, int] = {}
    for item in inputs:
        words = fold_words(item.text)
        if len(words) < MIN_WORDS:
            continue
        number = len(paras)
        paras.append(_Para(item.source_id, item.start, item.text))
        for fp in fingerprints(words, codes):
            seen = index.get(fp)
            if seen is None:
                index[fp] = number
            elif isinstance(seen, int):
                index[fp] = [seen, number]
            else:
                seen.append(number)
    pairs: set[tuple[int, int]] = set()
    for postings in index.values():
        if isinstance(postings, int) or len(postings) > 4 * STOCK_PHRASE:
            continue
        sources = {paras[p].source_id for p in postings}
        if len(sources) < 2 or len(sources) > STOCK_PHRASE:
            continue
        for i, a in enumerate(postings):
            for b in postings[i + 1 :]:
                if paras[a].source_id != paras[b].source_id:
                    pairs.add((a, b))
    del index
    clusters = _Clusters()
    tokens: dict[int, tuple[tuple[str, ...], tuple[tuple[int, int], ...]]] = {}
    for a, b in sorted(pairs):
        pa, pb = paras[a], paras[b]
        wa = tokens.get(a) or tokens.setdefault(a, words_of(pa.text))
        wb = tokens.get(b) or tokens.setdefault(b, words_of(pb.text))
        for a0, a1, b0, b1, _ in aligned_stretches(wa[0], wb[0]):
            na = clusters.add(pa.source_id, pa.start + wa[1][a0][0], pa.start + wa[1][a1 - 1][1])
            nb = clusters.add(pb.source_id, pb.start + wb[1][b0][0], pb.start + wb[1][b1 - 1][1])
            clusters.union(na, nb)
        if len(tokens) > 10_000:
            tokens.clear()
    clusters.join_overlaps()
    return _spans(clusters)


def _spans(clusters: _Clusters) -> list[ReuseSpan]:
    """One span per source and passage, clusters numbered in order of first appearance."""
    groups: dict[int, dict[int, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for node, (source_id, start, end) in enumerate(clusters.spans):
        groups[clusters.find(node)][source_id].append((start, end))
    ordered = sorted(groups.values(), key=lambda g: min((s, min(v)) for s, v in g.items()))
    out: list[ReuseSpan] = []
    number = 0
    for group in ordered:
        if len(group) < 2:
            continue
        number += 1
        for source_id in sorted(group):
            merged: list[list[int]] = []
            for start, end in sorted(group[source_id]):
                if merged and start <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], end)
                else:
                    merged.append([start, end])
            out.extend(ReuseSpan(number, source_id, s, e) for s, e in merged)
    return out
