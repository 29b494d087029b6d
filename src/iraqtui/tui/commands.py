"""Command palette providers: sources, actors, events, quotes and actions ("compare: Qom truce")."""

from __future__ import annotations

import asyncio
from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from iraqtui.textsafe import one_line
from iraqtui.tui.workers import app_of

if TYPE_CHECKING:
    import sqlite3

    from iraqtui.models import QuoteHit


@dataclass(frozen=True)
class Entry:
    """A palette line: plain text (never markup), its help, and what choosing it does."""

    text: str
    help: str
    run: Callable[[], object]


def safe_highlight(matcher: Matcher, text: str) -> Content:
    """The match lit without parsing the text as markup (corpus names may hold brackets)."""
    content = Content(text)
    for offset in matcher.fuzzy_search.match(matcher.query, text)[1]:
        if not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class _Provider(Provider):
    """Entries are built once per palette opening, from a thread with its own connection."""

    entries: list[Entry]

    async def startup(self) -> None:
        from iraqtui.tui import data

        db_path = app_of(self).db_path
        try:
            self.entries = await asyncio.to_thread(data.run, db_path, self.build)
        except Exception:  # a missing or broken database leaves this provider empty
            self.entries = []

    @abstractmethod
    def build(self, conn: sqlite3.Connection) -> list[Entry]:
        """This provider's entries, read with `conn` (in a thread)."""

    async def discover(self) -> Hits:
        for entry in self.entries[:12]:
            yield DiscoveryHit(
                Content(entry.text),
                entry.run,
                text=entry.text,
                help=Content(entry.help),  # type: ignore[arg-type]
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for entry in self.entries:
            score = matcher.match(entry.text)
            if score > 0:
                yield Hit(
                    score,
                    safe_highlight(matcher, entry.text),
                    entry.run,
                    text=entry.text,
                    help=Content(entry.help),  # type: ignore[arg-type]
                )


class SourcesProvider(_Provider):
    def build(self, conn: sqlite3.Connection) -> list[Entry]:
        from iraqtui.store.queries import source_summaries

        app = app_of(self)
        return [
            Entry(
                f"source: {one_line(s.outlet or s.file, 40)} — {one_line(s.title or s.file, 70)}",
                f"{s.published or 'undated'} · {one_line(s.file)}",
                partial(app.open_in_reader, s.id),
            )
            for s in source_summaries(conn)
        ]


class ActorsProvider(_Provider):
    def build(self, conn: sqlite3.Connection) -> list[Entry]:
        from iraqtui.store.actor_queries import actor_summaries

        app = app_of(self)
        out = []
        for a in actor_summaries(conn, include_unmentioned=True):
            out.append(
                Entry(
                    f"actor: {one_line(a.name)}",
                    f"{a.type} · {a.mentions} mentions",
                    partial(app.show_actor, a.name),
                )
            )
            if a.mentions:
                out.append(
                    Entry(
                        f"compare: {one_line(a.name)}",
                        "each outlet's words around this actor",
                        partial(app.compare, "actor", a.name),
                    )
                )
        return out


class EventsProvider(_Provider):
    def build(self, conn: sqlite3.Connection) -> list[Entry]:
        from iraqtui.store.event_queries import list_events

        app = app_of(self)
        return [
            Entry(
                f"compare: {one_line(e.label, 80)}",
                f"event {e.key} · {e.date or 'undated'} · {len(e.by_outlet)} outlets",
                partial(app.compare, "event", e.key),
            )
            for e in list_events(conn)
        ]


class QuotesProvider(Provider):
    """Quotes are asked of the quote index per query, never listed: a corpus may hold a
    million of them (the finder's search, so the palette ranks them the same way)."""

    LIMIT = 12

    async def search(self, query: str) -> Hits:
        from iraqtui.analysis.quote_search import search_quotes
        from iraqtui.tui import data

        if len(query.strip()) < 3:
            return
        app = app_of(self)

        def find(conn: sqlite3.Connection) -> list[QuoteHit]:
            return search_quotes(conn, query, limit=self.LIMIT, carriers="unnamed")

        try:
            hits = await asyncio.to_thread(data.run, app.db_path, find)
        except Exception:  # a missing or broken database leaves this provider empty
            return
        matcher = self.matcher(query)
        for hit in hits:
            q = hit.quote
            text = f"quote: “{one_line(q.text, 80)}”"
            who = one_line(q.shown_speaker or "unknown speaker")
            yield Hit(
                hit.score / 100,
                safe_highlight(matcher, text),
                partial(app.open_in_reader, q.source, q.start),
                text=text,
                help=Content(f"{who} · {one_line(q.outlet or q.file)}"),  # type: ignore[arg-type]
            )


class ActionsProvider(Provider):
    """The app's actions by name."""

    ACTIONS = (
        ("search: full text", "search paragraphs (/)", "search"),
        ("find: quote (fuzzy)", "the quote finder (f)", "find_quote"),
        ("view: annotations", "every tag, note and correction (A)", "annotations"),
        ("view: help", "every key of this screen (?)", "help"),
        (
            "theme: toggle dark/light",
            "switch between the dark and light themes (T)",
            "toggle_theme",
        ),
        ("export: this list", "Markdown, CSV or JSON (e)", "export"),
    )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, help_text, action in self.ACTIONS:
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    safe_highlight(matcher, text),
                    partial(self._run, action),
                    text=text,
                    help=Content(help_text),  # type: ignore[arg-type]
                )

    async def discover(self) -> Hits:
        for text, help_text, action in self.ACTIONS:
            yield DiscoveryHit(
                Content(text),
                partial(self._run, action),
                text=text,
                help=Content(help_text),  # type: ignore[arg-type]
            )

    def _run(self, action: str) -> None:
        app = app_of(self)
        if action in ("help", "toggle_theme"):
            app.call_later(app.run_action, action)
            return
        main = app.open_main()
        app.call_later(main.run_action, action)


PROVIDERS: set[type[Provider]] = {
    ActionsProvider,
    SourcesProvider,
    ActorsProvider,
    EventsProvider,
    QuotesProvider,
}
