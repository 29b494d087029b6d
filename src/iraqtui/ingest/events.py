"""Assign sentences to catalogued events, each with a score and the evidence behind it.

Evidence for sentence S and event E (weights are the constants below, chosen on the seeds):
  - terms: each of E's terms found in S, matched on Porter stems word by word, counts
    TERM_WEIGHT (MULTIWORD_WEIGHT for a term written as two or more words: "cease-fire" is
    one word, as "ceasefire" is), divided by the number of events that list the same term.
    Where matches overlap in S, the longest wins, so "unilateral truce" (one event) silences
    the "truce" inside it (another event). A term that opens with "not" or "no" is negated:
    the rest of it matches where one of NEGATORS stands among the NEGATION_WINDOW words
    before it, so "not resist" finds "did not resist", "didn't resist", "offered no
    resistance" and "Neither denounces or resists" (and counts as a multi-word term), never
    a bare "resists".
  - actors: each of E's actors the actor stage found in S adds ACTOR_WEIGHT, at most ACTOR_CAP.
  - phrases: the best rapidfuzz partial ratio between S and one of E's phrases, from
    PHRASE_FLOOR (adds 0) to 100 (adds PHRASE_WEIGHT). It is only looked for as high as could
    change whether S is assigned (`_phrase_cutoff`; a sentence not assigned shows no
    evidence), which lets `event_phrases` rule most pairs out without rapidfuzz.
S is assigned to E when the total reaches ASSIGN_AT and at least TEXT_EVIDENCE_MIN of it is
term or phrase evidence (actors alone never assign). A sentence that names E more weakly
(one single-word term: TOPIC_AT) joins it where its surroundings are about E:
  - topic:paragraph: its paragraph holds a sentence assigned to E (and S's own total reaches
    TOPIC_AT, TEXT_EVIDENCE_MIN of it text).
  - topic:title / topic:article: the article is about E, because its title names E (text
    evidence reaching TOPIC_AT) or TOPIC_SENTENCES different sentences of it are assigned to
    E; then S joins if its own text evidence reaches TOPIC_AT (a phrase is looked for only in
    a sentence with other evidence of E: in every one it cost 15% more CPU). The same sentence in an
    article about something else stays out: there one word is weak evidence.
  A sentence that only joins, and would join both an event the article is about and one it
  is not, joins the article's ("The agreement is the second cease-fire" in an article about
  the agreement, beside a sentence about the first cease-fire).
  - context: a sentence that opens by pointing back ("It", "They", "Those reports" ...) takes
    the events of the assigned sentence just before it in its paragraph, and a line ending in
    a colon takes the events of the sentence it introduces; both at CONTEXT_FACTOR of the
    score. A sentence that names an event itself keeps to it: it takes nothing from the
    sentence after it ("... the barrier was 'an act of siege'. He said the movement remained
    committed to the ceasefire ..."). "There is/will be" points at nothing. Context lends
    only the events a sentence reaches ASSIGN_AT for by itself, and never chains.
Sentences with fewer than MIN_CONTENT_WORDS non-stopwords ("We'll see.") are never assigned.
The score is 1 - exp(-total / 2): 0.53 at ASSIGN_AT, 0.78 at 3.0, 0.92 at 5.0.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import utils

from iraqtui.ingest.catalogue import STOPWORDS, Catalogue, stems, words
from iraqtui.ingest.event_phrases import PhraseIndex, SentencePhrases
from iraqtui.models import Document, EventPassage, Mention, Sentence, SentenceVoice

TERM_WEIGHT = 1.0
MULTIWORD_WEIGHT = 1.5
ACTOR_WEIGHT = 0.4
ACTOR_CAP = 0.8
PHRASE_FLOOR = 70.0
PHRASE_WEIGHT = 1.5
PHRASE_SHARED_STEMS = 2
ASSIGN_AT = 1.5
TEXT_EVIDENCE_MIN = 0.5
TOPIC_AT = 1.0
CONTEXT_FACTOR = 0.5
MIN_CONTENT_WORDS = 2
NEGATION_OPENERS = frozenset(["not", "no"])  # a catalogue term opening with one is negated
NEGATORS = frozenset(
    "not no never neither nor none nobody nothing without didnt dont doesnt wont cant cannot "
    "couldnt wouldnt shouldnt isnt arent wasnt werent hasnt havent hadnt".split()
)
NEGATION_WINDOW = 3
# A sentence "points back" when its first word is one of these, or one of PRONOUNS stands
# among its first POINTING_WINDOW words ("Nobody quite knows why, or whether it's ...").
POINTING_BACK = frozenset(
    "it its this that these those they them their he him his she her such there both "
    "neither each".split()
)
PRONOUNS = frozenset(["it", "they", "them", "this", "these", "those", "he", "him", "she", "such"])
POINTING_WINDOW = 7
# "There" followed by one of these is existential ("There will be no talks"), not a place.
EXISTENTIAL = frozenset(
    "is are was were be been will would could may might must should can has have had seems "
    "seem seemed appears appear remains remain".split()
)
# An article with this many different sentences assigned to an event (a repeated sentence
# counts once) is about it, as is one whose title names it: see `_article_topics`.
TOPIC_SENTENCES = 2
# Keeps a phrase cutoff strictly below the exact threshold, so float rounding in the sums
# can never drop a ratio that would have assigned a sentence.
_CUTOFF_SLACK = 1e-6


@dataclass(frozen=True)
class _Term:
    text: str
    stems: tuple[str, ...]
    weight: float
    events: tuple[int, ...]
    negated: bool = False


@dataclass(frozen=True, eq=False)  # hashed by identity: a key of the sentence cache
class _Compiled:
    keys: tuple[str, ...]
    by_first_stem: dict[str, tuple[_Term, ...]]
    phrases: PhraseIndex
    phrase_events: dict[str, tuple[int, ...]]  # content stem of a phrase -> events
    actor_events: dict[str, tuple[int, ...]]  # casefolded canonical name -> events
    actor_names: dict[str, str]  # casefolded -> canonical, for evidence a reader can read
    negator_stems: frozenset[str]
    first_stems: frozenset[str]  # keys of by_first_stem: most sentences share none
    phrase_stems: frozenset[str]  # keys of phrase_events


@dataclass
class _Evidence:
    terms: float = 0.0
    actors: float = 0.0
    phrase: float = 0.0
    # What the items say, kept raw: most evidence never reaches an assignment.
    term_texts: list[str] = field(default_factory=list)
    actor_keys: list[str] = field(default_factory=list)  # casefolded, sorted
    phrase_item: str = ""

    def items(self, actor_names: dict[str, str]) -> list[str]:
        """The evidence as stored: terms, then actors, then the phrase."""
        found = [f"term:{t}" for t in self.term_texts]
        found.extend(f"actor:{actor_names.get(a, a)}" for a in self.actor_keys)
        if self.phrase_item:
            found.append(self.phrase_item)
        return found

    @property
    def total(self) -> float:
        return self.terms + self.actors + self.phrase

    @property
    def text(self) -> float:
        return self.terms + self.phrase


@lru_cache(maxsize=8)
def _compile(catalogue: Catalogue) -> _Compiled:
    owners: dict[tuple[bool, tuple[str, ...]], list[int]] = defaultdict(list)
    spelling: dict[tuple[bool, tuple[str, ...]], str] = {}
    spaced: set[tuple[bool, tuple[str, ...]]] = set()  # written as two or more words
    for index, event in enumerate(catalogue.events):
        for term in event.terms:
            tokens = words(term)
            negated = len(tokens) > 1 and tokens[0] in NEGATION_OPENERS
            owner = (negated, tuple(stems(tokens[1:] if negated else tokens)))
            if owner[1] and index not in owners[owner]:
                owners[owner].append(index)
                spelling.setdefault(owner, term)
            if len(term.split()) > 1:
                spaced.add(owner)
    first: dict[str, list[_Term]] = defaultdict(list)
    for (negated, key), events in owners.items():
        # "cease-fire" is one word, as "ceasefire" is: only a space makes a term multi-word.
        base = MULTIWORD_WEIGHT if (negated, key) in spaced else TERM_WEIGHT
        weight = base / len(events)
        first[key[0]].append(_Term(spelling[(negated, key)], key, weight, tuple(events), negated))
    phrase_events: dict[str, set[int]] = defaultdict(set)
    actor_events: dict[str, set[int]] = defaultdict(set)
    for index, event in enumerate(catalogue.events):
        for phrase in event.phrases:
            for stem in _content_stems(words(phrase)):
                phrase_events[stem].add(index)
        for actor in event.actors:
            actor_events[actor.casefold()].add(index)
    return _Compiled(
        keys=tuple(e.key for e in catalogue.events),
        phrase_events={k: tuple(sorted(v)) for k, v in phrase_events.items()},
        actor_events={k: tuple(sorted(v)) for k, v in actor_events.items()},
        by_first_stem={k: tuple(v) for k, v in first.items()},
        phrases=PhraseIndex([e.phrases for e in catalogue.events]),
        actor_names={a.casefold(): a for e in catalogue.events for a in e.actors},
        negator_stems=frozenset(stems(sorted(NEGATORS))),
        first_stems=frozenset(first),
        phrase_stems=frozenset(phrase_events),
    )


def _content_stems(tokens: list[str]) -> set[str]:
    return set(stems([t for t in tokens if t not in STOPWORDS]))


def _term_matches(compiled: _Compiled, sentence_stems: list[str]) -> list[tuple[int, int, _Term]]:
    """Every term occurrence as (first word, past-last word, term), longest-wins applied."""
    opening = compiled.first_stems.intersection(sentence_stems)
    if not opening:
        return []  # the common case: no term starts anywhere in the sentence
    found: list[tuple[int, int, _Term]] = []
    for i, stem in enumerate(sentence_stems):
        if stem not in opening:
            continue
        for term in compiled.by_first_stem[stem]:
            n = len(term.stems)
            if tuple(sentence_stems[i : i + n]) != term.stems:
                continue
            before = sentence_stems[max(0, i - NEGATION_WINDOW) : i]
            if not term.negated or compiled.negator_stems.intersection(before):
                found.append((i, i + n, term))
    if len(found) < 2:
        return found
    found.sort(key=lambda m: m[0] - m[1])  # longest first
    kept: list[tuple[int, int, _Term]] = []
    taken: dict[int, int] = {}  # word index -> length of the match that holds it
    for start, end, term in found:
        length = end - start
        if all(taken.get(i, length) == length for i in range(start, end)):
            kept.append((start, end, term))
            for i in range(start, end):
                taken[i] = length
    return kept


@dataclass(frozen=True)
class _Facts:
    """What one sentence's text says, whoever names whom in it: shared by every copy of the
    sentence (wire copy, a repeated quote), so each is worked out once."""

    tokens: tuple[str, ...]
    phrases: SentencePhrases | None  # None: too few content words to be assigned
    terms: tuple[tuple[int, float, tuple[str, ...]], ...]  # event, term weight, term texts
    phrase_events: frozenset[int]  # events sharing PHRASE_SHARED_STEMS with their phrases


@lru_cache(maxsize=2048)
def _facts(compiled: _Compiled, sentence: str) -> _Facts:
    """The `_Facts` of a sentence's text (cached per worker: 2,048 sentences hold ~9 MB and
    catch nine in ten of the repeats that 4,096 would, on the 10k bench corpus)."""
    tokens = tuple(words(sentence))
    content = len(tokens) - sum(map(STOPWORDS.__contains__, tokens))
    if content < MIN_CONTENT_WORDS:
        return _Facts(tokens, None, (), frozenset())
    sentence_stems = stems(list(tokens))
    weights: dict[int, float] = {}
    texts: dict[int, list[str]] = {}
    seen: set[str] = set()  # a term's text names it, and it counts once per sentence
    for _start, _end, term in _term_matches(compiled, sentence_stems):
        if term.text in seen:
            continue
        seen.add(term.text)
        for event in term.events:
            weights[event] = weights.get(event, 0.0) + term.weight
            texts.setdefault(event, []).append(term.text)
    shared: dict[int, int] = {}
    in_phrases = compiled.phrase_stems.intersection(sentence_stems)
    if len(in_phrases) >= PHRASE_SHARED_STEMS:
        for stem in in_phrases:
            for event in compiled.phrase_events[stem]:
                shared[event] = shared.get(event, 0) + 1
    return _Facts(
        tokens=tokens,
        phrases=SentencePhrases(compiled.phrases, utils.default_process(sentence)),
        terms=tuple((e, w, tuple(texts[e])) for e, w in weights.items()),
        phrase_events=frozenset(e for e, n in shared.items() if n >= PHRASE_SHARED_STEMS),
    )


def _evidence(
    compiled: _Compiled, facts: _Facts, phrases: SentencePhrases, actors: set[str]
) -> tuple[dict[int, _Evidence], dict[int, float]]:
    """Evidence for each event with any, for one sentence, and the events whose phrase score
    was only ruled out below a cutoff (see `_phrase_cutoff`), with that cutoff."""
    out = {event: _Evidence(terms, 0.0, 0.0, list(texts)) for event, terms, texts in facts.terms}
    if actors:
        named: dict[int, list[str]] = defaultdict(list)
        for actor in sorted(actors):
            for event in compiled.actor_events.get(actor, ()):
                named[event].append(actor)
        for event, hits in named.items():
            ev = out.get(event)
            if ev is None:
                ev = out[event] = _Evidence()
            ev.actors = min(ACTOR_CAP, ACTOR_WEIGHT * len(hits))
            ev.actor_keys = hits
    # Fuzzy phrase scores are the costly part: only for events with other evidence or with
    # PHRASE_SHARED_STEMS words in common with one of their phrases, and only as high as
    # could make the sentence an event's own.
    unsure: dict[int, float] = {}
    for event in facts.phrase_events.union(out):
        known = out.get(event)
        cutoff = _phrase_cutoff(known, ASSIGN_AT) if known is not None else _PHRASE_ONLY_CUTOFF
        if not _add_phrase(phrases, out, event, cutoff) and cutoff > PHRASE_FLOOR:
            unsure[event] = cutoff
    return out, unsure


def _phrase_cutoff(ev: _Evidence | None, at: float, text_at: float = TEXT_EVIDENCE_MIN) -> float:
    """The lowest phrase ratio that could lift `ev` to a total of `at` with `text_at` of
    text evidence; a lower ratio cannot change whether the sentence is assigned, and a
    sentence not assigned shows no evidence, so it need not be known."""
    terms = ev.terms if ev is not None else 0.0
    actors = ev.actors if ev is not None else 0.0
    shortfall = max(at - terms - actors, text_at - terms)
    needed = PHRASE_FLOOR + shortfall * (100.0 - PHRASE_FLOOR) / PHRASE_WEIGHT
    return max(PHRASE_FLOOR, needed - _CUTOFF_SLACK)


_PHRASE_ONLY_CUTOFF = _phrase_cutoff(None, ASSIGN_AT)


def _add_phrase(
    phrases: SentencePhrases, out: dict[int, _Evidence], event: int, cutoff: float
) -> bool:
    """Add `event`'s phrase evidence if its best phrase reaches `cutoff`; whether it did."""
    if cutoff > 100.0:
        return False
    found = phrases.best(event, cutoff, PHRASE_FLOOR)
    if found is None:
        return False
    best, phrase = found
    ev = out.setdefault(event, _Evidence())
    ev.phrase = PHRASE_WEIGHT * (best - PHRASE_FLOOR) / (100.0 - PHRASE_FLOOR)
    ev.phrase_item = f"phrase:{phrase} ({best:.0f})"
    return True


def score_of(total: float) -> float:
    """Map an evidence total to 0..1 (see the module docstring)."""
    return round(1.0 - math.exp(-total / 2.0), 3)


def _opens_pointing(sentence_words: tuple[str, ...]) -> bool:
    """Opens with a word pointing back; "There is/will be ..." points at nothing."""
    if not sentence_words or sentence_words[0] not in POINTING_BACK:
        return False
    following = sentence_words[1] if len(sentence_words) > 1 else ""
    return sentence_words[0] != "there" or following not in EXISTENTIAL


def _points_back(sentence_words: tuple[str, ...]) -> bool:
    """Opens pointing back, or has a pronoun among its first POINTING_WINDOW words."""
    return _opens_pointing(sentence_words) or any(
        w in PRONOUNS for w in sentence_words[1:POINTING_WINDOW]
    )


def assign_events(
    doc: Document,
    mentions: list[Mention],
    voices: list[SentenceVoice],
    catalogue: Catalogue,
    title: str | None = None,
) -> list[EventPassage]:
    """Zero or more events for each body sentence of `doc`, with score and evidence; `title`
    (the source's title, given or inferred) helps say which events the article is about."""
    del voices  # whose words a sentence is does not change what it is about
    if not catalogue.events:
        return []
    compiled = _compile(catalogue)
    actors_in: dict[int, set[str]] = defaultdict(set)
    for mention in mentions:
        actors_in[mention.sentence_seq].add(mention.actor.casefold())
    text = doc.text
    tokens: dict[int, tuple[str, ...]] = {}
    substantive: list[Sentence] = []
    evidence: dict[int, dict[int, _Evidence]] = {}
    unsure: dict[int, dict[int, float]] = {}
    phrases: dict[int, SentencePhrases] = {}
    for s in doc.sentences:
        if s.boilerplate:
            continue
        facts = _facts(compiled, text[s.start : s.end])
        tokens[s.seq] = facts.tokens
        if facts.phrases is None:
            continue
        substantive.append(s)
        phrases[s.seq] = facts.phrases
        evidence[s.seq], unsure[s.seq] = _evidence(
            compiled, facts, facts.phrases, actors_in.get(s.seq, set())
        )
    assigned: dict[tuple[int, int], tuple[float, list[str]]] = {}  # (seq, event) -> total, items
    for s in substantive:
        for event, ev in evidence[s.seq].items():
            if ev.total >= ASSIGN_AT and ev.text >= TEXT_EVIDENCE_MIN:
                assigned[(s.seq, event)] = (ev.total, ev.items(compiled.actor_names))
    strict = dict(assigned)
    paragraph_of = {s.seq: s.paragraph_seq for s in substantive}
    events_in_paragraph: dict[int, set[int]] = defaultdict(set)
    for seq, event in strict:
        events_in_paragraph[paragraph_of[seq]].add(event)
    topics = _article_topics(compiled, tokens, strict, title)
    for s in substantive:
        here = events_in_paragraph[s.paragraph_seq]
        ev_of, unsure_of = evidence[s.seq], unsure[s.seq]
        # Joining an event of the paragraph or the article takes less evidence: look again,
        # lower, for a phrase that could make the difference (only where it could: as for
        # assigning, a sentence that joins on its terms is not searched for phrases).
        for event in here.union(topics).intersection(unsure_of):
            at, text_at = (TOPIC_AT, TEXT_EVIDENCE_MIN) if event in here else (0.0, TOPIC_AT)
            known = ev_of.get(event)
            if event not in here and known is None:
                continue  # nothing of the article's event here: no costly phrase search
            if known is not None and known.total >= at and known.text >= text_at:
                continue
            lower = _phrase_cutoff(known, at, text_at)
            if lower < unsure_of[event]:
                _add_phrase(phrases[s.seq], ev_of, event, lower)
        joined: dict[int, str] = {}
        for event, ev in ev_of.items():
            if (s.seq, event) in strict:
                continue
            if event in here and ev.total >= TOPIC_AT and ev.text >= TEXT_EVIDENCE_MIN:
                joined[event] = "topic:paragraph"
            elif event in topics and ev.text >= TOPIC_AT:
                joined[event] = topics[event]
        if any(e in topics for e in joined) and not any((s.seq, e) in strict for e in ev_of):
            # A sentence that only joins, naming the article's event and another one, is
            # about the article's: "The agreement is the second cease-fire ..." in an article
            # about the agreement, beside a sentence about the first cease-fire.
            joined = {e: why for e, why in joined.items() if e in topics}
        for event, why in joined.items():
            items = ev_of[event].items(compiled.actor_names)
            assigned[(s.seq, event)] = (ev_of[event].total, [*items, why])
    # A sentence naming an event itself is about what it names, whatever follows it.
    names_one = {seq for seq, _event in assigned}
    names_one.update(
        s.seq for s in substantive if any(ev.text >= TOPIC_AT for ev in evidence[s.seq].values())
    )
    _context(doc, substantive, tokens, strict, names_one, assigned)
    by_seq = {s.seq: s for s in substantive}
    return [
        EventPassage(
            event_key=compiled.keys[event],
            sentence_seq=seq,
            start=by_seq[seq].start,
            end=by_seq[seq].end,
            score=score_of(total),
            evidence=tuple(items),
        )
        for (seq, event), (total, items) in sorted(assigned.items())
    ]


def _article_topics(
    compiled: _Compiled,
    tokens: dict[int, tuple[str, ...]],
    strict: dict[tuple[int, int], tuple[float, list[str]]],
    title: str | None,
) -> dict[int, str]:
    """The events the article is about, each with the evidence item that says why: those its
    title names, and those assigned to TOPIC_SENTENCES different sentences of it by their own
    evidence (a sentence repeated, as a pasted quote often is, counts once)."""
    assigned: dict[int, set[tuple[str, ...]]] = defaultdict(set)
    for seq, event in strict:
        assigned[event].add(tokens[seq])
    topics = {
        event: f"topic:article ({len(named)} sentences assigned)"
        for event, named in assigned.items()
        if len(named) >= TOPIC_SENTENCES
    }
    if title:
        facts = _facts(compiled, title)
        if facts.phrases is not None:
            found, unsure = _evidence(compiled, facts, facts.phrases, set())
            for event, cutoff in unsure.items():
                lower = _phrase_cutoff(found.get(event), 0.0, TOPIC_AT)
                if lower < cutoff:
                    _add_phrase(facts.phrases, found, event, lower)
            topics.update((e, "topic:title") for e, ev in found.items() if ev.text >= TOPIC_AT)
    return topics


def _context(
    doc: Document,
    substantive: list[Sentence],
    tokens: dict[int, tuple[str, ...]],
    strict: dict[tuple[int, int], tuple[float, list[str]]],
    names_one: set[int],
    assigned: dict[tuple[int, int], tuple[float, list[str]]],
) -> None:
    """A sentence that points back shares the events of the one before it (and that one, if
    it names no event itself, the events of the sentence pointing back at it); a line ending
    in a colon takes the events of the sentence it introduces."""
    strict_events: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for (seq, event), (total, _items) in strict.items():
        strict_events[seq].append((event, total))

    def inherit(seq: int, source: int, why: str) -> None:
        for event, total in strict_events.get(source, ()):
            assigned.setdefault((seq, event), (CONTEXT_FACTOR * total, [f"context:{why}"]))

    for before, after in itertools.pairwise(substantive):
        if after.paragraph_seq == before.paragraph_seq and _points_back(tokens[after.seq]):
            # "They ..." carries on the subject of the sentence before it; the sentence before
            # holds what "They" means, so it shares the events of "They ..." unless it names
            # an event of its own: "... told Gulf Wire that the barrier was 'an act of siege'.
            # He said the movement remained committed to the ceasefire" is about the barrier.
            inherit(after.seq, before.seq, "previous sentence")
            # Only a sentence that opens by pointing back lends its events to the one before:
            # in "Meanwhile the Mahdi Army says it will fight", "it" is the Mahdi Army.
            if _opens_pointing(tokens[after.seq]) and before.seq not in names_one:
                inherit(before.seq, after.seq, "next sentence points back")
        if doc.sentence_text(before).rstrip().endswith(":") and before.seq not in strict_events:
            inherit(before.seq, after.seq, "introduces next")
