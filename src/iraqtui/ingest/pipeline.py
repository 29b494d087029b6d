"""Orchestrate ingest: read → pure stages → write, one transaction per source, idempotent."""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from iraqtui.errors import BadSidecar
from iraqtui.ingest import actors, events, quotes, reuse, voice
from iraqtui.ingest.boilerplate import boilerplate_with_hits, describe_rule
from iraqtui.ingest.catalogue import EVENTS_NAME, Catalogue, load_catalogue
from iraqtui.ingest.checks import sidecar_warnings
from iraqtui.ingest.corpus_stage import CORPUS_STALE, corpus_stale, refresh_reuse
from iraqtui.ingest.gazetteer import ACTORS_NAME, Gazetteer, load_gazetteer
from iraqtui.ingest.metadata import infer_meta, settled_outlets
from iraqtui.ingest.pool import chunked, ordered_map, usable_cores
from iraqtui.ingest.reader import CorpusFile, Decoded, Refusal, decode, discover, read_bytes
from iraqtui.ingest.remembered import GivenSidecars, remember, root_of
from iraqtui.ingest.segment import build
from iraqtui.ingest.sidecar import EMPTY_SOURCES, SOURCES_NAME, SourcesSidecar, load_sources
from iraqtui.ingest.sidecar_quotes import apply_quoted_rules
from iraqtui.models import Document, SourceAnalysis
from iraqtui.store import queries, reuse_store, writer
from iraqtui.store.annotations import describe_unmatched, unmatched
from iraqtui.store.schema import PIPELINE_VERSION
from iraqtui.textsafe import sanitize


@dataclass(frozen=True)
class Sidecars:
    """What a corpus folder says about itself, or the bundled defaults."""

    sources: SourcesSidecar
    gazetteer: Gazetteer
    catalogue: Catalogue
    # Sidecar names taken from the bundled seeds for a folder that is not the seeds.
    bundled: tuple[str, ...] = ()


@dataclass
class IngestReport:
    """What happened, for the closing summary."""

    ingested: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
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
    workers: int | None = None  # analysis processes; None: one per usable core


def analyse(
    name: str, root_name: str, decoded: Decoded, sidecars: Sidecars, path: str
) -> SourceAnalysis:
    """Every pure stage for one file; no I/O, so it can run in any process."""
    text = decoded.text
    own_rules = sidecars.sources.rules.get(name, ())
    spans, warnings, rules_hit = boilerplate_with_hits(
        text, own_rules, sidecars.sources.corpus_rules
    )
    paragraphs, sentences = build(text, spans)
    doc = Document(name, text, sanitize(text), paragraphs, sentences, tuple(spans))
    meta = infer_meta(name, root_name, doc, sidecars.sources.meta_for(name))
    mentions, candidates = actors.find_mentions(doc, sidecars.gazetteer)
    found_quotes = quotes.extract_quotes(doc, mentions, sidecars.gazetteer)
    voices = voice.assign_voices(doc, found_quotes)
    found_quotes, voices, notes = apply_quoted_rules(
        doc, found_quotes, voices, sidecars.sources.quoted_for(name)
    )
    warnings.extend(notes)
    passages = events.assign_events(doc, mentions, voices, sidecars.catalogue, meta.title)
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
        corpus_rules_hit=rules_hit,
    )


def _given_sidecars(
    paths: list[Path], options: IngestOptions, remembered: dict[Path, GivenSidecars]
) -> dict[Path, GivenSidecars]:
    """The sidecar files each given path is ingested with: the options', else those it was
    last ingested with."""
    given = {}
    for path in paths:
        last = remembered.get(path.resolve(), GivenSidecars())
        for option, file, now in (
            ("--actors", last.actors, options.actors_file),
            ("--events", last.events, options.events_file),
        ):
            if now is None and file is not None and not file.is_file():
                raise BadSidecar(
                    f"{file}: no such file ({path} was last ingested with {option} {file}); "
                    f"give {option} FILE, or `iraqtui ingest {path}` to use what is beside it"
                )
        given[path] = GivenSidecars(
            options.actors_file or last.actors, options.events_file or last.events
        )
    return given


def analysis_key(sha256: str, name: str, sidecars: Sidecars) -> str:
    """Changes when the file, its sidecar entry, the gazetteer, the catalogue or the code do."""
    parts = [
        sha256,
        PIPELINE_VERSION,
        repr(sidecars.sources.meta_for(name)),
        repr(sidecars.sources.rules_for(name)),
        repr(sidecars.sources.quoted_for(name)),
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
    in_seeds = root.resolve() == seeds_dir.resolve()
    bundled = tuple(
        name
        for name, given, path in (
            (ACTORS_NAME, options.actors_file, gazetteer_path),
            (EVENTS_NAME, options.events_file, catalogue_path),
        )
        if given is None and not in_seeds and path == seeds_dir / name
    )
    return Sidecars(
        sources=sources,
        gazetteer=load_gazetteer(gazetteer_path) if gazetteer_path else _empty_gazetteer(),
        catalogue=load_catalogue(catalogue_path) if catalogue_path else _empty_catalogue(),
        bundled=bundled,
    )


def bundled_note(root: str, bundled: tuple[str, ...]) -> str:
    """Says that a user's folder was analysed with the demo corpus's gazetteer or catalogue."""
    names = " or ".join(bundled)
    empty = "an empty one" if len(bundled) == 1 else "empty ones"
    return (
        f"{root} has no {names}, so the bundled demo corpus's were used (they may not fit "
        f"your texts); add your own, pass --actors/--events FILE, or add {empty} to use none"
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


# Below this many files the pool's start-up (about half a second) costs more than it saves.
PARALLEL_MIN_FILES = 16
# Files per task sent to a worker, and how long one commit may hold several sources.
CHUNK_FILES = 48
BATCH_SECONDS = 0.5
BATCH_SOURCES = 200
# SQLite page cache while ingesting (the default 2 MB makes every index insert a page read).
INGEST_CACHE_KB = 64 * 1024


@dataclass(frozen=True)
class _Task:
    """One file for a worker: where it is, the key it had when last ingested, and its own
    entry of sources.toml (workers never hold the whole file: 100 MB at 50,000 entries)."""

    path: str
    root: str
    name: str
    known_key: str | None
    sources: SourcesSidecar


# SourcesSidecar fields holding one entry per file: a task carries only its own entry.
PER_FILE_FIELDS = ("files", "rules", "quoted")


def _task(item: CorpusFile, known: dict[str, str], sidecars: Sidecars) -> _Task:
    full = sidecars.sources
    own = replace(full, **_own_entries(full, item.name))
    path = str(item.path)
    return _Task(path, str(item.root), item.name, known.get(path), own)


def _own_entries(full: SourcesSidecar, name: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field_name in PER_FILE_FIELDS:
        entries = getattr(full, field_name, None)
        if isinstance(entries, dict):
            out[field_name] = {name: entries[name]} if name in entries else {}
    return out


@dataclass(frozen=True)
class _Outcome:
    task: _Task
    status: str  # analysed | skipped | refused
    analysis: SourceAnalysis | None = None
    reason: str = ""
    # reuse fingerprints by paragraph seq, computed here so the corpus-level stage need not
    prints: tuple[tuple[int, list[int]], ...] = ()


_WORKER_STATE: dict[str, object] = {}


def _worker_init(sidecars_by_root: dict[str, Sidecars], rebuild: bool) -> None:
    _WORKER_STATE["sidecars"] = sidecars_by_root
    _WORKER_STATE["rebuild"] = rebuild


def _prepare_chunk(tasks: list[_Task]) -> list[_Outcome]:
    """Read, hash and (unless unchanged) analyse files: everything but the database write."""
    sidecars_by_root: dict[str, Sidecars] = _WORKER_STATE["sidecars"]  # type: ignore[assignment]
    rebuild = bool(_WORKER_STATE["rebuild"])
    out = []
    for task in tasks:
        shared = sidecars_by_root[task.root]
        sidecars = Sidecars(task.sources, shared.gazetteer, shared.catalogue)
        out.append(_prepare(task, sidecars, rebuild))
    return out


def _prepare(task: _Task, sidecars: Sidecars, rebuild: bool) -> _Outcome:
    try:
        data = read_bytes(Path(task.path))
    except OSError as exc:
        return _Outcome(task, "refused", reason=f"cannot read ({exc.strerror or exc})")
    decoded = decode(data)
    del data
    if isinstance(decoded, str):
        return _Outcome(task, "refused", reason=decoded)
    if not rebuild and task.known_key == analysis_key(decoded.sha256, task.name, sidecars):
        return _Outcome(task, "skipped", reason="unchanged")
    root_name = Path(task.root).name
    analysis = analyse(task.name, root_name, decoded, sidecars, task.path)
    prints = tuple(reuse.paragraph_prints(analysis.doc))
    return _Outcome(task, "analysed", analysis, prints=prints)


def ingest(
    conn: sqlite3.Connection,
    paths: list[Path],
    seeds_dir: Path,
    options: IngestOptions = IngestOptions(),
    progress: ProgressFn | None = None,
    remembered: dict[Path, GivenSidecars] | None = None,
) -> IngestReport:
    """Ingest files and folders into the open database; unchanged files are skipped.
    `remembered`: the `--actors`/`--events` files paths were last ingested with (from
    `remembered.known_sidecars`), used for the paths `options` gives none for.

    Files are analysed in worker processes (pure stages, no database) and written here, by
    the only writer, in file order; several sources share a commit, each in its own
    savepoint, so a source is still written whole or not at all.
    """
    started = time.perf_counter()
    report = IngestReport()
    files, refused = discover(paths)
    report.refused.extend(refused)
    given = _given_sidecars(paths, options, remembered or {})
    options_by_root = {
        str(root_of(path)): replace(options, actors_file=g.actors, events_file=g.events)
        for path, g in given.items()
    }
    sidecars_by_root: dict[str, Sidecars] = {}
    for item in files:
        if str(item.root) not in sidecars_by_root:
            own = options_by_root.get(str(item.root), options)
            sidecars_by_root[str(item.root)] = resolve_sidecars(item.root, own, seeds_dir)
    names_by_root: dict[str, list[str]] = {}
    for item in files:
        names_by_root.setdefault(str(item.root), []).append(item.name)
    report.warnings.extend(sidecar_warnings(names_by_root, sidecars_by_root))
    known = writer.source_keys(conn)
    tasks = (_task(f, known, sidecars_by_root[str(f.root)]) for f in files)
    workers = options.workers or usable_cores()
    if len(files) < PARALLEL_MIN_FILES:
        workers = 1
    # Workers get the gazetteer and catalogue once; each task carries its sources.toml entry.
    shared = {
        root: replace(sc, sources=replace(sc.sources, **_own_entries(sc.sources, "")))
        for root, sc in sidecars_by_root.items()
    }
    outcomes = ordered_map(
        _prepare_chunk,
        chunked(tasks, CHUNK_FILES),
        workers=workers,
        initializer=_worker_init,
        initargs=(shared, options.rebuild),
    )
    batch = _Batch(conn, sidecars_by_root, report, progress, len(files))
    (cache_size,) = conn.execute("PRAGMA cache_size").fetchone()
    conn.execute(f"PRAGMA cache_size = -{INGEST_CACHE_KB}")
    try:
        if len(files) > len(known):
            # Mostly new sources: building the fingerprint index once, sorted, at the corpus
            # stage costs far less than keeping it up to date row by row.
            with writer.transaction(conn):
                reuse_store.drop_print_index(conn)
        try:
            for outcome in outcomes:
                batch.add(outcome)
        finally:
            batch.commit()
        if files:
            remember(conn, given)
        if batch.changed or options.rebuild or corpus_stale(conn):
            refresh_reuse(conn)
            current = {e.key for sc in sidecars_by_root.values() for e in sc.catalogue.events}
            with writer.transaction(conn):
                writer.rename_outlets(conn, settled_outlets(queries.outlet_sources(conn)))
                writer.prune_events(conn, current)
                writer.set_meta(conn, CORPUS_STALE, "0")
    finally:
        conn.execute(f"PRAGMA cache_size = {int(cache_size)}")
    report.warnings.extend(_rules_missed(sidecars_by_root, names_by_root, batch))
    if report.ingested:
        report.warnings.extend(
            (item.file, describe_unmatched(item)) for item in unmatched(conn, report.ingested)
        )
    report.seconds = time.perf_counter() - started
    return report


def _rules_missed(
    sidecars_by_root: dict[str, Sidecars], names_by_root: dict[str, list[str]], batch: _Batch
) -> list[tuple[str, str]]:
    """A warning for each corpus-wide boilerplate rule that no file of its folder matched,
    said when every file of the folder was analysed (as when the rule is new or changed)."""
    missed = []
    for root, hit in batch.rules_hit.items():
        if batch.analysed.get(root, 0) < len(names_by_root.get(root, ())):
            continue  # files skipped as unchanged may be the ones the rule matches
        sources = sidecars_by_root[root].sources
        for index, rule in enumerate(sources.corpus_rules):
            if index not in hit:
                name = str(sources.path) if sources.path else SOURCES_NAME
                missed.append((name, f"boilerplate rule matched no file: {describe_rule(rule)!r}"))
    return missed


class _Batch:
    """Sources written in one transaction, each in a savepoint; committed every half second."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        sidecars_by_root: dict[str, Sidecars],
        report: IngestReport,
        progress: ProgressFn | None,
        total: int,
    ) -> None:
        self.conn = conn
        self.sidecars_by_root = sidecars_by_root
        self.report = report
        self.progress = progress
        self.total = total
        self.done = 0
        self.changed = False
        self.ids: dict[str, tuple[dict[str, int], dict[str, int]]] = {}
        self.open_since: float | None = None
        self.sources = 0
        self.pending: list[Progress] = []  # reported once committed
        self.noted: set[str] = set()  # roots whose use of the bundled sidecars was reported
        # Corpus-wide boilerplate rules that matched, by root of the files analysed.
        self.rules_hit: dict[str, set[int]] = {}
        self.analysed: dict[str, int] = {}  # files analysed and written, by root

    def add(self, outcome: _Outcome) -> None:
        task = outcome.task
        self.done += 1
        if outcome.status == "refused":
            self.report.refused.append(Refusal(task.name, outcome.reason))
            self._tell(Progress(self.done, self.total, task.name, "refused", outcome.reason))
            return
        if outcome.status == "skipped" or outcome.analysis is None:
            self.report.skipped.append(task.name)
            self._tell(Progress(self.done, self.total, task.name, "skipped", "unchanged"))
            return
        analysis = outcome.analysis
        if self.open_since is None:
            self.conn.execute("BEGIN IMMEDIATE")
            self.open_since = time.perf_counter()
        with writer.savepoint(self.conn):
            actor_ids, event_ids = self._ids(task.root)
            writer.write_source(
                self.conn, analysis, task.root, actor_ids, event_ids, prints=outcome.prints
            )
            # Committed with the source: if the process dies before the corpus-level refresh,
            # the next run still knows the reuse table is out of date.
            writer.set_meta(self.conn, CORPUS_STALE, "1")
            writer.bump_generation(self.conn)
        self.changed = True
        self.sources += 1
        self.rules_hit.setdefault(task.root, set()).update(analysis.corpus_rules_hit)
        self.analysed[task.root] = self.analysed.get(task.root, 0) + 1
        bundled = self.sidecars_by_root[task.root].bundled
        if bundled and task.root not in self.noted:
            self.noted.add(task.root)
            self.report.notes.append(bundled_note(task.root, bundled))
        self.report.ingested.append(task.name)
        self.report.warnings.extend((task.name, w) for w in analysis.warnings)
        detail = f"{len(analysis.doc.paragraphs)} paragraphs"
        self._tell(Progress(self.done, self.total, task.name, "ingested", detail))
        if self.sources >= BATCH_SOURCES or time.perf_counter() - self.open_since >= BATCH_SECONDS:
            self.commit()

    def _ids(self, root: str) -> tuple[dict[str, int], dict[str, int]]:
        """Actors and events synced once per run and folder, inside the first source's
        savepoint (so a rolled-back source takes the sync with it)."""
        if root not in self.ids:
            sidecars = self.sidecars_by_root[root]
            actor_ids = writer.sync_actors(self.conn, sidecars.gazetteer.actors)
            event_ids = writer.sync_events(self.conn, sidecars.catalogue.events)
            self.ids[root] = (actor_ids, event_ids)
        return self.ids[root]

    def _tell(self, step: Progress) -> None:
        if self.open_since is None:
            if self.progress:
                self.progress(step)
        else:
            self.pending.append(step)

    def commit(self) -> None:
        if self.open_since is not None:
            try:
                self.conn.commit()
            except BaseException:
                self.conn.rollback()
                raise
            finally:
                self.open_since = None
                self.sources = 0
        pending, self.pending = self.pending, []
        if self.progress:
            for step in pending:
                self.progress(step)
