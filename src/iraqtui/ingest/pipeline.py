"""Orchestrate ingest: read → pure stages → write, one transaction per source, idempotent."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from iraqtui.errors import BadSidecar
from iraqtui.ingest import actors, events, quotes, reuse, voice
from iraqtui.ingest.boilerplate import find_boilerplate
from iraqtui.ingest.catalogue import EVENTS_NAME, Catalogue, load_catalogue
from iraqtui.ingest.gazetteer import ACTORS_NAME, Gazetteer, load_gazetteer
from iraqtui.ingest.metadata import infer_meta
from iraqtui.ingest.reader import CorpusFile, Decoded, Refusal, decode, discover, read_bytes
from iraqtui.ingest.segment import build
from iraqtui.ingest.sidecar import EMPTY_SOURCES, SOURCES_NAME, SourcesSidecar, load_sources
from iraqtui.models import Document, ReuseInput, SourceAnalysis
from iraqtui.store import writer
from iraqtui.store.schema import PIPELINE_VERSION
from iraqtui.textsafe import sanitize


@dataclass(frozen=True)
class Sidecars:
    """What a corpus folder says about itself, or the bundled defaults."""

    sources: SourcesSidecar
    gazetteer: Gazetteer
    catalogue: Catalogue


@dataclass
class IngestReport:
    """What happened, for the closing summary."""

    ingested: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(frozen=True)
class Progress:
    """One step: `done` of `total` files, the file just handled and what became of it."""

    done: int
    total: int
    file: str
    status: str  # ingested | skipped | refused
    detail: str = ""


ProgressFn = Callable[[Progress], None]


@dataclass(frozen=True)
class IngestOptions:
    rebuild: bool = False
    actors_file: Path | None = None
    events_file: Path | None = None


def analyse(
    name: str, root_name: str, decoded: Decoded, sidecars: Sidecars, path: str
) -> SourceAnalysis:
    """Every pure stage for one file; no I/O, so it can run in any process."""
    text = decoded.text
    rules = sidecars.sources.rules_for(name)
    spans, warnings = find_boilerplate(text, rules)
    paragraphs, sentences = build(text, spans)
    doc = Document(name, text, sanitize(text), paragraphs, sentences, tuple(spans))
    meta = infer_meta(name, root_name, doc, sidecars.sources.meta_for(name))
    mentions, candidates = actors.find_mentions(doc, sidecars.gazetteer)
    found_quotes = quotes.extract_quotes(doc, mentions, sidecars.gazetteer)
    voices = voice.assign_voices(doc, found_quotes)
    passages = events.assign_events(doc, mentions, voices, sidecars.catalogue)
    if decoded.warning:
        warnings.insert(0, decoded.warning)
    return SourceAnalysis(
        meta=meta,
        doc=doc,
        path=path,
        sha256=decoded.sha256,
        size=decoded.size,
        encoding=decoded.encoding,
        analysis_key=analysis_key(decoded.sha256, name, sidecars),
        mentions=tuple(mentions),
        candidates=tuple(candidates),
        quotes=tuple(found_quotes),
        voices=tuple(voices),
        event_passages=tuple(passages),
        warnings=tuple(warnings),
    )


def analysis_key(sha256: str, name: str, sidecars: Sidecars) -> str:
    """Changes when the file, its sidecar entry, the gazetteer, the catalogue or the code do."""
    parts = [
        sha256,
        PIPELINE_VERSION,
        repr(sidecars.sources.meta_for(name)),
        repr(sidecars.sources.rules_for(name)),
        sidecars.gazetteer.fingerprint,
        sidecars.catalogue.fingerprint,
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def resolve_sidecars(root: Path, options: IngestOptions, seeds_dir: Path) -> Sidecars:
    """sources.toml beside the files; actors/events from the option, beside the files, or
    the bundled seeds."""
    sources_path = root / SOURCES_NAME
    sources = load_sources(sources_path) if sources_path.is_file() else EMPTY_SOURCES
    gazetteer_path = _pick(options.actors_file, root / ACTORS_NAME, seeds_dir / ACTORS_NAME)
    catalogue_path = _pick(options.events_file, root / EVENTS_NAME, seeds_dir / EVENTS_NAME)
    return Sidecars(
        sources=sources,
        gazetteer=load_gazetteer(gazetteer_path) if gazetteer_path else _empty_gazetteer(),
        catalogue=load_catalogue(catalogue_path) if catalogue_path else _empty_catalogue(),
    )


def _pick(given: Path | None, beside: Path, bundled: Path) -> Path | None:
    if given is not None:
        if not given.is_file():
            raise BadSidecar(f"{given}: no such file")
        return given
    if beside.is_file():
        return beside
    return bundled if bundled.is_file() else None


def _empty_gazetteer() -> Gazetteer:
    from iraqtui.ingest.gazetteer import EMPTY_GAZETTEER

    return EMPTY_GAZETTEER


def _empty_catalogue() -> Catalogue:
    from iraqtui.ingest.catalogue import EMPTY_CATALOGUE

    return EMPTY_CATALOGUE


def ingest(
    conn: sqlite3.Connection,
    paths: list[Path],
    seeds_dir: Path,
    options: IngestOptions = IngestOptions(),
    progress: ProgressFn | None = None,
) -> IngestReport:
    """Ingest files and folders into the open database; unchanged files are skipped."""
    started = time.perf_counter()
    report = IngestReport()
    files, refused = discover(paths)
    report.refused.extend(refused)
    total = len(files)
    sidecars_by_root: dict[Path, Sidecars] = {}
    changed = False
    for done, item in enumerate(files, start=1):
        if item.root not in sidecars_by_root:
            sidecars_by_root[item.root] = resolve_sidecars(item.root, options, seeds_dir)
        sidecars = sidecars_by_root[item.root]
        status, detail = _ingest_one(conn, item, sidecars, options, report)
        changed = changed or status == "ingested"
        if progress:
            progress(Progress(done, total, item.name, status, detail))
    if files:
        remember_paths(conn, paths)
    if changed or options.rebuild:
        refresh_reuse(conn)
    report.seconds = time.perf_counter() - started
    return report


def _ingest_one(
    conn: sqlite3.Connection,
    item: CorpusFile,
    sidecars: Sidecars,
    options: IngestOptions,
    report: IngestReport,
) -> tuple[str, str]:
    path = str(item.path)
    try:
        data = read_bytes(item.path)
    except OSError as exc:
        reason = f"cannot read ({exc.strerror or exc})"
        report.refused.append(Refusal(item.name, reason))
        return "refused", reason
    decoded = decode(data)
    if isinstance(decoded, str):
        report.refused.append(Refusal(item.name, decoded))
        return "refused", decoded
    state = writer.source_state(conn, path)
    key = analysis_key(decoded.sha256, item.name, sidecars)
    if state and state[1] == key and not options.rebuild:
        report.skipped.append(item.name)
        return "skipped", "unchanged"
    analysis = analyse(item.name, item.root.name, decoded, sidecars, path)
    with writer.transaction(conn):
        actor_ids = writer.sync_actors(conn, sidecars.gazetteer.actors)
        event_ids = writer.sync_events(conn, sidecars.catalogue.events)
        writer.write_source(conn, analysis, str(item.root), actor_ids, event_ids)
    report.ingested.append(item.name)
    for warning in analysis.warnings:
        report.warnings.append((item.name, warning))
    return "ingested", f"{len(analysis.doc.paragraphs)} paragraphs"


def refresh_reuse(conn: sqlite3.Connection) -> None:
    """Recompute passages shared across sources over the whole corpus."""
    rows = conn.execute(
        "SELECT source, id, start, text FROM paragraphs WHERE boilerplate = 0 ORDER BY source, seq"
    )
    inputs = (
        ReuseInput(int(source), int(pid), int(start), str(text))
        for source, pid, start, text in rows
    )
    spans = reuse.find_reuse(inputs)
    with writer.transaction(conn):
        writer.replace_reuse(conn, spans)


def remember_paths(conn: sqlite3.Connection, paths: list[Path]) -> None:
    """Record the files and folders given to ingest, so a plain `iraqtui ingest` refreshes them."""
    known = [str(p) for p in known_paths(conn, existing_only=False)]
    for path in paths:
        resolved = str(path.resolve())
        if resolved not in known:
            known.append(resolved)
    with writer.transaction(conn):
        writer.set_meta(conn, "ingested_paths", json.dumps(known))


def known_paths(conn: sqlite3.Connection, *, existing_only: bool = True) -> list[Path]:
    """The files and folders this database was built from."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'ingested_paths'").fetchone()
    try:
        paths = [Path(p) for p in json.loads(row[0])] if row else []
    except (ValueError, TypeError):
        paths = []
    return [p for p in paths if p.exists()] if existing_only else paths
