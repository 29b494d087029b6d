"""Shared fixtures: databases built through the real pipeline, and a CLI runner."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from iraqtui.cli import main
from iraqtui.config import bundled_seeds_dir
from iraqtui.ingest.pipeline import ingest
from iraqtui.store.db import open_db

SEEDS = bundled_seeds_dir()
SEED_FILES = sorted(p.name for p in SEEDS.glob("*.txt"))


@pytest.fixture(scope="session")
def seeds_db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled seeds ingested once per test session (read-only use, please)."""
    path = tmp_path_factory.mktemp("seeds") / "seeds.db"
    db = open_db(path)
    ingest(db.conn, [SEEDS], SEEDS)
    db.conn.close()
    return path


@pytest.fixture
def seeds_db(seeds_db_path: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(seeds_db_path)
    yield conn
    conn.close()


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A writable copy of the seed folder (texts and sidecars)."""
    target = tmp_path / "corpus"
    shutil.copytree(SEEDS, target)
    return target


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Run `iraqtui ARGS` in-process in a temporary working directory."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("IRAQTUI_DB", raising=False)

    def run(*args: str) -> Result:
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def run_command(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real installed `iraqtui` in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "iraqtui", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
