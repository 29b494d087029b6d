"""A bug never ends in a traceback: it becomes a notification and the app keeps running."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.message_pump import MessagePump

from iraqtui.tui.screens.main import MainScreen
from iraqtui.tui.widgets import detail
from iraqtui.tui.widgets.sidebar import Sidebar

from .helpers import make_app, settle, type_text


def test_the_private_textual_hooks_we_rely_on_still_exist() -> None:
    """guard.py overrides them; a Textual upgrade that renames them must fail here."""
    assert callable(getattr(MessagePump, "_dispatch_message", None))
    assert callable(getattr(App, "_handle_exception", None))


async def _still_answers_keys(pilot: object, app: object) -> None:
    await pilot.press("escape", "2")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    assert app.screen.query_one(Sidebar).section == "actors"  # type: ignore[attr-defined]
    await pilot.press("question_mark")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    assert app.screen.__class__.__name__ == "HelpScreen"  # type: ignore[attr-defined]


async def test_an_error_in_a_message_handler_is_a_notification(
    seeds_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("sentence pane exploded")

    monkeypatch.setattr(detail, "sentence_lines", broken)  # used by a MainScreen handler
    app = make_app(seeds_db_path)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # open the first source: the reader announces a sentence
        await settle(pilot)
        assert any("sentence pane exploded" in e for e in app.errors)
        assert any("sentence pane exploded" in n.message for n in app._notifications)
        assert app.is_running
        await pilot.press("j")  # the same handler fails again, and is reported again
        await settle(pilot)
        assert sum("sentence pane exploded" in e for e in app.errors) >= 2
        await _still_answers_keys(pilot, app)


async def test_an_error_in_a_key_action_is_a_notification(
    seeds_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: MainScreen) -> None:
        raise RuntimeError("compare exploded")

    monkeypatch.setattr(MainScreen, "action_compare", broken)
    app = make_app(seeds_db_path)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert any("compare exploded" in e for e in app.errors)
        assert app.is_running
        await _still_answers_keys(pilot, app)


async def test_an_error_in_a_worker_is_a_notification(seeds_db_path: Path) -> None:
    def broken() -> None:
        raise RuntimeError("worker exploded")

    app = make_app(seeds_db_path)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        worker = app.run_worker(broken, thread=True)  # exit_on_error: Textual would exit
        for _ in range(50):
            await pilot.pause(0.02)
            if worker.is_finished:
                break
        await pilot.pause()
        assert any("worker exploded" in e for e in app.errors)
        assert any("worker exploded" in n.message for n in app._notifications)
        assert app.is_running
        await _still_answers_keys(pilot, app)


async def test_an_error_in_a_screen_worker_of_ours_is_a_notification(
    seeds_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from iraqtui.tui import data

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("actor query exploded")

    monkeypatch.setattr(data, "load_actor", broken)
    app = make_app(seeds_db_path)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("2", "i")
        await type_text(pilot, "Maliki")
        await settle(pilot)
        assert any("actor query exploded" in e for e in app.errors)
        await _still_answers_keys(pilot, app)
