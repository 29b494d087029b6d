"""The main screen: sidebar lists, the reader and the detail pane."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Static

from iraqtui.tui.guard import Guarded
from iraqtui.tui.screens.lists import ListsScreen
from iraqtui.tui.sections import SECTIONS

if TYPE_CHECKING:
    from iraqtui.store.app_queries import QuoteRow, ReaderDoc
    from iraqtui.tui.widgets.detail import DetailPane
    from iraqtui.tui.widgets.reader import Reader
    from iraqtui.tui.widgets.row_list import RowList

NARROW = 110  # below this many columns the detail pane sits under the reader


class MainScreen(Guarded, ListsScreen):
    """The first frame is one line of text; the panes are composed right after it is on
    screen, so the app paints about as soon as a bare Textual app would."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(str(n), f"section('{name}')", name.title(), show=False, id=f"main.{name}")
            for n, name in enumerate(SECTIONS, start=1)
        ),
        Binding("i", "filter", "Filter", id="main.filter"),
        Binding("slash", "search", "Search", key_display="/", id="main.search"),
        Binding("f", "find_quote", "Find quote", id="main.find_quote"),
        Binding("c", "compare", "Compare", id="main.compare"),
        Binding("A", "annotations", "Notes", id="main.annotations"),
        Binding("e", "export", "Export", show=False, id="main.export"),
        Binding("r", "reader", "Reader", show=False, id="main.focus_reader"),
        Binding("s", "sidebar", "Sidebar", show=False, id="main.focus_sidebar"),
        Binding("d", "detail", "Detail", show=False, id="main.focus_detail"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.query_text = ""
        self.built = False  # the panes are mounted (right after the first frame)

    def compose(self) -> ComposeResult:
        yield Static(Content("iraqtui — opening the database…"), id="splash")

    def on_mount(self) -> None:
        self.call_after_refresh(self._build)

    async def _build(self) -> None:
        """Compose the panes (their modules are imported here, after the first frame)."""
        from textual.containers import Horizontal, Vertical
        from textual.widgets import Footer, Header, ProgressBar

        from iraqtui.tui.widgets.detail import DetailPane
        from iraqtui.tui.widgets.reader import Reader
        from iraqtui.tui.widgets.sidebar import Sidebar

        building = Vertical(Static(id="building-label"), id="building")
        building.display = False
        body = Horizontal(
            Sidebar(id="sidebar"),
            Vertical(
                building,
                Static(Content("iraqtui — loading the database…"), id="reader-title"),
                Horizontal(Reader(id="reader"), DetailPane(id="detail"), id="panes"),
                id="main-right",
            ),
            id="main-body",
        )
        self.set_class(self.app.size.width < NARROW, "-narrow")
        with self.app.batch_update():
            await self.query_one("#splash").remove()
            await self.mount_all([Header(), body, Footer()])
        await building.mount(ProgressBar(id="building-bar", show_eta=False))
        self.query_one("#sidebar-list").focus()
        self.built = True
        self.refresh_bindings()
        self._prepare()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.built  # no pane to act on before they are composed

    @property
    def detail(self) -> DetailPane:
        from iraqtui.tui.widgets.detail import DetailPane

        return self.query_one("#detail", DetailPane)

    # --- selection --------------------------------------------------------------------------

    def on_row_list_highlighted(self, event: RowList.Highlighted) -> None:
        if event.rows.id != "sidebar-list":
            return
        from iraqtui.models import ActorSummary, EventSummary, SourceSummary
        from iraqtui.store.app_queries import QuoteRow
        from iraqtui.tui import data
        from iraqtui.tui.widgets import detail as dt
        from iraqtui.tui.workers import fetch

        key = event.key
        pane = self.detail
        if isinstance(key, SourceSummary):
            pane.show(dt.source_lines(key))
        elif isinstance(key, EventSummary):
            pane.show(dt.event_lines(key))
        elif isinstance(key, ActorSummary):
            fetch(
                self,
                partial(data.load_actor, name=key.name),
                lambda d: pane.show(dt.actor_lines(d), d.mentions),
                group="detail",
                what="actor",
            )
        elif isinstance(key, QuoteRow):
            fetch(
                self,
                partial(data.load_quote, quote_id=key.id),
                lambda d: pane.show(dt.quote_lines(d)) if d else None,
                group="detail",
                what="quote",
            )

    def on_row_list_selected(self, event: RowList.Selected) -> None:
        if event.rows.id != "sidebar-list":
            return
        from iraqtui.models import ActorSummary, EventSummary, SourceSummary
        from iraqtui.store.app_queries import QuoteRow

        key = event.key
        if isinstance(key, SourceSummary):
            self.open_source(key.id)
        elif isinstance(key, QuoteRow):
            self.open_source(key.source, offset=key.start)
        elif isinstance(key, EventSummary):
            self.app.compare("event", key.key)  # type: ignore[attr-defined]
        elif isinstance(key, ActorSummary):
            self.detail.enter()

    def on_detail_pane_mention_chosen(self, event: DetailPane.MentionChosen) -> None:
        m = event.mention
        self.open_source(m.source, offset=m.start, mark=(m.start, m.end))

    def open_source(
        self,
        source_id: int,
        *,
        offset: int | None = None,
        query: str = "",
        mark: tuple[int, int] | None = None,
    ) -> None:
        from iraqtui.tui.data import load_reader
        from iraqtui.tui.workers import fetch

        self.query_text = query
        job = partial(load_reader, source_id=source_id)
        show = partial(self._show_doc, offset=offset, mark=mark)
        fetch(self, job, show, group="reader", what="opening")

    async def _show_doc(
        self, doc: ReaderDoc | None, offset: int | None, mark: tuple[int, int] | None = None
    ) -> None:
        from iraqtui.textsafe import one_line
        from iraqtui.tui.render import terms_of

        if doc is None:
            self.notify("That source is no longer in the database.", severity="warning")
            return
        s = doc.source
        where = f"{one_line(s.outlet or s.file, 40)} · {s.published or '?'}"
        title = f"{where} — {one_line(s.title or s.file, 80)}"
        legend = "   own voice · ❝quoted❞ · ‹speech› · ⟨speaker · outlet⟩ · ✎ note"
        reader = self.reader
        await reader.show(doc, offset=offset, terms=terms_of(self.query_text), mark=mark)
        reader.focus()
        self.query_one("#reader-title", Static).update(
            Content.assemble((title, "bold"), (legend, "$text-muted"))
        )

    def select_actor(self, name: str) -> None:
        side = self.sidebar
        side.section = "actors"
        rows = side.rows.rows
        for index, row in enumerate(rows):
            if getattr(row.key, "name", None) == name:
                side.rows.cursor = index
                break
        side.rows.focus()

    def on_reader_sentence_focused(self, event: Reader.SentenceFocused) -> None:
        from iraqtui.tui.widgets.detail import sentence_lines

        if self.reader.has_focus:
            self.detail.show(sentence_lines(event.doc, event.sentence))

    def on_reader_annotate_sentence(self, event: Reader.AnnotateSentence) -> None:
        from iraqtui.tui.screens.annotate import AnnotateScreen, targets_for

        def saved(changed: bool | None) -> None:
            if changed:
                self.refresh_reader()

        self.app.push_screen(AnnotateScreen(targets_for(event.doc, event.sentence)), saved)

    def refresh_reader(self) -> None:
        from iraqtui.tui.data import load_reader
        from iraqtui.tui.workers import fetch

        reader = self.reader
        if reader.doc is not None:
            job = partial(load_reader, source_id=reader.doc.source.id)
            fetch(self, job, self._refreshed, group="reader", what="refreshing")

    def _refreshed(self, doc: ReaderDoc | None) -> None:
        if doc is not None:
            self.reader.refresh_annotations(doc)

    # --- actions ------------------------------------------------------------------------------

    def action_section(self, name: str) -> None:
        side = self.sidebar
        side.section = name
        side.rows.focus()

    def action_filter(self) -> None:
        self.sidebar.action_filter()

    def action_search(self) -> None:
        from iraqtui.tui.screens.search import SearchScreen

        self.app.push_screen(SearchScreen())

    def action_find_quote(self) -> None:
        from iraqtui.tui.screens.finder import QuoteFinder

        self.app.push_screen(QuoteFinder())

    def action_annotations(self) -> None:
        from iraqtui.tui.screens.annotations import AnnotationsScreen

        self.app.push_screen(AnnotationsScreen())

    def action_compare(self) -> None:
        from iraqtui.models import ActorSummary, EventSummary

        key = self.sidebar.rows.current
        item = key.key if key else None
        if isinstance(item, EventSummary):
            self.app.compare("event", item.key)  # type: ignore[attr-defined]
        elif isinstance(item, ActorSummary):
            self.app.compare("actor", item.name)  # type: ignore[attr-defined]
        else:
            self.notify(
                "Pick an event (3) or an actor (2) to compare, or use the palette (ctrl+p)."
            )

    def action_export(self) -> None:
        from iraqtui.tui.screens.export import ExportScreen
        from iraqtui.tui.widgets.row_list import LazyRows

        side = self.sidebar
        shown = side.rows.rows
        if not isinstance(shown, LazyRows):
            self.app.push_screen(ExportScreen(rows=[r.key for r in shown], name=side.section))
            return
        from iraqtui.tui.data import load_quotes
        from iraqtui.tui.workers import fetch

        def export(quotes: list[QuoteRow | None]) -> None:
            rows = [q for q in quotes if q is not None]
            self.app.push_screen(ExportScreen(rows=rows, name=side.section))

        job = partial(load_quotes, ids=shown.ids)
        fetch(self, job, export, group="export-rows", what="reading the list to export")

    def action_reader(self) -> None:
        self.reader.focus()

    def action_sidebar(self) -> None:
        self.sidebar.rows.focus()

    def action_detail(self) -> None:
        self.detail.enter()
