"""The compare screen: one column per outlet for one event or actor."""

from __future__ import annotations

import gc
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import HorizontalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from iraqtui.textsafe import one_line
from iraqtui.tui.guard import Guarded
from iraqtui.tui.widgets.compare_column import CompareColumn
from iraqtui.tui.workers import fetch

if TYPE_CHECKING:
    from iraqtui.analysis.compare import Comparison, OutletColumn
    from iraqtui.tui.data import CompareData

MIN_COLUMN = 36  # cells: narrower columns would wrap every few words
MAX_MISSING_COLUMNS = 8  # beyond this, outlets that say nothing share one column
GC_PAUSE_LIMIT = 1.0  # seconds: the collector is back on by then whatever happens


def _collect_again() -> None:
    gc.enable()


class CompareFooter(Footer):
    """Textual's footer, recomposed only when the keys it shows change: Textual signals a
    change of bindings twice for one change of focus, and a recompose remounts every key."""

    _shown: tuple[object, ...] | None = None

    def _keys(self) -> tuple[object, ...]:
        app = self.app
        bindings = tuple(
            (key, b.key, app.get_key_display(b), b.description, b.action, b.group, b.show, on, tip)
            for key, (_node, b, on, tip) in self.screen.active_bindings.items()
        )
        return (self.compact, self.show_command_palette, app.ENABLE_COMMAND_PALETTE, bindings)

    def compose(self) -> ComposeResult:
        self._shown = self._keys() if self._bindings_ready else None
        yield from super().compose()

    async def recompose(self) -> None:
        if self._shown is not None and self.is_attached and self._keys() == self._shown:
            return
        await super().recompose()


class CompareScreen(Guarded, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace", "back", "Back", id="compare.back"),
        Binding("h,left", "column(-1)", "◀ Column", key_display="h", id="compare.left"),
        Binding("l,right", "column(1)", "Column ▶", key_display="l", id="compare.right"),
        Binding("s", "toggle_sync", "Sync scroll", id="compare.sync"),
        Binding("o", "toggle_quoted", "Own only", id="compare.own_only"),
        Binding(
            "left_square_bracket", "step(-1)", "Prev event", key_display="[", id="compare.prev"
        ),
        Binding(
            "right_square_bracket", "step(1)", "Next event", key_display="]", id="compare.next"
        ),
        Binding("e", "export", "Export", id="compare.export"),
    ]

    def __init__(self, kind: str, key: str) -> None:
        super().__init__()
        self.kind = kind
        self.key = key
        self.data: CompareData | None = None
        self.synced = True
        self.quoted_shown = True

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Content(f"Comparing {self.kind} {one_line(self.key)}…"), id="compare-title")
        yield HorizontalScroll(id="compare-columns")
        yield CompareFooter()

    def on_mount(self) -> None:
        self.load()

    def on_unmount(self) -> None:
        gc.enable()  # the app may close before the frame that turns it back on

    def load(self) -> None:
        from iraqtui.tui.data import load_compare

        job = partial(load_compare, kind=self.kind, key=self.key)
        fetch(self, job, self._loaded, group="compare", what=f"comparing {self.key}")

    async def _loaded(self, data: CompareData) -> None:
        # Building the columns allocates tens of thousands of objects (Textual's strips and
        # their caches, the columns' blocks): with the collector on, that is some forty
        # young collections, and about one build in three also set off a full collection,
        # which in a large process (a big corpus, the finder's index) takes 100-400 ms.
        # Held off until the columns are on screen, the build's objects are looked at once,
        # by one young collection. A timer turns it back on should that frame never come.
        paused = gc.isenabled()
        if paused:
            gc.disable()
        try:
            await self._show(data)
        finally:
            if paused:
                self.call_after_refresh(_collect_again)
                self.app.set_timer(GC_PAUSE_LIMIT, _collect_again)

    async def _show(self, data: CompareData) -> None:
        self.data = data
        comparison = data.comparison
        wanted: list[tuple[OutletColumn | None, str, str]] = [
            (c, c.outlet, "") for c in comparison.columns
        ]
        missing = data.missing
        not_covered = f"Says nothing about this {self.kind}."
        if len(wanted) + len(missing) <= MAX_MISSING_COLUMNS:
            wanted += [(None, outlet, not_covered) for outlet in missing]
        elif missing:
            names = "; ".join(one_line(m, 40) for m in missing)
            wanted.append((None, f"{len(missing)} other outlets", f"Silent: {names}"))
        # Columns are reused from one event to the next: only the difference is mounted.
        holder = self.query_one("#compare-columns", HorizontalScroll)
        columns = self.columns
        with self.app.batch_update():
            quoted = self.quoted_shown
            for column, spec in zip(columns, wanted, strict=False):
                column.set_column(*spec, quoted=quoted)
            if len(columns) > len(wanted):
                await holder.remove_children(columns[len(wanted) :])
                columns = columns[: len(wanted)]
                self._fit_columns(columns)
            elif len(wanted) > len(columns):
                new = [CompareColumn(*spec, quoted=quoted) for spec in wanted[len(columns) :]]
                columns += new
                self._fit_columns(columns)  # widths set before mounting: one layout, not two
                await holder.mount_all(new)
        holder.scroll_to(x=0, animate=False, immediate=True)
        self._title()
        if columns:
            columns[0].focus()

    def _title(self) -> None:
        if self.data is None:
            return
        c = self.data.comparison
        covered = len(c.columns)
        scroll = "together" if self.synced else "apart"
        quoted = "shown" if self.quoted_shown else "hidden"
        flags = f"scroll {scroll} · quoted {quoted}"
        self.query_one("#compare-title", Static).update(
            Content.assemble(
                (f"{self.kind}: {one_line(c.target.label, 90)}", "bold"),
                (
                    f"  {covered} outlet(s) cover it · {len(self.data.missing)} silent · {flags}",
                    "$text-muted",
                ),
                (
                    "\ntone: "
                    + one_line(c.tone_method, 70)
                    + " · terms: log-odds, informative Dirichlet prior",
                    "$text-muted",
                ),
            )
        )

    def on_resize(self) -> None:
        self._fit_columns(self.columns)

    def _fit_columns(self, columns: list[CompareColumn]) -> None:
        """As many columns as fit at MIN_COLUMN cells or more; the rest scroll sideways."""
        if not columns:
            return
        width = self.size.width
        shown = max(1, min(len(columns), width // MIN_COLUMN))
        for column in columns:
            column.styles.width = max(MIN_COLUMN, width // shown) if shown > 1 else width

    @property
    def columns(self) -> list[CompareColumn]:
        return list(self.query(CompareColumn))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_column(self, delta: int) -> None:
        columns = self.columns
        if not columns:
            return
        focused = self.focused
        index = columns.index(focused) if isinstance(focused, CompareColumn) else 0
        target = columns[max(0, min(len(columns) - 1, index + delta))]
        target.focus()
        self.query_one("#compare-columns", HorizontalScroll).scroll_to_widget(target, animate=False)

    def action_toggle_sync(self) -> None:
        self.synced = not self.synced
        self._title()
        self.notify(f"Columns scroll {'together' if self.synced else 'apart'}.", timeout=2)

    def action_toggle_quoted(self) -> None:
        self.quoted_shown = not self.quoted_shown
        for column in self.columns:
            column.show_quoted(self.quoted_shown)
        self._title()

    def action_step(self, delta: int) -> None:
        if self.data is None or self.kind != "event" or self.key not in self.data.events:
            self.notify("Previous/next works on events.", timeout=2)
            return
        events = self.data.events
        self.key = events[(events.index(self.key) + delta) % len(events)]
        self.load()

    def action_export(self) -> None:
        if self.data is None:
            return
        comparison = self.data.comparison
        if not comparison.sampled:
            self._export(comparison)
            return
        # Exports are for papers: every sentence, so the sample shown is not what is written.
        from iraqtui.analysis.compare import characterise

        self.notify("Comparing every sentence for the export…", timeout=3)
        job = partial(characterise, target=comparison.target)
        fetch(self, job, self._export, group="compare-export", what="comparing for export")

    def _export(self, comparison: Comparison) -> None:
        from iraqtui.tui.screens.export import ExportScreen

        self.app.push_screen(ExportScreen(comparison=comparison, quoted=self.quoted_shown))

    @on(CompareColumn.Scrolled)
    def _scrolled(self, event: CompareColumn.Scrolled) -> None:
        if self.synced and event.column.has_focus:
            for column in self.columns:
                if column is not event.column:
                    column.follow(event.y)

    @on(CompareColumn.OpenSentence)
    def _open(self, event: CompareColumn.OpenSentence) -> None:
        s = event.item.sentence
        self.app.open_in_reader(s.source, offset=s.start)  # type: ignore[attr-defined]
