"""Open the database with the right pragmas, refusing files we must not touch."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from iraqtui.errors import DatabaseBusy, DatabaseMissing, NotADatabase, SchemaTooNew
from iraqtui.store import schema

BUSY_TIMEOUT_S = 30.0


def connect(path: Path | str, *, readonly: bool = False) -> sqlite3.Connection:
    """A raw connection: foreign keys on and a generous busy timeout."""
    target = Path(path)
    if readonly:
        conn = sqlite3.connect(
            f"{target.resolve().as_uri()}?mode=ro",
            uri=True,
            timeout=BUSY_TIMEOUT_S,
            check_same_thread=False,
        )
    else:
        conn = sqlite3.connect(str(target), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def open_db(
    path: Path | str, *, create: bool = True, readonly: bool = False
) -> sqlite_utils.Database:
    """Open (and if allowed create or migrate) the database at `path`.

    A newer schema or a file that is not SQLite is refused before anything is written.
    """
    target = Path(path)
    if not target.exists() and (readonly or not create):
        raise DatabaseMissing(f"{target}: no such database (run `iraqtui ingest` to build one)")
    if target.exists() and target.is_dir():
        raise NotADatabase(f"{target}: is a folder, not a database file")
    if target.exists() and target.stat().st_size and not _looks_like_sqlite(target):
        raise NotADatabase(f"{target}: not an SQLite database; refusing to touch it")
    conn = connect(target, readonly=readonly)
    try:
        version = schema.stored_version(conn)
        if version > schema.SCHEMA_VERSION:
            raise SchemaTooNew(
                f"{target}: written by a newer iraqtui (schema {version}, this one reads "
                f"{schema.SCHEMA_VERSION}); upgrade iraqtui or use another --db. Left untouched."
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
