"""Time each ingest stage on one file: `python scripts/reliability/stage_times.py FILE`.

Used to find which stage makes a hostile file (a 20 MB line, say) slow.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from iraqtui.config import bundled_seeds_dir
from iraqtui.ingest import actors, events, quotes, voice
from iraqtui.ingest.boilerplate import find_boilerplate
from iraqtui.ingest.metadata import infer_meta
from iraqtui.ingest.pipeline import IngestOptions, resolve_sidecars
from iraqtui.ingest.reader import decode
from iraqtui.ingest.segment import build
from iraqtui.models import Document
from iraqtui.textsafe import sanitize


def main(path: Path) -> None:
    seeds = bundled_seeds_dir()
    sidecars = resolve_sidecars(path.parent, IngestOptions(), seeds)
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        print(f"{name:<14} {now - clock:8.2f} s", flush=True)
        clock = now

    decoded = decode(path.read_bytes())
    assert not isinstance(decoded, str), decoded
    text = decoded.text
    lap("decode")
    spans, _ = find_boilerplate(text, sidecars.sources.rules_for(path.name))
    lap("boilerplate")
    paragraphs, sentences = build(text, spans)
    lap("segment")
    doc = Document(path.name, text, sanitize(text), paragraphs, sentences, tuple(spans))
    infer_meta(path.name, path.parent.name, doc, None)
    lap("metadata")
    mentions, _ = actors.find_mentions(doc, sidecars.gazetteer)
    lap("actors")
    found = quotes.extract_quotes(doc, mentions, sidecars.gazetteer)
    lap("quotes")
    voices = voice.assign_voices(doc, found)
    lap("voice")
    events.assign_events(doc, mentions, voices, sidecars.catalogue)
    lap("events")
    print(f"{len(paragraphs)} paragraphs, {len(sentences)} sentences, {len(mentions)} mentions")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
