"""Full-text search: FTS5 syntax for those who know it, plain words for everyone else."""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from functools import partial
from typing import Protocol

from iraqtui.errors import BadQuery
from iraqtui.models import HIT_CLOSE, HIT_OPEN, SearchHit, SearchResult
from iraqtui.store.queries import first_paragraphs, search_paragraphs
from iraqtui.textsafe import sanitize

_WORD = re.compile(r"[\w'’]+(?:-[\w'’]+)*\*?")
_PREFIX = re.compile(r"(?<![\w\"])(\w{5,})\*")
MAX_QUERY_CHARS = 1000


_OPERATORS = frozenset(["AND", "OR", "NOT", "NEAR"])


def plain_terms(query: str) -> str:
    """Each word as a quoted FTS5 phrase (hyphenated words stay together, `word*` a prefix).
    Operators written in capitals are dropped, not searched for as words, unless there is
    nothing else; if one was OR, any of the words will do ("wall OR OR truce" finds either)."""
    parts: list[str] = []
    operators: list[str] = []
    for token in _WORD.findall(query):
        prefix = token.endswith("*")
        word = token.rstrip("*").strip("'’")
        if not word or not any(ch.isalnum() for ch in word):
            continue
        phrase = f'"{word}"*' if prefix else f'"{word}"'
        (operators if word in _OPERATORS and not prefix else parts).append(phrase)
    if not parts:
        return " ".join(operators)
    return (" OR " if '"OR"' in operators else " ").join(parts)


class _Fetch(Protocol):
    def __call__(
        self,
        conn: sqlite3.Connection,
        match: str,
        *,
        limit: int,
        outlet: str | None,
        include_boilerplate: bool,
    ) -> list[SearchHit]: ...


def search(
    conn: sqlite3.Connection,
    query: str,
    *,
    limit: int = 20,
    outlet: str | None = None,
    include_boilerplate: bool = False,
) -> SearchResult:
    """Ranked paragraphs for `query`; a malformed FTS5 query runs again as plain words."""
    return _run(conn, query, search_paragraphs, limit, outlet, include_boilerplate)


def first_hits(
    conn: sqlite3.Connection,
    query: str,
    *,
    limit: int = 20,
    outlet: str | None = None,
    include_boilerplate: bool = False,
) -> tuple[SearchResult, bool]:
    """The first matches in index order (about a millisecond for any query), to show while
    the ranked search runs, and whether they are every match; if so the ranked result is
    included (ranking that few rows is as cheap) and the ranked search can be skipped."""
    complete = [True]

    def fetch(
        conn: sqlite3.Connection,
        match: str,
        *,
        limit: int,
        outlet: str | None,
        include_boilerplate: bool,
    ) -> list[SearchHit]:
        hits, complete[0] = first_paragraphs(
            conn, match, limit=limit, outlet=outlet, include_boilerplate=include_boilerplate
        )
        if complete[0] and hits:
            return search_paragraphs(
                conn, match, limit=limit, outlet=outlet, include_boilerplate=include_boilerplate
            )
        return hits

    result = _run(conn, query, fetch, limit, outlet, include_boilerplate)
    return result, complete[0]


def _cleaned(query: str) -> str:
    """The query as searched (no NULs, trimmed, capped); BadQuery if it has no word."""
    cleaned = query.replace("\x00", " ").strip()[:MAX_QUERY_CHARS]
    if not _WORD.search(cleaned) or not any(ch.isalnum() for ch in cleaned):
        raise BadQuery(f"nothing to search for in {sanitize(query)!r}: type at least one word")
    return cleaned


def _run(
    conn: sqlite3.Connection,
    query: str,
    fetch: _Fetch,
    limit: int,
    outlet: str | None,
    include_boilerplate: bool,
) -> SearchResult:
    cleaned = _cleaned(query)
    run = partial(fetch, conn, limit=limit, outlet=outlet, include_boilerplate=include_boilerplate)
    try:
        hits = run(cleaned)
        if not hits and _PREFIX.search(cleaned):
            return _shortened_prefixes(run, cleaned)
        return SearchResult(cleaned, tuple(hits))
    except sqlite3.OperationalError as exc:
        if "interrupted" in str(exc):
            raise
        problem = str(exc).removeprefix("fts5: ")
    plain = plain_terms(cleaned)
    if not plain:
        raise BadQuery(f"cannot search for {sanitize(query)!r} ({problem})")
    try:
        hits = run(plain)
    except sqlite3.OperationalError as exc:
        if "interrupted" in str(exc):
            raise
        raise BadQuery(f"cannot search for {sanitize(query)!r} ({exc})") from None
    note = f"not valid FTS5 syntax ({problem}); searched for the words {plain}"
    return SearchResult(cleaned, tuple(hits), fell_back=True, note=note)


def _shortened_prefixes(run: Callable[[str], list[SearchHit]], query: str) -> SearchResult:
    """The index holds stems ("negotiations" is stored as "negoti"), so a prefix such as
    `negotiat*` can miss; retry with the prefix one, two, then three letters shorter."""
    for cut in (1, 2, 3):
        shorter = _PREFIX.sub(partial(_trim_prefix, cut=cut), query)
        if shorter == query:
            break
        hits = run(shorter)
        if hits:
            note = f"no hits for {query}; the index stores word stems, so showing {shorter}"
            return SearchResult(query, tuple(hits), note=note)
    return SearchResult(query, ())


def _trim_prefix(match: re.Match[str], cut: int) -> str:
    word = match.group(1)
    return word[: max(4, len(word) - cut)] + "*"


def render_snippet(snippet: str, open_mark: str, close_mark: str) -> str:
    """Swap the hit markers for whatever the output needs (ANSI, Markdown, nothing)."""
    return sanitize(snippet).replace(HIT_OPEN, open_mark).replace(HIT_CLOSE, close_mark)


class LiveSearch:
    """Search as you type: each `run` supersedes the one before and interrupts its SQL.

    Call `run` from worker threads (any number at once). Each run asks its two questions at
    once, on two connections: the ranked search in the calling thread, and the first hits
    on one of LiveSearch's own `FIRST_HITS_THREADS`, so the ranked result is never held up
    by the first hits (two queries on two cores), and it needs no hand-over between threads
    (the first hits, a millisecond's work with 50 ms to spare, take that wait instead).
    Connections come from `connect`, are kept for reuse, and serve one query at a time. A
    new `run` (or `cancel`) calls `interrupt()` on every connection still busy, so a
    superseded query stops within milliseconds instead of holding a core for a second; a
    progress handler catches the moment between two statements, when an interrupt would be
    lost. A superseded `run` returns None.
    """

    FIRST_HITS_THREADS = 2  # a superseded run's first hits winding down never delay the next
    IDLE_CONNECTIONS = 4  # two per run, and a run's two while the next one starts

    def __init__(self, connect: Callable[[], sqlite3.Connection]) -> None:
        self._connect = connect
        self._lock = threading.Lock()
        self._latest = 0
        self._running: dict[sqlite3.Connection, int] = {}  # busy connection -> its run
        self._idle: list[sqlite3.Connection] = []
        self._closed = False
        self._first_hits = ThreadPoolExecutor(
            self.FIRST_HITS_THREADS, thread_name_prefix="iraqtui-first-hits"
        )

    def cancel(self) -> None:
        """Stop whatever is running (the query box was cleared, the screen closed)."""
        with self._lock:
            self._latest += 1
            self._interrupt(lambda _run: True)

    def run(
        self,
        query: str,
        *,
        limit: int = 50,
        outlet: str | None = None,
        include_boilerplate: bool = False,
        on_first: Callable[[SearchResult], None] | None = None,
    ) -> SearchResult | None:
        """First hits (to `on_first`, as soon as they are found), then the ranked result;
        None if superseded. Raises BadQuery like `search`.

        `on_first` is called once, before `run` returns: with the first hits, from a thread
        of LiveSearch's own, or, should the ranked hits be found first, with those, from
        the calling thread (the first hits are then stopped). A superseded `run` returns
        once both of its queries have stopped.
        """
        _cleaned(query)  # a query with no word fails here, before any SQL starts
        find_first: Callable[[sqlite3.Connection], tuple[SearchResult, bool]] = partial(
            first_hits,
            query=query,
            limit=limit,
            outlet=outlet,
            include_boilerplate=include_boilerplate,
        )
        done = threading.Event()  # set once the first hits are no longer wanted
        stopped_first = False  # stopped because the ranked hits came first
        first_shown = threading.Event()  # set (under the lock) once they go to `on_first`
        with self._lock:
            if self._closed:
                return None
            self._latest += 1
            ticket = self._latest
            self._interrupt(lambda _run: True)
            first = self._first_hits.submit(
                self._first, ticket, done, first_shown, find_first, on_first
            )
        try:
            conn = self._checkout(ticket, done)
            try:
                ranked = search(
                    conn, query, limit=limit, outlet=outlet, include_boilerplate=include_boilerplate
                )
            finally:
                self._checkin(conn)
            if ticket != self._latest:
                return None
            with self._lock:
                if not first_shown.is_set():  # the ranked hits came first: stop the others
                    done.set()
                    self._interrupt(lambda run: run == ticket)
            if first_shown.is_set():
                first.result()  # the first hits are on screen before the ranked result
            else:
                # Not waiting for the first-hits query to notice it was stopped: the ranked
                # result goes out now (that query frees its thread and connection itself).
                stopped_first = True
                first.cancel()
                if first.done() and not first.cancelled() and first.exception() is not None:
                    first.result()  # the first hits failed (not stopped): a bug, raise it
                if on_first is not None:
                    on_first(ranked)
            return ranked if ticket == self._latest else None
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):
                return None
            raise
        finally:
            done.set()
            with self._lock:
                self._interrupt(lambda run: run == ticket)
            if not first.cancel() and not stopped_first:
                wait([first])  # superseded or failed: both queries end before `run` does

    def close(self) -> None:
        """Stop what is running, end LiveSearch's threads, close the idle connections."""
        with self._lock:
            self._closed = True
            self._latest += 1
            self._interrupt(lambda _run: True)
            self._first_hits.shutdown(wait=False, cancel_futures=True)
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def _first(
        self,
        ticket: int,
        done: threading.Event,
        first_shown: threading.Event,
        find_first: Callable[[sqlite3.Connection], tuple[SearchResult, bool]],
        on_first: Callable[[SearchResult], None] | None,
    ) -> None:
        """On a first-hits thread: the first hits, to `on_first` unless the ranked hits
        came first or the run is over."""
        if done.is_set() or ticket != self._latest:
            return
        conn = self._checkout(ticket, done)
        try:
            hits, _complete = find_first(conn)
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):
                return
            raise
        finally:
            self._checkin(conn)
        with self._lock:
            if done.is_set() or ticket != self._latest:
                return
            first_shown.set()
        if on_first is not None:
            on_first(hits)

    def _checkout(self, ticket: int, done: threading.Event) -> sqlite3.Connection:
        """A connection for this thread alone, marked busy for `ticket` (so it can be
        interrupted), whose progress handler stops it once superseded or not wanted."""
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            conn = self._connect()
        conn.set_progress_handler(lambda: int(ticket != self._latest or done.is_set()), 2000)
        with self._lock:
            self._running[conn] = ticket
        return conn

    def _checkin(self, conn: sqlite3.Connection) -> None:
        conn.set_progress_handler(None, 0)
        with self._lock:
            del self._running[conn]
            keep = not self._closed and len(self._idle) < self.IDLE_CONNECTIONS
            if keep:
                self._idle.append(conn)
        if not keep:
            conn.close()

    def _interrupt(self, which: Callable[[int], bool]) -> None:
        """Interrupt the busy connections of the runs `which` picks (hold the lock)."""
        for conn, run in self._running.items():
            if which(run):
                conn.interrupt()
