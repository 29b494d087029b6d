"""One outlet's column on the compare screen: its figures, then its sentences in text order.

One widget per column (not one per sentence): the column wraps each block of text itself,
keeps a line → block map, and draws only the lines on screen, so a column of a thousand
sentences is built in milliseconds and moving the cursor redraws two blocks.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

import rich.cells
from rich._wrap import divide_line
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content, Span
from textual.css.scalar import Unit
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual

from iraqtui.textsafe import one_line
from iraqtui.tui.guard import Guarded
from iraqtui.tui.render import clean

if TYPE_CHECKING:
    from iraqtui.analysis.compare import ComparedSentence, OutletColumn

POSITIVE = "bold $text-success underline"
NEGATIVE = "bold $text-error underline"
MUTED = "$text-muted"
GAP = 1  # blank lines between blocks


def item_label(item: ComparedSentence) -> tuple[str, str]:
    """The line above a sentence: its voice and who is quoted, and the style to draw it in."""
    s = item.sentence
    if s.voice == "own":
        quoting = f" (quoting {', '.join(item.speakers)})" if item.speakers else ""
        return one_line(f"● own voice{quoting}", 80), "bold $text-primary"
    who = ", ".join(item.speakers)
    via = ", ".join(item.cited_outlets)
    label = s.voice + (f": {who}" if who else "") + (f" (via {via})" if via else "")
    return f"❝ {one_line(label, 80)}", "bold $text-secondary"


def item_content(item: ComparedSentence, label: tuple[str, str], text: str) -> Content:
    """The label line, then the sentence with its evaluative words lit."""
    spans = [
        Span(w.start, w.end, POSITIVE if w.valence > 0 else NEGATIVE)
        for w in item.evaluative
        if 0 <= w.start < w.end <= len(text)
    ]
    body = Content(text, spans, strip_control_codes=False)
    if item.sentence.voice != "own":
        body = body.stylize("italic")
    return Content("\n").join([Content.styled(*label, strip_control_codes=False), body])


def summary_content(column: OutletColumn) -> Content:
    tone = column.tone
    score = f"{tone.score:+.2f}" if tone.score is not None else "n/a"
    lines = [
        Content.styled(one_line(column.outlet, 60), "bold reverse"),
        Content.styled(", ".join(one_line(f, 30) for f in column.files), MUTED),
        Content(
            f"{column.own_count} own · {column.quoted_count} quoted · tone {score} "
            f"({tone.positive}+ {tone.negative}− over {tone.sentences})"
        ),
    ]
    if column.sampled_from is not None:
        analysed = len(column.own) + len(column.quoted)
        total = column.own_count + column.quoted_count
        lines.append(
            Content.styled(
                f"sample: {analysed} of {total} sentences, evenly spaced; the figures and "
                "sentences here rest on it (export: all)",
                "$text-warning",
            )
        )
    if column.terms:
        terms = ", ".join(f"{one_line(t.term)} {t.count} (z {t.z:.1f})" for t in column.terms[:8])
        lines.append(Content.assemble(("terms: ", "bold"), clean(terms)))
    if column.evaluative:
        words = ", ".join(f"{one_line(w)} {n}" for w, _v, n in column.evaluative[:8])
        lines.append(Content.assemble(("evaluative: ", "bold"), clean(words)))
    if column.actors:
        actors = ", ".join(f"{one_line(a)} {n}" for a, n, _own in column.actors[:8])
        lines.append(Content.assemble(("actors: ", "bold"), clean(actors)))
    return Content("\n").join(lines)


def missing_content(outlet: str, note: str) -> Content:
    return Content("\n\n").join(
        [
            Content.styled(one_line(outlet, 60), "bold reverse"),
            Content.styled(note, "italic $text-muted"),
        ]
    )


_WORD = re.compile(r"\s*\S+\s*")
_NONSPACE = re.compile(r"[^ ]")
_OTHER_SPACE = re.compile(r"[^\S ]")
_single_cells: Callable[[str], bool] | None = getattr(rich.cells, "_is_single_cell_widths", None)


def line_count(text: str, width: int) -> int:
    """Lines one line of text takes at `width` when Content wraps it (as `divide_line` does),
    counted without building anything. Text of single-cell characters separated by plain
    spaces (nearly all) is measured a line at a time; anything else word by word."""
    if _single_cells is None or not _single_cells(text):
        return len(divide_line(text, width, fold=True)) + 1
    if len(text) <= width:  # labels, short sentences: one line, nothing to find
        return 1
    if _OTHER_SPACE.search(text) or text.startswith(" "):
        return _count_by_word(text, width)
    return _count_by_line(text, width)


def _count_by_line(text: str, width: int) -> int:
    """`divide_line`'s breaks for single-spaced, single-cell text without leading spaces,
    found a line at a time: the break goes before the first word that does not end within
    the line."""
    n = len(text)
    breaks = 0
    line = 0  # where the current line starts
    while line + width < n:
        limit = line + width
        if text[limit] == " ":
            after = _NONSPACE.search(text, limit)
            if after is None:
                break
            start = after.start()
        else:
            space = text.rfind(" ", line, limit)
            start = space + 1 if space >= 0 else line
        end = text.find(" ", start)
        end = n if end < 0 else end
        if end - start <= width:
            breaks += 1
            line = start
            continue
        after = _NONSPACE.search(text, end)  # a word wider than a line is folded
        stop = after.start() if after else n
        pieces = -(-(stop - start) // width)
        breaks += (1 if start else 0) + pieces - 1
        line = start + (pieces - 1) * width
    return breaks + 1


def _count_by_word(text: str, width: int) -> int:
    """`divide_line`'s breaks for single-cell text, word by word."""
    breaks = 0
    offset = 0
    for match in _WORD.finditer(text):
        start = match.start()
        word = match.group()
        length = len(word.rstrip())
        if width - offset >= length:
            offset += len(word)
        elif length > width:  # folded across lines
            for cut in range(0, len(word), width):
                if start + cut:
                    breaks += 1
            offset = len(word) - (len(word) - 1) // width * width
        elif offset and start:
            breaks += 1
            offset = len(word)
    return breaks + 1


def wrapped_height(text: str, width: int) -> int:
    return sum(line_count(line, width) for line in text.split("\n"))


class Block:
    """A piece of the column: the summary, a note, or one sentence (`item`). The styled
    Content is built only when the block is first drawn."""

    __slots__ = ("_content", "item", "label", "text")

    def __init__(
        self,
        text: str,
        item: ComparedSentence | None = None,
        label: tuple[str, str] | None = None,
        content: Content | None = None,
    ) -> None:
        self.text = text
        self.item = item
        self.label = label
        self._content = content

    @classmethod
    def of(cls, item: ComparedSentence) -> Block:
        return cls(clean(item.sentence.text), item, item_label(item))

    @property
    def quoted(self) -> bool:
        return self.item is not None and self.item.sentence.voice != "own"

    @property
    def plain(self) -> str:
        if self._content is not None:
            return self._content.plain
        return f"{self.label[0]}\n{self.text}" if self.label else self.text

    @property
    def content(self) -> Content:
        if self._content is None:
            if self.item is not None and self.label is not None:
                self._content = item_content(self.item, self.label, self.text)
            else:
                self._content = Content(self.text)
        return self._content

    def height(self, width: int, labels: dict[str, int] | None = None) -> int:
        """Lines at `width`; `labels` keeps the label heights of one layout (a column's
        labels are nearly all alike: "● own voice")."""
        if self._content is None and self.label is not None:
            # The label line and the text as `plain` joins them, without joining them.
            label = self.label[0]
            above = labels.get(label) if labels is not None else None
            if above is None:
                above = line_count(label, width)
                if labels is not None:
                    labels[label] = above
            text = self.text
            return above + (
                wrapped_height(text, width) if "\n" in text else line_count(text, width)
            )
        return wrapped_height(self.plain, width)


class CompareColumn(Guarded, ScrollView, can_focus=True):
    """Scrolls on its own, or with the others when the screen says so."""

    DEFAULT_CSS = """
    CompareColumn { scrollbar-gutter: stable; }
    CompareColumn > .compare-column--cursor { background: $primary 25%; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"compare-column--cursor"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "move(1)", "Next", show=False, id="compare.next_sentence"),
        Binding("k,up", "move(-1)", "Previous", show=False, id="compare.previous_sentence"),
        Binding("g,home", "edge(0)", "Top", show=False, id="compare.top"),
        Binding("G,end", "edge(-1)", "Bottom", show=False, id="compare.bottom"),
        Binding("enter", "open", "Open in reader", id="compare.open"),
    ]

    class Scrolled(Message):
        def __init__(self, column: CompareColumn, y: float) -> None:
            super().__init__()
            self.column = column
            self.y = y

    class OpenSentence(Message):
        def __init__(self, item: ComparedSentence) -> None:
            super().__init__()
            self.item = item

    def __init__(
        self, column: OutletColumn | None, outlet: str, note: str = "", *, quoted: bool = True
    ) -> None:
        super().__init__(classes="compare-column")
        self.following = False  # set while mirroring another column's scroll
        self._blocks: list[Block] = []
        self._shown: list[Block] = []  # the blocks drawn (quoted ones may be hidden)
        self._tops: list[int] = []  # first line of each shown block
        self._item_blocks: list[int] = []  # index into `_shown` of each item
        self._strips: dict[tuple[int, int, bool], list[Strip]] = {}
        self._width = 0
        self._paint: tuple[int, Style] | None = None  # width and base style while painting
        self.cursor = -1  # index into `items`
        self.set_column(column, outlet, note, quoted=quoted)

    def set_column(
        self, column: OutletColumn | None, outlet: str, note: str = "", *, quoted: bool = True
    ) -> None:
        """Show another outlet's characterisation (the widget is reused between events)."""
        self._quoted = quoted
        self.column = column
        self.outlet = outlet
        self.note = note
        if column is None:
            missing = missing_content(outlet, note)
            self._blocks = [Block(missing.plain, content=missing)]
        else:
            items = sorted(
                [*column.own, *column.quoted], key=lambda c: (c.sentence.source, c.sentence.seq)
            )
            summary = summary_content(column)
            self._blocks = [Block(summary.plain, content=summary), *map(Block.of, items)]
        self.cursor = -1
        self._relayout()
        if self.is_mounted:
            self.scroll_to(y=0, animate=False, immediate=True)

    # --- what is shown --------------------------------------------------------------------------

    @property
    def items(self) -> list[ComparedSentence]:
        """The sentences shown, in order."""
        return [b.item for b in self._shown if b.item is not None]

    @property
    def _cursor_block(self) -> int:
        """Index into `_shown` of the cursor's block, or -1."""
        blocks = self._item_blocks
        return blocks[self.cursor] if 0 <= self.cursor < len(blocks) else -1

    @property
    def current(self) -> ComparedSentence | None:
        items = self.items
        return items[self.cursor] if 0 <= self.cursor < len(items) else None

    def block_text(self) -> list[str]:
        """The plain text of each block shown (what a user reads, before wrapping)."""
        return [b.plain for b in self._shown]

    @property
    def text(self) -> str:
        return "\n\n".join(self.block_text())

    def show_quoted(self, show: bool) -> None:
        keep = self.current
        self._quoted = show
        self._relayout()
        items = self.items
        self._place(items.index(keep) if keep in items else (0 if items else -1))

    # --- layout ---------------------------------------------------------------------------------

    def _relayout(self) -> None:
        self._shown = [b for b in self._blocks if self._quoted or not b.quoted]
        self._item_blocks = [i for i, b in enumerate(self._shown) if b.item is not None]
        self._strips.clear()
        width = self._width = self._content_width()
        if width <= 0:  # not laid out yet: `on_mount` or `on_resize` comes back here
            return
        tops: list[int] = []
        labels: dict[str, int] = {}
        y = 0
        for block in self._shown:
            tops.append(y)
            y += block.height(width, labels) + GAP
        self._tops = tops
        self.virtual_size = Size(width, max(0, y - GAP))
        self.refresh()

    def _content_width(self) -> int:
        """Cells for text: as laid out, or before the first layout, as the column's styles will
        lay it out (the screen gives every column a width in cells before mounting it), so the
        first layout already knows the column's height and the first frame has its text."""
        width = self.scrollable_content_region.width
        styles = self.styles
        scalar = styles.width
        if (
            width > 0
            or not self.is_attached
            or scalar is None
            or scalar.unit is not Unit.CELLS
            or styles.min_width is not None
            or styles.max_width is not None
        ):
            return width
        gutter = styles.gutter.width if styles.box_sizing == "border-box" else 0
        return max(0, int(scalar.value) - gutter - self.scrollbar_size_vertical)

    def on_mount(self) -> None:
        if self._width <= 0:
            self._relayout()

    def on_resize(self, event: events.Resize) -> None:
        # A predicted width (`_content_width`) that turns out right is not laid out again.
        if self.scrollable_content_region.width != self._width:
            self._relayout()

    def _block_lines(self, index: int) -> list[Strip]:
        cursor = index == self._cursor_block
        key = (index, self._width, cursor)
        strips = self._strips.get(key)
        if strips is None:
            names = ("compare-column--cursor",) if cursor else ()
            style = self.get_visual_style(*names)
            content = self._shown[index].content
            strips = Visual.to_strips(self, content, self._width, None, style, pad=True)
            self._strips[key] = strips
        return strips

    def render_lines(self, crop: Region) -> list[Strip]:
        # What every line needs, worked out once per paint rather than once per line
        # (`rich_style` walks the ancestors for the background).
        self._paint = (self.scrollable_content_region.width, self.rich_style)
        try:
            return super().render_lines(crop)
        finally:
            self._paint = None

    def render_line(self, y: int) -> Strip:
        width, base = self._paint or (self.scrollable_content_region.width, self.rich_style)
        line = int(self.scroll_offset.y) + y
        index = bisect.bisect_right(self._tops, line) - 1
        if index < 0:
            return Strip.blank(width, base)
        strips = self._block_lines(index)
        offset = line - self._tops[index]
        if offset >= len(strips):
            return Strip.blank(width, base)
        return strips[offset].crop_extend(0, width, base)

    # --- cursor ---------------------------------------------------------------------------------

    def _place(self, index: int) -> None:
        old = self._cursor_block
        self.cursor = index
        new = self._cursor_block
        for block in {old, new} - {-1}:
            for cursor in (True, False):
                self._strips.pop((block, self._width, cursor), None)
        if new >= 0 and self._width > 0:
            top = self._tops[new]
            height = self._shown[new].height(self._width)
            self.scroll_to_region(
                Region(0, top, 1, height), animate=False, immediate=True, force=True
            )
        self.refresh()

    def action_move(self, delta: int) -> None:
        items = self.items
        if not items:
            self.scroll_relative(y=delta, animate=False)
            return
        self._place(max(0, min(len(items) - 1, self.cursor + delta)))

    def action_edge(self, index: int) -> None:
        items = self.items
        if items:
            self._place(index % len(items))

    def action_open(self) -> None:
        current = self.current
        if current is not None:
            self.post_message(self.OpenSentence(current))

    def on_click(self, event: events.Click) -> None:
        line = int(self.scroll_offset.y) + event.y
        index = bisect.bisect_right(self._tops, line) - 1
        if index < 0 or self._shown[index].item is None:
            return
        position = self._item_blocks.index(index)
        if position == self.cursor and event.chain >= 2:
            self.action_open()
        self._place(position)

    # --- scrolling together ---------------------------------------------------------------------

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if not self.following:
            self.post_message(self.Scrolled(self, new))

    def follow(self, y: float) -> None:
        self.following = True
        self.scroll_to(y=y, animate=False, immediate=True)
        self.following = False
