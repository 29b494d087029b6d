"""The sidebar: Sources, Actors, Events and Quotes, one at a time, filterable as you type."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Static

from iraqtui.models import ActorSummary, EventSummary, SourceSummary
from iraqtui.textsafe import one_line
from iraqtui.tui.guard import Guarded
from iraqtui.tui.widgets.row_list import LazyRows, Row, RowList

if TYPE_CHECKING:
    from textual.timer import Timer

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


# Five columns for an actor's type: common abbreviations, not cut-off words ("perso", "gover").
TYPE_SHORT = {"person": "pers", "militia": "mil", "government": "gov", "organisation": "org"}


def actor_rows(actors: Sequence[ActorSummary]) -> list[Row]:
    def order(a: ActorSummary) -> tuple[int, int, str]:
        rank = TYPE_ORDER.index(a.type) if a.type in TYPE_ORDER else len(TYPE_ORDER)
        return (rank, -a.mentions, a.name.casefold())

    return [
        Row.of(
            f"{TYPE_SHORT.get(a.type, a.type[:5]):<5} {one_line(a.name, 34)} "
            f"{a.mentions}·{len(a.by_outlet)}",
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


QUOTE_ROW_WIDTH = 60 + 24 + 5  # the widest quote_row can be
FILTER_DEBOUNCE_S = 0.2  # a lazy list filtered in SQL waits for a pause in the typing
DEBOUNCE_FROM = 20_000  # rows; a smaller list is filtered at once


def identity(key: object) -> object:
    """What a row stands for across reloads (its counts may change, this does not)."""
    if isinstance(key, SourceSummary):
        return ("source", key.id)
    if isinstance(key, ActorSummary):
        return ("actor", key.name)
    if isinstance(key, EventSummary):
        return ("event", key.key)
    return (type(key).__name__, getattr(key, "id", key))


def find_row(rows: Sequence[Row], wanted: object, near: int) -> int | None:
    """The index of the row standing for `wanted`, looking at `near` first."""
    if isinstance(rows, LazyRows):
        return rows.find(wanted, near)
    if 0 <= near < len(rows) and identity(rows[near].key) == wanted:
        return near
    return next((i for i, r in enumerate(rows) if identity(r.key) == wanted), None)


class Sidebar(Guarded, Vertical):
    """Section tabs, a filter box and the list; number keys switch sections."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear_filter", "Clear filter", show=False, id="sidebar.clear_filter"),
    ]

    section: reactive[str] = reactive("sources")

    class FilterWanted(Message):
        """A lazy list (rows fetched from the database) is to be filtered: the screen runs
        the query in a worker and hands the result to `show_filtered`."""

        def __init__(self, section: str, needle: str, place: tuple[int, object, bool]) -> None:
            super().__init__()
            self.section = section
            self.needle = needle
            self.place = place  # cursor, identity to keep, quiet

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: dict[str, Sequence[Row]] = {name: [] for name in SECTIONS}
        self._cursor: dict[str, tuple[int, object]] = {}  # section -> (index, identity)
        self._folded: dict[str, list[str]] = {}
        self._filter_timer: Timer | None = None
        self._loaded: set[str] = set()  # sections whose rows have arrived

    def compose(self) -> ComposeResult:
        yield Static(id="sidebar-tabs")
        yield Input(placeholder="filter…", id="sidebar-filter")
        yield RowList("loading…", id="sidebar-list")

    def on_mount(self) -> None:
        self._draw_tabs()

    @property
    def rows(self) -> RowList:
        return self.query_one("#sidebar-list", RowList)

    def set_section_rows(self, section: str, rows: Sequence[Row]) -> None:
        """New rows for a section (e.g. after an ingest): the filter stays, and so does the
        highlighted row, on the same line of the screen, if it is still there."""
        self._rows[section] = rows
        self._loaded.add(section)
        self._folded.pop(section, None)
        if section == self.section:
            current = self._current_identity()
            if current is None:
                self._apply_filter()
            else:
                self._apply_filter(self.rows.cursor, current, quiet=True)

    def section_rows(self, section: str) -> Sequence[Row]:
        """Every row of a section (unfiltered)."""
        return self._rows[section]

    def _current_identity(self) -> object:
        shown, cursor = self.rows.rows, self.rows.cursor
        if isinstance(shown, LazyRows):
            return shown.identity(cursor) if 0 <= cursor < len(shown) else None
        current = self.rows.current
        return None if current is None else identity(current.key)

    def watch_section(self, old: str, new: str) -> None:
        current = self._current_identity()
        if current is not None:
            self._cursor[old] = (self.rows.cursor, current)
        self.query_one("#sidebar-filter", Input).value = ""
        self._draw_tabs()
        index, wanted = self._cursor.get(new, (0, None))
        self._apply_filter(index, wanted)

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

    def _apply_filter(self, cursor: int = 0, keep: object = None, *, quiet: bool = False) -> None:
        """Show the section's rows that match the filter, the cursor on the row standing for
        `keep` if it is there, else at `cursor`. `quiet`: the same row stays highlighted on
        the same line of the screen, and nobody is told it was highlighted again."""
        needle = self.query_one("#sidebar-filter", Input).value.casefold().strip()
        rows = self._rows[self.section]
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self._filter_timer = None
        if needle and isinstance(rows, LazyRows):  # filtered in SQL, by the screen's worker
            wanted = self.FilterWanted(self.section, needle, (cursor, keep, quiet))
            if len(rows) < DEBOUNCE_FROM:
                self.post_message(wanted)
            else:
                self._filter_timer = self.set_timer(
                    FILTER_DEBOUNCE_S, lambda: self.post_message(wanted)
                )
            return
        if needle:
            folded = self._folded.get(self.section)
            if folded is None or len(folded) != len(rows):
                folded = self._folded[self.section] = [r.text.casefold() for r in rows]
            rows = [r for r, text in zip(rows, folded, strict=True) if needle in text]
        self._show(needle, rows, cursor, keep, quiet)

    def show_filtered(
        self, section: str, needle: str, rows: LazyRows, place: tuple[int, object, bool]
    ) -> None:
        """The rows of a lazy list that match `needle` (unless the user has moved on)."""
        current = self.query_one("#sidebar-filter", Input).value.casefold().strip()
        if section == self.section and needle == current:
            self._show(needle, rows, *place)

    def _show(
        self, needle: str, rows: Sequence[Row], cursor: int, keep: object, quiet: bool
    ) -> None:
        if self.section not in self._loaded:
            self.rows.empty = "loading…"
        else:
            what = TITLES[self.section].lower()
            self.rows.empty = f"no {what}" + (" match" if needle else "")
        found = None if keep is None else find_row(rows, keep, cursor)
        if found is None:
            self.rows.set_rows(rows, cursor)
        else:
            self.rows.set_rows(rows, found, quiet=quiet)

    def action_filter(self) -> None:
        self.query_one("#sidebar-filter", Input).focus()

    def action_clear_filter(self) -> None:
        self.query_one("#sidebar-filter", Input).value = ""
        self.rows.focus()
