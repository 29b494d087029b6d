"""Alignment of candidate pairs of paragraphs (the corpus-level reuse stage, `reuse.py`):
the near-verbatim stretches two paragraphs share, found as difflib's matching blocks would
find them (longest first) over word bigrams, then joined across small gaps."""

from __future__ import annotations

import re
from array import array
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from itertools import accumulate, pairwise
from typing import cast

MIN_WORDS = 10  # shortest passage worth reporting
MAX_GAP = 3  # dropped, added or changed words bridged inside one passage
MIN_MATCH = 0.8  # matched words / words in the longer side of the aligned stretch

WORD = re.compile(r"\w+(?:['’]\w+)*")
_WORD_SPLIT = re.compile(f"({WORD.pattern})")  # text between words, word, ...

# (a_source, a_start, a_end, b_source, b_start, b_end): one aligned stretch, file offsets
Link = tuple[int, int, int, int, int, int]
# (paragraph id, source id, start of the paragraph in its file, text)
ParagraphText = tuple[int, int, int, str]


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
