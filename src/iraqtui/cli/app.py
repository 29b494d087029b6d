"""Launch the Textual app (imported only when needed, so subcommands start fast)."""

from __future__ import annotations

import argparse

from iraqtui.cli.common import settings


def run_app(args: argparse.Namespace) -> int:
    from iraqtui.tui.app import run

    return run(settings(args))
