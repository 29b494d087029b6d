"""How each outlet characterises one event or one actor: the function the CLI and the app call.

Per outlet: its own-voice sentences; the material it quotes, labelled with speaker and cited
outlet; the evaluative words it uses and its tone (own voice only; words inside actor names,
and words it quotes inside its own sentences, left out; see `tone`); the terms that set it
apart from the other outlets compared (`keyness`: own-voice sentences for an event, the words
around each mention for an actor); the actors it names. Every figure carries the number of
sentences or words it rests on.
"""

from __future__ import annotations

import sqlite3
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from iraqtui.analysis.keyness import (
    DEFAULT_ALPHA0,
    KeyTerm,
    PriorInfo,
    content_words,
    distinctive_terms,
    informative_prior,
)
from iraqtui.analysis.names import FUZZY_ACCEPT, resolve_name
from iraqtui.analysis.tone import LEXICON, Evaluative, Tone, evaluative_words, tone_of
from iraqtui.analysis.tone import warm_up as tone_warm_up
from iraqtui.errors import UnknownName
from iraqtui.ingest.catalogue import STOPWORDS, stems
from iraqtui.models import CorpusSentence, SentenceQuote
from iraqtui.store import event_queries as eq
from iraqtui.textsafe import one_line

# For an actor, the words within this many content words of a mention are its context.
ACTOR_WINDOW = 5
# At most this many sentences per outlet are analysed for the app's compare screen: cost
# grows with the sentences analysed (VADER alone ~0.25 ms each), and an event can have tens
# of thousands (28,129 at a million paragraphs: 11 s in full, about 1 s sampled).
SCREEN_SAMPLE = 150
TONE_LEAVES_OUT = (
    "actor names and the words quoted inside those sentences (speech, scare quotes) left out"
)


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
    # (own, quoted) sentences the outlet has when `own` and `quoted` hold a sample of them
    # (every figure but these counts then rests on the sample); None: they hold every one.
    sampled_from: tuple[int, int] | None = None

    @property
    def own_count(self) -> int:
        """Own-voice sentences of the outlet, sampled or not."""
        return self.sampled_from[0] if self.sampled_from else len(self.own)

    @property
    def quoted_count(self) -> int:
        return self.sampled_from[1] if self.sampled_from else len(self.quoted)


@dataclass(frozen=True)
class Comparison:
    target: Target
    columns: tuple[OutletColumn, ...]
    prior: PriorInfo
    tone_method: str
    terms_method: str
    seconds: float
    sample: int | None = None  # at most this many sentences analysed per outlet (None: all)

    @property
    def sampled(self) -> bool:
        """Whether any column's figures rest on a sample of its sentences."""
        return any(c.sampled_from is not None for c in self.columns)


def warm_up() -> None:
    """Load what the first comparison would otherwise load (the tone lexicon; importing this
    module has loaded the rest): the app calls it from a background worker after first paint."""
    tone_warm_up()


@cache
def _stop_stems() -> frozenset[str]:
    """The index's stems of the stopwords, which the keyness counts leave out."""
    return frozenset(stems(sorted(STOPWORDS)))


def resolve_target(conn: sqlite3.Connection, name: str) -> Target:
    """An event (key or label) or actor (name or alias), exactly or by a clear fuzzy match;
    otherwise UnknownName listing the closest."""
    names: list[tuple[str, Target]] = []
    for key, label in eq.event_names(conn):
        target = Target("event", key, label)
        names += [(key, target), (label, target)]
    wanted = name.strip().casefold()
    for known, target in names:
        if known.casefold() == wanted:
            return target  # an event's own key or label wins over an actor's alias
    for alias, canonical in eq.actor_names(conn).items():
        names.append((alias, Target("actor", canonical, canonical)))
    found = resolve_name(name, names, accept=FUZZY_ACCEPT)
    if found.found is not None:
        return found.found
    closest = ", ".join(f"{t.key!r} ({t.kind})" for t in found.closest[:5]) or "none"
    raise UnknownName(f"no event or actor named {one_line(name, 80)!r}; closest: {closest}")


def characterise(
    conn: sqlite3.Connection,
    target: Target | str,
    outlets: Sequence[str] | None = None,
    *,
    top_terms: int = 10,
    alpha0: float = DEFAULT_ALPHA0,
    quoted_terms: bool = False,
    sample: int | None = None,
) -> Comparison:
    """Compare how each outlet (or only `outlets`, exact names) treats the event or actor.
    Distinctive terms are counted on own-voice sentences, or on every sentence with
    `quoted_terms` (the words an outlet chose to quote count too); tone is own voice only.

    With `sample`, an outlet with more sentences than that is represented by `sample` of
    them, evenly spaced in text order: its sentences listed, tone, evaluative words,
    distinctive terms and actors rest on those (the methods and `sampled_from` say so);
    only its own-voice and quoted sentence counts are over all of them. The app's screen
    samples; the CLI and every export use all sentences.
    """
    started = time.perf_counter()
    if isinstance(target, str):
        target = resolve_target(conn, target)
    totals: dict[str, tuple[int, int]] = {}
    if sample is None:
        if target.kind == "event":
            ids = eq.event_sentence_ids(conn, target.key)
        else:
            ids = eq.actor_sentence_ids(conn, target.key)
        sentences = eq.sentences_by_id(conn, ids)
        if outlets:
            wanted = set(outlets)
            sentences = [s for s in sentences if s.outlet in wanted]
    else:
        if target.kind == "event":
            outlines = eq.event_sentence_outlines(conn, target.key)
        else:
            outlines = eq.actor_sentence_outlines(conn, target.key)
        picked, totals = _sample(outlines, outlets, sample)
        sentences = eq.sentences_by_id(conn, picked)
    ids = [s.id for s in sentences]
    quotes = eq.quotes_in(conn, ids)
    quoted_spans = eq.quoted_spans_in(conn, sentences)
    mentions = eq.mentions_in(conn, ids)
    by_outlet: dict[str, list[CorpusSentence]] = defaultdict(list)
    for s in sentences:
        by_outlet[s.outlet].append(s)

    groups: dict[str, Counter[str]] = {}
    spellings: dict[str, Counter[str]] = {}
    for outlet, rows in by_outlet.items():
        groups[outlet] = _term_counts(target, rows, mentions, spellings, quoted_terms)
    vocabulary = set().union(*groups.values()) if groups else set()
    background, total = eq.background_counts(conn, vocabulary | _stop_stems())
    # The groups count content words only, so B must too (about half the indexed tokens
    # are stopwords): otherwise the prior carries about half of alpha_0 over those words.
    total = max(1, total - sum(background.get(s, 0) for s in _stop_stems()))
    prior = informative_prior(vocabulary, background, total, alpha0)
    terms = distinctive_terms(groups, prior, alpha0, spellings=spellings, top=top_terms)

    columns = tuple(
        _column(
            outlet,
            rows,
            quotes,
            quoted_spans,
            mentions,
            terms.get(outlet, []),
            groups[outlet],
            totals.get(outlet),
        )
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
    tone_method = f"{LEXICON}; mean over own-voice sentences, {TONE_LEAVES_OUT}"
    if totals:
        note = (
            f"; for outlets with more than {sample} sentences, on an evenly spaced sample "
            f"of {sample} of them (their sentence counts over all)"
        )
        tone_method += note
        terms_method += note
    return Comparison(
        target=target,
        columns=columns,
        prior=PriorInfo(
            alpha0,
            total,
            "stem frequencies of the whole database (paragraph full-text index, stopwords "
            "left out)",
        ),
        tone_method=tone_method,
        terms_method=terms_method,
        seconds=time.perf_counter() - started,
        sample=sample,
    )


def _sample(
    outlines: list[tuple[int, str, str, int, str]], outlets: Sequence[str] | None, size: int
) -> tuple[list[int], dict[str, tuple[int, int]]]:
    """The ids to analyse (at most `size` per outlet, evenly spaced in text order) and the
    (own, quoted) sentence totals of each outlet that was sampled."""
    wanted = set(outlets) if outlets else None
    by_outlet: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for sid, outlet, _file, _seq, voice in outlines:
        if wanted is None or outlet in wanted:
            by_outlet[outlet].append((sid, voice))
    picked: list[int] = []
    totals: dict[str, tuple[int, int]] = {}
    size = max(1, size)
    for outlet, rows in by_outlet.items():
        if len(rows) <= size:
            picked.extend(sid for sid, _v in rows)
            continue
        own = sum(1 for _sid, voice in rows if voice == "own")
        totals[outlet] = (own, len(rows) - own)
        picked.extend(rows[i * len(rows) // size][0] for i in range(size))
    return picked, totals


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
    stemmed = stems(words)
    for (word, stem), n in Counter(zip(words, stemmed, strict=True)).items():
        seen = spellings.get(stem)
        if seen is None:
            seen = spellings[stem] = Counter()
        seen[word] += n
    return Counter(stemmed)


def _blanked(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with these spans blanked (same length). Actor names: "Special Groups" and
    "United States" name someone, they say nothing good about them; quoted words: someone
    else's."""
    for a, b in spans:
        text = text[:a] + " " * (b - a) + text[b:]
    return text


def _column(
    outlet: str,
    rows: list[CorpusSentence],
    quotes: dict[int, list[SentenceQuote]],
    quoted_spans: dict[int, list[tuple[int, int]]],
    mentions: dict[int, list[tuple[str, str, int, int]]],
    terms: list[KeyTerm],
    counted: Counter[str],
    sampled_from: tuple[int, int] | None = None,
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
        # In the outlet's own voice, words it quotes ("a *mistake*", said by someone else)
        # are not its evaluation; in quoted material every word is the quoted one's.
        left_out = in_names + quoted_spans.get(s.id, []) if s.voice == "own" else in_names
        words = tuple(
            w
            for w in evaluative_words(s.text)
            if not any(a < w.end and w.start < b for a, b in left_out)
        )
        item = ComparedSentence(s, speakers, cited, words)
        for name, _kind, _a, _b in mentions.get(s.id, []):
            named[name] += 1
            if s.voice == "own":
                named_own[name] += 1
        if s.voice == "own":
            own.append(item)
            own_texts.append(_blanked(s.text, left_out))
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
        sampled_from=sampled_from,
    )
