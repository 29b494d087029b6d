"""Resolve a name a user typed to the one thing it means (an event, an actor ...): exactly,
else by a clear fuzzy match; otherwise the closest, for the error message.

Shared by `compare`, `iraqtui events KEY` and `iraqtui actors NAME`, so the three accept and
refuse the same way.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from rapidfuzz import fuzz, process, utils

T = TypeVar("T", bound=Hashable)

# A fuzzy match is taken when it scores at least `accept` (rapidfuzz WRatio, 0-100) and beats
# every other target by at least MARGIN points.
FUZZY_ACCEPT = 88.0
MARGIN = 5.0
# Names are a few words long; a longer query cannot match one better, and fuzzy scoring a
# 20,000-character paste against every name took seconds. Messages echo at most 80 of them.
MAX_QUERY_CHARS = 300


@dataclass(frozen=True)
class Resolution(Generic[T]):
    """The target meant (None when unclear) and the closest targets, best first."""

    found: T | None
    closest: tuple[T, ...]


def resolve_name(
    query: str,
    names: Sequence[tuple[str, T]],
    *,
    accept: float = FUZZY_ACCEPT,
    limit: int = 12,
) -> Resolution[T]:
    """The target one of whose `names` (name, target pairs, several per target allowed) the
    query means: equal ignoring case, else the clear best fuzzy match. Only the first
    MAX_QUERY_CHARS characters of the query count."""
    query = query.strip()[:MAX_QUERY_CHARS]
    wanted = query.casefold()
    exact = list(dict.fromkeys(t for name, t in names if name.casefold() == wanted))
    if len(exact) == 1:
        return Resolution(exact[0], tuple(exact))
    if exact:  # the same name for two things: say which, do not guess
        return Resolution(None, tuple(exact))
    by_name: dict[str, T] = {}
    for name, target in names:
        by_name.setdefault(name, target)
    ranked = process.extract(
        query, list(by_name), scorer=fuzz.WRatio, processor=utils.default_process, limit=limit
    )
    best: list[tuple[T, float, bool]] = []  # target, score, whether its name covers the query
    seen: set[T] = set()
    query_length = len(utils.default_process(query))
    for choice, score, _index in ranked:
        target = by_name[str(choice)]
        if target not in seen:
            seen.add(target)
            covers = len(utils.default_process(str(choice))) >= query_length
            best.append((target, float(score), covers))
    closest = tuple(t for t, _s, _c in best)
    if not best or best[0][1] < accept:
        return Resolution(None, closest)
    if len(best) == 1 or best[0][1] - best[1][1] >= MARGIN:
        return Resolution(best[0][0], closest)
    # WRatio scores a short name found inside the query ("Qom" in "qom talks") as high as the
    # name the query abbreviates or misspells; of the near-equal ones, take the only one that
    # covers the whole query.
    near = [(t, c) for t, s, c in best if s >= accept and s >= best[0][1] - MARGIN]
    whole = [t for t, c in near if c]
    return Resolution(whole[0] if len(whole) == 1 else None, closest)
