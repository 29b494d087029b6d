"""Corrections: set through the CLI, kept through `ingest --rebuild`, exported beside the
machine's values, never touched by ingest."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import SEEDS


def build(cli, tmp_path: Path) -> tuple[str, Path]:  # type: ignore[no-untyped-def]
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    db = str(tmp_path / "c.db")
    assert cli("ingest", str(corpus), "--db", db).code == 0
    return db, corpus


def quote_id(cli, db: str, query: str, file_prefix: str) -> int:  # type: ignore[no-untyped-def]
    hits = json.loads(cli("quotes", query, "--json", "--db", db).out)["hits"]
    return int(next(h["id"] for h in hits if h["file"].startswith(file_prefix)))


def exported(cli, db: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    result = cli("export", "--format", "json", "--out", "-", "--db", db)
    assert result.code == 0, result.err
    return json.loads(result.out)  # type: ignore[no-any-return]


def test_quote_correction_survives_rebuild_and_is_exported(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, _ = build(cli, tmp_path)
    qid = quote_id(cli, db, "most lethal attacks on US forces", "004")
    result = cli("correct", "quote", str(qid), "--speaker", "Michael Ware", "--db", db)
    assert result.code == 0 and "Michael Ware" in result.out

    assert cli("ingest", "--rebuild", "--db", db).code == 0
    new_id = quote_id(cli, db, "most lethal attacks on US forces", "004")
    assert new_id != qid  # rows were replaced ...
    hit = next(
        h
        for h in json.loads(cli("quotes", "most lethal attacks", "--json", "--db", db).out)["hits"]
        if h["id"] == new_id
    )
    assert hit["corrections"] == {"speaker": "Michael Ware"}  # ... the correction re-attached

    data = exported(cli, db)
    (row,) = [q for q in data["quotes"] if q["id"] == new_id]
    assert row["speaker"] is None  # the machine's value
    assert row["corrections"] == {"speaker": "Michael Ware"}  # and the user's, beside it
    (note,) = [a for a in data["annotations"] if a["kind"] == "correction"]
    assert note["field"] == "speaker" and note["target"].startswith("quote:004_")


def test_sentence_voice_correction_survives_rebuild(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, _ = build(cli, tmp_path)
    data = exported(cli, db)
    sentence = next(s for s in data["sentences"] if s["text"].startswith("This gibes with"))
    assert sentence["voice"] == "own"
    args = ("correct", "sentence", str(sentence["id"]), "--voice", "quoted", "--outlet", "NYT")
    assert cli(*args, "--db", db).code == 0
    assert cli("ingest", "--rebuild", "--db", db).code == 0
    again = next(s for s in exported(cli, db)["sentences"] if s["text"].startswith("This gibes"))
    assert again["voice"] == "own"
    assert again["corrections"] == {"voice": "quoted", "cited_outlet": "NYT"}


def test_clear_returns_to_the_machine_value(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, _ = build(cli, tmp_path)
    qid = quote_id(cli, db, "open war until liberation", "000")
    assert cli("correct", "quote", str(qid), "--outlet", "Reuters", "--db", db).code == 0
    assert "Reuters" in cli("correct", "list", "--db", db).out
    assert cli("correct", "quote", str(qid), "--clear", "--db", db).code == 0
    assert json.loads(cli("correct", "list", "--json", "--db", db).out) == {}


def test_correction_follows_its_words_when_the_file_changes(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, corpus = build(cli, tmp_path)
    qid = quote_id(cli, db, "the gunmen have heavier weapons", "004")
    assert (
        cli("correct", "quote", str(qid), "--speaker", "Col. Abbas al-Tamimi", "--db", db).code == 0
    )
    path = corpus / "004_82396509a673133c.txt"
    path.write_text("A new first line moves every offset.\n\n" + path.read_text("utf-8"), "utf-8")
    assert cli("ingest", str(corpus), "--db", db).code == 0
    hits = json.loads(cli("quotes", "the gunmen have heavier weapons", "--json", "--db", db).out)
    top = hits["hits"][0]
    assert top["file"].startswith("004") and top["start"] > 2438
    assert top["corrections"] == {"speaker": "Col. Abbas al-Tamimi"}


def test_a_correction_whose_words_changed_is_kept_and_said_not_applied(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, corpus = build(cli, tmp_path)
    qid = quote_id(cli, db, "the gunmen have heavier weapons", "004")
    assert cli("correct", "quote", str(qid), "--speaker", "Someone", "--db", db).code == 0
    assert "not applied" not in cli("correct", "list", "--db", db).out
    path = corpus / "004_82396509a673133c.txt"
    text = path.read_text("utf-8")
    assert text.count("have heavier and") == 1
    path.write_text(text.replace("have heavier and", "have much heavier and"), "utf-8")
    result = cli("ingest", str(corpus), "--db", db)
    assert result.code == 0
    (warning,) = [w for w in result.err.splitlines() if "your correction" in w]
    assert warning.startswith(
        "warning: 004_82396509a673133c.txt: your correction (speaker = Someone)"
    )
    assert "kept, not applied" in warning
    listed = cli("correct", "list", "--db", db).out
    assert "speaker='Someone'  (not applied: its text is no longer found)" in listed
    # Kept: the original words back, the correction applies again, and nothing is said.
    path.write_text(text, "utf-8")
    again = cli("ingest", str(corpus), "--db", db)
    assert "your correction" not in again.err
    assert "not applied" not in cli("correct", "list", "--db", db).out
    hits = json.loads(cli("quotes", "the gunmen have heavier weapons", "--json", "--db", db).out)
    assert hits["hits"][0]["corrections"] == {"speaker": "Someone"}


def test_user_errors_are_one_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, _ = build(cli, tmp_path)
    for args in (
        ("correct", "quote", "999999", "--speaker", "X"),
        ("correct", "quote", "1"),
        ("correct", "sentence", "1", "--speaker", "X"),
        ("correct", "quote"),
    ):
        result = cli(*args, "--db", db)
        assert result.code == 1, args
        assert result.err.startswith("iraqtui: error:") and result.err.count("\n") == 1
    missing = cli("correct", "list", "--db", str(tmp_path / "none.db"))
    assert missing.code == 1 and not (tmp_path / "none.db").exists()
