"""Apply a sidecar's `quoted` entries: where a pasted passage comes from when the text lost it.

Scraped posts often lose the link that named the outlet a block of text was pasted from. A
corpus folder can state it in sources.toml; the entry wins over the machine's guess, and the
passage's sentences become quoted material from that outlet.
"""

from __future__ import annotations

from dataclasses import replace

from iraqtui.models import Document, Quote, QuotedRule, SentenceVoice

# One-for-one folding, so an entry typed with straight quotes finds curly ones.
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " ", "–": "-", "—": "-"})


def apply_quoted_rules(
    doc: Document,
    quotes: list[Quote],
    voices: list[SentenceVoice],
    rules: tuple[QuotedRule, ...],
) -> tuple[list[Quote], list[SentenceVoice], list[str]]:
    """Quotes and voices with each rule applied, and a warning for each rule that found nothing."""
    if not rules:
        return quotes, voices, []
    folded = doc.text.translate(_FOLD)
    quotes = list(quotes)
    by_seq = {v.sentence_seq: v for v in voices}
    warnings: list[str] = []
    for rule in rules:
        at = folded.find(rule.text.translate(_FOLD))
        if at < 0:
            warnings.append(f"quoted entry matched nothing: {rule.text!r}")
            continue
        index = next(
            (i for i, q in enumerate(quotes) if q.kind == "passage" and q.start <= at < q.end),
            None,
        )
        if index is None:
            quotes.append(_new_passage(doc, at, rule))
            index = len(quotes) - 1
        else:
            quotes[index] = replace(
                quotes[index],
                cited_outlet=rule.outlet,
                speaker=rule.speaker or quotes[index].speaker,
                confidence=1.0,
                method="sidecar",
            )
        passage = quotes[index]
        for sentence in doc.sentences:
            if sentence.start >= passage.start and sentence.end <= passage.end:
                by_seq[sentence.seq] = SentenceVoice(
                    sentence.seq, "quoted", rule.outlet, 1.0, "sidecar"
                )
    quotes.sort(key=lambda q: (q.start, q.end))
    return quotes, [by_seq[k] for k in sorted(by_seq)], warnings


def _new_passage(doc: Document, at: int, rule: QuotedRule) -> Quote:
    """A passage over the paragraph that holds the entry's text."""
    paragraph = next(p for p in doc.paragraphs if p.start <= at < p.end or p.start > at)
    first = next((s.seq for s in doc.sentences if s.start >= paragraph.start), None)
    return Quote(
        start=paragraph.start,
        end=paragraph.end,
        text=doc.text[paragraph.start : paragraph.end],
        kind="passage",
        speaker=rule.speaker,
        cited_outlet=rule.outlet,
        confidence=1.0,
        method="sidecar",
        sentence_seq=first,
    )
