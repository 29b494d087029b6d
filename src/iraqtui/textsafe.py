"""Make untrusted corpus text safe to show: no terminal control sequences, same length."""

from __future__ import annotations

import re

# Whole escape sequences: CSI (ESC [ or U+009B … final byte), OSC/DCS/APC/PM/SOS strings
# (ESC ] P _ ^ X or U+009D … up to BEL or ST), and two-character ESC sequences.
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]P_^X]|[\x9d\x90\x9f\x9e\x98])[^\x07\x1b\x9c]{0,4096}(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -~]?"
)
# C0 controls except TAB, LF and CR; DEL; C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
REPLACEMENT = "\ufffd"
# The rest of a removed sequence: zero-width, and a word separator for FTS5's unicode61, so
# "\x1b[31mdenied" shows as "�denied" and is found by a search for "denied".
_INVISIBLE = "\u200b"


def _blank_sequence(match: re.Match[str]) -> str:
    return REPLACEMENT + _INVISIBLE * (len(match.group(0)) - 1)


def sanitize(text: str) -> str:
    """Remove terminal escape sequences and control characters, keeping the length: each
    sequence becomes one U+FFFD (plus zero-width fillers), each lone control one U+FFFD."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(REPLACEMENT, _SEQUENCE.sub(_blank_sequence, text))


def one_line(text: str, width: int | None = None) -> str:
    """Sanitised text on a single line (newlines and tabs folded to spaces), optionally cut."""
    flat = " ".join(sanitize(text).replace("\r", " ").replace(_INVISIBLE, "").split())
    if width is not None and len(flat) > width:
        return flat[: max(0, width - 1)] + "…"
    return flat


# JSON leaves DEL and the C1 controls raw, and a terminal may act on C1 CSI/OSC (U+009B,
# U+009D). They can only occur inside JSON strings, where a \u escape is the same data.
_JSON_RAW_CONTROL = re.compile(r"[\x7f-\x9f]")


def escape_json_controls(json_text: str) -> str:
    """JSON text with DEL and C1 controls written as \\u escapes: same data, terminal-safe."""
    return _JSON_RAW_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text)
