"""The one name resolver behind `compare`, `events KEY` and `actors NAME`."""

from __future__ import annotations

from typing import Any

import pytest

from iraqtui.analysis import names
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


def test_only_the_start_of_a_very_long_query_is_scored(monkeypatch: pytest.MonkeyPatch) -> None:
    scored: list[str] = []
    extract = names.process.extract

    def spy(query: str, *args: Any, **kwargs: Any) -> Any:
        scored.append(query)
        return extract(query, *args, **kwargs)

    monkeypatch.setattr(names.process, "extract", spy)
    found = resolve_name("basra_ofensive " + "x" * 20_000, NAMES)
    assert found.found is None and found.closest
    assert scored and all(len(q) <= names.MAX_QUERY_CHARS for q in scored)
    # a name is still found when the query is long only because of trailing blanks
    assert resolve_name("qom_truce" + " " * 20_000, NAMES).found == "qom"
