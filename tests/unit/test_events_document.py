"""Event assignment by what the whole article is about: its title, or its assigned sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from iraqtui.ingest.catalogue import Catalogue, load_catalogue
from iraqtui.ingest.events import assign_events
from iraqtui.ingest.segment import build
from iraqtui.models import Document

CATALOGUE = """\
[[event]]
key = "wall"
label = "The wall across the district"
date = "2008-04-15"
terms = ["wall", "barrier", "concrete", "slab"]

[[event]]
key = "first_ceasefire"
label = "The March ceasefire"
date = "2008-03-30"
terms = ["cease-fire", "March 30", "talks in Iran"]

[[event]]
key = "second_deal"
label = "The May agreement"
date = "2008-05-10"
terms = ["agreement", "deal", "signed", "14-point"]
"""

# An opinion piece about the wall whose sentences each name it once: none is assigned alone.
WALL_PIECE = """\
The Americans are also building a wall.

The colonel in charge insists it is a line he can hold. The question is who is being held.

Then why do they build a wall around two million people?

The shop owners near the market, now sliced off by the barrier, have stopped opening.

That is what the surge looks like from the wrong side of the concrete.
"""


@pytest.fixture
def catalogue(tmp_path: Path) -> Catalogue:
    path = tmp_path / "events.toml"
    path.write_text(CATALOGUE, encoding="utf-8")
    return load_catalogue(path)


def _assigned(
    text: str, catalogue: Catalogue, title: str | None = None
) -> dict[str, dict[str, tuple[str, ...]]]:
    """Sentence text -> event key -> evidence, as `iraqtui events KEY` lists them."""
    paragraphs, sentences = build(text, [])
    doc = Document("t.txt", text, text, paragraphs, sentences)
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for p in assign_events(doc, [], [], catalogue, title=title):
        sentence = next(s for s in doc.sentences if s.seq == p.sentence_seq)
        found.setdefault(doc.sentence_text(sentence), {})[p.event_key] = p.evidence
    return found


def test_a_title_naming_the_event_brings_in_every_sentence_that_names_it(
    catalogue: Catalogue,
) -> None:
    found = _assigned(WALL_PIECE, catalogue, title="The wall goes up, and the numbers go missing")
    assert found == {
        "The Americans are also building a wall.": {"wall": ("term:wall", "topic:title")},
        "Then why do they build a wall around two million people?": {
            "wall": ("term:wall", "topic:title")
        },
        "The shop owners near the market, now sliced off by the barrier, have stopped opening.": {
            "wall": ("term:barrier", "topic:title")
        },
        "That is what the surge looks like from the wrong side of the concrete.": {
            "wall": ("term:concrete", "topic:title")
        },
    }


def test_the_same_sentences_under_a_title_about_something_else_stay_out(
    catalogue: Catalogue,
) -> None:
    assert _assigned(WALL_PIECE, catalogue, title="Notes from Baghdad") == {}
    assert _assigned(WALL_PIECE, catalogue) == {}


def test_two_sentences_assigned_by_their_own_evidence_make_the_article_about_the_event(
    catalogue: Catalogue,
) -> None:
    text = (
        "Soldiers pushed a concrete wall along the main street overnight.\n\n"
        "The residents of the market say business has halved.\n\n"
        "Each night a crane lifts another slab into place.\n\n"
        "A spokesman said the wall was an act of siege.\n\n"
        "By morning the barrier and its concrete slabs ran to the river.\n"
    )
    found = _assigned(text, catalogue)
    by_article = "topic:article (2 sentences assigned)"
    assert found["Each night a crane lifts another slab into place."] == {
        "wall": ("term:slab", by_article)
    }
    assert found["A spokesman said the wall was an act of siege."] == {
        "wall": ("term:wall", by_article)
    }
    assert "The residents of the market say business has halved." not in found


def test_one_assigned_sentence_quoted_twice_does_not_make_the_article_about_it(
    catalogue: Catalogue,
) -> None:
    strong = "Soldiers pushed a concrete wall along the main street overnight."
    text = f"{strong}\n\n{strong}\n\nA spokesman said the wall was an act of siege.\n"
    found = _assigned(text, catalogue)
    assert "A spokesman said the wall was an act of siege." not in found
    assert found[strong] == {"wall": ("term:concrete", "term:wall")}


def test_a_sentence_naming_two_events_goes_to_the_one_the_article_is_about(
    catalogue: Catalogue,
) -> None:
    text = (
        "The two sides signed a 14-point agreement on Saturday.\n\n"
        "The agreement is the second cease-fire in the capital this spring. The first, "
        "announced on March 30 after talks in Iran, calmed the south.\n"
    )
    found = _assigned(text, catalogue, title="Sadrists and government reach a deal")
    assert found["The agreement is the second cease-fire in the capital this spring."] == {
        "second_deal": ("term:agreement", "topic:title")
    }
    first = "The first, announced on March 30 after talks in Iran, calmed the south."
    assert set(found[first]) == {"first_ceasefire"}


def test_a_hyphenated_term_weighs_one_word(catalogue: Catalogue) -> None:
    # "cease-fire" is one word, as "ceasefire" would be: alone it does not assign.
    assert _assigned("Nobody expected the cease-fire to hold for long.\n", catalogue) == {}
    found = _assigned("Nobody expected the cease-fire of March 30 to hold.\n", catalogue)
    assert found == {
        "Nobody expected the cease-fire of March 30 to hold.": {
            "first_ceasefire": ("term:cease-fire", "term:March 30")
        }
    }
