"""The main screen's lists: loaded in a worker, the Quotes list fetched a window at a time,
reloaded (keeping the user's place) when another program's ingest changes the corpus."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

if TYPE_CHECKING:
    from textual.worker import Worker

    from iraqtui.store.app_queries import CorpusStamp
    from iraqtui.tui.data import CorpusWatch, Lists
    from iraqtui.tui.widgets.reader import Reader
    from iraqtui.tui.widgets.row_list import LazyRows, Row
    from iraqtui.tui.widgets.sidebar import Sidebar

POLL_S = 1.0  # how often to ask whether another program (an ingest) changed the corpus
# While an ingest keeps committing, reload the lists at most this often, and never more often
# than RELOAD_COST times the last reload took: new rows appear, the list does not flicker.
RELOAD_GAP_S = 5.0
RELOAD_COST = 4.0


def load_sidebar(conn: sqlite3.Connection) -> tuple[Lists, dict[str, list[Row]]]:
    """In the worker thread: the lists and their rows, so the UI thread only swaps them. The
    Quotes list is ids only; its rows are fetched a window at a time (`quote_window`)."""
    from iraqtui.tui.data import load_lists
    from iraqtui.tui.widgets import sidebar as sb
    from iraqtui.tui.widgets.row_list import LazyRows

    lists = load_lists(conn)
    rows = {
        "sources": [sb.source_row(s) for s in lists.sources],
        "actors": sb.actor_rows(lists.actors),
        "events": [sb.event_row(e) for e in lists.events],
        "quotes": quote_window(conn, lists.quotes[: LazyRows.WINDOW]),  # its first window
    }
    return lists, rows


def quote_window(conn: sqlite3.Connection, ids: Sequence[int]) -> list[Row]:
    """In the worker thread: the rows of one window of the Quotes list."""
    from iraqtui.tui.data import load_quotes
    from iraqtui.tui.widgets import sidebar as sb
    from iraqtui.tui.widgets.row_list import Row

    gone = Row("(no longer in the database)", None, dim=True)
    return [gone if q is None else sb.quote_row(q) for q in load_quotes(conn, ids)]


class ListsScreen(Screen[None]):
    """The part of the main screen that keeps its sidebar lists filled and current."""

    def __init__(self) -> None:
        super().__init__()
        self.lists: Lists | None = None
        self._watch: CorpusWatch | None = None
        self._polling = False
        self._latest: CorpusStamp | None = None  # the corpus as the last poll saw it
        self._loading: Worker[None] | None = None
        self._load_started = 0.0
        self._next_reload = 0.0  # monotonic time before which a change waits

    @property
    def sidebar(self) -> Sidebar:
        from iraqtui.tui.widgets.sidebar import Sidebar

        return self.query_one("#sidebar", Sidebar)

    @property
    def reader(self) -> Reader:
        from iraqtui.tui.widgets.reader import Reader

        return self.query_one("#reader", Reader)

    # --- startup ----------------------------------------------------------------------------

    def _prepare(self) -> None:
        from iraqtui.tui.startup import prepare_database
        from iraqtui.tui.workers import app_of

        self.run_worker(
            partial(prepare_database, app_of(self), self),
            thread=True,
            group="startup",
            exit_on_error=False,
            name="prepare",
        )

    def show_progress(self, done: int, total: int, label: str) -> None:
        self.query_one("#building").display = True
        self.query_one("#building-label", Static).update(Content(label))
        from textual.widgets import ProgressBar

        bar = self.query_one("#building-bar", ProgressBar)
        bar.update(total=max(total, 1), progress=done)

    def database_ready(self, note: str | None, read_only: bool = False) -> None:
        from iraqtui.tui.workers import app_of

        self.query_one("#building").display = False
        if note:
            self.notify(note, markup=False)
        app = app_of(self)
        app.read_only = read_only
        if read_only:
            app.sub_title = "read-only"
            self.notify(
                f"{app.db_path} is read-only: annotations and corrections cannot be saved.",
                severity="warning",
                timeout=10,
                markup=False,
            )
        self.reload_lists()

    def reload_lists(self) -> None:
        from iraqtui.tui.workers import fetch

        self._load_started = time.monotonic()
        self._next_reload = self._load_started + RELOAD_GAP_S
        self._loading = fetch(
            self, load_sidebar, self._lists_loaded, group="lists", what="loading the lists"
        )

    def _lists_loaded(self, loaded: tuple[Lists, dict[str, list[Row]]]) -> None:
        from iraqtui.tui.widgets.row_list import LazyRows

        lists, rows = loaded
        before, self.lists = self.lists, lists
        now = time.monotonic()
        self._next_reload = now + max(RELOAD_GAP_S, RELOAD_COST * (now - self._load_started))
        side = self.sidebar
        quotes = self._quote_rows(lists.quotes)
        quotes.fill(0, rows.pop("quotes"))
        shown = side.section_rows("quotes")
        if isinstance(shown, LazyRows):
            quotes.keep_windows_of(shown)  # no "…" flash where nothing changed
        for section, section_rows in rows.items():
            side.set_section_rows(section, section_rows)
        side.set_section_rows("quotes", quotes)
        n = len(lists.sources)
        if self.reader.doc is None:  # else the title names the open source: leave it
            self.query_one("#reader-title", Static).update(Content(self._counts()))
        if before is None:
            self._start_watching()
            if n == 0:
                self.notify("The database holds no sources yet: run `iraqtui ingest FOLDER`.")
        elif before.stamp != lists.stamp:
            from iraqtui.tui.data import change_note

            self.notify(change_note(before.stamp, lists.stamp), timeout=3, markup=False)

    def _counts(self) -> str:
        lists = self.lists
        if lists is None:
            return ""
        return (
            f"{len(lists.sources)} sources · {len(lists.actors)} actors · "
            f"{len(lists.events)} events · {len(lists.quotes)} quotes — enter opens, "
            "? lists the keys"
        )

    # --- the Quotes list: ids in memory, rows fetched by window -------------------------------

    def _quote_rows(self, ids: Sequence[int]) -> LazyRows:
        from iraqtui.tui.widgets.row_list import LazyRows
        from iraqtui.tui.widgets.sidebar import QUOTE_ROW_WIDTH

        return LazyRows(ids, self._fetch_window, kind="QuoteRow", width=QUOTE_ROW_WIDTH)

    def _fetch_window(self, rows: LazyRows, window: int, ids: Sequence[int]) -> None:
        from iraqtui.tui.workers import fetch

        # Asked while the list draws: start the worker once the drawing is done.
        self.call_later(
            fetch,
            self,
            partial(quote_window, ids=ids),
            partial(self._window_fetched, rows, window),
            group=f"quotes-window-{id(rows)}-{window}",  # never supersedes another list's
            what="loading quotes",
        )

    def _window_fetched(self, rows: LazyRows, window: int, fetched: list[Row]) -> None:
        rows.fill(window, fetched)
        shown = self.sidebar.rows
        if shown.rows is rows:
            shown.rows_arrived()

    def on_sidebar_filter_wanted(self, event: Sidebar.FilterWanted) -> None:
        from iraqtui.tui.data import load_quote_list
        from iraqtui.tui.workers import fetch

        def show(ids: Sequence[int]) -> None:
            self.sidebar.show_filtered(
                event.section, event.needle, self._quote_rows(ids), event.place
            )

        job = partial(load_quote_list, needle=event.needle)
        fetch(self, job, show, group="sidebar-filter", what="filtering the quotes")

    # --- picking up what a concurrent `iraqtui ingest` writes -------------------------------

    def _start_watching(self) -> None:
        from iraqtui.tui.data import CorpusWatch
        from iraqtui.tui.workers import app_of

        self._watch = CorpusWatch(app_of(self).db_path)
        self.set_interval(POLL_S, self._poll, name="corpus-watch")

    def on_unmount(self) -> None:
        if self._watch is not None:
            self._watch.close()

    def _poll(self) -> None:
        from iraqtui.tui.workers import fetch_call

        if self._watch is None or self._polling:
            return
        self._polling = True
        watch = self._watch

        def poll() -> CorpusStamp | None:
            try:
                return watch.poll()
            except sqlite3.Error:  # moved, locked for long, damaged: just no live refresh
                return None

        fetch_call(self, poll, self._polled, group="watch", what="watching the database")

    def _polled(self, stamp: CorpusStamp | None) -> None:
        self._polling = False
        if stamp is not None:
            self._latest = stamp
        loading = self._loading is not None and not self._loading.is_finished
        if (
            self._latest is None
            or self.lists is None
            or self._latest == self.lists.stamp
            or loading
            or time.monotonic() < self._next_reload
        ):
            return
        self.reload_lists()
