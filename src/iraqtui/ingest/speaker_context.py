"""Who a speaker phrase stands for, from what the rest of the document says.

`Context` holds one document's mentions, quotation spans and sentences, and resolves a
classified speaker phrase (`attribution.Ref`): a name to an actor or its fuller form earlier in
the text, a pronoun to the subject of its sentence or of the paragraph's earlier sentences
(never one of the other sex or a plural description), else the nearest fitting person before it,
"the editor" to an earlier "a … editor", and a document ("a copy of the agreement") to no one.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from operator import attrgetter

from iraqtui.ingest.attribution import (
    DETERMINERS,
    FRAGMENT_HEADS,
    LINKING_WORDS,
    LOOK_BACK,
    SPEECH_VERB,
    Attribution,
    Ref,
    classify,
    name_core,
    subject_before,
)
from iraqtui.ingest.speakers import Resolver, person_positions
from iraqtui.models import Mention

_OF_OUTLET = re.compile(r"\s+of\s+(?:the\s+)?(.+)$")
_AND = re.compile(r"\s+and\s+")
# Two to five capitalised words opening a sentence, then a comma or a lowercase word: a name.
_OPENING_NAME = re.compile(
    r"\s*((?:[A-Z][\w’'.-]*|(?:al|el)-[A-Z][\w’'-]*)"
    r"(?:\s+(?:[A-Z][\w’'.-]*|(?:al|el|bin|ibn|abu)[- ][A-Z][\w’'-]*)){1,4})(?=,|\s+[a-z])"
)
# The same name in apposition after a sentence's first phrase: "His neighbour, Karim Saleh,".
_APPOSED_NAME = re.compile(
    r"\s*[^,;:“”\"]{1,60}?,\s+((?:[A-Z][\w’'.-]*|(?:al|el)-[A-Z][\w’'-]*)"
    r"(?:\s+(?:[A-Z][\w’'.-]*|(?:al|el|bin|ibn|abu)[- ][A-Z][\w’'-]*)){1,4}),"
)
_POSSESSIVE_PRONOUNS = frozenset("his her their its our my your".split())
_CALENDAR = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december jan feb mar apr jun jul aug sep sept "
    "oct nov dec today yesterday tomorrow last next early late".split()
)
SUBJECT_WORDS = 8  # a person named this early in a sentence is taken as its subject
_SUBJECT_PRONOUN = re.compile(r"\b(?:he|she|they|I|we|you)\b", re.IGNORECASE)
_FEMALE = re.compile(
    r"\b(?:Mrs|Ms|Miss|Umm|Madam|Lady|Queen|Princess|[Ss]pokeswoman|[Ww]oman|[Mm]other|"
    r"[Ww]ife|[Dd]aughter|[Ss]ister|[Ww]idow|[Gg]irl)\b"
)
_MALE = re.compile(
    r"\b(?:Mr|Abu|Sheikh|Sheik|King|Prince|Sir|Lord|[Ss]pokesman|[Mm]an|[Ff]ather|[Hh]usband|"
    r"[Ss]on|[Bb]rother|[Bb]oy)\b"
)


@dataclass
class Context:
    """What resolution needs about the document: mentions, where quotes and sentences are,
    and, per quote, how far back pronouns may look and where its paragraph starts."""

    text: str
    resolver: Resolver
    mentions: list[Mention]
    window_start: int  # how far back pronouns may look
    quote_spans: list[tuple[int, int]] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)  # sorted (start, end)
    paragraph_start: int = 0
    mention_starts: list[int] = field(default_factory=list)
    sentence_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.mentions = sorted(self.mentions, key=attrgetter("start"))
        self.mention_starts = [m.start for m in self.mentions]
        self.sentence_starts = [s for s, _ in self.sentences]

    def quoted(self, start: int, end: int) -> bool:
        return any(a <= start and end <= b for a, b in self.quote_spans)

    def people(self, lo: int, hi: int) -> list[tuple[int, int, str, str | None]]:
        """Persons named in [lo, hi) outside quotation marks (a speaker is not named inside
        their own words)."""
        found = person_positions(self.text, lo, hi, self.mentions_near(lo, hi), self.resolver)
        return [p for p in found if not self.quoted(p[0], p[1])]

    def sentence_subject(self, lo: int, hi: int) -> Attribution | None:
        """The person a sentence opens with, before `hi`: named within its first SUBJECT_WORDS
        words, with no pronoun before the name ("He told Maliki “…”" is not Maliki's), or a
        name no gazetteer knows heading it ("Umm Ali, a mother of five, said …")."""
        people = self.people(lo, hi)
        opening = self._opening_name(lo, hi)
        if opening is not None and (not people or opening[0] < people[0][0]):
            return opening[1]
        if not people:
            return None
        start, _end, surface, actor = people[0]
        before = self.text[lo:start]
        if len(before.split()) >= SUBJECT_WORDS or _SUBJECT_PRONOUN.search(before):
            return opening[1] if opening is not None else None
        if actor:
            return Attribution(
                actor, actor, self.resolver.media_affiliation(actor), 0.6, "sentence-subject"
            )
        name, actor = self._one_name(surface, start)
        return Attribution(name, actor, None, 0.5, "sentence-subject")

    def _opening_name(self, lo: int, hi: int) -> tuple[int, Attribution] | None:
        """A run of capitalised words heading a sentence that no gazetteer knows as
        something other than a person ("Umm Ali, a mother of five, said …")."""
        m = _OPENING_NAME.match(self.text, lo, hi) or _APPOSED_NAME.match(self.text, lo, hi)
        if m is None or self.quoted(m.start(1), m.end(1)):
            return None
        words = m.group(1).split()
        first = words[0].lower()
        if (
            first in LINKING_WORDS
            or first in FRAGMENT_HEADS
            or first in DETERMINERS
            or first in _POSSESSIVE_PRONOUNS
            or any(w.endswith(("’s", "'s")) or w.lower().rstrip(".") in _CALENDAR for w in words)
        ):
            return None  # "In Baghdad, …", "Last Friday, …", "His Eminence …", "Sadr's man"
        for mention in self.mentions_near(m.start(1), m.end(1)):
            actor = self.resolver.actors.get(mention.actor)
            overlaps = mention.start < m.end(1) and m.start(1) < mention.end
            if overlaps and (actor is None or actor.type != "person"):
                return None
        ref = classify(self.text, m.start(1), m.end(1), self.resolver)
        if ref is None or ref.kind != "name":
            return None
        found = self.resolve(ref)
        confidence = round(found.confidence * 0.6, 3)
        return m.start(1), _with_method(found, confidence, "sentence-subject")

    def _reporting_subject(self, lo: int, hi: int, pronoun: str) -> Attribution | None:
        """The subject of the first reporting verb in [lo, hi), outside quotes, if it is a
        person the pronoun can stand for ("Umm Ali, a mother of five, said …")."""
        for verb in SPEECH_VERB.finditer(self.text, lo, hi):
            if self.quoted(verb.start(), verb.end()):
                continue
            span = subject_before(self.text, lo, lo, verb.start())
            if span is None or self.quoted(span[0], span[1]):
                return None
            ref = classify(self.text, span[0], span[1], self.resolver)
            if ref is None or ref.kind not in ("name", "description"):
                return None
            if not _fits(pronoun, ref.surface, ref.kind):
                return None
            return self.resolve(ref)
        return None

    def _sentences_back(self, hi: int) -> list[tuple[int, int]]:
        """Sentences of the current paragraph up to `hi`, the latest first."""
        i = bisect.bisect_right(self.sentence_starts, hi) - 1
        out: list[tuple[int, int]] = []
        while i >= 0 and self.sentences[i][0] >= self.paragraph_start:
            out.append(self.sentences[i])
            i -= 1
        return out

    def mentions_near(self, start: int, end: int) -> list[Mention]:
        """Mentions overlapping [start, end] (the list is sorted by start by the caller)."""
        lo = bisect.bisect_left(self.mention_starts, start - 200)
        hi = bisect.bisect_right(self.mention_starts, end)
        return self.mentions[lo:hi]

    def resolve(self, ref: Ref) -> Attribution:
        if ref.kind == "outlet":
            return Attribution(None, None, self.resolver.outlet_name(ref.surface), 0.8, "outlet")
        if ref.kind == "pronoun":
            return self._pronoun(ref)
        if ref.kind == "description":
            if _names_a_document(ref.surface):
                return Attribution(None, None, None, 0.5, "document")
            return Attribution(self._description(ref), None, None, 0.75, "description")
        return self._name(ref)

    def _name(self, ref: Ref) -> Attribution:
        of = _OF_OUTLET.search(ref.surface)
        outlet = None
        surface = ref.surface
        if of and (
            self.resolver.is_outlet(of.group(1))
            or self.resolver.outlets_in(of.group(1), 0, len(of.group(1)))
        ):
            outlet = self.resolver.outlet_name(of.group(1))
            surface = surface[: of.start()]
        parts = [p for p in _AND.split(surface) if p]
        names: list[str] = []
        actors: list[str | None] = []
        for part in parts:
            name, actor = self._one_name(part, ref.start + max(0, ref.surface.find(part)))
            names.append(name)
            actors.append(actor)
        speaker = " and ".join(names)
        actor = actors[0] if len(actors) == 1 else None
        confidence = 0.9 if all(actors) else 0.8
        if outlet is None and len(actors) >= 1:
            outlet = self.resolver.media_affiliation(actors[0])
        return Attribution(speaker, actor, outlet, confidence, "name")

    def _one_name(self, phrase: str, at: int) -> tuple[str, str | None]:
        core = name_core(phrase)
        # Only a mention inside the name itself counts: "Sadr's spokesman Salah al-Ubaidi" is
        # not Sadr.
        c_lo = at + max(0, phrase.rfind(core))
        c_hi = c_lo + len(core)
        for m in self.mentions_near(c_lo, c_hi):
            actor = self.resolver.actors.get(m.actor)
            overlaps = m.start < c_hi and m.end > c_lo
            if actor and actor.type == "person" and overlaps and m.surface in phrase:
                return actor.name, actor.name
        found = self.resolver.actor(core)
        if found is not None and found.type == "person":
            return found.name, found.name
        surname = core.split()[-1] if core else phrase
        fuller = re.findall(
            rf"((?:[A-Z][\w’'-]*\.?\s+|(?:al|el|bin|ibn|abu)[- ])+){re.escape(surname)}\b",
            self.text[max(0, at - LOOK_BACK) : at + LOOK_BACK],
        )
        best = core
        for run in fuller:
            candidate = name_core(run + surname)
            if len(candidate) > len(best) and len(candidate.split()) <= 4:
                best = candidate
        found = self.resolver.actor(best)
        if found is not None and found.type == "person":
            return found.name, found.name
        return best, None

    def _pronoun(self, ref: Ref) -> Attribution:
        """'he said': the subject of its own sentence, then of the paragraph's earlier
        sentences, then the nearest fitting person in the paragraph, then before it."""
        pronoun = ref.surface.lower()
        if pronoun in ("i", "we"):
            return Attribution(None, None, None, 0.2, "first-person")
        for s_lo, s_hi in self._sentences_back(ref.start):
            hi = min(ref.start, s_hi)
            found = self.sentence_subject(s_lo, hi)
            if found is not None and found.speaker and _fits(pronoun, found.speaker, "name"):
                return _as_pronoun(found, 0.7)
            found = self._reporting_subject(s_lo, hi, pronoun)
            if found is not None and found.speaker:
                return _as_pronoun(found, 0.65)
        lo = min(self.window_start, self.paragraph_start)
        for span_lo, span_hi in ((self.paragraph_start, ref.start), (lo, self.paragraph_start)):
            for start, end, surface, actor in reversed(self.people(span_lo, span_hi)):
                title = self.text[max(span_lo, start - 8) : end]
                if not _fits(pronoun, title, "name"):
                    continue
                if actor:
                    media = self.resolver.media_affiliation(actor)
                    return Attribution(actor, actor, media, 0.7, "pronoun")
                return Attribution(name_core(surface), None, None, 0.6, "pronoun")
        return Attribution(None, None, None, 0.2, "pronoun-unresolved")

    def _description(self, ref: Ref) -> str:
        words = ref.surface.split()
        phrase = ref.surface
        if words[0].lower() == "the" and len(words) >= 2:
            head = words[-1]
            earlier = list(
                re.finditer(
                    rf"\b(?:[Aa]n?|[Oo]ne)\s+((?:[\w’'-]+\s+){{0,4}}?){re.escape(head)}\b",
                    self.text[max(0, ref.start - LOOK_BACK) : ref.start],
                )
            )
            if earlier:
                phrase = earlier[-1].group(0)
        return (
            phrase[:1].lower() + phrase[1:]
            if phrase.split()[0] in ("A", "An", "The", "One")
            else phrase
        )


# Head nouns of things that carry words but are no one: "according to a copy of the agreement".
_DOCUMENTS = frozenset(
    "copy copies text draft document documents statement statements report reports letter "
    "letters memo memorandum communique communiqué transcript cable release website video "
    "recording poll survey study figures data records agreement accord decree".split()
)
_HEAD_END = re.compile(r"\s+(?:of|from|by|seen|obtained|issued|released|in|on|at|with|for)\b")


def _names_a_document(phrase: str) -> bool:
    head = _HEAD_END.split(phrase, maxsplit=1)[0].split()
    return bool(head) and head[-1].lower() in _DOCUMENTS


def _fits(pronoun: str, phrase: str, kind: str) -> bool:
    """Whether 'he' or 'she' can stand for a phrase: not a plural description ("residents"),
    not a name or description marked for the other sex ("Umm Ali", "Mr. Varga")."""
    if pronoun not in ("he", "she"):
        return True
    words = phrase.split()
    plural = words[-1].endswith("s") and not words[-1].endswith("ss")
    if kind == "description" and plural and words[0].lower() not in ("a", "an", "one"):
        return False
    other = _MALE if pronoun == "she" else _FEMALE
    return other.search(phrase) is None


def _as_pronoun(a: Attribution, confidence: float) -> Attribution:
    return _with_method(a, confidence, f"pronoun-{a.method}")


def _with_method(a: Attribution, confidence: float, method: str) -> Attribution:
    return Attribution(a.speaker, a.speaker_actor, a.outlet, confidence, method)
