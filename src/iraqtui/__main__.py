"""Entry point for `python -m iraqtui`."""

from __future__ import annotations

from iraqtui.cli import main

raise SystemExit(main())
