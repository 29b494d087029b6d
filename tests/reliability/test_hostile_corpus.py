"""Hostile corpus files and sidecars: ingest never raises, refuses in one line, keeps good files."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iraqtui.cli import main
from iraqtui.config import bundled_seeds_dir
from iraqtui.errors import IraqtuiError
from iraqtui.ingest.boilerplate import find_boilerplate
from iraqtui.ingest.catalogue import load_catalogue
from iraqtui.ingest.gazetteer import load_gazetteer
from iraqtui.ingest.pipeline import ingest
from iraqtui.ingest.reader import decode
from iraqtui.ingest.segment import build
from iraqtui.ingest.sidecar import load_sources
from iraqtui.store.db import open_db
from tests.reliability.conftest import RELIABILITY, iraqtui
from tests.reliability.hostile import (
    ESCAPES,
    HOSTILE_SIDECARS,
    MARKUP,
    QUOTE_MARKS,
    huge_line_file,
    ingested_files,
    integrity,
    write_nasty_folder,
)

SEEDS = bundled_seeds_dir()
# Every line ingest may print to stderr when it is not a terminal.
STDERR_LINE = re.compile(
    r"^(?:(?:ingested|skipped|refused) .+|warning: .+|note: .+|refused: .+: .+|iraqtui: .+)$"
)
GOOD = "Muqtada al-Sadr said the Mahdi Army would stay in Basra.\n"


def assert_one_line_report(stderr: str) -> None:
    assert "Traceback" not in stderr
    for line in stderr.splitlines():
        assert STDERR_LINE.match(line), f"unexpected stderr line: {line!r}"


def test_nasty_folder_keeps_good_files_and_refuses_each_bad_one_in_a_line(tmp_path: Path) -> None:
    corpus = tmp_path / "nasty"
    files = write_nasty_folder(corpus)
    (corpus / "good.txt").write_text(GOOD, encoding="utf-8")
    done = iraqtui("ingest", "--db", "n.db", str(corpus), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert_one_line_report(done.stderr)
    assert integrity(tmp_path / "n.db") == "ok"
    present = ingested_files(tmp_path / "n.db")
    assert "good.txt" in present
    refusals = [line for line in done.stderr.splitlines() if line.startswith("refused: ")]
    for item in files:
        shown = item.name.replace("\x1b", "\ufffd").replace("\x07", "\ufffd")
        if item.expect == "ingested":
            assert item.name in present, f"{item.name!r} missing"
        elif item.expect == "refused":
            assert item.name not in present
            assert sum(line.startswith(f"refused: {shown}: ") for line in refusals) == 1
        else:
            assert item.name in present or any(f" {shown}: " in line for line in refusals)
    # Run again: every good file unchanged, nothing raised, same database.
    again = iraqtui("ingest", "--db", "n.db", str(corpus), cwd=tmp_path)
    assert again.returncode == 0
    assert f"0 ingested, {len(present)} unchanged" in again.stdout
    assert integrity(tmp_path / "n.db") == "ok"


def test_hostile_file_names_never_reach_the_terminal(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "t\x1b]0;PWNED\x07\x9b2J.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "e\x1b[2J.txt").write_bytes(b"")
    done = iraqtui("ingest", "--db", "n.db", str(corpus), cwd=tmp_path)
    assert done.returncode == 0
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", done.stderr + done.stdout)


def test_links_loops_fifos_and_devices_are_skipped_or_refused_never_read(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "good.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "sub" / "loop").symlink_to("..")
    (corpus / "zero.txt").symlink_to("/dev/zero")
    (corpus / "dangling.txt").symlink_to(tmp_path / "nowhere")
    (corpus / "folder.txt").mkdir()
    os.mkfifo(corpus / "fifo.txt")
    done = iraqtui("ingest", "--db", "w.db", str(corpus), timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert ingested_files(tmp_path / "w.db") == {"good.txt"}
    # Named one by one, the FIFO and the device are refused in a line each, not read forever.
    named = [str(corpus / n) for n in ("zero.txt", "fifo.txt", "good.txt")]
    done = iraqtui("ingest", "--db", "w2.db", *named, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert_one_line_report(done.stderr)
    assert done.stderr.count(": not a regular file") == 2


# scripts/reliability/hostile_corpus.py puts a 20 MB line through the whole ingest.
HUGE_MB = 5


def test_megabytes_on_a_single_line_are_decoded_flagged_and_segmented(tmp_path: Path) -> None:
    """The text stages that see a whole file at once, on a 5 MB line; the 20 MB line
    through every stage is in scripts/reliability/hostile_corpus.py."""
    huge = tmp_path / "huge.txt"
    huge_line_file(huge, megabytes=HUGE_MB)
    decoded = decode(huge.read_bytes())
    assert not isinstance(decoded, str)
    assert "\n" not in decoded.text and len(decoded.text) == HUGE_MB * 1024 * 1024
    spans, _ = find_boilerplate(decoded.text)
    paragraphs, sentences = build(decoded.text, spans)
    assert paragraphs and sentences
    assert paragraphs[0].start == 0 and paragraphs[-1].end <= len(decoded.text)


@pytest.mark.parametrize(
    ("name", "content", "expect"),
    HOSTILE_SIDECARS,
    ids=[f"{i}-{s[0]}-{s[2]}" for i, s in enumerate(HOSTILE_SIDECARS)],
)
def test_hostile_sidecar_is_refused_in_one_line_naming_the_file(
    name: str,
    content: str,
    expect: str,
    tmp_path: Path,
    no_db_env: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(GOOD, encoding="utf-8")
    (corpus / name).write_bytes(content.encode("utf-8", "surrogateescape"))
    code = main(["ingest", "-q", "--db", str(tmp_path / "s.db"), str(corpus)])
    out, err = capsys.readouterr()
    assert integrity(tmp_path / "s.db") == "ok"
    present = ingested_files(tmp_path / "s.db")
    if expect == "refused" or (expect == "either" and code != 0):
        assert code == 1
        lines = err.strip().splitlines()
        assert len(lines) == 1, err
        assert lines[0].startswith("iraqtui: error: ") and name in lines[0]
        assert present == set()
    else:
        assert code == 0, err
        assert present == {"a.txt"}
    assert len(err) < 2000 and len(out) < 2000


# A file's bytes: arbitrary, or text from every plane mixed with the nasty ingredients.
_ingredients = st.sampled_from(
    [
        *ESCAPES,
        *MARKUP,
        *QUOTE_MARKS,
        *("\r", "\r\n", "\n\n", "\u2028", "\u200b", "\u202e", "\x00", " ", ". "),
        *("Muqtada al-Sadr", "Mahdi Army", "Basra", "Maliki"),
    ]
)
_texts = st.lists(st.one_of(st.text(max_size=40), _ingredients), max_size=60).map("".join)
_contents = st.one_of(
    st.binary(max_size=2000),
    _texts.map(lambda t: t.encode("utf-8", "surrogatepass")),
    _texts.map(lambda t: t.encode("utf-16")),
)


@RELIABILITY
@given(data=st.lists(_contents, min_size=1, max_size=4))
def test_any_bytes_are_ingested_or_refused_never_raised(
    data: list[bytes], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("prop")
    for index, content in enumerate(data):
        (folder / f"f{index}.txt").write_bytes(content)
    db = open_db(folder / "p.db")
    try:
        report = ingest(db.conn, [folder], SEEDS)
        conn = db.conn
        assert len(report.ingested) + len(report.refused) == len(data)
        for refusal in report.refused:
            assert refusal.reason and "\n" not in refusal.reason
        sources = conn.execute("SELECT id, file, text, display FROM sources").fetchall()
        for source_id, file, text, display in sources:
            assert len(text) == len(display)
            decoded = decode((folder / file).read_bytes())
            assert not isinstance(decoded, str) and decoded.text == text
            for start, end, shown in conn.execute(
                "SELECT start, end, text FROM paragraphs WHERE source = ?", (source_id,)
            ):
                assert 0 <= start <= end <= len(text) and shown == display[start:end]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.conn.close()


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if value == value and abs(value) != float("inf") else "nan"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"


_keys = st.sampled_from(
    [
        *("name", "type", "aliases", "affiliation", "demonyms", "description", "key", "label"),
        *("date", "date_end", "terms", "phrases", "actors", "title", "outlet", "published"),
        *("files", "defaults", "boilerplate", "text", "pattern", "reason", "ignore", "x"),
    ]
)
_scalars = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.booleans(),
    st.text(max_size=20),
    st.sampled_from(["person", "militia", "2008-03-30", "2008", "a.txt", "(a+)+$", "", "Sadr"]),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=12,
)
_tables = st.dictionaries(_keys, _values, max_size=5)


@RELIABILITY
@given(
    top=st.dictionaries(
        st.sampled_from(["actor", "event", "files", "defaults", "boilerplate", "ignore", "y"]),
        st.one_of(_values, st.lists(_tables, max_size=3)),
        max_size=3,
    )
)
def test_any_sidecar_loads_or_raises_one_clear_error(
    top: dict[str, object], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("toml")
    lines = []
    for key, value in top.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for table in value:
                lines.append(f"[[{key}]]")
                lines += [f"{json.dumps(k)} = {_toml_value(v)}" for k, v in table.items()]
        else:
            lines.insert(0, f"{key} = {_toml_value(value)}")
    path = folder / "side.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for load in (load_sources, load_gazetteer, load_catalogue):
        try:
            load(path)
        except IraqtuiError as exc:
            assert str(exc) and "\n" not in str(exc).strip()


def test_hostile_sidecar_values_are_stored_but_never_printed_raw(
    tmp_path: Path, no_db_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(GOOD, encoding="utf-8")
    escapes = "".join(ESCAPES).replace("\\", "\\\\").replace('"', '\\"')
    escaped = escapes.translate({c: f"\\u{c:04x}" for c in range(0x20)}).replace("\x7f", "\\u007f")
    (corpus / "sources.toml").write_text(
        f'[files."a.txt"]\ntitle = "{escaped}"\noutlet = "{escaped}[/]"\n', encoding="utf-8"
    )
    assert main(["ingest", "--db", "s.db", str(corpus)]) == 0
    assert main(["stats", "--db", "s.db"]) == 0
    assert main(["search", "--db", "s.db", "Sadr"]) == 0
    out, err = capsys.readouterr()
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", out + err)
    conn = sqlite3.connect(no_db_env / "s.db")
    (title,) = conn.execute("SELECT title FROM sources").fetchone()
    conn.close()
    assert "\x1b]0;PWNED-TITLE\x07" in title  # kept as given: the data is the user's
