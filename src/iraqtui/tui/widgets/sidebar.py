"""The sidebar: Sources, Actors, Events and Quotes, one at a time, filterable as you type."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Input, Static

from iraqtui.models import ActorSummary, EventSummary, SourceSummary
from iraqtui.textsafe import one_line
from iraqtui.tui.guard import Guarded
from iraqtui.tui.widgets.row_list import Row, RowList

if TYPE_CHECKING:
    from iraqtui.store.app_queries import QuoteRow

from iraqtui.tui.sections import SECTIONS, TITLES

TYPE_ORDER = ("person", "militia", "party", "government", "state", "organisation", "media", "place")


def source_row(s: SourceSummary) -> Row:
    date = (s.published or "????-??-??") + (
        "*" if s.provenance.get("published") == "inferred" else ""
    )
    leaning = f" ({s.leaning})" if s.leaning and s.leaning != "unknown" else ""
    outlet = one_line(s.outlet or "?", 28)
    text = f"{date} {outlet}{leaning} — {one_line(s.title or s.file, 60)} · {s.paragraphs}¶"
    return Row.of(text, s)


def actor_rows(actors: Sequence[ActorSummary]) -> list[Row]:
    def order(a: ActorSummary) -> tuple[int, int, str]:
        rank = TYPE_ORDER.index(a.type) if a.type in TYPE_ORDER else len(TYPE_ORDER)
        return (rank, -a.mentions, a.name.casefold())

    return [
        Row.of(
            f"{a.type[:5]:<5} {one_line(a.name, 34)} {a.mentions}·{len(a.by_outlet)}",
            a,
            dim=not a.mentions,
        )
        for a in sorted(actors, key=order)
    ]


def event_row(e: EventSummary) -> Row:
    date = e.date or "undated   "
    return Row.of(f"{date} {one_line(e.label, 70)} [{len(e.by_outlet)}]", e, dim=not e.by_outlet)


def quote_row(q: QuoteRow) -> Row:
    who = q.speaker or q.cited_outlet or "?"
    return Row.of(f"“{one_line(q.text, 60)}” — {one_line(who, 24)}", q)


class Sidebar(Guarded, Vertical):
    """Section tabs, a filter box and the list; number keys switch sections."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear_filter", "Clear filter", show=False, id="sidebar.clear_filter"),
    ]

    section: reactive[str] = reactive("sources")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: dict[str, list[Row]] = {name: [] for name in SECTIONS}
        self._cursor: dict[str, int] = {}
        self._folded: dict[str, list[str]] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="sidebar-tabs")
        yield Input(placeholder="filter…", id="sidebar-filter")
        yield RowList("loading…", id="sidebar-list")

    def on_mount(self) -> None:
        self._draw_tabs()

    @property
    def rows(self) -> RowList:
        return self.query_one("#sidebar-list", RowList)

    def set_section_rows(self, section: str, rows: list[Row]) -> None:
        self._rows[section] = rows
        self._folded.pop(section, None)
        if section == self.section:
            self._apply_filter()

    def watch_section(self, old: str, new: str) -> None:
        self._cursor[old] = self.rows.cursor
        self.query_one("#sidebar-filter", Input).value = ""
        self._draw_tabs()
        self._apply_filter(self._cursor.get(new, 0))

    def on_resize(self) -> None:
        self._draw_tabs()

    def _draw_tabs(self) -> None:
        """Every label in full: on one line where they fit, else two to a line."""
        width = self.query_one("#sidebar-tabs").size.width or self.size.width
        labels = [f"{n} {TITLES[name]}" for n, name in enumerate(SECTIONS, start=1)]
        active = SECTIONS.index(self.section)
        one_line_width = sum(len(label) + 1 for label in labels) + 1
        rows = [labels] if one_line_width <= width else [labels[:2], labels[2:]]
        cell = max(map(len, labels))
        lines: list[Content] = []
        index = 0
        for row in rows:
            cells = row if len(rows) == 1 else [label.ljust(cell) for label in row]
            text = " " + " ".join(cells) + " "
            line = Content(text).stylize("$text-muted")
            start = 0
            for label in cells:
                if index == active:  # the active label, with a space either side
                    line = line.stylize("reverse bold", start, start + len(label) + 2)
                start += len(label) + 1
                index += 1
            lines.append(line)
        self.query_one("#sidebar-tabs", Static).update(Content("\n").join(lines))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._apply_filter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.rows.focus()

    def _apply_filter(self, cursor: int = 0) -> None:
        needle = self.query_one("#sidebar-filter", Input).value.casefold().strip()
        rows = self._rows[self.section]
        if needle:
            folded = self._folded.get(self.section)
            if folded is None or len(folded) != len(rows):
                folded = self._folded[self.section] = [r.text.casefold() for r in rows]
            rows = [r for r, text in zip(rows, folded, strict=True) if needle in text]
        self.rows.empty = f"no {TITLES[self.section].lower()}" + (" match" if needle else "")
        self.rows.set_rows(rows, cursor)

    def action_filter(self) -> None:
        self.query_one("#sidebar-filter", Input).focus()

    def action_clear_filter(self) -> None:
        self.query_one("#sidebar-filter", Input).value = ""
        self.rows.focus()
