"""Open the database with the right pragmas, refusing files we must not touch."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import sqlite_utils

from iraqtui.errors import (
    DatabaseBusy,
    DatabaseMissing,
    NotADatabase,
    ReadOnlyDatabase,
    SchemaTooNew,
)
from iraqtui.store import schema

BUSY_TIMEOUT_S = 30.0


def connect(path: Path | str, *, readonly: bool = False) -> sqlite3.Connection:
    """A raw connection: foreign keys on and a generous busy timeout; read-only when asked,
    or when this process cannot write the file (writes then fail as "readonly database")."""
    target = Path(path)
    if readonly or is_read_only(target):
        conn = _connect_readonly(target)
    else:
        conn = sqlite3.connect(str(target), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _connect_readonly(target: Path) -> sqlite3.Connection:
    uri = target.resolve().as_uri()
    conn = sqlite3.connect(
        f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S, check_same_thread=False
    )
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()
        if _writable(target.resolve().parent):
            raise
    # A WAL database in a folder we cannot write to: SQLite cannot make its -shm file.
    # Nobody can be writing to it (that would need the same file), so read it as immutable.
    return sqlite3.connect(
        f"{uri}?mode=ro&immutable=1", uri=True, timeout=BUSY_TIMEOUT_S, check_same_thread=False
    )


def _writable(path: Path) -> bool:
    """Whether this process can write `path` (asked of the OS, so it holds for root too).

    A database file is asked about with access(2), never opened: closing any descriptor of
    the file drops every POSIX lock this process holds on it, including the locks of its
    open SQLite connections, and another process could then write over their transactions.
    """
    if path.is_dir():
        return os.access(path, os.W_OK | os.X_OK, effective_ids=True) and _probe_dir(path)
    return os.access(path, os.W_OK, effective_ids=True)


def _probe_dir(path: Path) -> bool:
    import tempfile

    try:
        with tempfile.TemporaryFile(dir=path):
            return True
    except OSError:
        return False


def is_read_only(path: Path | str) -> bool:
    """An existing database file this process may read but not write."""
    target = Path(path)
    return target.is_file() and not _writable(target)


def require_writable(path: Path | str, what: str) -> None:
    """Refuse early, in one sentence, a command that must write to a read-only database."""
    if is_read_only(path):
        raise ReadOnlyDatabase(
            f"{path}: the database file is read-only, and {what} needs to write to it; "
            "check its permissions or copy it somewhere writable"
        )


def open_db(
    path: Path | str, *, create: bool = True, readonly: bool = False
) -> sqlite_utils.Database:
    """Open (and if allowed create or migrate) the database at `path`.

    A newer schema or a file that is not SQLite is refused before anything is written. A
    file this process cannot write is opened read-only (see `is_read_only` for a notice).
    """
    target = Path(path)
    if not readonly and is_read_only(target):
        readonly = True
    if not target.exists() and (readonly or not create):
        raise DatabaseMissing(f"{target}: no such database (run `iraqtui ingest` to build one)")
    if target.exists() and target.is_dir():
        raise NotADatabase(f"{target}: is a folder, not a database file")
    if target.exists() and target.stat().st_size and not _looks_like_sqlite(target):
        raise NotADatabase(f"{target}: not an SQLite database; refusing to touch it")
    if not target.exists() and not target.parent.is_dir():
        raise DatabaseMissing(
            f"{target}: the folder {target.parent} does not exist; create it or pick another --db"
        )
    try:
        conn = connect(target, readonly=readonly)
    except sqlite3.Error as exc:
        raise NotADatabase(f"{target}: cannot open ({exc})") from None
    try:
        version = schema.stored_version(conn)
        if version > schema.SCHEMA_VERSION:
            raise SchemaTooNew(
                f"{target}: written by a newer iraqtui (schema {version}, this one reads "
                f"{schema.SCHEMA_VERSION}); upgrade iraqtui or use another --db. Left untouched."
            )
        if readonly and version < schema.SCHEMA_VERSION:
            raise ReadOnlyDatabase(
                f"{target}: written by an older iraqtui and read-only, so it cannot be "
                "upgraded; make it writable or copy it somewhere writable"
            )
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            db = sqlite_utils.Database(conn)
            schema.migrate(db, version)
            return db
        return sqlite_utils.Database(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        text = str(exc)
        if "locked" in text or "busy" in text:
            raise DatabaseBusy(
                f"{target}: another program is writing to it; try again when it finishes"
            ) from None
        raise NotADatabase(
            f"{target}: unreadable database ({text}); refusing to touch it"
        ) from None
    except BaseException:
        conn.close()
        raise


def _looks_like_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False
