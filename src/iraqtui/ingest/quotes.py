"""Quotes and attribution. PLACEHOLDER: helper for issue 4 replaces this body."""

from __future__ import annotations

from iraqtui.ingest.gazetteer import Gazetteer
from iraqtui.models import Document, Mention, Quote


def extract_quotes(doc: Document, mentions: list[Mention], gazetteer: Gazetteer) -> list[Quote]:
    return []
