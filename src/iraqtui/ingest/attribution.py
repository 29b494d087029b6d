"""Who said a quote and which outlet reported it, read from the words around the marks.

Reporting clauses are matched, not parsed: `“…,” said NP`, `“…,” NP said`, `NP tells OUTLET,
“…”`, `NP called … “term”`, `according to OUTLET`. A speaker phrase is then trimmed to its
head and classified as a name, pronoun, description or outlet (`Ref`); who it stands for is
resolved by `speaker_context.Context`. A function word or clause fragment ("and", "which is
to", "it") is never a speaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from iraqtui.ingest.speakers import PERSON_TITLES, PRONOUNS, Resolver

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
SPEECH_VERB = re.compile(rf"\b(?:{SPEECH_VERBS})\b")
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
DETERMINERS = frozenset(
    "a an the one some several many two three four his her their its our local other another "
    "senior top most".split()
)
_PARTICLE = re.compile(
    r"^(?:al|el|ad|as|ash|an|ar|bin|ibn|abu|de|da|di|van|von|der|du|le|la)$|"
    r"^(?:al|el)-[A-Z]"
)
# A phrase opening with one of these is a clause fragment, never a speaker ("and said",
# "which is to say", "it had agreed to").
FRAGMENT_HEADS = frozenset(
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
LINKING_WORDS = frozenset(
    "of for to by from with at in on near about against behind under over after before like "
    "than and or but the a an".split()
)
MAX_NP_TOKENS = 14
_HEAD_CUT = re.compile(r",|\s—|\s–|\s(?:who|which|whom|whose|that)\b")
_AFTER_APOSTROPHE = re.compile(r"[’'].*$")
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
        return first in _NOT_A_PERSON or first in FRAGMENT_HEADS
    # "I can't find any evidence", "it's hard": a clause with its own subject.
    return first in FRAGMENT_HEADS or first in _CLAUSE_SUBJECT


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
        _is_cap(t) and not t.endswith(("’s", "'s")) and t.lower() not in DETERMINERS
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
    if first in DETERMINERS or (
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
    if before[:1].isupper() or before.lower() in LINKING_WORDS:
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
    pattern = _ANY_VERB if labels else SPEECH_VERB
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
