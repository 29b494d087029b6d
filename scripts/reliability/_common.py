"""Shared by the reliability scripts: import path, a seeds database built the real way."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from iraqtui.config import bundled_seeds_dir  # noqa: E402
from iraqtui.ingest.pipeline import ingest  # noqa: E402
from iraqtui.store.db import open_db  # noqa: E402

SEEDS = bundled_seeds_dir()


def seeds_database(path: Path) -> Path:
    """The bundled seeds ingested into `path` through the real pipeline."""
    db = open_db(path)
    try:
        ingest(db.conn, [SEEDS], SEEDS)
    finally:
        db.conn.close()
    return path
