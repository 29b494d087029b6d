"""Phrase scores above a cutoff: the shortcuts that make them cheap never change a result.

`SentencePhrases.best` skips phrases a pigeonhole test rules out and asks rapidfuzz only for
ratios at or above a cutoff; the events stage asks for the lowest ratio that could still
assign a sentence. Both are checked here against plain rapidfuzz and against the events
stage scoring every candidate phrase in full, on the seeds and on a large catalogue.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, utils

from iraqtui.config import bundled_seeds_dir
from iraqtui.ingest import events
from iraqtui.ingest.catalogue import load_catalogue
from iraqtui.ingest.event_phrases import PhraseIndex, SentencePhrases
from iraqtui.ingest.pipeline import IngestOptions, analyse, resolve_sidecars
from iraqtui.ingest.reader import decode
from iraqtui.models import EventPassage

SEEDS = bundled_seeds_dir()
CATALOGUE = load_catalogue(SEEDS / "events.toml")
PHRASES = [list(e.phrases) for e in CATALOGUE.events]
INDEX = PhraseIndex(PHRASES)
FLOOR = events.PHRASE_FLOOR


def plain_best(phrases: list[str], sentence: str, cutoff: float) -> tuple[float, str] | None:
    """What the events stage computed before the shortcuts: every phrase, rapidfuzz at the
    floor, the first best kept; then only if it reaches `cutoff`."""
    processed = utils.default_process(sentence)
    best, best_text = 0.0, ""
    for phrase in phrases:
        ratio = fuzz.partial_ratio(utils.default_process(phrase), processed, score_cutoff=FLOOR)
        if ratio > best:
            best, best_text = ratio, phrase
    return (best, best_text) if best > FLOOR and best >= cutoff else None


def edited(text: str, rng: random.Random, edits: int) -> str:
    """`text` with characters dropped, doubled or replaced at random places."""
    chars = list(text)
    for _ in range(edits):
        if not chars:
            break
        at = rng.randrange(len(chars))
        kind = rng.randrange(3)
        if kind == 0:
            del chars[at]
        elif kind == 1:
            chars.insert(at, chars[at])
        else:
            chars[at] = rng.choice("abcdefghijklmnopqrstuvwxyz ")
    return "".join(chars)


@settings(max_examples=300, deadline=None)
@given(
    event=st.integers(0, len(PHRASES) - 1),
    source=st.integers(0, len(PHRASES) - 1),
    edits=st.integers(0, 12),
    seed=st.integers(0, 10**6),
    cutoff=st.sampled_from([FLOOR, 72.0, 80.0 - 1e-6, 84.0, 90.0, 92.0 - 1e-6, 99.5, 100.0]),
    padding=st.sampled_from(["", "Witnesses said that ", "In a statement on Tuesday, "]),
)
def test_best_phrase_equals_plain_rapidfuzz(
    event: int, source: int, edits: int, seed: int, cutoff: float, padding: str
) -> None:
    # A sentence built from some event's phrase (often another event's), edited a little
    # or a lot, so ratios fall on both sides of every cutoff.
    rng = random.Random(seed)
    phrases = PHRASES[source]
    base = phrases[rng.randrange(len(phrases))] if phrases else "no phrase here"
    sentence = padding + edited(base, rng, edits) + ", officials said."
    found = SentencePhrases(INDEX, utils.default_process(sentence)).best(event, cutoff, FLOOR)
    assert found == plain_best(PHRASES[event], sentence, cutoff)


def test_a_paraphrase_with_misspellings_still_scores_at_a_high_cutoff() -> None:
    index = PhraseIndex([["Sadr froze the activities of the Mahdi Army"]])
    sentence = "In August Sadr had frozen the activities of the Mehdi Army, a spokesman said."
    expected = plain_best(["Sadr froze the activities of the Mahdi Army"], sentence, FLOOR)
    assert expected is not None and expected[0] >= 85
    found = SentencePhrases(index, utils.default_process(sentence)).best(0, 85.0, FLOOR)
    assert found == expected


def varied_catalogue(path: Path, copies: int) -> Path:
    """A catalogue of `copies` variants of each bundled event: terms, phrases and actors
    reshuffled between events, so many events share actors and words."""
    rng = random.Random(7)
    every_term = [t for e in CATALOGUE.events for t in e.terms]
    every_actor = sorted({a for e in CATALOGUE.events for a in e.actors})
    words = sorted({w for e in CATALOGUE.events for p in e.phrases for w in p.split()})
    lines: list[str] = []
    for event in CATALOGUE.events:
        for copy in range(copies):
            terms = [t for t in event.terms if rng.random() < 0.6] + rng.sample(every_term, 2)
            phrases = []
            for phrase in event.phrases:
                tokens = phrase.split()
                tokens[rng.randrange(len(tokens))] = rng.choice(words)
                phrases.append(" ".join(tokens))
            actors = {*rng.sample(every_actor, 2), *event.actors[:1]}
            lines += [
                "[[event]]",
                f'key = "{event.key}_{copy}"',
                f'label = "{event.key} {copy}"',
                f'date = "{event.date}"',
                f"terms = {json.dumps(sorted(set(terms)))}",
                f"phrases = {json.dumps(phrases)}",
                f"actors = {json.dumps(sorted(actors))}",
                "",
            ]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def seed_passages(events_file: Path | None) -> list[tuple[str, EventPassage]]:
    options = IngestOptions(events_file=events_file)
    sidecars = resolve_sidecars(SEEDS, options, SEEDS)
    found = []
    for path in sorted(SEEDS.glob("*.txt")):
        decoded = decode(path.read_bytes())
        assert not isinstance(decoded, str)
        analysis = analyse(path.name, SEEDS.name, decoded, sidecars, str(path))
        found += [(path.name, p) for p in analysis.event_passages]
    return found


@pytest.mark.parametrize("copies", [0, 6])
def test_cutoffs_never_change_an_assignment(
    copies: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events_file = varied_catalogue(tmp_path / "events.toml", copies) if copies else None
    fast = seed_passages(events_file)
    # Every candidate phrase scored in full, as before the cutoffs existed.
    monkeypatch.setattr(events, "_phrase_cutoff", lambda ev, at: FLOOR)
    monkeypatch.setattr(events, "_PHRASE_ONLY_CUTOFF", FLOOR)
    full = seed_passages(events_file)
    assert len(full) > 100
    assert any(e.startswith("phrase:") for _f, p in full for e in p.evidence)
    assert fast == full
