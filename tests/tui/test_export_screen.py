"""The export dialog: the file is written after the dialog has closed, and the user is told."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from iraqtui.tui import exporting

from .helpers import make_app, settle


async def test_a_slow_export_still_says_where_the_file_went(
    app_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = exporting.write_export

    def slow(*args: Any, **kwargs: Any) -> Path:
        time.sleep(0.3)  # the dialog is dismissed long before the file is written
        return real(*args, **kwargs)

    monkeypatch.setattr(exporting, "write_export", slow)
    app = make_app(app_db)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("1", "e")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        written = sorted(tmp_path.glob("*.md"))
        assert written, "no Markdown file in the working folder"
        shown = [n.message for n in app._notifications]
        assert any(m.startswith("Exported to ") and str(written[0]) in m for m in shown), shown
        assert app.errors == []
