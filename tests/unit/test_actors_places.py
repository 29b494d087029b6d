"""Places and capitals that other coverage of these events names resolve with the bundled
gazetteer, even though the five seed posts never name them."""

from __future__ import annotations

from pathlib import Path

from tests.unit.test_actors import SEEDS, by_surface, ingest_texts

TEXT = (
    "The cleric's aides flew from Najaf to Tehran. Tehran's man in Baghdad said Karbala was "
    "calm, rockets hit the Green Zone again, and critics in Washington told The Washington "
    "Post the truce would not last.\n"
)


def test_capitals_and_holy_cities_of_other_coverage_resolve(tmp_path: Path) -> None:
    seeds_text = "".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt"))
    for name in ("Najaf", "Tehran", "Karbala", "Green Zone", "Washington"):
        assert name not in seeds_text  # really unseen
    found = by_surface(ingest_texts(tmp_path, {"places.txt": TEXT}))
    assert found["Najaf"] == {"Najaf"}
    assert found["Tehran"] == {"Tehran"}
    assert found["Karbala"] == {"Karbala"}
    assert found["Green Zone"] == {"Green Zone"}
    assert found["Washington"] == {"Washington"}
    assert found["Washington Post"] == {"The Washington Post"}
