"""Two processes on one database; read-only, corrupt and foreign files.

Ingest writes while another process reads and annotates the way the app does (its own
connection per task): both finish and nobody sees "database is locked". A read-only file
opens read-only with a notice; a damaged or foreign file is refused and left byte-for-byte.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from iraqtui.cli import main
from tests.reliability.conftest import iraqtui
from tests.reliability.crash import ENV, make_corpus, notes_in

# Reads (full-text, fuzzy quotes, stats) and a note per loop, each on a fresh connection.
READER = """
import sys, time
from pathlib import Path
from iraqtui.analysis.quote_search import search_quotes
from iraqtui.analysis.search import search
from iraqtui.store.app_queries import add_note
from iraqtui.store.db import connect
from iraqtui.store.queries import source_summaries
db, stop = sys.argv[1], Path(sys.argv[2])
loops = errors = 0
while not stop.exists():
    try:
        conn = connect(db)
        search(conn, "Sadr Basra")
        search_quotes(conn, "we will not")
        source_summaries(conn)
        note = add_note(conn, f"source:reader-{loops}", "note", f"read loop {loops}")
        print("saved", note, flush=True)
        conn.close()
    except Exception as exc:
        errors += 1
        print("ERROR", type(exc).__name__, exc, flush=True)
    loops += 1
print("loops", loops, "errors", errors, flush=True)
"""


def test_ingest_and_a_reading_annotating_process_share_the_database(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    make_corpus(corpus, files=20, seed=3)
    db = tmp_path / "shared.db"
    first = iraqtui(
        "ingest", "-q", "--db", str(db), str(corpus / "000_68bd571804362d92.txt"), cwd=tmp_path
    )
    assert first.returncode == 0, first.stderr
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(db), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    try:
        ingest = iraqtui("ingest", "--db", str(db), str(corpus), cwd=tmp_path)
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=120)
    assert ingest.returncode == 0, ingest.stderr
    assert "locked" not in ingest.stderr.lower()
    assert "ERROR" not in out and not err, out[-2000:] + err[-2000:]
    saved = {int(line.split()[1]) for line in out.splitlines() if line.startswith("saved ")}
    assert len(saved) >= 3  # it really ran alongside the ingest
    assert saved <= {i for i, _, _ in notes_in(db)}
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM sources").fetchone()[0] == 25
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def _unprivileged() -> list[str] | None:
    """A command prefix under which file permissions apply (root bypasses them)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    return [setpriv, "--bounding-set=-all", "--inh-caps=-all"] if setpriv else None


def _run(prefix: list[str], *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*prefix, sys.executable, "-m", "iraqtui", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )


def read_only_copy(db: Path, folder: Path, *, folder_writable: bool) -> Path:
    """A copy of `db` this process may not write (mode 0444; its folder 0555 too, unless
    `folder_writable`), as a user's archived or shared database."""
    folder.mkdir()
    copy = folder / db.name
    shutil.copy(db, copy)
    copy.chmod(0o444)
    if not folder_writable:
        folder.chmod(0o555)
    return copy


@pytest.mark.parametrize("folder_writable", [True, False], ids=["file-ro", "folder-ro"])
def test_read_only_database_opens_read_only_with_a_notice(
    seeds_db_path: Path, tmp_path: Path, folder_writable: bool
) -> None:
    prefix = _unprivileged()
    if prefix is None:
        pytest.skip("running as root without setpriv: permissions cannot be enforced")
    db = read_only_copy(seeds_db_path, tmp_path / "ro", folder_writable=folder_writable)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    try:
        for args in (("stats",), ("search", "Sadr")):
            done = _run(prefix, args[0], "--db", str(db), *args[1:], cwd=tmp_path)
            assert done.returncode == 0, done.stderr
            assert f"iraqtui: note: {db} is read-only" in done.stderr
            assert done.stdout.strip()
        writes: tuple[tuple[str, ...], ...] = (
            ("ingest", str(tmp_path)),
            ("correct", "quote", "1", "--speaker", "X"),
        )
        for command in writes:
            done = _run(prefix, command[0], "--db", str(db), *command[1:], cwd=tmp_path)
            assert done.returncode == 1
            assert "Traceback" not in done.stderr
            assert done.stderr.strip().splitlines()[-1].startswith("iraqtui: error: ")
            assert "read-only" in done.stderr
    finally:
        db.parent.chmod(0o755)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def _damaged(seeds_db_path: Path) -> dict[str, bytes]:
    real = seeds_db_path.read_bytes()
    n = len(real)
    header_then_noise = real[:100] + bytes((i * 37) % 256 for i in range(len(real) - 100))
    return {
        "text": b"These are my notes, not a database.\n" * 100,
        "random": bytes((i * 131 + 7) % 256 for i in range(50_000)),
        "header-then-noise": header_then_noise,
        "truncated": real[: len(real) // 3],
        "pages-zeroed": real[:4096] + b"\x00" * (len(real) - 4096),
        # Schema pages intact, table pages noise: opens fine, fails at the first read.
        "middle-noise": real[: n // 2]
        + bytes((i * 37) % 256 for i in range(n // 2, n * 9 // 10))
        + real[n * 9 // 10 :],
    }


@pytest.mark.parametrize(
    "kind", ["text", "random", "header-then-noise", "truncated", "pages-zeroed", "middle-noise"]
)
def test_damaged_or_foreign_file_is_refused_and_never_touched(
    kind: str, seeds_db_path: Path, no_db_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = no_db_env / "broken.db"
    db.write_bytes(_damaged(seeds_db_path)[kind])
    before = db.read_bytes()
    commands: tuple[tuple[str, ...], ...] = (
        ("stats",),
        ("search", "Sadr"),
        ("quotes", "we will not"),
        ("actors",),
        ("events",),
        ("compare", "Sadr"),
        ("export", "--out", str(no_db_env / "out.json")),
        ("ingest", str(no_db_env / "nothing-here.txt")),
        ("correct", "list"),
    )
    for args in commands:
        code = main([args[0], "--db", str(db), *args[1:]])
        out, err = capsys.readouterr()
        assert db.read_bytes() == before, f"{args[0]} changed the file"
        if code == 0 and kind == "middle-noise":
            continue  # this command reads only pages the damage spared
        assert code == 1, (args, out[-500:], err[-500:])
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("iraqtui: error: "), (args, lines)


# The real app, headless, on the database: what it shows at start and after a save attempt.
APP_ON = """
import asyncio, json, sys
from pathlib import Path
from iraqtui.config import bundled_seeds_dir
from iraqtui.tui.app import IraqApp

async def main(db):
    app = IraqApp(Path(db), bundled_seeds_dir())
    out = {}
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        async def settle():
            for _ in range(4):
                await app.workers.wait_for_complete()
                await pilot.pause()
                await pilot.pause(0.05)
        def screen():
            return "\\n".join(s.text for s in app.screen._compositor.render_strips())
        await settle()
        out["screen"] = screen()
        out["notifications"] = [n.message for n in app._notifications]
        await pilot.press("enter")  # open the first source
        await settle()
        await pilot.press("a")
        await pilot.pause()
        rows = app.screen.query_one("#annotate-choices")
        rows.cursor = next(
            i for i, r in enumerate(rows.rows) if r.text.startswith("note on this sentence")
        )
        await pilot.press("enter", *"mine", "enter")
        await settle()
        out["after_save"] = screen()
        out["errors"] = app.errors
    print("RESULT " + json.dumps(out))

asyncio.run(main(sys.argv[1]))
"""


@pytest.mark.parametrize("folder_writable", [True, False], ids=["file-ro", "folder-ro"])
def test_the_app_on_a_read_only_database_says_so_and_saves_nothing(
    seeds_db_path: Path, tmp_path: Path, folder_writable: bool
) -> None:
    import json

    prefix = _unprivileged()
    if prefix is None:
        pytest.skip("running as root without setpriv: permissions cannot be enforced")
    db = read_only_copy(seeds_db_path, tmp_path / "ro", folder_writable=folder_writable)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    try:
        done = subprocess.run(
            [*prefix, sys.executable, "-c", APP_ON, str(db)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "NO_COLOR": "1", "IRAQTUI_KEYS": str(tmp_path / "none.toml")},
        )
    finally:
        db.parent.chmod(0o755)
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    seen = json.loads(line.removeprefix("RESULT "))
    assert "read-only" in seen["screen"].splitlines()[0]  # the header says so, all along
    assert "5 sources" in seen["screen"]  # and the lists are there to read
    told = seen["notifications"]
    assert any("read-only" in n and "cannot be saved" in n for n in told), told
    # The save is refused in one line, in place; no error, no traceback, nothing written.
    assert "read-only: annotations and corrections cannot be saved" in seen["after_save"]
    assert seen["errors"] == []
    assert "Traceback" not in done.stderr
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
