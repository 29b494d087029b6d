"""A seeded random walk of key presses through the app, counting unhandled exceptions.

The app turns an exception in a handler into an error notification (and keeps running);
`MonkeyApp` records every error that is not an IraqtuiError (a user-caused error with its
own clear message) together with the keys pressed before it, so a failure can be replayed
with the same seed.
"""

from __future__ import annotations

import asyncio
import random
import traceback
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from iraqtui.config import bundled_seeds_dir
from iraqtui.errors import IraqtuiError
from iraqtui.tui import app as app_module
from iraqtui.tui.app import IraqApp
from iraqtui.tui.screens.search import DEBOUNCE_S, SearchScreen
from tests.reliability.hostile import UNSAFE_ON_SCREEN

if TYPE_CHECKING:
    from textual.app import App
    from textual.pilot import Pilot

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
            await press(pilot, key)
            result.screens.add(type(app.screen).__name__)
            if step % 50 == 49:
                await _settle(pilot)
                leak = _control_on_screen(app)
                if leak is not None:
                    app.bugs.append(("control or bidi character on screen", ValueError(leak), ""))
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


# A key goes from the app to the screen to the focused widget, and what it changes bubbles
# back up: each round lets every node on the screen handle what is queued for it. After
# one round, the workers and a second round, the screen, focus or input text were still
# changing after about 2 keys in 100 (then the next key is handled after that, in order,
# as with Pilot.press); each further round costs about as much again as the whole wait.
ROUNDS = 1


async def press(pilot: Pilot[Any], key: str) -> None:
    """Send one key as Pilot.press does, then wait until the app has dealt with it: its
    messages handled, animations done, the search box's debounce elapsed, and every worker
    it started finished with its result handled, before the next key is chosen.

    Pilot.press instead waits for the process to look idle, polling in 20 ms sleeps (two
    at least per key, more while any thread is busy): about twice as slow for the same
    walk (37 s against 17 s for 400 keys), and a worker slower than that finished while a
    later key was being handled."""
    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    app = pilot.app
    assert app._driver is not None
    name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
    try:
        char: str | None = unicodedata.lookup(
            _get_unicode_name_from_key(REPLACED_KEYS.get(name, name))
        )
    except KeyError:
        char = name if len(name) == 1 else None
    event = events.Key(name, char)
    event.set_sender(app)
    app._driver.send_message(event)
    for _ in range(ROUNDS):
        await pilot._wait_for_screen()
    await app.animator.wait_until_complete()
    if _in_search_box(app):
        await asyncio.sleep(DEBOUNCE_S + 0.01)  # typed text is searched once typing pauses
    await workers_done(app)
    await pilot._wait_for_screen()


async def workers_done(app: Any) -> None:
    """Wait for every worker to end. One cancelled by a newer one (an exclusive search, the
    palette's gathering) is fine; one that failed is an exception the app did not handle."""
    from textual.worker import WorkerCancelled, WorkerFailed

    for worker in list(app.workers):
        try:
            await worker.wait()
        except WorkerCancelled:
            pass
        except WorkerFailed as failed:
            app.bugs.append((f"worker {worker.name!r} failed", failed.error, ""))


def _in_search_box(app: App[Any]) -> bool:
    from textual.widgets import Input

    return isinstance(app.screen, SearchScreen) and isinstance(app.focused, Input)


def _control_on_screen(app: IraqApp) -> str | None:
    """The first screen line holding a terminal control character or a bidi control
    (corpus text must have been sanitised before it reached a widget), or None."""
    for strip in app.screen._compositor.render_strips():
        if UNSAFE_ON_SCREEN.search(strip.text):
            return repr(strip.text)
    return None


async def _settle(pilot: object) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await workers_done(pilot.app)
    await pilot.pause()


def monkey_database(folder: Path) -> Path:
    """The bundled seeds plus the hostile corpus (escapes, markup and bidi controls
    everywhere, the stored display text included)."""
    from iraqtui.ingest.pipeline import ingest
    from iraqtui.store.db import open_db
    from tests.reliability.hostile import put_back_bidi_controls, write_display_corpus

    seeds = bundled_seeds_dir()
    write_display_corpus(folder / "corpus", seeds)
    db = folder / "monkey.db"
    handle = open_db(db)
    try:
        ingest(handle.conn, [seeds], seeds)
        ingest(handle.conn, [folder / "corpus"], seeds)
    finally:
        handle.conn.close()
    put_back_bidi_controls(db)
    return db
