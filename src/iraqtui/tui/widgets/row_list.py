"""A list that draws only the rows on screen, so 100,000 rows are as quick as ten."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, overload

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from iraqtui.textsafe import one_line
from iraqtui.tui.guard import Guarded


@dataclass(frozen=True)
class Row:
    """One line: plain text (never markup), optional highlighted ranges, and what it stands for."""

    text: str
    key: object = None
    marks: tuple[tuple[int, int], ...] = field(default=())
    dim: bool = False

    @classmethod
    def of(cls, text: str, key: object = None, **kwargs: object) -> Row:
        return cls(one_line(text), key, **kwargs)  # type: ignore[arg-type]


PENDING = Row("…", None, dim=True)  # a row whose window is still on its way


class LazyRows(Sequence[Row]):
    """A list of a million rows that holds only their ids: rows are asked for a window at a
    time (`request(self, window, ids)`, answered by a worker with `fill`), and only the last
    `KEEP` windows are kept. Reading a row never touches the database: one not yet fetched
    reads as `PENDING` and is requested."""

    WINDOW = 200
    KEEP = 40

    def __init__(
        self,
        ids: Sequence[int],
        request: Callable[[LazyRows, int, Sequence[int]], object],
        *,
        kind: str,
        width: int,
    ) -> None:
        self.ids = ids
        self.kind = kind  # the identity of row i is (kind, ids[i]), as the keys' identity
        self.width = width  # the widest a row can be, for horizontal scrolling
        self._request = request
        self._windows: OrderedDict[int, Sequence[Row]] = OrderedDict()
        self._pending: set[int] = set()

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> Row: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Row]: ...
    def __getitem__(self, index: int | slice) -> Row | Sequence[Row]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self.ids)))]
        if index < 0:
            index += len(self.ids)
        if not 0 <= index < len(self.ids):
            raise IndexError(index)
        window, offset = divmod(index, self.WINDOW)
        rows = self._windows.get(window)
        if rows is None:
            self.want(window)
            return PENDING
        self._windows.move_to_end(window)
        return rows[offset] if offset < len(rows) else PENDING

    def want(self, window: int) -> None:
        if window not in self._pending and window not in self._windows:
            self._pending.add(window)
            start = window * self.WINDOW
            self._request(self, window, self.ids[start : start + self.WINDOW])

    def fill(self, window: int, rows: Sequence[Row]) -> None:
        self._pending.discard(window)
        self._windows[window] = rows
        self._windows.move_to_end(window)
        while len(self._windows) > self.KEEP:
            self._windows.popitem(last=False)

    def keep_windows_of(self, older: LazyRows) -> None:
        """Take over the fetched windows of an older version of this list that hold the
        same ids, so a reload redraws them at once."""
        for window, rows in older._windows.items():
            start = window * self.WINDOW
            if window not in self._windows and list(self.ids[start : start + self.WINDOW]) == list(
                older.ids[start : start + self.WINDOW]
            ):
                self._windows[window] = rows
        while len(self._windows) > self.KEEP:
            self._windows.popitem(last=False)

    def identity(self, index: int) -> object:
        return (self.kind, self.ids[index])

    def find(self, identity: object, near: int) -> int | None:
        """The index of the row with this identity (looked for by id, no row fetched)."""
        if not (isinstance(identity, tuple) and len(identity) == 2 and identity[0] == self.kind):
            return None
        wanted = identity[1]
        if 0 <= near < len(self.ids) and self.ids[near] == wanted:
            return near
        try:
            return self.ids.index(wanted)  # an array's index runs in C: fast enough at 1M
        except ValueError:
            return None


class RowList(Guarded, ScrollView, can_focus=True):
    """Rows with a cursor; posts Highlighted when the cursor moves and Selected on enter."""

    DEFAULT_CSS = """
    RowList { height: 1fr; }
    RowList > .row-list--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold;
    }
    RowList:blur > .row-list--cursor {
        background: $block-cursor-blurred-background; text-style: none;
    }
    RowList > .row-list--mark { color: $text-warning; text-style: bold underline; }
    RowList > .row-list--empty { color: $text-muted; text-style: italic; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "row-list--cursor",
        "row-list--mark",
        "row-list--empty",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor(1)", "Down", show=False, id="list.down"),
        Binding("k,up", "cursor(-1)", "Up", show=False, id="list.up"),
        Binding("ctrl+d,pagedown", "page(1)", "Page down", show=False, id="list.page_down"),
        Binding("ctrl+u,pageup", "page(-1)", "Page up", show=False, id="list.page_up"),
        Binding("g,home", "jump(0)", "First", show=False, id="list.first"),
        Binding("G,end", "jump(-1)", "Last", show=False, id="list.last"),
        Binding("enter,l", "select", "Open", id="list.open"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        def __init__(self, rows: RowList, index: int, key: object) -> None:
            super().__init__()
            self.rows = rows
            self.index = index
            self.key = key

        @property
        def control(self) -> RowList:
            return self.rows

    class Selected(Highlighted):
        pass

    def __init__(
        self, empty: str = "nothing here", *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._rows: Sequence[Row] = ()
        self.empty = empty
        self._unannounced = False

    @property
    def rows(self) -> Sequence[Row]:
        return self._rows

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def current(self) -> Row | None:
        return self._rows[self.cursor] if 0 <= self.cursor < len(self._rows) else None

    def set_rows(self, rows: Sequence[Row], cursor: int = 0, *, quiet: bool = False) -> None:
        """Show `rows`, the cursor at `cursor`. `quiet` (a new version of the same list, the
        same row under the cursor): it stays on its line of the screen, and no Highlighted."""
        line = self.cursor - int(self.scroll_offset.y)
        self._rows = rows
        if isinstance(rows, LazyRows):
            width = rows.width
        else:
            width = max((len(r.text) for r in rows[:2000]), default=0)
        self.virtual_size = Size(width, len(rows))
        cursor = max(0, min(cursor, len(rows) - 1))
        if quiet:
            self.set_reactive(RowList.cursor, cursor)
            if 0 <= line < (self.scrollable_content_region.height or 1):
                # After the layout has taken in the new size (a scrollbar may appear).
                self.call_after_refresh(self._keep_line, cursor, line)
            else:
                self._scroll_cursor_visible()
        else:
            self.cursor = cursor
        self.refresh()

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_visible()
        self.refresh()
        row = self.current
        self._unannounced = row is PENDING  # told once its window arrives
        if row is not None and row is not PENDING:
            self.post_message(self.Highlighted(self, new, row.key))

    def rows_arrived(self) -> None:
        """A window of lazy rows came in: draw it, and announce the cursor's row if it was
        still on its way when the cursor reached it."""
        self.refresh()
        row = self.current
        if self._unannounced and row is not None and row is not PENDING:
            self._unannounced = False
            self.post_message(self.Highlighted(self, self.cursor, row.key))

    def _keep_line(self, cursor: int, line: int) -> None:
        if self.cursor == cursor:
            self.scroll_to(y=max(0, cursor - line), animate=False, immediate=True)
        self._scroll_cursor_visible()

    def _scroll_cursor_visible(self) -> None:
        height = self.scrollable_content_region.height or 1
        top = int(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def action_cursor(self, delta: int) -> None:
        if self._rows:
            self.cursor = max(0, min(len(self._rows) - 1, self.cursor + delta))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.scrollable_content_region.height - 1))

    def action_jump(self, index: int) -> None:
        if self._rows:
            self.cursor = index % len(self._rows)

    def action_select(self) -> None:
        row = self.current
        if row is not None and row is not PENDING:
            self.post_message(self.Selected(self, self.cursor, row.key))

    def on_click(self, event: events.Click) -> None:
        index = int(self.scroll_offset.y) + event.y
        if 0 <= index < len(self._rows):
            if index == self.cursor and event.chain >= 2:
                self.action_select()
            self.cursor = index

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = int(self.scroll_offset.y) + y
        if not self._rows:
            if y == 0:
                style = base + self.get_component_rich_style("row-list--empty")
                return Strip([Segment(self.empty, style)]).crop_extend(0, width, base)
            return Strip.blank(width, base)
        if index >= len(self._rows):
            return Strip.blank(width, base)
        row = self._rows[index]
        style = base
        if row.dim:
            style = style + Style(dim=True)
        if index == self.cursor:
            style = style + self.get_component_rich_style("row-list--cursor")
        segments = _segments(row, style, self.get_component_rich_style("row-list--mark"))
        x = int(self.scroll_offset.x)
        strip = Strip(segments)
        if strip.cell_length > x + width > x + 1:  # cut on the right: say so
            return Strip.join([strip.crop(x, x + width - 1), Strip([Segment("…", style)])])
        return strip.crop_extend(x, x + width, style)


def _segments(row: Row, style: Style, mark: Style) -> list[Segment]:
    if not row.marks:
        return [Segment(row.text, style)]
    out: list[Segment] = []
    pos = 0
    for start, end in sorted(row.marks):
        start = max(start, pos)
        if start >= end:
            continue
        if start > pos:
            out.append(Segment(row.text[pos:start], style))
        out.append(Segment(row.text[start:end], style + mark))
        pos = end
    if pos < len(row.text):
        out.append(Segment(row.text[pos:], style))
    return out
