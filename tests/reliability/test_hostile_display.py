"""Escapes and markup stored in a corpus never reach the terminal, from any subcommand."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from iraqtui.cli import main
from iraqtui.config import bundled_seeds_dir
from iraqtui.ingest.pipeline import ingest
from iraqtui.store.db import open_db
from tests.reliability.hostile import write_display_corpus
from tests.reliability.terminal import Tmux, iraqtui_command, tmux_available

SEEDS = bundled_seeds_dir()
# C0 (CR only as part of CRLF, which CSV uses), DEL and C1: none may reach a terminal.
LEAK = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")

COMMANDS: tuple[tuple[str, ...], ...] = (
    ("search", "siege"),
    ("search", "siege", "--json"),
    ("search", "[bold]"),
    ("search", "\x1b]0;PWNED\x07 \x9b2J [/]"),
    ("stats",),
    ("stats", "--json"),
    ("actors",),
    ("actors", "--json"),
    ("actors", "Evilactor"),
    ("actors", "Evilactor", "--json"),
    ("actors", "--unresolved"),
    ("actors", "\x1b[2J nobody \x1b]52;c;eA==\x07"),
    ("quotes", "stop", "the", "siege"),
    ("quotes", "stop", "siege", "--json"),
    ("quotes", "\x1b]0;PWNED\x07"),
    ("events",),
    ("events", "--json"),
    ("events", "hostile_siege"),
    ("events", "hostile_siege", "--json"),
    ("events", "--unassigned"),
    ("events", "--propose"),
    ("compare", "hostile_siege"),
    ("compare", "hostile_siege", "--format", "markdown"),
    ("compare", "hostile_siege", "--format", "json"),
    ("compare", "hostile_siege", "--format", "csv"),
    ("compare", "Evilactor"),
    ("correct", "list"),
    ("export", "--out", "-"),
    ("export", "--format", "jsonl", "--out", "-"),
)


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database whose texts, metadata, actors and events all carry escapes and markup."""
    folder = tmp_path_factory.mktemp("hostile")
    write_display_corpus(folder / "corpus", SEEDS)
    db = open_db(folder / "hostile.db")
    try:
        report = ingest(db.conn, [folder / "corpus"], SEEDS)
    finally:
        db.conn.close()
    assert len(report.ingested) == 3 and not report.refused
    return folder / "hostile.db"


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(c)[:40] for c in COMMANDS])
def test_subcommand_output_carries_no_control_sequence(
    args: tuple[str, ...],
    hostile_db: Path,
    no_db_env: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main([args[0], "--db", str(hostile_db), *args[1:]])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    assert "Traceback" not in err
    leaks = [
        (m.start(), (out + err)[m.start() - 20 : m.start() + 5]) for m in LEAK.finditer(out + err)
    ]
    assert not leaks, f"control characters reached the terminal: {leaks[:3]}"
    if code == 1:
        assert len(err.strip().splitlines()) == 1 and err.startswith("iraqtui: error: ")


def test_markup_in_text_is_printed_literally(
    hostile_db: Path, no_db_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "--db", str(hostile_db), "--limit", "50", "siege"]) == 0
    out = capsys.readouterr().out
    assert "[@click=app.quit]" in out or "[bold]" in out or "[/]" in out


@pytest.mark.e2e
@pytest.mark.skipif(not tmux_available(), reason="tmux is not installed")
def test_real_terminal_receives_no_sequence_from_any_subcommand(
    hostile_db: Path, tmp_path: Path
) -> None:
    """Every subcommand, colour on, in tmux: no title change, clipboard write, bell, alternate
    screen, clear screen or hyperlink; only our own colours in the captured cells."""
    exe = shlex.quote(iraqtui_command())
    db = shlex.quote(str(hostile_db))
    script = tmp_path / "run.sh"
    lines = ["echo FIRST-LINE-MARKER"]
    for args in COMMANDS:
        quoted = " ".join(shlex.quote(a) for a in args[1:])
        lines.append(f"{exe} {args[0]} --db {db} {quoted}")
    lines.append("echo ALL-DONE-MARKER")
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    term = Tmux(tmp_path, width=200, height=50)
    try:
        term.run(f"sh {shlex.quote(str(script))} 2>&1")
        term.wait_for("ALL-DONE-MARKER", timeout=240)
        history = term.screen(history=True)
        coloured = term.screen(escapes=True, history=True)
        assert term.info("#{pane_title}") == "SAFE-TITLE"
        assert term.info("#{window_name}") == "sh"
        assert term.info("#{window_bell_flag}") == "0"
        assert term.info("#{alternate_on}") == "0"
        assert term.buffers() == ""
        assert "FIRST-LINE-MARKER" in history, "the screen was cleared"
        crash = history.find("Traceback")
        assert crash < 0, history[crash : crash + 3000]
        # Escapes are stripped (shown as U+FFFD), markup is shown literally, never applied.
        assert "\ufffd" in history
        assert "[bold]" in history and "[@click=app.quit]" in history
        sgr = re.sub(r"\x1b\[[0-9;:]*m", "", coloured)
        assert "\x1b" not in sgr, "a non-colour escape sequence reached the terminal"
    finally:
        term.close()
