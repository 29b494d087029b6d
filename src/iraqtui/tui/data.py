"""What the app's thread workers call: open a connection in the calling thread, run a core
query or analysis, return plain models. Textual-free, so it can be tested and timed alone."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
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
from iraqtui.store.app_queries import QuoteRow, ReaderDoc

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
    quotes: tuple[QuoteRow, ...]


def load_lists(conn: sqlite3.Connection) -> Lists:
    from iraqtui.store.actor_queries import actor_summaries
    from iraqtui.store.event_queries import list_events
    from iraqtui.store.queries import source_summaries

    return Lists(
        tuple(source_summaries(conn)),
        tuple(actor_summaries(conn, include_unmentioned=True)),
        tuple(list_events(conn)),
        tuple(app_queries.quote_rows(conn)),
    )


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
    from iraqtui.analysis.compare import Target, characterise
    from iraqtui.errors import UnknownName
    from iraqtui.store.event_queries import event_by_key, list_events

    if kind == "event":
        event = event_by_key(conn, key)
        if event is None:
            raise UnknownName(f"no event with key {key!r}")
        target = Target("event", key, event.label)
    else:
        target = Target("actor", key, key)
    comparison = characterise(conn, target)
    shown = {c.outlet for c in comparison.columns}
    missing = tuple(o for o in app_queries.all_outlets(conn) if o not in shown)
    events = tuple(e.key for e in list_events(conn))
    return CompareData(comparison, missing, events)


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
