"""Flag text that is not article body: sidecar rules first, then heuristics for any corpus.

Flagged text stays in the database (dimmed in the reader) and is left out of analysis.
"""

from __future__ import annotations

import re

from iraqtui.ingest.byline import MONTH
from iraqtui.ingest.segment import FRONT_MATTER, split_paragraphs
from iraqtui.models import BoilerplateRule, Span

# One-for-one folding so a rule written with straight quotes finds curly ones (and back)
# without moving any offset.
_FOLD = (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("\u00a0", " "), ("–", "-"), ("—", "-"))


def _fold(text: str) -> str:
    # One str.replace per character: str.translate with a dict looks up every character of a
    # non-ASCII text, some 25 times slower. No replacement is itself folded, so the order of
    # the replacements does not matter.
    for curly, plain in _FOLD:
        text = text.replace(curly, plain)
    return text


_APPEAL = re.compile(
    r"\b(donate|donation|subscribe|subscription|newsletter|sign up|log ?in|sign in|"
    r"support (?:our|us)|become a (?:member|patron|subscriber)|all rights reserved|"
    r"copyright|share this|follow us|related (?:posts?|articles?|stories)|click here|"
    r"read more|advertisement|leave a (?:comment|reply)|comments? \(\d+\)|permalink)\b|©",
    re.IGNORECASE,
)
_BREADCRUMB = re.compile(r"^Home(?:\s+[»›>/|:-])?\s+[A-Z][\w'’-]*")
_NAV_SEPARATORS = re.compile(r"\s[|›»>/•]\s")
_POSTED = re.compile(r"^(?:Posted|Filed|Published) (?:by|in|under|on)\b", re.IGNORECASE)
# Link fragments fused into a line: "Video Watch the violence multiply »", "Read more »".
# The lookahead only spares trying every position: each match starts with one of its letters.
_FRAGMENT = re.compile(
    r"(?=[VWRCSF])(?:\bVideo\s+)?\b(?:Watch|Read more|Continue reading|Click here|See also|Related|"
    r"Full story|Read the full)\b[^.!?»\n]{0,80}»"
)
_EDGE = 3  # footers and navigation live in the first or last few paragraphs
# An appeal addresses the reader: it opens with an imperative or speaks of "us"/"our".
_ADDRESSES_READER = re.compile(
    r"^(?:please\s+)?(?:support|donate|subscribe|sign up|join|become|help|click|follow|share|"
    r"give|contribute|register|log ?in)\b|\b(?:us|our|we)\b|!",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"^(?:By|BY|Written by|Reporting by|Posted by)\s+[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|and|&|"
    r"de|da|al|el|van|von|bin|ibn))*(?:,\s*[\w .'’-]{0,40})?$"
    r"|^[A-Z][\w.'’ -]{0,40}\b(?:staff|[Cc]orrespondents?|[Rr]eporters?|[Ee]ditors?|[Ww]riters?)$"
)
DATE_IN_TEXT = re.compile(
    rf"\b(?:{MONTH}\s+\d{{1,2}},?\s+(?:19|20)\d\d|\d{{1,2}}\s+{MONTH},?\s+(?:19|20)\d\d|"
    r"(?:19|20)\d\d-\d\d-\d\d)\b"
)


def find_boilerplate(
    text: str, rules: tuple[BoilerplateRule, ...] = ()
) -> tuple[list[Span], list[str]]:
    """Boilerplate spans in `text`, and a warning for each sidecar rule that matched nothing."""
    spans, warnings, _hits = boilerplate_with_hits(text, rules)
    return spans, warnings


def boilerplate_with_hits(
    text: str,
    rules: tuple[BoilerplateRule, ...] = (),
    corpus_rules: tuple[BoilerplateRule, ...] = (),
) -> tuple[list[Span], list[str], tuple[int, ...]]:
    """Boilerplate spans in `text`; a warning for each of this file's own `rules` that matched
    nothing; and which of the corpus-wide rules matched (by index). A corpus-wide rule that
    misses one file is no news: it is worth a warning only if it misses every file."""
    spans: list[Span] = []
    warnings: list[str] = []
    hits: list[int] = []
    every = corpus_rules + rules
    folded = _fold(text) if any(rule.text is not None for rule in every) else text
    for index, rule in enumerate(every):
        found = _apply_rule(text, folded, rule)
        if index < len(corpus_rules):
            if found:
                hits.append(index)
        elif not found:
            warnings.append(f"boilerplate rule matched nothing: {describe_rule(rule)!r}")
        spans.extend(found)
    spans.extend(_heuristic_spans(text))
    return _merge(spans), warnings, tuple(hits)


def describe_rule(rule: BoilerplateRule) -> str:
    return rule.text if rule.text is not None else f"pattern {rule.pattern}"


def _apply_rule(text: str, folded: str, rule: BoilerplateRule) -> list[Span]:
    if rule.text is not None:
        needle = _fold(rule.text).strip()
        out = []
        at = folded.find(needle)
        while at >= 0 and needle:
            out.append(Span(at, at + len(needle), rule.reason))
            at = folded.find(needle, at + len(needle))
        return out
    assert rule.pattern is not None
    return [
        Span(m.start(), m.end(), rule.reason)
        for m in re.finditer(rule.pattern, text, re.MULTILINE)
        if m.end() > m.start()
    ]


def _heuristic_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    front = FRONT_MATTER.match(text)
    if front:
        spans.append(Span(0, front.end(), "front matter"))
    paragraphs = [(s, e) for s, e in split_paragraphs(text) if not front or s >= front.end()]
    count = len(paragraphs)
    unflagged = []
    for index, (start, end) in enumerate(paragraphs):
        body = text[start:end]
        at_edge = index < _EDGE or index >= count - _EDGE
        reason = _paragraph_reason(body, at_edge)
        if reason:
            spans.append(Span(start, end, reason))
        else:
            unflagged.append((start, end))
    if "»" in text:  # every fragment ends with one
        for match in _FRAGMENT.finditer(text):
            spans.append(Span(match.start(), match.end(), "link fragment"))
    spans.extend(_stray_titles(text, unflagged))
    return spans


def _paragraph_reason(body: str, at_edge: bool) -> str | None:
    short = len(body) <= 200
    if not short:
        return None
    sentence_like = body.rstrip().endswith((".", "!", "?", '"', "”", ":"))
    if at_edge and _BREADCRUMB.match(body) and not body.rstrip().endswith("."):
        return "breadcrumb"
    if len(_NAV_SEPARATORS.findall(body)) >= 2 and not body.rstrip().endswith("."):
        return "navigation"
    appeals = len(_APPEAL.findall(body))
    if appeals >= 2 or (
        appeals and at_edge and (not sentence_like or _ADDRESSES_READER.search(body))
    ):
        return "appeal or footer"
    if at_edge and _POSTED.match(body) and len(body) <= 120:
        return "byline line"
    plain = body.strip().strip("*_ ").strip()
    if at_edge and len(plain) <= 80 and _BYLINE.match(plain):
        return "byline"
    if at_edge and is_dateline(plain):
        return "dateline"
    return None


def is_dateline(line: str) -> bool:
    """A line that is a date, perhaps with a place, outlet or weekday: no sentence around it."""
    found = DATE_IN_TEXT.search(line)
    if not found or len(line) > 80 or line.endswith("."):
        return False
    rest = (line[: found.start()] + " " + line[found.end() :]).strip(" ,-–—|*_()")
    return len(re.findall(r"[^\W\d_]+", rest)) <= 5


def is_title_like(body: str) -> bool:
    """A short line with no closing full stop whose words are mostly capitalised."""
    stripped = body.strip()
    if not stripped or len(stripped) > 150 or stripped.endswith((".", ":", ";", ",")):
        return False
    words = re.findall(r"[^\W\d_][\w'’-]*", stripped)
    if not words or len(words) > 25:
        return False
    if stripped.upper() == stripped and any(ch.isalpha() for ch in stripped):
        return True
    long_words = [w for w in words if len(w) >= 4]
    if not long_words:
        return False
    capitalised = sum(1 for w in long_words if w[0].isupper())
    return capitalised / len(long_words) >= 0.6


def _stray_titles(text: str, paragraphs: list[tuple[int, int]]) -> list[Span]:
    """Titles of neighbouring posts that scrapers leave above the real title."""
    leading = []
    for start, end in paragraphs:
        if is_title_like(text[start:end]):
            leading.append((start, end))
        else:
            break
    if len(leading) < 2 or len(leading) == len(paragraphs):
        return []
    return [Span(s, e, "title of a neighbouring post") for s, e in leading[:-1]]


def _merge(spans: list[Span]) -> list[Span]:
    """Overlapping spans become one, keeping the first reason (sidecar rules come first)."""
    out: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if out and span.start <= out[-1].end:
            last = out[-1]
            if span.end > last.end:
                out[-1] = Span(last.start, span.end, last.reason)
            continue
        out.append(span)
    return out
