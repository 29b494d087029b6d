"""events.toml: the bundled catalogue loads; mistakes end in one line naming file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from iraqtui.config import bundled_seeds_dir
from iraqtui.errors import BadSidecar
from iraqtui.ingest.catalogue import load_catalogue, stem_phrase, words

GOOD = '[[event]]\nkey = "qom_truce"\nlabel = "Qom talks"\ndate = "2008-03-29"\nterms = ["Qom"]\n'


def test_bundled_catalogue_loads_in_full() -> None:
    catalogue = load_catalogue(bundled_seeds_dir() / "events.toml")
    keys = [e.key for e in catalogue.events]
    assert len(keys) == len(set(keys)) >= 15
    truce = next(e for e in catalogue.events if e.key == "qom_truce")
    assert (truce.date, truce.date_end) == ("2008-03-29", "2008-03-30")
    assert "Qasem Soleimani" in truce.actors and truce.phrases and truce.terms
    melt = next(e for e in catalogue.events if e.key == "mahdi_army_melts_away")
    assert melt.date_note


def test_fingerprint_follows_the_content(tmp_path: Path) -> None:
    path = tmp_path / "events.toml"
    path.write_text(GOOD, encoding="utf-8")
    first = load_catalogue(path).fingerprint
    path.write_text(GOOD.replace("Qom talks", "Qom"), encoding="utf-8")
    assert load_catalogue(path).fingerprint != first


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace('"qom_truce"', '"Qom Truce"'), ":2: event #1: 'key' must be"),
        (GOOD + GOOD, ":7: event key 'qom_truce' is used twice"),
        (GOOD + 'colour = "red"\n', ":6: event 'qom_truce': unknown key 'colour'"),
        (GOOD.replace('date = "2008-03-29"\n', ""), ":2: event 'qom_truce': 'date' is required"),
        (GOOD + 'date_end = "2008-03-01"\n', ":6: event 'qom_truce': 'date_end' 2008-03-01 is"),
        (GOOD.replace('"2008-03-29"', '"29 March"'), ":4: event 'qom_truce': 'date' must be"),
        (GOOD.replace('terms = ["Qom"]', "terms = []"), "give 'terms' or 'phrases'"),
        (GOOD.replace('terms = ["Qom"]', 'terms = ["--"]'), "'--' has no words to match"),
        (GOOD.replace('"Qom talks"', "Qom talks"), ":3: "),  # not TOML
        ('[event]\nkey = "x"\n', "'event' must be an array of tables"),
    ],
)
def test_mistakes_name_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "events.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BadSidecar) as caught:
        load_catalogue(path)
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)


def test_unquoted_toml_dates_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "events.toml"
    path.write_text(GOOD.replace('"2008-03-29"', "2008-03-29"), encoding="utf-8")
    assert load_catalogue(path).events[0].date == "2008-03-29"


def test_words_and_stems() -> None:
    assert words("Sadr’s men don’t; they’re U.S.-backed") == [
        "sadr", "men", "dont", "they", "u", "s", "backed"
    ]  # fmt: skip
    assert stem_phrase("melted away") == stem_phrase("Melting away")
    assert stem_phrase("held talks") == ("held", "talk")


@pytest.mark.parametrize("date", ["2008-13-01", "2008-02-30", "2008-00"])
def test_dates_that_do_not_exist_are_refused(tmp_path: Path, date: str) -> None:
    path = tmp_path / "events.toml"
    path.write_text(GOOD.replace("2008-03-29", date), encoding="utf-8")
    with pytest.raises(BadSidecar, match=f":4: event 'qom_truce': 'date' must be .*{date}"):
        load_catalogue(path)


def test_fingerprint_follows_the_assignment_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from iraqtui.ingest import catalogue

    path = tmp_path / "events.toml"
    path.write_text(GOOD, encoding="utf-8")
    first = load_catalogue(path).fingerprint
    monkeypatch.setattr(catalogue, "ASSIGNER_VERSION", catalogue.ASSIGNER_VERSION + "+")
    assert load_catalogue(path).fingerprint != first
