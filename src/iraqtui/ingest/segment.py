"""Cut decoded text into paragraphs and sentences, as character spans into the original text."""

from __future__ import annotations

import re
from collections.abc import Iterator

from iraqtui.models import Paragraph, Sentence, Span

# Paragraphs longer than this are cut at sentence or word boundaries so one enormous line
# (scraped pages often have one) stays usable in the reader and cheap for every stage.
MAX_PARAGRAPH_CHARS = 20_000
MAX_SENTENCE_CHARS = 3_000

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# YAML front matter at the top of a Markdown file: one block, however many lines.
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n.*?\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)

# A run of terminators with any closing quotes or brackets after each: `.`, `?"`, `."...`, `…”`
# (written to open with a character class, which lets the regex engine skip ahead to one).
_TERMINATOR = re.compile(r"[.!?…][.!?…\"”’')\]]*")
_TOKEN_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_INITIALS = re.compile(r"^(?:[A-Za-z]\.)*[A-Za-z]$")
# A letter or digit: `[^\W_]` matches exactly the characters `str.isalnum` accepts.
_ALNUM = re.compile(r"[^\W_]")

# Titles and other abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset(
    [
        "Mr",
        "Mrs",
        "Ms",
        "Mssrs",
        "Dr",
        "Gen",
        "Gens",
        "Brig",
        "Lt",
        "Col",
        "Maj",
        "Capt",
        "Cpt",
        "Sgt",
        "Cpl",
        "Pvt",
        "Adm",
        "Cmdr",
        "Cdr",
        "Gov",
        "Sen",
        "Rep",
        "Reps",
        "Rev",
        "Prof",
        "Hon",
        "Pres",
        "Amb",
        "Supt",
        "Insp",
        "Det",
        "St",
        "Ste",
        "Jr",
        "Sr",
        "Mt",
        "Ft",
        "No",
        "Nos",
        "Vol",
        "vs",
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "Aug",
        "Sept",
        "Sep",
        "Oct",
        "Nov",
        "Dec",
        "Inc",
        "Ltd",
        "Co",
        "Corp",
        "Bros",
        "approx",
        "cf",
        "al",
        "e.g",
        "i.e",
        "Op",
        "Ops",
        "Fig",
    ]
)
# After dotted initials such as "U.S." these words start a new sentence.
_STARTERS = frozenset(
    [
        "The",
        "A",
        "An",
        "He",
        "She",
        "It",
        "They",
        "We",
        "I",
        "But",
        "And",
        "So",
        "Yet",
        "In",
        "On",
        "At",
        "This",
        "That",
        "These",
        "Those",
        "There",
        "Here",
        "His",
        "Her",
        "Their",
        "Its",
        "Our",
        "My",
        "Meanwhile",
        "However",
        "Still",
    ]
)
_OPENERS = "\"“‘'(>[«¿¡"


def lines_with_offsets(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each line's content, line breaks (CR LF, CR or LF) excluded."""
    at = 0
    for brk in _LINE_BREAK.finditer(text):
        yield at, brk.start()
        at = brk.end()
    if at < len(text):
        yield at, len(text)


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraph spans: blank lines separate paragraphs; inside a block, each line is one
    unless the block looks hard-wrapped (several lines of similar width)."""
    blocks: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    front = FRONT_MATTER.match(text)
    skip_to = front.end() if front else 0
    if front:
        blocks.append([_trim(text, 0, front.end())])
    for start, end in lines_with_offsets(text):
        if start < skip_to:
            continue
        if text[start:end].strip():
            current.append((start, end))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    spans: list[tuple[int, int]] = []
    for block in blocks:
        if _hard_wrapped(text, block):
            spans.append(_trim(text, block[0][0], block[-1][1]))
        else:
            spans.extend(_trim(text, s, e) for s, e in block)
    out: list[tuple[int, int]] = []
    for start, end in spans:
        out.extend(_cap(text, start, end, MAX_PARAGRAPH_CHARS))
    return out


def _hard_wrapped(text: str, block: list[tuple[int, int]]) -> bool:
    if len(block) < 3:
        return False
    widths = [len(text[s:e].rstrip()) for s, e in block]
    widest = max(widths)
    if widest > 100:
        return False
    full = sum(1 for w in widths[:-1] if w >= 0.6 * widest)
    return full >= 0.7 * (len(widths) - 1)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _cap(text: str, start: int, end: int, limit: int) -> Iterator[tuple[int, int]]:
    """Cut [start, end) into pieces of at most `limit` characters at whitespace."""
    while end - start > limit:
        cut = text.rfind(" ", start + limit // 2, start + limit)
        if cut <= start:
            cut = start + limit
        yield _trim(text, start, cut)
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        yield start, end


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside one paragraph [start, end)."""
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _TERMINATOR.finditer(text, start, end):
        if _is_boundary(text, match, end):
            spans.append((cursor, match.end()))
            cursor = match.end()
    if cursor < end:
        spans.append((cursor, end))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        s, e = _trim_sentence(text, s, e)
        if e > s and _ALNUM.search(text, s, e):
            out.extend(_cap(text, s, e, MAX_SENTENCE_CHARS))
    return out


def _trim_sentence(text: str, start: int, end: int) -> tuple[int, int]:
    start, end = _trim(text, start, end)
    # `>>` block-quote markers and a leading ellipsis belong to no sentence.
    while start < end and (text[start] in ">…" or text[start].isspace()):
        start += 1
    while start < end and text.startswith(". ", start):
        start += 2
    return _trim(text, start, end)


def _is_boundary(text: str, match: re.Match[str], end: int) -> bool:
    after = match.end()
    if after >= end:
        return True
    terminator = match.group(0)
    nxt = text[after]
    if not nxt.isspace():
        # Fused: "IRAQ UPDATE….The New York Times" or "end.The next" (a lost space).
        following = text[after : after + 2]
        fused_start = len(following) == 2 and following[0].isupper() and following[1].islower()
        if not fused_start:
            return False
        if "…" in terminator or ".." in terminator:
            return True
        before = text[match.start() - 1] if match.start() > 0 else ""
        return before.islower() and _abbreviation_before(text, match) is None
    j = after
    while j < end and text[j].isspace():
        j += 1
    if j >= end:
        return True
    nxt = text[j]
    if nxt.islower() or nxt in ",;:)-–—":
        return False
    if not (nxt.isupper() or nxt.isdigit() or nxt in _OPENERS or (nxt.isalpha())):
        return False
    if terminator != ".":
        return True
    token = _abbreviation_before(text, match)
    if token is None:
        return True
    if _INITIALS.match(token) and len(token) > 1:
        # "U.S. forces" continues; "the U.S. The next day" starts anew.
        word = re.match(r"[A-Za-z]+", text[j:end])
        return bool(word and word.group(0) in _STARTERS)
    return False


def _abbreviation_before(text: str, match: re.Match[str]) -> str | None:
    """The word before a full stop when it is a title, abbreviation or initial."""
    window = text[max(0, match.start() - 12) : match.start()]
    found = _TOKEN_BEFORE.search(window)
    if not found:
        return None
    token = found.group(1)
    last = token.rsplit(".", 1)[-1] if "." in token else token
    if token in ABBREVIATIONS or last in ABBREVIATIONS:
        return token
    if _INITIALS.match(token):
        return token
    return None


def build(text: str, boilerplate: list[Span]) -> tuple[tuple[Paragraph, ...], tuple[Sentence, ...]]:
    """Paragraphs and sentences, with boilerplate cut out of sentences and flagged."""
    paragraphs: list[Paragraph] = []
    sentences: list[Sentence] = []
    ordered = sorted(boilerplate, key=lambda s: s.start)
    for p_seq, (p_start, p_end) in enumerate(split_paragraphs(text)):
        covered, reason = _coverage(text, p_start, p_end, ordered)
        is_boiler = covered >= 0.8
        paragraphs.append(
            Paragraph(p_seq, p_start, p_end, is_boiler, reason if is_boiler else None)
        )
        for s_start, s_end in split_sentences(text, p_start, p_end):
            for piece_start, piece_end, flagged in _cut_boilerplate(text, s_start, s_end, ordered):
                sentences.append(
                    Sentence(len(sentences), p_seq, piece_start, piece_end, flagged or is_boiler)
                )
    return tuple(paragraphs), tuple(sentences)


def _coverage(text: str, start: int, end: int, spans: list[Span]) -> tuple[float, str | None]:
    """Share of the non-space characters of [start, end) inside boilerplate spans (`spans`
    sorted by start)."""
    inside = 0
    reason = None
    overlapped = False
    for span in spans:
        if span.start >= end:
            break
        if span.end <= start:
            continue
        overlapped = True
        lo, hi = max(start, span.start), min(end, span.end)
        inside += _non_space(text[lo:hi])
        reason = reason or span.reason
    if not overlapped:
        return 0.0, None
    total = _non_space(text[start:end])
    if not total:
        return 0.0, None
    return inside / total, reason


def _non_space(text: str) -> int:
    # str.split() splits at exactly the characters for which str.isspace() is true.
    return sum(map(len, text.split()))


def _cut_boilerplate(
    text: str, start: int, end: int, spans: list[Span]
) -> Iterator[tuple[int, int, bool]]:
    """Split a sentence where boilerplate starts or stops, flagging the boilerplate pieces
    (`spans` sorted by start)."""
    cursor = start
    for span in spans:
        if span.start >= end:
            break
        if span.end <= cursor:
            continue
        lo, hi = max(cursor, span.start), min(end, span.end)
        if lo > cursor:
            yield from _piece(text, cursor, lo, False)
        yield from _piece(text, lo, hi, True)
        cursor = hi
    if cursor < end:
        yield from _piece(text, cursor, end, False)


def _piece(text: str, start: int, end: int, flagged: bool) -> Iterator[tuple[int, int, bool]]:
    start, end = _trim(text, start, end)
    if end > start and _ALNUM.search(text, start, end):
        yield start, end, flagged
