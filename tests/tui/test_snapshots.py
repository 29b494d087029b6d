"""Layout snapshots at the smallest supported terminal and a large one.

They change whenever the analysis of the seeds changes; re-record with
`pytest tests/tui/test_snapshots.py --snapshot-update` after checking the SVGs by eye.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from .helpers import make_app, settle, type_text

SIZES = [(80, 24), (160, 48)]


async def _open_source(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("1", "i")
    await type_text(pilot, "Quds Force")
    await pilot.press("enter", "enter")
    await settle(pilot)


async def _compare_qom(pilot: Pilot[None]) -> None:
    await settle(pilot)
    pilot.app.compare("event", "qom_truce")  # type: ignore[attr-defined]
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_main_screen_layout(snap_compare: Any, seeds_db_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(seeds_db_path), terminal_size=size, run_before=_open_source)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_compare_screen_layout(
    snap_compare: Any, seeds_db_path: Path, size: tuple[int, int]
) -> None:
    assert snap_compare(make_app(seeds_db_path), terminal_size=size, run_before=_compare_qom)
