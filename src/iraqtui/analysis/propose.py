"""Propose candidate events from groups of similar sentences that span two or more outlets,
so a corpus with no catalogue still gets a side-by-side view.

Each body sentence with at least MIN_WORDS content words is described by features: its
Porter stems (outside actor names), the actors the actor stage found in it, and pairs of
adjacent stems (BIGRAM_WEIGHT). A feature is an anchor when it is rare (in at most MAX_DF of
the sentences, and in two or more) and at least MIN_OUTLETS outlets use it ("Qom", "melted",
"war liberation", the ambassador). Each anchor's sentences are a candidate; its cohesion is
the mean information shared by its pairs of sentences from different outlets (the sum of
weight x idf over the rare features the two have in common), so a group whose sentences share
much more than the anchor ranks first; candidates under COHESION_MIN or with more than
MAX_GROUP sentences are dropped. A candidate whose sentences are mostly (Jaccard SAME_GROUP)
those of a better one adds its anchor to that one's label instead. Lexical, so two outlets
that tell the same thing in different words ("truce" and "ceasefire") are not grouped.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from iraqtui.analysis.keyness import content_words
from iraqtui.ingest.catalogue import stems
from iraqtui.models import CorpusSentence

MIN_WORDS = 4
MAX_GROUP = 25
COHESION_MIN = 3.0
SAME_GROUP = 0.5
DEFAULT_LIMIT = 40
MIN_OUTLETS = 2
MAX_DF = 0.2
ACTOR_WEIGHT = 1.0
BIGRAM_WEIGHT = 0.5


@dataclass(frozen=True)
class ProposedEvent:
    """A candidate event: similar sentences from several outlets, and what they share."""

    key: str
    label: str
    terms: tuple[str, ...]
    actors: tuple[str, ...]
    outlets: tuple[str, ...]
    sentences: tuple[CorpusSentence, ...]
    cohesion: float  # mean similarity between the group's sentences


def _features(
    sentences: Sequence[CorpusSentence], actors: Mapping[int, Sequence[tuple[str, int, int]]]
) -> tuple[list[dict[str, float]], dict[str, Counter[str]]]:
    """Each sentence's features with their weights: stems outside actor names, the actors
    themselves, and pairs of adjacent stems (half weight)."""
    bags: list[dict[str, float]] = []
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for s in sentences:
        spans = [(a - s.start, b - s.start) for _n, a, b in actors.get(s.id, ())]
        found = [
            (w, a) for w, a, _b in content_words(s.text) if not any(x <= a < y for x, y in spans)
        ]
        words = [w for w, _a in found]
        stemmed = stems(words)
        bag: dict[str, float] = defaultdict(float)
        for word, stem in zip(words, stemmed, strict=True):
            bag[stem] = 1.0
            spellings[stem][word] += 1
        for first, second in itertools.pairwise(stemmed):
            bag[f"{first} {second}"] = BIGRAM_WEIGHT
        for name, _a, _b in actors.get(s.id, ()):
            bag["@" + name] = ACTOR_WEIGHT
        bags.append(bag)
    return bags, spellings


def _idf(bags: list[dict[str, float]]) -> dict[str, float]:
    """Inverse document frequency of the features rare enough to mark an event."""
    df: Counter[str] = Counter()
    for bag in bags:
        df.update(bag.keys())
    n = max(1, len(bags))
    return {f: math.log(n / d) for f, d in df.items() if 2 <= d <= max(2.0, MAX_DF * n)}


def _shared(a: dict[str, float], b: dict[str, float], idf: Mapping[str, float]) -> float:
    """Information two sentences share: the sum of weight x idf over common rare features."""
    if len(b) < len(a):
        a, b = b, a
    return sum(v * b[f] * idf[f] for f, v in a.items() if f in b and f in idf)


def _candidates(
    sentences: Sequence[CorpusSentence], bags: list[dict[str, float]], idf: Mapping[str, float]
) -> list[tuple[float, str, list[int]]]:
    """(cohesion, anchor, sentence indexes) for each rare feature used by MIN_OUTLETS outlets
    or more; cohesion is the mean information shared by its pairs from different outlets."""
    postings: dict[str, list[int]] = defaultdict(list)
    for index, bag in enumerate(bags):
        for feature in bag:
            if feature in idf:
                postings[feature].append(index)
    out: list[tuple[float, str, list[int]]] = []
    for feature, members in postings.items():
        if len(members) > MAX_GROUP or len({sentences[i].outlet for i in members}) < MIN_OUTLETS:
            continue
        pairs = [
            _shared(bags[i], bags[j], idf)
            for x, i in enumerate(members)
            for j in members[x + 1 :]
            if sentences[i].outlet != sentences[j].outlet
        ]
        cohesion = sum(pairs) / len(pairs)
        if cohesion >= COHESION_MIN:
            out.append((round(cohesion, 2), feature, members))
    out.sort(key=lambda c: (-c[0], c[1]))
    return out


def _spell(feature: str, spellings: Mapping[str, Counter[str]]) -> str:
    """A feature as words: the commonest spelling of each stem, the name of an actor."""
    if feature.startswith("@"):
        return feature[1:]
    return " ".join(
        spellings[p].most_common(1)[0][0] if p in spellings else p for p in feature.split()
    )


def _slug(words: Sequence[str]) -> str:
    return re.sub(r"[^a-z0-9]+", "_", "_".join(words).casefold()).strip("_") or "event"


def propose_events(
    sentences: Sequence[CorpusSentence],
    actors: Mapping[int, Sequence[tuple[str, int, int]]],
    *,
    limit: int = DEFAULT_LIMIT,
) -> list[ProposedEvent]:
    """Candidate events, the most strongly linked first (at most `limit`). `actors` maps a
    sentence id to its mentions as (actor, start, end) in file offsets."""
    usable = [s for s in sentences if len(content_words(s.text)) >= MIN_WORDS]
    bags, spellings = _features(usable, actors)
    idf = _idf(bags)
    accepted: list[tuple[float, list[str], set[int]]] = []
    for cohesion, anchor, members in _candidates(usable, bags, idf):
        group = set(members)
        for _c, anchors, seen in accepted:
            if len(group & seen) >= SAME_GROUP * len(group | seen):
                anchors.append(anchor)  # the same sentences: one more name for that group
                break
        else:
            accepted.append((cohesion, [anchor], group))
    proposals: list[ProposedEvent] = []
    for cohesion, anchors, group in accepted:
        rows = [usable[i] for i in sorted(group)]
        words = [_spell(f, spellings) for f in anchors]
        terms = [w for w, f in zip(words, anchors, strict=True) if not f.startswith("@")]
        names = [f[1:] for f in anchors if f.startswith("@")]
        proposals.append(
            ProposedEvent(
                key="",
                label=", ".join([*names[:2], *terms[:3]]),
                terms=tuple(terms),
                actors=tuple(names),
                outlets=tuple(sorted({s.outlet for s in rows})),
                sentences=tuple(sorted(rows, key=lambda s: (s.outlet, s.file, s.seq))),
                cohesion=cohesion,
            )
        )
    proposals.sort(key=lambda p: (-p.cohesion, -len(p.sentences), p.label))
    used: set[str] = set()
    keyed: list[ProposedEvent] = []
    for p in proposals[:limit]:
        key = "proposed_" + _slug([*p.actors[:1], *p.terms[:1]] or ["event"])
        while key in used:
            key += "_"
        used.add(key)
        keyed.append(dataclasses.replace(p, key=key))
    return keyed
