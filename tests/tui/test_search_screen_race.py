"""A search that finishes while its screen is closing must not reach the dead screen.

Found by the monkey (seed 1, step 998: type, then Escape): results arrived while the screen
was being torn down, after its widgets had gone but before the screen itself was detached, so
`is_attached` still held and `query_one('#search-status')` raised NoMatches.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest

from iraqtui.analysis.search import LiveSearch
from iraqtui.models import SearchResult
from iraqtui.tui.screens.search import SearchScreen
from iraqtui.tui.widgets.row_list import RowList

from .helpers import make_app, settle, type_text


async def test_results_arriving_while_the_screen_closes_are_dropped(
    seeds_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = threading.Event()
    release_search = threading.Event()
    teardown_held = asyncio.Event()
    release_teardown = asyncio.Event()

    def slow_run(self: LiveSearch, query: str, **kwargs: Any) -> SearchResult | None:
        """A search that answers only when the test says so, after the screen began closing."""
        started.set()
        release_search.wait(timeout=30)
        on_first = kwargs.get("on_first")
        result = SearchResult(query, ())
        if on_first is not None:
            on_first(result)
        return result

    async def hold_unmount(self: RowList) -> None:
        """Keep the results list alive during teardown: the screen stays attached while its
        other widgets (the status line) are already gone, the window the monkey hit."""
        if self.id == "search-results":
            teardown_held.set()
            await release_teardown.wait()

    monkeypatch.setattr(LiveSearch, "run", slow_run)
    monkeypatch.setattr(RowList, "on_unmount", hold_unmount, raising=False)

    app = make_app(seeds_db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await type_text(pilot, "truce")
        await pilot.pause(0.2)
        assert await asyncio.to_thread(started.wait, 30), "the search worker started"

        # the key is handled once the screen is gone, so press it in a task
        escape = asyncio.create_task(pilot.press("escape"))
        await asyncio.wait_for(teardown_held.wait(), 30)
        assert not screen.query("#search-status"), "the status line is gone"
        assert screen.is_attached, "the screen itself is not detached yet"

        release_search.set()  # the results arrive now
        await app.workers.wait_for_complete()  # the worker ends once they were handed over
        release_teardown.set()
        await asyncio.wait_for(escape, 30)
        await settle(pilot)

        assert not isinstance(app.screen, SearchScreen)
        assert app.errors == []
