"""Who said a quote and which outlet reported it, read from the words around the marks.

Reporting clauses are matched, not parsed: `“…,” said NP`, `“…,” NP said`, `NP tells OUTLET,
“…”`, `NP called … “term”`, `according to OUTLET`. A speaker phrase is then resolved: a name
to an actor (mentions, gazetteer, or the fuller form of the name earlier in the text), a
pronoun to the subject of its sentence or of the paragraph's earlier sentences, else the
nearest fitting person before it (never one named inside quotation marks), "the editor" to an
earlier "a … editor". A function word or clause fragment ("and", "which is to", "it") is
never a speaker, and neither is a document ("a copy of the agreement").
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
# A phrase opening with one of these is a clause fragment, never a speaker ("and said",
# "which is to say", "it had agreed to").
_FRAGMENT_HEAD = frozenset(
    "and but or nor yet which who whom whose that if when while because as than".split()
)
# One of these alone is not a person either.
_NOT_A_PERSON = frozenset(
    "it its this that these those there here what anyone anybody everyone everybody someone "
    "somebody nobody none nothing something anything everything".split()
)
_CLAUSE_SUBJECT = frozenset("i we you he she they it there here what".split())
# Words that join a name to the description before it ("a spokesman for Varga") rather than
# title it ("government spokesman Varga").
_LINKING = frozenset(
    "of for to by from with at in on near about against behind under over after before like "
    "than and or but the a an".split()
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
        if low in _STOP or (taken and tok[-1:] in ".!?" and tok[:1].islower() and len(tok) > 3):
            break  # a lowercase word ending a sentence ("… weapons again. al Sadr told")
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


def not_a_speaker(phrase: str) -> bool:
    """A clause fragment or a function word ("and", "which is to", "it", "anyone")."""
    words = phrase.split()
    if not words:
        return True
    first = _AFTER_APOSTROPHE.sub("", words[0].lower())
    if len(words) == 1:
        return first in _NOT_A_PERSON or first in _FRAGMENT_HEAD
    # "I can't find any evidence", "it's hard": a clause with its own subject.
    return first in _FRAGMENT_HEAD or first in _CLAUSE_SUBJECT


def subject_before(text: str, s_lo: int, lo: int, verb_at: int) -> tuple[int, int] | None:
    """The subject of a verb: the noun phrase just before it or, when a phrase between commas
    comes between them, the name of the two ("Dana Reyes, a spokeswoman for the port, said",
    "The governor's man, Omar Haddad, calls"); the phrase before the commas when the one
    between them is no name ("A senior officer, speaking on condition of anonymity, said")."""
    span = np_before(text, lo, verb_at)
    if span is not None:
        return span
    toks = _tokens(text, s_lo, verb_at)
    while toks and toks[-1][2].lower() in _AUX:
        toks.pop()
    if not toks or toks[-1][2] != ",":
        return None
    j = len(toks) - 2
    while j >= 0 and toks[j][2] not in ',:;—–()“”"':
        j -= 1
    if j < 0 or toks[j][2] != "," or j == len(toks) - 2:
        return None
    inner = toks[j + 1 : -1]
    if len(inner) <= 5 and all(
        _is_cap(t) and not t.endswith(("’s", "'s")) and t.lower() not in _DETERMINERS
        for _, _, t in inner
    ):
        return inner[0][0], inner[-1][1]
    return np_before(text, s_lo, toks[j][0])


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
    words = phrase.split()
    if len(words) >= 3 and words[1].lower() in ("the", "a", "an") and words[0].istitle():
        # A sentence adverb before the subject: "First the military announces ...".
        at = phrase.index(words[1], len(words[0]))
        start, phrase, words = start + at, phrase[at:], words[1:]
    if not_a_speaker(phrase):
        return None
    end = start + len(phrase)
    first = words[0].lower().strip("’'")
    if phrase.lower() in PRONOUNS or (
        _AFTER_APOSTROPHE.sub("", first) in PRONOUNS and len(words) == 1
    ):
        return Ref(_AFTER_APOSTROPHE.sub("", phrase), start, start + len(phrase), "pronoun")
    if resolver.is_outlet(phrase):
        return Ref(phrase, start, end, "outlet")
    if first in _DETERMINERS or (
        all(not w[:1].isupper() for w in words[1:]) and not _name_like(text, start, words, resolver)
    ):
        kind = "name" if _ends_in_titled_name(words, resolver) else "description"
        return Ref(phrase, start, end, kind)
    return Ref(phrase, start, end, "name")


def _ends_in_titled_name(words: list[str], resolver: Resolver) -> bool:
    """'the government spokesman Ali al-Dabbagh' names Ali al-Dabbagh; 'a spokesman for Mr.
    Varga' and 'the United Iraqi Alliance' name no person."""
    core = name_core(" ".join(words)).split()
    if not core or len(core) >= len(words):
        return False
    before = words[len(words) - len(core) - 1]
    if before[:1].isupper() or before.lower() in _LINKING:
        return False
    if len(core) >= 2:
        return True
    found = resolver.actor(core[0])
    return found is not None and found.type == "person"


def _name_like(text: str, start: int, words: list[str], resolver: Resolver) -> bool:
    """One capitalised word: a name if the gazetteer knows it or the text capitalises it
    mid-sentence elsewhere ("Ware said" yes, "Officials said" no)."""
    if not _is_cap(words[0]):
        return False
    found = resolver.actor(" ".join(words))
    if found is not None and found.type == "person":
        return True
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
            first in _LINKING
            or first in _FRAGMENT_HEAD
            or first in _DETERMINERS
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
        for verb in _SPEECH.finditer(self.text, lo, hi):
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
    if (
        verb
        and verb.group(1).strip()
        and not _QUOTE_MARK.search(verb.group(1))
        and not not_a_speaker(verb.group(1))
    ):
        start = at
        end = at + len(verb.group(1).rstrip())
        return start, end, "name-first"
    # "“…,” the mayor, Jan Kowalski, said.": a subject with a phrase between commas.
    verb = _APPOSED_FIRST.match(rest)
    if verb:
        span = subject_before(text, at, at, at + verb.end(1))
        if span is not None and not not_a_speaker(text[span[0] : span[1]]):
            return span[0], span[1], "name-first"
    return None


_INFINITIVE = re.compile(r"\bto\s+$")
_APPOSED_FIRST = re.compile(
    rf"([^,“”\"]{{1,60}},[^,“”\"]{{1,60}},)\s+(?:also\s+)?(?:{SPEECH_VERBS})\b"
)


def tag_before(
    text: str, lo: int, open_at: int, *, labels: bool, sentence_start: int | None = None
) -> tuple[int, int, int] | None:
    """The last reporting (or naming) verb before an opening mark and the phrase before it:
    (phrase start, phrase end, verb end). An infinitive ("threatened to declare") is not the
    reporting verb, and a subject that is no person ("it had agreed to") is passed over."""
    pattern = _ANY_VERB if labels else _SPEECH
    s_lo = lo if sentence_start is None else min(lo, sentence_start)
    verbs = list(pattern.finditer(text, lo, open_at))
    for verb in reversed(verbs):
        if _INFINITIVE.search(text, max(s_lo, verb.start() - 4), verb.start()):
            continue
        span = subject_before(text, s_lo, lo, verb.start())
        if span and not_a_speaker(text[span[0] : span[1]]):
            continue
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
