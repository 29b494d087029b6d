"""The detail pane: what is known about the selection, with the evidence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from iraqtui.models import ActorDetail, EventSummary, QuoteRecord, SentenceRow, SourceSummary
from iraqtui.textsafe import one_line
from iraqtui.tui.render import Corrections, bar, clean, labelled, voice_of

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
    lines.append(Content.styled("in context", "bold"))
    for m in a.mentions[:60]:
        lines.append(
            Content.assemble(
                (f"{one_line(m.outlet, 14):<14} ", MUTED),
                "…" + one_line(m.left)[-28:] + " ",
                (one_line(m.surface), "bold reverse"),
                " " + one_line(m.right)[:28] + "…",
            )
        )
    return lines


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


class DetailPane(VerticalScroll, can_focus=True):
    """Shows lines of Content; the screen decides which subject."""

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(Content("Nothing selected."), id="detail-body")

    def show(self, lines: list[Content]) -> None:
        self.query_one("#detail-body", Static).update(Content("\n").join(lines))
        self.scroll_home(animate=False)

    @property
    def text(self) -> str:
        return str(self.query_one("#detail-body", Static).render())
