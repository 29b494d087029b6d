"""First work after the first paint: open (or build from the bundled seeds) the database."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from iraqtui.ingest.pipeline import Progress
    from iraqtui.tui.app import IraqApp
    from iraqtui.tui.screens.lists import ListsScreen


def prepare_database(app: IraqApp, screen: ListsScreen) -> None:
    """Runs in a thread worker: build the database if it is missing, then say it is ready."""
    from iraqtui.errors import IraqtuiError
    from iraqtui.store.db import is_read_only, open_db

    path = app.db_path
    read_only = False
    try:
        if path.exists():
            # Refuses a newer schema or a non-database early; a file this process cannot
            # write is opened read-only and never migrated, built or ingested into.
            read_only = is_read_only(path)
            open_db(path, readonly=read_only).conn.close()
            note = None
        else:
            note = _build(app, screen)
    except IraqtuiError as exc:
        app.call_from_thread(app.report_error, "opening the database", exc)
        return
    except Exception as exc:  # a bug must not end in a traceback either
        app.call_from_thread(app.report_error, "opening the database", exc)
        return
    app.call_from_thread(screen.database_ready, note, read_only)


def _build(app: IraqApp, screen: ListsScreen) -> str:
    import os

    from iraqtui.errors import CorpusNotFound, ReadOnlyDatabase
    from iraqtui.ingest.pipeline import ingest
    from iraqtui.store.db import open_db

    seeds = app.seeds_dir
    if seeds is None or not seeds.is_dir():
        raise CorpusNotFound(f"{app.db_path} does not exist and the bundled seeds are missing")
    folder = app.db_path.parent
    if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK, effective_ids=True):
        raise ReadOnlyDatabase(
            f"{app.db_path} does not exist and its folder is read-only, so it cannot be built "
            "there; pick another --db"
        )

    def progress(step: Progress) -> None:
        label = (
            f"Building {app.db_path} from the bundled seeds: {step.done}/{step.total} {step.file}"
        )
        app.call_from_thread(screen.show_progress, step.done, step.total, label)

    app.call_from_thread(
        screen.show_progress, 0, 1, f"Building {app.db_path} from the bundled seeds…"
    )
    db = open_db(app.db_path)
    try:
        report = ingest(db.conn, [seeds], seeds, progress=progress)
    finally:
        db.conn.close()
    return f"Built {app.db_path} from the bundled seeds: {len(report.ingested)} sources."
