"""iraqtui: a keyboard-first terminal explorer of how the press frames a conflict."""

from __future__ import annotations

__version__ = "0.1.0"
