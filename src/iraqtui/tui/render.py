"""Turn corpus text and its spans into styled Content: never markup, never control codes."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.content import Content, Span

from iraqtui.models import ParagraphRow, SentenceRow
from iraqtui.textsafe import one_line, sanitize

if TYPE_CHECKING:
    from iraqtui.store.app_queries import AnnotationRow, ReaderDoc

# Actor types are told apart by colour and, for NO_COLOR terminals, by text style.
ACTOR_STYLES = {
    "person": "bold $text-primary",
    "militia": "bold $text-error",
    "party": "$text-accent underline",
    "government": "$text-secondary bold",
    "state": "$text-warning",
    "organisation": "$text-success",
    "media": "italic $text-secondary underline",
    "place": "underline",
}
QUOTE_STYLE = "italic"
QUOTED_SENTENCE_STYLE = "on $boost"
LABEL_STYLE = "$text-muted italic"
VOICE_LABEL_STYLE = "bold $text-secondary"
HIT_STYLE = "bold reverse"
MARK_STYLE = "bold reverse $text-warning"  # the mention the user chose to read in context
CURSOR_STYLE = "on $primary 30%"
NOTE_STYLE = "bold $text-warning"
BOILERPLATE_STYLE = "dim strike"

CLOSING_MARKS = "”\"’'»"
_WORD = re.compile(r"\w[\w'’-]*")
_FTS_WORDS = {"and", "or", "not", "near"}


def clean(text: str) -> str:
    """Corpus text ready for Content: controls replaced, CR and tabs kept one cell wide."""
    return sanitize(text).replace("\r", " ").replace("\t", " ")


def terms_of(query: str) -> list[str]:
    """Words of a search query to highlight (FTS operators and syntax left out)."""
    words = [w.strip("'’-").casefold() for w in _WORD.findall(query)]
    return [w for w in words if w and w not in _FTS_WORDS]


def hit_spans(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Where the words of a query occur, matching their stems as the index does."""
    if not terms:
        return []
    stems = [t[: max(4, len(t) - 2)] if len(t) > 4 else t for t in terms]
    spans = []
    for match in _WORD.finditer(text):
        word = match.group().casefold()
        if any(word.startswith(stem) for stem in stems):
            spans.append((match.start(), match.end()))
    return spans


@dataclass(frozen=True)
class Corrections:
    """The latest correction of each field, by annotation target."""

    by_target: dict[str, dict[str, str]]
    noted: frozenset[str]

    @classmethod
    def of(cls, notes: Iterable[AnnotationRow]) -> Corrections:
        by_target: dict[str, dict[str, str]] = defaultdict(dict)
        noted: set[str] = set()
        for note in notes:
            if note.kind == "correction" and note.field:
                by_target[note.target][note.field] = note.value
            else:
                noted.add(note.target)
        return cls(dict(by_target), frozenset(noted))

    def get(self, target: str | None, field: str) -> str | None:
        return self.by_target.get(target or "", {}).get(field)


def voice_of(doc: ReaderDoc, sentence: SentenceRow, fixes: Corrections) -> tuple[str, str | None]:
    """A sentence's voice and cited outlet, after the user's corrections."""
    target = doc.sentence_targets.get(sentence.id)
    voice = fixes.get(target, "voice") or sentence.voice
    outlet = fixes.get(target, "cited_outlet") or sentence.cited_outlet
    return voice, outlet


def paragraph_content(
    doc: ReaderDoc,
    paragraph: ParagraphRow,
    sentences: Sequence[SentenceRow],
    fixes: Corrections,
    *,
    cursor: int | None = None,
    terms: Sequence[str] = (),
    mark: tuple[int, int] | None = None,
) -> Content:
    """One paragraph: mentions coloured by type, quotes labelled, voices marked, hits lit."""
    text = clean(paragraph.text)
    base = paragraph.start
    spans: list[Span] = []
    inserts: dict[int, list[tuple[str, str]]] = defaultdict(list)  # offset -> labels
    if paragraph.boilerplate:
        spans.append(Span(0, len(text), BOILERPLATE_STYLE))
        inserts[0].append(("⌫ boilerplate ", LABEL_STYLE))
    for sentence in sentences:
        start, end = sentence.start - base, sentence.end - base
        voice, outlet = voice_of(doc, sentence, fixes)
        if sentence.boilerplate and not paragraph.boilerplate:
            spans.append(Span(start, end, BOILERPLATE_STYLE))
        if voice == "quoted":
            spans.append(Span(start, end, QUOTED_SENTENCE_STYLE))
            inserts[start].append((f"❝{one_line(outlet or 'quoted', 30)}❞ ", VOICE_LABEL_STYLE))
        elif voice == "speech":
            inserts[start].append(("‹speech› ", VOICE_LABEL_STYLE))
        if sentence.id == cursor:
            spans.append(Span(start, end, CURSOR_STYLE))
        target = doc.sentence_targets.get(sentence.id)
        if target in fixes.noted or (target and target in fixes.by_target):
            inserts[end].append((" ✎", NOTE_STYLE))
    for mention in doc.mentions:
        if paragraph.start <= mention.start and mention.end <= paragraph.end:
            style = ACTOR_STYLES.get(mention.type, "bold")
            spans.append(Span(mention.start - base, mention.end - base, style))
    for quote in doc.quotes:
        if quote.kind == "term" or not (paragraph.start <= quote.start < paragraph.end):
            continue
        end = min(quote.end, paragraph.end) - base
        spans.append(Span(quote.start - base, end, QUOTE_STYLE))
        target = doc.quote_targets.get(quote.id)
        speaker = fixes.get(target, "speaker") or quote.speaker
        outlet = fixes.get(target, "cited_outlet") or quote.cited_outlet
        label = " · ".join(one_line(x, 30) for x in (speaker, outlet) if x)
        while end < len(text) and text[end] in CLOSING_MARKS:
            end += 1  # the label goes after the closing mark
        if label and (f" ⟨{label}⟩", LABEL_STYLE) not in inserts[end]:
            inserts[end].append((f" ⟨{label}⟩", LABEL_STYLE))
    for start, end in hit_spans(text, terms):
        spans.append(Span(start, end, HIT_STYLE))
    if mark is not None and paragraph.start <= mark[0] < paragraph.end:
        spans.append(Span(mark[0] - base, min(mark[1], paragraph.end) - base, MARK_STYLE))
    p_target = doc.paragraph_targets.get(paragraph.id)
    if p_target in fixes.noted:
        inserts[len(text)].append((" ✎¶", NOTE_STYLE))
    return _with_inserts(Content(text, spans, strip_control_codes=False), inserts)


def _with_inserts(content: Content, inserts: dict[int, list[tuple[str, str]]]) -> Content:
    """Splice label text into content at offsets, keeping every span where it belongs."""
    if not inserts:
        return content
    parts: list[Content] = []
    pos = 0
    for offset in sorted(inserts):
        offset = max(0, min(offset, len(content)))
        parts.append(content[pos:offset])
        for label, style in inserts[offset]:
            parts.append(Content.styled(label, style, strip_control_codes=False))
        pos = offset
    parts.append(content[pos:])
    return Content("").join(parts)


def labelled(label: str, value: str | None, style: str = "bold") -> Content:
    """`label: value` with the value as literal text."""
    return Content.assemble((label, style), clean(value or "—"))


def bar(count: int, top: int, width: int = 12) -> str:
    filled = round(width * count / top) if top else 0
    return "█" * filled + "░" * (width - filled)
