"""Whether a sentence looks back to an earlier instance of what it names, for
`iraqtui events --propose`.

Outlets writing about this week's truce also write about the truce of last summer, and
lexically the two are one concept ("truce", "ceasefire"). What tells them apart is time:
"the trust he tried to sow in August by declaring a unilateral truce" (in a post from the
following April), "the ceasefire hasn't been rescinded". A sentence *looks back* when it
carries one of:
- a month named after a preposition ("in August", "since May", "last October") that falls
  two or more months before the post's date;
- a year before the post's year ("in 2007"), "last year", "last summer", "three months ago";
- the language of a state already in force: "has not been rescinded" (lifted, revoked,
  called off, broken...), "still in place", "remains in effect".
Month and year references need the post's date; without one they say nothing. The cues are
English news usage, not knowledge of any corpus.
"""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("January", "Jan"),
            ("February", "Feb"),
            ("March", "Mar"),
            ("April", "Apr"),
            ("May",),
            ("June", "Jun"),
            ("July", "Jul"),
            ("August", "Aug"),
            ("September", "Sept", "Sep"),
            ("October", "Oct"),
            ("November", "Nov"),
            ("December", "Dec"),
        ),
        start=1,
    )
    for name in names
}
MONTHS_BACK = 2  # "in February" in a March post is still this story's time

_PREPOSITION = (
    r"(?:[Ii]n|[Ss]ince|[Ll]ast|[Uu]ntil|[Bb]y|[Ee]arly|[Ll]ate|[Mm]id-?|[Oo]f|[Dd]uring)"
)
_MONTH = re.compile(  # "in August", "since May 2007"; not "by March 31" (a day: current news)
    rf"\b{_PREPOSITION}\s+({'|'.join(sorted(MONTHS, key=len, reverse=True))})\b\.?"
    r"(?:,?\s+((?:19|20)\d\d)\b|(?!\s*\d))"
)
_LAST_MONTH = re.compile(rf"\b[Ll]ast\s+(?:{'|'.join(MONTHS)})\b")
_YEAR = re.compile(
    r"\b(?:[Ii]n|[Ss]ince|[Oo]f|[Dd]uring|[Uu]ntil|[Ee]arly|[Ll]ate)\s+((?:19|20)\d\d)\b"
)
_AGO = re.compile(
    r"\b(?:last\s+(?:year|summer|spring|autumn|fall|winter)"
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


def published_date(text: str | None) -> date | None:
    """A source's `published` value ("2008-04-19", "2008-04-19T10:00Z") as a date, else None."""
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def looks_back(text: str, published: date | None) -> bool:
    """Whether `text`, from a post of date `published` (None: unknown), refers to a time
    or a standing state before the post's own story."""
    if _STANDING.search(text) or _AGO.search(text):
        return True
    if published is None:
        return False
    if _LAST_MONTH.search(text):
        return True
    for found in _MONTH.finditer(text):
        month, year = MONTHS[found.group(1)], found.group(2)
        back = (
            (published.month - month) % 12
            if year is None
            else (published.year - int(year)) * 12 + published.month - month
        )
        if back >= MONTHS_BACK:
            return True
    return any(int(found.group(1)) < published.year for found in _YEAR.finditer(text))
