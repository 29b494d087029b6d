"""Run a core call in a thread worker with its own connection; post the result back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from textual.app import App
from textual.dom import DOMNode
from textual.message import Message
from textual.worker import Worker, get_current_worker

if TYPE_CHECKING:
    import sqlite3

    from iraqtui.tui.app import IraqApp

T = TypeVar("T")


class _HasApp(Protocol):
    @property
    def app(self) -> App[Any]: ...


def app_of(node: _HasApp) -> IraqApp:
    """The running app, typed as ours."""
    return cast("IraqApp", node.app)


@dataclass
class Fetched(Message):
    """A worker's result, delivered on the main thread to `deliver` (if its widget lives)."""

    node: DOMNode
    deliver: Callable[[Any], object]
    result: Any


@dataclass
class Failed(Message):
    """A worker's error, turned into one notification."""

    what: str
    error: BaseException


def fetch(
    node: DOMNode,
    job: Callable[[sqlite3.Connection], T],
    deliver: Callable[[T], object],
    *,
    group: str,
    what: str,
) -> Worker[None]:
    """Run `job(conn)` in a thread (a newer call in the same group supersedes it)."""
    from iraqtui.tui import data

    db_path = app_of(node).db_path
    return fetch_call(node, lambda: data.run(db_path, job), deliver, group=group, what=what)


def fetch_call(
    node: DOMNode,
    call: Callable[[], T],
    deliver: Callable[[T], object],
    *,
    group: str,
    what: str,
) -> Worker[None]:
    """Run `call()` in a thread and deliver its result on the main thread, as `fetch` does."""
    app = app_of(node)

    def work() -> None:
        worker = get_current_worker()
        try:
            result = call()
        except Exception as exc:  # every failure becomes a notification, never a traceback
            if not worker.is_cancelled:
                app.post_message(Failed(what, exc))
            return
        if not worker.is_cancelled:
            app.post_message(Fetched(node, deliver, result))

    return node.run_worker(
        work, thread=True, exclusive=True, group=group, exit_on_error=False, name=what
    )


# SQLite errors a user's file or another program can cause, said in words (not a bug).
_DATABASE_TROUBLE = {
    "readonly": "the database is read-only, so annotations and corrections cannot be saved",
    "locked": "another program (an ingest?) kept the database busy; try again in a moment",
    "busy": "another program (an ingest?) kept the database busy; try again in a moment",
    "malformed": "the database file is damaged; nothing was changed",
    "disk is full": "the disk is full; free some space and try again",
    "disk i/o error": "the disk reported an error reading or writing the database",
}


def describe_error(error: BaseException) -> str:
    """One sentence for the user: a known SQLite trouble in words, else the error itself."""
    import sqlite3

    from iraqtui.errors import IraqtuiError

    if isinstance(error, IraqtuiError):
        return str(error)
    if isinstance(error, sqlite3.DatabaseError):
        lowered = str(error).lower()
        for needle, words in _DATABASE_TROUBLE.items():
            if needle in lowered:
                return words
    return f"{type(error).__name__}: {error}"
