"""Who said a quote and which outlet reported it, read from the words around the marks.

Reporting clauses are matched, not parsed: `“…,” said NP`, `“…,” NP said`, `NP tells OUTLET,
“…”`, `NP called … “term”`, `according to OUTLET`. A speaker phrase is then resolved: a name
to an actor (mentions, gazetteer, or the fuller form of the name earlier in the text), a
pronoun to the nearest person before it, "the editor" to an earlier "a … editor".
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from operator import attrgetter

from iraqtui.ingest.speakers import PERSON_TITLES, PRONOUNS, Resolver, person_positions
from iraqtui.models import Mention

SPEECH_VERBS = (
    "said|says|say|told|tells|tell|added|adds|explained|explains|noted|notes|note|wrote|writes|"
    "asked|asks|replied|replies|insisted|insists|warned|warns|argued|argues|claimed|claims|"
    "declared|declares|declare|announced|announces|announce|stated|states|stressed|stresses|"
    "acknowledged|acknowledges|admitted|admits|conceded|concedes|recalled|reported|reports|"
    "quipped|complained|suggested|suggests|observed|remarked|predicted|vowed|vows|threatened|"
    "urged|urges|charged|testified|continued|agreed|confirmed|denied|denies|insisted"
)
LABEL_VERBS = (
    "called|calls|call|described|describes|dubbed|dubs|labelled|labeled|labels|termed|branded|"
    "speaks? of|spoke of|talks? of|talked of|refers? to|referred to"
)
_SPEECH = re.compile(rf"\b(?:{SPEECH_VERBS})\b")
_ANY_VERB = re.compile(rf"\b(?:{SPEECH_VERBS}|{LABEL_VERBS})\b")
_TOKEN = re.compile(r"[\w’'.&-]+|[,:;—–()“”\"]")
_STOP = frozenset(
    "that because when while if since although though whether but so or where after before "
    "then than as what how why".split()
)
_RELATIVE = frozenset("who which whom whose".split())
_AUX = frozenset(
    "would will has had have did does do to also then later once again reportedly "
    "apparently simply just recently has had may might could should can must".split()
)
_DETERMINERS = frozenset(
    "a an the one some several many two three four his her their its our local other another "
    "senior top most".split()
)
_PARTICLE = re.compile(
    r"^(?:al|el|ad|as|ash|an|ar|bin|ibn|abu|de|da|di|van|von|der|du|le|la)$|"
    r"^(?:al|el)-[A-Z]"
)
MAX_NP_TOKENS = 14
_HEAD_CUT = re.compile(r",|\s—|\s–|\s(?:who|which|whom|whose|that)\b")
_AFTER_APOSTROPHE = re.compile(r"[’'].*$")
_OF_OUTLET = re.compile(r"\s+of\s+(?:the\s+)?(.+)$")
_AND = re.compile(r"\s+and\s+")
_LEAD_PUNCT = re.compile(r"[\s,—–-]*")
_ACCORDING = re.compile(r"according to\s+")
_VERB_FIRST = re.compile(rf"(?:{SPEECH_VERBS})\s+")
_NAME_FIRST = re.compile(rf"((?:[\w’'.-]+\s+){{0,8}}?)(?:also\s+)?(?:{SPEECH_VERBS})\b")
_QUOTE_MARK = re.compile(r"[“”\"]")
_PRONOUN = re.compile(r"\b(?:he|she|they)\b", re.IGNORECASE)
_SENTENCE_TAG = re.compile(rf"\s*((?:[\w’'.-]+\s+){{0,6}}?)(?:also\s+)?(?:{SPEECH_VERBS})\b")
# How far (in characters) to look for an earlier, fuller form of a name or description; keeps
# attribution linear in the length of a document.
LOOK_BACK = 20_000


@dataclass(frozen=True)
class Ref:
    """A speaker phrase as written, with where it is."""

    surface: str
    start: int
    end: int
    kind: str  # name | pronoun | description | outlet


@dataclass(frozen=True)
class Attribution:
    speaker: str | None = None
    speaker_actor: str | None = None
    outlet: str | None = None
    confidence: float = 0.0
    method: str = "none"


def _tokens(text: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text, lo, hi)]


def _is_cap(token: str) -> bool:
    return token[:1].isupper() or bool(_PARTICLE.match(token))


def np_before(text: str, lo: int, verb_at: int) -> tuple[int, int] | None:
    """The noun phrase ending just before a verb, scanning back to a clause boundary."""
    toks = _tokens(text, lo, verb_at)
    while toks and toks[-1][2].lower() in _AUX:
        toks.pop()
    taken: list[tuple[int, int, str]] = []
    relative = False
    for i in range(len(toks) - 1, -1, -1):
        tok = toks[i][2]
        low = tok.lower()
        if tok in ',:;—–()“”"' and not relative:
            break
        if low in _RELATIVE:
            relative = True  # "a resident who used to work …": keep going to the head noun
            taken.append(toks[i])
            continue
        if low in _STOP:
            break
        if low == "and" and not (
            taken and _is_cap(taken[-1][2]) and i > 0 and _is_cap(toks[i - 1][2])
        ):
            break
        if relative and tok in ',:;—–()“”"':
            break
        taken.append(toks[i])
        if len(taken) >= MAX_NP_TOKENS:
            return None
    if not taken:
        return None
    return taken[-1][0], taken[0][1]


def np_after(text: str, start: int, hi: int) -> tuple[int, int] | None:
    """The noun phrase starting at `start`, up to the end of the clause."""
    toks = _tokens(text, start, hi)
    taken: list[tuple[int, int, str]] = []
    for s, e, tok in toks:
        if tok in ';()“”"' or (tok.endswith(".") and e >= hi):
            if tok.endswith(".") and len(tok) > 1:
                taken.append((s, e - 1, tok[:-1]))
            break
        taken.append((s, e, tok))
        if len(taken) > MAX_NP_TOKENS * 2:
            break
    if not taken:
        return None
    return taken[0][0], taken[-1][1]


def classify(text: str, start: int, end: int, resolver: Resolver) -> Ref | None:
    """Trim a phrase to its head (cut relative clauses and appositives) and say what it is."""
    phrase = text[start:end]
    cut = _HEAD_CUT.search(phrase)
    if cut:
        phrase = phrase[: cut.start()]
    phrase = phrase.strip(" ,:;")
    if not phrase:
        return None
    end = start + len(phrase)
    first = phrase.split()[0].lower().strip("’'")
    if phrase.lower() in PRONOUNS or (
        _AFTER_APOSTROPHE.sub("", first) in PRONOUNS and len(phrase.split()) == 1
    ):
        return Ref(_AFTER_APOSTROPHE.sub("", phrase), start, start + len(phrase), "pronoun")
    if resolver.is_outlet(phrase):
        return Ref(phrase, start, end, "outlet")
    words = phrase.split()
    if first in _DETERMINERS or (
        all(not w[:1].isupper() for w in words[1:]) and not _name_like(text, start, words, resolver)
    ):
        return Ref(phrase, start, end, "description")
    return Ref(phrase, start, end, "name")


def _name_like(text: str, start: int, words: list[str], resolver: Resolver) -> bool:
    """One capitalised word: a name if the gazetteer knows it or the text capitalises it
    mid-sentence elsewhere ("Ware said" yes, "Officials said" no)."""
    if not words[0][:1].isupper():
        return False
    if len(words) > 1:
        return bool(_PARTICLE.match(words[1]))
    word = words[0].rstrip(".,")
    if resolver.actor(word) is not None:
        return True
    window = text[max(0, start - LOOK_BACK) : start + LOOK_BACK]
    return re.search(rf"[a-z,]\s+{re.escape(word)}\b", window) is not None


def name_core(phrase: str) -> str:
    """'CNN Baghdad correspondent Michael Ware' -> 'Michael Ware'; 'Maj. Gen. X Y' -> 'X Y'."""
    words = phrase.split()
    core: list[str] = []
    for word in reversed(words):
        bare = word.rstrip(".").lower()
        if not _is_cap(word) or bare in PERSON_TITLES or word.endswith(("’s", "'s")):
            break
        core.append(word)
    core.reverse()
    return " ".join(core) if core else phrase


@dataclass
class Context:
    """What resolution needs about the document."""

    text: str
    resolver: Resolver
    mentions: list[Mention]
    window_start: int  # how far back pronouns may look
    mention_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.mentions = sorted(self.mentions, key=attrgetter("start"))
        self.mention_starts = [m.start for m in self.mentions]

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
            name, actor = self._one_name(part, ref.start)
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
        for m in self.mentions_near(at, at + len(phrase)):
            actor = self.resolver.actors.get(m.actor)
            overlaps = m.start <= at + len(phrase) and m.end >= at
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
        if ref.surface.lower() in ("i", "we"):
            return Attribution(None, None, None, 0.2, "first-person")
        people = person_positions(
            self.text,
            self.window_start,
            ref.start,
            self.mentions_near(self.window_start, ref.start),
            self.resolver,
        )
        if not people:
            return Attribution(None, None, None, 0.2, "pronoun-unresolved")
        _, _, surface, actor = people[-1]
        if actor:
            return Attribution(actor, actor, self.resolver.media_affiliation(actor), 0.7, "pronoun")
        return Attribution(name_core(surface), None, None, 0.6, "pronoun")

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


def tag_after(text: str, close: int, hi: int) -> tuple[int, int, str] | None:
    """A reporting clause right after a closing mark: (phrase start, end, form)."""
    m = _LEAD_PUNCT.match(text[close + 1 : hi])
    at = close + 1 + (m.end() if m else 0)
    rest = text[at:hi]
    acc = _ACCORDING.match(rest)
    if acc:
        span = np_after(text, at + acc.end(), hi)
        return (span[0], span[1], "according") if span else None
    verb_first = _VERB_FIRST.match(rest)
    if verb_first:
        span = np_after(text, at + verb_first.end(), hi)
        return (span[0], span[1], "verb-first") if span else None
    verb = _NAME_FIRST.match(rest)
    if verb and verb.group(1).strip() and not _QUOTE_MARK.search(verb.group(1)):
        start = at
        end = at + len(verb.group(1).rstrip())
        return start, end, "name-first"
    return None


def tag_before(text: str, lo: int, open_at: int, *, labels: bool) -> tuple[int, int, int] | None:
    """The last reporting (or naming) verb before an opening mark and the phrase before it:
    (phrase start, phrase end, verb end)."""
    pattern = _ANY_VERB if labels else _SPEECH
    verbs = list(pattern.finditer(text, lo, open_at))
    for verb in reversed(verbs):
        span = np_before(text, lo, verb.start())
        if span:
            return span[0], span[1], verb.end()
        # "… and admits that he has": the subject is further back; take the nearest pronoun.
        pron = list(_PRONOUN.finditer(text[lo : verb.start()]))
        if pron:
            p = pron[-1]
            return lo + p.start(), lo + p.end(), verb.end()
    return None


def sentence_tag(text: str, lo: int, hi: int) -> tuple[int, int] | None:
    """'Ware said Iran wants …' or '… Qumi said:' — a sentence that announces a speaker."""
    m = _SENTENCE_TAG.match(text[lo:hi])
    if m and m.group(1).strip() and not _QUOTE_MARK.search(m.group(1)):
        return lo + m.start(1), lo + m.start(1) + len(m.group(1).rstrip())
    return None


def outlet_near(
    text: str, lo: int, hi: int, quote_spans: list[tuple[int, int]], resolver: Resolver, at: int
) -> str | None:
    """The outlet named in [lo, hi) outside quotation marks nearest to `at`."""
    found = [
        (abs(s - at), name)
        for s, e, name in resolver.outlets_in(text, lo, hi)
        if not any(a <= s and e <= b for a, b in quote_spans)
    ]
    return min(found)[1] if found else None
