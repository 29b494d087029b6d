"""Cases a review found on text none of the code was written for."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from iraqtui.ingest.pipeline import ingest
from iraqtui.store.db import open_db
from iraqtui.textsafe import one_line, sanitize
from tests.conftest import SEEDS


def ingest_folder(folder: Path, db: Path) -> sqlite3.Connection:
    conn = open_db(db).conn
    ingest(conn, [folder], SEEDS)
    return conn


def test_escape_sequences_are_removed_whole_and_words_stay_searchable(tmp_path: Path) -> None:
    raw = (
        "Leaders \x1b[31mdenied\x1b[0m any role. "
        "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ \x1b]0;t\x07"
    )
    shown = sanitize(raw)
    assert len(shown) == len(raw)
    assert "\x1b" not in shown and "[31m" not in shown and "http://x" not in shown
    assert one_line(raw) == "Leaders �denied� any role. �link� �"
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "a.txt").write_text(raw + "\n", encoding="utf-8")
    conn = ingest_folder(folder, tmp_path / "e.db")
    hits = conn.execute(
        "SELECT count(*) FROM paragraphs_fts WHERE paragraphs_fts MATCH 'denied'"
    ).fetchone()
    assert hits == (1,)


def test_bylines_datelines_and_a_one_word_appeal_are_flagged(tmp_path: Path) -> None:
    folder = tmp_path / "desert-dispatch"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "A headline about Basra\n\nBy Sarah Collins\n\nMarch 26, 2008\n\n"
        "The army entered Basra. The donation of arms was denied by Iran.\n\n"
        "Support independent journalism. Donate today to keep the Ledger free for everyone.\n",
        encoding="utf-8",
    )
    conn = ingest_folder(tmp_path, tmp_path / "b.db")
    reasons = dict(
        conn.execute(
            "SELECT reason, substr(s.text, b.start + 1, b.end - b.start) FROM boilerplate b "
            "JOIN sources s ON s.id = b.source"
        ).fetchall()
    )
    assert reasons == {
        "byline": "By Sarah Collins",
        "dateline": "March 26, 2008",
        "appeal or footer": (
            "Support independent journalism. Donate today to keep the Ledger free for everyone."
        ),
    }
    author, published, outlet, provenance = conn.execute(
        "SELECT author, published, outlet, provenance FROM sources"
    ).fetchone()
    assert (author, published, outlet) == ("Sarah Collins", "2008-03-26", "Desert Dispatch")
    assert '"author": "inferred"' in provenance
    body = [t for (t,) in conn.execute("SELECT text FROM sentences WHERE boilerplate = 0")]
    assert "The donation of arms was denied by Iran." in body


def test_database_in_a_missing_folder_is_one_line(cli) -> None:
    result = cli("--db", "nope/x.db", "stats")
    assert result.code == 1
    assert result.err.count("\n") == 1 and "does not exist" in result.err


def test_sidecar_errors_at_end_of_file_and_bad_dates(cli, tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("Text about Basra.\n", encoding="utf-8")
    (folder / "actors.toml").write_text('[[actor]]\nname = "Foo"\naliases = ["Foo", \n')
    result = cli("ingest", str(folder), "--db", "x.db")
    assert result.code == 1 and "actors.toml:3:" in result.err

    (folder / "actors.toml").unlink()
    (folder / "sources.toml").write_text('[files."a.txt"]\npublished = "yesterday"\n')
    result = cli("ingest", str(folder), "--db", "x.db")
    assert result.code == 1 and "sources.toml:2:" in result.err and "not a date" in result.err


def test_sidecar_entries_that_can_never_apply_are_warned_about(cli, tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("Text about Basra.\n", encoding="utf-8")
    (folder / "sources.toml").write_text('[files."nothere.txt"]\noutlet = "X"\n')
    (folder / "events.toml").write_text(
        '[[event]]\nkey = "k"\nlabel = "L"\ndate = "2008"\n'
        'terms = ["Basra"]\nactors = ["Nobody Here"]\n'
    )
    result = cli("ingest", str(folder), "--db", "x.db")
    assert result.code == 0
    assert "describes 'nothere.txt'" in result.err
    assert "names actor 'Nobody Here'" in result.err


def test_events_of_an_earlier_catalogue_are_dropped(cli, tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("Nothing happened in Najaf today.\n", encoding="utf-8")
    (folder / "events.toml").write_text(
        '[[event]]\nkey = "only_here"\nlabel = "An event of this folder"\n'
        'date = "2008"\nterms = ["xyzzy"]\n'
    )
    assert cli("ingest", str(folder), "--db", "x.db").code == 0
    keys = {k for (k,) in sqlite3.connect(tmp_path / "x.db").execute("SELECT key FROM events")}
    assert keys == {"only_here"}
    (folder / "events.toml").unlink()
    assert cli("ingest", str(folder), "--db", "x.db").code == 0
    keys = {k for (k,) in sqlite3.connect(tmp_path / "x.db").execute("SELECT key FROM events")}
    assert "only_here" not in keys and "qom_truce" in keys


def test_a_folder_with_no_texts_says_so(cli, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = cli("ingest", "empty", "--db", "x.db")
    assert result.code == 1
    assert "no .txt or .md files found" in result.err


def test_a_run_killed_before_the_corpus_stages_is_finished_by_the_next(tmp_path: Path) -> None:
    from iraqtui.ingest import pipeline

    folder = tmp_path / "c"
    folder.mkdir()
    shared = "The delegation met the commander in the holy city and signed an agreement. " * 3
    (folder / "a.txt").write_text(f"First post.\n\n{shared}\n", encoding="utf-8")
    (folder / "b.txt").write_text(f"Second post.\n\n{shared}\n", encoding="utf-8")
    conn = open_db(tmp_path / "k.db").conn
    real = pipeline.refresh_reuse

    def killed(_conn: sqlite3.Connection) -> None:
        raise KeyboardInterrupt  # the process dies after the sources are committed

    pipeline.refresh_reuse = killed  # type: ignore[assignment]
    try:
        ingest(conn, [folder], SEEDS)
    except KeyboardInterrupt:
        pass
    finally:
        pipeline.refresh_reuse = real  # type: ignore[assignment]
    assert conn.execute("SELECT count(*) FROM reuse").fetchone() == (0,)
    report = ingest(conn, [folder], SEEDS)
    assert not report.ingested  # every file unchanged, yet the corpus stages ran
    assert conn.execute("SELECT count(DISTINCT source) FROM reuse").fetchone() == (2,)
