"""Settings built once by the CLI and handed down: database path, bundled seeds, thresholds."""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

DEFAULT_DB_NAME = "iraq.db"
DB_ENV_VAR = "IRAQTUI_DB"


def resolve_db_path(cli_value: str | None) -> Path:
    """`--db` wins, then `IRAQTUI_DB`, then `iraq.db` in the working directory."""
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get(DB_ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser()
    return Path(DEFAULT_DB_NAME)


def bundled_seeds_dir() -> Path:
    """The demo corpus: inside the installed package, else the repository's `seeds/`."""
    packaged = Path(str(resources.files("iraqtui"))) / "seeds"
    if packaged.is_dir():
        return packaged
    # An editable install keeps the seeds at the repository root, two levels above src/iraqtui.
    return Path(__file__).resolve().parents[2] / "seeds"


@dataclass(frozen=True)
class Settings:
    """What every command needs to know about where things are."""

    db_path: Path
    seeds_dir: Path

    @classmethod
    def from_cli(cls, db: str | None) -> Settings:
        return cls(db_path=resolve_db_path(db), seeds_dir=bundled_seeds_dir())
