"""Ingesting the seeds and bad input: what lands in the database, and what is refused."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from iraqtui.ingest.pipeline import IngestOptions, ingest
from iraqtui.store.db import open_db
from tests.conftest import SEED_FILES, SEEDS

BOILERPLATE = {
    "000_68bd571804362d92.txt": [
        "Our ideas can save democracy... But we need your help! Donate Now!"
    ],
    "002_3ca6dcd394f00c6d.txt": [
        "Top Bush aides pushed for Guantánamo torture | World news | The Guardian",
        "A Pox on All the Candidates' Houses, But the Largest Pox on McCain's",
    ],
    "003_b083dd00b5ae1b7d.txt": [
        "Home Politics Iraq Update: Muqtada al-Sadr In Trouble, Basra Chaotic"
    ],
    "004_82396509a673133c.txt": ["Video Watch the violence multiply »"],
}


def build(folder: Path, db_path: Path, **options: object) -> sqlite3.Connection:
    db = open_db(db_path)
    ingest(db.conn, [folder], SEEDS, IngestOptions(**options))  # type: ignore[arg-type]
    return db.conn


def test_seed_files_are_byte_for_byte_the_shared_ones() -> None:
    shared = Path(__file__).resolve().parents[3] / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    assert sorted(p.name for p in shared.glob("*.txt")) == SEED_FILES
    for name in SEED_FILES:
        assert (SEEDS / name).read_bytes() == (shared / name).read_bytes()


def test_seeds_ingest_with_sidecar_metadata(seeds_db: sqlite3.Connection) -> None:
    rows = seeds_db.execute(
        "SELECT file, outlet, author, published, title, provenance FROM sources ORDER BY file"
    ).fetchall()
    assert [r[0] for r in rows] == SEED_FILES
    by_file = {r[0]: r for r in rows}
    assert by_file["001_69d56c995b3b1544.txt"][1] == "Hot Air"
    assert by_file["000_68bd571804362d92.txt"][2] == "Kevin Drum"
    assert by_file["003_b083dd00b5ae1b7d.txt"][4] == (
        "Iraq Update: Muqtada al-Sadr In Trouble, Basra Chaotic"
    )
    # DeLong's date is inferred, and says so; Hot Air's is given.
    assert '"published": "inferred"' in by_file["002_3ca6dcd394f00c6d.txt"][5]
    assert '"published": "sidecar"' in by_file["001_69d56c995b3b1544.txt"][5]


def test_seed_counts(seeds_db: sqlite3.Connection) -> None:
    counts = dict(
        seeds_db.execute(
            "SELECT s.file, count(p.id) FROM sources s JOIN paragraphs p ON p.source = s.id "
            "GROUP BY s.id"
        ).fetchall()
    )
    # Paragraphs as a reader sees them (blank-line separated, plus 002's two stray titles).
    assert counts == {
        "000_68bd571804362d92.txt": 9,
        "001_69d56c995b3b1544.txt": 12,
        "002_3ca6dcd394f00c6d.txt": 18,
        "003_b083dd00b5ae1b7d.txt": 16,
        "004_82396509a673133c.txt": 18,
    }
    (sentences,) = seeds_db.execute("SELECT count(*) FROM sentences").fetchone()
    assert 150 <= sentences <= 175


def test_every_offset_maps_back_to_its_exact_text(seeds_db: sqlite3.Connection) -> None:
    for name in SEED_FILES:
        original = (SEEDS / name).read_bytes().decode("utf-8")
        (source_id, stored) = seeds_db.execute(
            "SELECT id, text FROM sources WHERE file = ?", (name,)
        ).fetchone()
        assert stored == original
        for table in ("paragraphs", "sentences"):
            rows = seeds_db.execute(
                f"SELECT start, end, text FROM {table} WHERE source = ?", (source_id,)
            ).fetchall()
            assert rows
            for start, end, text in rows:
                assert original[start:end] == text


def test_boilerplate_flagged_and_nowhere_in_article_body(seeds_db: sqlite3.Connection) -> None:
    flagged: dict[str, list[str]] = {}
    for name, start, end in seeds_db.execute(
        "SELECT s.file, b.start, b.end FROM boilerplate b JOIN sources s ON s.id = b.source"
    ):
        original = (SEEDS / name).read_text(encoding="utf-8")
        flagged.setdefault(name, []).append(original[start:end])
    assert {k: sorted(v) for k, v in flagged.items()} == {
        k: sorted(v) for k, v in BOILERPLATE.items()
    }
    # Sentences flagged are exactly the boilerplate text, nothing of the article body.
    flagged_sentences = [
        text for (text,) in seeds_db.execute("SELECT text FROM sentences WHERE boilerplate = 1")
    ]
    everything = " ".join(t for texts in BOILERPLATE.values() for t in texts)
    assert flagged_sentences
    assert all(sentence in everything for sentence in flagged_sentences)


def test_boilerplate_found_without_any_sidecar(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    for name in SEED_FILES:
        shutil.copy(SEEDS / name, folder / name)
    conn = build(folder, tmp_path / "plain.db")
    found = {
        conn.execute("SELECT text FROM sources WHERE id = ?", (source,)).fetchone()[0][start:end]
        for source, start, end in conn.execute("SELECT source, start, end FROM boilerplate")
    }
    expected = {t for texts in BOILERPLATE.values() for t in texts}
    assert found == expected
    # With no sidecar, metadata is inferred and marked so.
    title, provenance = conn.execute(
        "SELECT title, provenance FROM sources WHERE file = '001_69d56c995b3b1544.txt'"
    ).fetchone()
    assert title == "Iranian Quds Force leader helped broker truce with Sadr"
    assert '"title": "inferred"' in provenance
    (stray_title,) = conn.execute(
        "SELECT title FROM sources WHERE file = '002_3ca6dcd394f00c6d.txt'"
    ).fetchone()
    assert stray_title == "Robert Waldmann Speculates on Basra and Sadr City"


def test_a_corpus_wide_boilerplate_rule_is_warned_about_once_and_only_if_it_never_matched(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "a.txt").write_text("A story.\n\nShare this post: x\n", encoding="utf-8")
    for name in ("b.txt", "c.txt"):
        (folder / name).write_text("Another story.\n", encoding="utf-8")
    (folder / "sources.toml").write_text(
        '[[boilerplate]]\npattern = "^Share this post:.*$"\nreason = "share bar"\n\n'
        '[[boilerplate]]\ntext = "Subscribe now"\nreason = "promo"\n\n'
        '[files."b.txt"]\nboilerplate = [{ text = "Read more", reason = "link" }]\n',
        encoding="utf-8",
    )
    db = open_db(tmp_path / "mine.db")
    report = ingest(db.conn, [folder], SEEDS)
    said = [(name, warning) for name, warning in report.warnings if "matched" in warning]
    assert said == [
        ("b.txt", "boilerplate rule matched nothing: 'Read more'"),
        (str(folder / "sources.toml"), "boilerplate rule matched no file: 'Subscribe now'"),
    ]
    # Only b.txt is analysed again: the rule may match the files skipped, so nothing is said.
    (folder / "b.txt").write_text("Another story, edited.\n", encoding="utf-8")
    again = ingest(db.conn, [folder], SEEDS)
    assert [w for _n, w in again.warnings if "matched no file" in w] == []
    db.conn.close()


def test_reingest_skips_unchanged_and_replaces_changed(seeds_copy: Path, tmp_path: Path) -> None:
    db_path = tmp_path / "re.db"
    conn = build(seeds_copy, db_path)
    before = conn.execute("SELECT id, file FROM sources ORDER BY id").fetchall()
    sentence_ids = conn.execute("SELECT min(id), max(id) FROM sentences").fetchone()
    conn.execute(
        "INSERT INTO annotations (target, kind, value, created) "
        "VALUES ('source:000_68bd571804362d92.txt', 'note', 'check the date', '2026-01-01')"
    )
    conn.commit()

    db = open_db(db_path)
    report = ingest(db.conn, [seeds_copy], SEEDS)
    assert sorted(report.skipped) == SEED_FILES and not report.ingested
    assert db.conn.execute("SELECT min(id), max(id) FROM sentences").fetchone() == sentence_ids

    changed = seeds_copy / "003_b083dd00b5ae1b7d.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nA new closing line.\n")
    report = ingest(db.conn, [seeds_copy], SEEDS)
    assert report.ingested == ["003_b083dd00b5ae1b7d.txt"]
    assert db.conn.execute("SELECT id, file FROM sources ORDER BY id").fetchall() == before
    (last,) = db.conn.execute(
        "SELECT text FROM sentences WHERE source = (SELECT id FROM sources WHERE file = ?) "
        "ORDER BY seq DESC LIMIT 1",
        ("003_b083dd00b5ae1b7d.txt",),
    ).fetchone()
    assert last == "A new closing line."

    report = ingest(db.conn, [seeds_copy], SEEDS, IngestOptions(rebuild=True))
    assert sorted(report.ingested) == SEED_FILES
    assert db.conn.execute("SELECT value FROM annotations").fetchall() == [("check the date",)]
    # No orphans after replacing derived rows.
    (orphans,) = db.conn.execute(
        "SELECT count(*) FROM sentences WHERE paragraph NOT IN (SELECT id FROM paragraphs)"
    ).fetchone()
    assert orphans == 0
    assert db.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_editing_the_sidecar_reanalyses_the_file(seeds_copy: Path, tmp_path: Path) -> None:
    db_path = tmp_path / "side.db"
    build(seeds_copy, db_path)
    sidecar = seeds_copy / "sources.toml"
    sidecar.write_text(
        sidecar.read_text(encoding="utf-8").replace('author = "Kevin Drum"', 'author = "K. Drum"')
    )
    db = open_db(db_path)
    report = ingest(db.conn, [seeds_copy], SEEDS)
    assert report.ingested == ["000_68bd571804362d92.txt"]
    assert db.conn.execute(
        "SELECT author FROM sources WHERE file = '000_68bd571804362d92.txt'"
    ).fetchone() == ("K. Drum",)


def test_bad_files_are_refused_and_the_rest_ingest(tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.txt").write_text("Sadr spoke in Basra. The army waited.\n", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.md").write_text("   \n\n  ", encoding="utf-8")
    (folder / "legacy.txt").write_bytes("Sadr’s “truce” – café\n".encode("cp1252"))
    (folder / "bom.txt").write_bytes("\ufeffWith a byte-order mark.\n".encode())
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    conn = open_db(tmp_path / "mixed.db").conn
    report = ingest(conn, [folder], SEEDS)
    assert sorted(report.ingested) == ["bom.txt", "good.txt", "legacy.txt"]
    refused = {r.file: r.reason for r in report.refused}
    assert set(refused) == {"binary.txt", "empty.txt", "blank.md"}
    assert "binary" in refused["binary.txt"]
    assert refused["empty.txt"] == "empty file"
    assert any("cp1252" in w for name, w in report.warnings if name == "legacy.txt")
    (legacy,) = conn.execute("SELECT text FROM sources WHERE file = 'legacy.txt'").fetchone()
    assert legacy == "Sadr’s “truce” – café\n"
    (bom,) = conn.execute("SELECT text FROM sources WHERE file = 'bom.txt'").fetchone()
    assert bom.startswith("With")


def test_control_characters_are_removed_for_display_but_offsets_hold(tmp_path: Path) -> None:
    folder = tmp_path / "esc"
    folder.mkdir()
    raw = "Before \x1b[2J\x1b]0;pwned\x07 after [ISCI] \x9b text.\n"
    (folder / "esc.txt").write_text(raw, encoding="utf-8")
    conn = build(folder, tmp_path / "esc.db")
    text, display = conn.execute("SELECT text, display FROM sources").fetchone()
    assert text == raw
    assert len(display) == len(raw)
    assert "\x1b" not in display and "\x07" not in display and "\x9b" not in display
    assert "[ISCI]" in display
    (sentence,) = conn.execute("SELECT text FROM sentences").fetchone()
    assert "\x1b" not in sentence
