"""Resolve speaker names and outlet names: the gazetteer first, a small outlet lexicon after.

Works without a gazetteer (a bare folder of texts): names then stay as written, and outlets
are recognised from a built-in list of news organisations and from words like "Times" or "Blog".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from iraqtui.ingest.gazetteer import Gazetteer
from iraqtui.models import Actor, Mention

# Well-known outlets for corpora without a gazetteer; a gazetteer's media actors win.
KNOWN_OUTLETS: dict[str, tuple[str, ...]] = {
    "The New York Times": ("New York Times", "NYT", "N.Y. Times", "NY Times"),
    "The Associated Press": ("Associated Press", "AP", "A.P."),
    "Agence France-Presse": ("AFP", "Agence France Presse"),
    "Reuters": (),
    "CNN": (),
    "BBC": ("BBC News",),
    "NPR": ("National Public Radio",),
    "The Washington Post": ("Washington Post", "WaPo"),
    "The Wall Street Journal": ("Wall Street Journal", "WSJ"),
    "Los Angeles Times": ("LA Times", "L.A. Times"),
    "The Guardian": ("Guardian",),
    "The Times (London)": ("Times of London", "London Times"),
    "The Independent": (),
    "The Daily Telegraph": ("Telegraph",),
    "The Economist": ("Economist",),
    "TIME": ("Time magazine",),
    "Newsweek": (),
    "USA Today": (),
    "McClatchy": ("McClatchy Newspapers",),
    "Knight Ridder": (),
    "Bloomberg": (),
    "Al Jazeera": ("Al-Jazeera",),
    "Al Arabiya": ("Al-Arabiya",),
    "Fox News": (),
    "ABC News": (),
    "CBS News": (),
    "NBC News": (),
    "MSNBC": (),
    "Politico": (),
}
# A capitalised run containing one of these words names a publication.
_PRESS_WORD = re.compile(
    r"\b(?:[A-Z][\w’'&.-]*\s+){0,3}(?:Times|Post|Journal|News|Herald|Tribune|Gazette|Telegraph|"
    r"Guardian|Independent|Observer|Monthly|Weekly|Magazine|Blog|Daily|Chronicle|Review|"
    r"Radio|Television|Press|Wire)\b(?:\s+of\s+[A-Z]\w+)?"
)
_FOLD = str.maketrans({"’": "'", "‘": "'", "‐": "-", "‑": "-", "–": "-", "—": "-"})
# The same mapping as pairs: `replace` per character beats `translate` with a dict on
# anything but a few words (no replacement is itself a key, so the order is free).
_FOLD_PAIRS = tuple((chr(code), str(to)) for code, to in _FOLD.items())
PRONOUNS = frozenset("he she they him her them i we".split())
PERSON_TITLES = frozenset(
    "mr mrs ms miss dr gen gens brig lt col maj capt sgt cpl adm cmdr gov sen rep amb pres "
    "prof rev president ambassador minister prime premier sheikh sheik ayatollah imam cleric "
    "general colonel major captain lieutenant sergeant admiral governor senator secretary "
    "chairman spokesman spokeswoman judge deputy vice commander chief sir lord dame king queen "
    "prince emir grand retired former".split()
)
_TITLED_NAME = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Gen|Brig|Lt|Col|Maj|Capt|Sgt|Adm|Gov|Sen|Rep|Amb|Prof|Rev)\.\s+"
    r"(?:(?:Gen|Col|Maj)\.\s+)?((?:(?:al|el|bin|ibn|abu|de|van|von)[- ])?[A-Z][\w’'-]+"
    r"(?:\s+(?:(?:al|el|bin|ibn|abu|de|van|von)[- ])?[A-Z][\w’'-]+){0,3})"
    r"|\b(?:Ambassador|President|Minister|Sheikh|Ayatollah|Imam|[Cc]orrespondent|"
    r"[Ss]pokesman|[Ss]pokeswoman|[Aa]nalyst|[Cc]ommander|[Oo]fficer|[Gg]eneral),?\s+"
    r"((?:(?:al|el)[- ])?[A-Z][\w’'-]+(?:\s+(?:(?:al|el|bin|ibn|abu)[- ])?[A-Z][\w’'-]+){0,3})"
    # A name in apposition that only a person takes: "Omar Saleh, who speaks for ...",
    # "Leila Haddad, 34, a teacher".
    r"|\b([A-Z][\w’'-]+(?:\s+(?:(?:al|el|bin|ibn|abu|de|van|von)[- ])?[A-Z][\w’'-]+){1,3})"
    r"(?=,\s+(?:who|whose)\b|,\s+\d{1,3},)"
)


def _fold(text: str) -> str:
    for old, new in _FOLD_PAIRS:
        text = text.replace(old, new)
    return text


_POSSESSIVE = re.compile(r"'s\b")
_LEADING_THE = re.compile(r"^the\s+")
_LEADING_THE_ANY_CASE = re.compile(r"^[Tt]he\s+")


@lru_cache(maxsize=65_536)
def norm_name(text: str) -> str:
    """A name folded for lookup: case, apostrophes, hyphens, a leading 'the', possessive."""
    folded = text.translate(_FOLD).casefold().replace(".", "").replace("-", " ")
    folded = _POSSESSIVE.sub("", folded)
    folded = _LEADING_THE.sub("", " ".join(folded.split()))
    return folded


@dataclass(frozen=True)
class Resolver:
    """Alias tables built once per gazetteer."""

    by_alias: dict[str, Actor]
    outlet_pattern: re.Pattern[str]
    outlet_canonical: dict[str, str]
    actors: dict[str, Actor]
    person_pattern: re.Pattern[str] | None  # every person alias longer than three letters

    def actor(self, surface: str) -> Actor | None:
        """The actor a name refers to: the whole name, then its last word (a surname)."""
        key = norm_name(surface)
        if not key:
            return None
        found = self.by_alias.get(key)
        if found is None and " " in key:
            found = self.by_alias.get(key.rsplit(" ", 1)[1])
            if found is not None and found.type != "person":
                found = None
        return found

    def outlet_name(self, surface: str) -> str:
        """Canonical outlet name for a surface form, else the surface without a leading 'the'."""
        key = norm_name(surface)
        if key in self.outlet_canonical:
            return self.outlet_canonical[key]
        found = self.by_alias.get(key)
        if found is not None and found.type == "media":
            return found.name
        return _LEADING_THE_ANY_CASE.sub("", surface.strip())

    def is_outlet(self, surface: str) -> bool:
        key = norm_name(surface)
        if key in self.outlet_canonical:
            return True
        found = self.by_alias.get(key)
        return found is not None and found.type == "media"

    def media_affiliation(self, actor_name: str | None) -> str | None:
        actor = self.actors.get(actor_name or "")
        if actor is None or not actor.affiliation:
            return None
        parent = self.actors.get(actor.affiliation)
        if parent is not None and parent.type == "media":
            return parent.name
        if norm_name(actor.affiliation) in self.outlet_canonical:
            return self.outlet_canonical[norm_name(actor.affiliation)]
        return None

    def outlets_in(self, text: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
        """(start, end, canonical outlet) for each outlet named in text[lo:hi]."""
        segment = _fold(text[lo:hi])
        found: list[tuple[int, int, str]] = []
        for m in self.outlet_pattern.finditer(segment):
            found.append((lo + m.start(), lo + m.end(), self.outlet_name(m.group(0))))
        taken = [(s, e) for s, e, _ in found]
        for m in _PRESS_WORD.finditer(segment):
            s, e = lo + m.start(), lo + m.end()
            if not any(a < e and s < b for a, b in taken):
                found.append((s, e, self.outlet_name(m.group(0))))
        return sorted(found)


def person_positions(
    text: str, lo: int, hi: int, mentions: list[Mention], resolver: Resolver
) -> list[tuple[int, int, str, str | None]]:
    """Where persons are named in [lo, hi): (start, end, surface, actor) from the actor
    mentions, plus names after a title ("Col. Abbas al-Tamimi") that the mentions missed.
    A name inside a longer mention of something else ("Sadr" in "Sadr City") is no person."""
    out: list[tuple[int, int, str, str | None]] = []
    others: list[tuple[int, int]] = []
    for m in mentions:
        actor = resolver.actors.get(m.actor)
        if lo <= m.start < hi and actor is not None and actor.type == "person":
            out.append((m.start, m.end, m.surface, actor.name))
        elif m.start < hi and lo < m.end:
            others.append((m.start, m.end))
    for titled in _TITLED_NAME.finditer(text, lo, hi):
        group = next(g for g in (1, 2, 3) if titled.group(g))
        s, e = titled.start(group), titled.end(group)
        if any(a < e and s < b for a, b, _, _ in out) or any(a < e and s < b for a, b in others):
            continue
        surface = titled.group(group)
        actor = resolver.actor(surface)
        out.append((s, e, surface, actor.name if actor and actor.type == "person" else None))
    for actor_name, (s, e) in _alias_scan(text, lo, hi, resolver):
        if not any(a < e and s < b for a, b, _, _ in out) and not any(
            a < e and s < b for a, b in others
        ):
            out.append((s, e, text[s:e], actor_name))
    return sorted(out)


def _alias_scan(
    text: str, lo: int, hi: int, resolver: Resolver
) -> list[tuple[str, tuple[int, int]]]:
    """Person aliases found directly, so pronouns resolve even before actor mentions exist."""
    pattern = resolver.person_pattern
    if pattern is None:
        return []
    folded = _fold(text[lo:hi]).replace("-", " ")
    out = []
    for m in pattern.finditer(folded):
        if text[lo + m.start()].isupper():
            actor = resolver.by_alias.get(m.group(0).casefold())
            if actor is not None:
                out.append((actor.name, (lo + m.start(), lo + m.end())))
    return out


def _person_pattern(by_alias: dict[str, Actor]) -> re.Pattern[str] | None:
    aliases = sorted(a for a, x in by_alias.items() if x.type == "person" and len(a) > 3)
    if not aliases:
        return None
    ordered = sorted(aliases, key=len, reverse=True)
    # The regex engine tries every alternative at every word boundary. Grouped by first
    # character behind a lookahead, it tries only the aliases that can start there, in the
    # same order, so it finds the same matches (unless two first characters are the same
    # letter ignoring case, when the plain alternation is kept).
    groups: dict[str, list[str]] = {}
    for alias in ordered:
        groups.setdefault(alias[0], []).append(alias)
    heads = list(groups)
    clash = any(
        a != b and re.fullmatch(re.escape(a), b, re.IGNORECASE) for a in heads for b in heads
    )
    if clash:
        body = "|".join(re.escape(a) for a in ordered)
    else:
        body = "|".join(
            f"(?={re.escape(h)})(?:" + "|".join(re.escape(a) for a in groups[h]) + ")"
            for h in heads
        )
    return re.compile(r"\b(?:" + body + r")\b", re.IGNORECASE)


_RESOLVERS: dict[str, Resolver] = {}


def _build(gazetteer: Gazetteer) -> Resolver:
    by_alias: dict[str, Actor] = {}
    actors: dict[str, Actor] = {}
    surfaces: dict[str, str] = {}
    for actor in gazetteer.actors:
        actors[actor.name] = actor
        for alias in (actor.name, *actor.aliases):
            by_alias.setdefault(norm_name(alias), actor)
            if actor.type == "media":
                surfaces[alias] = actor.name
    canonical: dict[str, str] = {}
    for name, aliases in KNOWN_OUTLETS.items():
        for alias in (name, *aliases):
            key = norm_name(alias)
            known = by_alias.get(key)
            canonical[key] = known.name if known is not None and known.type == "media" else name
            surfaces.setdefault(alias, canonical[key])
    for alias, name in surfaces.items():
        canonical.setdefault(norm_name(alias), name)
    forms = sorted({s.translate(_FOLD) for s in surfaces}, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![\w.])(?:[Tt]he\s+)?(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w])"
    )
    return Resolver(by_alias, pattern, canonical, actors, _person_pattern(by_alias))


def resolver_for(gazetteer: Gazetteer) -> Resolver:
    """The resolver of a gazetteer, built once per gazetteer fingerprint."""
    key = f"{gazetteer.fingerprint}:{len(gazetteer.actors)}"
    found = _RESOLVERS.get(key)
    if found is None:
        if len(_RESOLVERS) > 8:
            _RESOLVERS.clear()
        found = _RESOLVERS[key] = _build(gazetteer)
    return found
