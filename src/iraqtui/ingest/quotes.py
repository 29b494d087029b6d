"""Quotes and attribution: speech, scare-quoted terms and pasted passages, each with its
speaker, reporting outlet and a confidence; character spans index the decoded text."""

from __future__ import annotations

import bisect
import re

from iraqtui.ingest.attribution import (
    LABEL_VERBS,
    SPEECH_VERBS,
    Attribution,
    Ref,
    classify,
    np_after,
    np_before,
    outlet_near,
    sentence_tag,
    tag_after,
    tag_before,
)
from iraqtui.ingest.gazetteer import Gazetteer
from iraqtui.ingest.passages import PassageRun, find_passages
from iraqtui.ingest.quote_marks import MarkedSpan, find_marked
from iraqtui.ingest.speaker_context import Context
from iraqtui.ingest.speakers import person_positions, resolver_for
from iraqtui.models import Document, Mention, Paragraph, Quote

_SPEECH_NEAR = re.compile(
    r"\b(?:said|says|say|declare[sd]?|announce[sd]?|warn(?:ed|s)?|vow(?:ed|s)?|threaten(?:ed|s)?|"
    r"told|tells|call(?:ed|s)? for|demand(?:ed|s)?|insist(?:ed|s)?|added|wrote|writes)\b"
)
# How many characters before an opening mark a reporting verb may sit and still govern it.
_VERB_REACH = 90


class _Doc:
    """Sentence and paragraph lookups by character position."""

    def __init__(self, doc: Document, body: list[Paragraph]) -> None:
        self.doc = doc
        self.body = body
        self.sentences = [s for s in doc.sentences if not s.boilerplate]
        self.starts = [s.start for s in self.sentences]
        self.p_starts = [p.start for p in body]

    def sentence_at(self, pos: int) -> tuple[int, int, int | None]:
        """(start, end, seq) of the sentence holding `pos`; the paragraph if none does."""
        i = bisect.bisect_right(self.starts, pos) - 1
        if i >= 0 and self.sentences[i].start <= pos <= self.sentences[i].end:
            s = self.sentences[i]
            return s.start, s.end, s.seq
        p = self.paragraph_at(pos)
        return (p.start, p.end, None) if p else (pos, pos, None)

    def previous_sentence(self, pos: int) -> tuple[int, int] | None:
        i = bisect.bisect_right(self.starts, pos) - 1
        if i >= 1:
            s = self.sentences[i - 1]
            here = self.paragraph_at(pos)
            if here is not None and s.paragraph_seq == here.seq:
                return s.start, s.end
        return None

    def paragraph_index(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.p_starts, pos) - 1)

    def paragraph_at(self, pos: int) -> Paragraph | None:
        if not self.body:
            return None
        return self.body[self.paragraph_index(pos)]


def extract_quotes(doc: Document, mentions: list[Mention], gazetteer: Gazetteer) -> list[Quote]:
    """Every quotation in a document with its attribution, in text order."""
    text = doc.text
    resolver = resolver_for(gazetteer)
    body = [p for p in doc.paragraphs if not p.boilerplate]
    if not body:
        return []
    where = _Doc(doc, body)
    marked = [
        q
        for q in find_marked(text, [(p.start, p.end) for p in body])
        if not _in_boilerplate(doc, q.start, q.end)
    ]
    runs = find_passages(text, body, marked)
    quote_spans = [(q.open_at, (q.close_at or q.end) + 1) for q in marked]
    sentences = [(s.start, s.end) for s in where.sentences]
    ctx = Context(text, resolver, list(mentions), 0, quote_spans, sentences)
    out: list[Quote] = []
    passage_of: list[tuple[int, int, Quote]] = []
    for run in runs:
        quote = _passage_quote(text, run, where, ctx)
        out.append(quote)
        passage_of.append((run.start, run.end, quote))
    previous: tuple[int, Attribution] | None = None
    for q in marked:
        p_index = where.paragraph_index(q.open_at)
        ctx.window_start = body[max(0, p_index - 2)].start
        ctx.paragraph_start = body[p_index].start
        if previous is not None and where.paragraph_index(previous[0]) not in (
            p_index,
            p_index - 1,
        ):
            previous = None
        kind, attribution = _attribute(text, q, where, ctx, quote_spans, previous)
        enclosing = next((p for lo, hi, p in passage_of if lo <= q.start and q.end <= hi), None)
        outlet = attribution.outlet
        if outlet is None and enclosing is not None:
            outlet = enclosing.cited_outlet
        balanced = 1.0 if q.balanced else 0.6
        _, _, seq = where.sentence_at(q.start)
        out.append(
            Quote(
                start=q.start,
                end=q.end,
                text=text[q.start : q.end],
                kind=kind,
                speaker=attribution.speaker,
                speaker_actor=attribution.speaker_actor,
                cited_outlet=outlet,
                confidence=round(attribution.confidence * balanced, 3),
                method=_method(q, attribution),
                sentence_seq=seq,
            )
        )
        if kind == "speech" and not q.nested and attribution.speaker:
            previous = (q.open_at, attribution)
    return sorted(out, key=lambda x: (x.start, -x.end))


def _method(q: MarkedSpan, attribution: Attribution) -> str:
    marks = "nested-marks" if q.nested else "marks" if q.balanced else "unclosed-mark"
    if q.paragraphs > 1:
        marks += f"+{q.paragraphs}-paragraphs"
    return f"{marks}:{attribution.method}"


def _in_boilerplate(doc: Document, start: int, end: int) -> bool:
    return any(b.start <= start and end <= b.end for b in doc.boilerplate)


def _attribute(
    text: str,
    q: MarkedSpan,
    where: _Doc,
    ctx: Context,
    quote_spans: list[tuple[int, int]],
    previous: tuple[int, Attribution] | None,
) -> tuple[str, Attribution]:
    s_lo, _, _ = where.sentence_at(q.open_at)
    close = q.close_at if q.close_at is not None else q.end
    _, e_hi, _ = where.sentence_at(close)
    after = tag_after(text, close, e_hi) if q.close_at is not None and not q.nested else None
    kind = _kind(text, q, after is not None, s_lo)
    if kind == "term" and _continues(text, q, where, s_lo, previous):
        kind = "speech"
    attribution = Attribution(confidence=0.3, method="none")
    if q.nested:
        return kind, Attribution(confidence=0.5, method="nested")
    if after is not None:
        ref = classify(text, after[0], after[1], ctx.resolver)
        if ref is not None:
            attribution = _with_confidence(ctx.resolve(ref), 1.0, f"tag-after-{after[2]}")
    if attribution.speaker is None and attribution.outlet is None:
        before = tag_before(
            text,
            max(s_lo, q.open_at - _VERB_REACH),
            q.open_at,
            labels=True,
            sentence_start=s_lo,
        )
        if before is not None:
            ref = classify(text, before[0], before[1], ctx.resolver)
            if ref is not None:
                attribution = _with_confidence(ctx.resolve(ref), 0.9, "tag-before")
                obj = np_after(text, before[2], q.open_at)
                if obj is not None and attribution.outlet is None:
                    attribution = _replace_outlet(
                        attribution, outlet_near(text, obj[0], obj[1], [], ctx.resolver, obj[0])
                    )
    if attribution.method == "none" and _reported(text, s_lo, q.open_at, ctx):
        # "X welcomed the deal but said …", "X said that … it had agreed to “…”": the
        # reporting verb's own subject is out of reach, the sentence's subject is not.
        subject = ctx.sentence_subject(s_lo, q.open_at)
        if subject is not None:
            attribution = _with_confidence(subject, 1.0, "clause-subject")
    if attribution.method == "none" and kind == "speech":
        introduced = _introduced(text, q, where, ctx)
        if introduced is not None:
            attribution = introduced
    if attribution.method == "none" and kind == "speech":
        attribution = _inherit(text, q, where, ctx, previous, attribution)
    if attribution.method == "none" and q.close_at is not None:
        named = _named_after(text, e_hi, where, ctx)
        if named is not None:
            attribution = named
    if attribution.outlet is None and (kind == "speech" or attribution.speaker):
        attribution = _replace_outlet(
            attribution, outlet_near(text, s_lo, e_hi, quote_spans, ctx.resolver, q.open_at)
        )
    return kind, attribution


def _inherit(
    text: str,
    q: MarkedSpan,
    where: _Doc,
    ctx: Context,
    previous: tuple[int, Attribution] | None,
    current: Attribution,
) -> Attribution:
    """An untagged quote continues the last speaker: the speaker a previous sentence
    announced ("Ware said Iran wants … “However, …”") or the previous quote's; unless its
    own sentence opens with another person ("The Front's spokesman, Omar Saleh, called the
    assault “a crime …”"). With no last speaker it stays unattributed."""
    prior = where.previous_sentence(q.open_at)
    announced = None
    if prior is not None:
        tag = sentence_tag(text, prior[0], prior[1])
        if tag is not None and (previous is None or previous[0] < prior[0]):
            ref = classify(text, tag[0], tag[1], ctx.resolver)
            if ref is not None and ref.kind != "outlet":
                announced = _with_confidence(ctx.resolve(ref), 0.8, "previous-sentence")
    if not (announced is not None and announced.speaker) and previous is None:
        return current
    subject = ctx.sentence_subject(where.sentence_at(q.open_at)[0], q.open_at)
    if subject is not None:
        return subject
    if announced is not None and announced.speaker:
        return announced
    assert previous is not None
    a = previous[1]
    return Attribution(
        a.speaker,
        a.speaker_actor,
        a.outlet,
        round(a.confidence * 0.85, 3),
        "continues-previous",
    )


_REPORTING = re.compile(rf"\b(?:{SPEECH_VERBS}|{LABEL_VERBS})\b")
_TO = re.compile(r"\bto\s+$")


def _reported(text: str, lo: int, hi: int, ctx: Context) -> bool:
    """Whether a reporting verb (not an infinitive, not inside quotes) precedes `hi` in its
    sentence."""
    for verb in _REPORTING.finditer(text, lo, hi):
        if not ctx.quoted(verb.start(), verb.end()) and not _TO.search(
            text, max(lo, verb.start() - 4), verb.start()
        ):
            return True
    return False


_OPENING_PRONOUN = {"he": "he", "his": "he", "she": "she", "her": "she", "they": "they"}


def _introduced(text: str, q: MarkedSpan, where: _Doc, ctx: Context) -> Attribution | None:
    """A quote opening a paragraph after one that ends in a colon is the speaker that
    paragraph introduces ("Omar Haddad put it this way:", "… Her account was candid:")."""
    p_index = where.paragraph_index(q.open_at)
    here = where.body[p_index]
    if p_index == 0 or text[here.start : q.open_at].strip(" \t>"):
        return None
    intro = where.body[p_index - 1]
    if not text[intro.start : intro.end].rstrip().endswith(":"):
        return None
    lo, hi, _ = where.sentence_at(max(intro.start, intro.end - 1))
    lo = max(lo, intro.start)
    found = ctx.sentence_subject(lo, hi)
    if found is None:
        head = text[lo:hi].split(maxsplit=1)
        pronoun = _OPENING_PRONOUN.get(head[0].lower()) if head else None
        if pronoun is None:
            return None
        keep = ctx.paragraph_start
        ctx.paragraph_start = intro.start
        found = ctx.resolve(Ref(pronoun, lo, lo + len(head[0]), "pronoun"))
        ctx.paragraph_start = keep
    if not found.speaker:
        return None
    return _with_confidence(found, 0.85, "introduced")


# "Dabbagh said it to Gulf Wire.", "He has said so before": the next sentence names who said
# the words just quoted.
_SAID_IT = re.compile(
    r"\s*((?:[\w’'.-]+\s+){1,6}?)(?:has\s+|had\s+)?(?:said|repeated|wrote|told\s+\w+)\s+"
    r"(?:it|so|this)(?=[\s,.;:!?]|$)"
)


def _named_after(text: str, e_hi: int, where: _Doc, ctx: Context) -> Attribution | None:
    """The speaker the sentence after a quote names as having said it."""
    lo, hi, seq = where.sentence_at(e_hi + 1)
    if seq is None or lo <= e_hi or where.paragraph_index(lo) != where.paragraph_index(e_hi):
        return None
    m = _SAID_IT.match(text, lo, hi)
    if m is None:
        return None
    ref = classify(text, m.start(1), m.start(1) + len(m.group(1).rstrip()), ctx.resolver)
    if ref is None or ref.kind not in ("name", "description", "pronoun"):
        return None
    found = ctx.resolve(ref)
    if not found.speaker:
        return None
    return _with_confidence(found, 0.7, "named-after")


def _continues(
    text: str, q: MarkedSpan, where: _Doc, s_lo: int, previous: tuple[int, Attribution] | None
) -> bool:
    """A short quote that is a sentence of its own right after an attributed one in the same
    paragraph ("“Today I let them go,” she said. “Tomorrow, who knows.”") is more speech."""
    if previous is None or where.paragraph_index(previous[0]) != where.paragraph_index(q.open_at):
        return False
    inner = text[q.start : q.end].rstrip()
    return (
        not text[s_lo : q.open_at].strip()
        and inner[:1].isupper()
        and inner[-1:] in ".!?…"
        and q.close_at is not None
    )


def _with_confidence(a: Attribution, factor: float, method: str) -> Attribution:
    return Attribution(
        a.speaker,
        a.speaker_actor,
        a.outlet,
        round(a.confidence * factor, 3),
        f"{method}:{a.method}",
    )


def _replace_outlet(a: Attribution, outlet: str | None) -> Attribution:
    if outlet is None:
        return a
    return Attribution(a.speaker, a.speaker_actor, outlet, a.confidence or 0.5, a.method)


def _kind(text: str, q: MarkedSpan, tagged: bool, s_lo: int) -> str:
    """speech or term: long or sentence-like quotes, or ones a reporting verb governs, are
    speech; a few words used as a name for something are a term."""
    inner = text[q.start : q.end]
    words = len(inner.split())
    sentence_like = inner[:1].isupper() and inner.rstrip()[-1:] in ".,!?…"
    if words >= 7:
        return "speech"
    if tagged and (sentence_like or words >= 2):
        return "speech"
    if words <= 3:
        return "term"
    if sentence_like:
        return "speech"
    lead = text[max(s_lo, q.open_at - 40) : q.open_at]
    return "speech" if _SPEECH_NEAR.search(lead) else "term"


def _passage_quote(text: str, run: PassageRun, where: _Doc, ctx: Context) -> Quote:
    """A pasted run as one quote, attributed from its introduction or its own first sentences."""
    body = where.body
    speaker = Attribution(confidence=run.confidence, method=run.method)
    intro_index = run.intro if run.intro is not None else (run.first - 1 if run.first > 0 else None)
    intro = body[intro_index] if intro_index is not None else None
    source_only = False
    if intro is not None and run.intro is not None:
        last = where.sentence_at(max(intro.start, intro.end - 1))
        found = _intro_speaker(text, last[0], intro.end)
        if found is not None:
            source_only = found[2]
            ref = classify(text, found[0], found[1], ctx.resolver)
            if ref is not None:
                resolved = ctx.resolve(ref)
                speaker = Attribution(
                    None if source_only else resolved.speaker,
                    None if source_only else resolved.speaker_actor,
                    resolved.outlet or (resolved.speaker if source_only else None),
                    run.confidence,
                    f"{run.method}:intro-{resolved.method}",
                )
    outlet = speaker.outlet
    if outlet is None and intro is not None:
        last = where.sentence_at(max(intro.start, intro.end - 1))
        outlet = outlet_near(text, last[0], intro.end, [], ctx.resolver, intro.end)
    if outlet is None:
        outlet = _self_reference(text, run, where, ctx)
    if outlet is None and intro is not None:
        outlet = _reporting_outlet(text, intro.start, intro.end, ctx)
    _, _, seq = where.sentence_at(run.start)
    return Quote(
        start=run.start,
        end=run.end,
        text=text[run.start : run.end],
        kind="passage",
        speaker=speaker.speaker,
        speaker_actor=speaker.speaker_actor,
        cited_outlet=outlet,
        confidence=run.confidence,
        method=speaker.method,
        sentence_seq=seq,
    )


_RECIPIENT = re.compile(r"(?:tells?|told|interview with|speaking to|spoke to|said to)\s+$|to\s+$")
_SELF = re.compile(r"^\s+(?:has|have|had|was|is|could|cannot|can|learned|has learned)\b")


def _self_reference(text: str, run: PassageRun, where: _Doc, ctx: Context) -> str | None:
    """An outlet the passage names as the one told ("Sources tell TIME …") or as itself
    ("TIME has not been able to confirm"): the passage is that outlet's."""
    first = where.sentence_at(run.start)
    second = where.sentence_at(first[1] + 1)
    hi = max(first[1], second[1]) if second[0] < run.end else first[1]
    for s, e, name in ctx.resolver.outlets_in(text, run.start, min(hi, run.end)):
        if _RECIPIENT.search(text[max(run.start, s - 30) : s]) or _SELF.match(text[e : e + 30]):
            return name
    return None


_REPORTS = re.compile(
    r"\s+(?:reports?|reported|writes|wrote|notes|says|said)\b|[’']s\s+(?:\w+\s+)?(?:analysis|report|"
    r"reporting|story|article|piece|coverage|interview|account)\b"
)


def _reporting_outlet(text: str, lo: int, hi: int, ctx: Context) -> str | None:
    """In an introduction: an outlet that reports ("The New York Times reports that", "per
    the NYT"), or a writer with a media affiliation who does ("Glanz and Rubin note")."""
    found: list[tuple[int, str]] = []
    for s, e, name in ctx.resolver.outlets_in(text, lo, hi):
        if _REPORTS.match(text, e) or re.search(
            r"\b(?:per|according to|from)\s+$", text[max(lo, s - 16) : s]
        ):
            found.append((s, name))
    for s, e, _, actor in person_positions(text, lo, hi, ctx.mentions_near(lo, hi), ctx.resolver):
        outlet = ctx.resolver.media_affiliation(actor)
        if outlet and re.match(
            r"(?:\s+and\s+[A-Z][\w’'-]+)?\s+(?:notes?|writes?|wrote|reports?|says?|said)\b",
            text[e : e + 40],
        ):
            found.append((s, outlet))
    return max(found)[1] if found else None


_INTRO_VERB = re.compile(
    r"\b(?:says|said|writes|wrote|notes|noted|reports|reported|explains|argues)\b|"
    r"\b(?:more|this|that|here) from\b|\bfrom\b(?=\s+[A-Z][^:]*:\s*$)"
)


def _intro_speaker(text: str, lo: int, hi: int) -> tuple[int, int, bool] | None:
    """The writer an introduction names, and whether it names only a source: 'So says CNN's
    Michael Ware:' (a speaker), 'X and Y wrote in …', 'more from Juan Cole:' (a source)."""
    for verb in reversed(list(_INTRO_VERB.finditer(text, lo, hi))):
        rest = text[verb.end() : hi]
        after = rest.strip()
        source_only = "from" in verb.group(0)
        if after and after[0].isupper() and not re.match(r"(?:That|In|The\s+[a-z])\b", after):
            start = verb.end() + len(rest) - len(rest.lstrip())
            end = hi
            while end > start and not text[end - 1].isalnum():
                end -= 1
            return start, end, source_only
        before = _subject_before(text, lo, verb.start())
        if before is not None and not source_only:
            return before[0], before[1], False
    return None


def _subject_before(text: str, lo: int, at: int) -> tuple[int, int] | None:
    span = np_before(text, lo, at)
    if span is None:
        return None
    phrase = text[span[0] : span[1]]
    if not any(w[:1].isupper() for w in phrase.split()):
        return None
    return span
