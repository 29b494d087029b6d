"""The Textual app: thin. Screens do the work; this holds settings, global keys and routing."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.dom import DOMNode, NoScreen
from textual.widget import Widget

from iraqtui.tui.commands import PROVIDERS
from iraqtui.tui.guard import Guarded
from iraqtui.tui.workers import Failed, Fetched

if TYPE_CHECKING:
    from iraqtui.config import Settings
    from iraqtui.tui.screens.main import MainScreen


MAX_NOTIFIED_ERRORS = 50


class IraqApp(Guarded, App[None]):
    """Browse sources and actors, read closely, compare outlets, find quotes."""

    CSS_PATH = "styles/app.tcss"
    TITLE = "iraqtui"
    COMMANDS = App.COMMANDS | PROVIDERS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark,f1", "help", "Help", key_display="?", id="app.help"),
        Binding("T", "toggle_theme", "Theme", show=False, id="app.theme"),
    ]

    def __init__(self, db_path: Path, seeds_dir: Path | None = None) -> None:
        super().__init__()
        self.db_path = db_path
        self.seeds_dir = seeds_dir
        self.errors: list[str] = []  # every error shown to the user, for tests and logs
        self.read_only = False  # the database file cannot be written: nothing can be saved

    def on_mount(self) -> None:
        self.call_after_refresh(self._load_keymap)  # not needed for the first frame

    def _load_keymap(self) -> None:
        from iraqtui.tui.keys import load_keymap

        keymap, problem = load_keymap()
        if keymap:
            self.set_keymap(keymap)
        if problem:
            self.notify(problem, severity="warning", markup=False)

    def get_default_screen(self) -> MainScreen:
        from iraqtui.tui.screens.main import MainScreen

        return MainScreen()

    @property
    def main(self) -> MainScreen:
        from iraqtui.tui.screens.main import MainScreen

        return next(s for s in self.screen_stack if isinstance(s, MainScreen))

    async def on_fetched(self, message: Fetched) -> None:
        # A screen being closed is still attached while its widgets go: deliver only to
        # screens on the stack (covered ones included).
        if message.node.is_attached and self._on_stack(message.node):
            outcome = message.deliver(message.result)
            if inspect.isawaitable(outcome):
                await outcome

    def _on_stack(self, node: DOMNode) -> bool:
        try:
            screen = node.screen if isinstance(node, Widget) else None
        except NoScreen:
            return False
        return screen is None or screen in self.screen_stack

    def on_failed(self, message: Failed) -> None:
        self.report_error(message.what, message.error)

    def report_error(self, what: str, error: BaseException) -> None:
        from iraqtui.textsafe import one_line
        from iraqtui.tui.workers import describe_error

        message = one_line(f"{what}: {describe_error(error)}", 300)
        self.errors.append(message)
        if len(self.errors) <= MAX_NOTIFIED_ERRORS:  # a bug that repeats must not flood
            self.notify(message, severity="error", markup=False, timeout=8)

    def _handle_exception(self, error: Exception) -> None:
        """An error raised outside a message handler (a worker, a timer, compose) becomes a
        notification; handlers are covered by `Guarded`. Private Textual API: see guard.py."""
        if not self.is_running or not self.screen_stack:
            super()._handle_exception(error)
            return
        self.log.error(error)
        self.report_error("unexpected error (please report it)", error)

    def action_help(self) -> None:
        from iraqtui.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def open_main(self) -> MainScreen:
        """Close every screen above the main one."""
        main = self.main
        while self.screen is not main:
            self.pop_screen()
        return main

    def open_in_reader(self, source_id: int, offset: int | None = None, query: str = "") -> None:
        """Back to the main screen, the source in the reader, the cursor at `offset`."""
        self.open_main().open_source(source_id, offset=offset, query=query)

    def compare(self, kind: str, key: str) -> None:
        from iraqtui.tui.screens.compare import CompareScreen

        self.push_screen(CompareScreen(kind, key))

    def show_actor(self, name: str) -> None:
        self.open_main().select_actor(name)


def run(settings: Settings) -> int:
    """Run the app in this terminal; 0 on a clean exit."""
    app = IraqApp(settings.db_path, settings.seeds_dir)
    app.run()
    return app.return_code or 0
