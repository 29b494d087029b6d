"""Kill an ingest with SIGKILL mid-write and check what survives (used by test and script).

A corpus is ingested (state A) and annotated; then it changes (some files edited, some
added) and a reference copy is brought to state B by an uninterrupted ingest. Each trial
copies A, starts `iraqtui ingest` on the changed corpus with an annotator writing beside it,
SIGKILLs the ingest at a random moment, then checks: integrity_check passes, every source is
exactly as in A or exactly as in B, every annotation written before or acknowledged during
the run is there, and a plain re-run of ingest brings the database to B.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

_PARTS = (
    ("paragraphs", "seq, start, end, text, boilerplate, boilerplate_reason, voice"),
    ("sentences", "seq, start, end, text, boilerplate, voice, cited_outlet"),
    ("boilerplate", "start, end, reason"),
    (
        "mentions",
        "start, end, surface, method, score, (SELECT name FROM actors a WHERE a.id = actor)",
    ),
    ("candidates", "start, end, surface"),
    ("quotes", "start, end, text, kind, speaker, cited_outlet, confidence"),
    ("event_passages", "start, end, score, (SELECT key FROM events e WHERE e.id = event)"),
)


def source_fingerprints(db: Path) -> dict[str, str]:
    """Per source path, a digest of the source row and every row derived from it (not ids)."""
    conn = sqlite3.connect(db)
    try:
        out: dict[str, str] = {}
        rows = conn.execute(
            "SELECT id, path, sha256, analysis_key, file, outlet, title, text FROM sources"
        ).fetchall()
        for source_id, path, *values in rows:
            digest = hashlib.sha256(json.dumps(values).encode())
            for table, columns in _PARTS:
                for row in conn.execute(
                    f"SELECT {columns} FROM {table} WHERE source = ? ORDER BY start, end",
                    (source_id,),
                ):
                    digest.update(json.dumps([table, *row]).encode())
            out[str(path)] = digest.hexdigest()
        return out
    finally:
        conn.close()


def reuse_fingerprint(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT s.path, r.start, r.end FROM reuse r JOIN sources s ON s.id = r.source "
            "ORDER BY 1, 2, 3"
        ).fetchall()
        return hashlib.sha256(json.dumps(rows).encode()).hexdigest()
    finally:
        conn.close()


def notes_in(db: Path) -> set[tuple[int, str, str]]:
    conn = sqlite3.connect(db)
    try:
        return {
            (int(i), str(t), str(v))
            for i, t, v in conn.execute("SELECT id, target, value FROM annotations")
        }
    finally:
        conn.close()


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def python_command(*args: str) -> list[str]:
    return [sys.executable, *args]


# reuse.find_reuse once depended on the hash seed (RELIABILITY.md); every process runs with
# the same one, so a re-run's reuse table can always be compared with an uninterrupted run's.
ENV = {**os.environ, "PYTHONHASHSEED": "0"}


def run_ingest(db: Path, corpus: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        python_command("-m", "iraqtui", "ingest", "-q", "--db", str(db), str(corpus)),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env=ENV,
    )


def make_corpus(folder: Path, files: int, seed: int) -> None:
    """The bundled seeds plus `files` generated articles built from their sentences."""
    from iraqtui.config import bundled_seeds_dir

    seeds = bundled_seeds_dir()
    shutil.copytree(seeds, folder)
    sentences = [
        s.strip() + "."
        for p in sorted(seeds.glob("*.txt"))
        for s in p.read_text(encoding="utf-8").split(".")
        if len(s.strip()) > 30
    ]
    rng = random.Random(seed)
    for n in range(files):
        paragraphs = [
            " ".join(rng.choice(sentences) for _ in range(rng.randrange(2, 6)))
            for _ in range(rng.randrange(4, 30))
        ]
        (folder / f"gen_{n:04d}.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")


def change_corpus(folder: Path, seed: int) -> None:
    """Edit about a third of the files and add a few: the run that gets interrupted."""
    rng = random.Random(seed)
    names = sorted(folder.glob("*.txt"))
    for path in rng.sample(names, max(1, len(names) // 3)):
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"\n\nAn added paragraph about Basra, number {rng.randrange(10**6)}.\n")
    for n in range(max(1, len(names) // 10)):
        (folder / f"added_{n:03d}.txt").write_text(
            f"A new article {n}: the Mahdi Army and the Iraqi Army fought in Basra.\n",
            encoding="utf-8",
        )


def annotate(db: Path, count: int, label: str) -> list[int]:
    """Notes written through the annotations API, one transaction each."""
    from iraqtui.store.app_queries import add_note
    from iraqtui.store.db import connect

    conn = connect(db)
    try:
        return [
            add_note(conn, f"source:{label}-{n}", "note", f"{label} note {n}") for n in range(count)
        ]
    finally:
        conn.close()


@dataclass
class Prepared:
    workdir: Path
    corpus: Path
    state_a: Path
    before: dict[str, str]
    after: dict[str, str]
    reuse_after: str
    full_seconds: float
    notes_before: set[tuple[int, str, str]]


def prepare(workdir: Path, files: int, seed: int) -> Prepared:
    corpus = workdir / "corpus"
    make_corpus(corpus, files, seed)
    state_a = workdir / "a.db"
    done = run_ingest(state_a, corpus)
    assert done.returncode == 0, done.stderr
    annotate(state_a, 25, "before")
    before = source_fingerprints(state_a)
    change_corpus(corpus, seed + 1)
    reference = workdir / "b.db"
    shutil.copy(state_a, reference)
    started = time.perf_counter()
    done = run_ingest(reference, corpus)
    full = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    return Prepared(
        workdir,
        corpus,
        state_a,
        before,
        source_fingerprints(reference),
        reuse_fingerprint(reference),
        full,
        notes_in(state_a),
    )


@dataclass
class Trial:
    delay: float
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # known issues, reported not failed
    sources_unchanged: int = 0
    sources_before: int = 0
    sources_after: int = 0
    acknowledged: int = 0
    exit_code: int | None = None


ANNOTATOR = """
import sys, time
from iraqtui.store.app_queries import add_note
from iraqtui.store.db import connect
conn = connect(sys.argv[1])
n = 0
while True:
    note = add_note(conn, f"source:during-{n}", "note", f"during note {n}")
    print(note, flush=True)
    n += 1
    time.sleep(0.01)
"""


def trial(prepared: Prepared, index: int, delay: float) -> Trial:
    """One SIGKILL of an ingest `delay` seconds after it starts, with an annotator beside it."""
    db = prepared.workdir / f"trial{index}.db"
    shutil.copy(prepared.state_a, db)
    result = Trial(delay)
    annotator = subprocess.Popen(
        python_command("-c", ANNOTATOR, str(db)), stdout=subprocess.PIPE, text=True
    )
    assert annotator.stdout is not None
    first = annotator.stdout.readline()  # writing before the ingest starts
    ingest = subprocess.Popen(
        python_command("-m", "iraqtui", "ingest", "-q", "--db", str(db), str(prepared.corpus)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        start_new_session=True,  # the kill reaches its worker processes too
    )
    time.sleep(delay)
    if ingest.poll() is None:
        os.killpg(ingest.pid, signal.SIGKILL)
    ingest.wait()
    result.exit_code = ingest.returncode
    annotator.kill()
    out, _ = annotator.communicate()
    out = first + out
    acknowledged = {int(line) for line in out.split() if line.strip().isdigit()}
    result.acknowledged = len(acknowledged)
    stderr = ingest.stderr.read() if ingest.stderr else ""
    if "locked" in stderr or "Traceback" in stderr:
        result.problems.append(f"ingest said: {stderr.strip()[-300:]}")
    check_after_kill(prepared, db, acknowledged, result)
    return result


def check_after_kill(prepared: Prepared, db: Path, acknowledged: set[int], result: Trial) -> None:
    status = integrity(db)
    if status != "ok":
        result.problems.append(f"integrity_check: {status}")
        return
    now = source_fingerprints(db)
    for path in sorted(set(prepared.before) | set(prepared.after) | set(now)):
        state = now.get(path)
        if prepared.before.get(path) == prepared.after.get(path) == state:
            result.sources_unchanged += 1
        elif state == prepared.after.get(path):
            result.sources_after += 1
        elif state == prepared.before.get(path):
            result.sources_before += 1
        else:
            result.problems.append(f"{Path(path).name}: neither before nor after the run")
    notes = notes_in(db)
    missing = prepared.notes_before - notes
    if missing:
        result.problems.append(f"{len(missing)} annotations made before the run are gone")
    ids = {i for i, _, _ in notes}
    lost = acknowledged - ids
    if lost:
        result.problems.append(f"{len(lost)} acknowledged annotations lost: {sorted(lost)[:5]}")
    # Recovery: a plain re-run finishes the job.
    done = run_ingest(db, prepared.corpus)
    if done.returncode != 0:
        result.problems.append(f"re-run failed: {done.stderr.strip()[-300:]}")
    if source_fingerprints(db) != prepared.after:
        result.problems.append("re-run did not bring every source to the after state")
    if reuse_fingerprint(db) != prepared.reuse_after:
        result.notes.append("re-run left the reuse table stale (not refreshed)")
    if integrity(db) != "ok":
        result.problems.append("integrity_check failed after the re-run")
