"""The real `iraqtui` command in a real terminal (tmux): first run builds the database."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def iraqtui_command() -> str:
    beside = Path(sys.executable).with_name("iraqtui")
    return str(beside) if beside.exists() else shutil.which("iraqtui") or "iraqtui"


class Terminal:
    """One tmux server of our own (`-L`), so other tmux users on the machine cannot race it."""

    def __init__(self, name: str) -> None:
        self.name = name

    def tmux(self, *args: str) -> list[str]:
        return ["tmux", "-L", self.name, *args]

    def send(self, *keys: str) -> None:
        subprocess.run(self.tmux("send-keys", "-t", self.name, *keys), check=True)

    def type(self, text: str) -> None:
        subprocess.run(self.tmux("send-keys", "-t", self.name, "-l", text), check=True)

    def screen(self) -> str:
        done = subprocess.run(
            self.tmux("capture-pane", "-p", "-t", self.name),
            capture_output=True,
            text=True,
            check=False,
        )
        return done.stdout

    def wait_for(self, text: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen()}")

    def alive(self) -> bool:
        has = subprocess.run(
            self.tmux("has-session", "-t", self.name), check=False, capture_output=True
        )
        return has.returncode == 0


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[tuple[Terminal, Path]]:
    name = f"iraqtui-e2e-{uuid.uuid4().hex[:8]}"
    db = tmp_path / "fresh.db"
    env = {
        "IRAQTUI_KEYS": str(tmp_path / "no-keys.toml"),
        "TERM": "xterm-256color",
    }
    exports = " ".join(f"{k}={v}" for k, v in env.items())
    command = f"cd {tmp_path} && env {exports} {iraqtui_command()} --db {db}"
    term = Terminal(name)
    subprocess.run(
        term.tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "40", command),
        check=True,
        env={**os.environ, "TMUX": ""},
    )
    try:
        yield term, db
    finally:
        subprocess.run(term.tmux("kill-server"), check=False, capture_output=True)


def test_first_run_builds_the_database_then_finds_a_quote(terminal: tuple[Terminal, Path]) -> None:
    term, db = terminal
    term.wait_for("5 sources", timeout=90)
    assert db.exists()
    # "5 sources" is also in the notice of the build, which can show before the list loads
    shown = term.wait_for("Hot Air")
    assert "Sources" in shown and "Hot Air" in shown
    assert "Traceback" not in shown

    term.send("f")
    term.wait_for("Find a quote")
    term.type("too big for his boots")
    shown = term.wait_for("Michael Ware")
    assert "too big for his boots" in shown
    term.send("Enter")
    shown = term.wait_for("Blorge · 2008-03-28")
    assert "too big for his boots" in shown
    time.sleep(0.3)

    # a person types slower than tmux: give focus changes a moment, as a hand would
    for step in (["3"], ["i"], ["-l", "Qom"], ["Enter"], ["c"]):
        term.send(*step)
        time.sleep(0.3)
    shown = term.wait_for("Qom talks and the Iran-brokered truce")
    term.wait_for("Hot Air")
    term.send("Escape")
    term.wait_for("Find quote")

    term.send("q")
    deadline = time.monotonic() + 10
    while term.alive() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not term.alive(), "q did not quit the app"
