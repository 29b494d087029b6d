"""Write what a screen shows to Markdown, CSV or JSON. Textual-free; runs in a thread worker."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from iraqtui.analysis.compare_formats import md
from iraqtui.export import neutralise_cell
from iraqtui.textsafe import escape_json_controls

if TYPE_CHECKING:
    from iraqtui.analysis.compare import Comparison

FORMATS = {"markdown": "md", "csv": "csv", "json": "json"}


def export_path(folder: Path, name: str, fmt: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    slug = re.sub(r"[^\w-]+", "-", name).strip("-")[:60] or "export"
    return folder / f"iraqtui-{slug}-{stamp}.{FORMATS[fmt]}"


def shown_comparison(c: Comparison, *, quoted: bool) -> Comparison:
    """The comparison as the screen shows it: without quoted material when that is hidden."""
    if quoted:
        return c
    return dataclasses.replace(
        c, columns=tuple(dataclasses.replace(col, quoted=()) for col in c.columns)
    )


def list_records(items: Sequence[object]) -> list[dict[str, Any]]:
    rows = []
    for item in items:
        if dataclasses.is_dataclass(item) and not isinstance(item, type):
            record = dataclasses.asdict(item)
            rows.append(
                {
                    k: v
                    for k, v in record.items()
                    if not isinstance(v, list | tuple | dict) or k in ("by_outlet",)
                }
            )
    return rows


def render(records: list[dict[str, Any]], fmt: str) -> str:
    """A list as JSON, CSV (cells neutralised against formulas) or a Markdown table."""
    if fmt == "json":
        text = json.dumps(records, ensure_ascii=False, indent=2, default=str)
        return escape_json_controls(text) + "\n"
    columns = list(dict.fromkeys(k for r in records for k in r))
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for r in records:
            writer.writerow({k: neutralise_cell(v) for k, v in r.items()})
        return buffer.getvalue()

    def cell(value: object) -> str:
        return md(" ".join(str("" if value is None else value).split()))

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(r.get(c)) for c in columns) + " |" for r in records]
    return "\n".join(lines) + "\n"


def write_export(
    folder: Path,
    name: str,
    fmt: str,
    *,
    comparison: Comparison | None = None,
    quoted: bool = True,
    rows: Sequence[object] = (),
) -> Path:
    """Write the export next to the database (or wherever `folder` is); return its path."""
    path = export_path(folder, name, fmt)
    if comparison is not None:
        # The compare issue's formats, exactly as `iraqtui compare --format` writes them.
        from iraqtui.analysis.compare_formats import to_csv, to_json, to_markdown

        shown = shown_comparison(comparison, quoted=quoted)
        writer = {"csv": to_csv, "json": to_json, "markdown": to_markdown}[fmt]
        path.write_text(writer(shown), encoding="utf-8")
    else:
        path.write_text(render(list_records(rows), fmt), encoding="utf-8")
    return path
