"""Best rapidfuzz partial ratio between a sentence and an event's phrases, above a cutoff.

The events stage needs a phrase score only where it can change an assignment, so it asks for
the best ratio at or above a cutoff; most pairs need a high one (a sentence whose only other
evidence is an actor needs 92). Below the cutoff the answer is "none", exactly as rapidfuzz's
own `score_cutoff` gives it; at or above it the ratio is the same number.

Before calling rapidfuzz, a pigeonhole test rules out most pairs. A partial ratio compares the
shorter string (length m) with windows of the longer one no longer than m, so a ratio of at
least c leaves at most k = 2m(1 - c/100) characters inserted or deleted; each touches at most
one of k + 2 disjoint pieces of the shorter string, so two pieces occur verbatim in the
longer. One Aho-Corasick automaton per cutoff band holds the pieces of every phrase, so a
sentence is scanned once per band whatever the size of the catalogue. (Counting a piece
found twice as two only lets more pairs through to rapidfuzz: the test stays sound.) Where
the sentence is the shorter string, its own pieces are looked for in the phrase instead.

A pair that passes meets a second test, sound at any cutoff (`may_reach_lcs`): the longest
common subsequence of the two whole strings bounds the ratio of every window, and costs a
fraction of a partial ratio. Answers are kept per sentence: `events` shares one
`SentencePhrases` among the copies of a sentence.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ahocorasick
from rapidfuzz import fuzz, utils
from rapidfuzz.distance.LCSseq import similarity as lcs_similarity

# Cutoff bands, highest first: a cutoff uses the pieces of the highest band at or below it
# (pieces for a lower cutoff allow more errors, so the test stays sound, only looser). Each
# sits just under a round ratio, as the cutoffs asked for do.
BANDS = (99.9, 95.9, 91.9, 87.9, 83.9, 79.9, 75.9)
SURVIVORS = 2  # pieces that must survive: k + 2 pieces, two found in the sentence
MIN_PIECE = 3  # shorter pieces occur in almost every sentence: the test would not prune
# A bound is only trusted this far below a cutoff: rapidfuzz's own float arithmetic may put
# a ratio a hair above the exact fraction.
_SLACK = 1e-6
_UNKNOWN = (-1.0, "")  # not yet asked for (a cached answer may be None)


@dataclass(frozen=True)
class Phrase:
    """One catalogue phrase: as written, as rapidfuzz's default processor leaves it, and its
    number in the index."""

    text: str
    processed: str
    number: int


def errors_allowed(m: int, cutoff: float) -> int:
    """Most characters inserted or deleted in a window for a partial ratio >= cutoff against
    a string of length m (rounded up, so the test errs on the side of scoring)."""
    return math.floor(2 * m * (1.0 - cutoff / 100.0) + 1e-6)


def pieces(needle: str, errors: int) -> tuple[str, ...] | None:
    """`errors + SURVIVORS` disjoint pieces covering `needle`, None if they would be too short."""
    count = errors + SURVIVORS
    m = len(needle)
    if m // count < MIN_PIECE:
        return None
    return tuple(needle[i * m // count : (i + 1) * m // count] for i in range(count))


def may_reach_lcs(phrase: str, sentence: str, cutoff: float) -> bool:
    """Whether the partial ratio of two strings may reach `cutoff`, by the longest common
    subsequence of the whole strings (a fraction of rapidfuzz's cost).

    A window w of the longer string has LCS(shorter, w) <= L, the LCS of the whole strings,
    and <= |w|, so its ratio 200 * LCS / (m + |w|) is at most 200 * L / (m + L), m being
    the length of the shorter string."""
    common = lcs_similarity(phrase, sentence)
    m = min(len(phrase), len(sentence))
    return 200.0 * common >= (cutoff - _SLACK) * (m + common)


class _Band:
    """The pieces of every phrase for one cutoff band, in one automaton. Sets of phrases are
    int bit masks (bit i: phrase number i): a sentence's scan ORs the masks of its hits."""

    def __init__(self, cutoff: float, phrases: Sequence[Phrase]) -> None:
        self.cutoff = cutoff
        self.automaton: Any = ahocorasick.Automaton()
        holders: dict[str, int] = {}
        untested = 0
        for phrase in phrases:
            found = pieces(phrase.processed, errors_allowed(len(phrase.processed), cutoff))
            if found is None:
                untested |= 1 << phrase.number
                continue
            for piece in found:
                holders[piece] = holders.get(piece, 0) | 1 << phrase.number
        for piece, mask in holders.items():
            self.automaton.add_word(piece, mask)
        self.empty = not holders
        if not self.empty:
            self.automaton.make_automaton()
        self.untested = untested

    def may_reach(self, sentence: str) -> int:
        """Mask of the phrases that may reach this band's cutoff in `sentence` (where the
        phrase is the shorter string)."""
        once = twice = 0
        if not self.empty:
            for _end, hit in self.automaton.iter(sentence):
                twice |= once & hit
                once |= hit
        return twice | self.untested


class PhraseIndex:
    """The phrases of a catalogue, per event, with the automata of the pigeonhole test."""

    def __init__(self, phrases_per_event: Sequence[Sequence[str]]) -> None:
        numbered: list[tuple[Phrase, ...]] = []
        count = 0
        for texts in phrases_per_event:
            row = []
            for text in texts:
                row.append(Phrase(text, utils.default_process(text), count))
                count += 1
            numbered.append(tuple(row))
        self.phrases = tuple(numbered)
        self.masks = tuple(sum(1 << p.number for p in row) for row in numbered)
        self.longest = tuple(max((len(p.processed) for p in row), default=0) for row in numbered)
        every = [p for row in numbered for p in row]
        self.bands = tuple(_Band(cutoff, every) for cutoff in BANDS)
        self._band_of: dict[float, int | None] = {}

    def band_for(self, cutoff: float) -> int | None:
        """Position in `bands` of the band a cutoff uses, None below the lowest."""
        try:
            return self._band_of[cutoff]
        except KeyError:
            found = next((i for i, b in enumerate(self.bands) if b.cutoff <= cutoff), None)
            self._band_of[cutoff] = found  # a few distinct cutoffs recur: remember them
            return found


class SentencePhrases:
    """Phrase scores for one processed sentence; scans it at most once per band."""

    def __init__(self, index: PhraseIndex, sentence: str) -> None:
        self.index = index
        self.sentence = sentence
        self._masks: list[int | None] = [None] * len(index.bands)
        self._pieces: dict[float, tuple[str, ...] | None] = {}
        self._best: dict[tuple[int, float, float], tuple[float, str] | None] = {}

    def _may_reach(self, cutoff: float) -> int | None:
        """Mask of the phrases that may reach `cutoff` where shorter than the sentence
        (None: no test at this cutoff)."""
        band = self.index.band_for(cutoff)
        if band is None:
            return None
        mask = self._masks[band]
        if mask is None:
            mask = self._masks[band] = self.index.bands[band].may_reach(self.sentence)
        return mask

    def _may_reach_in(self, phrase: str, cutoff: float) -> bool:
        """Whether the sentence, where it is the shorter string, may reach `cutoff` against
        `phrase`: the same pigeonhole test with the roles swapped (pieces of the sentence
        looked for in the phrase, which is short: a plain substring test)."""
        try:
            found = self._pieces[cutoff]
        except KeyError:
            found = self._pieces[cutoff] = pieces(
                self.sentence, errors_allowed(len(self.sentence), cutoff)
            )
        if found is None:
            return True
        hits = 0
        for piece in found:
            if piece in phrase:
                hits += 1
                if hits == SURVIVORS:
                    return True
        return False

    def best(self, event: int, cutoff: float, floor: float) -> tuple[float, str] | None:
        """The first of `event`'s phrases with the highest partial ratio, if that ratio is
        above `floor` and at least `cutoff` (>= floor); otherwise None."""
        key = (event, cutoff, floor)
        found = self._best.get(key, _UNKNOWN)
        if found is _UNKNOWN:
            found = self._best[key] = self._best_of(event, cutoff, floor)
        return found

    def _best_of(self, event: int, cutoff: float, floor: float) -> tuple[float, str] | None:
        index = self.index
        sentence = self.sentence
        n = len(sentence)
        may_reach = self._may_reach(cutoff) if cutoff > floor else None
        if (
            may_reach is not None
            and index.longest[event] < n
            and not may_reach & index.masks[event]
        ):
            return None  # the common case: no phrase of the event can reach the cutoff
        best, best_text = 0.0, ""
        for phrase in index.phrases[event]:
            # The automaton holds pieces of the phrase, so it answers where the phrase is the
            # shorter string; where the sentence is, its own pieces are looked for.
            at_least = cutoff if cutoff > best else best
            m = len(phrase.processed)
            if m < n:
                if may_reach is not None and not may_reach >> phrase.number & 1:
                    continue
            elif m > n and at_least > floor and not self._may_reach_in(phrase.processed, at_least):
                continue
            if not may_reach_lcs(phrase.processed, sentence, at_least):
                continue
            ratio = fuzz.partial_ratio(phrase.processed, sentence, score_cutoff=at_least)
            if ratio > best:
                best, best_text = ratio, phrase.text
                if best > floor:  # later phrases must beat it: a stricter test
                    may_reach = self._may_reach(best)
        return (best, best_text) if best > floor else None
