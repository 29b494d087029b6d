"""Export what is shown: Markdown, CSV or JSON; the file's path comes back in a notification."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from iraqtui.tui.guard import Guarded

if TYPE_CHECKING:
    from iraqtui.analysis.compare import Comparison


class ExportScreen(Guarded, ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "write('markdown')", "Markdown", id="export.markdown"),
        Binding("c", "write('csv')", "CSV", id="export.csv"),
        Binding("j", "write('json')", "JSON", id="export.json"),
        Binding("escape", "dismiss", "Cancel", id="export.cancel"),
    ]

    def __init__(
        self,
        *,
        comparison: Comparison | None = None,
        quoted: bool = True,
        rows: Sequence[object] = (),
        name: str = "list",
    ) -> None:
        super().__init__()
        self.comparison = comparison
        self.quoted = quoted
        self.rows = list(rows)
        self.export_name = comparison.target.key if comparison is not None else name

    def compose(self) -> ComposeResult:
        what = (
            f"comparison {self.export_name}"
            if self.comparison
            else f"{len(self.rows)} {self.export_name}"
        )
        with Vertical(classes="dialog small"):
            yield Static(Content.styled(f"Export the {what}", "bold"))
            yield Static(
                Content("m  Markdown\nc  CSV (one row per sentence or term)\nj  JSON\nesc  cancel")
            )

    def action_write(self, fmt: str) -> None:
        from iraqtui.tui.exporting import write_export

        folder = Path.cwd()
        comparison, quoted, rows = self.comparison, self.quoted, self.rows
        name = self.export_name
        # The screen is dismissed before the worker finishes: hold the app, not `self.app`.
        app = self.app

        def work() -> None:
            try:
                path = write_export(
                    folder, name, fmt, comparison=comparison, quoted=quoted, rows=rows
                )
            except OSError as exc:
                app.call_from_thread(app.report_error, "export", exc)  # type: ignore[attr-defined]
                return
            app.call_from_thread(app.notify, f"Exported to {path}", markup=False, timeout=10)

        app.run_worker(work, thread=True, group="export", exit_on_error=False)
        self.dismiss()
