"""The CLI as a user meets it: first run, stats, search, export, and errors in one line."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEED_FILES, SEEDS, run_command

OUTLETS = {
    "Washington Monthly (Political Animal)",
    "Hot Air",
    "Grasping Reality with Both Hands (Brad DeLong's Semi-Daily Journal)",
    "Blorge",
}


def test_first_command_builds_the_default_database_and_says_so(cli, tmp_path: Path) -> None:
    result = cli("stats")
    assert result.code == 0
    assert "building it from the bundled seeds" in result.err
    assert (tmp_path / "iraq.db").exists()
    assert "5 sources" in result.out
    for outlet in ("Hot Air", "Blorge", "Washington Monthly"):
        assert outlet in result.out
    again = cli("stats")
    assert "building" not in again.err


def test_stats_json_lists_the_five_sources_with_outlets(cli) -> None:
    result = cli("stats", "--json")
    rows = json.loads(result.out)
    assert sorted(r["file"] for r in rows) == SEED_FILES
    assert {r["outlet"] for r in rows} == OUTLETS
    assert all(r["paragraphs"] > 0 and r["sentences"] > 0 for r in rows)


def test_db_option_and_environment_variable(cli, tmp_path: Path, monkeypatch) -> None:
    assert cli("stats", "--db", "other.db").code == 0
    assert (tmp_path / "other.db").exists()
    monkeypatch.setenv("IRAQTUI_DB", str(tmp_path / "env.db"))
    assert cli("stats").code == 0
    assert (tmp_path / "env.db").exists()
    assert not (tmp_path / "iraq.db").exists()


def test_search_stems_and_highlights(cli) -> None:
    result = cli("search", "negotiate", "--json")
    hits = json.loads(result.out)["hits"]
    snippets = " ".join(h["snippet"] for h in hits)
    assert "**negotiations**" in snippets  # "negotiate" finds "negotiations"
    assert "**negotiate**" in snippets
    assert {h["outlet"] for h in hits} == {"Hot Air", "Blorge"}


def test_search_text_output_shows_outlet_title_and_snippet(cli) -> None:
    result = cli("search", "Qumi", "--limit", "2")
    assert result.code == 0
    assert "**Qumi**" in result.out
    assert "2 hits" in result.out


def test_search_folds_diacritics_and_filters_outlet(cli) -> None:
    result = cli("search", "Guantanamo", "--all", "--json")
    assert len(json.loads(result.out)["hits"]) == 1  # "Guantánamo", in 002's boilerplate
    hot_air = json.loads(cli("search", "Sadr", "--outlet", "hot air", "--json").out)["hits"]
    assert hot_air and {h["outlet"] for h in hot_air} == {"Hot Air"}
    unknown = cli("search", "Sadr", "--outlet", "Fox News")
    assert unknown.code == 1
    assert unknown.err.count("\n") == 1 and "no outlet named" in unknown.err


def test_fts_syntax_works_for_those_who_know_it(cli) -> None:
    phrase = json.loads(cli("search", '"Mahdi Army"', "--json").out)
    assert phrase["hits"] and not phrase["fell_back"]
    prefix = json.loads(cli("search", "negotiat*", "--json").out)
    assert len(prefix["hits"]) == 2
    near = json.loads(cli("search", "NEAR(Qumi Sadr, 5)", "--json").out)
    assert near["hits"] and not near["fell_back"]
    boolean = json.loads(cli("search", "Qom NOT truce", "--json").out)
    assert not boolean["fell_back"]


@pytest.mark.parametrize("query", ['"unbalanced', "AND OR", "NEAR(", "al-Sadr", "Sadr's"])
def test_malformed_queries_fall_back_to_plain_words(cli, query: str) -> None:
    result = cli("search", query)
    assert result.code == 0
    assert "Traceback" not in result.err
    if query in ("al-Sadr", "Sadr's"):
        assert "hits" in result.out or "hit" in result.out


def test_a_broken_query_falls_back_to_its_words_not_its_operators(cli) -> None:
    broken = json.loads(cli("search", "Qumi OR OR Hakim", "--json").out)
    assert broken["fell_back"]
    assert 'searched for the words "Qumi" OR "Hakim"' in broken["note"]
    either = json.loads(cli("search", "Qumi OR Hakim", "--json").out)
    assert {h["paragraph"] for h in broken["hits"]} == {h["paragraph"] for h in either["hits"]}
    assert len(broken["hits"]) > len(json.loads(cli("search", "Qumi", "--json").out)["hits"])
    dangling = json.loads(cli("search", "Qumi AND", "--json").out)
    assert 'searched for the words "Qumi"' in dangling["note"] and dangling["hits"]


@pytest.mark.parametrize("query", ["*", "   ", '""', "(((", "\x00"])
def test_queries_with_nothing_to_search_end_in_one_line(cli, query: str) -> None:
    cli("stats")
    result = cli("search", query)
    assert result.code == 1
    assert result.err.startswith("iraqtui: error: ")
    assert result.err.count("\n") == 1


def test_missing_path_is_one_clear_line(cli) -> None:
    result = cli("ingest", "no/such/folder")
    assert result.code == 1
    assert result.err == "iraqtui: error: no such file or folder: no/such/folder\n"


def test_malformed_toml_names_file_and_line(cli, tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("Some text about Basra.\n", encoding="utf-8")
    (folder / "sources.toml").write_text('[files."a.txt"]\noutlet = "x"\nauthor = \n')
    result = cli("ingest", str(folder), "--db", "bad.db")
    assert result.code == 1
    assert "sources.toml:3:" in result.err
    assert result.err.count("\n") == 1

    (folder / "sources.toml").write_text('[files."a.txt"]\noutlet = 3\n')
    result = cli("ingest", str(folder), "--db", "bad.db")
    assert "sources.toml:2:" in result.err and "must be a string" in result.err

    (folder / "sources.toml").write_text('[files."a.txt"]\nautor = "typo"\n')
    result = cli("ingest", str(folder), "--db", "bad.db")
    assert "unknown key 'autor'" in result.err


def test_newer_schema_is_refused_and_left_untouched(cli, tmp_path: Path) -> None:
    assert cli("stats", "--db", "new.db").code == 0
    conn = sqlite3.connect(tmp_path / "new.db")
    conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    before = (tmp_path / "new.db").read_bytes()
    for args in (("stats",), ("ingest",), ("search", "Sadr")):
        result = cli(*args, "--db", "new.db")
        assert result.code == 1
        assert "newer iraqtui" in result.err and result.err.count("\n") == 1
    assert (tmp_path / "new.db").read_bytes() == before


def test_non_sqlite_file_is_refused_and_never_overwritten(cli, tmp_path: Path) -> None:
    (tmp_path / "notes.db").write_text("my precious notes\n")
    result = cli("stats", "--db", "notes.db")
    assert result.code == 1 and "not an SQLite database" in result.err
    assert (tmp_path / "notes.db").read_text() == "my precious notes\n"


def test_ingest_summary_and_refusals(cli, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "a.txt").write_text("The truce held in Basra.\n", encoding="utf-8")
    (folder / "b.txt").write_bytes(b"\x00\x01\x02binary")
    result = cli("ingest", str(folder), "--db", "mine.db")
    assert result.code == 0
    assert "1 ingested, 0 unchanged (skipped), 1 refused" in result.out
    assert "refused: b.txt: binary file" in result.err
    strict = cli("ingest", str(folder), "--db", "mine.db", "--strict")
    assert strict.code == 1
    assert "0 ingested, 1 unchanged (skipped), 1 refused" in strict.out


def test_a_folder_without_sidecars_is_told_the_demo_ones_were_used(cli, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "a.txt").write_text("The truce held in Marrow Bay.\n", encoding="utf-8")
    result = cli("ingest", str(folder), "--db", "mine.db")
    assert result.code == 0
    notes = [line for line in result.err.splitlines() if line.startswith("note: ")]
    assert len(notes) == 1
    assert "no actors.toml or events.toml" in notes[0]
    assert "add empty ones to use none" in notes[0]
    # Unchanged on the next run: nothing analysed, nothing to say.
    assert "note: " not in cli("ingest", str(folder), "--db", "mine.db").err
    # An empty events.toml opts out of the demo catalogue; the gazetteer is still the demo's.
    (folder / "events.toml").write_text("", encoding="utf-8")
    (folder / "b.txt").write_text("A second post.\n", encoding="utf-8")
    again = cli("ingest", str(folder), "--db", "mine.db").err
    assert "has no actors.toml, so" in again
    assert "events.toml" not in again
    assert cli("events", "--db", "mine.db").out.startswith("no events")
    # The seeds themselves, and files given their own sidecars, get no note.
    assert "note: " not in cli("ingest", str(SEEDS), "--db", "seeds.db").err
    (folder / "actors.toml").write_text("", encoding="utf-8")
    (folder / "c.txt").write_text("A third post.\n", encoding="utf-8")
    assert "note: " not in cli("ingest", str(folder), "--db", "mine.db").err


def test_plain_ingest_refreshes_what_the_database_was_built_from(cli, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "a.txt").write_text("The truce held in Basra.\n", encoding="utf-8")
    assert cli("ingest", str(folder), "--db", "mine.db").code == 0
    (folder / "b.txt").write_text("A second post on Sadr City.\n", encoding="utf-8")
    result = cli("ingest", "--db", "mine.db")
    assert "1 ingested, 1 unchanged" in result.out


def test_plain_ingest_keeps_the_sidecars_each_folder_was_given(cli, tmp_path: Path) -> None:
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "actors.toml").write_text(
        '[[actor]]\nname = "Karim Odell"\ntype = "person"\naliases = ["Odell"]\n',
        encoding="utf-8",
    )
    (lists / "events.toml").write_text("", encoding="utf-8")
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "a.txt").write_text("Odell met Sadr in Port Aldane.\n", encoding="utf-8")
    given = ("--actors", str(lists / "actors.toml"), "--events", str(lists / "events.toml"))
    assert cli("ingest", str(folder), *given, "--db", "mine.db").code == 0

    def actors() -> set[str]:
        return {a["name"] for a in json.loads(cli("actors", "--db", "mine.db", "--json").out)}

    assert actors() == {"Karim Odell"}
    (folder / "b.txt").write_text("Odell spoke again.\n", encoding="utf-8")
    result = cli("ingest", "--db", "mine.db")
    assert "1 ingested, 1 unchanged" in result.out  # a.txt is not re-analysed
    assert "note: " not in result.err  # nor read with the bundled lists
    assert actors() == {"Karim Odell"}
    # Given again without the options, the folder is read with the sidecars beside it (none:
    # the bundled ones, and the note says so), and that is what the next refresh keeps.
    again = cli("ingest", str(folder), "--db", "mine.db")
    assert "2 ingested" in again.out and "note: " in again.err
    assert "Muqtada al-Sadr" in actors()
    assert "0 ingested, 2 unchanged" in cli("ingest", "--db", "mine.db").out


def test_a_refresh_whose_remembered_sidecar_is_gone_says_what_to_do(cli, tmp_path: Path) -> None:
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "events.toml").write_text("", encoding="utf-8")
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "a.txt").write_text("The truce held.\n", encoding="utf-8")
    given = ("--events", str(lists / "events.toml"))
    assert cli("ingest", str(folder), *given, "--db", "mine.db").code == 0
    (lists / "events.toml").unlink()
    result = cli("ingest", "--db", "mine.db")
    assert result.code == 1
    (line,) = result.err.strip().splitlines()
    assert "events.toml: no such file" in line and "was last ingested with --events" in line
    assert f"`iraqtui ingest {folder}`" in line
    assert cli("ingest", str(folder), "--db", "mine.db").code == 0  # as it says


def test_export_json_follows_the_contract(cli, tmp_path: Path) -> None:
    result = cli("export", "--format", "json", "--out", "corpus.json")
    assert result.code == 0
    data = json.loads((tmp_path / "corpus.json").read_text(encoding="utf-8"))
    assert data["schema"] == "iraqtui-export/1"
    for table in (
        "sources",
        "paragraphs",
        "sentences",
        "actors",
        "mentions",
        "unresolved",
        "quotes",
        "events",
        "event_passages",
        "reuse",
        "annotations",
    ):
        assert isinstance(data[table], list), table
    source = data["sources"][0]
    for key in (
        "id",
        "file",
        "outlet",
        "author",
        "published",
        "url",
        "title",
        "leaning",
        "provenance",
    ):
        assert key in source
    texts = {s["id"]: (SEEDS / s["file"]).read_bytes().decode("utf-8") for s in data["sources"]}
    for sentence in data["sentences"]:
        assert set(sentence) >= {
            "id",
            "source",
            "paragraph",
            "start",
            "end",
            "voice",
            "cited_outlet",
            "voice_confidence",
        }
        assert texts[sentence["source"]][sentence["start"] : sentence["end"]] == sentence["text"]
    for paragraph in data["paragraphs"]:
        assert isinstance(paragraph["boilerplate"], bool)
    # Never overwrite without --force.
    again = cli("export", "--format", "json", "--out", "corpus.json")
    assert again.code == 1 and "--force" in again.err
    assert cli("export", "--format", "json", "--out", "corpus.json", "--force").code == 0


def test_export_json_to_stdout_and_csv_and_jsonl(cli, tmp_path: Path) -> None:
    out = cli("export").out
    assert json.loads(out)["schema"] == "iraqtui-export/1"
    assert cli("export", "--format", "csv", "--out", "tables").code == 0
    with (tmp_path / "tables" / "sources.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["file"] for r in rows) == SEED_FILES
    assert cli("export", "--format", "jsonl", "--out", "lines").code == 0
    lines = (tmp_path / "lines" / "sentences.jsonl").read_text(encoding="utf-8").splitlines()
    assert all(json.loads(line)["source"] for line in lines)


def test_python_dash_m_and_the_real_sqlite_utils_search(tmp_path: Path) -> None:
    built = run_command("ingest", "--db", "m.db", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert "5 ingested" in built.stdout
    sqlite_utils = Path(sys.executable).with_name("sqlite-utils")
    if not sqlite_utils.exists():
        found = shutil.which("sqlite-utils")
        if not found:
            pytest.skip("the sqlite-utils command is not installed")
        sqlite_utils = Path(found)
    result = subprocess.run(
        [str(sqlite_utils), "search", str(tmp_path / "m.db"), "paragraphs", "Basra", "--csv"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Basra") >= 10


def test_db_option_works_before_and_after_the_command(cli, tmp_path: Path) -> None:
    assert cli("--db", "before.db", "stats").code == 0
    assert (tmp_path / "before.db").exists()
    assert not (tmp_path / "iraq.db").exists()
    assert cli("stats", "--db", "after.db").code == 0
    assert (tmp_path / "after.db").exists()
    assert not (tmp_path / "iraq.db").exists()


def test_outlet_named_by_a_word_of_its_name(cli) -> None:
    hits = json.loads(cli("search", "Qumi", "--outlet", "delong", "--json").out)["hits"]
    assert hits and {h["outlet"] for h in hits} == {
        "Grasping Reality with Both Hands (Brad DeLong's Semi-Daily Journal)"
    }
    unknown = cli("search", "Qumi", "--outlet", "Fox News")
    assert unknown.code == 1 and "no outlet named" in unknown.err


def test_plain_iraqtui_opens_the_app_without_loading_every_subcommand(tmp_path: Path) -> None:
    code = (
        "import sys, iraqtui.cli as c; a = c._app_args(['--db', 'x.db']); "
        "print(a.db, a.command, 'iraqtui.cli.ingest' in sys.modules, 'sqlite_utils' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert result.stdout.split() == ["x.db", "None", "False", "False"]


def test_help_and_bad_options_still_go_through_the_full_parser(cli) -> None:
    with pytest.raises(SystemExit) as bad:
        cli("--bogus")
    assert bad.value.code == 2
    with pytest.raises(SystemExit) as shown:
        cli("--help")
    assert shown.value.code == 0


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_folder_formats_refuse_stdout_instead_of_making_a_folder_named_dash(
    cli, seeds_db_path: Path, tmp_path: Path, fmt: str
) -> None:
    result = cli("export", "--db", str(seeds_db_path), "--format", fmt, "--out", "-")
    assert result.code == 1
    assert result.err.startswith("iraqtui: error: ") and len(result.err.splitlines()) == 1
    assert "folder" in result.err
    assert not (tmp_path / "-").exists()
