"""Actor mentions. PLACEHOLDER: helper for issue 3 replaces this body."""

from __future__ import annotations

from iraqtui.ingest.gazetteer import Gazetteer
from iraqtui.models import Candidate, Document, Mention


def find_mentions(doc: Document, gazetteer: Gazetteer) -> tuple[list[Mention], list[Candidate]]:
    return [], []
