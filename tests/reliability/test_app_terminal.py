"""The real app in a real terminal (tmux): hostile text, a concurrent ingest, a SIGKILL."""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.crash import ENV, make_corpus
from tests.reliability.hostile import ARABIC, BIDI_CONTROL
from tests.reliability.terminal import Tmux, iraqtui_command, tmux_available

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not tmux_available(), reason="tmux is not installed"),
]


@pytest.fixture
def term(tmp_path: Path) -> Iterator[Tmux]:
    terminal = Tmux(tmp_path, width=120, height=36)
    yield terminal
    terminal.close()


def start_app(term: Tmux, db: Path) -> int:
    """`iraqtui --db DB` replacing the pane's shell; returns the app's pid."""
    term.run(f"exec {shlex.quote(iraqtui_command())} --db {shlex.quote(str(db))}")
    term.wait_for("sources ·", timeout=60, history=False)  # the lists are loaded
    time.sleep(0.5)
    return term.pane_pid()


def press(term: Tmux, *keys: str, pause: float = 0.4) -> None:
    for key in keys:
        term.keys(key)
        time.sleep(pause)


def type_text(term: Tmux, text: str) -> None:
    term.tmux("send-keys", "-t", "main", "-l", text)
    time.sleep(0.3)


def add_note(term: Tmux, text: str, *, wait: bool = True) -> None:
    """Annotate the sentence under the reader's cursor with a note (a, note, text, enter),
    waiting for what the dialog shows at each step: two ingest workers may be starving the
    app of CPU."""
    term.keys("a")
    term.wait_for("Annotate — pick one", timeout=60, history=False)
    term.keys("j")  # the second choice: a note
    term.keys("Enter")
    term.wait_for("your note; enter saves", timeout=60, history=False)
    type_text(term, text)
    term.keys("Enter")
    if wait:
        deadline = time.monotonic() + 60
        while "Annotate — pick one" in term.screen() and time.monotonic() < deadline:
            time.sleep(0.2)


def wait_for_notes(db: Path, count: int, timeout: float = 60.0) -> list[str]:
    """The database's notes once it holds `count` of them (or when the time is up)."""
    deadline = time.monotonic() + timeout
    while len(saved := notes(db)) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return saved


def notes(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [str(v) for (v,) in conn.execute("SELECT value FROM annotations ORDER BY id")]
    finally:
        conn.close()


def test_app_shows_hostile_text_literally_and_the_terminal_gets_no_sequence(
    term: Tmux, hostile_db_copy: Path
) -> None:
    start_app(term, hostile_db_copy)
    press(term, "1", "i")
    type_text(term, "Outlet")
    press(term, "Enter", "Enter")
    shown = term.wait_for("Evilactor", timeout=30, history=False)
    press(term, "j", "j", "Enter")
    shown += term.screen()
    press(term, "slash")
    type_text(term, "siege")
    press(term, "Enter", pause=1.0)
    shown += term.screen()
    press(term, "Escape", "2", "i")
    type_text(term, "Evil")
    press(term, "Enter", "c", pause=0.8)
    shown += term.screen()
    assert term.info("#{pane_title}") == "SAFE-TITLE"
    assert term.info("#{window_bell_flag}") == "0"
    assert term.buffers() == ""
    assert "PWNED" not in term.info("#{window_name}")
    press(term, "Escape", "Escape")
    shown += term.screen()
    assert "iraqtui" in shown, "the app is gone ([@click=app.quit] ran?)"
    assert any(m in shown for m in ("[bold]", "[/]", "[@click", "[link=")), shown
    # No bidi control reached the terminal; the Arabic of the text did.
    assert not BIDI_CONTROL.search(shown), [hex(ord(c)) for c in BIDI_CONTROL.findall(shown)]
    assert ARABIC in shown, shown


def test_app_annotates_while_ingest_writes_the_same_database(
    term: Tmux, tmp_path: Path, seeds_db_path: Path
) -> None:
    db = tmp_path / "shared.db"
    shutil.copy(seeds_db_path, db)
    corpus = tmp_path / "corpus"
    make_corpus(corpus, files=40, seed=5)
    start_app(term, db)
    press(term, "Enter")
    term.wait_for("annotate", timeout=30, history=False)
    ingest_run = subprocess.Popen(
        [sys.executable, "-m", "iraqtui", "ingest", "--db", str(db), str(corpus)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    written = []
    overlapped = 0
    for n in range(3):
        add_note(term, f"during ingest {n}")
        written.append(f"during ingest {n}")
        wait_for_notes(db, n + 1)
        overlapped += ingest_run.poll() is None
    assert overlapped, "the ingest finished before any note was saved: nothing was tested"
    _, err = ingest_run.communicate(timeout=300)
    assert ingest_run.returncode == 0, err
    assert "locked" not in err.lower()
    time.sleep(1)
    shown = term.screen(history=False)
    assert "locked" not in shown.lower() and "error" not in shown.lower(), shown
    assert notes(db) == written
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM sources").fetchone()[0] == 50
    conn.close()


def test_app_killed_while_saving_loses_at_most_that_annotation(
    term: Tmux, tmp_path: Path, seeds_db_path: Path
) -> None:
    db = tmp_path / "kill.db"
    shutil.copy(seeds_db_path, db)
    pid = start_app(term, db)
    press(term, "Enter")
    term.wait_for("annotate", timeout=30, history=False)
    for n in range(3):
        add_note(term, f"saved {n}")
        wait_for_notes(db, n + 1)
    assert notes(db) == ["saved 0", "saved 1", "saved 2"]
    add_note(term, "being saved", wait=False)  # Enter pressed: the save is under way
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while term.tmux("has-session", "-t", "main", check=False) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = notes(db)
    assert left[:3] == ["saved 0", "saved 1", "saved 2"]
    assert left[3:] in ([], ["being saved"])
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_app_reads_a_read_only_database_in_a_read_only_folder(
    term: Tmux, tmp_path: Path, seeds_db_path: Path
) -> None:
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: permissions cannot be enforced")
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "seeds.db"
    shutil.copy(seeds_db_path, db)
    db.chmod(0o444)
    folder.chmod(0o555)
    before = db.read_bytes()
    drop = "setpriv --bounding-set=-all --inh-caps=-all " if os.geteuid() == 0 else ""
    try:
        term.run(f"exec {drop}{shlex.quote(iraqtui_command())} --db {shlex.quote(str(db))}")
        shown = term.wait_for("5 sources ·", timeout=60, history=False)
        assert "error" not in shown.lower(), shown
    finally:
        folder.chmod(0o755)
    assert db.read_bytes() == before
