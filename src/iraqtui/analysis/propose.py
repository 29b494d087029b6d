"""Propose candidate events from groups of similar sentences that span two or more outlets,
so a corpus with no catalogue still gets a side-by-side view.

Each body sentence with at least MIN_WORDS content words is described by features: its
Porter stems (outside actor names), the actors the actor stage found in it, and pairs of
adjacent stems (BIGRAM_WEIGHT). A feature is informative when it is rare: in two or more
sentences and at most MAX_DF of them (or MAX_DF_FLOOR); its weight is its idf.

Two sentences from different outlets are *linked* when they share an informative feature
and, counting the features of the sentences either side of each (CONTEXT_WEIGHT: a story is
told over several sentences), at least LINK_FEATURES of them carrying LINK_MIN information
(the sum of weight x idf); or when both overlap one reused passage (the `reuse` table) or
are near-verbatim by rapidfuzz (FUZZY_SAME). One shared word ("years", "eyes") is never a
link. Linked sentences are grouped by average linkage (two groups merge while the mean link
over all their pairs of sentences is at least AVG_MIN, none beyond MAX_GROUP sentences), so
a story several outlets tell is one proposal, not one per shared word, and a chain of weak
links does not pull unrelated stories together. Groups rank by the information their links
carry, summed (a story shared by more sentences and outlets first). The label is the
group's most telling names and the phrase (`propose_labels`) its strongest links
share word for word, else its most telling shared words.

Words of the shipped conflict-reporting lexicon (`synonyms.toml`) count as their concept, so
"a unilateral truce" and "the ceasefire" share a feature. Concepts and the names of people,
parties, militias and organisations are *anchors*: a story two outlets tell with only one
rare anchor in common (in at most ANCHOR_MAX_DF of sentences) is proposed by itself, the
sentences that name it from each outlet, unless a group already shows it (`_anchor_stories`);
its sentences may sit in a group too. A concept in a clause that looks back
(`time_frame.looking_back`: "declared in August" in an April post, "hasn't been rescinded") is
also the concept's earlier instance, a feature and anchor of its own ("~truce@earlier"), and
the concept's anchor story leaves such sentences out: the truce of last summer is proposed
apart from this week's. Still lexical beyond the lexicon: two outlets that
share no word, name or concept are not grouped.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz

from iraqtui.analysis.keyness import content_words
from iraqtui.analysis.propose_labels import describe, is_content, phrase_shared
from iraqtui.analysis.synonyms import Lexicon, conflict_lexicon
from iraqtui.analysis.time_frame import looking_back, published_date
from iraqtui.ingest.catalogue import stems, word_spans
from iraqtui.models import CorpusSentence

MIN_WORDS = 4
MAX_DF = 0.2
MAX_DF_FLOOR = 6  # in a small corpus a story's own words fill more than MAX_DF of it
PAIR_DF = 30  # a feature in more sentences than this does not propose pairs (speed)
ACTOR_WEIGHT = 1.0
BIGRAM_WEIGHT = 0.5
ANCHOR_TYPES = frozenset(["person", "party", "militia", "organisation"])
ANCHOR_MAX_DF = 0.05  # an anchor story's anchor is in at most 5% of sentences (or the floor)
LINK_FEATURES = 2
LINK_MIN = 5.0
CONTEXT_WEIGHT = 0.5
REUSE_LINK = 12.0
FUZZY_SAME = 90.0
MAX_GROUP = 14
AVG_MIN = 2.0
DEFAULT_LIMIT = 25
MIN_OUTLETS = 2
PHRASE_LINKS = 5
PHRASE_SPELLINGS = 3
EARLIER = "@earlier"  # suffix of a concept's earlier instance ("~truce@earlier")


@dataclass(frozen=True)
class ProposedEvent:
    """A candidate event: similar sentences from several outlets, and what they share."""

    key: str
    label: str
    terms: tuple[str, ...]
    actors: tuple[str, ...]
    outlets: tuple[str, ...]
    sentences: tuple[CorpusSentence, ...]
    cohesion: float  # information carried by the group's cross-outlet links (summed)
    links: int = 0  # pairs of sentences from different outlets that link the group


Bag = dict[str, float]


def _features(
    sentences: Sequence[CorpusSentence],
    actors: Mapping[int, Sequence[tuple[str, int, int]]],
    lexicon: Lexicon,
    published: Mapping[int, date | None],
) -> tuple[list[Bag], dict[str, Counter[str]]]:
    """Each sentence's features with their weights, and the spellings seen for each stem or
    concept. Words of the lexicon count as their concept ("ceasefire" and "truce" are one);
    in a clause that looks back (`time_frame`) a concept is also its earlier instance
    ("~truce" + EARLIER), the truce of last summer rather than this week's."""
    bags: list[Bag] = []
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for s in sentences:
        spans = [(a - s.start, b - s.start) for _n, a, b in actors.get(s.id, ())]
        tokens = [
            (w, a, b) for w, a, b in word_spans(s.text) if not any(x <= a < y for x, y in spans)
        ]
        stemmed = stems([w for w, _a, _b in tokens])
        found = lexicon.matches(stemmed)
        keys: list[str] = []
        said: list[tuple[str, str, int]] = []  # this sentence's concepts: key, words, offset
        index = 0
        while index < len(tokens):
            word = tokens[index][0]
            if index in found:
                end, concept = found[index]
                keys.append(concept)
                spelled = " ".join(s.text[tokens[index][1] : tokens[end - 1][2]].split())
                said.append((concept, spelled, tokens[index][1]))
                index = end
                continue
            if is_content(word):
                keys.append(stemmed[index])
                spellings[stemmed[index]][word] += 1
            index += 1
        bag: Bag = {}
        for first, second in itertools.pairwise(keys):
            bag[f"{first} {second}"] = BIGRAM_WEIGHT
        for key in keys:
            bag[key] = 1.0
        back = looking_back(s.text, published.get(s.source)) if said else []
        for concept, spelled, at in said:
            spellings[concept][spelled] += 1
            if any(a <= at < b for a, b in back):  # in a clause that looks back
                bag[concept + EARLIER] = 1.0
                spellings[concept + EARLIER][spelled] += 1
        for name, _a, _b in actors.get(s.id, ()):
            bag["@" + name] = ACTOR_WEIGHT
        bags.append(bag)
    return bags, spellings


def _with_context(sentences: Sequence[CorpusSentence], bags: Sequence[Bag]) -> list[Bag]:
    """Each bag plus the features of the sentences either side in the same file (weight
    CONTEXT_WEIGHT): a story is told over several sentences, and "They've melted back into
    the population" is about the Mahdi Army named in the sentence before."""
    out: list[Bag] = []
    for index, bag in enumerate(bags):
        widened = dict(bag)
        for other in (index - 1, index + 1):
            if 0 <= other < len(bags) and sentences[other].source == sentences[index].source:
                for feature, weight in bags[other].items():
                    widened[feature] = max(widened.get(feature, 0.0), weight * CONTEXT_WEIGHT)
        out.append(widened)
    return out


def _idf(bags: Sequence[Bag]) -> dict[str, float]:
    """Inverse document frequency of the features rare enough to mark an event."""
    df: Counter[str] = Counter()
    for bag in bags:
        df.update(bag.keys())
    n = max(1, len(bags))
    return {f: math.log(n / d) for f, d in df.items() if 2 <= d <= max(MAX_DF_FLOOR, MAX_DF * n)}


def _common(a: Bag, b: Bag, idf: Mapping[str, float]) -> dict[str, float]:
    """The informative features two sentences share, with the information each carries."""
    return {f: a[f] * b[f] * idf[f] for f in a.keys() & b.keys() if f in idf}


def _links(
    sentences: Sequence[CorpusSentence],
    bags: Sequence[Bag],
    widened: Sequence[Bag],
    idf: Mapping[str, float],
    reused: Mapping[int, Set[int]],
) -> list[tuple[float, int, int, dict[str, float]]]:
    """(strength, i, j, shared features) for linked sentence pairs of different outlets."""
    postings: dict[str, list[int]] = defaultdict(list)
    for index, bag in enumerate(bags):
        for feature in bag:
            if feature in idf:
                postings[feature].append(index)
    by_cluster: dict[int, list[int]] = defaultdict(list)
    for index, s in enumerate(sentences):
        for cluster in reused.get(s.id, ()):
            by_cluster[cluster].append(index)
    # Candidate pairs share a rare feature themselves (their neighbours only add evidence) or
    # a reused passage. Each sentence pairs with at most PAIR_DF others per feature or passage
    # (a wire paragraph copied thousands of times must not cost millions of pairs).
    pairs: set[tuple[int, int]] = set()
    for members in itertools.chain(
        (m for m in postings.values() if len(m) <= PAIR_DF), by_cluster.values()
    ):
        for x, i in enumerate(members):
            pairs.update(
                (i, j)
                for j in members[x + 1 : x + 1 + PAIR_DF]
                if sentences[i].outlet != sentences[j].outlet
            )
    out: list[tuple[float, int, int, dict[str, float]]] = []
    for i, j in pairs:
        shared = _common(widened[i], widened[j], idf)
        strength = sum(shared.values())
        same_words = bool(reused.get(sentences[i].id, set()) & reused.get(sentences[j].id, set()))
        if not same_words and len(shared) >= LINK_FEATURES:
            same_words = bool(
                fuzz.token_set_ratio(sentences[i].text, sentences[j].text, score_cutoff=FUZZY_SAME)
            )
        if same_words:
            out.append((max(strength, REUSE_LINK), i, j, shared))
        elif len(shared) >= LINK_FEATURES and strength >= LINK_MIN:
            out.append((strength, i, j, shared))
    out.sort(key=lambda link: (-link[0], link[1], link[2]))
    return out


def _group(
    count: int, links: Sequence[tuple[float, int, int, dict[str, float]]]
) -> dict[int, list[int]]:
    """Average-linkage groups over the links: two groups merge while the mean link strength
    over all their pairs of sentences (0 where unlinked) is at least AVG_MIN, so a chain of
    single links does not pull unrelated stories together. Each group's link indexes."""
    between: dict[int, dict[int, float]] = defaultdict(dict)
    for strength, i, j, _shared in links:
        between[i][j] = between[i].get(j, 0.0) + strength
        between[j][i] = between[j].get(i, 0.0) + strength
    members: dict[int, list[int]] = {i: [i] for i in range(count)}
    alive = [True] * count
    heap = [(-strength, i, j) for strength, i, j, _s in links]
    heapq.heapify(heap)
    while heap:
        negative, a, b = heapq.heappop(heap)
        if not (alive[a] and alive[b]):
            continue
        mean = between[a].get(b, 0.0) / (len(members[a]) * len(members[b]))
        if abs(-negative - mean) > 1e-9:
            continue  # stale: the groups changed since this entry was pushed
        if mean < AVG_MIN or len(members[a]) + len(members[b]) > MAX_GROUP:
            continue
        new = len(alive)
        alive[a] = alive[b] = False
        alive.append(True)
        members[new] = members.pop(a) + members.pop(b)
        merged: dict[int, float] = defaultdict(float)
        for old in (a, b):
            for other, total in between.pop(old).items():
                if other not in (a, b):
                    merged[other] += total
                    del between[other][old]
        between[new] = dict(merged)
        for other, total in merged.items():
            between[other][new] = total
            mean = total / (len(members[new]) * len(members[other]))
            if mean >= AVG_MIN:
                heapq.heappush(heap, (-mean, other, new))
    group_of = {i: g for g, rows in members.items() for i in rows}
    groups: dict[int, list[int]] = defaultdict(list)
    for index, (_s, i, j, _f) in enumerate(links):
        if group_of[i] == group_of[j]:
            groups[group_of[i]].append(index)
    return groups


@dataclass
class _Candidate:
    strength: float
    rows: list[CorpusSentence]
    outlets: tuple[str, ...]
    shared: Counter[str]
    phrase: str
    links: int


def _anchor_stories(
    usable: Sequence[CorpusSentence],
    bags: Sequence[Bag],
    widened: Sequence[Bag],
    idf: Mapping[str, float],
    anchors: Set[str],
    grouped: Sequence[Set[int]],
) -> list[tuple[float, list[int], str]]:
    """Stories two outlets tell with only one rare anchor in common ("a unilateral truce" and
    "the ceasefire"; the same small party named in both): for each anchor in at most
    ANCHOR_MAX_DF of the sentences (or MAX_DF_FLOOR), the sentences that name it, if from
    MIN_OUTLETS outlets and no group is about them already. As (strength: the
    anchor's information over each pair of them from different outlets, sentence indexes,
    anchor), strongest first; a story inside a stronger one is left out."""
    holders: dict[str, list[int]] = defaultdict(list)
    for index, bag in enumerate(bags):
        for feature in bag:
            # A concept's story is split in two: the sentences that look back to an earlier
            # instance of it, and the rest (this week's truce, not last summer's).
            if feature in anchors and feature in idf and feature + EARLIER not in bag:
                holders[feature].append(index)
    rare = max(MAX_DF_FLOOR, ANCHOR_MAX_DF * len(bags))
    group_of = {i: g for g, members in enumerate(grouped) for i in members}
    found: list[tuple[float, list[int], str]] = []
    for feature, members in holders.items():
        outlets = {usable[i].outlet for i in members}
        if len(outlets) < MIN_OUTLETS or len(members) > min(rare, MAX_GROUP):
            continue
        touched = {group_of[i] for i in members if i in group_of}
        if any(_about(grouped[g], members, usable) for g in touched):
            continue  # a group shows it already
        # What each pair from different outlets shares, the anchor and anything else (a
        # concept and its earlier instance; a name and a place), summed as links are.
        strength = sum(
            sum(_common(bags[a], bags[b], idf).values())
            for a, b in itertools.combinations(members, 2)
            if usable[a].outlet != usable[b].outlet
        )
        found.append((strength, members, feature))
    found.sort(key=lambda story: (-story[0], story[2]))
    kept: list[tuple[float, list[int], str]] = []
    for story in found:
        if not any(set(story[1]) <= set(other[1]) for other in kept):
            kept.append(story)
    return kept


def _distinct(spelled: Counter[str]) -> list[str]:
    """Spellings, commonest first, one per word whatever its case ("retreat", not also
    "Retreat")."""
    seen: set[str] = set()
    out = []
    for word, _n in spelled.most_common():
        if word.casefold() not in seen:
            seen.add(word.casefold())
            out.append(word)
    return out


def _about(group: Set[int], members: Sequence[int], usable: Sequence[CorpusSentence]) -> bool:
    """Whether a group already shows `members` from all their outlets, and is mostly them."""
    inside = [i for i in members if i in group]
    outlets = {usable[i].outlet for i in inside}
    return outlets == {usable[i].outlet for i in members} and 2 * len(inside) >= len(group)


def propose_events(
    sentences: Sequence[CorpusSentence],
    actors: Mapping[int, Sequence[tuple[str, int, int]]],
    *,
    limit: int = DEFAULT_LIMIT,
    reused: Mapping[int, Set[int]] | None = None,
    kinds: Mapping[str, str] | None = None,
    lexicon: Lexicon | None = None,
    published: Mapping[int, str | None] | None = None,
) -> list[ProposedEvent]:
    """Candidate events, the most strongly linked first (at most `limit`). `sentences` come in
    file and text order (as `event_queries.body_sentences` gives them: neighbours are context);
    `actors` maps a sentence id to its mentions as (actor, start, end) in file offsets;
    `reused` a sentence id to the reuse clusters it overlaps; `kinds` an actor's name to its
    type (people, parties, militias and organisations are anchors); `lexicon` defaults to
    the shipped conflict-reporting synonyms; `published` a source id to its date ("2008-04-19";
    month and year references are read against it)."""
    lexicon = lexicon or conflict_lexicon()
    anchors = {"@" + name for name, kind in (kinds or {}).items() if kind in ANCHOR_TYPES}
    anchors.update(lexicon.concepts)
    anchors.update(concept + EARLIER for concept in lexicon.concepts)
    usable = [s for s in sentences if len(content_words(s.text)) >= MIN_WORDS]
    dates = {source: published_date(text) for source, text in (published or {}).items()}
    bags, spellings = _features(usable, actors, lexicon, dates)
    idf = _idf(bags)
    widened = _with_context(usable, bags)
    links = _links(usable, bags, widened, idf, reused or {})
    candidates: list[_Candidate] = []
    grouped: list[set[int]] = []
    for indexes in _group(len(usable), links).values():
        members = {k for x in indexes for k in links[x][1:3]}
        rows = sorted((usable[i] for i in members), key=lambda s: (s.outlet, s.file, s.seq))
        outlets = tuple(sorted({s.outlet for s in rows}))
        if len(outlets) < MIN_OUTLETS:
            continue
        grouped.append(members)
        shared: Counter[str] = Counter()
        for x in indexes:
            shared.update(links[x][3])
        # The phrase the group's strongest links share that carries most of what the whole
        # group shares (links are strongest first).
        phrase = max(
            (
                phrase_shared(usable[links[x][1]].text, usable[links[x][2]].text, shared)
                for x in indexes[:PHRASE_LINKS]
            ),
            key=lambda found: found[1],
        )[0]
        strength = sum(links[x][0] for x in indexes)
        candidates.append(_Candidate(strength, rows, outlets, shared, phrase, len(indexes)))
    stories = _anchor_stories(usable, bags, widened, idf, anchors, grouped)
    for strength, holders, anchor in stories:
        rows = sorted((usable[i] for i in holders), key=lambda s: (s.outlet, s.file, s.seq))
        outlets = tuple(sorted({s.outlet for s in rows}))
        # A concept's label is the words each outlet used for it ("truce / ceasefire").
        phrase = (
            ""
            if anchor.startswith("@")
            else " / ".join(_distinct(spellings[anchor])[:PHRASE_SPELLINGS])
        )
        if anchor.endswith(EARLIER):
            phrase = f"an earlier {phrase}"
        pairs = sum(1 for a, b in itertools.combinations(rows, 2) if a.outlet != b.outlet)
        candidates.append(
            _Candidate(strength, rows, outlets, Counter({anchor: strength}), phrase, pairs)
        )
    candidates.sort(key=lambda c: (-c.strength, -len(c.outlets), c.rows[0].id))
    used: set[str] = set()
    proposals: list[ProposedEvent] = []
    for c in candidates[:limit]:
        label, key, terms, names = describe(c.shared, c.phrase, spellings)
        key = "proposed_" + key
        while key in used:
            key += "_"
        used.add(key)
        proposals.append(
            ProposedEvent(
                key=key,
                label=label,
                terms=terms,
                actors=names,
                outlets=c.outlets,
                sentences=tuple(c.rows),
                cohesion=round(c.strength, 2),
                links=c.links,
            )
        )
    return proposals
