"""Make untrusted corpus text safe to show: no terminal control sequences, same length."""

from __future__ import annotations

import re

# C0 controls except TAB, LF and CR; DEL; C1 controls. ESC (\x1b) is among them, so no
# CSI/OSC sequence survives; each removed character becomes one U+FFFD so offsets hold.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
REPLACEMENT = "\ufffd"


def sanitize(text: str) -> str:
    """Replace terminal control characters one-for-one with U+FFFD."""
    return _CONTROL.sub(REPLACEMENT, text)


def one_line(text: str, width: int | None = None) -> str:
    """Sanitised text on a single line (newlines and tabs folded to spaces), optionally cut."""
    flat = " ".join(sanitize(text).replace("\r", " ").split())
    if width is not None and len(flat) > width:
        return flat[: max(0, width - 1)] + "…"
    return flat


# JSON leaves DEL and the C1 controls raw, and a terminal may act on C1 CSI/OSC (U+009B,
# U+009D). They can only occur inside JSON strings, where a \u escape is the same data.
_JSON_RAW_CONTROL = re.compile(r"[\x7f-\x9f]")


def escape_json_controls(json_text: str) -> str:
    """JSON text with DEL and C1 controls written as \\u escapes: same data, terminal-safe."""
    return _JSON_RAW_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text)
