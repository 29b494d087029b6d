"""Find actor mentions in a document: gazetteer names, demonyms, misspelt variants, new names.

Exact names come from one pass of the gazetteer's automaton (longest match wins, word
boundaries and capitalisation checked). Capitalised names left over are resolved by fuzzy
matching when they are close to exactly one actor, and otherwise kept as candidates.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from operator import itemgetter
from typing import NamedTuple

from iraqtui.ingest.gazetteer import (
    AliasEntry,
    AliasIndex,
    Gazetteer,
    fold,
    fuzzy_key,
    fuzzy_resolve,
)
from iraqtui.models import Candidate, Document, Mention

# Words written before a name that are not part of it: the span starts after them.
TITLES = frozenset(
    """mr mrs ms dr prof gen brig col maj lt capt cpt sgt cpl pvt adm cmdr gov sen rep amb
    rev hon pres president vice vp prime minister ministers ambassador general colonel major
    lieutenant captain sergeant admiral commander governor senator representative sheikh
    shaikh sheik ayatollah grand imam sayyid king queen prince emir chairman secretary judge
    justice mayor chief deputy spokesman professor doctor retired ret pm cleric""".split()
)
# Capitalised only because they start a sentence or a heading; never a name on their own.
COMMON = frozenset(
    """a an the and but or nor so yet for if then than as at by in on of off to up down from
    into onto over under with without within about above after before below between among
    against across along around through during since until till while when where why how
    what which who whom whose that this these those there here it its he him his she her
    hers they them their theirs we us our ours you your yours i me my mine not no yes all
    any each every some many much more most few less least other another such own same both
    either neither one two three four five first second third last next also even still
    just only very too now later today tonight yesterday tomorrow however meanwhile although
    though because whether unless whatever whoever perhaps maybe indeed instead again
    already always never often sometimes anyway besides therefore thus hence otherwise
    update updates updated note notes via er oh ah well ok okay please thanks is are was
    were be been being has have had do does did will would shall should can could may might
    must let lets said says say according read see watch video photo home click share
    iirc imo imho fyi btw lol afaik ps nb etc""".split()
)
CALENDAR = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december jan feb mar apr jun jul aug
    sep sept oct nov dec""".split()
)
_NOT_A_NAME = TITLES | COMMON | CALENDAR
# Lower-case words inside names: "al Sadr", "bin Laden" may start one; "Times of London",
# "Ludwig van Beethoven" only join two capitalised words.
LEADING_PARTICLES = frozenset("al el bin ibn bint abu abd".split())
INNER_PARTICLES = frozenset("de del della da di du van von der den le la of".split())
_PARTICLE_NAME = re.compile(r"(?:al|el|bin|ibn|abu|abd)-[^\W\d_]", re.IGNORECASE)
_ADJECTIVE_SUFFIX = re.compile(r"-(?=[a-zß-ÿ])")  # "Sadr-led", "Iranian-backed"
_WORD = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W\d_][\w'’\-]*")
# Only the words a name can contain: not starting with a-z (case is checked again in code,
# for other alphabets), or a particle. Skipping the rest is what keeps discovery fast.
_NAMEISH = re.compile(
    r"(?<![\w'’.-])(?:(?:[^\W\d_]\.){2,}|[^\W\d_a-z][\w'’\-]*|"
    rf"(?:{'|'.join(sorted(LEADING_PARTICLES | INNER_PARTICLES))})\b(?:-[\w'’\-]+)?)"
)
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z]+(?![\w'’])")
_CONTRACTION = re.compile(r"['’](?:s|d|ll|ve|re|m|t)$|n['’]t$", re.IGNORECASE)
_OPENERS = " \t\"“‘'([«—–-*>"
_WORD_BEFORE = re.compile(r"([^\W\d_][\w'’.-]*) $")
_LAST_WORD = re.compile(r"([^\W\d_]+)\.?$")
_PARTICLES = LEADING_PARTICLES | INNER_PARTICLES


class _Token(NamedTuple):
    start: int
    end: int
    word: str

    @property
    def bare(self) -> str:
        """Lower-case, without a trailing contraction or possessive."""
        return _bare(self.word)

    @property
    def particle(self) -> bool:
        return self.word.lower() in _PARTICLES


@lru_cache(maxsize=65_536)
def _bare(word: str) -> str:
    return _CONTRACTION.sub("", word).lower().strip("'’-")


@dataclass
class _Context:
    """What the stages below ask of a document, each computed once."""

    doc: Document
    index: AliasIndex
    starts: list[int] = field(default_factory=list)
    seqs: list[int] = field(default_factory=list)
    headline_cache: dict[int, bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.starts = [s.start for s in self.doc.sentences]
        self.seqs = [s.seq for s in self.doc.sentences]

    @cached_property
    def sentence_starts(self) -> frozenset[int]:
        return frozenset(self.starts)

    @cached_property
    def lower_words(self) -> frozenset[str]:
        return frozenset(_LOWER_WORD.findall(self.doc.text))

    @cached_property
    def boilerplate(self) -> tuple[list[int], list[int]]:
        """Boilerplate spans and sentences, merged: (starts, ends), both sorted."""
        spans = [(b.start, b.end) for b in self.doc.boilerplate]
        spans += [(s.start, s.end) for s in self.doc.sentences if s.boilerplate]
        starts: list[int] = []
        ends: list[int] = []
        for start, end in sorted(spans):
            if ends and start <= ends[-1]:
                ends[-1] = max(ends[-1], end)
            else:
                starts.append(start)
                ends.append(end)
        return starts, ends

    def sentence_of(self, pos: int) -> int:
        if not self.seqs:
            return 0
        i = bisect.bisect_right(self.starts, pos) - 1
        return self.seqs[i if i > 0 else 0]

    def in_boilerplate(self, start: int, end: int) -> bool:
        starts, ends = self.boilerplate
        i = bisect.bisect_left(starts, end) - 1
        return i >= 0 and ends[i] > start

    def is_initial(self, pos: int) -> bool:
        """Whether a word at `pos` starts a sentence, a line or a heading."""
        text = self.doc.text
        if pos in self.sentence_starts:
            return True
        j = pos - 1
        while j >= 0 and text[j] in _OPENERS:
            j -= 1
        if j < 0 or text[j] in "\n\r!?…:":
            return True
        if "—" in text[j + 1 : pos] or "--" in text[j + 1 : pos]:
            return True  # after a dateline: "BASRA, Iraq — Fighting spread ..."
        if text[j] in "”\"’'" and j > 0 and text[j - 1] in ".!?…":
            return True
        if text[j] != ".":
            return False
        word = _LAST_WORD.search(text[max(0, j - 20) : j])
        return not (word and (len(word.group(1)) == 1 or word.group(1).lower() in TITLES))

    def in_headline(self, pos: int) -> bool:
        """Whether the line holding `pos` is Title Case, so capitals say nothing about names."""
        text = self.doc.text
        start = text.rfind("\n", 0, pos) + 1
        if start not in self.headline_cache:
            end = text.find("\n", pos)
            line = text[start : end if end >= 0 else len(text)].strip()
            words = [w for w in _WORD.findall(line) if len(w) >= 4] if len(line) <= 200 else []
            capitals = sum(1 for w in words if w[0].isupper())
            self.headline_cache[start] = (
                len(line) <= 200
                and not line.endswith(".")
                and len(words) >= 3
                and capitals >= 0.75 * len(words)
            )
        return self.headline_cache[start]


def find_mentions(doc: Document, gazetteer: Gazetteer) -> tuple[list[Mention], list[Candidate]]:
    """Every actor mention in the body of `doc`, and the capitalised names that matched none."""
    index = gazetteer.index()
    ctx = _Context(doc, index)
    exact = _exact_mentions(doc.text, index, ctx)
    fuzzy, candidates = _discover(doc.text, index, ctx, exact)
    mentions = [m for m in [*exact, *fuzzy] if not ctx.in_boilerplate(m.start, m.end)]
    mentions.sort(key=lambda m: m.start)
    kept = [c for c in candidates if not ctx.in_boilerplate(c.start, c.end)]
    return mentions, kept


def _exact_mentions(text: str, index: AliasIndex, ctx: _Context) -> list[Mention]:
    found: list[tuple[int, int, AliasEntry | None]] = []
    entries = index.entries
    family_of = index.family_of
    one_word = index.one_word
    for start, end, i in index.word_matches(text):
        if one_word[i] and _common_word_at_start(text[start:end], start, ctx):
            continue
        entry = entries[i]
        # Someone else's family name still covers the names inside it ("Sadr" in "al-Sadr").
        own_names = family_of[i]
        other = own_names is not None and _other_bearer(own_names, start, ctx)
        found.append((start, end, None if other else entry))
    return [
        Mention(ctx.sentence_of(s), s, e, text[s:e], entry.actor, entry.method, 100.0)
        for s, e, entry in _longest_first(found)
        if entry is not None
    ]


def _common_word_at_start(surface: str, start: int, ctx: _Context) -> bool:
    """A one-word name such as "Time" (`AliasIndex.one_word`) that starts a sentence where
    the text also uses it as a lower-case word is the word, not the name."""
    return surface.lower() in ctx.lower_words and ctx.is_initial(start)


def _other_bearer(own_names: frozenset[str], start: int, ctx: _Context) -> bool:
    """A family name ("al-Sadr") after a given name the gazetteer does not know ("Mohammed
    Sadiq al-Sadr") names someone else: it is left to discovery. `own_names` are the words
    of the names of the person the family name belongs to."""
    index = ctx.index
    text = ctx.doc.text
    if start == 0 or text[start - 1] not in " \n":
        return False  # the pattern needs a space (or a space and a line break) before the name
    before = _WORD_BEFORE.search(text, max(0, start - 40), start)
    if before is None or not before.group(1)[0].isupper():
        return False
    word = before.group(1)
    bare = word.lower().rstrip(".")
    return not (
        word.endswith(("'s", "’s"))
        or bare in _NOT_A_NAME
        or bare in ctx.lower_words
        or fuzzy_key(word) in own_names
        or index.is_alias(fold(word))
        or fuzzy_key(word) in index.ignore
    )


def _longest_first(
    found: list[tuple[int, int, AliasEntry | None]],
) -> list[tuple[int, int, AliasEntry | None]]:
    """Non-overlapping matches, longer ones first, then leftmost.

    Only matches that overlap compete, so the choice is made within each cluster of
    overlapping matches, and a match overlapping nothing (most of them) is simply kept."""
    found.sort(key=itemgetter(0, 1))
    kept: list[tuple[int, int, AliasEntry | None]] = []
    cluster: list[tuple[int, int, AliasEntry | None]] = []
    reach = 0  # where the current cluster ends
    for match in found:
        if cluster and match[0] < reach:
            cluster.append(match)
            reach = max(reach, match[1])
            continue
        kept.extend(_choose(cluster))
        cluster = [match]
        reach = match[1]
    kept.extend(_choose(cluster))
    return kept


def _choose(
    found: list[tuple[int, int, AliasEntry | None]],
) -> list[tuple[int, int, AliasEntry | None]]:
    """Among overlapping matches: longer ones first, then leftmost; in text order."""
    if len(found) <= 1:
        return found
    found.sort(key=lambda f: (f[0] - f[1], f[0]))
    starts: list[int] = []
    ends: list[int] = []
    kept: list[tuple[int, int, AliasEntry | None]] = []
    for start, end, entry in found:
        i = bisect.bisect_left(starts, start)
        if i > 0 and ends[i - 1] > start:
            continue
        if i < len(starts) and starts[i] < end:
            continue
        starts.insert(i, start)
        ends.insert(i, end)
        kept.append((start, end, entry))
    kept.sort(key=itemgetter(0))
    return kept


# --- discovery and fuzzy resolution -----------------------------------------------------


@dataclass(frozen=True)
class _Piece:
    """A run of capitalised words (and particles) that no gazetteer name covered."""

    tokens: tuple[_Token, ...]
    initial: bool  # starts a sentence (and had no title before it)
    headline: bool


def _discover(
    text: str, index: AliasIndex, ctx: _Context, exact: list[Mention]
) -> tuple[list[Mention], list[Candidate]]:
    pieces: list[_Piece] = []
    for run in _runs(text, exact):
        pieces.extend(_pieces(run, index, ctx))
    # A lone capitalised word opening a sentence counts only if the text also capitalises
    # it mid-sentence: "Strikingly, ..." is not a name, "Petraeus said" elsewhere makes one.
    mid_caps = {t.bare for p in pieces for t in p.tokens[1 if p.initial else 0 :]}
    mentions: list[Mention] = []
    candidates: list[Candidate] = []
    for piece in pieces:
        used = [False] * len(piece.tokens)
        for i, j, actor, score in _resolve(text, piece.tokens, index):
            s, e = piece.tokens[i].start, _name_end(piece.tokens[j - 1])
            mentions.append(Mention(ctx.sentence_of(s), s, e, text[s:e], actor, "fuzzy", score))
            used[i:j] = [True] * (j - i)
        lone = len(piece.tokens) == 1
        if piece.headline or (lone and piece.initial and piece.tokens[0].bare not in mid_caps):
            continue
        for i, j in _unused_runs(piece.tokens, used):
            s, e = piece.tokens[i].start, _name_end(piece.tokens[j - 1])
            if e - s > 1 and not index.is_alias(fold(text[s:e])):
                candidates.append(Candidate(ctx.sentence_of(s), s, e, text[s:e]))
    return mentions, candidates


def _runs(text: str, exact: list[Mention]) -> list[list[_Token]]:
    """Runs of capitalised words and name particles, broken by punctuation and known names."""
    starts = [m.start for m in exact]
    ends = [m.end for m in exact]
    taken = len(starts)
    after = bisect.bisect_right
    runs: list[list[_Token]] = []
    current: list[_Token] = []
    for match in _NAMEISH.finditer(text):
        start, end = match.span()
        i = after(starts, start) - 1
        if (i >= 0 and ends[i] > start) or (i + 1 < taken and starts[i + 1] < end):
            if current:
                runs.append(current)
                current = []
            continue
        word = match.group()
        lower = word.lower()
        # Both patterns need a hyphen, and most words have none.
        hyphen = "-" in word
        particle_name = hyphen and _PARTICLE_NAME.match(word) is not None
        named = word[0].isupper() or particle_name
        leading = lower in LEADING_PARTICLES
        if not (named or leading or (current and lower in INNER_PARTICLES)):
            if current:
                runs.append(current)
                current = []
            continue
        if hyphen and named and not particle_name:
            cut = _ADJECTIVE_SUFFIX.search(word)
            if cut:  # "Sadr-led forces": the name is Sadr, and it ends there
                word = word[: cut.start()]
        token = _Token(start, start + len(word), word)
        if current and not _joins(text, current[-1], token):
            runs.append(current)
            current = []
            if not (named or leading):
                continue
        current.append(token)
        if token.end != end:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _joins(text: str, previous: _Token, token: _Token) -> bool:
    gap = text[previous.end : token.start]
    if gap == " ":
        return not previous.word.endswith(("'s", "’s"))
    abbreviation = len(previous.word) == 1 or previous.word.lower() in TITLES
    return gap == ". " and abbreviation


def _pieces(run: list[_Token], index: AliasIndex, ctx: _Context) -> list[_Piece]:
    """Cut a run at words that are no part of a name; drop titles, keep what is left."""
    titled = False
    while run and run[0].bare in TITLES:
        run = run[1:]
        titled = True
    pieces: list[_Piece] = []
    current: list[_Token] = []
    for token in [*run, None]:
        if token is not None and not _stop(token, index, ctx):
            current.append(token)
            continue
        initial = bool(current) and not (titled and not pieces) and ctx.is_initial(current[0].start)
        if initial and len(current) > 1 and current[0].bare in ctx.lower_words:
            current = current[1:]  # "Critics of Maliki": the first word is a word
        while current and current[0].word.lower() in INNER_PARTICLES:
            current.pop(0)
        while current and current[-1].particle:
            current.pop()
        if current:
            first = current[0].start
            pieces.append(_Piece(tuple(current), initial, ctx.in_headline(first)))
        current = []
    return pieces


def _stop(token: _Token, index: AliasIndex, ctx: _Context) -> bool:
    if token.particle:
        return False  # "Times of London": kept inside a name, trimmed from its ends
    bare = token.bare
    if bare in COMMON or bare in CALENDAR or bare in TITLES or fuzzy_key(bare) in index.ignore:
        return True
    if len(bare) <= 1 and not token.word.endswith("."):
        return True
    # SHOUTED ordinary words ("SHOULD NOT") are not acronyms of anything.
    return token.word.isupper() and len(bare) > 1 and bare in ctx.lower_words


def _name_end(token: _Token) -> int:
    """Where a name ends: before a possessive or a trailing apostrophe or hyphen."""
    word = token.word
    for suffix in ("'s", "’s", "'", "’", "-"):
        if word.endswith(suffix) and len(word) > len(suffix):
            return token.end - len(suffix)
    return token.end


def _unused_runs(tokens: tuple[_Token, ...], used: list[bool]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        if used[i]:
            i += 1
            continue
        j = i
        while j < len(tokens) and not used[j]:
            j += 1
        while j > i and tokens[j - 1].particle:
            j -= 1
        if any(not t.particle for t in tokens[i:j]):
            out.append((i, j))
        i = max(i, j) + 1
    return out


def _resolve(
    text: str, tokens: tuple[_Token, ...], index: AliasIndex
) -> list[tuple[int, int, str, float]]:
    """Fuzzy-resolved stretches of a piece: the whole piece, else runs of two or more words."""
    n = len(tokens)
    words = sum(1 for t in tokens if not t.particle)
    used = [False] * n
    found: list[tuple[int, int, str, float]] = []
    for length in range(min(n, 6), 0, -1):
        for i in range(n - length + 1):
            j = i + length
            if any(used[i:j]) or tokens[j - 1].particle or tokens[i].word.lower() == "of":
                continue
            if words > 1 and sum(not t.particle for t in tokens[i:j]) < 2:
                continue  # one word of a longer name is not that name misspelt
            hit = fuzzy_resolve(index, fuzzy_key(text[tokens[i].start : _name_end(tokens[j - 1])]))
            if hit:
                found.append((i, j, hit[0], hit[1]))
                used[i:j] = [True] * length
    return found
