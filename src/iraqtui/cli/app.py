"""Launch the Textual app (imported only when needed, so subcommands start fast)."""

from __future__ import annotations

import argparse

from iraqtui.config import Settings


def run_app(args: argparse.Namespace) -> int:
    from iraqtui.tui.app import run

    return run(Settings.from_cli(getattr(args, "db", None)))
