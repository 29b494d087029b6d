"""Sentence voice. PLACEHOLDER: helper for issue 4 replaces this body."""

from __future__ import annotations

from iraqtui.models import Document, Quote, SentenceVoice


def assign_voices(doc: Document, quotes: list[Quote]) -> list[SentenceVoice]:
    return [SentenceVoice(s.seq, "own", None, 0.5, "default") for s in doc.sentences]
