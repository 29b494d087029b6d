"""The help screen: every binding of the screen it was opened from, with the user's keymap."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from iraqtui.tui.guard import Guarded
from iraqtui.tui.keys import keys_path

WHERE = {
    "IraqApp": "everywhere",
    "MainScreen": "main screen",
    "CompareScreen": "compare screen",
    "RowList": "lists",
    "Reader": "reader",
    "Sidebar": "sidebar",
    "CompareColumn": "a compare column",
}


def binding_table(screen: Screen[object]) -> list[tuple[str, str, str, str]]:
    """(where, keys, what, binding id) for the app, the screen and each kind of widget of ours
    on it, the focused one first. Textual's own widgets (the text boxes' thirty editing keys)
    are left out: they work as everywhere else and would bury the keys of this app."""
    nodes: list[DOMNode] = [screen.app, screen]
    seen_types: set[type[DOMNode]] = {type(screen.app), type(screen)}
    focused = list(screen.focused.ancestors_with_self) if screen.focused else []
    for widget in [*focused, *screen.walk_children(with_self=False)]:
        kind = type(widget)
        if kind in seen_types or kind.__module__.startswith("textual."):
            continue
        if widget._bindings.key_to_bindings:
            seen_types.add(kind)
            nodes.append(widget)
    rows: list[tuple[str, str, str, str]] = []
    keymap = screen.app._keymap
    for node in nodes:
        bindings = node._bindings.copy()
        if keymap:
            bindings.apply_keymap(keymap)
        by_id: dict[str, tuple[list[str], Binding]] = {}
        for key, entries in bindings.key_to_bindings.items():
            for binding in entries:
                ident = binding.id or f"{binding.action}:{binding.description}"
                display = binding.key_display or screen.app.get_key_display(Binding(key, ""))
                by_id.setdefault(ident, ([], binding))[0].append(display)
        name = type(node).__name__
        where = WHERE.get(name, name)
        for keys, binding in by_id.values():
            if binding.description or binding.id:
                shown = " ".join(dict.fromkeys(keys))
                rows.append((where, shown, binding.description or binding.action, binding.id or ""))
    return rows


class HelpScreen(Guarded, ModalScreen[None]):
    """Lists the keys; any of escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close", id="help.close"),
        Binding("j,down", "scroll(1)", "Down", show=False, id="help.down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="help.up"),
    ]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        self.rows = binding_table(screen)
        self.title_text = f"Keys on the {WHERE.get(type(screen).__name__, type(screen).__name__)}"

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(Content.styled(self.title_text, "bold"), id="help-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(self._content(), id="help-body")
            yield Static(
                Content.styled(
                    f"Change keys in {keys_path()} (or $IRAQTUI_KEYS): "
                    '"binding id" = "key,key". ctrl+p opens the command palette.',
                    "$text-muted",
                )
            )

    def _content(self) -> Content:
        lines: list[Content] = []
        last = ""
        for where, keys, what, ident in self.rows:
            if where != last:
                lines.append(Content.styled(f"— {where} —", "bold $text-accent"))
                last = where
            lines.append(
                Content.assemble(
                    (f"{keys:>16}  ", "bold"), f"{what:<22}", (f" {ident}", "$text-muted")
                )
            )
        return Content("\n").join(lines)

    @property
    def text(self) -> str:
        return self._content().plain

    def action_scroll(self, delta: int) -> None:
        self.query_one("#help-scroll", VerticalScroll).scroll_relative(y=delta, animate=False)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
