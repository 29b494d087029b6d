"""The detail pane: what is known about the selection, with the evidence."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from iraqtui.models import (
    ActorDetail,
    EventSummary,
    InContext,
    QuoteRecord,
    SentenceRow,
    SourceSummary,
)
from iraqtui.textsafe import one_line
from iraqtui.tui.guard import Guarded
from iraqtui.tui.render import Corrections, bar, clean, labelled, voice_of
from iraqtui.tui.widgets.row_list import Row, RowList

if TYPE_CHECKING:
    from iraqtui.store.app_queries import ReaderDoc

H = "bold $text-accent"
MUTED = "$text-muted"


def source_lines(s: SourceSummary) -> list[Content]:
    def field(name: str, value: str | None) -> Content:
        mark = " (inferred)" if s.provenance.get(name) == "inferred" else ""
        return Content.assemble((f"{name}: ", "bold"), clean(value or "—"), (mark, MUTED))

    return [
        Content.styled(one_line(s.title or s.file), H),
        *(field(n, getattr(s, n)) for n in ("outlet", "author", "published", "leaning", "url")),
        labelled("file: ", s.file),
        Content(f"{s.paragraphs} paragraphs · {s.sentences} sentences · {s.boilerplate} flagged"),
    ]


def actor_lines(a: ActorDetail) -> list[Content]:
    lines = [
        Content.assemble((one_line(a.name), H), (f"  {a.type}", MUTED)),
        labelled("affiliation: ", a.affiliation),
    ]
    if a.description:
        lines.append(Content.styled(clean(a.description), "italic"))
    seen = ", ".join(f"{one_line(s)} ×{n}" for s, _method, n in a.seen) or "not found in the text"
    lines += [labelled("seen as: ", seen), labelled("aliases: ", ", ".join(a.aliases))]
    counts: dict[str, int] = {}
    for m in a.mentions:
        counts[m.outlet] = counts.get(m.outlet, 0) + 1
    lines.append(Content.styled("mentions per outlet", "bold"))
    top = max(counts.values(), default=0)
    for outlet, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(
            Content.assemble((bar(n, top, 10), "$text-primary"), f" {n:>3} {one_line(outlet, 40)}")
        )
    if a.mentions:
        lines.append(
            Content.assemble(
                (f"in context ({len(a.mentions)})", "bold"),
                ("  d, then enter: read it there", MUTED),
            )
        )
    return lines


def kwic_row(m: InContext, width: int) -> Row:
    """One mention on one line, its surface form centred in its context and lit."""
    outlet_width = min(14, max(6, width // 5))
    surface = one_line(m.surface, max(8, width // 2))
    room = max(0, width - outlet_width - 1 - len(surface) - 2)
    left_room = room // 2
    left = one_line(m.left)[-left_room:] if left_room else ""
    right = one_line(m.right)[: room - left_room]
    prefix = f"{one_line(m.outlet, outlet_width):<{outlet_width}} {left:>{left_room}} "
    text = f"{prefix}{surface} {right}"
    return Row(text, m, ((len(prefix), len(prefix) + len(surface)),))


def event_lines(e: EventSummary) -> list[Content]:
    when = e.date or "undated"
    if e.date_end:
        when += f" – {e.date_end}"
    lines = [Content.styled(one_line(e.label), H), Content.styled(when, MUTED)]
    if e.description:
        lines.append(Content(clean(e.description)))
    if e.date_note:
        lines.append(Content.styled(clean(e.date_note), MUTED))
    lines.append(Content(f"{e.sentences} sentences in {len(e.by_outlet)} outlets"))
    top = max(e.by_outlet.values(), default=0)
    lines += [
        Content.assemble((bar(n, top, 8), "$text-primary"), f" {n:>3} {one_line(o, 40)}")
        for o, n in e.by_outlet.items()
    ] or [Content.styled("no outlet covers it", MUTED)]
    lines.append(Content.styled("c: compare the outlets side by side", MUTED))
    return lines


def quote_lines(q: QuoteRecord) -> list[Content]:
    fixed = " (corrected)"
    speaker = q.shown_speaker or "unknown"
    outlet = q.shown_outlet or "not named"
    lines = [
        Content.assemble(("“", H), Content.styled(clean(q.text), "italic"), ("”", H)),
        labelled("kind: ", q.kind),
        labelled("speaker: ", speaker + (fixed if "speaker" in q.corrections else "")),
        labelled("reporting outlet: ", outlet + (fixed if "cited_outlet" in q.corrections else "")),
        labelled("in: ", q.outlet or q.file),
        Content.styled(f"confidence {q.confidence:.2f} · {q.method}", MUTED),
        Content.styled(f"carried by {len(q.carried_by)} source(s)", "bold"),
        labelled(f"• {one_line(q.outlet or q.file, 30)}: ", "this copy"),
    ]
    for c in q.carriers:
        how = "same words" if not c.differs else "differs: " + "; ".join(c.differs[:6])
        lines.append(labelled(f"• {one_line(c.outlet or c.file, 30)}: ", how))
    return lines


def sentence_lines(doc: ReaderDoc, s: SentenceRow) -> list[Content]:
    fixes = Corrections.of(doc.annotations)
    voice, outlet = voice_of(doc, s, fixes)
    corrected = voice != s.voice or outlet != s.cited_outlet
    conf = f"{s.voice_confidence:.2f}" if s.voice_confidence is not None else "?"
    lines = [
        Content.styled(
            f"sentence {s.seq + 1} of {one_line(doc.source.outlet or doc.source.file)}", H
        ),
        Content.assemble(
            ("voice: ", "bold"),
            voice,
            (f"  (machine: {s.voice}, {conf})" if corrected else f"  ({conf})", MUTED),
        ),
        labelled("cited outlet: ", outlet),
    ]
    if s.boilerplate:
        lines.append(Content.styled("boilerplate: excluded from analysis", MUTED))
    names = sorted({m.actor for m in doc.mentions if s.start <= m.start < s.end})
    lines.append(labelled("actors: ", ", ".join(names) or "none"))
    for q in doc.quotes:
        if s.start <= q.start < s.end:
            who = " · ".join(x for x in (q.speaker, q.cited_outlet) if x) or "unattributed"
            lines.append(labelled(f"{q.kind}: ", f"“{one_line(q.text, 60)}” ⟨{who}⟩"))
    target = doc.sentence_targets.get(s.id)
    for note in doc.annotations:
        if note.target == target:
            what = f"{note.kind} {note.field}" if note.field else note.kind
            lines.append(labelled(f"✎ {what}: ", note.value, "bold $text-warning"))
    lines.append(Content.styled("a: annotate or correct", MUTED))
    return lines


class DetailPane(Guarded, Vertical):
    """Lines of Content about the selection (the screen decides which subject) and, for an
    actor, its mentions in context: a list to pick one from and read it in the reader."""

    class MentionChosen(Message):
        """The user picked a mention (enter, or a double click) to read it in context."""

        def __init__(self, mention: InContext) -> None:
            super().__init__()
            self.mention = mention

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._mentions: Sequence[InContext] = ()
        self._kwic_width = 0

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail-facts", can_focus=True):
            yield Static(Content("Nothing selected."), id="detail-body")
        yield RowList("no mentions", id="detail-kwic")

    def on_mount(self) -> None:
        self.query_one("#detail-kwic").display = False

    def show(self, lines: list[Content], mentions: Sequence[InContext] = ()) -> None:
        self.query_one("#detail-body", Static).update(Content("\n").join(lines))
        self.query_one("#detail-facts").scroll_home(animate=False)
        self._mentions = mentions
        kwic = self.kwic
        had_focus = kwic.has_focus
        self.set_class(bool(mentions), "-kwic")
        kwic.display = bool(mentions)
        self._kwic_width = 0
        self._fill_kwic()
        if had_focus and not mentions:
            self.query_one("#detail-facts").focus()

    @property
    def kwic(self) -> RowList:
        return self.query_one("#detail-kwic", RowList)

    def _fill_kwic(self, cursor: int = 0) -> None:
        width = self.kwic.scrollable_content_region.width or max(20, self.size.width - 2)
        if width != self._kwic_width:
            self._kwic_width = width
            self.kwic.set_rows([kwic_row(m, width) for m in self._mentions], cursor)

    def on_resize(self) -> None:
        if self._mentions:
            self.call_after_refresh(lambda: self._fill_kwic(self.kwic.cursor))

    def enter(self) -> None:
        """Focus what there is to move through: the mentions if shown, else the facts."""
        if self._mentions:
            self.kwic.focus()
        else:
            self.query_one("#detail-facts").focus()

    @on(RowList.Selected, "#detail-kwic")
    def _chosen(self, event: RowList.Selected) -> None:
        event.stop()
        if isinstance(event.key, InContext):
            self.post_message(self.MentionChosen(event.key))

    @on(RowList.Highlighted, "#detail-kwic")
    def _highlighted(self, event: RowList.Highlighted) -> None:
        event.stop()

    @property
    def text(self) -> str:
        """What the pane shows: the facts, then one line per mention."""
        facts = str(self.query_one("#detail-body", Static).render())
        rows = [r.text for r in self.kwic.rows] if self._mentions else []
        return "\n".join([facts, *rows])
