"""The near-synonym lexicon of conflict reporting (`synonyms.toml`, shipped in the package):
which words and phrases `propose` reads as one concept ("truce", "ceasefire", "stand down").

Matching is on Porter stems, word by word, longest phrase first, so "the ceasefires" and
"cease-fire" are the truce concept and "stood down" is too, while "stands to reason" is not.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from iraqtui.ingest.catalogue import stems, words

CONCEPT_PREFIX = "~"  # a concept's feature key: "~truce", never a word's stem


@dataclass(frozen=True)
class Lexicon:
    """Phrases (as stems) by their first stem, longest first, each with its concept key."""

    by_first: dict[str, tuple[tuple[tuple[str, ...], str], ...]]
    concepts: tuple[str, ...]  # concept keys, in file order

    def matches(self, stemmed: Sequence[str]) -> dict[int, tuple[int, str]]:
        """Where a lexicon phrase starts in `stemmed`: {first word: (past-last word, concept)}.
        Matches do not overlap; the longer wins, then the earlier."""
        out: dict[int, tuple[int, str]] = {}
        i = 0
        while i < len(stemmed):
            for phrase, concept in self.by_first.get(stemmed[i], ()):
                if tuple(stemmed[i : i + len(phrase)]) == phrase:
                    out[i] = (i + len(phrase), concept)
                    i += len(phrase)
                    break
            else:
                i += 1
        return out

    def concept_of(self, stem: str) -> str | None:
        """The concept of a one-word member of the lexicon."""
        for phrase, concept in self.by_first.get(stem, ()):
            if len(phrase) == 1:
                return concept
        return None


def concept_key(concept: str) -> str:
    """The feature key of a concept: no spaces, so it splits cleanly out of a bigram."""
    return CONCEPT_PREFIX + "_".join(words(concept))


def parse_lexicon(text: str, where: str = "synonyms.toml") -> Lexicon:
    """A lexicon from TOML text; a malformed group or a word in two groups raises ValueError."""
    data = tomllib.loads(text)
    owner: dict[tuple[str, ...], str] = {}
    first: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
    concepts: list[str] = []
    for index, group in enumerate(data.get("group", []), start=1):
        concept = group.get("concept") if isinstance(group, dict) else None
        members = group.get("words") if isinstance(group, dict) else None
        if not isinstance(concept, str) or not words(concept) or not isinstance(members, list):
            raise ValueError(f"{where}: group #{index} needs a 'concept' and a 'words' list")
        key = concept_key(concept)
        if key in concepts:
            raise ValueError(f"{where}: concept {concept!r} is used twice")
        concepts.append(key)
        for member in members:
            phrase = tuple(stems(words(member))) if isinstance(member, str) else ()
            if not phrase:
                raise ValueError(f"{where}: group {concept!r} has a member with no words")
            if phrase in owner and owner[phrase] != key:
                raise ValueError(f"{where}: {member!r} is in two groups")
            if phrase not in owner:
                owner[phrase] = key
                first[phrase[0]].append((phrase, key))
    return Lexicon(
        by_first={k: tuple(sorted(v, key=lambda p: -len(p[0]))) for k, v in first.items()},
        concepts=tuple(concepts),
    )


@cache
def conflict_lexicon() -> Lexicon:
    """The lexicon shipped with iraqtui (read once)."""
    text = resources.files("iraqtui.analysis").joinpath("synonyms.toml").read_text("utf-8")
    return parse_lexicon(text)
