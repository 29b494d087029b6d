"""Loading actors.toml: the documented format, and one clear error naming file and line."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from iraqtui.config import bundled_seeds_dir
from iraqtui.errors import BadSidecar
from iraqtui.ingest.gazetteer import ACTORS_NAME, load_gazetteer, spellings
from iraqtui.ingest.pipeline import IngestOptions, ingest
from iraqtui.store.db import open_db

SEEDS = bundled_seeds_dir()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / ACTORS_NAME
    path.write_text(text, encoding="utf-8")
    return path


def test_the_format_documented_in_the_bundled_file_loads(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
ignore = ["Shia"]

[[actor]]
name = "Muqtada al-Sadr"
type = "person"
aliases = ["Moqtada al-Sadr", "Sadr", "Sadr"]
affiliation = "Sadrist movement"
description = "Shiite cleric."

[[actor]]
name = "Sadrist movement"
type = "party"

[[actor]]
name = "Iran"
type = "state"
demonyms = ["Iranian", "Iranians"]
""",
    )
    gazetteer = load_gazetteer(path)
    sadr, movement, iran = gazetteer.actors
    assert sadr.aliases == ("Moqtada al-Sadr", "Sadr")  # duplicates dropped
    assert sadr.affiliation == "Sadrist movement" and sadr.description == "Shiite cleric."
    assert movement.aliases == () and movement.affiliation is None
    assert iran.demonyms == ("Iranian", "Iranians")
    assert gazetteer.ignore == ("Shia",)
    assert "# actors.toml" in (SEEDS / ACTORS_NAME).read_text(encoding="utf-8")[:200]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('[[actor]]\nname = "A"\ntype = "persn"\n', 3, "type must be one of"),
        ('[[actor]]\ntype = "person"\n', 1, "needs a name"),
        ('[[actor]]\nname = "A"\ntype = "person"\nalias = ["B"]\n', 4, "unknown key 'alias'"),
        ('[[actor]]\nname = "A"\ntype = "person"\naliases = "B"\n', 4, "list of strings"),
        (
            '[[actor]]\nname = "A"\ntype = "person"\naliases = ["X"]\n\n'
            '[[actor]]\nname = "B"\ntype = "person"\naliases = ["Y", "x"]\n',
            9,
            "names both 'A' and 'B'",
        ),
        (
            '[[actor]]\nname = "A"\ntype = "person"\naliases = ["al-Hakim"]\n\n'
            '[[actor]]\nname = "B"\ntype = "person"\naliases = ["al Hakim"]\n',
            9,
            "names both",
        ),
        (
            '[[actor]]\nname = "A"\ntype = "person"\n[[actor]]\nname = "A"\ntype = "party"\n',
            4,
            "defined twice",
        ),
        ('[[actor]]\nname = "A"\ntype = "person"\naffiliation = "Nobody"\n', 4, "not an actor"),
        ('[[actor]]\nname = "A"\ntype = "person"\naliases = ["--"]\n', 4, "no letters"),
        ('[[actor]\nname = "A"\n', 1, ""),
        ("actors = []\n", 1, "unknown top-level key 'actors'"),
    ],
)
def test_mistakes_name_the_file_and_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(BadSidecar) as caught:
        load_gazetteer(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert words in message
    assert "\n" not in message


def test_particles_and_hyphens_give_same_length_spellings() -> None:
    assert spellings("al-Sadr") == {"al-Sadr", "al Sadr"}
    assert spellings("al Sadr") == {"al Sadr", "al-Sadr"}
    assert spellings("Abdul-Mahdi") == {"Abdul-Mahdi", "Abdul Mahdi"}
    assert spellings("The New York Times") == {"New York Times"}
    assert spellings("Wa’ili") == {"Wa'ili"}


def test_editing_the_gazetteer_reanalyses_the_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Governor Zubair Haddad visited Basra.\n", encoding="utf-8")
    path = corpus / ACTORS_NAME
    path.write_text('[[actor]]\nname = "Basra"\ntype = "place"\n', encoding="utf-8")
    db = open_db(tmp_path / "t.db")

    def actors_found() -> list[str]:
        ingest(db.conn, [corpus], SEEDS, IngestOptions())
        rows = db.conn.execute(
            "SELECT a.name FROM mentions m JOIN actors a ON a.id = m.actor ORDER BY m.start"
        )
        return [r[0] for r in rows]

    try:
        assert actors_found() == ["Basra"]
        with path.open("a", encoding="utf-8") as handle:
            handle.write('[[actor]]\nname = "Zubair Haddad"\ntype = "person"\n')
        assert actors_found() == ["Zubair Haddad", "Basra"]
    finally:
        db.conn.close()


def test_a_gazetteer_given_on_the_command_line_wins(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Zubair Haddad visited Basra.\n", encoding="utf-8")
    (corpus / ACTORS_NAME).write_text('[[actor]]\nname = "Basra"\ntype = "place"\n', "utf-8")
    given = write(tmp_path, '[[actor]]\nname = "Zubair Haddad"\ntype = "person"\n')
    db_path = tmp_path / "t.db"
    db = open_db(db_path)
    try:
        ingest(db.conn, [corpus], SEEDS, IngestOptions(actors_file=given))
    finally:
        db.conn.close()
    conn = sqlite3.connect(db_path)
    try:
        names = [
            r[0]
            for r in conn.execute("SELECT a.name FROM mentions m JOIN actors a ON a.id = m.actor")
        ]
    finally:
        conn.close()
    assert names == ["Zubair Haddad"]
