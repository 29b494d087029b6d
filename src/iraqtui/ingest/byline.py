"""Bylines, date lines and datelines: the lines at the top of an article that say who wrote
it and when, read without any sidecar ("Posted by X, May 11, 2008", "12 May 2008")."""

from __future__ import annotations

import re
from datetime import date

from iraqtui.textsafe import one_line

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# A month's name or abbreviation (also what boilerplate.DATE_IN_TEXT reads).
MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"((?:19|20)\d\d)"
# "May 12, 2008", "12 May 2008", "12th of May, 2008", "2008-05-12" (also 2008/05/12 and a
# timestamp's date part); a date with no year is no date here.
_DATE = re.compile(
    rf"(?<![\w])(?:({MONTH})\s+{_DAY},?\s+{_YEAR}|{_DAY}\s+(?:of\s+)?({MONTH}),?\s+{_YEAR}|"
    r"((?:19|20)\d\d)([-/.])(\d{1,2})\8(\d{1,2}))(?!\d)",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"(?:\bat\s+)?\b\d{1,2}[:.]\d\d(?:\s*(?:[ap]\.?m\.?|AM|PM))?(?:\s+[A-Z]{2,4}T?\b)?"
    r"|(?:\bat\s+)?\b\d{1,2}\s*(?:[ap]\.m\.|AM|PM)",
    re.IGNORECASE,
)
# Words that may stand beside a date on a line that is only a date.
_DATE_WORDS = re.compile(
    r"(?i)^(?:mon|tues|wednes|thurs|fri|satur|sun)day$|^(?:updated|posted|published|filed|"
    r"last|first|modified|on|at|date|dated|gmt|utc|bst|[ecmp][sd]t|et)$"
)
# "By", "Posted by", "Posted on DATE by" and the like open a byline.
_BY = re.compile(
    r"^(?:(?:written|reporting|reported|posted|filed|published|words|story|text)"
    r"(?:\s+on\s+\x01)?\s+)?by\s+",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"\s*(?:[|·•;,]|\s[-–—]\s|[–—])\s*|\s+on\s+(?=\x01)|\s+(?=[\x01\x02])")
# In a byline, "in" or "for" also ends the name: "By John Smith in Baghdad".
_BYLINE_SEPARATORS = re.compile(rf"{_SEPARATORS.pattern}|\s+(?:in|for)\s+(?=[A-Z])")
_STRONG_SEPARATOR = re.compile(r"[|·•]|\s[-–—]\s|[–—]")
_NOBODY = re.compile(
    r"(?i)(?:our|an?|the)\s+(?:own\s+|special\s+|staff\s+)?(?:correspondents?|reporters?|"
    r"staff|writers?|editors?)\b"
)
_PARTICLES = {"al", "el", "de", "da", "du", "del", "della", "der", "van", "von", "bin", "ibn"}
_NOT_NAMES = re.compile(
    r"(?i)^(?:the|our|a|an|staff|(?:mon|tues|wednes|thurs|fri|satur|sun)day|news|world|home|"
    r"politics|opinion|analysis|comment|editorial|features?|update[ds]?|middle|east|"
    rf"{MONTH})$"
)
_NAME_TOKEN = re.compile(r"^(?:[^\W\d_][\w'’.-]*|(?:al|el)-[^\W\d_][\w'’-]*)$")
_DATELINE_PLACE = re.compile(r"[A-Z][\w.'’ -]{1,40}(?:,\s*[\w.'’ -]{1,30})?,\s*$")
_DATELINE_END = re.compile(r"\s*(?:\([^)]{1,30}\)\s*)?[-–—:]")


def parse_date(text: str) -> str | None:
    """The first date in `text` that has a year, as YYYY-MM-DD, if it is a real date."""
    for found in _DATE.finditer(text):
        if found.group(7):
            year, month, day = found.group(7), found.group(9), found.group(10)
        else:
            month_name = found.group(1) or found.group(5)
            day = found.group(2) or found.group(4)
            year = found.group(3) or found.group(6)
            month = str(_MONTHS.index(month_name[:3].lower()) + 1)
        try:
            return date(int(year), int(month), int(day)).isoformat()
        except ValueError:
            continue
    return None


def parse_byline(line: str, below_title: bool) -> tuple[str | None, str | None, list[str]] | None:
    """(author, date, other parts) of a byline, or None when the line is not one. A byline
    that names nobody ("By our correspondent in Baghdad") is one below a title; above it,
    "By the numbers" may be the title."""
    ends_sentence = line.endswith(("!", "?", ":", '"', "”")) or (
        line.endswith(".") and not re.search(r"\b[ap]\.m\.$", line)
    )
    if not line or len(line) > 160 or ends_sentence:
        return None
    marked = _TIME.sub("\x02", _DATE.sub("\x01", line))
    opened = _BY.match(marked)
    rest = marked[opened.end() :] if opened else marked
    if not opened and not _STRONG_SEPARATOR.search(rest):
        return None  # "Sadr City, May 12, 2008" is a place and a date
    parts = [p for p in _BYLINE_SEPARATORS.split(rest) if p and p.strip()]
    if not parts:
        return None
    name = _name(parts[0], single=opened is not None)
    if name is None:
        # "By our correspondent in Baghdad": a byline that names nobody.
        nameless = opened and len(rest) <= 60 and "\x01" not in rest
        if nameless and (_NOBODY.match(rest) or (below_title and rest[:1].islower())):
            return None, None, []
        return None
    others = [p.strip() for p in parts[1:]]
    when = parse_date(line) if "\x01" in marked else None
    # Without "by", only a name beside a date (and perhaps a time) is a byline.
    if not opened and (when is None or any(p not in ("\x01", "\x02") for p in others)):
        return None
    extras = [p for p in others if "\x01" not in p and "\x02" not in p]
    return name, when, extras


def _name(text: str, single: bool) -> str | None:
    """`text` as a person's name (or two joined by "and"), else None."""
    tokens = text.split()
    if not tokens or len(tokens) > 9 or _NOT_NAMES.match(tokens[0]):
        return None
    names = 0
    for token in tokens:
        if token.lower() in ("and", "&"):
            continue
        if token.lower() in _PARTICLES:
            continue
        if not _NAME_TOKEN.match(token):
            return None
        if not token[0].isupper() and not token.lower().startswith(("al-", "el-")):
            return None
        names += 1
    if tokens[-1].lower() in ("and", "&") or names < (1 if single else 2):
        return None
    shown = " ".join(tokens)
    if shown.isupper() and len(shown) > 3:
        shown = " ".join(_capitalised(t) for t in tokens)
    return one_line(shown, 100)


def _capitalised(token: str) -> str:
    """ "OKONKWO-REYES" reads as "Okonkwo-Reyes"; "AL-SADR" as "al-Sadr"."""
    parts = [p.lower() if p.lower() in _PARTICLES else p.capitalize() for p in token.split("-")]
    return "-".join(parts)


def is_date_line(line: str, strict: bool) -> bool:
    """A line that is a date, perhaps with a weekday, a time or "Updated"; below the title
    also with a place or a section ("BAGHDAD, May 12, 2008", "Middle East | May 12, 2008")."""
    if len(line) > 80 or line.endswith(".") or not parse_date(line):
        return False
    rest = _TIME.sub(" ", _DATE.sub(" ", line))
    words = [w for w in re.findall(r"[^\W\d_]+", rest) if not _DATE_WORDS.match(w)]
    return not words or (not strict and len(words) <= 4 and all(w[0].isupper() for w in words))


def segments(line: str) -> list[str]:
    """A line's parts between separators, with any parenthesis left out."""
    bare = re.sub(r"\s*\([^)]*\)", "", line)
    return [p.strip() for p in _SEPARATORS.split(bare) if p and p.strip()]


def dateline_date(body: str) -> str | None:
    """The date of a dateline opening `body` ("BAGHDAD, May 12, 2008 (Reuters) - ..."), if
    it gives a year; "BAGHDAD, May 12" gives none (a year is never invented)."""
    line = body.lstrip()
    found = _DATE.search(line, 0, 80)
    if not found or not _DATELINE_PLACE.match(line[: found.start()]):
        return None
    if not _DATELINE_END.match(line, found.end()):
        return None
    return parse_date(found.group(0))
