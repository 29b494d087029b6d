"""Frozen dataclasses that cross layers: what ingest produces and what queries return.

Offsets (`start`, `end`) are always Python `str` positions into a source's text as decoded,
so `text[start:end]` is exactly the span a record is about (see EXPORT.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# --- metadata -------------------------------------------------------------------------------

META_FIELDS = ("outlet", "author", "published", "url", "title", "leaning")


@dataclass(frozen=True)
class SourceMeta:
    """Metadata of one file; `provenance[field]` is "sidecar" (given) or "inferred"."""

    file: str
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None
    title: str | None = None
    leaning: str | None = None
    notes: str | None = None
    provenance: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BoilerplateRule:
    """A sidecar rule: every occurrence of `text` (or match of `pattern`) is boilerplate."""

    reason: str
    text: str | None = None
    pattern: str | None = None


@dataclass(frozen=True)
class QuotedRule:
    """A sidecar fact the text lost: the passage containing `text` is quoted from `outlet`
    (and, where given, from `speaker`), e.g. when the link naming the source was stripped."""

    text: str
    outlet: str
    speaker: str | None = None


# --- the segmented document ---------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A boilerplate span with why it was flagged."""

    start: int
    end: int
    reason: str


@dataclass(frozen=True)
class Paragraph:
    seq: int
    start: int
    end: int
    boilerplate: bool = False
    boilerplate_reason: str | None = None


@dataclass(frozen=True)
class Sentence:
    seq: int
    paragraph_seq: int
    start: int
    end: int
    boilerplate: bool = False


@dataclass(frozen=True)
class Document:
    """A decoded file cut into paragraphs and sentences.

    `text` is the file as decoded; `display` has the same length with terminal control
    characters replaced by U+FFFD, so every offset is valid in both.
    """

    file: str
    text: str
    display: str
    paragraphs: tuple[Paragraph, ...]
    sentences: tuple[Sentence, ...]
    boilerplate: tuple[Span, ...] = ()

    def sentence_text(self, sentence: Sentence) -> str:
        return self.text[sentence.start : sentence.end]

    def analysable_sentences(self) -> list[Sentence]:
        """Sentences that are article body (boilerplate is kept but excluded from analysis)."""
        return [s for s in self.sentences if not s.boilerplate]


# --- per-stage results (pure functions return these) ----------------------------------------


@dataclass(frozen=True)
class Mention:
    """An actor named in the text. `actor` is the canonical name from the gazetteer."""

    sentence_seq: int
    start: int
    end: int
    surface: str
    actor: str
    method: str  # exact | fuzzy | demonym
    score: float


@dataclass(frozen=True)
class Candidate:
    """A capitalised name that resolved to no actor: kept for a user to promote."""

    sentence_seq: int
    start: int
    end: int
    surface: str


@dataclass(frozen=True)
class Quote:
    """Quoted material with its attribution; each attribution part may be unknown."""

    start: int
    end: int
    text: str
    kind: str  # speech | passage | term
    speaker: str | None = None
    speaker_actor: str | None = None  # canonical actor name when the speaker resolved
    cited_outlet: str | None = None
    confidence: float = 0.5
    method: str = ""
    sentence_seq: int | None = None  # the sentence the quote starts in


@dataclass(frozen=True)
class SentenceVoice:
    """Whose words a sentence is: the outlet's own, a quoted passage, or a speaker's."""

    sentence_seq: int
    voice: str  # own | quoted | speech
    cited_outlet: str | None = None
    confidence: float = 0.5
    method: str = ""


@dataclass(frozen=True)
class EventPassage:
    """A sentence assigned to a catalogued event, with its score and evidence."""

    event_key: str
    sentence_seq: int
    start: int
    end: int
    score: float
    evidence: tuple[str, ...] = ()


# --- sidecar catalogues ---------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """A gazetteer entry."""

    name: str
    type: str  # person | militia | party | government | state | organisation | media | place
    aliases: tuple[str, ...] = ()
    affiliation: str | None = None
    description: str | None = None
    demonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class EventDef:
    """A catalogue entry: an event and how to recognise it."""

    key: str
    label: str
    date: str | None = None
    date_end: str | None = None
    description: str | None = None
    terms: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    date_note: str | None = None  # where the date comes from, or that it is approximate


# --- corpus-level reuse -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReuseInput:
    """A stretch of body text offered to the reuse finder."""

    source_id: int
    paragraph_id: int
    start: int
    text: str


@dataclass(frozen=True)
class ReuseSpan:
    """One source's copy of a passage shared by two or more sources."""

    cluster: int
    source_id: int
    start: int
    end: int


# --- what ingest hands the writer -----------------------------------------------------------


@dataclass(frozen=True)
class SourceAnalysis:
    """Everything derived from one file, written in one transaction."""

    meta: SourceMeta
    doc: Document
    path: str
    sha256: str
    size: int
    encoding: str
    analysis_key: str
    mentions: tuple[Mention, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    quotes: tuple[Quote, ...] = ()
    voices: tuple[SentenceVoice, ...] = ()
    event_passages: tuple[EventPassage, ...] = ()
    warnings: tuple[str, ...] = ()
    corpus_rules_hit: tuple[int, ...] = ()  # indexes of the corpus-wide boilerplate rules


# --- what queries return --------------------------------------------------------------------


@dataclass(frozen=True)
class SourceSummary:
    id: int
    file: str
    outlet: str | None
    author: str | None
    published: str | None
    url: str | None
    title: str | None
    leaning: str | None
    provenance: dict[str, str]
    paragraphs: int
    sentences: int
    boilerplate: int  # boilerplate spans flagged


@dataclass(frozen=True)
class ParagraphRow:
    id: int
    source: int
    seq: int
    start: int
    end: int
    text: str
    boilerplate: bool


@dataclass(frozen=True)
class SentenceRow:
    id: int
    source: int
    paragraph: int
    seq: int
    start: int
    end: int
    text: str
    boilerplate: bool
    voice: str
    cited_outlet: str | None
    voice_confidence: float | None


@dataclass(frozen=True)
class SearchHit:
    paragraph_id: int
    source_id: int
    file: str
    outlet: str | None
    title: str | None
    start: int
    end: int
    snippet: str  # with HIT_OPEN / HIT_CLOSE around each matched term
    rank: float


# Markers around matched terms in snippets: private-use characters never found in a corpus
# after sanitising, so renderers can swap them for bold, ANSI or Markdown safely.
HIT_OPEN = "\ue000"
HIT_CLOSE = "\ue001"


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: tuple[SearchHit, ...]
    fell_back: bool = False  # the query was not valid FTS5 and ran as plain terms
    note: str | None = None


# --- actors (what actor queries return) -------------------------------------------------------


@dataclass(frozen=True)
class ActorSummary:
    """An actor with how often each outlet names it."""

    id: int
    name: str
    type: str
    affiliation: str | None
    mentions: int
    by_outlet: dict[str, int]  # outlet (or file, when the outlet is unknown) -> mentions


@dataclass(frozen=True)
class InContext:
    """A span of a source with the text either side (display text: control characters
    replaced), for keyword-in-context views."""

    source: int
    file: str
    outlet: str
    start: int
    end: int
    surface: str
    left: str
    right: str
    method: str = ""
    score: float | None = None


@dataclass(frozen=True)
class ActorDetail:
    """An actor, the names it is actually found under, and every mention in context."""

    id: int
    name: str
    type: str
    affiliation: str | None
    description: str | None
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]
    seen: tuple[tuple[str, str, int], ...]  # (surface, method, count), most frequent first
    mentions: tuple[InContext, ...]  # by outlet, then source, then position


@dataclass(frozen=True)
class CandidateSummary:
    """A capitalised name that resolved to no actor, how often it occurs, and where."""

    surface: str
    count: int
    sources: int
    contexts: tuple[InContext, ...]


# --- events and comparison (issue 5) ---------------------------------------------------------


@dataclass(frozen=True)
class EventSummary:
    """An event in the database with how many sentences each outlet devotes to it."""

    id: int
    key: str
    label: str
    date: str | None
    date_end: str | None
    date_note: str | None
    description: str | None
    origin: str  # catalogue | proposed
    sentences: int
    by_outlet: dict[str, int]


@dataclass(frozen=True)
class CorpusSentence:
    """A body sentence with where it comes from and whose words it is."""

    id: int
    source: int
    file: str
    outlet: str  # the source's outlet, else its file name
    seq: int
    start: int
    end: int
    text: str  # display text (control characters replaced)
    voice: str
    cited_outlet: str | None


@dataclass(frozen=True)
class EventPassageRow:
    """A sentence assigned to an event, with the assignment's score and evidence."""

    event_key: str
    sentence: CorpusSentence
    score: float
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class SentenceQuote:
    """Quoted material inside a sentence, as the quote stage attributed it."""

    sentence_id: int
    kind: str
    text: str
    speaker: str | None
    cited_outlet: str | None


# --- quotes (what quote queries and the quote finder return; issue 4) -----------------------


@dataclass(frozen=True)
class QuoteCarrier:
    """Another source carrying the same passage, and how its wording differs."""

    source: int
    file: str
    outlet: str | None
    start: int
    end: int
    text: str  # display text of that source's copy
    differs: tuple[str, ...] = ()  # word changes from this quote's wording; empty: same words
    quote_id: int | None = None  # that source's quote over the copy, if one was extracted
    speaker: str | None = None  # and its speaker
    covers: float = 1.0  # share of this quote's characters the shared passage spans


@dataclass(frozen=True)
class QuoteRecord:
    """A quote with its attribution (machine values), the user's corrections, and every
    source that carries it."""

    id: int
    source: int
    file: str
    outlet: str | None  # the outlet of the source the quote is in
    start: int
    end: int
    text: str  # display text (control characters replaced)
    kind: str
    speaker: str | None
    speaker_actor: str | None
    cited_outlet: str | None
    confidence: float
    method: str
    target: str  # annotation key (targets.quote_target)
    corrections: dict[str, str] = field(default_factory=dict)  # field -> corrected value
    carriers: tuple[QuoteCarrier, ...] = ()
    speaker_via: str | None = None  # speaker named by another source carrying the quote

    @property
    def shown_speaker(self) -> str | None:
        return self.corrections.get("speaker", self.speaker or self.speaker_via)

    @property
    def shown_outlet(self) -> str | None:
        return self.corrections.get("cited_outlet", self.cited_outlet)

    @property
    def carried_by(self) -> tuple[int, ...]:
        return tuple(sorted({self.source, *(c.source for c in self.carriers)}))


@dataclass(frozen=True)
class QuoteHit:
    """A fuzzy quote-search result."""

    quote: QuoteRecord
    score: float
    matched: str  # text | context: whether the words matched the quote or its lead-in
