"""What the events stage shares between copies of a sentence, and the cheap bounds it asks
before rapidfuzz, never change a result.

A sentence repeated across articles (wire copy, a quote) is worked out once; who is named in
each copy and the paragraph around it still decide each copy's events. A phrase is only
scored where two exact tests (pieces of the shorter string, the longest common subsequence)
leave it a chance: both are checked against plain rapidfuzz here.
"""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, utils

from iraqtui.config import bundled_seeds_dir
from iraqtui.ingest import events
from iraqtui.ingest.catalogue import load_catalogue
from iraqtui.ingest.event_phrases import PhraseIndex, SentencePhrases, may_reach_lcs
from iraqtui.models import Mention

from .test_events_assignment import _doc, truce_catalogue
from .test_events_phrases import plain_best

CATALOGUE = load_catalogue(bundled_seeds_dir() / "events.toml")
PHRASES = [list(e.phrases) for e in CATALOGUE.events]
INDEX = PhraseIndex(PHRASES)
FLOOR = events.PHRASE_FLOOR
CUTOFFS = [FLOOR, 72.0, 80.0 - 1e-6, 84.0, 90.0, 92.0 - 1e-6, 99.5, 100.0 - 1e-6]


@settings(max_examples=300, deadline=None)
@given(
    event=st.integers(0, len(PHRASES) - 1),
    source=st.integers(0, len(PHRASES) - 1),
    seed=st.integers(0, 10**6),
    edits=st.integers(0, 6),
    cutoff=st.sampled_from(CUTOFFS),
)
def test_a_sentence_shorter_than_the_phrases_scores_as_rapidfuzz_says(
    event: int, source: int, seed: int, edits: int, cutoff: float
) -> None:
    # A fragment of a phrase, edited: the sentence is the shorter string, so its own pieces
    # are looked for in each phrase.
    rng = random.Random(seed)
    phrase = rng.choice(PHRASES[source])
    start = rng.randrange(len(phrase) // 2)
    chars = list(phrase[start : start + rng.randrange(12, 40)])
    for _ in range(edits):
        at = rng.randrange(len(chars))
        chars[at] = rng.choice("abcdefghijklmnopqrstuvwxyz ")
    sentence = "".join(chars)
    found = SentencePhrases(INDEX, utils.default_process(sentence)).best(event, cutoff, FLOOR)
    assert found == plain_best(PHRASES[event], sentence, cutoff)


@settings(max_examples=500, deadline=None)
@given(
    first=st.text(alphabet="abc de", min_size=1, max_size=120),
    second=st.text(alphabet="abc de", min_size=1, max_size=120),
    cutoff=st.sampled_from(CUTOFFS),
)
def test_the_subsequence_bound_never_rules_out_a_ratio_that_reaches_the_cutoff(
    first: str, second: str, cutoff: float
) -> None:
    # Short and long needles (rapidfuzz changes method past 64 characters), either way round.
    if fuzz.partial_ratio(first, second, score_cutoff=cutoff):
        assert may_reach_lcs(first, second, cutoff)
        assert may_reach_lcs(second, first, cutoff)


def test_the_subsequence_bound_rules_out_unrelated_text() -> None:
    phrase = utils.default_process("Sadr froze the activities of the Mahdi Army")
    sentence = utils.default_process("Oil exports from the southern ports rose in June.")
    assert not may_reach_lcs(phrase, sentence, 92.0)
    assert may_reach_lcs(phrase, utils.default_process(f"In August {phrase} again."), 99.9)


def test_copies_of_a_sentence_each_get_their_own_actors_and_paragraph(tmp_path: Path) -> None:
    catalogue = truce_catalogue(tmp_path)
    repeated = "The agreement pleased the cleric and his ally very much indeed."
    doc = _doc(
        f"{repeated} Sadr and Soleimani were named.\n\n"  # 1: no one named in it
        f"Lawmakers signed an agreement in the holy city. {repeated}\n\n"  # 2: topic
        f"{repeated}\n\n"  # 3: alone, one single-word term
        f"{repeated} Sadr and Soleimani were named."  # 4: the actors in it
    )
    paragraph = {p: [s.seq for s in doc.sentences if s.paragraph_seq == p] for p in (0, 1, 2, 3)}
    # The actors are found in the copy of paragraph 4 only: the copies of paragraphs 1 and
    # 4 share their text, not their evidence.
    named_copy = paragraph[3][0]
    at = next(s.start for s in doc.sentences if s.seq == named_copy)
    mentions = [
        Mention(named_copy, at + 26, at + 32, "cleric", "Muqtada al-Sadr", "fuzzy", 90.0),
        Mention(named_copy, at + 37, at + 45, "his ally", "Qasem Soleimani", "fuzzy", 90.0),
    ]
    for _ in range(2):  # and the second time through, with every copy seen before, alike
        passages = {p.sentence_seq: p for p in events.assign_events(doc, mentions, [], catalogue)}
        # Two different sentences are assigned to the truce, so the article is about it and
        # each copy joins it on its one term: by the article, or by its own paragraph.
        by_article = ("term:agreement", "topic:article (2 sentences assigned)")
        assert passages[paragraph[0][0]].evidence == by_article  # actors in another sentence
        assert passages[paragraph[1][1]].evidence == ("term:agreement", "topic:paragraph")
        assert passages[paragraph[2][0]].evidence == by_article
        assert set(passages[named_copy].evidence) == {
            "term:agreement", "actor:Muqtada al-Sadr", "actor:Qasem Soleimani"
        }  # fmt: skip
