"""How each outlet characterises one event or one actor: the function the CLI and the app call.

Per outlet: its own-voice sentences; the material it quotes, labelled with speaker and cited
outlet; the evaluative words it uses and its tone (own voice only, words inside actor names
left out, see `tone`); the terms that set it apart from the other outlets compared
(`keyness`: own-voice sentences for an event, the words around each mention for an actor);
the actors it names. Every figure carries the number of sentences or words it rests on.
"""

from __future__ import annotations

import sqlite3
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from iraqtui.analysis.keyness import (
    DEFAULT_ALPHA0,
    KeyTerm,
    PriorInfo,
    content_words,
    distinctive_terms,
    informative_prior,
)
from iraqtui.analysis.tone import LEXICON, Evaluative, Tone, evaluative_words, tone_of
from iraqtui.errors import UnknownName
from iraqtui.ingest.catalogue import stems
from iraqtui.models import CorpusSentence, SentenceQuote
from iraqtui.store import event_queries as eq

# For an actor, the words within this many content words of a mention are its context.
ACTOR_WINDOW = 5
FUZZY_ACCEPT = 88.0


@dataclass(frozen=True)
class Target:
    """What is compared: an event (by key) or an actor (by canonical name)."""

    kind: str  # event | actor
    key: str
    label: str


@dataclass(frozen=True)
class ComparedSentence:
    """A sentence in a column, with its quote labels and evaluative words."""

    sentence: CorpusSentence
    speakers: tuple[str, ...]
    cited_outlets: tuple[str, ...]
    evaluative: tuple[Evaluative, ...]  # offsets into sentence.text

    @property
    def label(self) -> str:
        """ "own", or "quoted"/"speech" with who said it and who reported it."""
        s = self.sentence
        if s.voice == "own" and not self.speakers:
            return "own"
        parts = [s.voice]
        if self.speakers:
            parts.append(", ".join(self.speakers))
        if self.cited_outlets:
            parts.append(f"via {', '.join(self.cited_outlets)}")
        return ": ".join(parts[:2]) + (f" ({parts[2]})" if len(parts) > 2 else "")


@dataclass(frozen=True)
class OutletColumn:
    """One outlet's characterisation."""

    outlet: str
    files: tuple[str, ...]
    own: tuple[ComparedSentence, ...]
    quoted: tuple[ComparedSentence, ...]
    tone: Tone  # over `own` only
    evaluative: tuple[tuple[str, float, int], ...]  # word, valence, count in own voice
    terms: tuple[KeyTerm, ...]
    term_words: int  # content words the terms were counted over
    actors: tuple[tuple[str, int, int], ...]  # name, mentions, mentions in own voice


@dataclass(frozen=True)
class Comparison:
    target: Target
    columns: tuple[OutletColumn, ...]
    prior: PriorInfo
    tone_method: str
    terms_method: str
    seconds: float


def resolve_target(conn: sqlite3.Connection, name: str) -> Target:
    """An event (key or label) or actor (name or alias), exactly or by a clear fuzzy match;
    otherwise UnknownName listing the closest."""
    events = eq.event_names(conn)
    actors = eq.actor_names(conn)
    folded = name.casefold().strip()
    for key, label in events:
        if folded in (key.casefold(), label.casefold()):
            return Target("event", key, label)
    for alias, canonical in actors.items():
        if folded == alias.casefold():
            return Target("actor", canonical, canonical)
    choices: dict[str, Target] = {}
    for key, label in events:
        target = Target("event", key, label)
        choices[key] = target
        choices[label] = target
    for alias, canonical in actors.items():
        choices.setdefault(alias, Target("actor", canonical, canonical))
    ranked = process.extract(
        name, list(choices), scorer=fuzz.WRatio, processor=utils.default_process, limit=12
    )
    best: list[tuple[Target, float]] = []
    covers: list[bool] = []  # whether the best-scoring name of each target is as long as `name`
    for choice, score, _index in ranked:
        target = choices[str(choice)]
        if all(target != t for t, _ in best):
            best.append((target, float(score)))
            covers.append(
                len(utils.default_process(str(choice))) >= len(utils.default_process(name))
            )
    if best and best[0][1] >= FUZZY_ACCEPT and (len(best) == 1 or best[0][1] - best[1][1] >= 5):
        return best[0][0]
    # WRatio scores a short name found inside the query ("Qom" in "qom talks") as high as the
    # name the query abbreviates or misspells; of the near-equal ones, take the only one that
    # covers the whole query.
    near = [
        i for i, (_t, score) in enumerate(best) if score >= FUZZY_ACCEPT and score >= best[0][1] - 5
    ]
    whole = [i for i in near if covers[i]]
    if len(whole) == 1:
        return best[whole[0]][0]
    closest = ", ".join(f"{t.key!r} ({t.kind})" for t, _ in best[:5]) or "none"
    raise UnknownName(f"no event or actor named {name!r}; closest: {closest}")


def characterise(
    conn: sqlite3.Connection,
    target: Target | str,
    outlets: Sequence[str] | None = None,
    *,
    top_terms: int = 10,
    alpha0: float = DEFAULT_ALPHA0,
    quoted_terms: bool = False,
) -> Comparison:
    """Compare how each outlet (or only `outlets`, exact names) treats the event or actor.
    Distinctive terms are counted on own-voice sentences, or on every sentence with
    `quoted_terms` (the words an outlet chose to quote count too); tone is own voice only."""
    started = time.perf_counter()
    if isinstance(target, str):
        target = resolve_target(conn, target)
    if target.kind == "event":
        ids = eq.event_sentence_ids(conn, target.key)
    else:
        ids = eq.actor_sentence_ids(conn, target.key)
    sentences = eq.sentences_by_id(conn, ids)
    if outlets:
        wanted = set(outlets)
        sentences = [s for s in sentences if s.outlet in wanted]
    ids = [s.id for s in sentences]
    quotes = eq.quotes_in(conn, ids)
    mentions = eq.mentions_in(conn, ids)
    by_outlet: dict[str, list[CorpusSentence]] = defaultdict(list)
    for s in sentences:
        by_outlet[s.outlet].append(s)

    groups: dict[str, Counter[str]] = {}
    spellings: dict[str, Counter[str]] = {}
    for outlet, rows in by_outlet.items():
        groups[outlet] = _term_counts(target, rows, mentions, spellings, quoted_terms)
    vocabulary = set().union(*groups.values()) if groups else set()
    background, total = eq.background_counts(conn, vocabulary)
    prior = informative_prior(vocabulary, background, total, alpha0)
    terms = distinctive_terms(groups, prior, alpha0, spellings=spellings, top=top_terms)

    columns = tuple(
        _column(outlet, rows, quotes, mentions, terms.get(outlet, []), groups[outlet])
        for outlet, rows in sorted(by_outlet.items())
    )
    where = "all sentences (own voice and quoted)" if quoted_terms else "own-voice sentences"
    if target.kind == "event":
        terms_method = f"{where} of each outlet, against the other outlets compared"
    else:
        terms_method = (
            f"words within {ACTOR_WINDOW} content words of each mention of {target.key} "
            f"(actor names left out) in {where}, against the other outlets compared"
        )
    return Comparison(
        target=target,
        columns=columns,
        prior=PriorInfo(
            alpha0, total, "stem frequencies of the whole database (paragraph full-text index)"
        ),
        tone_method=f"{LEXICON}; mean over own-voice sentences, actor names left out",
        terms_method=terms_method,
        seconds=time.perf_counter() - started,
    )


def _term_counts(
    target: Target,
    rows: list[CorpusSentence],
    mentions: dict[int, list[tuple[str, str, int, int]]],
    spellings: dict[str, Counter[str]],
    quoted_terms: bool,
) -> Counter[str]:
    words: list[str] = []
    for s in rows:
        if s.voice != "own" and not quoted_terms:
            continue
        found = content_words(s.text)
        if target.kind == "event":
            words.extend(w for w, _a, _b in found)
            continue
        spans = [
            (a - s.start, b - s.start) for n, _k, a, b in mentions.get(s.id, []) if n == target.key
        ]
        # Names are not labels: a word of any actor's name ("Hakim", "CNN") is not counted.
        names = [(a - s.start, b - s.start) for _n, _k, a, b in mentions.get(s.id, [])]
        inside = [any(a <= start < b for a, b in names) for _w, start, _e in found]
        near: set[int] = set()
        for a, b in spans:
            hits = [i for i, (_w, start, _e) in enumerate(found) if a <= start < b]
            if hits:
                lo, hi = max(0, hits[0] - ACTOR_WINDOW), hits[-1] + ACTOR_WINDOW + 1
                near.update(j for j in range(lo, min(hi, len(found))) if not inside[j])
        words.extend(found[j][0] for j in sorted(near))
    counts: Counter[str] = Counter()
    for word, stem in zip(words, stems(words), strict=True):
        counts[stem] += 1
        spellings.setdefault(stem, Counter())[word] += 1
    return counts


def _without_names(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with actor names blanked (same length): "Special Groups", "United States" and
    "Supreme Islamic Iraqi Council" name someone; they say nothing good about them."""
    for a, b in spans:
        text = text[:a] + " " * (b - a) + text[b:]
    return text


def _column(
    outlet: str,
    rows: list[CorpusSentence],
    quotes: dict[int, list[SentenceQuote]],
    mentions: dict[int, list[tuple[str, str, int, int]]],
    terms: list[KeyTerm],
    counted: Counter[str],
) -> OutletColumn:
    own: list[ComparedSentence] = []
    quoted: list[ComparedSentence] = []
    evaluative: Counter[tuple[str, float]] = Counter()
    named: Counter[str] = Counter()
    named_own: Counter[str] = Counter()
    own_texts: list[str] = []
    for s in rows:
        in_names = [(a - s.start, b - s.start) for _n, _k, a, b in mentions.get(s.id, [])]
        in_sentence = quotes.get(s.id, [])
        speakers = tuple(dict.fromkeys(q.speaker for q in in_sentence if q.speaker))
        cited = tuple(
            dict.fromkeys(c for c in [s.cited_outlet, *(q.cited_outlet for q in in_sentence)] if c)
        )
        words = tuple(
            w
            for w in evaluative_words(s.text)
            if not any(a < w.end and w.start < b for a, b in in_names)
        )
        item = ComparedSentence(s, speakers, cited, words)
        for name, _kind, _a, _b in mentions.get(s.id, []):
            named[name] += 1
            if s.voice == "own":
                named_own[name] += 1
        if s.voice == "own":
            own.append(item)
            own_texts.append(_without_names(s.text, in_names))
            evaluative.update((w.word.casefold(), w.valence) for w in words)
        else:
            quoted.append(item)
    return OutletColumn(
        outlet=outlet,
        files=tuple(dict.fromkeys(s.file for s in rows)),
        own=tuple(own),
        quoted=tuple(quoted),
        tone=tone_of(own_texts),
        evaluative=tuple(
            (word, valence, n)
            for (word, valence), n in sorted(evaluative.items(), key=lambda x: (-x[1], x[0][0]))
        ),
        terms=tuple(terms),
        term_words=sum(counted.values()),
        actors=tuple(
            (name, n, named_own[name])
            for name, n in sorted(named.items(), key=lambda x: (-x[1], x[0]))
        ),
    )
