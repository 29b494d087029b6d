"""Annotate from the keyboard: tag or note a sentence, paragraph or quote; correct a voice,
speaker or reporting outlet. Stored in the database's `annotations` table, keyed by content."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from iraqtui.models import SentenceRow
from iraqtui.store.app_queries import ReaderDoc
from iraqtui.textsafe import one_line
from iraqtui.tui.guard import Guarded
from iraqtui.tui.widgets.row_list import Row, RowList
from iraqtui.tui.workers import app_of, fetch

READ_ONLY = "The database is read-only: annotations and corrections cannot be saved."

VOICES = ("own", "quoted", "speech")


@dataclass(frozen=True)
class Choice:
    """One thing the user can record: a tag/note on a target, or a correction of a field."""

    label: str
    kind: str  # tag | note | correction
    target: str
    table: str  # sentences | paragraphs | quotes
    row_id: int
    field: str | None = None
    current: str = ""
    file: str | None = None
    span: tuple[int, int] | None = None


def targets_for(doc: ReaderDoc, sentence: SentenceRow) -> list[Choice]:
    """Every annotation a user can make on a sentence, its paragraph and its quotes."""
    file = doc.source.file
    s_key = doc.sentence_targets.get(sentence.id, "")
    s_span = (sentence.start, sentence.end)
    out = [
        Choice("tag this sentence", "tag", s_key, "sentences", sentence.id, file=file, span=s_span),
        Choice(
            "note on this sentence", "note", s_key, "sentences", sentence.id, file=file, span=s_span
        ),
        Choice(
            f"correct the voice (now: {sentence.voice})",
            "correction",
            s_key,
            "sentences",
            sentence.id,
            "voice",
            sentence.voice,
        ),
        Choice(
            f"correct the cited outlet (now: {sentence.cited_outlet or 'none'})",
            "correction",
            s_key,
            "sentences",
            sentence.id,
            "cited_outlet",
            sentence.cited_outlet or "",
        ),
    ]
    paragraph = next((p for p in doc.paragraphs if p.id == sentence.paragraph), None)
    if paragraph is not None:
        p_key = doc.paragraph_targets.get(paragraph.id, "")
        p_span = (paragraph.start, paragraph.end)
        out += [
            Choice(
                "tag the paragraph",
                "tag",
                p_key,
                "paragraphs",
                paragraph.id,
                file=file,
                span=p_span,
            ),
            Choice(
                "note on the paragraph",
                "note",
                p_key,
                "paragraphs",
                paragraph.id,
                file=file,
                span=p_span,
            ),
        ]
    for quote in doc.quotes:
        if not (sentence.start <= quote.start < sentence.end):
            continue
        q_key = doc.quote_targets.get(quote.id, "")
        short = one_line(quote.text, 40)
        q_span = (quote.start, quote.end)
        out += [
            Choice(
                f"tag quote “{short}”", "tag", q_key, "quotes", quote.id, file=file, span=q_span
            ),
            Choice(
                f"note on quote “{short}”",
                "note",
                q_key,
                "quotes",
                quote.id,
                file=file,
                span=q_span,
            ),
            Choice(
                f"correct speaker of “{short}” (now: {quote.speaker or 'unknown'})",
                "correction",
                q_key,
                "quotes",
                quote.id,
                "speaker",
                quote.speaker or "",
            ),
            Choice(
                f"correct reporting outlet of “{short}” (now: {quote.cited_outlet or 'none'})",
                "correction",
                q_key,
                "quotes",
                quote.id,
                "cited_outlet",
                quote.cited_outlet or "",
            ),
        ]
    return out


def save(conn: object, choice: Choice, value: str) -> int:
    from iraqtui.tui import data

    if choice.kind == "correction" and choice.field:
        return data.save_correction(conn, choice.table, choice.row_id, choice.field, value)  # type: ignore[arg-type]
    return data.save_note(conn, choice.target, choice.kind, value, choice.file, choice.span)  # type: ignore[arg-type]


class AnnotateScreen(Guarded, ModalScreen[bool]):
    """Pick what to record (enter), type the value (enter saves); escape goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="annotate.back"),
    ]

    def __init__(self, choices: list[Choice]) -> None:
        super().__init__()
        self.choices = choices
        self.chosen: Choice | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="annotate-box"):
            yield Static(Content.styled("Annotate — pick one, then type", "bold"))
            yield RowList("nothing to annotate", id="annotate-choices")
            yield Static(id="annotate-prompt")
            yield Input(placeholder="value", id="annotate-value")

    def on_mount(self) -> None:
        rows = self.query_one("#annotate-choices", RowList)
        rows.set_rows([Row.of(c.label, c) for c in self.choices])
        self.query_one("#annotate-value", Input).display = False
        if app_of(self).read_only:
            self.query_one("#annotate-prompt", Static).update(
                Content.styled(READ_ONLY, "$text-warning")
            )
        rows.focus()

    @on(RowList.Selected, "#annotate-choices")
    def _chosen(self, event: RowList.Selected) -> None:
        choice: Choice = event.key  # type: ignore[assignment]
        self.chosen = choice
        hint = {"tag": "a tag, e.g. framing", "note": "your note"}.get(choice.kind, "")
        if choice.field == "voice":
            hint = "own, quoted or speech"
        elif choice.field:
            hint = f"the right {choice.field.replace('_', ' ')}"
        self.query_one("#annotate-prompt", Static).update(
            Content.assemble((one_line(choice.label, 70), "bold"), f" — {hint}; enter saves")
        )
        box = self.query_one("#annotate-value", Input)
        box.display = True
        box.value = choice.current
        box.focus()

    @on(Input.Submitted, "#annotate-value")
    def _submit(self, event: Input.Submitted) -> None:
        choice = self.chosen
        value = event.value.strip()
        if choice is None:
            return
        if not value:
            self.query_one("#annotate-prompt", Static).update(
                Content.styled("Type a value first.", "$text-warning")
            )
            return
        if choice.field == "voice" and value not in VOICES:
            self.query_one("#annotate-prompt", Static).update(
                Content.styled(
                    f"The voice must be one of: {', '.join(VOICES)}.", "bold $text-warning"
                )
            )
            return
        if app_of(self).read_only:
            self.query_one("#annotate-prompt", Static).update(
                Content.styled(READ_ONLY, "bold $text-warning")
            )
            return
        fetch(
            self,
            partial(save, choice=choice, value=value),
            self._saved,
            group="annotate",
            what="saving",
        )

    def _saved(self, annotation_id: int) -> None:
        self.app.notify(f"Saved annotation #{annotation_id}.", timeout=3)
        self.dismiss(True)

    def action_back(self) -> None:
        box = self.query_one("#annotate-value", Input)
        if box.display:
            box.display = False
            self.chosen = None
            self.query_one("#annotate-prompt", Static).update("")
            self.query_one("#annotate-choices", RowList).focus()
        else:
            self.dismiss(False)
