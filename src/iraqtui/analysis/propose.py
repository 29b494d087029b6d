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
group's most telling names and the phrase (at most PHRASE_WORDS words) its strongest links
share word for word, else its most telling shared words.

Lexical: two outlets that tell the same thing in entirely different words ("a unilateral
truce" and "the ceasefire") are not grouped.
"""

from __future__ import annotations

import difflib
import heapq
import itertools
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass

from rapidfuzz import fuzz

from iraqtui.analysis.keyness import content_words
from iraqtui.ingest.catalogue import STOPWORDS, stems, word_spans
from iraqtui.models import CorpusSentence

MIN_WORDS = 4
MAX_DF = 0.2
MAX_DF_FLOOR = 6  # in a small corpus a story's own words fill more than MAX_DF of it
PAIR_DF = 30  # a feature in more sentences than this does not propose pairs (speed)
ACTOR_WEIGHT = 1.0
BIGRAM_WEIGHT = 0.5
LINK_FEATURES = 2
LINK_MIN = 5.0
CONTEXT_WEIGHT = 0.5
REUSE_LINK = 12.0
FUZZY_SAME = 90.0
MAX_GROUP = 14
AVG_MIN = 2.0
DEFAULT_LIMIT = 25
MIN_OUTLETS = 2
PHRASE_WORDS = 6
PHRASE_LINKS = 5


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
    sentences: Sequence[CorpusSentence], actors: Mapping[int, Sequence[tuple[str, int, int]]]
) -> tuple[list[Bag], dict[str, Counter[str]]]:
    """Each sentence's features with their weights, and the spellings seen for each stem."""
    bags: list[Bag] = []
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for s in sentences:
        spans = [(a - s.start, b - s.start) for _n, a, b in actors.get(s.id, ())]
        words = [w for w, a, _b in content_words(s.text) if not any(x <= a < y for x, y in spans)]
        stemmed = stems(words)
        bag: Bag = {}
        for first, second in itertools.pairwise(stemmed):
            bag[f"{first} {second}"] = BIGRAM_WEIGHT
        for word, stem in zip(words, stemmed, strict=True):
            bag[stem] = 1.0
            spellings[stem][word] += 1
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


def _phrase(a: str, b: str, worth_of: Mapping[str, float]) -> tuple[str, float]:
    """The most telling run of at most PHRASE_WORDS words that the two texts share word for
    word, with two or more content words, as `a` spells it ("war until liberation", "fallen
    in Iranian eyes"), and its worth (the sum of `worth_of` its content words' stems); ("", 0)
    when they share none."""
    wa, wb = word_spans(a), word_spans(b)
    matcher = difflib.SequenceMatcher(None, [w for w, *_ in wa], [w for w, *_ in wb], False)
    stem_of = dict(zip([w for w, *_ in wa], stems([w for w, *_ in wa]), strict=True))
    best, best_worth = "", 0.0
    for block in matcher.get_matching_blocks():
        run = wa[block.a : block.a + block.size]
        for i in range(len(run)):
            for j in range(i + 2, min(len(run), i + PHRASE_WORDS) + 1):
                window = run[i:j]
                if window[0][0] in STOPWORDS or window[-1][0] in STOPWORDS:
                    continue
                content = [w for w, *_ in window if _is_content(w)]
                worth = sum(worth_of.get(stem_of[w], 0.0) for w in content)
                if len(content) >= 2 and worth > best_worth:
                    best, best_worth = " ".join(a[window[0][1] : window[-1][2]].split()), worth
    return best, best_worth


def _is_content(word: str) -> bool:
    return word not in STOPWORDS and len(word) > 1 and not word.isdigit()


def _describe(
    shared: Counter[str], phrase: str, spellings: Mapping[str, Counter[str]]
) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
    """Label, key, terms and actors of a group from the information each shared feature
    carries over its links and the phrase its strongest link shares."""
    # An actor named all over the corpus ("Iraq") links little; keep the names that carry
    # at least a third of what the best one does.
    named = [(f[1:], v) for f, v in shared.most_common() if f.startswith("@")]
    names = [n for n, v in named if v >= named[0][1] / 3][:3]
    terms: list[str] = []
    for feature, _v in shared.most_common():
        if len(terms) == 4:
            break
        # A stem inside a chosen bigram, or a bigram around a chosen stem, adds nothing.
        if not feature.startswith("@") and not any(
            feature in t.split() or t in feature.split() for t in terms
        ):
            terms.append(feature)
    words = [_spell(f, spellings) for f in terms]
    if phrase.casefold() in {n.casefold() for n in names}:
        phrase = ""  # the name is in the label already
    label = "; ".join(p for p in (", ".join(names[:2]), phrase or ", ".join(words[:3])) if p)
    key_words = [w for w in phrase.split() if _is_content(w.casefold())][:3] or words[:2]
    return label or ", ".join(words), _slug([*names[:1], *key_words]), tuple(words), tuple(names)


def _spell(feature: str, spellings: Mapping[str, Counter[str]]) -> str:
    """A feature as words: the commonest spelling of each stem, the name of an actor."""
    if feature.startswith("@"):
        return feature[1:]
    return " ".join(
        spellings[p].most_common(1)[0][0] if p in spellings else p for p in feature.split()
    )


def _slug(words: Sequence[str]) -> str:
    plain = unicodedata.normalize("NFKD", "_".join(words).casefold())  # "á" -> "a" + accent
    slug = re.sub(r"[^a-z0-9]+", "_", plain.encode("ascii", "ignore").decode()).strip("_")
    if len(slug) > 40:
        slug = slug[:41].rsplit("_", 1)[0]
    return slug or "event"


def propose_events(
    sentences: Sequence[CorpusSentence],
    actors: Mapping[int, Sequence[tuple[str, int, int]]],
    *,
    limit: int = DEFAULT_LIMIT,
    reused: Mapping[int, Set[int]] | None = None,
) -> list[ProposedEvent]:
    """Candidate events, the most strongly linked first (at most `limit`). `sentences` come in
    file and text order (as `event_queries.body_sentences` gives them: neighbours are context);
    `actors` maps a sentence id to its mentions as (actor, start, end) in file offsets;
    `reused` a sentence id to the reuse clusters it overlaps."""
    usable = [s for s in sentences if len(content_words(s.text)) >= MIN_WORDS]
    bags, spellings = _features(usable, actors)
    idf = _idf(bags)
    links = _links(usable, bags, _with_context(usable, bags), idf, reused or {})
    groups: list[tuple[float, list[int], list[CorpusSentence], tuple[str, ...]]] = []
    for indexes in _group(len(usable), links).values():
        members = {k for x in indexes for k in links[x][1:3]}
        rows = sorted((usable[i] for i in members), key=lambda s: (s.outlet, s.file, s.seq))
        outlets = tuple(sorted({s.outlet for s in rows}))
        if len(outlets) >= MIN_OUTLETS:
            groups.append((sum(links[x][0] for x in indexes), indexes, rows, outlets))
    groups.sort(key=lambda g: (-g[0], -len(g[3]), g[2][0].id))
    used: set[str] = set()
    proposals: list[ProposedEvent] = []
    for strength, indexes, rows, outlets in groups[:limit]:
        shared: Counter[str] = Counter()
        for x in indexes:
            shared.update(links[x][3])
        # The phrase the group's strongest links share that carries most of what the whole
        # group shares (links are strongest first).
        phrase = max(
            (
                _phrase(usable[links[x][1]].text, usable[links[x][2]].text, shared)
                for x in indexes[:PHRASE_LINKS]
            ),
            key=lambda found: found[1],
        )[0]
        label, key, terms, names = _describe(shared, phrase, spellings)
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
                outlets=outlets,
                sentences=tuple(rows),
                cohesion=round(strength, 2),
                links=len(indexes),
            )
        )
    return proposals
