"""Export everything the database knows in the iraqtui-export/1 format (see EXPORT.md)."""

from __future__ import annotations

import csv
import json
import os
import re
import sqlite3
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import IO, Any

from iraqtui.errors import BadExportTarget, ExportExists
from iraqtui.store.annotations import corrected_rows
from iraqtui.store.queries import fetch
from iraqtui.store.quote_queries import reuse_with_differences
from iraqtui.textsafe import escape_json_controls

SCHEMA = "iraqtui-export/1"
Record = dict[str, Any]
RecordsFn = Callable[[sqlite3.Connection], Iterator[Record]]


def _loads(raw: object, default: Any) -> Any:
    try:
        return json.loads(str(raw)) if raw is not None else default
    except ValueError:
        return default


def sources_records(conn: sqlite3.Connection) -> Iterator[Record]:
    for r in fetch(conn, "SELECT * FROM sources ORDER BY id"):
        yield {
            "id": r["id"],
            "file": r["file"],
            "outlet": r["outlet"],
            "author": r["author"],
            "published": r["published"],
            "url": r["url"],
            "title": r["title"],
            "leaning": r["leaning"],
            "provenance": _loads(r["provenance"], {}),
            "notes": r["notes"],
            "encoding": r["encoding"],
            "sha256": r["sha256"],
            "warnings": _loads(r["warnings"], []),
        }


def paragraphs_records(conn: sqlite3.Connection) -> Iterator[Record]:
    for r in fetch(conn, "SELECT * FROM paragraphs ORDER BY id"):
        yield {
            "id": r["id"],
            "source": r["source"],
            "seq": r["seq"],
            "start": r["start"],
            "end": r["end"],
            "boilerplate": bool(r["boilerplate"]),
            "voice": r["voice"],
            "boilerplate_reason": r["boilerplate_reason"],
            "text": r["text"],
        }


def sentences_records(conn: sqlite3.Connection) -> Iterator[Record]:
    fixes = corrected_rows(conn, "sentences")
    for r in fetch(conn, "SELECT * FROM sentences ORDER BY id"):
        yield {
            "id": r["id"],
            "source": r["source"],
            "paragraph": r["paragraph"],
            "start": r["start"],
            "end": r["end"],
            "voice": r["voice"],
            "cited_outlet": r["cited_outlet"],
            "voice_confidence": r["voice_confidence"],
            "voice_method": r["voice_method"],
            "boilerplate": bool(r["boilerplate"]),
            "text": r["text"],
            "corrections": fixes.get(r["id"], {}),
        }


def actors_records(conn: sqlite3.Connection) -> Iterator[Record]:
    aliases: dict[int, list[str]] = defaultdict(list)
    demonyms: dict[int, list[str]] = defaultdict(list)
    for actor_id, alias, kind in conn.execute(
        "SELECT actor, alias, kind FROM actor_aliases ORDER BY actor, alias"
    ):
        (demonyms if kind == "demonym" else aliases)[actor_id].append(alias)
    for r in fetch(conn, "SELECT * FROM actors ORDER BY id"):
        yield {
            "id": r["id"],
            "name": r["name"],
            "type": r["type"],
            "aliases": aliases.get(r["id"], []),
            "affiliation": r["affiliation"],
            "description": r["description"],
            "demonyms": demonyms.get(r["id"], []),
            "origin": r["origin"],
        }


def mentions_records(conn: sqlite3.Connection) -> Iterator[Record]:
    for r in fetch(conn, "SELECT * FROM mentions ORDER BY source, start"):
        yield {
            "id": r["id"],
            "actor": r["actor"],
            "source": r["source"],
            "paragraph": r["paragraph"],
            "sentence": r["sentence"],
            "start": r["start"],
            "end": r["end"],
            "surface": r["surface"],
            "method": r["method"],
            "score": r["score"],
        }


def unresolved_records(conn: sqlite3.Connection) -> Iterator[Record]:
    """Candidates grouped ignoring case, each under its most frequent spelling."""
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    for surface, count in conn.execute("SELECT surface, count(*) FROM candidates GROUP BY surface"):
        groups[str(surface).casefold()][str(surface)] += int(count)
    ranked = sorted(groups.values(), key=lambda c: (-sum(c.values()), c.most_common(1)[0][0]))
    for spellings in ranked:
        yield {"surface": spellings.most_common(1)[0][0], "count": sum(spellings.values())}


def carried_by(conn: sqlite3.Connection) -> dict[int, list[int]]:
    """For each quote, every source carrying it: its own, plus sources sharing its passage."""
    rows = conn.execute(
        """
        SELECT q.id, other.source
        FROM quotes q
        JOIN reuse mine ON mine.source = q.source AND mine.start < q.end AND mine.end > q.start
        JOIN reuse other ON other.cluster = mine.cluster
        """
    )
    out: dict[int, set[int]] = defaultdict(set)
    for quote_id, source_id in rows:
        out[int(quote_id)].add(int(source_id))
    return {k: sorted(v) for k, v in out.items()}


def quotes_records(conn: sqlite3.Connection) -> Iterator[Record]:
    carriers = carried_by(conn)
    fixes = corrected_rows(conn, "quotes")
    for r in fetch(conn, "SELECT * FROM quotes ORDER BY source, start"):
        yield {
            "id": r["id"],
            "source": r["source"],
            "start": r["start"],
            "end": r["end"],
            "text": r["text"],
            "kind": r["kind"],
            "speaker": r["speaker"],
            "speaker_actor": r["speaker_actor"],
            "cited_outlet": r["cited_outlet"],
            "confidence": r["confidence"],
            "method": r["method"],
            "carried_by": sorted({r["source"], *carriers.get(r["id"], [])}),
            # the user's corrections beside the machine's values above (field -> value)
            "corrections": fixes.get(r["id"], {}),
        }


def events_records(conn: sqlite3.Connection) -> Iterator[Record]:
    for r in fetch(conn, "SELECT * FROM events ORDER BY date IS NULL, date, key"):
        yield {
            "id": r["id"],
            "key": r["key"],
            "label": r["label"],
            "date": r["date"],
            "date_end": r["date_end"],
            "description": r["description"],
            "origin": r["origin"],
            "date_note": r["date_note"],
        }


def event_passages_records(conn: sqlite3.Connection) -> Iterator[Record]:
    for r in fetch(conn, "SELECT * FROM event_passages ORDER BY event, source, start"):
        yield {
            "event": r["event"],
            "source": r["source"],
            "sentence": r["sentence"],
            "start": r["start"],
            "end": r["end"],
            "score": r["score"],
            **_evidence(_loads(r["evidence"], [])),
        }


_EVIDENCE = re.compile(r"^(?:(\w+):)?(.*?)(?: \((\d+(?:\.\d+)?)\))?$", re.DOTALL)


def _evidence(items: list[str]) -> Record:
    """`evidence` as EXPORT.md shows it (the words and names that matched), and
    `evidence_detail` with how each was obtained ("term:Qom", "phrase:… (87)" stored)."""
    plain: list[str] = []
    detail: list[Record] = []
    for item in items:
        found = _EVIDENCE.match(str(item))
        kind, value, score = found.groups() if found else (None, str(item), None)
        plain.append(value)
        detail.append(
            {"kind": kind or "term", "value": value, "score": float(score) if score else None}
        )
    return {"evidence": plain, "evidence_detail": detail}


def reuse_records(conn: sqlite3.Connection) -> Iterator[Record]:
    for cluster, source, start, end, differs in reuse_with_differences(conn):
        # wording_differs: word changes from the cluster's first copy ([] when the same words)
        yield {
            "cluster": cluster,
            "source": source,
            "start": start,
            "end": end,
            "wording_differs": list(differs),
        }


def annotations_records(conn: sqlite3.Connection) -> Iterator[Record]:
    for r in fetch(conn, "SELECT * FROM annotations ORDER BY id"):
        yield {
            "id": r["id"],
            "target": r["target"],
            "kind": r["kind"],
            "field": r["field"],
            "value": r["value"],
            "created": r["created"],
            "file": r["file"],
            "start": r["start"],
            "end": r["end"],
        }


TABLES: dict[str, RecordsFn] = {
    "sources": sources_records,
    "paragraphs": paragraphs_records,
    "sentences": sentences_records,
    "actors": actors_records,
    "mentions": mentions_records,
    "unresolved": unresolved_records,
    "quotes": quotes_records,
    "events": events_records,
    "event_passages": event_passages_records,
    "reuse": reuse_records,
    "annotations": annotations_records,
}

# Spreadsheet programs run a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """A cell safe to open in a spreadsheet: formula-looking text gets a leading quote."""
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _json(record: Record) -> str:
    """One record as JSON; C1 controls escaped so the output is safe on a terminal too."""
    return escape_json_controls(json.dumps(record, ensure_ascii=False))


def write_json(conn: sqlite3.Connection, out: IO[str]) -> None:
    """One JSON document, streamed table by table so memory stays flat on large corpora."""
    out.write('{"schema": ' + json.dumps(SCHEMA))
    for name, rows in TABLES.items():
        out.write(f',\n"{name}": [')
        for index, record in enumerate(rows(conn)):
            out.write(("\n" if index == 0 else ",\n") + _json(record))
        out.write("]")
    out.write("}\n")


def export(
    conn: sqlite3.Connection, fmt: str, out: str | None, *, force: bool = False
) -> list[Path]:
    """Write the export; returns the files written (nothing for stdout)."""
    if fmt == "json":
        if out is None or out == "-":
            write_json(conn, sys.stdout)
            return []
        target = Path(out)
        _refuse_overwrite([target], force)
        _atomic_write(target, lambda handle: write_json(conn, handle))
        return [target]
    if out == "-":
        raise BadExportTarget(
            f"--format {fmt} writes one file per table into a folder; "
            "give --out a folder name (only --format json can go to stdout)"
        )
    folder = Path(out or "iraqtui-export")
    if folder.exists() and not folder.is_dir():
        raise ExportExists(f"{folder}: exists and is not a folder")
    suffix = ".csv" if fmt == "csv" else ".jsonl"
    targets = [folder / f"{name}{suffix}" for name in TABLES]
    _refuse_overwrite(targets, force)
    folder.mkdir(parents=True, exist_ok=True)
    for name, target in zip(TABLES, targets, strict=True):
        _atomic_write(
            target, partial(_write_csv if fmt == "csv" else _write_jsonl, conn, TABLES[name])
        )
    return targets


def _write_csv(conn: sqlite3.Connection, rows: RecordsFn, out: IO[str]) -> None:
    writer: csv.DictWriter[str] | None = None
    for record in rows(conn):
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(record))
            writer.writeheader()
        writer.writerow({k: neutralise_cell(v) for k, v in record.items()})


def _write_jsonl(conn: sqlite3.Connection, rows: RecordsFn, out: IO[str]) -> None:
    for record in rows(conn):
        out.write(_json(record) + "\n")


def _refuse_overwrite(targets: list[Path], force: bool) -> None:
    existing = [t for t in targets if t.exists()]
    if existing and not force:
        raise ExportExists(f"{existing[0]}: already exists; pass --force to overwrite it")


def _atomic_write(target: Path, write: Callable[[IO[str]], None]) -> None:
    """Write to a temporary file beside the target, then rename: never a half-written file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            write(handle)
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
