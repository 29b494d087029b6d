"""What a database was built from: the files and folders given to ingest, and the gazetteer and
catalogue each was given with `--actors` / `--events`, so a plain `iraqtui ingest` refreshes
every folder with its own sidecars (never the bundled ones in their place)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from iraqtui.store import writer

PATHS_KEY = "ingested_paths"
SIDECARS_KEY = "ingest_sidecars"  # {resolved path: {"actors": file or null, "events": ...}}


@dataclass(frozen=True)
class GivenSidecars:
    """The `--actors` and `--events` files a path was last ingested with (None: not given)."""

    actors: Path | None = None
    events: Path | None = None


def remember(conn: sqlite3.Connection, given: dict[Path, GivenSidecars]) -> None:
    """Record the paths given to ingest and the sidecar files each was given with."""
    known = [str(p) for p in known_paths(conn, existing_only=False)]
    stored = _load(conn, SIDECARS_KEY, {})
    if not isinstance(stored, dict):
        stored = {}
    for path, files in given.items():
        resolved = str(path.resolve())
        if resolved not in known:
            known.append(resolved)
        stored[resolved] = {
            "actors": str(files.actors.resolve()) if files.actors else None,
            "events": str(files.events.resolve()) if files.events else None,
        }
    with writer.transaction(conn):
        writer.set_meta(conn, PATHS_KEY, json.dumps(known))
        writer.set_meta(conn, SIDECARS_KEY, json.dumps(stored, sort_keys=True))


def known_paths(conn: sqlite3.Connection, *, existing_only: bool = True) -> list[Path]:
    """The files and folders this database was built from."""
    raw = _load(conn, PATHS_KEY, [])
    paths = [Path(p) for p in raw if isinstance(p, str)] if isinstance(raw, list) else []
    return [p for p in paths if p.exists()] if existing_only else paths


def known_sidecars(conn: sqlite3.Connection) -> dict[Path, GivenSidecars]:
    """The sidecar files each known path was last ingested with (paths given none are absent)."""
    raw = _load(conn, SIDECARS_KEY, {})
    found: dict[Path, GivenSidecars] = {}
    for path, entry in raw.items() if isinstance(raw, dict) else ():
        if not isinstance(entry, dict):
            continue
        actors, events = entry.get("actors"), entry.get("events")
        given = GivenSidecars(
            Path(actors) if isinstance(actors, str) else None,
            Path(events) if isinstance(events, str) else None,
        )
        if given.actors or given.events:
            found[Path(path)] = given
    return found


def root_of(path: Path) -> Path:
    """The folder a given path's files are read from (a file's own folder)."""
    resolved = path.resolve()
    return resolved if resolved.is_dir() else resolved.parent


def _load(conn: sqlite3.Connection, key: str, default: Any) -> Any:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    try:
        return json.loads(row[0]) if row else default
    except (ValueError, TypeError):
        return default
