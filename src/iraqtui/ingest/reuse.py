"""Passages shared by two or more sources, found by winnowed word shingles then aligned.

Candidates come from fingerprints (the smallest hash in each window of word 6-grams, as in
MOSS), so only paragraphs that share a fingerprint are ever compared, never all pairs. Words
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
    words: tuple[str, ...]
    offsets: tuple[tuple[int, int], ...]


def words_of(text: str) -> tuple[tuple[str, ...], tuple[tuple[int, int], ...]]:
    """Folded words and their character spans."""
    words: list[str] = []
    offsets: list[tuple[int, int]] = []
    for m in _WORD.finditer(text):
        words.append(m.group(0).casefold().replace("’", "'"))
        offsets.append((m.start(), m.end()))
    return tuple(words), tuple(offsets)


def fingerprints(words: tuple[str, ...]) -> set[int]:
    """Winnowed shingle hashes: the minimum of every window of WINDOW shingles."""
    # crc32, not hash(): Python's string hash changes per process, and the same corpus must
    # give the same clusters on every ingest.
    encoded = [w.encode("utf-8") for w in words]
    hashes = [crc32(b" ".join(encoded[i : i + SHINGLE])) for i in range(len(words) - SHINGLE + 1)]
    if len(hashes) <= WINDOW:
        return {min(hashes)} if hashes else set()
    return {min(hashes[i : i + WINDOW]) for i in range(len(hashes) - WINDOW + 1)}


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
    index: dict[int, list[int]] = defaultdict(list)
    for item in inputs:
        words, offsets = words_of(item.text)
        if len(words) < MIN_WORDS:
            continue
        number = len(paras)
        paras.append(_Para(item.source_id, item.start, words, offsets))
        for fp in fingerprints(words):
            index[fp].append(number)
    pairs: set[tuple[int, int]] = set()
    for postings in index.values():
        if len(postings) < 2 or len(postings) > 4 * STOCK_PHRASE:
            continue
        sources = {paras[p].source_id for p in postings}
        if len(sources) < 2 or len(sources) > STOCK_PHRASE:
            continue
        for i, a in enumerate(postings):
            for b in postings[i + 1 :]:
                if paras[a].source_id != paras[b].source_id:
                    pairs.add((a, b))
    clusters = _Clusters()
    for a, b in sorted(pairs):
        pa, pb = paras[a], paras[b]
        for a0, a1, b0, b1, _ in aligned_stretches(pa.words, pb.words):
            na = clusters.add(
                pa.source_id, pa.start + pa.offsets[a0][0], pa.start + pa.offsets[a1 - 1][1]
            )
            nb = clusters.add(
                pb.source_id, pb.start + pb.offsets[b0][0], pb.start + pb.offsets[b1 - 1][1]
            )
            clusters.union(na, nb)
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
