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

if TYPE_CHECKING:
    from iraqtui.analysis.compare import Comparison

FORMATS = {"markdown": "md", "csv": "csv", "json": "json"}


def export_path(folder: Path, name: str, fmt: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    slug = re.sub(r"[^\w-]+", "-", name).strip("-")[:60] or "export"
    return folder / f"iraqtui-{slug}-{stamp}.{FORMATS[fmt]}"


def comparison_records(c: Comparison, *, quoted: bool = True) -> list[dict[str, Any]]:
    """Tidy rows: one per sentence and one per distinctive term, each with its outlet."""
    rows: list[dict[str, Any]] = []
    for column in c.columns:
        items = [*column.own, *(column.quoted if quoted else ())]
        for item in sorted(items, key=lambda i: (i.sentence.source, i.sentence.seq)):
            s = item.sentence
            rows.append(
                {
                    "target": c.target.key,
                    "outlet": column.outlet,
                    "row": "sentence",
                    "voice": s.voice,
                    "label": item.label,
                    "speakers": "; ".join(item.speakers),
                    "cited_outlets": "; ".join(item.cited_outlets),
                    "text": s.text,
                    "evaluative": "; ".join(w.word for w in item.evaluative),
                    "file": s.file,
                    "start": s.start,
                    "end": s.end,
                    "tone": column.tone.score,
                }
            )
        for term in column.terms:
            rows.append(
                {
                    "target": c.target.key,
                    "outlet": column.outlet,
                    "row": "term",
                    "text": term.term,
                    "count": term.count,
                    "other_count": term.other_count,
                    "z": round(term.z, 3),
                    "delta": round(term.delta, 4),
                }
            )
    return rows


def comparison_markdown(c: Comparison, *, quoted: bool = True) -> str:
    out = [f"# {c.target.kind.title()}: {c.target.label}", ""]
    out.append(f"Tone: {c.tone_method}. Terms: {c.terms_method}.")
    for column in c.columns:
        tone = column.tone.score
        out += ["", f"## {column.outlet}", ""]
        out.append(
            f"Tone {tone:+.2f} over {column.tone.sentences} own-voice sentences."
            if tone is not None
            else "Tone: n/a."
        )
        if column.terms:
            out.append(
                "Distinctive terms: "
                + ", ".join(f"{t.term} ({t.count}, z {t.z:.1f})" for t in column.terms)
            )
        if column.actors:
            out.append("Actors named: " + ", ".join(f"{a} ({n})" for a, n, _own in column.actors))
        out.append("")
        items = [*column.own, *(column.quoted if quoted else ())]
        for item in sorted(items, key=lambda i: (i.sentence.source, i.sentence.seq)):
            text = " ".join(item.sentence.text.split())
            out.append(f"- {text}" if item.label == "own" else f"- > {text} — *{item.label}*")
    return "\n".join(out) + "\n"


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


def render(records: list[dict[str, Any]], fmt: str, markdown: str | None = None) -> str:
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2, default=str) + "\n"
    columns = list(dict.fromkeys(k for r in records for k in r))
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for r in records:
            writer.writerow({k: json.dumps(v) if isinstance(v, dict) else v for k, v in r.items()})
        return buffer.getvalue()
    if markdown is not None:
        return markdown

    def cell(value: object) -> str:
        return " ".join(str("" if value is None else value).split()).replace("|", "\\|")

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
    if comparison is not None:
        records = comparison_records(comparison, quoted=quoted)
        markdown = comparison_markdown(comparison, quoted=quoted) if fmt == "markdown" else None
    else:
        records, markdown = list_records(rows), None
    path = export_path(folder, name, fmt)
    path.write_text(render(records, fmt, markdown), encoding="utf-8")
    return path
