"""One outlet's column on the compare screen: its figures, then its sentences in text order."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content, Span
from textual.message import Message
from textual.widgets import Static

from iraqtui.textsafe import one_line
from iraqtui.tui.render import clean

if TYPE_CHECKING:
    from iraqtui.analysis.compare import ComparedSentence, OutletColumn

POSITIVE = "bold $text-success underline"
NEGATIVE = "bold $text-error underline"
MUTED = "$text-muted"


def item_label(item: ComparedSentence) -> Content:
    s = item.sentence
    if s.voice == "own":
        quoting = f" (quoting {', '.join(item.speakers)})" if item.speakers else ""
        return Content.styled(one_line(f"● own voice{quoting}", 80), "bold $text-primary")
    who = ", ".join(item.speakers)
    via = ", ".join(item.cited_outlets)
    label = s.voice + (f": {who}" if who else "") + (f" (via {via})" if via else "")
    return Content.styled(f"❝ {one_line(label, 80)}", "bold $text-secondary")


def item_content(item: ComparedSentence) -> Content:
    text = clean(item.sentence.text)
    spans = [
        Span(w.start, w.end, POSITIVE if w.valence > 0 else NEGATIVE)
        for w in item.evaluative
        if 0 <= w.start < w.end <= len(text)
    ]
    body = Content(text, spans, strip_control_codes=False)
    if item.sentence.voice != "own":
        body = body.stylize("italic")
    return Content("\n").join([item_label(item), body])


def summary_content(column: OutletColumn) -> Content:
    tone = column.tone
    score = f"{tone.score:+.2f}" if tone.score is not None else "n/a"
    lines = [
        Content.styled(one_line(column.outlet, 60), "bold reverse"),
        Content.styled(", ".join(one_line(f, 30) for f in column.files), MUTED),
        Content(
            f"{len(column.own)} own · {len(column.quoted)} quoted · tone {score} "
            f"({tone.positive}+ {tone.negative}− over {tone.sentences})"
        ),
    ]
    if column.terms:
        terms = ", ".join(f"{one_line(t.term)} {t.count} (z {t.z:.1f})" for t in column.terms[:8])
        lines.append(Content.assemble(("terms: ", "bold"), clean(terms)))
    if column.evaluative:
        words = ", ".join(f"{one_line(w)} {n}" for w, _v, n in column.evaluative[:8])
        lines.append(Content.assemble(("evaluative: ", "bold"), clean(words)))
    if column.actors:
        actors = ", ".join(f"{one_line(a)} {n}" for a, n, _own in column.actors[:8])
        lines.append(Content.assemble(("actors: ", "bold"), clean(actors)))
    return Content("\n").join(lines)


class SentenceItem(Static):
    """A sentence in a column (own voice or quoted material)."""

    def __init__(self, item: ComparedSentence) -> None:
        super().__init__(item_content(item), markup=False, classes="compare-item")
        self.item = item
        self.set_class(item.sentence.voice != "own", "-quoted")


class CompareColumn(VerticalScroll, can_focus=True):
    """Scrolls on its own, or with the others when the screen says so."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "move(1)", "Next", show=False, id="compare.next_sentence"),
        Binding("k,up", "move(-1)", "Previous", show=False, id="compare.previous_sentence"),
        Binding("g,home", "edge(0)", "Top", show=False, id="compare.top"),
        Binding("G,end", "edge(-1)", "Bottom", show=False, id="compare.bottom"),
        Binding("enter", "open", "Open in reader", id="compare.open"),
    ]

    class Scrolled(Message):
        def __init__(self, column: CompareColumn, y: float) -> None:
            super().__init__()
            self.column = column
            self.y = y

    class OpenSentence(Message):
        def __init__(self, item: ComparedSentence) -> None:
            super().__init__()
            self.item = item

    def __init__(self, column: OutletColumn | None, outlet: str, note: str = "") -> None:
        super().__init__(classes="compare-column")
        self.column = column
        self.outlet = outlet
        self.note = note
        self.cursor = -1
        self.following = False  # set while mirroring another column's scroll

    def compose(self) -> ComposeResult:
        if self.column is None:
            yield Static(Content.styled(one_line(self.outlet, 60), "bold reverse"))
            yield Static(Content.styled(self.note, "italic $text-muted"), classes="compare-missing")
            return
        yield Static(summary_content(self.column), classes="compare-summary")
        items = sorted(
            [*self.column.own, *self.column.quoted],
            key=lambda c: (c.sentence.source, c.sentence.seq),
        )
        for item in items:
            yield SentenceItem(item)

    @property
    def items(self) -> list[SentenceItem]:
        return [w for w in self.query(SentenceItem) if w.display]

    @property
    def current(self) -> SentenceItem | None:
        items = self.items
        return items[self.cursor] if 0 <= self.cursor < len(items) else None

    def action_move(self, delta: int) -> None:
        items = self.items
        if not items:
            self.scroll_relative(y=delta, animate=False)
            return
        self._place(max(0, min(len(items) - 1, self.cursor + delta)))

    def action_edge(self, index: int) -> None:
        items = self.items
        if items:
            self._place(index % len(items))

    def _place(self, index: int) -> None:
        for widget in self.query(SentenceItem):
            widget.remove_class("-cursor")
        self.cursor = index
        current = self.current
        if current is not None:
            current.add_class("-cursor")
            self.scroll_to_widget(current, animate=False, immediate=True)

    def action_open(self) -> None:
        current = self.current
        if current is not None:
            self.post_message(self.OpenSentence(current.item))

    def show_quoted(self, show: bool) -> None:
        keep = self.current
        for widget in self.query(SentenceItem):
            widget.display = show or not widget.has_class("-quoted")
        items = self.items
        self._place(items.index(keep) if keep in items else (0 if items else -1))

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if not self.following:
            self.post_message(self.Scrolled(self, new))

    def follow(self, y: float) -> None:
        self.following = True
        self.scroll_to(y=y, animate=False, immediate=True)
        self.following = False
