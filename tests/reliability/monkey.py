"""A seeded random walk of key presses through the app, counting unhandled exceptions.

The app turns an exception in a handler into an error notification (and keeps running);
`MonkeyApp` records every error that is not an IraqtuiError (a user-caused error with its
own clear message) together with the keys pressed before it, so a failure can be replayed
with the same seed.
"""

from __future__ import annotations

import random
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from iraqtui.config import bundled_seeds_dir
from iraqtui.errors import IraqtuiError
from iraqtui.tui import app as app_module
from iraqtui.tui.app import IraqApp
from tests.reliability.hostile import FORBIDDEN_OUTPUT

# Every key bound on any screen, movement and editing keys, and text a user might type
# (markup and quote marks included). Never: q / ctrl+q / ctrl+c (quit: the walk would end)
# or ctrl+z (suspend the test process).
BOUND = (
    *"?T12345ifcAersdhlomjkx{}gGa",
    *("f1", "slash", "escape", "backspace", "left", "right", "up", "down", "delete"),
    *("ctrl+n", "ctrl+k", "ctrl+d", "ctrl+u", "pagedown", "pageup", "home", "end"),
    *("enter", "tab", "shift+tab", "ctrl+p", "ctrl+f", "space", "ctrl+a", "ctrl+e"),
)
TYPED = (
    *"abcdefghijklmnoprstuvwxyzABSMQ0123456789",
    *("left_square_bracket", "right_square_bracket", "quotation_mark", "apostrophe"),
    *("asterisk", "hyphen", "full_stop", "comma", "colon", "at", "equals_sign", "slash"),
    *("é", "ü", "“", "”"),
)


def next_key(rng: random.Random, typing: bool) -> str:
    """Mostly text while an input has focus, mostly bound keys elsewhere: screens get
    opened and then actually used."""
    if typing:
        return str(rng.choice(TYPED) if rng.random() < 0.7 else rng.choice(BOUND))
    return str(rng.choice(BOUND) if rng.random() < 0.9 else rng.choice(TYPED))


@dataclass
class Bug:
    seed: int
    step: int
    keys: list[str]
    screen: str
    what: str
    error: str
    trace: str


class MonkeyApp(IraqApp):
    """The app, with every non-user error recorded instead of only shown."""

    # A relative CSS_PATH is resolved beside the subclass's module: point at the app's own.
    CSS_PATH = str(Path(app_module.__file__).parent / "styles" / "app.tcss")

    def __init__(self, db_path: Path) -> None:
        super().__init__(db_path, bundled_seeds_dir())
        self.bugs: list[tuple[str, BaseException, str]] = []

    def report_error(self, what: str, error: BaseException) -> None:
        if not isinstance(error, IraqtuiError):
            trace = "".join(traceback.format_exception(error))
            self.bugs.append((what, error, trace))
        super().report_error(what, error)


@dataclass
class Walk:
    seed: int
    keys: int
    screens: set[str] = field(default_factory=set)
    bugs: list[Bug] = field(default_factory=list)
    quits: int = 0
    seconds: float = 0.0


async def walk(db: Path, seed: int, keys: int, size: tuple[int, int] = (80, 24)) -> Walk:
    """Press `keys` random keys (seeded) and return what broke, if anything."""
    import time

    from textual.pilot import Pilot
    from textual.widgets import Input, TextArea

    rng = random.Random(seed)
    result = Walk(seed, keys)
    started = time.perf_counter()
    pressed: list[str] = []
    app = MonkeyApp(db)
    async with app.run_test(size=size) as pilot:
        await _settle(pilot)
        for step in range(keys):
            key = next_key(rng, isinstance(app.focused, (Input, TextArea)))
            pressed.append(key)
            await pilot.press(key)
            result.screens.add(type(app.screen).__name__)
            if step % 50 == 49:
                await _settle(pilot)
                leak = _control_on_screen(app)
                if leak is not None:
                    app.bugs.append(("control character on screen", ValueError(leak), ""))
            while app.bugs:
                what, error, trace = app.bugs.pop(0)
                result.bugs.append(
                    Bug(
                        seed,
                        step,
                        pressed[-40:],
                        type(app.screen).__name__,
                        what,
                        f"{type(error).__name__}: {error}",
                        trace,
                    )
                )
            if not app.is_running:  # something closed the app: count it, start again
                break
        await _settle(pilot)
        assert isinstance(pilot, Pilot)
    result.seconds = time.perf_counter() - started
    return result


def _control_on_screen(app: IraqApp) -> str | None:
    """The first screen line holding a terminal control character (corpus text must have
    been sanitised before it reached a widget), or None."""
    for strip in app.screen._compositor.render_strips():
        if FORBIDDEN_OUTPUT.search(strip.text):
            return repr(strip.text)
    return None


async def _settle(pilot: object) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def monkey_database(folder: Path) -> Path:
    """The bundled seeds plus the hostile corpus (escapes and markup everywhere)."""
    from iraqtui.ingest.pipeline import ingest
    from iraqtui.store.db import open_db
    from tests.reliability.hostile import write_display_corpus

    seeds = bundled_seeds_dir()
    write_display_corpus(folder / "corpus", seeds)
    db = folder / "monkey.db"
    handle = open_db(db)
    try:
        ingest(handle.conn, [seeds], seeds)
        ingest(handle.conn, [folder / "corpus"], seeds)
    finally:
        handle.conn.close()
    return db
