"""Fixtures for the reliability slice: the real command in a subprocess, hypothesis profiles."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# A slow, noisy 2-core CI machine: no per-example deadline, few examples; the scripts in
# scripts/reliability run the large numbers. HYPOTHESIS_PROFILE=thorough runs more here too.
settings.register_profile(
    "reliability",
    deadline=None,
    max_examples=40,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    print_blob=True,
)
settings.register_profile(
    "thorough",
    parent=settings.get_profile("reliability"),
    max_examples=2000,
)
RELIABILITY = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "reliability"))


def iraqtui(*args: str, cwd: Path, timeout: float = 300.0) -> subprocess.CompletedProcess[str]:
    """The real `iraqtui` in a subprocess, output decoded without hiding any byte."""
    env = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8:surrogateescape"}
    env.pop("IRAQTUI_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "iraqtui", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="surrogateescape",
        timeout=timeout,
        env=env,
    )


@pytest.fixture
def no_db_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Run in-process commands in a temporary folder with no IRAQTUI_DB set."""
    monkeypatch.delenv("IRAQTUI_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="session")
def hostile_db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds plus the hostile display corpus (escapes, markup and bidi controls in every
    printable field, the stored display text included), ingested once per session. Read
    only: take `hostile_db_copy` to write."""
    from tests.reliability.monkey import monkey_database

    return monkey_database(tmp_path_factory.mktemp("hostile-display"))


@pytest.fixture
def hostile_db_copy(hostile_db_path: Path, tmp_path: Path) -> Path:
    """A writable copy of the hostile display database."""
    target = tmp_path / "hostile.db"
    shutil.copy(hostile_db_path, target)
    return target
