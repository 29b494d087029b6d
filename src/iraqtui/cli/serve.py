"""`iraqtui serve`: the same app in a web browser via textual-serve, on localhost by default."""

from __future__ import annotations

import argparse
import shlex
import sys
from typing import Any

from iraqtui.cli.common import settings


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "serve",
        parents=[parent],
        help="offer the app in a web browser (textual-serve)",
        description="Serve the app over HTTP. Each browser tab runs its own copy of the app on "
        "this machine; bind to another host only on a network you trust.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.set_defaults(func=run)


def app_command(db_path: str) -> str:
    """The command each browser session runs: this Python, this package, this database."""
    return " ".join(shlex.quote(p) for p in (sys.executable, "-m", "iraqtui", "--db", db_path))


def run(args: argparse.Namespace) -> int:
    from textual_serve.server import Server

    config = settings(args)
    command = app_command(str(config.db_path.resolve()))
    print(f"iraqtui: serving on http://{args.host}:{args.port} (ctrl+c stops)", file=sys.stderr)
    Server(command, host=args.host, port=args.port, title="iraqtui").serve()
    return 0
