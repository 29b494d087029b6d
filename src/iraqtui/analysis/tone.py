"""Tone from a maintained valence lexicon: VADER (Hutto & Gilbert 2014), as shipped in the
vaderSentiment package; offline, no network.

A sentence's tone is VADER's compound score (-1 to 1, its rules for negation, boosters and
contrast included); an outlet's tone is the mean over the sentences it is computed on, which
`compare` takes to be the outlet's own-voice sentences only, with actor names and the words
they quote (quoted speech, scare quotes) blanked, so pasted material and someone else's "a
mistake" do not count as the outlet's own framing. Evaluative words are the words of a
sentence found in the VADER lexicon with a valence of at least EVALUATIVE_MIN in absolute
value (function words such as "no", "like" and "please" excluded).
"""

from __future__ import annotations

import string
import threading
from dataclasses import dataclass
from functools import lru_cache
from statistics import fmean
from typing import Any

from iraqtui.ingest.catalogue import STOPWORDS, word_spans

LEXICON = "VADER lexicon (vaderSentiment 3.3, Hutto & Gilbert 2014): compound score per sentence"
EVALUATIVE_MIN = 1.0


@dataclass(frozen=True)
class Evaluative:
    """An evaluative word: offsets into the sentence's text and its lexicon valence."""

    start: int
    end: int
    word: str
    valence: float


@dataclass(frozen=True)
class Tone:
    """Mean compound score over `sentences` sentences (None when there are none)."""

    score: float | None
    sentences: int
    positive: int  # sentences with compound >= 0.05 (VADER's own cut-offs)
    negative: int  # sentences with compound <= -0.05


_LOAD = threading.Lock()  # one load even when warm_up and a comparison race


@lru_cache(maxsize=1)
def _analyzer() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def warm_up() -> None:
    """Load the lexicon now (import and parse, 10-40 ms) rather than on the first tone or
    evaluative word: the app calls this from a background worker after its first paint, so
    the first comparison does not pay for it. Safe to call more than once, from any thread."""
    with _LOAD:
        _analyzer()


def lexicon() -> dict[str, float]:
    with _LOAD:
        table: dict[str, float] = _analyzer().lexicon
    return table


def evaluative_words(text: str) -> list[Evaluative]:
    """Words of `text` that carry valence in the lexicon."""
    table = lexicon()
    out: list[Evaluative] = []
    for word, start, end in word_spans(text):
        if word in STOPWORDS:
            continue
        valence = table.get(word)
        if valence is not None and abs(valence) >= EVALUATIVE_MIN:
            out.append(Evaluative(start, end, text[start:end], float(valence)))
    return out


@lru_cache(maxsize=65536)
def sentence_tone(text: str) -> float:
    """VADER's compound score for one sentence."""
    with _LOAD:
        analyzer = _analyzer()
    # VADER scores only words of its lexicon (and emoji, which it spells out first); with
    # neither, every valence is 0 and so is the compound: skip its slow rule passes.
    table = analyzer.lexicon
    if not any(_vader_token(t) in table for t in text.split()) and not any(
        c in analyzer.emojis for c in text if ord(c) > 0x2000
    ):
        return 0.0
    scores: dict[str, float] = analyzer.polarity_scores(text)
    return float(scores["compound"])


def _vader_token(token: str) -> str:
    """A whitespace token as VADER looks it up (its `_strip_punc_if_word`, lowercased)."""
    stripped = token.strip(string.punctuation)
    return (token if len(stripped) <= 2 else stripped).lower()


def tone_of(texts: list[str]) -> Tone:
    """Mean compound over the sentences given."""
    if not texts:
        return Tone(None, 0, 0, 0)
    scores = [sentence_tone(t) for t in texts]
    return Tone(
        score=round(fmean(scores), 3),
        sentences=len(scores),
        positive=sum(1 for s in scores if s >= 0.05),
        negative=sum(1 for s in scores if s <= -0.05),
    )
