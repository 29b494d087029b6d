"""The sidebar's sections, in number-key order (kept apart so the first frame need not load
the sidebar to declare its keys)."""

from __future__ import annotations

SECTIONS = ("sources", "actors", "events", "quotes")
TITLES = {"sources": "Sources", "actors": "Actors", "events": "Events", "quotes": "Quotes"}
