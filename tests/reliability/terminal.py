"""A real terminal to read back: a private tmux server (its own socket), one pane per test."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path


def iraqtui_command() -> str:
    beside = Path(sys.executable).with_name("iraqtui")
    return str(beside) if beside.exists() else shutil.which("iraqtui") or "iraqtui"


class Tmux:
    """One detached tmux session on a private socket, so other sessions are never touched."""

    def __init__(self, cwd: Path, width: int = 160, height: int = 48) -> None:
        self.socket = f"iraqtui-rel-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.cwd = cwd
        env = {k: v for k, v in os.environ.items() if not k.startswith("TMUX")}
        env.update({"TERM": "xterm-256color", "IRAQTUI_KEYS": str(cwd / "no-keys.toml")})
        self.env = env
        config = cwd / f".{self.socket}.conf"
        # Options that shape a pane must be set before the pane exists.
        config.write_text("set -g history-limit 100000\n", encoding="utf-8")
        self.tmux(
            "-f",
            str(config),
            "new-session",
            "-d",
            "-s",
            "main",
            "-x",
            str(width),
            "-y",
            str(height),
            "-c",
            str(cwd),
            "sh",
        )
        # Let OSC 52 reach tmux's paste buffers (so a leak is visible), bells be recorded,
        # and a clear-screen wipe the screen instead of scrolling it into history.
        self.tmux("set-option", "-g", "set-clipboard", "on")
        self.tmux("set-option", "-g", "monitor-bell", "on")
        self.tmux("set-option", "-g", "bell-action", "any")
        self.tmux("set-option", "-g", "allow-rename", "on")
        self.tmux("set-option", "-g", "scroll-on-clear", "off", check=False)
        self.tmux("select-pane", "-t", "main", "-T", "SAFE-TITLE")

    def tmux(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            errors="surrogateescape",
            check=False,
            env=self.env,
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def run(self, command: str) -> None:
        """Type a shell command into the pane (literally) and press Enter."""
        self.tmux("send-keys", "-t", "main", "-l", command)
        self.tmux("send-keys", "-t", "main", "Enter")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "main", *keys)

    def screen(self, *, escapes: bool = False, history: bool = False) -> str:
        args = ["capture-pane", "-p", "-t", "main"]
        if escapes:
            args.append("-e")
        if history:
            args += ["-S", "-"]
        return self.tmux(*args)

    def wait_for(self, text: str, timeout: float = 120.0, *, history: bool = True) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen(history=history)
            if text in shown:
                return shown
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen()}")

    def info(self, fmt: str) -> str:
        return self.tmux("display-message", "-p", "-t", "main", fmt).strip()

    def buffers(self) -> str:
        return self.tmux("list-buffers", check=False)

    def pane_pid(self) -> int:
        return int(self.info("#{pane_pid}"))

    def close(self) -> None:
        self.tmux("kill-server", check=False)


def tmux_available() -> bool:
    return shutil.which("tmux") is not None
