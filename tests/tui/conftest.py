"""Fixtures for the app tests: fresh databases built through the real pipeline."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def app_db(seeds_db_path: Path, tmp_path: Path) -> Path:
    """A private copy of the seeds database (tests may write annotations to it)."""
    target = tmp_path / "app.db"
    shutil.copy(seeds_db_path, target)
    return target


@pytest.fixture(autouse=True)
def _no_user_keymap(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The developer's own keys.toml must not change what the tests press."""
    monkeypatch.setenv("IRAQTUI_KEYS", str(tmp_path / "no-keys.toml"))
    monkeypatch.chdir(tmp_path)
