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
found twice as two only lets more pairs through to rapidfuzz: the test stays sound.)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ahocorasick
from rapidfuzz import fuzz, utils

# Cutoff bands, highest first: a cutoff uses the pieces of the highest band at or below it
# (pieces for a lower cutoff allow more errors, so the test stays sound, only looser). Each
# sits just under a round ratio, as the cutoffs asked for do.
BANDS = (99.9, 95.9, 91.9, 87.9, 83.9, 79.9, 75.9)
SURVIVORS = 2  # pieces that must survive: k + 2 pieces, two found in the sentence
MIN_PIECE = 3  # shorter pieces occur in almost every sentence: the test would not prune


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

    def best(self, event: int, cutoff: float, floor: float) -> tuple[float, str] | None:
        """The first of `event`'s phrases with the highest partial ratio, if that ratio is
        above `floor` and at least `cutoff` (>= floor); otherwise None."""
        sentence = self.sentence
        n = len(sentence)
        may_reach = self._may_reach(cutoff) if cutoff > floor else None
        if (
            may_reach is not None
            and self.index.longest[event] < n
            and not may_reach & self.index.masks[event]
        ):
            return None  # the common case: no phrase of the event can reach the cutoff
        best, best_text = 0.0, ""
        for phrase in self.index.phrases[event]:
            # The automaton holds pieces of the phrase, so it answers only where the phrase
            # is the shorter string; otherwise rapidfuzz decides.
            if (
                may_reach is not None
                and not may_reach >> phrase.number & 1
                and len(phrase.processed) < n
            ):
                continue
            at_least = cutoff if cutoff > best else best
            ratio = fuzz.partial_ratio(phrase.processed, sentence, score_cutoff=at_least)
            if ratio > best:
                best, best_text = ratio, phrase.text
                if best > floor:  # later phrases must beat it: a stricter test
                    may_reach = self._may_reach(best)
        return (best, best_text) if best > floor else None
