"""Drive the app headless: wait for its workers, read what a user would see."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from iraqtui.config import bundled_seeds_dir
from iraqtui.tui.app import IraqApp


def make_app(db: Path) -> IraqApp:
    return IraqApp(db, bundled_seeds_dir())


async def settle(pilot: Pilot[None], rounds: int = 3) -> None:
    """Let thread workers finish and their results reach the screen."""
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause(0.05)


def screen_text(app: IraqApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def type_text(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])


def reader_text(app: IraqApp) -> str:
    """What the reader draws (labels included), before wrapping."""
    from iraqtui.tui.widgets.reader import ParagraphView

    return "\n".join(str(view.render()) for view in app.screen.query(ParagraphView))
