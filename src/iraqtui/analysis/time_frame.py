"""Whether a sentence looks back to an earlier instance of what it names, for
`iraqtui events --propose`.

Outlets writing about this week's truce also write about the truce of last summer, and
lexically the two are one concept ("truce", "ceasefire"). What tells them apart is time:
"the trust he tried to sow in August by declaring a unilateral truce" (in a post from the
following April), "the ceasefire hasn't been rescinded". A clause *looks back*
when it carries one of:
- a month named after a preposition ("in August", "since May", "last October",
  "mid-August") that falls two or more months before the post's date; a month later in the
  calendar than the post's is last year's only in a clause with no future or modal word
  ("will review the truce in May" is next month);
- a year before the post's year ("in 2007"), "last year" (not "over the last year"), "last
  summer", "three months ago";
- the language of a state already in force: "has not been rescinded" (lifted, revoked,
  called off, broken...), "still in place", "remains in effect".
Clauses are the stretches between commas, dashes, semicolons, colons and brackets: in "a
truce, a la Hezbollah and Israel two years ago" the truce is this week's. Month and year
references need the post's date; without one they say nothing. The cues are English news
usage, not knowledge of any corpus.
"""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("January", "Jan."),
            ("February", "Feb."),
            ("March", "Mar."),
            ("April", "Apr."),
            ("May",),
            ("June",),
            ("July",),
            ("August", "Aug."),
            ("September", "Sept.", "Sep."),
            ("October", "Oct."),
            ("November", "Nov."),
            ("December", "Dec."),
        ),
        start=1,
    )
    for name in names
}
MONTHS_BACK = 2  # "in February" in a March post is still this story's time

_NAMES = "|".join(re.escape(m) for m in sorted(MONTHS, key=len, reverse=True))
_MONTH = re.compile(  # "in August", "since May 2007"; not "by March 31" (a day: current news)
    r"(?:\b(?:[Ii]n|[Ss]ince|[Ll]ast|[Ee]arly|[Ll]ate|[Oo]f|[Dd]uring)\s+|\b[Mm]id-?\s*)"
    rf"({_NAMES})(?![\w.])"
    r"(?:,?\s+((?:19|20)\d\d)\b|(?!\s*\d))"
)
_YEAR = re.compile(r"\b(?:[Ii]n|[Ss]ince|[Oo]f|[Dd]uring|[Ee]arly|[Ll]ate)\s+((?:19|20)\d\d)\b")
_AGO = re.compile(
    r"\b(?:(?<!the\s)last\s+(?:year|summer|spring|autumn|fall|winter)"
    r"|(?:a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|\d+)"
    r"\s+(?:years?|months?)\s+ago"
    r"|(?:months|years)\s+ago)\b",
    re.IGNORECASE,
)
_STANDING = re.compile(
    r"\b(?:has|have|had)(?:n['’]t|\s+not|\s+never)\s+(?:yet\s+)?been\s+"
    r"(?:rescinded|revoked|lifted|withdrawn|called\s+off|cancell?ed|broken|ended|abandoned"
    r"|repealed|suspended)\b"
    r"|\b(?:still|remains?|remained)\s+in\s+(?:place|effect|force)\b",
    re.IGNORECASE,
)
_AHEAD = re.compile(  # future and modal words: a month later in the calendar is then ahead
    r"\b(?:will|would|shall|should|might|could|may|must|next|until|till|due"
    r"|going\s+to|expected|plans?|scheduled|deadline)\b|['’]ll\b"
)
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]—–]|\s-\s")


def published_date(text: str | None) -> date | None:
    """A source's `published` value ("2008-04-19", "2008-04-19T10:00Z") as a date, else None."""
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause of `text`: the stretches between commas, dashes,
    semicolons, colons and brackets."""
    spans, at = [], 0
    for brk in _CLAUSE_BREAK.finditer(text):
        spans.append((at, brk.start()))
        at = brk.end()
    spans.append((at, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _clause_looks_back(clause: str, published: date | None) -> bool:
    if _STANDING.search(clause) or _AGO.search(clause):
        return True
    if published is None:
        return False
    for found in _MONTH.finditer(clause):
        month, year = MONTHS[found.group(1)], found.group(2)
        if year is not None:
            back = (published.year - int(year)) * 12 + published.month - month
        elif month <= published.month:
            back = published.month - month
        elif _AHEAD.search(clause):
            continue  # "will review the truce in May": next month, not last year's
        else:
            back = published.month - month + 12
        if back >= MONTHS_BACK:
            return True
    return any(int(found.group(1)) < published.year for found in _YEAR.finditer(clause))


def looking_back(text: str, published: date | None) -> list[tuple[int, int]]:
    """(start, end) of each clause of `text`, from a post of date `published` (None:
    unknown), that refers to a time or a standing state before the post's own story."""
    return [(a, b) for a, b in clauses(text) if _clause_looks_back(text[a:b], published)]


def looks_back(text: str, published: date | None) -> bool:
    """Whether any clause of `text` looks back (`looking_back`)."""
    return bool(looking_back(text, published))
