"""What the app's thread workers call: open a connection in the calling thread, run a core
query or analysis, return plain models. Textual-free, so it can be tested and timed alone."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from iraqtui.models import (
    ActorDetail,
    ActorSummary,
    EventSummary,
    QuoteRecord,
    SourceSummary,
)
from iraqtui.store import app_queries
from iraqtui.store.app_queries import CorpusStamp, QuoteRow, ReaderDoc

if TYPE_CHECKING:
    from iraqtui.analysis.compare import Comparison

T = TypeVar("T")


@contextmanager
def connection(db_path: Path) -> Iterator[sqlite3.Connection]:
    """A connection made in (and only used by) the calling thread."""
    from iraqtui.store.db import connect

    conn = connect(db_path)
    try:
        yield conn
    finally:
        conn.close()


def run(db_path: Path, fn: Callable[[sqlite3.Connection], T]) -> T:
    with connection(db_path) as conn:
        return fn(conn)


@dataclass(frozen=True)
class Lists:
    """The sidebar's four lists."""

    sources: tuple[SourceSummary, ...]
    actors: tuple[ActorSummary, ...]
    events: tuple[EventSummary, ...]
    quotes: Sequence[int]  # ids in list order: the rows are fetched a window at a time
    stamp: CorpusStamp  # what they were read from, to tell when the corpus has changed


def load_lists(conn: sqlite3.Connection) -> Lists:
    """All four lists from one snapshot (a read transaction), with the stamp of that snapshot."""
    from iraqtui.store.actor_queries import actor_summaries
    from iraqtui.store.event_queries import list_events
    from iraqtui.store.queries import source_summaries

    in_transaction = conn.in_transaction
    if not in_transaction:
        conn.execute("BEGIN")  # a concurrent ingest's commits cannot split the lists
    try:
        return Lists(
            tuple(source_summaries(conn)),
            tuple(actor_summaries(conn, include_unmentioned=True)),
            tuple(list_events(conn)),
            app_queries.quote_list_ids(conn),
            app_queries.corpus_stamp(conn),
        )
    finally:
        if not in_transaction:
            conn.rollback()


class CorpusWatch:
    """Tells cheaply whether another connection (an `iraqtui ingest`) changed the corpus.

    One long-lived connection asks `PRAGMA data_version`, which changes only when some other
    connection commits; only then is the corpus stamp read. Called from thread workers, one
    at a time (the lock), so the connection is never used by two threads at once.
    """

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._version: int | None = None

    def poll(self) -> CorpusStamp | None:
        """The corpus stamp if anything was committed since the last poll, else None."""
        from iraqtui.store.db import connect

        with self._lock:
            if self._conn is None:
                if not self.db_path.is_file():  # connecting would create an empty database
                    return None
                self._conn = connect(self.db_path)
            (version,) = self._conn.execute("PRAGMA data_version").fetchone()
            if version == self._version:
                return None
            self._version = int(version)
            return app_queries.corpus_stamp(self._conn)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def change_note(before: CorpusStamp, after: CorpusStamp) -> str:
    """One line telling the user what another program's ingest changed."""
    added = after.sources - before.sources
    if added > 0:
        what = f"{added} new source{'s' if added != 1 else ''}"
    elif added < 0:
        what = f"{-added} source{'s' if added != -1 else ''} removed"
    else:
        what = "the corpus changed"
    return f"{what} (now {after.sources}): the lists are updated"


def load_quote_list(conn: sqlite3.Connection, needle: str = "") -> Sequence[int]:
    """The ids of the Quotes list, those matching `needle` when one is given."""
    return app_queries.quote_list_ids(conn, needle)


def load_quotes(conn: sqlite3.Connection, ids: Sequence[int]) -> list[QuoteRow | None]:
    """A window of the Quotes list (None where a quote is gone since the ids were read)."""
    return app_queries.quotes_by_ids(conn, ids)


def load_reader(conn: sqlite3.Connection, source_id: int) -> ReaderDoc | None:
    return app_queries.reader_doc(conn, source_id)


def load_actor(conn: sqlite3.Connection, name: str) -> ActorDetail:
    from iraqtui.store.actor_queries import actor_detail

    return actor_detail(conn, name)


def load_quote(conn: sqlite3.Connection, quote_id: int) -> QuoteRecord | None:
    from iraqtui.store.quote_queries import quote_records

    records = quote_records(conn, [quote_id])
    return records[0] if records else None


@dataclass(frozen=True)
class CompareData:
    """A comparison plus what the screen needs around it."""

    comparison: Comparison
    missing: tuple[str, ...]  # outlets in the database that say nothing about it
    events: tuple[str, ...]  # every event key in date order, to step to the next one


def load_compare(conn: sqlite3.Connection, kind: str, key: str) -> CompareData:
    """What the compare screen shows, bounded for large events: an outlet
    with more than SCREEN_SAMPLE sentences is shown and characterised by an evenly spaced
    sample of them (its columns say so), and events are listed without counting their
    sentences. Runs in the screen's worker."""
    from iraqtui.analysis.compare import SCREEN_SAMPLE, Target, characterise
    from iraqtui.errors import UnknownName
    from iraqtui.store.app_queries import all_outlets
    from iraqtui.store.event_queries import event_keys

    events = event_keys(conn)
    if kind == "event":
        label = dict(events).get(key)
        if label is None:
            raise UnknownName(f"no event with key {key!r}")
        target = Target("event", key, label)
    else:
        target = Target("actor", key, key)
    comparison = characterise(conn, target, sample=SCREEN_SAMPLE)
    shown = {c.outlet for c in comparison.columns}
    missing = tuple(o for o in all_outlets(conn) if o not in shown)
    return CompareData(comparison, missing, tuple(k for k, _label in events))


def save_note(
    conn: sqlite3.Connection,
    target: str,
    kind: str,
    value: str,
    file: str | None,
    span: tuple[int, int] | None,
) -> int:
    return app_queries.add_note(conn, target, kind, value, file=file, span=span)


def save_correction(
    conn: sqlite3.Connection, table: str, row_id: int, field: str, value: str
) -> int:
    from iraqtui.store import annotations

    if table == "quotes":
        where = annotations.locate_quote(conn, row_id)
    else:
        where = annotations.locate_sentence(conn, row_id)
    return annotations.set_correction(conn, where, field, value)
