"""Full-text search: results as you type, snippets lit, malformed queries answered in place."""

from __future__ import annotations

import sqlite3
from functools import partial
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Static

from iraqtui.models import HIT_CLOSE, HIT_OPEN, SearchHit, SearchResult
from iraqtui.textsafe import one_line
from iraqtui.tui.widgets.row_list import Row, RowList
from iraqtui.tui.workers import fetch

DEBOUNCE_S = 0.12


def marked_row(text: str, key: object, prefix: str = "") -> Row:
    """A row from text carrying HIT_OPEN/HIT_CLOSE markers: markers out, ranges lit."""
    flat = prefix + one_line(text)
    plain: list[str] = []
    marks: list[tuple[int, int]] = []
    start = -1
    for ch in flat:
        if ch == HIT_OPEN:
            start = len(plain)
        elif ch == HIT_CLOSE and start >= 0:
            marks.append((start, len(plain)))
            start = -1
        else:
            plain.append(ch)
    return Row("".join(plain), key, tuple(marks))


def run_search(conn: sqlite3.Connection, query: str) -> SearchResult | str:
    """The core search; a query it cannot run comes back as the sentence to show."""
    from iraqtui.analysis.search import search
    from iraqtui.errors import BadQuery

    try:
        return search(conn, query, limit=200)
    except BadQuery as exc:
        return str(exc)


class SearchScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", id="search.close"),
        Binding("down,tab", "to_results", "Results", show=False, id="search.results"),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial = query
        self._timer: Timer | None = None
        self.result: SearchResult | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                Content.styled(
                    "Search paragraphs (FTS5: phrases, prefix*, NEAR, AND/OR/NOT)", "bold"
                )
            )
            yield Input(self.initial, placeholder="words or an FTS5 query", id="search-input")
            yield Static(Content("type to search"), id="search-status")
            yield RowList("no hits", id="search-results")

    def on_mount(self) -> None:
        self.query_one("#search-input", Input).focus()
        if self.initial:
            self._run(self.initial)

    @on(Input.Changed, "#search-input")
    def _changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE_S, partial(self._run, event.value))

    @on(Input.Submitted, "#search-input")
    def _submitted(self) -> None:
        results = self.query_one("#search-results", RowList)
        if results.row_count:
            results.action_select()

    def _run(self, query: str) -> None:
        status = self.query_one("#search-status", Static)
        if not query.strip():
            status.update(Content("type to search"))
            self.query_one("#search-results", RowList).set_rows([])
            return
        status.update(Content(f"searching for {one_line(query, 60)}…"))
        fetch(self, partial(run_search, query=query), self._show, group="search", what="search")

    def _show(self, outcome: SearchResult | str) -> None:
        status = self.query_one("#search-status", Static)
        results = self.query_one("#search-results", RowList)
        if isinstance(outcome, str):
            self.result = None
            status.update(Content.styled(one_line(outcome, 200), "bold $text-warning"))
            results.set_rows([])
            return
        self.result = outcome
        rows = [
            marked_row(h.snippet, h, prefix=f"{one_line(h.outlet or h.file, 18):<18} ")
            for h in outcome.hits
        ]
        results.set_rows(rows)
        count = f"{len(rows)} paragraph{'s' if len(rows) != 1 else ''}"
        if outcome.note:
            status.update(
                Content.assemble((one_line(outcome.note, 160), "$text-warning"), f" — {count}")
            )
        else:
            status.update(Content(f"{count} for {one_line(outcome.query, 60)} — enter opens"))

    def action_to_results(self) -> None:
        self.query_one("#search-results", RowList).focus()

    @on(RowList.Selected, "#search-results")
    def _open(self, event: RowList.Selected) -> None:
        hit = event.key
        if isinstance(hit, SearchHit):
            query = self.result.query if self.result else ""
            self.app.open_in_reader(hit.source_id, offset=hit.start, query=query)  # type: ignore[attr-defined]
