"""Sentence voice: the outlet's own words, a passage it quotes, or a speaker's words.

A sentence mostly inside quotation marks is `speech`; one mostly inside a pasted passage is
`quoted`; everything else is `own`. The cited outlet is the quote's or the passage's, and the
confidence falls as the sentence mixes voices.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from iraqtui.models import Document, Quote, Sentence, SentenceVoice

# ASCII characters that are not letters or digits (`str.isalnum`), and any non-ASCII one.
_ASCII_NOT_ALNUM = bytes(b for b in range(128) if not chr(b).isalnum())
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _alnum_count(text: str) -> int:
    """How many characters of `text` are letters or digits (`str.isalnum`): the ASCII ones
    counted in C, the few others one by one."""
    ascii_only = text.encode("ascii", "ignore")
    count = len(ascii_only.translate(None, _ASCII_NOT_ALNUM))
    if len(ascii_only) != len(text):
        count += sum(1 for ch in _NON_ASCII.findall(text) if ch.isalnum())
    return count


def _covered(doc: Document, sentence: Sentence, spans: list[tuple[int, int]]) -> float:
    """Share of the sentence's letters and digits that lie inside the spans."""
    if not spans:
        return 0.0
    total = _alnum_count(doc.text[sentence.start : sentence.end])
    if not total:
        return 0.0
    inside = 0
    cursor = sentence.start
    for lo, hi in sorted(spans):
        lo, hi = max(lo, cursor), min(hi, sentence.end)
        if hi > lo:
            inside += _alnum_count(doc.text[lo:hi])
            cursor = hi
    return inside / total


def _best(sentence: Sentence, quotes: list[Quote]) -> Quote | None:
    """The quote overlapping the sentence most."""
    best, most = None, 0
    for q in quotes:
        overlap = min(q.end, sentence.end) - max(q.start, sentence.start)
        if overlap > most:
            best, most = q, overlap
    return best


def _framed(doc: Document, sentence: Sentence, quotes: list[Quote]) -> bool:
    """The sentence opens or closes with the quotation: the rest is its attribution
    ("“We were abandoned,” a soldier said." / "A resident tells the BBC, “…”")."""
    for q in quotes:
        head = doc.text[sentence.start : q.start]
        tail = doc.text[q.end : sentence.end]
        if not any(ch.isalnum() for ch in head) or not any(ch.isalnum() for ch in tail):
            return True
    return False


def assign_voices(doc: Document, quotes: list[Quote]) -> list[SentenceVoice]:
    """One voice per sentence, in sentence order."""
    speech = sorted((q for q in quotes if q.kind == "speech"), key=lambda q: q.start)
    passages = sorted((q for q in quotes if q.kind == "passage"), key=lambda q: q.start)
    speech_starts = [q.start for q in speech]
    passage_starts = [q.start for q in passages]
    out: list[SentenceVoice] = []
    for s in doc.sentences:
        if s.boilerplate:
            out.append(SentenceVoice(s.seq, "own", None, 0.5, "boilerplate"))
            continue
        # of the quotes starting before the sentence ends (a prefix), those ending after it starts
        near_speech = [q for q in speech[: bisect_left(speech_starts, s.end)] if q.end > s.start]
        near_passages = [
            q for q in passages[: bisect_left(passage_starts, s.end)] if q.end > s.start
        ]
        in_speech = _covered(doc, s, [(q.start, q.end) for q in near_speech])
        in_passage = _covered(doc, s, [(q.start, q.end) for q in near_passages])
        if in_speech >= 0.5 or (in_speech >= 0.3 and _framed(doc, s, near_speech)):
            quote = _best(s, near_speech)
            assert quote is not None
            outlet = quote.cited_outlet
            if outlet is None and near_passages:
                outlet = near_passages[0].cited_outlet
            confidence = round(min(0.95, 0.5 + 0.45 * in_speech), 3)
            out.append(SentenceVoice(s.seq, "speech", outlet, confidence, "quotation-marks"))
        elif in_passage >= 0.5:
            passage = _best(s, near_passages)
            assert passage is not None
            confidence = round(passage.confidence * (0.6 + 0.4 * in_passage), 3)
            out.append(
                SentenceVoice(s.seq, "quoted", passage.cited_outlet, confidence, passage.method)
            )
        else:
            mixed = max(in_speech, in_passage)
            confidence = round(0.85 - 0.6 * mixed, 3)
            method = "no-quotation" if mixed == 0 else "mostly-unquoted"
            out.append(SentenceVoice(s.seq, "own", None, confidence, method))
    return out
