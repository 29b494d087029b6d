"""A seeded random walk of 1,000 key presses over every screen: no unhandled exception.

scripts/reliability/monkey.py runs 10,000. A failure names its seed; replay it with
`python scripts/reliability/monkey.py --seed SEED --keys N`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.reliability.monkey import walk

SEED = int(os.environ.get("IRAQTUI_MONKEY_SEED", "1"))
KEYS = int(os.environ.get("IRAQTUI_MONKEY_KEYS", "1000"))


@pytest.fixture
def monkey_db(hostile_db_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The seeds plus the hostile corpus (tests.reliability.monkey.monkey_database)."""
    monkeypatch.chdir(tmp_path)  # exports land here
    monkeypatch.setenv("IRAQTUI_KEYS", str(tmp_path / "no-keys.toml"))
    return hostile_db_copy


async def test_random_walk_raises_nothing(monkey_db: Path) -> None:
    result = await walk(monkey_db, SEED, KEYS)
    if result.bugs:
        bug = result.bugs[0]
        pytest.fail(
            f"seed {SEED}: {len(result.bugs)} unhandled exception(s); first after key "
            f"{bug.step} on {bug.screen} ({bug.what}): {bug.error}\n"
            f"last keys: {bug.keys}\n{bug.trace}"
        )
    # The walk really went places (a walk stuck on one screen would prove little).
    assert {"MainScreen", "SearchScreen", "HelpScreen"} <= result.screens, result.screens
