"""Discovery after a wire-service dateline: the first word of the story is not a name."""

from __future__ import annotations

from iraqtui.config import bundled_seeds_dir
from iraqtui.ingest.actors import find_mentions
from iraqtui.ingest.gazetteer import load_gazetteer
from tests.unit.test_actors import doc_of


def test_the_word_after_a_dateline_dash_is_not_a_candidate() -> None:
    gazetteer = load_gazetteer(bundled_seeds_dir() / "actors.toml")
    text = (
        "BASRA, Iraq — Fighting spread on Sunday.\n\n"
        "GULF OBSERVER -- Gunmen attacked a checkpoint.\n\n"
        "The envoy — Ryan Crocker — left for Washington.\n"
    )
    _mentions, candidates = find_mentions(doc_of(text), gazetteer)
    surfaces = {c.surface for c in candidates}
    assert "Fighting" not in surfaces and "Gunmen" not in surfaces
    assert "Ryan Crocker" in surfaces  # a full name after a dash is still found
