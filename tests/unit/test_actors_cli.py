"""`iraqtui actors`: listing, one actor in context, unresolved names, and safe output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from iraqtui.config import bundled_seeds_dir

SEEDS = bundled_seeds_dir()


def build(cli: Any, tmp_path: Path) -> str:
    """Ingest a copy of the seeds through the CLI; returns the --db value."""
    corpus = tmp_path / "seeds"
    shutil.copytree(SEEDS, corpus)
    db = str(tmp_path / "seeds.db")
    assert cli("ingest", str(corpus), "--db", db, "-q").code == 0
    return db


def test_list_counts_mentions_per_outlet(cli: Any, tmp_path: Path) -> None:
    db = build(cli, tmp_path)
    result = cli("actors", "--db", db, "--json")
    assert result.code == 0
    actors = {a["name"]: a for a in json.loads(result.out)}
    sadr = actors["Muqtada al-Sadr"]
    assert sadr["type"] == "person"
    assert sum(sadr["by_outlet"].values()) == sadr["mentions"]
    assert set(sadr["by_outlet"]) == {
        "Hot Air",
        "Blorge",
        "Washington Monthly (Political Animal)",
        "Grasping Reality with Both Hands (Brad DeLong's Semi-Daily Journal)",
    }
    text = cli("actors", "--db", db).out
    assert text.splitlines()[0].split() == ["ACTOR", "TYPE", "MENTIONS", "BY", "OUTLET"]
    assert "Muqtada al-Sadr" in text and "Hot Air" in text


def test_type_and_outlet_filters(cli: Any, tmp_path: Path) -> None:
    db = build(cli, tmp_path)
    media = json.loads(cli("actors", "--db", db, "--type", "media", "--json").out)
    assert media and {a["type"] for a in media} == {"media"}
    blorge = json.loads(cli("actors", "--db", db, "--outlet", "blorge", "--json").out)
    assert blorge and all(set(a["by_outlet"]) == {"Blorge"} for a in blorge)
    names = {a["name"] for a in blorge}
    assert "Michael Ware" in names and "Hezbollah" not in names
    bad = cli("actors", "--db", db, "--outlet", "Fox")
    assert bad.code == 1 and "no outlet named 'Fox'" in bad.err


def test_one_actor_by_a_fuzzy_name_shows_names_seen_and_every_mention(
    cli: Any, tmp_path: Path
) -> None:
    db = build(cli, tmp_path)
    data = json.loads(cli("actors", "--db", db, "mehdi army", "--json").out)
    assert data["name"] == "Mahdi Army"
    seen = {(s["surface"], s["method"]) for s in data["seen"]}
    assert {("Mahdi Army", "exact"), ("JAM", "exact"), ("Mahi Army", "fuzzy")} <= seen
    assert ("Mehdi Army", "exact") in seen  # as written in 003
    assert sum(s["count"] for s in data["seen"]) == len(data["mentions"])
    for m in data["mentions"]:
        text = (SEEDS / m["file"]).read_text(encoding="utf-8")
        assert text[m["start"] : m["end"]] == m["surface"]
    text = cli("actors", "--db", db, "Moqtada").out
    assert text.startswith("Muqtada al-Sadr (person)")
    assert "found as: Sadr ×" in text
    assert "\nHot Air (" in text and "\nBlorge (" in text
    assert "[Muqtada al Sadr]" in text  # keyword in context, marked


def test_unknown_actor_lists_the_closest(cli: Any, tmp_path: Path) -> None:
    db = build(cli, tmp_path)
    result = cli("actors", "--db", db, "Zzyzx Qwerty")
    assert result.code == 1
    assert result.err.startswith("iraqtui: error: no actor named 'Zzyzx Qwerty'; closest:")


def test_unresolved_names_with_counts_and_contexts(cli: Any, tmp_path: Path) -> None:
    corpus = tmp_path / "own"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Governor Zubair Haddad met Sadr in Basra. Later, Zubair Haddad left.\n", "utf-8"
    )
    (corpus / "b.txt").write_text("Zubair Haddad said nothing to the Dhi Qar Council.\n", "utf-8")
    db = str(tmp_path / "own.db")
    assert cli("ingest", str(corpus), "--db", db, "-q").code == 0
    data = json.loads(cli("actors", "--db", db, "--unresolved", "--json").out)
    assert [(c["surface"], c["count"], c["sources"]) for c in data] == [
        ("Zubair Haddad", 3, 2),
        ("Dhi Qar Council", 1, 1),
    ]
    first = data[0]["contexts"][0]
    assert first["file"] == "a.txt" and first["left"].endswith("Governor ")
    text = cli("actors", "--db", db, "--unresolved").out
    assert "Zubair Haddad" in text and "[Zubair Haddad]" in text
    # The bundled gazetteer resolved the known names.
    listed = json.loads(cli("actors", "--db", db, "--json").out)
    assert {a["name"] for a in listed} == {"Muqtada al-Sadr", "Basra"}


def test_control_characters_from_the_corpus_never_reach_the_terminal(
    cli: Any, tmp_path: Path
) -> None:
    corpus = tmp_path / "evil"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Sadr\x1b[2J met \x1b]0;owned\x07Zork Haddad\x9b31m in Basra.\n"
        "Later Zork Haddad\x1b[31m and Sadr spoke.\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "evil.db")
    assert cli("ingest", str(corpus), "--db", db, "-q").code == 0
    outputs = [
        cli("actors", "--db", db).out,
        cli("actors", "--db", db, "Sadr").out,
        cli("actors", "--db", db, "Sadr", "--json").out,
        cli("actors", "--db", db, "--unresolved").out,
        cli("actors", "--db", db, "--unresolved", "--json").out,
    ]
    for out in outputs:
        assert not any(ch in out for ch in "\x1b\x07\x9b"), out
    assert "Haddad" in outputs[3]


def test_a_pasted_page_as_a_name_gets_a_short_error(cli: Any, tmp_path: Path) -> None:
    db = build(cli, tmp_path)
    pasted = "Sadr " + "x" * 20_000
    for command in ("actors", "compare"):
        result = cli(command, "--db", db, pasted)
        assert result.code == 1
        lines = result.err.splitlines()
        assert len(lines) == 1 and len(lines[0]) < 400, command
        assert "named 'Sadr xxx" in lines[0] and "…'" in lines[0]


@pytest.mark.parametrize("command", [["events"], ["actors", "--outlet"]])
def test_a_huge_event_or_outlet_name_gets_a_short_error(
    cli: Any, seeds_db_path: Path, command: list[str]
) -> None:
    result = cli(*command, "x" * 20_000, "--db", str(seeds_db_path))
    assert result.code == 1
    assert result.err.startswith("iraqtui: error: ") and len(result.err.splitlines()) == 1
    assert len(result.err) < 400


def test_a_corpus_naming_no_known_actor_points_to_the_unresolved_names(
    cli: Any, tmp_path: Path
) -> None:
    corpus = tmp_path / "mine"
    corpus.mkdir()
    (corpus / "port.txt").write_text(
        "Governor Mira Santos met Karim Odell of the Aldane Brigades in Port Aldane.\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "mine.db")
    assert cli("ingest", str(corpus), "--db", db, "-q").code == 0
    result = cli("actors", "--db", db)
    assert result.code == 0
    assert "is the database built" not in result.out  # it is
    assert "iraqtui actors --unresolved" in result.out
    assert "Karim Odell" in cli("actors", "--db", db, "--unresolved").out


def test_contexts_stay_inside_the_name_s_paragraph(cli: Any, tmp_path: Path) -> None:
    corpus = tmp_path / "mine"
    corpus.mkdir()
    (corpus / "siege.md").write_text(
        "---\ntitle: The siege\ndate: 2011-05-14\n---\n\n"
        "Port Aldane was quiet on Sunday. Sadr was not mentioned.\n\n"
        "Troops left, and Karim Odell spoke.\n\nA later paragraph.\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "mine.db")
    assert cli("ingest", str(corpus), "--db", db, "-q").code == 0
    found = {
        c["surface"]: c for c in json.loads(cli("actors", "--db", db, "--unresolved", "--json").out)
    }
    aldane = found["Port Aldane"]["contexts"][0]
    assert aldane["left"] == ""  # not the front matter above it
    odell = found["Karim Odell"]["contexts"][0]
    assert odell["left"] == "Troops left, and "
    assert odell["right"].startswith(" spoke.") and "later" not in odell["right"]
    sadr = json.loads(cli("actors", "Sadr", "--db", db, "--json").out)
    (mention,) = sadr["mentions"]
    assert mention["left"] == "Port Aldane was quiet on Sunday. "
    assert "Karim" not in mention["right"]
