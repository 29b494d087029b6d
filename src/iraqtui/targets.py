"""Stable keys for what a user annotates, built from content so they survive re-ingest.

Row ids change when a source is re-analysed; these keys do not, as long as the annotated text
is still in the file. `~N` tells apart the Nth repeat of identical text in one file.
"""

from __future__ import annotations

import hashlib


def fold_for_key(text: str) -> str:
    """Text with whitespace and case folded: what `text_key` digests, and what tells two
    repeats of the same text apart (`occurrence`)."""
    return " ".join(text.split()).casefold()


def text_key(text: str) -> str:
    """A short digest of text with whitespace and case folded."""
    return hashlib.sha1(fold_for_key(text).encode("utf-8")).hexdigest()[:16]


def _span_target(kind: str, file: str, text: str, occurrence: int) -> str:
    suffix = f"~{occurrence}" if occurrence else ""
    return f"{kind}:{file}#{text_key(text)}{suffix}"


def sentence_target(file: str, text: str, occurrence: int = 0) -> str:
    return _span_target("sentence", file, text, occurrence)


def paragraph_target(file: str, text: str, occurrence: int = 0) -> str:
    return _span_target("paragraph", file, text, occurrence)


def quote_target(file: str, text: str, occurrence: int = 0) -> str:
    return _span_target("quote", file, text, occurrence)


def source_target(file: str) -> str:
    return f"source:{file}"


def actor_target(name: str) -> str:
    return f"actor:{name}"


def event_target(key: str) -> str:
    return f"event:{key}"


def file_of(target: str) -> str:
    """The file a quote, sentence or paragraph key is in ("quote:a/b.txt#…" -> "a/b.txt")."""
    return target.split(":", 1)[-1].rsplit("#", 1)[0]


def kind_of(target: str) -> str:
    return target.split(":", 1)[0]
