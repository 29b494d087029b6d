"""Read SQL for actors, their mentions and unresolved names; returns models, never dict rows."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable

from iraqtui.analysis.names import resolve_name
from iraqtui.errors import UnknownName
from iraqtui.models import ActorDetail, ActorSummary, CandidateSummary, InContext
from iraqtui.store.event_queries import outlet_runs
from iraqtui.store.queries import fetch
from iraqtui.textsafe import one_line, sanitize

CONTEXT_CHARS = 60
# Actor names are short; a fuzzy match needs a little less than an event name.
ACTOR_ACCEPT = 85.0


_OUTLET = "coalesce(nullif(s.outlet, ''), s.file)"
# Text either side of a span, from the display text (control characters already replaced).
# Up to CONTEXT_CHARS either side of the name, never past its paragraph (`p`, joined by the
# query; a heading or front matter above is not the name's context).
_LO = f"max(coalesce(p.start, 0), x.start - {CONTEXT_CHARS})"
_HI = f"coalesce(p.end, x.end + {CONTEXT_CHARS})"
_CONTEXT = f"""
    substr(s.display, {_LO} + 1, x.start - {_LO}) AS left,
    substr(s.display, x.start + 1, x.end - x.start) AS shown,
    substr(s.display, x.end + 1, min({CONTEXT_CHARS}, {_HI} - x.end)) AS right
"""


def actor_summaries(
    conn: sqlite3.Connection,
    *,
    actor_type: str | None = None,
    outlet: str | None = None,
    include_unmentioned: bool = False,
) -> list[ActorSummary]:
    """Actors with mention counts per outlet, most mentioned first."""
    actors: dict[int, tuple[str, str, str | None]] = {
        int(r["id"]): (r["name"], r["type"], r["affiliation"])
        for r in fetch(
            conn,
            "SELECT id, name, type, affiliation FROM actors WHERE (? IS NULL OR type = ?) "
            "ORDER BY id",
            (actor_type, actor_type),
        )
    }
    by_actor = _mentions_by_outlet(conn, list(actors), outlet)
    info = actors if include_unmentioned else {i: v for i, v in actors.items() if i in by_actor}
    summaries = [
        ActorSummary(
            id=actor_id,
            name=name,
            type=kind,
            affiliation=affiliation,
            mentions=sum(by_actor[actor_id].values()),
            by_outlet=dict(sorted(by_actor[actor_id].items(), key=lambda kv: (-kv[1], kv[0]))),
        )
        for actor_id, (name, kind, affiliation) in info.items()
    ]
    summaries.sort(key=lambda a: (-a.mentions, a.name.casefold()))
    return summaries


# Index range counts (actors x runs) below which the ranges always win; above, only while
# there are fewer of them than half the mentions (a pass over the whole index).
_RANGE_PROBES = 10_000


def _mentions_by_outlet(
    conn: sqlite3.Connection, actor_ids: list[int], outlet: str | None
) -> dict[int, dict[str, int]]:
    """Mentions of each of these actors per outlet (only outlets with some). Counted as
    ranges of the (actor, source) index, one per actor and run of sources with one outlet:
    no row is read, and no source looked up per mention (16 s at a million paragraphs)."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    runs = outlet_runs(conn, _OUTLET, outlet)
    (top,) = conn.execute("SELECT coalesce(max(id), 0) FROM mentions").fetchone()
    if not actor_ids or not runs or not top:
        return counts
    rows: Iterable[tuple[int, str | None, int]]
    if len(actor_ids) * len(runs) <= max(_RANGE_PROBES, int(top) // 2):
        rows = conn.execute(
            "SELECT a.value, json_extract(r.value, '$[2]'), (SELECT count(*) FROM mentions m "
            "WHERE m.actor = a.value AND m.source "
            "BETWEEN json_extract(r.value, '$[0]') AND json_extract(r.value, '$[1]')) "
            "FROM json_each(?) a, json_each(?) r",
            (json.dumps(actor_ids), json.dumps(runs)),
        )
    else:  # outlets interleaved in id order: a range per source would cost more than this
        keys = {
            int(i): str(k)
            for i, k, raw in conn.execute(f"SELECT s.id, {_OUTLET}, s.outlet FROM sources s")
            if outlet is None or raw == outlet
        }
        rows = (
            (actor, keys.get(source), n)
            for actor, source, n in conn.execute(
                "SELECT actor, source, count(*) FROM mentions "
                "WHERE actor IN (SELECT value FROM json_each(?)) GROUP BY actor, source",
                (json.dumps(actor_ids),),
            )
        )
    for actor, name, n in rows:
        if n and name is not None:
            by_outlet = counts[int(actor)]
            by_outlet[str(name)] = by_outlet.get(str(name), 0) + int(n)
    return counts


def actor_names(conn: sqlite3.Connection) -> dict[str, str]:
    """Every name and alias of every actor, mapped to the actor's canonical name."""
    names: dict[str, str] = {}
    for name, alias in conn.execute(
        "SELECT a.name, x.alias FROM actors a JOIN actor_aliases x ON x.actor = a.id"
    ):
        names.setdefault(str(alias), str(name))
    for (name,) in conn.execute("SELECT name FROM actors"):
        names[str(name)] = str(name)
    return names


def resolve_actor(conn: sqlite3.Connection, query: str) -> str:
    """The canonical name a user means: exact (any case) on a name or alias, else a clear
    fuzzy match; otherwise UnknownName listing the closest."""
    found = resolve_name(query, list(actor_names(conn).items()), accept=ACTOR_ACCEPT, limit=8)
    if found.found is not None:
        return found.found
    listed = ", ".join(repr(c) for c in found.closest[:3]) or "none (the database has no actors)"
    raise UnknownName(f"no actor named {one_line(query, 80)!r}; closest: {listed}")


def actor_detail(conn: sqlite3.Connection, name: str, outlet: str | None = None) -> ActorDetail:
    """One actor by canonical name, with the names seen and every mention in context."""
    rows = fetch(conn, "SELECT * FROM actors WHERE name = ?", (name,))
    if not rows:
        raise UnknownName(f"no actor named {one_line(name, 80)!r}")
    actor = rows[0]
    aliases: list[str] = []
    demonyms: list[str] = []
    for alias, kind in conn.execute(
        "SELECT alias, kind FROM actor_aliases WHERE actor = ? ORDER BY alias", (actor["id"],)
    ):
        (demonyms if kind == "demonym" else aliases).append(str(alias))
    seen = fetch(
        conn,
        """
        SELECT substr(s.display, x.start + 1, x.end - x.start) AS shown, x.method, count(*) AS n
        FROM mentions x JOIN sources s ON s.id = x.source
        WHERE x.actor = ? AND (? IS NULL OR s.outlet = ?)
        GROUP BY shown, x.method ORDER BY n DESC, shown
        """,
        (actor["id"], outlet, outlet),
    )
    mentions = fetch(
        conn,
        f"""
        SELECT x.source, s.file, {_OUTLET} AS outlet, x.start, x.end, x.method, x.score,
               {_CONTEXT}
        FROM mentions x JOIN sources s ON s.id = x.source
        LEFT JOIN paragraphs p ON p.id = x.paragraph
        WHERE x.actor = ? AND (? IS NULL OR s.outlet = ?)
        ORDER BY outlet, s.published IS NULL, s.published, s.file, x.start
        """,
        (actor["id"], outlet, outlet),
    )
    return ActorDetail(
        id=actor["id"],
        name=actor["name"],
        type=actor["type"],
        affiliation=actor["affiliation"],
        description=actor["description"],
        aliases=tuple(aliases),
        demonyms=tuple(demonyms),
        seen=tuple((r["shown"], r["method"], r["n"]) for r in seen),
        mentions=tuple(_in_context(r) for r in mentions),
    )


def unresolved_candidates(
    conn: sqlite3.Connection, *, limit: int = 100, contexts: int = 3, min_count: int = 1
) -> list[CandidateSummary]:
    """Names that resolved to no actor, most frequent first (case folded), with contexts."""
    groups = fetch(
        conn,
        """
        SELECT lower(surface) AS k, count(*) AS n, count(DISTINCT source) AS ns
        FROM candidates GROUP BY k HAVING n >= ? ORDER BY n DESC, k LIMIT ?
        """,
        (min_count, limit),
    )
    if not groups:
        return []
    keys = [r["k"] for r in groups]
    marks = ", ".join("?" for _ in keys)
    rows = fetch(
        conn,
        f"""
        SELECT * FROM (
            SELECT lower(x.surface) AS k, x.source, s.file, {_OUTLET} AS outlet, x.start,
                   x.end, {_CONTEXT},
                   row_number() OVER (PARTITION BY lower(x.surface) ORDER BY s.file, x.start) AS rn
            FROM candidates x JOIN sources s ON s.id = x.source
            LEFT JOIN sentences t ON t.id = x.sentence
            LEFT JOIN paragraphs p ON p.id = t.paragraph
            WHERE lower(x.surface) IN ({marks})
        ) WHERE rn <= ?
        """,
        (*keys, max(1, contexts)),
    )
    found: dict[str, list[InContext]] = defaultdict(list)
    spelling: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        found[r["k"]].append(_in_context(r))
    for k, shown, n in conn.execute(
        f"SELECT lower(surface), surface, count(*) FROM candidates WHERE lower(surface) IN "
        f"({marks}) GROUP BY surface",
        keys,
    ):
        spelling[str(k)][sanitize(str(shown))] += int(n)
    return [
        CandidateSummary(
            surface=max(spelling[r["k"]].items(), key=lambda kv: (kv[1], kv[0]))[0]
            if spelling[r["k"]]
            else r["k"],
            count=r["n"],
            sources=r["ns"],
            contexts=tuple(found[r["k"]]),
        )
        for r in groups
    ]


def _in_context(r: sqlite3.Row) -> InContext:
    keys = r.keys()
    return InContext(
        source=r["source"],
        file=r["file"],
        outlet=r["outlet"],
        start=r["start"],
        end=r["end"],
        surface=r["shown"],
        left=r["left"],
        right=r["right"],
        method=r["method"] if "method" in keys else "",
        score=r["score"] if "score" in keys else None,
    )
