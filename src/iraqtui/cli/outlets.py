"""Match an outlet name typed by a user against the outlets in the database."""

from __future__ import annotations

import re
import sqlite3

from rapidfuzz import fuzz, process, utils

from iraqtui.analysis.names import MAX_QUERY_CHARS
from iraqtui.errors import UnknownName
from iraqtui.store.queries import outlets
from iraqtui.textsafe import one_line


def resolve_outlet(conn: sqlite3.Connection, name: str) -> str:
    """The outlet exactly, case-insensitively, or by a clear fuzzy match; else list options."""
    known = outlets(conn)
    name = name[:MAX_QUERY_CHARS]  # no outlet's name is longer; a longer one only costs time
    wanted = name.casefold().strip()
    for outlet in known:
        if outlet.casefold() == wanted:
            return outlet
    # "delong" names "Grasping Reality … (Brad DeLong's Semi-Daily Journal)" when no other
    # outlet contains it as a word.
    containing = [o for o in known if re.search(rf"\b{re.escape(wanted)}", o.casefold())]
    if wanted and len(containing) == 1:
        return containing[0]
    best = process.extract(
        name, known, scorer=fuzz.WRatio, processor=utils.default_process, limit=3
    )
    if best and best[0][1] >= 85 and (len(best) == 1 or best[0][1] - best[1][1] >= 5):
        return str(best[0][0])
    closest = ", ".join(repr(b[0]) for b in best) or "none"
    raise UnknownName(f"no outlet named {one_line(name, 80)!r}; closest: {closest}")
