"""Make untrusted corpus text safe to show: no terminal control sequences or bidi controls,
same length."""

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

# Unicode's explicit bidi formatting characters (UAX #9): embeddings and overrides
# (U+202A-U+202E), isolates (U+2066-U+2069) and the marks (U+200E, U+200F, U+061C). In a
# terminal or viewer that applies the bidi algorithm they reorder what follows them, so a
# title or quote can show text in an order other than the one it is stored and searched in
# ("Trojan Source"). Arabic and Hebrew letters carry their own direction and need none of
# them to show. An override (U+202D, U+202E) reverses even letters and has no business in
# prose, so it shows as U+FFFD; the rest, common in genuine right-to-left text, become the
# invisible U+200B, which the bidi algorithm ignores.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
_BIDI_SHOWN = dict.fromkeys(BIDI_CONTROLS, _INVISIBLE) | {
    "\u202d": REPLACEMENT,
    "\u202e": REPLACEMENT,
}
_UNSAFE = re.compile(f"[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f{BIDI_CONTROLS}]")


def _blank_sequence(match: re.Match[str]) -> str:
    return REPLACEMENT + _INVISIBLE * (len(match.group(0)) - 1)


def _neutral_bidi(match: re.Match[str]) -> str:
    return _BIDI_SHOWN[match.group()]


def sanitize(text: str) -> str:
    """Remove terminal escape sequences, control characters and bidi controls, keeping the
    length: each sequence becomes one U+FFFD (plus zero-width fillers), each lone control
    one U+FFFD, each bidi override U+FFFD and each other bidi control U+200B."""
    if not _UNSAFE.search(text):
        return text
    if _CONTROL.search(text):
        text = _CONTROL.sub(REPLACEMENT, _SEQUENCE.sub(_blank_sequence, text))
    return _BIDI.sub(_neutral_bidi, text)


def one_line(text: str, width: int | None = None) -> str:
    """Sanitised text on a single line (newlines and tabs folded to spaces), optionally cut."""
    flat = " ".join(sanitize(text).replace("\r", " ").replace(_INVISIBLE, "").split())
    if width is not None and len(flat) > width:
        return flat[: max(0, width - 1)] + "…"
    return flat


# JSON leaves DEL, the C1 controls and the bidi controls raw; a terminal may act on C1
# CSI/OSC (U+009B, U+009D) and reorder text around a bidi control. They can only occur
# inside JSON strings, where a \u escape is the same data.
_JSON_RAW_CONTROL = re.compile(f"[\\x7f-\\x9f{BIDI_CONTROLS}]")


def escape_json_controls(json_text: str) -> str:
    """JSON text with DEL, C1 and bidi controls written as \\u escapes: same data, safe to
    show."""
    return _JSON_RAW_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text)
