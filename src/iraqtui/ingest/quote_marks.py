"""Find quotation-mark spans in paragraphs: curly and straight, nested single, multi-paragraph.

A quote that is not closed by the end of its paragraph continues only when the next paragraph
opens with a mark (the typographic convention for quotes running over paragraphs); otherwise
it stops at its paragraph's end, so an unbalanced mark never swallows the rest of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DOUBLE_OPEN = "“„«‟"
DOUBLE_CLOSE = "”»"
STRAIGHT_DOUBLE = '"'
SINGLE_OPEN = "‘‚‹"
SINGLE_CLOSE = "’›"
STRAIGHT_SINGLE = "'"
# Characters after which a straight mark opens rather than closes.
_OPEN_CONTEXT = "([{<>—–-/:"
# Longest nested or single-quoted span we accept; longer "pairs" are apostrophes.
MAX_SINGLE_SPAN = 400
# Only these characters can matter, so the scans jump from one to the next.
_DOUBLE_MARK = re.compile(f"[{DOUBLE_OPEN}{DOUBLE_CLOSE}{STRAIGHT_DOUBLE}]")
_SINGLE_OPEN_MARK = re.compile(f"[{SINGLE_OPEN}{STRAIGHT_SINGLE}]")
_SINGLE_STOP = DOUBLE_OPEN + DOUBLE_CLOSE + '"\n'  # a single quote never runs past these
_SINGLE_CLOSE_OR_STOP = re.compile(f"[{SINGLE_CLOSE}{STRAIGHT_SINGLE}{_SINGLE_STOP}]")


@dataclass(frozen=True)
class MarkedSpan:
    """Text inside quotation marks: `start`/`end` exclude the marks themselves."""

    start: int
    end: int
    open_at: int
    close_at: int | None  # None when the quote was never closed
    paragraph: int  # index into the paragraph list the quote starts in
    nested: bool = False
    paragraphs: int = 1  # how many paragraphs the quote runs over

    @property
    def balanced(self) -> bool:
        return self.close_at is not None


def _double_marks(text: str, start: int, end: int) -> list[tuple[int, str]]:
    """(position, 'open' | 'close' | 'either') for each double quotation mark in [start, end)."""
    marks: list[tuple[int, str]] = []
    for match in _DOUBLE_MARK.finditer(text, start, end):
        i = match.start()
        ch = text[i]
        if ch in DOUBLE_OPEN:
            marks.append((i, "open"))
        elif ch in DOUBLE_CLOSE:
            marks.append((i, "close"))
        elif ch == STRAIGHT_DOUBLE:
            before = text[i - 1] if i > start else " "
            after = text[i + 1] if i + 1 < end else " "
            opens = before.isspace() or before in _OPEN_CONTEXT or before in SINGLE_OPEN
            closes = after.isspace() or after in ".,;:!?)]}…—–-'’" or i + 1 >= end
            if opens and not closes:
                marks.append((i, "open"))
            elif closes and not opens:
                marks.append((i, "close"))
            else:
                marks.append((i, "either"))
    return marks


def _starts_with_open(text: str, start: int, end: int) -> int | None:
    """Position of an opening double mark at the head of a paragraph (after `>` markers)."""
    i = start
    while i < end and (text[i].isspace() or text[i] == ">"):
        i += 1
    if i < end and (text[i] in DOUBLE_OPEN or text[i] == STRAIGHT_DOUBLE):
        return i
    return None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def find_double_quotes(text: str, paragraphs: list[tuple[int, int]]) -> list[MarkedSpan]:
    """Double-quoted spans across the given paragraphs (in text order)."""
    found: list[MarkedSpan] = []
    pending: tuple[int, int, int] | None = None  # (open_at, first paragraph, paragraphs)
    for p_index, (p_start, p_end) in enumerate(paragraphs):
        marks = _double_marks(text, p_start, p_end)
        if pending is not None:
            head = _starts_with_open(text, p_start, p_end)
            if head is not None:
                # The quote runs on: this paragraph's opening mark continues it.
                marks = [m for m in marks if m[0] != head]
                pending = (pending[0], pending[1], pending[2] + 1)
            else:
                found.append(_unclosed(text, pending, paragraphs))
                pending = None
        for pos, role in marks:
            if pending is None:
                if role == "close":
                    continue  # a stray closing mark: nothing to close
                pending = (pos, p_index, 1)
            elif role == "open" and _gap_has_text(text, pending[0], pos):
                # Two openings in a row: the first was never closed. End it before this one.
                found.append(_span(text, pending, pos, None))
                pending = (pos, p_index, 1)
            else:
                found.append(_span(text, pending, pos, pos))
                pending = None
    if pending is not None:
        found.append(_unclosed(text, pending, paragraphs))
    return [q for q in found if any(ch.isalnum() for ch in text[q.start : q.end])]


def _gap_has_text(text: str, a: int, b: int) -> bool:
    return any(ch.isalnum() for ch in text[a + 1 : b])


def _span(text: str, pending: tuple[int, int, int], end: int, close: int | None) -> MarkedSpan:
    open_at, paragraph, count = pending
    start, stop = _trim(text, open_at + 1, end)
    return MarkedSpan(start, stop, open_at, close, paragraph, False, count)


def _unclosed(
    text: str, pending: tuple[int, int, int], paragraphs: list[tuple[int, int]]
) -> MarkedSpan:
    last = paragraphs[pending[1] + pending[2] - 1]
    return _span(text, pending, last[1], None)


def _is_single_open(text: str, i: int, lo: int, hi: int) -> bool:
    ch = text[i]
    if ch not in SINGLE_OPEN and ch != STRAIGHT_SINGLE:
        return False
    before = text[i - 1] if i > lo else " "
    after = text[i + 1] if i + 1 < hi else " "
    if not (before.isspace() or before in _OPEN_CONTEXT or before in DOUBLE_OPEN + '"'):
        return False
    if not (after.isalnum()):
        return False
    # Elisions such as '08, 'em, 'til are apostrophes, not openings.
    word = text[i + 1 : i + 4].lower()
    return not (after.isdigit() or word.startswith(("em ", "til", "cause ", "n ")))


def _is_single_close(text: str, i: int, lo: int, hi: int) -> bool:
    ch = text[i]
    if ch not in SINGLE_CLOSE and ch != STRAIGHT_SINGLE:
        return False
    before = text[i - 1] if i > lo else " "
    after = text[i + 1] if i + 1 < hi else " "
    if before.isspace():
        return False
    if before.isalpha() and after.isalpha():
        return False  # don't, it's, al-Wa'ili
    return after.isspace() or not after.isalnum()


def find_single_quotes(
    text: str, lo: int, hi: int, paragraph: int, nested: bool
) -> list[MarkedSpan]:
    """Single-quoted spans in [lo, hi): an opening mark needs a closing one close behind it."""
    found: list[MarkedSpan] = []
    i = lo
    while (mark := _SINGLE_OPEN_MARK.search(text, i, hi)) is not None:
        i = mark.start()
        if _is_single_open(text, i, lo, hi):
            limit = min(hi, i + MAX_SINGLE_SPAN)
            j = limit
            for candidate in _SINGLE_CLOSE_OR_STOP.finditer(text, i + 2, limit):
                at = candidate.start()
                if _is_single_close(text, at, lo, hi):
                    j = at
                    break
                if text[at] in _SINGLE_STOP:
                    break
            if j < limit:
                start, end = _trim(text, i + 1, j)
                if end > start:
                    found.append(MarkedSpan(start, end, i, j, paragraph, nested, 1))
                i = j + 1
                continue
        i += 1
    return found


def find_marked(text: str, paragraphs: list[tuple[int, int]]) -> list[MarkedSpan]:
    """All quoted spans: double quotes, singles nested in them, and top-level singles."""
    doubles = find_double_quotes(text, paragraphs)
    out = list(doubles)
    for q in doubles:
        out.extend(find_single_quotes(text, q.start, q.end, q.paragraph, True))
    by_paragraph: dict[int, list[tuple[int, int]]] = {}
    for q in doubles:
        # a quote running over paragraphs covers each of them
        for i in range(q.paragraph, q.paragraph + q.paragraphs):
            by_paragraph.setdefault(i, []).append((q.open_at, q.end))
    for p_index, (p_start, p_end) in enumerate(paragraphs):
        cursor = p_start
        inside = sorted((max(a, p_start), b) for a, b in by_paragraph.get(p_index, []))
        gaps: list[tuple[int, int]] = []
        for a, b in inside:
            if a > cursor:
                gaps.append((cursor, a))
            cursor = max(cursor, b + 1)
        if cursor < p_end:
            gaps.append((cursor, p_end))
        for a, b in gaps:
            out.extend(find_single_quotes(text, a, b, p_index, False))
    return sorted(out, key=lambda q: (q.start, -q.end))
