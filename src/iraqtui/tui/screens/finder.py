"""The fuzzy quote finder: fzf-like, results on every keystroke, enter opens the quote."""

from __future__ import annotations

import sqlite3
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from iraqtui.textsafe import one_line
from iraqtui.tui.guard import Guarded
from iraqtui.tui.render import hit_spans, terms_of
from iraqtui.tui.widgets.row_list import Row, RowList
from iraqtui.tui.workers import fetch

if TYPE_CHECKING:
    from iraqtui.models import QuoteHit

QUOTE_MARKS = "“”\"'‘’ "


def find(conn: sqlite3.Connection, query: str) -> tuple[str, list[QuoteHit]]:
    from iraqtui.analysis.quote_search import search_quotes

    if not query.strip():
        return query, []
    # The rows show speaker and outlet, not the other sources carrying a quote.
    return query, search_quotes(conn, query, limit=30, carriers="unnamed")


def warm(conn: sqlite3.Connection) -> int:
    """Build the quote index before the first keystroke needs it."""
    from iraqtui.analysis.quote_search import index_for

    return len(index_for(conn))


def hit_row(hit: QuoteHit, query: str) -> Row:
    """`speaker · outlet │ “quote” [where]`, the words that match lit."""
    q = hit.quote
    who = " · ".join(one_line(x, 24) for x in (q.shown_speaker, q.shown_outlet) if x) or "?"
    prefix = f"{one_line(who, 30):<30} │ "
    body = f"“{one_line(q.text, 110).strip(QUOTE_MARKS)}”"
    text = f"{prefix}{body} [{one_line(q.outlet or q.file, 24)}]"
    lit = hit_spans(body, terms_of(query))
    return Row(text, hit, tuple((a + len(prefix), b + len(prefix)) for a, b in lit))


class QuoteFinder(Guarded, ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", id="finder.close"),
        Binding("down", "move(1)", "Next", show=False, id="finder.next"),
        Binding("up", "move(-1)", "Previous", show=False, id="finder.previous"),
        Binding("ctrl+n", "move(1)", "Next", show=False, id="finder.next_alt"),
        Binding("ctrl+k", "move(-1)", "Previous", show=False, id="finder.previous_alt"),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial = query
        self.shown_query = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                Content.styled("Find a quote (fuzzy: misremembered words, any order)", "bold")
            )
            yield Input(self.initial, placeholder="too big for his boots…", id="finder-input")
            yield Static(Content("type a few words"), id="finder-status")
            yield RowList("no quotes match", id="finder-results")

    def on_mount(self) -> None:
        self.query_one("#finder-input", Input).focus()
        fetch(self, warm, lambda n: None, group="finder-warm", what="preparing quotes")
        if self.initial:
            self._run(self.initial)

    @on(Input.Changed, "#finder-input")
    def _changed(self, event: Input.Changed) -> None:
        self._run(event.value)

    def _run(self, query: str) -> None:
        fetch(self, partial(find, query=query), self._show, group="finder", what="quote search")

    def _show(self, outcome: tuple[str, list[QuoteHit]]) -> None:
        query, hits = outcome
        self.shown_query = query
        self.query_one("#finder-results", RowList).set_rows([hit_row(h, query) for h in hits])
        status = (
            f"{len(hits)} quote{'s' if len(hits) != 1 else ''}"
            if query.strip()
            else "type a few words"
        )
        self.query_one("#finder-status", Static).update(
            Content(status + " — enter opens in context")
        )

    def action_move(self, delta: int) -> None:
        self.query_one("#finder-results", RowList).action_cursor(delta)

    @on(Input.Submitted, "#finder-input")
    def _submitted(self) -> None:
        self.query_one("#finder-results", RowList).action_select()

    @on(RowList.Selected, "#finder-results")
    def _open(self, event: RowList.Selected) -> None:
        hit: QuoteHit = event.key  # type: ignore[assignment]
        self.app.open_in_reader(hit.quote.source, offset=hit.quote.start)  # type: ignore[attr-defined]
