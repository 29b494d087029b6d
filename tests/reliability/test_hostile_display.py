"""Escapes and markup stored in a corpus never reach the terminal, from any subcommand."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from iraqtui.cli import main
from iraqtui.textsafe import escape_json_controls, one_line, sanitize
from tests.reliability.hostile import ARABIC, BIDI, BIDI_CONTROL, HEBREW
from tests.reliability.terminal import Tmux, iraqtui_command, tmux_available

# C0 (CR only as part of CRLF, which CSV uses), DEL, C1 and bidi controls: none may reach
# a terminal.
LEAK = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\r(?!\n)"
)

COMMANDS: tuple[tuple[str, ...], ...] = (
    ("search", "siege"),
    ("search", "siege", "--json"),
    ("search", "[bold]"),
    ("search", "\x1b]0;PWNED\x07 \x9b2J [/]"),
    ("search", "\u2066siege\u2069 \u202enosuch\u202c"),
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
    ("quotes", "\u202eegeis eht pots"),
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
def hostile_db(hostile_db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds plus three sources whose texts, metadata, actors and events all carry
    escapes, markup and bidi controls, the stored display text included (as a database
    ingested before bidi controls were neutralised holds it): every printing path must
    neutralise them. A copy: some commands write (an export into the working folder)."""
    db = tmp_path_factory.mktemp("hostile") / "hostile.db"
    shutil.copy(hostile_db_path, db)
    conn = sqlite3.connect(db)
    try:
        files = {f for (f,) in conn.execute("SELECT file FROM sources")}
        (bidi,) = conn.execute(
            "SELECT count(*) FROM sources WHERE display GLOB '*[\u202a-\u202e]*'"
        ).fetchone()
    finally:
        conn.close()
    assert {"hostile0.txt", "hostile1.txt"} <= files and bidi == 3
    return db


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


def test_bidi_controls_are_neutralised_in_place_and_right_to_left_letters_kept() -> None:
    for sample in BIDI:
        shown = sanitize(sample)
        assert len(shown) == len(sample)  # offsets into the text stay valid
        assert not BIDI_CONTROL.search(shown) and not BIDI_CONTROL.search(one_line(sample))
        for before, after in zip(sample, shown, strict=True):
            if before in "\u202d\u202e":  # an override shows: the source tried to reverse text
                assert after == "\ufffd"
            elif BIDI_CONTROL.match(before):  # embeddings, isolates, marks: invisible
                assert after == "\u200b"
            else:
                assert after == before
    assert ARABIC in sanitize(BIDI[2]) and HEBREW in one_line(BIDI[4])
    assert one_line(BIDI[0]) == "invoice\ufffdtxt.exe"
    text = "".join(BIDI)
    as_json = escape_json_controls(json.dumps({"t": text}, ensure_ascii=False))
    assert not BIDI_CONTROL.search(as_json) and ARABIC in as_json
    assert json.loads(as_json) == {"t": text}  # the same data, escaped


def test_right_to_left_text_is_shown_and_overrides_are_marked(
    hostile_db: Path, no_db_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "--db", str(hostile_db), "--limit", "50", "siege"]) == 0
    assert main(["actors", "--db", str(hostile_db), "Evilactor"]) == 0
    out = capsys.readouterr().out
    assert ARABIC in out and HEBREW in out
    assert "invoice\ufffdtxt.exe" in out  # the title's RLO, visible as U+FFFD
    assert not BIDI_CONTROL.search(out)


# Runs commands.json's subcommands (but the first) through `iraqtui.cli.main`, writing to
# the terminal; an unexpected exception prints its traceback, which the test looks for.
RUN_ALL = """
import json, sys, traceback
from iraqtui.cli import main
for args in json.load(open(sys.argv[1], encoding="utf-8"))[1:]:
    try:
        main(args)
    except Exception:
        traceback.print_exc()
    sys.stdout.flush()
"""


@pytest.mark.e2e
@pytest.mark.skipif(not tmux_available(), reason="tmux is not installed")
def test_real_terminal_receives_no_sequence_from_any_subcommand(
    hostile_db: Path, tmp_path: Path
) -> None:
    """Every subcommand, colour on, in tmux: no title change, clipboard write, bell, alternate
    screen, clear screen or hyperlink; only our own colours in the captured cells.

    The first runs as the installed `iraqtui` command; the rest run one after another in a
    single Python process writing to the same terminal (the command's own `main`, with the
    terminal as stdout and stderr), which saves a Python start and import per command."""
    db = str(hostile_db)
    commands = [[args[0], "--db", db, *args[1:]] for args in COMMANDS]
    (tmp_path / "commands.json").write_text(json.dumps(commands), encoding="utf-8")
    (tmp_path / "run_all.py").write_text(RUN_ALL, encoding="utf-8")
    first = " ".join(shlex.quote(a) for a in [iraqtui_command(), *commands[0]])
    script = tmp_path / "run.sh"
    script.write_text(
        "echo FIRST-LINE-MARKER\n"
        f"{first}\n"
        f"{shlex.quote(sys.executable)} run_all.py commands.json\n"
        "echo ALL-DONE-MARKER\n",
        encoding="utf-8",
    )
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
        # Bidi controls never arrive; right-to-left letters do.
        bidi = [hex(ord(c)) for c in BIDI_CONTROL.findall(history)]
        assert not bidi, f"bidi controls reached the terminal: {bidi[:5]}"
        assert ARABIC in history and HEBREW in history
        sgr = re.sub(r"\x1b\[[0-9;:]*m", "", coloured)
        assert "\x1b" not in sgr, "a non-colour escape sequence reached the terminal"
    finally:
        term.close()
