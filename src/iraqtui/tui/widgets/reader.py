"""The reader: one source, paragraph by paragraph, with a sentence cursor."""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from iraqtui.models import SentenceRow
from iraqtui.tui.guard import Guarded
from iraqtui.tui.render import Corrections, clean, paragraph_content

if TYPE_CHECKING:
    from iraqtui.store.app_queries import ReaderDoc


class ParagraphView(Static):
    """One paragraph's text (a Content, never markup)."""

    DEFAULT_CSS = "ParagraphView { margin: 0 0 1 0; }"

    def __init__(self, paragraph_id: int, content: Content) -> None:
        super().__init__(content, markup=False)
        self.paragraph_id = paragraph_id


class Reader(Guarded, VerticalScroll, can_focus=True):
    """Scrolls a source; the cursor sentence can be annotated or inspected."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "move(1)", "Next sentence", show=False, id="reader.next"),
        Binding("k,up", "move(-1)", "Previous sentence", show=False, id="reader.previous"),
        Binding("}", "paragraph(1)", "Next paragraph", show=False, id="reader.next_paragraph"),
        Binding("{", "paragraph(-1)", "Prev paragraph", show=False, id="reader.prev_paragraph"),
        Binding("ctrl+d,pagedown", "page(1)", "Page down", show=False, id="reader.page_down"),
        Binding("ctrl+u,pageup", "page(-1)", "Page up", show=False, id="reader.page_up"),
        Binding("g,home", "jump(0)", "Top", show=False, id="reader.top"),
        Binding("G,end", "jump(-1)", "Bottom", show=False, id="reader.bottom"),
        Binding("enter", "inspect", "Inspect", id="reader.inspect"),
        Binding("a", "annotate", "Annotate", id="reader.annotate"),
    ]

    class SentenceFocused(Message):
        """The cursor rests on a sentence (the detail pane shows it)."""

        def __init__(self, doc: ReaderDoc, sentence: SentenceRow) -> None:
            super().__init__()
            self.doc = doc
            self.sentence = sentence

    class AnnotateSentence(SentenceFocused):
        """The user asked to annotate or correct the cursor sentence."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.doc: ReaderDoc | None = None
        self._sentences: list[SentenceRow] = []
        self._starts: list[int] = []
        self._cursor = 0
        self._terms: list[str] = []
        self.mark: tuple[int, int] | None = None  # a span to light (a chosen mention)
        self._fixes = Corrections.of(())
        self._views: dict[int, ParagraphView] = {}

    def compose(self) -> ComposeResult:
        yield Static(Content("Pick a source (1) and press enter, or search with /."))

    async def show(
        self,
        doc: ReaderDoc,
        *,
        offset: int | None = None,
        terms: list[str],
        mark: tuple[int, int] | None = None,
    ) -> None:
        """Replace the text; put the cursor on the sentence at `offset` (a source offset) and
        light the span `mark`."""
        self.doc = doc
        self._terms = terms
        self.mark = mark
        self._fixes = Corrections.of(doc.annotations)
        self._sentences = [s for s in doc.sentences if s.text.strip()]
        self._starts = [s.start for s in self._sentences]
        self._cursor = self._index_at(offset) if offset is not None else 0
        await self.remove_children()
        self._views = {}
        views = []
        for paragraph in doc.paragraphs:
            view = ParagraphView(paragraph.id, self._paragraph(paragraph.id))
            self._views[paragraph.id] = view
            views.append(view)
        if not views:
            views.append(ParagraphView(-1, Content("(this source has no text)")))
        await self.mount_all(views)
        self.call_after_refresh(self._reveal, offset is not None)
        self._announce()

    def _index_at(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self._starts, offset) - 1)

    def _paragraph(self, paragraph_id: int) -> Content:
        assert self.doc is not None
        paragraph = next(p for p in self.doc.paragraphs if p.id == paragraph_id)
        sentences = [s for s in self.doc.sentences if s.paragraph == paragraph_id]
        cursor = self.sentence.id if self.sentence else None
        return paragraph_content(
            self.doc,
            paragraph,
            sentences,
            self._fixes,
            cursor=cursor,
            terms=self._terms,
            mark=self.mark,
        )

    @property
    def sentence(self) -> SentenceRow | None:
        if 0 <= self._cursor < len(self._sentences):
            return self._sentences[self._cursor]
        return None

    @property
    def visible_text(self) -> str:
        """Plain text of every paragraph shown (what a user reads)."""
        return "\n\n".join(clean(p.text) for p in self.doc.paragraphs) if self.doc else ""

    def refresh_annotations(self, doc: ReaderDoc) -> None:
        self.doc = doc
        self._fixes = Corrections.of(doc.annotations)
        for paragraph_id, view in self._views.items():
            view.update(self._paragraph(paragraph_id))
        self._announce()  # the detail pane shows the sentence as now annotated

    def _set_cursor(self, index: int, *, center: bool = False) -> None:
        if not self._sentences:
            return
        old = self.sentence
        self._cursor = max(0, min(len(self._sentences) - 1, index))
        new = self.sentence
        for sentence in {old, new}:
            if sentence is not None and sentence.paragraph in self._views:
                self._views[sentence.paragraph].update(self._paragraph(sentence.paragraph))
        self._reveal(center)
        self._announce()

    def _reveal(self, center: bool = False) -> None:
        sentence = self.sentence
        if sentence is not None and sentence.paragraph in self._views:
            view = self._views[sentence.paragraph]
            self.scroll_to_widget(view, animate=False, center=center, immediate=True)

    def _announce(self) -> None:
        if self.doc is not None and self.sentence is not None:
            self.post_message(self.SentenceFocused(self.doc, self.sentence))

    def action_move(self, delta: int) -> None:
        self._set_cursor(self._cursor + delta)

    def action_paragraph(self, delta: int) -> None:
        current = self.sentence
        if current is None:
            return
        index = self._cursor
        while 0 <= index < len(self._sentences) and (
            self._sentences[index].paragraph == current.paragraph
        ):
            index += delta
        if delta < 0 and index >= 0:
            paragraph = self._sentences[index].paragraph
            while index > 0 and self._sentences[index - 1].paragraph == paragraph:
                index -= 1
        self._set_cursor(index)

    def action_page(self, direction: int) -> None:
        self.scroll_relative(y=direction * max(1, self.size.height - 2), animate=False)

    def action_jump(self, index: int) -> None:
        self._set_cursor(index if index >= 0 else len(self._sentences) - 1)

    def action_inspect(self) -> None:
        self._announce()

    def action_annotate(self) -> None:
        if self.doc is not None and self.sentence is not None:
            self.post_message(self.AnnotateSentence(self.doc, self.sentence))

    def go_to(self, offset: int) -> None:
        """Move the cursor to the sentence holding a source offset and show it."""
        self._set_cursor(self._index_at(offset), center=True)
