"""The schema, its version, and migrations; FTS5 tables made the way sqlite-utils expects."""

from __future__ import annotations

import secrets
import sqlite3

import sqlite_utils

SCHEMA_VERSION = 2
# Bump when any ingest stage changes what it derives: every source is then re-analysed.
PIPELINE_VERSION = "5"
FTS_TOKENIZE = "porter unicode61 remove_diacritics 2"
# meta key: bumped with every source ingest writes, so a reader can tell the corpus changed
# even when a re-analysed source got back the same row ids.
CORPUS_GENERATION = "corpus_generation"

_V1 = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS sources (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,          -- resolved path at ingest: the identity of a source
    root TEXT NOT NULL,                 -- the folder it was ingested from
    file TEXT NOT NULL,                 -- name relative to root (EXPORT.md `file`)
    sha256 TEXT NOT NULL,
    analysis_key TEXT NOT NULL,         -- file hash + sidecars + pipeline version
    size INTEGER NOT NULL,
    encoding TEXT NOT NULL,
    outlet TEXT, author TEXT, published TEXT, url TEXT, title TEXT, leaning TEXT, notes TEXT,
    provenance TEXT NOT NULL DEFAULT '{}',   -- JSON: field -> sidecar | inferred
    warnings TEXT NOT NULL DEFAULT '[]',     -- JSON list of ingest warnings
    text TEXT NOT NULL,                 -- the file as decoded: offsets point into this
    display TEXT NOT NULL,              -- same length, control characters replaced
    ingested TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS paragraphs (
    id INTEGER PRIMARY KEY,
    source INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,                 -- display text of the span
    boilerplate INTEGER NOT NULL DEFAULT 0,
    boilerplate_reason TEXT,
    voice TEXT
);
CREATE INDEX IF NOT EXISTS paragraphs_source ON paragraphs(source, seq);

CREATE TABLE IF NOT EXISTS sentences (
    id INTEGER PRIMARY KEY,
    source INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    paragraph INTEGER NOT NULL REFERENCES paragraphs(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    boilerplate INTEGER NOT NULL DEFAULT 0,
    voice TEXT NOT NULL DEFAULT 'own',
    cited_outlet TEXT,
    voice_confidence REAL,
    voice_method TEXT
);
CREATE INDEX IF NOT EXISTS sentences_source ON sentences(source, seq);
CREATE INDEX IF NOT EXISTS sentences_paragraph ON sentences(paragraph);

CREATE TABLE IF NOT EXISTS boilerplate (
    id INTEGER PRIMARY KEY,
    source INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS boilerplate_source ON boilerplate(source);

CREATE TABLE IF NOT EXISTS actors (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    affiliation TEXT,
    description TEXT,
    origin TEXT NOT NULL DEFAULT 'gazetteer'
);

CREATE TABLE IF NOT EXISTS actor_aliases (
    actor INTEGER NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
    alias TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'alias',  -- alias | demonym
    PRIMARY KEY (actor, alias, kind)
);

CREATE TABLE IF NOT EXISTS mentions (
    id INTEGER PRIMARY KEY,
    actor INTEGER NOT NULL REFERENCES actors(id),
    source INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    paragraph INTEGER REFERENCES paragraphs(id) ON DELETE CASCADE,
    sentence INTEGER REFERENCES sentences(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    surface TEXT NOT NULL,
    method TEXT NOT NULL,
    score REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS mentions_actor ON mentions(actor, source);
CREATE INDEX IF NOT EXISTS mentions_source ON mentions(source, start);

CREATE TABLE IF NOT EXISTS candidates (
    id INTEGER PRIMARY KEY,
    source INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    sentence INTEGER REFERENCES sentences(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    surface TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS candidates_surface ON candidates(surface);

CREATE TABLE IF NOT EXISTS quotes (
    id INTEGER PRIMARY KEY,
    source INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    sentence INTEGER REFERENCES sentences(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    kind TEXT NOT NULL,                 -- speech | passage | term
    speaker TEXT,
    speaker_actor INTEGER REFERENCES actors(id),
    cited_outlet TEXT,
    confidence REAL NOT NULL,
    method TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS quotes_source ON quotes(source, start);

CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    date TEXT,
    date_end TEXT,
    description TEXT,
    origin TEXT NOT NULL DEFAULT 'catalogue',
    date_note TEXT                      -- where the date comes from, or that it is approximate
);

CREATE TABLE IF NOT EXISTS event_passages (
    id INTEGER PRIMARY KEY,
    event INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    source INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    sentence INTEGER NOT NULL REFERENCES sentences(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    score REAL NOT NULL,
    evidence TEXT NOT NULL DEFAULT '[]'  -- JSON list
);
-- Covers counting an event's sentences per source without reading rows (event_queries).
CREATE INDEX IF NOT EXISTS event_passages_event_sentence ON event_passages(event, source, sentence);
CREATE INDEX IF NOT EXISTS event_passages_source ON event_passages(source);

CREATE TABLE IF NOT EXISTS reuse (
    id INTEGER PRIMARY KEY,
    cluster INTEGER NOT NULL,
    source INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS reuse_source ON reuse(source, start);

-- User data. No foreign keys on purpose: annotations outlive every re-ingest and are
-- re-attached through `target`, a key built from content, not from row ids.
CREATE TABLE IF NOT EXISTS annotations (
    id INTEGER PRIMARY KEY,
    target TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('tag', 'note', 'correction')),
    field TEXT,                         -- for corrections: speaker | cited_outlet | voice ...
    value TEXT NOT NULL,
    created TEXT NOT NULL,
    file TEXT,                          -- where the target was when annotated (a hint)
    start INTEGER,
    end INTEGER
);
CREATE INDEX IF NOT EXISTS annotations_target ON annotations(target);
"""

# Version 2: what the corpus-level reuse stage keeps between runs, so it streams and only
# aligns what is new. No foreign keys: rows go with their source in writer.delete_derived.
PRINT_INDEX = "CREATE INDEX IF NOT EXISTS reuse_prints_fp ON reuse_prints(fp, source)"
REUSE_DDL = """
-- Winnowed fingerprints of each body paragraph's words, written with the source.
CREATE TABLE IF NOT EXISTS reuse_prints (
    paragraph INTEGER NOT NULL,
    fp INTEGER NOT NULL,
    source INTEGER NOT NULL,
    PRIMARY KEY (paragraph, fp)
) WITHOUT ROWID;
{print_index};

-- Candidate pairs of paragraphs already aligned (a is in the lower source id), so a
-- later run aligns only new ones; what each shares is in reuse_links.
CREATE TABLE IF NOT EXISTS reuse_pairs (
    a INTEGER NOT NULL,
    b INTEGER NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS reuse_pairs_b ON reuse_pairs(b);

-- The near-verbatim stretches an aligned pair shares, in file offsets.
CREATE TABLE IF NOT EXISTS reuse_links (
    a INTEGER NOT NULL,
    b INTEGER NOT NULL,
    a_source INTEGER NOT NULL,
    a_start INTEGER NOT NULL,
    a_end INTEGER NOT NULL,
    b_source INTEGER NOT NULL,
    b_start INTEGER NOT NULL,
    b_end INTEGER NOT NULL,
    PRIMARY KEY (a, b, a_start)
) WITHOUT ROWID;
""".replace("{print_index}", PRINT_INDEX)

# Tables whose rows ingest derives from a source; replaced when the source changes.
DERIVED_TABLES = (
    "event_passages",
    "quotes",
    "mentions",
    "candidates",
    "boilerplate",
    "reuse",
    "sentences",
    "paragraphs",
)
FTS_TABLES = {"paragraphs": ["text"], "quotes": ["text"]}


def stored_version(conn: sqlite3.Connection) -> int:
    """The schema version recorded in the file, 0 for a new or empty file."""
    has_meta = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
    ).fetchone()
    if not has_meta:
        return 0
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    try:
        return int(row[0]) if row else 0
    except (TypeError, ValueError):
        return 0


def migrate(db: sqlite_utils.Database, version: int) -> None:
    """Bring an older (or new) database up to SCHEMA_VERSION."""
    if version >= SCHEMA_VERSION:
        return
    with db.conn:
        db.conn.executescript(_V1 + REUSE_DDL)
    for name, columns in FTS_TABLES.items():
        table = db.table(name)
        if not table.detect_fts():
            table.enable_fts(
                columns, fts_version="FTS5", tokenize=FTS_TOKENIZE, create_triggers=True
            )
    with db.conn:
        if version == 1:
            # Replaced by event_passages_event_sentence, which covers the same lookups.
            db.conn.execute("DROP INDEX IF EXISTS event_passages_event")
            # Sources written before version 2 have no fingerprints: the next ingest computes
            # them from the stored paragraphs and re-runs the corpus-level stages.
            db.conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('reuse_backfill', '1')"
            )
            db.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('corpus_stale', '1')")
        # Tells this database from another built later under the same name (caches beside it).
        db.conn.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('database_id', ?)",
            (secrets.token_hex(8),),
        )
        db.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
            (str(SCHEMA_VERSION),),
        )
        db.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('pipeline_version', ?)",
            (PIPELINE_VERSION,),
        )
