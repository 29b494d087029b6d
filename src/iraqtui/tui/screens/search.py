"""Full-text search: results as you type, snippets lit, malformed queries answered in place."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from iraqtui.models import HIT_CLOSE, HIT_OPEN, SearchHit, SearchResult
from iraqtui.textsafe import one_line
from iraqtui.tui.guard import Guarded
from iraqtui.tui.widgets.row_list import Row, RowList
from iraqtui.tui.workers import app_of

if TYPE_CHECKING:
    from iraqtui.analysis.search import LiveSearch

DEBOUNCE_S = 0.05  # short: a superseded query is interrupted, not waited for
LIMIT = 200


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


class SearchScreen(Guarded, ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", id="search.close"),
        Binding("down,tab", "to_results", "Results", show=False, id="search.results"),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial = query
        self._timer: Timer | None = None
        # Bumped by every query and every clear, on the event loop: a result handed over
        # for an older one is dropped there (checking in the worker thread would leave a
        # gap between the check and the hand-over).
        self._generation = 0
        self.result: SearchResult | None = None
        self._live: LiveSearch | None = None

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

    @property
    def live(self) -> LiveSearch:
        """Runs each query on a connection of its own; a newer query interrupts the SQL of
        the one before (`Connection.interrupt()`), so it stops at once instead of queueing."""
        if self._live is None:
            from iraqtui.analysis.search import LiveSearch
            from iraqtui.store.db import connect

            db_path = app_of(self).db_path
            self._live = LiveSearch(lambda: connect(db_path, readonly=True))
        return self._live

    def on_unmount(self) -> None:
        if self._live is not None:
            self._live.close()

    @property
    def closing(self) -> bool:
        """Off the screen stack: popped, its widgets going or gone though `is_attached` may
        still hold until the screen itself is detached."""
        return not self.is_attached or self not in self.app.screen_stack

    @on(events.ScreenSuspend)
    def _stop_when_closed(self) -> None:
        """Closing (not merely covered): stop the pending query and the running one now;
        Textual would cancel the worker only at unmount, after the widgets are gone."""
        if not self.closing:
            return
        if self._timer is not None:
            self._timer.stop()
        self.workers.cancel_group(self, "search")
        if self._live is not None:
            self._live.cancel()

    def _run(self, query: str) -> None:
        if self.closing:
            return
        self._generation += 1
        status = self.query_one("#search-status", Static)
        if not query.strip():
            if self._live is not None:
                self._live.cancel()
            status.update(Content("type to search"))
            self.query_one("#search-results", RowList).set_rows([])
            return
        status.update(Content(f"searching for {one_line(query, 60)}…"))
        self.run_worker(
            partial(self._search, self.live, query, self._generation),
            thread=True,
            group="search",
            exit_on_error=False,
            name="search",
        )

    def _search(self, live: LiveSearch, query: str, generation: int) -> None:
        """In a thread: the first hits at once, then the ranked ones; nothing if superseded."""
        from iraqtui.errors import BadQuery

        worker = get_current_worker()
        delivered: list[SearchResult | str] = []

        def deliver(outcome: SearchResult | str) -> None:
            if not worker.is_cancelled:
                delivered.append(outcome)
                self.app.call_from_thread(self._show, outcome, generation)

        try:
            ranked = live.run(query, limit=LIMIT, on_first=deliver)
        except BadQuery as exc:
            deliver(str(exc))
            return
        except Exception as exc:  # a bug or a broken database: one notification
            if not worker.is_cancelled:
                self.app.call_from_thread(app_of(self).report_error, "search", exc)
            return
        if ranked is not None and not (delivered and delivered[-1] is ranked):
            deliver(ranked)  # (the ranked hits may have gone out as the first ones)

    def _show(self, outcome: SearchResult | str, generation: int) -> None:
        # Results handed over just before the screen was closed, or for a query since
        # superseded or cleared, are dropped.
        if self.closing or generation != self._generation:
            return
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
