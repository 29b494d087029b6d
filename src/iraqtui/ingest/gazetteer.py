"""Load and check an actors.toml gazetteer, and index its names for fast matching.

The index is one Aho-Corasick automaton over every folded alias, so matching a text costs
one pass whatever the number of aliases, plus small buckets of names for fuzzy matching.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import ahocorasick
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from iraqtui.errors import BadSidecar
from iraqtui.ingest.sidecar import Toml, load_toml
from iraqtui.models import Actor

ACTORS_NAME = "actors.toml"
ACTOR_TYPES = (
    "person",
    "militia",
    "party",
    "government",
    "state",
    "organisation",
    "media",
    "place",
)
_ACTOR_KEYS = {"name", "type", "aliases", "affiliation", "description", "demonyms"}
# Bump when matching changes what it finds: the fingerprint then changes and sources re-analyse.
MATCHER_VERSION = "2"

# A fuzzy match needs this rapidfuzz ratio, at most this many edits, and this many letters:
# "Mahi Army" (94.7), "al Mailiki" (94.7), "Khameini" (87.5) resolve; "Badr"/"Sadr",
# "Iraq"/"Iran" (too short) and "Qumi"/"Qom" (57) never merge. Only names whose words start
# with the same letters are compared at all ("Sadr City" is never "Badr City").
FUZZY_MIN_RATIO = 85.0
FUZZY_MIN_LETTERS = 6
FUZZY_AMBIGUITY_MARGIN = 3.0  # two actors this close to the best: resolve neither
_FUZZY_CACHE_LIMIT = 200_000
# Folding keeps lengths, so offsets found in folded text are offsets in the original.
_FOLD = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "`": "'",
        "´": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\t": " ",
        "\n": " ",
        "\r": " ",
        "\u2028": " ",
    }
)
PARTICLES = frozenset(
    [
        "al",
        "el",
        "bin",
        "ibn",
        "bint",
        "abu",
        "abd",
        "de",
        "del",
        "da",
        "di",
        "du",
        "van",
        "von",
        "der",
        "le",
        "la",
    ]
)
_PARTICLE_SPACE = re.compile(r"\b([Aa]l|[Ee]l) (?=\w)")
_INNER_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")


# The same mapping as pairs: a whole text is folded faster by one `replace` per character
# than by `translate` with a dict (no replacement is itself a key, so the order is free).
_FOLD_PAIRS = tuple((chr(code), str(to)) for code, to in _FOLD.items())
# Words and names repeat; whole texts do not and are not worth keeping.
_SHORT = 64


def fold(text: str) -> str:
    """Lower-case, with quotes, hyphens and spaces unified, and the same length as `text`."""
    if len(text) <= _SHORT:
        return _fold_short(text)
    return _fold(text)


@lru_cache(maxsize=65_536)
def _fold_short(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    folded = text
    for old, new in _FOLD_PAIRS:
        folded = folded.replace(old, new)
    lowered = folded.lower()
    if len(lowered) == len(folded):
        return lowered
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in folded)


@lru_cache(maxsize=65_536)
def fuzzy_key(name: str) -> str:
    """The form compared by fuzzy matching: folded, no apostrophes, hyphens as spaces."""
    return " ".join(fold(name).replace("'", "").replace("-", " ").split())


def signature(key: str) -> str:
    """First letter of every word: two names are only compared when these agree."""
    return "".join(word[0] for word in key.split())


@dataclass(frozen=True)
class AliasEntry:
    """One way of writing an actor's name, with the case it must have in a text."""

    actor: str
    alias: str  # normalised: single spaces, straight apostrophes
    method: str  # exact | demonym
    exact_case: bool  # written in capitals: matches only in capitals
    capitals: tuple[int, ...]  # positions of its capital letters

    def accepts(self, surface: str) -> bool:
        """Whether `surface` (same length, same folded text) is written acceptably."""
        if self.exact_case:
            return surface.translate(_FOLD) == self.alias
        for i in self.capitals:
            if surface[i].isupper():
                return True
        return not self.capitals


def _entry(actor: str, alias: str, method: str) -> AliasEntry:
    letters = [ch for ch in alias if ch.isalpha()]
    capitals = tuple(i for i, ch in enumerate(alias) if ch.isupper())
    exact = len(letters) >= 2 and all(ch.isupper() for ch in letters)
    return AliasEntry(actor, alias, method, exact, capitals)


def spellings(alias: str) -> set[str]:
    """An alias and its same-length variants: "al-Sadr" ⇄ "al Sadr", "Abdul-Mahdi" → "Abdul
    Mahdi"; a leading "The" is dropped."""
    base = " ".join(alias.translate(_FOLD).split())
    if base[:4].lower() == "the " and len(base) > 4:
        base = base[4:]  # "The New York Times": a leading article is never part of a span
    return {base, _INNER_HYPHEN.sub(" ", base), _PARTICLE_SPACE.sub(r"\1-", base)}


class AliasIndex:
    """Every alias of a gazetteer in one automaton, plus buckets for fuzzy matching."""

    def __init__(self, actors: tuple[Actor, ...], ignore: tuple[str, ...] = ()) -> None:
        self.automaton: Any = ahocorasick.Automaton()
        self.entries: list[AliasEntry] = []
        by_key: dict[str, list[int]] = {}
        self.buckets: dict[str, list[tuple[str, str]]] = {}
        seen_fuzzy: set[str] = set()
        for actor in actors:
            names = [(a, "exact") for a in (actor.name, *actor.aliases)]
            names += [(d, "demonym") for d in actor.demonyms]
            for name, method in names:
                for spelling in sorted(spellings(name)):
                    by_key.setdefault(fold(spelling), []).append(len(self.entries))
                    self.entries.append(_entry(actor.name, spelling, method))
                key = fuzzy_key(name)
                if method == "exact" and key and key not in seen_fuzzy:
                    seen_fuzzy.add(key)
                    self.buckets.setdefault(signature(key), []).append((key, actor.name))
        for key, indexes in by_key.items():
            self.automaton.add_word(key, tuple(indexes))
        family_names = _family_names(actors)
        # Per entry: a single word in any case (could be an ordinary word: "Time", "Badr")
        self.one_word = [
            not e.exact_case and " " not in e.alias and "-" not in e.alias for e in self.entries
        ]
        # Per entry: the person's own names when its alias is a family name.
        self.family_of: list[frozenset[str] | None] = [
            family_names.get((e.actor, fold(e.alias))) for e in self.entries
        ]
        self.empty = not by_key
        if not self.empty:
            self.automaton.make_automaton()
        self.ignore = frozenset(fuzzy_key(word) for word in ignore)
        self.fuzzy_cache: dict[str, tuple[str, float] | None] = {}
        # (entry indexes, surface) -> the first entry accepting that surface, or -1
        self.accepting_cache: dict[tuple[tuple[int, ...], str], int] = {}

    def is_alias(self, folded: str) -> bool:
        return not self.empty and bool(self.automaton.exists(folded))

    def word_matches(self, text: str) -> list[tuple[int, int, int]]:
        """(start, end, entry index) of every alias in `text` standing as whole words and
        written in a case its entry accepts (the first such entry of that spelling)."""
        if self.empty:
            return []
        entries = self.entries
        cache = self.accepting_cache
        if len(cache) >= _FUZZY_CACHE_LIMIT:
            cache.clear()
        size = len(text)
        found: list[tuple[int, int, int]] = []
        for last, indexes in self.automaton.iter(fold(text)):
            end = last + 1
            start = end - len(entries[indexes[0]].alias)
            if (start > 0 and text[start - 1].isalnum()) or (end < size and text[end].isalnum()):
                continue
            surface = text[start:end]
            key = (indexes, surface)
            if key in cache:
                accepting = cache[key]
            else:
                accepting = cache[key] = next(
                    (i for i in indexes if entries[i].accepts(surface)), -1
                )
            if accepting >= 0:
                found.append((start, end, accepting))
        return found


def _family_names(actors: tuple[Actor, ...]) -> dict[tuple[str, str], frozenset[str]]:
    """(person, folded spelling) for each one-word alias that ends a longer name of the same
    person ("Sadr", "al-Hakim", "Bush"): other people bear it too ("Mohammed Sadiq al-Sadr",
    "Ammar al-Hakim", "Laura Bush"). Each maps to the words of that person's own names
    ("Abdul Aziz Hakim" is still Abdul Aziz al-Hakim)."""
    out: dict[tuple[str, str], frozenset[str]] = {}
    for actor in actors:
        if actor.type != "person":
            continue
        names = (actor.name, *actor.aliases)
        endings: set[str] = set()
        for name in names:
            if " " in name.strip():
                last = name.split()[-1]
                endings.add(last.casefold())
                if _PARTICLE_HYPHEN.match(last):
                    endings.add(last.split("-", 1)[1].casefold())
        own = frozenset(w for n in names for w in fuzzy_key(n).split())
        for name in names:
            if " " not in name.strip() and name.casefold() in endings:
                out.update(((actor.name, fold(s)), own) for s in spellings(name))
    return out


_PARTICLE_HYPHEN = re.compile(r"^(?:al|el)-\w", re.IGNORECASE)


def fuzzy_resolve(index: AliasIndex, key: str) -> tuple[str, float] | None:
    """The one actor whose name `key` misspells, with the score, or None."""
    if key in index.fuzzy_cache:
        return index.fuzzy_cache[key]
    result: tuple[str, float] | None = None
    if sum(ch.isalnum() for ch in key) >= FUZZY_MIN_LETTERS and key not in index.ignore:
        max_edits = 1 if len(key) < 8 else 2
        scored: list[tuple[float, str]] = []
        for name, actor in index.buckets.get(signature(key), ()):
            if abs(len(name) - len(key)) > max_edits:
                continue
            score = fuzz.ratio(key, name)
            if score >= FUZZY_MIN_RATIO and Levenshtein.distance(key, name) <= max_edits:
                scored.append((score, actor))
        if scored:
            best = max(scored)
            rivals = {a for s, a in scored if s >= best[0] - FUZZY_AMBIGUITY_MARGIN}
            if len(rivals) == 1:
                result = (best[1], round(best[0], 1))
    if len(index.fuzzy_cache) >= _FUZZY_CACHE_LIMIT:
        index.fuzzy_cache.clear()
    index.fuzzy_cache[key] = result
    return result


@dataclass(frozen=True)
class Gazetteer:
    """Actors with their aliases; `fingerprint` changes whenever the content does."""

    actors: tuple[Actor, ...]
    fingerprint: str
    ignore: tuple[str, ...] = ()
    _index: list[AliasIndex] = field(default_factory=list, compare=False, repr=False)

    def index(self) -> AliasIndex:
        """The alias index, built on first use and kept with the gazetteer."""
        if not self._index:
            self._index.append(AliasIndex(self.actors, self.ignore))
        return self._index[0]


EMPTY_GAZETTEER = Gazetteer((), "empty")


def gazetteer_from_actors(actors: list[Actor], ignore: tuple[str, ...] = ()) -> Gazetteer:
    """A gazetteer built in code (tests, benchmarks), fingerprinted by its content."""
    digest = hashlib.sha256(repr((actors, ignore, MATCHER_VERSION)).encode()).hexdigest()
    return Gazetteer(tuple(actors), digest, ignore)


def load_gazetteer(path: Path) -> Gazetteer:
    """Read and check an actors.toml; every problem is a BadSidecar naming file and line."""
    toml = load_toml(path)
    unknown = set(toml.data) - {"actor", "ignore"}
    if unknown:
        key = sorted(unknown)[0]
        raise toml.error(f"unknown top-level key '{key}' (expected [[actor]] tables)", key)
    ignore = _str_list(toml, toml.data.get("ignore"), "ignore", "ignore", toml.line_of)
    raw_actors = toml.data.get("actor", [])
    if not isinstance(raw_actors, list):
        raise toml.error("'actor' must be [[actor]] tables", "actor")
    starts = _actor_lines(toml.raw)
    actors = [_actor(toml, item, n, starts) for n, item in enumerate(raw_actors)]
    _check_links(toml, actors, starts)
    digest = hashlib.sha256(toml.raw.encode() + MATCHER_VERSION.encode()).hexdigest()
    return Gazetteer(tuple(actors), digest, ignore)


_ACTOR_HEADER = re.compile(r"^\s*\[\[\s*actor\s*\]\]")


def _actor_lines(raw: str) -> list[int]:
    return [n for n, line in enumerate(raw.splitlines(), 1) if _ACTOR_HEADER.match(line)]


def _fail(toml: Toml, message: str, line: int | None) -> BadSidecar:
    return toml.error(message) if line is None else _at(toml, line, message)


def _at(toml: Toml, line: int, message: str) -> BadSidecar:
    return BadSidecar(f"{toml.path}:{line}: {message}")


def _line_in_block(toml: Toml, starts: list[int], n: int, needle: str) -> int | None:
    """The line of `needle` inside the n-th [[actor]] block, else the block's first line.
    Only called to report an error, so scanning the text each time is fine."""
    if n >= len(starts):
        return None
    lines = toml.raw.splitlines()
    end = starts[n + 1] - 1 if n + 1 < len(starts) else len(lines)
    for number in range(starts[n], end + 1):
        if needle and needle in lines[number - 1]:
            return number
    return starts[n]


Locate = Callable[[str], "int | None"]


def _str_list(toml: Toml, value: object, key: str, where: str, locate: Locate) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(toml, f"{where}: '{key}' must be a list of strings", locate(key))
    for item in value:
        if not any(ch.isalnum() for ch in item):
            raise _fail(
                toml, f"{where}: '{key}' has an entry with no letters: {item!r}", locate(key)
            )
    return tuple(" ".join(v.split()) for v in value)


def _actor(toml: Toml, item: object, n: int, starts: list[int]) -> Actor:
    line = starts[n] if n < len(starts) else None

    def locate(needle: str) -> int | None:
        return _line_in_block(toml, starts, n, needle)

    where = f"actor #{n + 1}"
    if not isinstance(item, dict):
        raise _fail(toml, f"{where} must be a table", line)
    name = item.get("name")
    if not isinstance(name, str) or not any(ch.isalnum() for ch in name):
        raise _fail(toml, f"{where} needs a name (a string with letters)", line)
    where = f"actor '{name}'"
    unknown = sorted(set(item) - _ACTOR_KEYS)
    if unknown:
        raise _fail(toml, f"{where}: unknown key '{unknown[0]}'", locate(unknown[0]))
    kind = item.get("type")
    if kind not in ACTOR_TYPES:
        expected = " | ".join(ACTOR_TYPES)
        raise _fail(toml, f"{where}: type must be one of {expected}, not {kind!r}", locate("type"))
    texts: dict[str, str | None] = {}
    for key in ("affiliation", "description"):
        value = item.get(key)
        if value is not None and not isinstance(value, str):
            raise _fail(toml, f"{where}: '{key}' must be a string", locate(key))
        texts[key] = value
    aliases = _str_list(toml, item.get("aliases"), "aliases", where, locate)
    demonyms = _str_list(toml, item.get("demonyms"), "demonyms", where, locate)
    name = " ".join(name.split())
    return Actor(
        name=name,
        type=str(kind),
        aliases=tuple(dict.fromkeys(a for a in aliases if a != name)),
        affiliation=texts["affiliation"],
        description=texts["description"],
        demonyms=tuple(dict.fromkeys(demonyms)),
    )


def _check_links(toml: Toml, actors: list[Actor], starts: list[int]) -> None:
    """Names unique, every alias belonging to one actor, affiliations pointing at actors."""
    owner: dict[str, str] = {}
    index: dict[str, int] = {}
    for n, actor in enumerate(actors):
        if actor.name in index:
            first = starts[index[actor.name]] if index[actor.name] < len(starts) else None
            raise _fail(
                toml,
                f"actor '{actor.name}' is defined twice (first at line {first})",
                starts[n] if n < len(starts) else None,
            )
        index[actor.name] = n
        for name in (actor.name, *actor.aliases, *actor.demonyms):
            for spelling in spellings(name):
                key = fold(spelling)
                other = owner.setdefault(key, actor.name)
                if other != actor.name:
                    at = _line_in_block(toml, starts, n, name)
                    raise _fail(
                        toml,
                        f"'{name}' names both '{other}' and '{actor.name}'; give it to one actor",
                        at,
                    )
    for n, actor in enumerate(actors):
        if actor.affiliation is not None and actor.affiliation not in index:
            at = _line_in_block(toml, starts, n, "affiliation")
            raise _fail(
                toml,
                f"actor '{actor.name}': affiliation '{actor.affiliation}' is not an actor "
                "in this file (use a canonical name)",
                at,
            )
