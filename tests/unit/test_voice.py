"""Sentence voice on text the classifier was not written against."""

from __future__ import annotations

from iraqtui.ingest.gazetteer import EMPTY_GAZETTEER
from iraqtui.ingest.quotes import extract_quotes
from iraqtui.ingest.voice import assign_voices
from tests.unit.test_quotes_extraction import doc_of

TEXT = (
    "Per Reuters, things look grim:\n\n"
    "Government troops retreated from the airport on Friday, officials said. The "
    "interior ministry did not respond to questions.\n\n"
    "I can't say I'm surprised. “We were abandoned,” a soldier told the BBC. That says it all."
)


def voices() -> list[tuple[str, str, str | None, float]]:
    doc = doc_of(TEXT)
    found = assign_voices(doc, extract_quotes(doc, [], EMPTY_GAZETTEER))
    by_seq = {s.seq: s for s in doc.sentences}
    return [
        (
            TEXT[by_seq[v.sentence_seq].start : by_seq[v.sentence_seq].end],
            v.voice,
            v.cited_outlet,
            v.confidence,
        )
        for v in found
    ]


def test_three_voices_with_cited_outlets() -> None:
    got = {text.split()[0]: (voice, outlet) for text, voice, outlet, _ in voices()}
    assert got["Per"] == ("own", None)
    assert got["Government"] == ("quoted", "Reuters")
    assert got["The"] == ("quoted", "Reuters")
    assert got["I"] == ("own", None)
    assert got["“We"] == ("speech", "BBC")
    assert got["That"] == ("own", None)


def test_every_sentence_gets_one_voice_with_a_confidence() -> None:
    found = voices()
    assert len(found) == len(doc_of(TEXT).sentences)
    assert all(0.0 < c <= 1.0 for *_, c in found)
