"""Load and validate an events.toml catalogue, and the word and stem helpers events use.

Stems come from SQLite's own FTS5 Porter tokenizer (the one the full-text indexes use), so a
term that finds a paragraph in search is the term that assigns a sentence to an event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from iraqtui.errors import BadSidecar
from iraqtui.ingest.sidecar import Toml, expect_str, expect_str_list, load_toml
from iraqtui.models import EventDef

EVENTS_NAME = "events.toml"
_KEY = re.compile(r"^[a-z0-9_]+$")
_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
# Bump when events.py changes what it assigns: the fingerprint, and so each source's
# analysis key, changes with it and sources are re-analysed.
ASSIGNER_VERSION = "3"
_EVENT_KEYS = {
    "key",
    "label",
    "date",
    "date_end",
    "date_note",
    "description",
    "terms",
    "phrases",
    "actors",
}
# Words: runs of letters and digits, with an inside apostrophe kept for `_normal` to fold.
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
STOPWORDS = frozenset(
    "a about above after again against all also am an and any are as at be because been before "
    "being below between both but by can could did do does doing don down during each even few "
    "for from further had has have having he her here hers herself him himself his how i if in "
    "into is it its itself just ll me more most my myself no nor not now of off on once only or "
    "other our ours out over own re s same she should so some such t than that the their theirs "
    "them themselves then there these they this those through to too under until up ve very was "
    "we were what when where which while who whom why will with would you your yours d m "
    "said says say also one two like may might must shall yet still get got go going dont didnt "
    "doesnt cant couldnt wont wouldnt isnt arent wasnt werent hasnt havent al el".split()
)


@dataclass(frozen=True)
class Catalogue:
    """Events and how to recognise them; `fingerprint` changes whenever the content does."""

    events: tuple[EventDef, ...]
    fingerprint: str


EMPTY_CATALOGUE = Catalogue((), "empty")


def load_catalogue(path: Path) -> Catalogue:
    """Read and validate an events.toml; a problem raises BadSidecar naming file and line."""
    toml = load_toml(path)
    unknown = set(toml.data) - {"event"}
    if unknown:
        key = sorted(unknown)[0]
        raise toml.error(f"unknown top-level key '{key}' (expected [[event]] tables)", key)
    raw = toml.data.get("event", [])
    if not isinstance(raw, list):
        raise toml.error("'event' must be an array of tables: write [[event]]", "event")
    events: list[EventDef] = []
    seen: set[str] = set()
    for index, entry in enumerate(raw, start=1):
        event = _event(toml, entry, index)
        if event.key in seen:
            raise BadSidecar(
                f"{toml.path}:{_second_line(toml, event.key)}: event key "
                f"'{event.key}' is used twice"
            )
        seen.add(event.key)
        events.append(event)
    digest = hashlib.sha256(toml.raw.encode() + ASSIGNER_VERSION.encode()).hexdigest()
    return Catalogue(tuple(events), digest)


def _event(toml: Toml, entry: object, index: int) -> EventDef:
    where = f"event #{index}"
    if not isinstance(entry, dict):
        raise toml.error(f"{where} must be a table", "[[event]]")
    key = entry.get("key")
    if not isinstance(key, str) or not _KEY.match(key):
        raise toml.error(
            f"{where}: 'key' must be a string of lowercase letters, digits and '_'",
            f'"{key}"' if isinstance(key, str) else "key",
        )
    where = f"event '{key}'"
    near = f'"{key}"'
    unknown = set(entry) - _EVENT_KEYS
    if unknown:
        bad = sorted(unknown)[0]
        raise toml.error(f"{where}: unknown key '{bad}'", bad)
    label = expect_str(toml, entry.get("label"), "label", where)
    if not label or not label.strip():
        raise toml.error(f"{where}: 'label' is required", near)
    date = _date(toml, entry.get("date"), "date", where)
    if date is None:
        raise toml.error(f"{where}: 'date' is required (YYYY-MM-DD, YYYY-MM or YYYY)", near)
    date_end = _date(toml, entry.get("date_end"), "date_end", where)
    if date_end is not None and date_end < date:
        raise toml.error(f"{where}: 'date_end' {date_end} is before 'date' {date}", "date_end")
    terms = expect_str_list(toml, entry.get("terms"), "terms", where)
    phrases = expect_str_list(toml, entry.get("phrases"), "phrases", where)
    for value in (*terms, *phrases):
        if not words(value):
            raise toml.error(f"{where}: {value!r} has no words to match", value or near)
    if not terms and not phrases:
        raise toml.error(f"{where}: give 'terms' or 'phrases' so the event can be recognised", near)
    return EventDef(
        key=key,
        label=label.strip(),
        date=date,
        date_end=date_end,
        date_note=expect_str(toml, entry.get("date_note"), "date_note", where),
        description=expect_str(toml, entry.get("description"), "description", where),
        terms=terms,
        phrases=phrases,
        actors=expect_str_list(toml, entry.get("actors"), "actors", where),
    )


def _second_line(toml: Toml, key: str) -> int:
    """The line of the second `key = "..."` naming this key (where the repeat is)."""
    pattern = re.compile(rf"""^\s*key\s*=\s*["']{re.escape(key)}["']""")
    lines = [n for n, line in enumerate(toml.raw.splitlines(), start=1) if pattern.match(line)]
    return lines[1] if len(lines) > 1 else (lines[0] if lines else 0)


def _date(toml: Toml, value: object, key: str, where: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()  # an unquoted TOML date
    if isinstance(value, str) and _DATE.match(value) and _real_date(value):
        return value
    raise toml.error(f"{where}: '{key}' must be YYYY-MM-DD, YYYY-MM or YYYY, not {value!r}", key)


def _real_date(value: str) -> bool:
    """Whether a YYYY, YYYY-MM or YYYY-MM-DD string names a day or month that exists."""
    try:
        dt.date.fromisoformat((value + "-01-01")[:10])
    except ValueError:
        return False
    return True


# --- words and stems ------------------------------------------------------------------------


_CLITICS = ("'s", "'re", "'ve", "'ll", "'d", "'m")


def _normal(token: str) -> str:
    """Casefold, drop a possessive or clitic ("Sadr’s" -> "sadr", "they’re" -> "they") and
    fold a negation ("don’t" -> "dont")."""
    token = token.casefold()
    if "'" not in token and "’" not in token:
        return token
    token = token.replace("’", "'")
    for clitic in _CLITICS:
        if token.endswith(clitic):
            return token[: -len(clitic)]
    return token.replace("'", "")


def words(text: str) -> list[str]:
    """Lowercased word tokens; punctuation and hyphens separate words, possessives dropped."""
    # The tokens of `word_spans` without their offsets, built without match objects.
    found = _WORD.findall(text)
    if "'" in text or "’" in text:
        return [_normal(w) for w in found]
    return [w.casefold() for w in found]


@lru_cache(maxsize=4096)
def word_spans(text: str) -> tuple[tuple[str, int, int], ...]:
    """`words` with their offsets in `text` (cached: compare tokenises each sentence for tone
    and for terms; kept small, as every ingest worker holds one: 65,536 entries were ~250 MB)."""
    if "'" in text or "’" in text:
        return tuple((_normal(m.group(0)), m.start(), m.end()) for m in _WORD.finditer(text))
    # No apostrophe anywhere: `_normal` would only casefold (the common case, done inline).
    return tuple((m.group(0).casefold(), m.start(), m.end()) for m in _WORD.finditer(text))


class _Stemmer:
    """Porter stems from an in-memory FTS5 table, cached; one connection per thread."""

    def __init__(self) -> None:
        self._cache: dict[str, str] = {}
        # Read without the lock: an entry, once written, never changes.
        self.known: dict[str, str] = self._cache
        self._local = threading.local()
        self._lock = threading.Lock()

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(":memory:")
            conn.execute(
                "CREATE VIRTUAL TABLE w USING fts5(t, "
                "tokenize='porter unicode61 remove_diacritics 2')"
            )
            conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(w, 'instance')")
            self._local.conn = conn
        return conn

    def stems(self, tokens: Iterable[str]) -> dict[str, str]:
        """Stem of each distinct token (tokens come from `words`)."""
        wanted = {t for t in tokens if t not in self._cache}
        if wanted:
            conn = self._conn()
            batch = sorted(wanted)
            with conn:
                conn.execute("DELETE FROM w")
                conn.executemany(
                    "INSERT INTO w (rowid, t) VALUES (?, ?)", list(enumerate(batch, start=1))
                )
                found = {
                    int(doc): str(term)
                    for doc, term in conn.execute("SELECT doc, term FROM v WHERE offset = 0")
                }
            with self._lock:
                for row, token in enumerate(batch, start=1):
                    self._cache[token] = found.get(row, token)
        return {t: self._cache.get(t, t) for t in tokens}


_STEMMER = _Stemmer()


def stems(tokens: list[str]) -> list[str]:
    """The Porter stem of each token, in order."""
    known = _STEMMER.known
    try:
        return [known[t] for t in tokens]  # every token stemmed before: no set, no SQL
    except KeyError:
        table = _STEMMER.stems(tokens)
        return [table[t] for t in tokens]


def stem_phrase(text: str) -> tuple[str, ...]:
    """The stems of a term or phrase, in order."""
    return tuple(stems(words(text)))
