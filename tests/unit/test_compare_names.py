"""The one name resolver behind `compare`, `events KEY` and `actors NAME`."""

from __future__ import annotations

from iraqtui.analysis.names import resolve_name

NAMES = [
    ("qom_truce", "qom"),
    ("Qom talks and the Iran-brokered truce", "qom"),
    ("Qom", "city"),
    ("basra_offensive", "basra"),
    ("The Basra offensive begins", "basra"),
]


def test_exact_names_any_case_win() -> None:
    assert resolve_name("QOM", NAMES).found == "city"
    assert resolve_name(" qom_truce ", NAMES).found == "qom"


def test_a_clear_misspelling_resolves_and_a_vague_one_lists_the_closest() -> None:
    assert resolve_name("basra_ofensive", NAMES).found == "basra"
    assert resolve_name("qom talks", NAMES).found == "qom"  # the only name covering the query
    vague = resolve_name("zzz", NAMES)
    assert vague.found is None
    assert len(vague.closest) == len(set(vague.closest))  # one entry per target


def test_two_targets_with_the_same_name_are_not_guessed_between() -> None:
    found = resolve_name("Sadr", [("Sadr", "person"), ("Sadr", "city"), ("Basra", "place")])
    assert found.found is None and set(found.closest[:2]) == {"person", "city"}
