"""Full-text search: FTS5 syntax for those who know it, plain words for everyone else."""

from __future__ import annotations

import re
import sqlite3
from functools import partial

from iraqtui.errors import BadQuery
from iraqtui.models import HIT_CLOSE, HIT_OPEN, SearchResult
from iraqtui.store.queries import search_paragraphs
from iraqtui.textsafe import sanitize

_WORD = re.compile(r"[\w'’]+(?:-[\w'’]+)*\*?")
_PREFIX = re.compile(r"(?<![\w\"])(\w{5,})\*")
MAX_QUERY_CHARS = 1000


def plain_terms(query: str) -> str:
    """Each word as a quoted FTS5 phrase (hyphenated words stay together, `word*` a prefix)."""
    parts = []
    for token in _WORD.findall(query):
        prefix = token.endswith("*")
        word = token.rstrip("*").strip("'’")
        if not word or not any(ch.isalnum() for ch in word):
            continue
        parts.append(f'"{word}"*' if prefix else f'"{word}"')
    return " ".join(parts)


def search(
    conn: sqlite3.Connection,
    query: str,
    *,
    limit: int = 20,
    outlet: str | None = None,
    include_boilerplate: bool = False,
) -> SearchResult:
    """Ranked paragraphs for `query`; a malformed FTS5 query runs again as plain words."""
    cleaned = query.replace("\x00", " ").strip()[:MAX_QUERY_CHARS]
    if not _WORD.search(cleaned) or not any(ch.isalnum() for ch in cleaned):
        raise BadQuery(f"nothing to search for in {sanitize(query)!r}: type at least one word")
    try:
        hits = search_paragraphs(
            conn, cleaned, limit=limit, outlet=outlet, include_boilerplate=include_boilerplate
        )
        if not hits and _PREFIX.search(cleaned):
            return _shortened_prefixes(conn, cleaned, limit, outlet, include_boilerplate)
        return SearchResult(cleaned, tuple(hits))
    except sqlite3.OperationalError as exc:
        if "interrupted" in str(exc):
            raise
        problem = str(exc).removeprefix("fts5: ")
    plain = plain_terms(cleaned)
    if not plain:
        raise BadQuery(f"cannot search for {sanitize(query)!r} ({problem})")
    try:
        hits = search_paragraphs(
            conn, plain, limit=limit, outlet=outlet, include_boilerplate=include_boilerplate
        )
    except sqlite3.OperationalError as exc:
        if "interrupted" in str(exc):
            raise
        raise BadQuery(f"cannot search for {sanitize(query)!r} ({exc})") from None
    note = f"not valid FTS5 syntax ({problem}); searched for the words {plain}"
    return SearchResult(cleaned, tuple(hits), fell_back=True, note=note)


def _shortened_prefixes(
    conn: sqlite3.Connection, query: str, limit: int, outlet: str | None, boilerplate: bool
) -> SearchResult:
    """The index holds stems ("negotiations" is stored as "negoti"), so a prefix such as
    `negotiat*` can miss; retry with the prefix one, two, then three letters shorter."""
    for cut in (1, 2, 3):
        shorter = _PREFIX.sub(partial(_trim_prefix, cut=cut), query)
        if shorter == query:
            break
        hits = search_paragraphs(
            conn, shorter, limit=limit, outlet=outlet, include_boilerplate=boilerplate
        )
        if hits:
            note = f"no hits for {query}; the index stores word stems, so showing {shorter}"
            return SearchResult(query, tuple(hits), note=note)
    return SearchResult(query, ())


def _trim_prefix(match: re.Match[str], cut: int) -> str:
    word = match.group(1)
    return word[: max(4, len(word) - cut)] + "*"


def render_snippet(snippet: str, open_mark: str, close_mark: str) -> str:
    """Swap the hit markers for whatever the output needs (ANSI, Markdown, nothing)."""
    return sanitize(snippet).replace(HIT_OPEN, open_mark).replace(HIT_CLOSE, close_mark)
