"""A family name the gazetteer gives to one person does not make every bearer that person."""

from __future__ import annotations

from pathlib import Path

from tests.unit.test_actors import by_surface, ingest_texts, mentions_in

TEXT = (
    "Sadr City is named after his father, Mohammed Sadiq al-Sadr. Ammar al-Hakim, the son of "
    "Abdul Aziz al-Hakim, spoke first. Laura Bush visited Baghdad. Cleric Muqtada al-Sadr "
    "replied, and PM Maliki agreed; the cleric is revered. Iran's Sadr met Mr. Hakim.\n"
)


def test_relatives_are_new_names_not_the_gazetteer_person(tmp_path: Path) -> None:
    db_path = ingest_texts(tmp_path, {"family.txt": TEXT})
    found = by_surface(db_path)
    assert "al-Sadr" not in found and "al-Hakim" not in found and "Bush" not in found
    spans = {(s, e) for _f, s, e, _surface, _a, _m in mentions_in(db_path)}
    for relative in ("Mohammed Sadiq al-Sadr", "Ammar al-Hakim", "Laura Bush"):
        start = TEXT.index(relative)
        assert not any(start <= s < start + len(relative) for s, _e in spans), relative
    # the gazetteer's people themselves still resolve, with or without a title
    assert found["Abdul Aziz al-Hakim"] == found["Hakim"] == {"Abdul Aziz al-Hakim"}
    assert found["Muqtada al-Sadr"] == found["Sadr"] == {"Muqtada al-Sadr"}
    assert found["Maliki"] == {"Nouri al-Maliki"}


def test_relatives_are_offered_as_unresolved_candidates(tmp_path: Path) -> None:
    import sqlite3

    db_path = ingest_texts(tmp_path, {"family.txt": TEXT})
    conn = sqlite3.connect(db_path)
    surfaces = {s for (s,) in conn.execute("SELECT surface FROM candidates")}
    conn.close()
    assert {"Mohammed Sadiq al-Sadr", "Ammar al-Hakim", "Laura Bush"} <= surfaces
    assert "PM" not in surfaces  # a title, not a name


def test_the_persons_own_given_name_before_the_family_name_keeps_it(tmp_path: Path) -> None:
    text = "Abdul Aziz Hakim spoke, then Ammar al-Hakim.\n"
    found = {
        (text[s:e], actor)
        for _f, s, e, _x, actor, _m in mentions_in(ingest_texts(tmp_path, {"a.txt": text}))
    }
    assert ("Hakim", "Abdul Aziz al-Hakim") in found  # "Aziz" is one of his own names
    assert not any(surface.endswith("al-Hakim") for surface, _a in found)  # Ammar is his son
