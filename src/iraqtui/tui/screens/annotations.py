"""The Annotations view: every tag, note and correction, newest last; enter shows it in place."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from iraqtui.store.app_queries import AnnotationRow
from iraqtui.textsafe import one_line
from iraqtui.tui.guard import Guarded
from iraqtui.tui.widgets.row_list import Row, RowList
from iraqtui.tui.workers import app_of, fetch


@dataclass(frozen=True)
class _Loaded:
    rows: list[AnnotationRow]
    files: dict[str, int]  # source id by file
    lost: set[str]  # targets whose text is no longer found (kept, not applied)
    spans: dict[int, str]  # annotation id -> the words it is on, where still found


def load(conn: sqlite3.Connection) -> _Loaded:
    from iraqtui.store.annotations import unmatched
    from iraqtui.store.app_queries import annotation_rows

    files = {str(f): int(i) for i, f in conn.execute("SELECT id, file FROM sources")}
    rows = annotation_rows(conn)
    lost = {u.target for u in unmatched(conn)}
    spans: dict[int, str] = {}
    for a in rows:
        if a.target in lost or a.file not in files or a.start is None or a.end is None:
            continue
        found = conn.execute(
            "SELECT substr(display, ? + 1, ?) FROM sources WHERE id = ?",
            (a.start, min(a.end - a.start, 200), files[a.file]),
        ).fetchone()
        if found and found[0]:
            spans[a.id] = str(found[0])
    return _Loaded(rows, files, lost, spans)


def remove(conn: sqlite3.Connection, annotation_id: int) -> int:
    from iraqtui.store.app_queries import delete_annotation

    delete_annotation(conn, annotation_id)
    return annotation_id


def annotation_row(a: AnnotationRow, span: str = "", lost: bool = False) -> Row:
    what = f"{a.kind} {a.field}" if a.field else a.kind
    where = a.target.split("#", 1)[0]
    on = f" on “{one_line(span, 40)}”" if span else ""
    state = "  [not applied: its text is no longer found]" if lost else ""
    return Row.of(
        f"#{a.id} {what}: {one_line(a.value, 60)}{on}  — {where} · {a.created[:10]}{state}", a
    )


class AnnotationsScreen(Guarded, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace", "back", "Back", id="annotations.back"),
        Binding("x,delete", "delete", "Delete", id="annotations.delete"),
        Binding("e", "export", "Export", id="annotations.export"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.files: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            Content.styled("Annotations (tags, notes, corrections)", "bold"), id="annotations-title"
        )
        yield RowList(
            "no annotations yet: press a on a sentence in the reader", id="annotations-list"
        )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(RowList).focus()
        self.reload()

    def reload(self) -> None:
        fetch(self, load, self._loaded, group="annotations", what="loading annotations")

    def _loaded(self, loaded: _Loaded) -> None:
        self.files = loaded.files
        self.query_one(RowList).set_rows(
            [
                annotation_row(a, loaded.spans.get(a.id, ""), a.target in loaded.lost)
                for a in loaded.rows
            ]
        )

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_delete(self) -> None:
        row = self.query_one(RowList).current
        if row is not None and app_of(self).read_only:
            from iraqtui.tui.screens.annotate import READ_ONLY

            self.notify(READ_ONLY, severity="warning", markup=False)
        elif row is not None and isinstance(row.key, AnnotationRow):
            job = partial(remove, annotation_id=row.key.id)
            fetch(self, job, self._deleted, group="annotations-delete", what="deleting")

    def _deleted(self, annotation_id: int) -> None:
        self.notify(f"Deleted annotation #{annotation_id}.", timeout=3)
        self.reload()

    def action_export(self) -> None:
        from iraqtui.tui.screens.export import ExportScreen

        self.app.push_screen(
            ExportScreen(rows=[r.key for r in self.query_one(RowList).rows], name="annotations")
        )

    @on(RowList.Selected)
    def _open(self, event: RowList.Selected) -> None:
        note = event.key
        if isinstance(note, AnnotationRow) and note.file in self.files:
            self.app.open_in_reader(self.files[note.file], offset=note.start)  # type: ignore[attr-defined]
        else:
            self.notify("That annotation is not on a passage of a source.", timeout=3)
