"""User key bindings: a TOML file mapping binding ids to keys, e.g. `"main.search" = "/,ctrl+f"`.

Read from `$IRAQTUI_KEYS`, else `$XDG_CONFIG_HOME/iraqtui/keys.toml` (`~/.config/...`).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

KEYS_ENV_VAR = "IRAQTUI_KEYS"


def keys_path() -> Path:
    given = os.environ.get(KEYS_ENV_VAR, "").strip()
    if given:
        return Path(given).expanduser()
    config = os.environ.get("XDG_CONFIG_HOME", "").strip() or str(Path.home() / ".config")
    return Path(config) / "iraqtui" / "keys.toml"


def load_keymap(path: Path | None = None) -> tuple[dict[str, str], str | None]:
    """(binding id -> keys, a problem to tell the user or None). A missing file is no problem.

    Keys may sit at the top level or under a `[keys]` table; a list of keys is allowed too.
    """
    path = path or keys_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return {}, f"{path}: cannot read key bindings ({exc}); using the defaults"
    table = raw.get("keys", raw)
    keymap: dict[str, str] = {}
    bad: list[str] = []
    for binding_id, keys in table.items() if isinstance(table, dict) else ():
        if isinstance(keys, list) and all(isinstance(k, str) for k in keys):
            keys = ",".join(keys)
        if isinstance(keys, str) and keys.strip():
            keymap[str(binding_id)] = keys.replace(" ", "")
        else:
            bad.append(str(binding_id))
    problem = f"{path}: ignored {', '.join(bad)} (give keys as a string)" if bad else None
    return keymap, problem
