"""Load TOML sidecars (sources, actors, events) with errors that name the file and line."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from iraqtui.errors import BadSidecar
from iraqtui.models import META_FIELDS, BoilerplateRule, QuotedRule, SourceMeta

SOURCES_NAME = "sources.toml"
MAX_SIDECAR_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Toml:
    """A parsed sidecar with its raw text kept, so later checks can point at a line."""

    path: Path
    data: dict[str, Any]
    raw: str

    def line_of(self, needle: str) -> int | None:
        """The first line (1-based) containing `needle`, for error messages."""
        for number, line in enumerate(self.raw.splitlines(), start=1):
            if needle in line:
                return number
        return None

    def error(self, message: str, near: str | None = None) -> BadSidecar:
        line = self.line_of(near) if near else None
        where = f"{self.path}:{line}" if line else str(self.path)
        return BadSidecar(f"{where}: {message}")


def load_toml(path: Path) -> Toml:
    """Parse a TOML file; any problem becomes one BadSidecar line naming file and line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadSidecar(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_SIDECAR_BYTES:
        raise BadSidecar(f"{path}: too large for a sidecar ({len(data)} bytes)")
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadSidecar(f"{path}: not UTF-8 (bad byte at offset {exc.start})") from None
    try:
        parsed = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        if match:
            message = message[: match.start()].strip()
            raise BadSidecar(f"{path}:{match.group(1)}: {message}") from None
        if "(at end of document)" in message:
            last = max(1, len(raw.rstrip().splitlines()))
            message = message.replace("(at end of document)", "").strip()
            raise BadSidecar(f"{path}:{last}: {message} (the file ends too early)") from None
        raise BadSidecar(f"{path}: {message}") from None
    except RecursionError:
        raise BadSidecar(f"{path}: nested too deeply") from None
    return Toml(path, parsed, raw)


def expect_str(toml: Toml, value: object, key: str, where: str) -> str | None:
    """A string value or nothing; any other type is an error pointing at the key."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if key == "published" and hasattr(value, "isoformat"):
        return str(value.isoformat())  # an unquoted TOML date is fine
    raise toml.error(f"{where}: '{key}' must be a string, not {type(value).__name__}", key)


def expect_str_list(toml: Toml, value: object, key: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise toml.error(f"{where}: '{key}' must be a list of strings", key)


@dataclass(frozen=True)
class SourcesSidecar:
    """Per-file metadata and boilerplate rules from a folder's sources.toml."""

    path: Path | None
    defaults: dict[str, str]
    files: dict[str, SourceMeta]
    rules: dict[str, tuple[BoilerplateRule, ...]]
    corpus_rules: tuple[BoilerplateRule, ...]
    quoted: dict[str, tuple[QuotedRule, ...]] = field(default_factory=dict)

    def meta_for(self, name: str) -> SourceMeta | None:
        return self.files.get(name)

    def quoted_for(self, name: str) -> tuple[QuotedRule, ...]:
        return self.quoted.get(name, ())

    def rules_for(self, name: str) -> tuple[BoilerplateRule, ...]:
        return self.corpus_rules + self.rules.get(name, ())


EMPTY_SOURCES = SourcesSidecar(None, {}, {}, {}, ())
_FILE_KEYS = {*META_FIELDS, "inferred", "notes", "boilerplate", "quoted"}


def load_sources(path: Path) -> SourcesSidecar:
    """Read and validate a sources.toml."""
    toml = load_toml(path)
    unknown = set(toml.data) - {"defaults", "boilerplate", "files"}
    if unknown:
        key = sorted(unknown)[0]
        raise toml.error(f"unknown top-level key '{key}'", key)
    defaults_raw = toml.data.get("defaults", {})
    if not isinstance(defaults_raw, dict):
        raise toml.error("[defaults] must be a table", "defaults")
    defaults: dict[str, str] = {}
    for key, value in defaults_raw.items():
        if key not in META_FIELDS:
            raise toml.error(f"[defaults]: unknown key '{key}'", key)
        text = expect_str(toml, value, key, "[defaults]")
        if text is not None:
            defaults[key] = text
    corpus_rules = _rules(toml, toml.data.get("boilerplate", []), "[[boilerplate]]")
    files_raw = toml.data.get("files", {})
    if not isinstance(files_raw, dict):
        raise toml.error("[files] must be a table of tables", "files")
    files: dict[str, SourceMeta] = {}
    rules: dict[str, tuple[BoilerplateRule, ...]] = {}
    quoted: dict[str, tuple[QuotedRule, ...]] = {}
    for name, entry in files_raw.items():
        where = f'[files."{name}"]'
        if not isinstance(entry, dict):
            raise toml.error(f"{where} must be a table", name)
        unknown = set(entry) - _FILE_KEYS
        if unknown:
            key = sorted(unknown)[0]
            raise toml.error(f"{where}: unknown key '{key}'", key)
        inferred = set(expect_str_list(toml, entry.get("inferred"), "inferred", where))
        values: dict[str, str | None] = {}
        provenance: dict[str, str] = {}
        for key in META_FIELDS:
            value = expect_str(toml, entry.get(key, defaults.get(key)), key, where)
            if key == "published" and value is not None and not valid_date(value):
                raise toml.error(
                    f"{where}: published {value!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)",
                    value,
                )
            values[key] = value
            if value is not None:
                provenance[key] = "inferred" if key in inferred else "sidecar"
        files[name] = SourceMeta(
            file=name,
            notes=expect_str(toml, entry.get("notes"), "notes", where),
            provenance=provenance,
            **values,
        )
        rules[name] = _rules(toml, entry.get("boilerplate", []), f"{where} boilerplate")
        quoted[name] = _quoted(toml, entry.get("quoted", []), f"{where} quoted")
    return SourcesSidecar(path, defaults, files, rules, corpus_rules, quoted)


def _quoted(toml: Toml, raw: object, where: str) -> tuple[QuotedRule, ...]:
    if not isinstance(raw, list):
        raise toml.error(f"{where} must be a list of tables", "quoted")
    out: list[QuotedRule] = []
    for item in raw:
        if not isinstance(item, dict) or set(item) - {"text", "outlet", "speaker"}:
            raise toml.error(f"{where}: each entry has text, outlet and maybe speaker", "quoted")
        text = expect_str(toml, item.get("text"), "text", where)
        outlet = expect_str(toml, item.get("outlet"), "outlet", where)
        if not text or not text.strip() or not outlet:
            raise toml.error(f"{where}: an entry needs a non-empty text and outlet", "quoted")
        speaker = expect_str(toml, item.get("speaker"), "speaker", where)
        out.append(QuotedRule(text.strip(), outlet, speaker))
    return tuple(out)


def valid_date(value: str) -> bool:
    """YYYY-MM-DD that exists, or a coarser YYYY-MM or YYYY."""
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            datetime.strptime(value, fmt)
            return True
        except ValueError:
            continue
    return False


def unknown_files(sidecar: SourcesSidecar, names: set[str]) -> list[str]:
    """Files the sidecar describes that are not in the folder (often a typo in the name)."""
    return sorted(set(sidecar.files) - names)


def _rules(toml: Toml, raw: object, where: str) -> tuple[BoilerplateRule, ...]:
    if not isinstance(raw, list):
        raise toml.error(f"{where} must be a list of tables", "boilerplate")
    rules: list[BoilerplateRule] = []
    for item in raw:
        if not isinstance(item, dict) or set(item) - {"text", "pattern", "reason"}:
            raise toml.error(f"{where}: each rule has text or pattern, and reason", "boilerplate")
        text = expect_str(toml, item.get("text"), "text", where)
        pattern = expect_str(toml, item.get("pattern"), "pattern", where)
        reason = expect_str(toml, item.get("reason"), "reason", where) or "boilerplate"
        if (text is None) == (pattern is None):
            raise toml.error(f"{where}: a rule needs exactly one of text or pattern", "boilerplate")
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise toml.error(f"{where}: bad pattern {pattern!r}: {exc}", pattern) from None
        if text is not None and not text.strip():
            raise toml.error(f"{where}: a rule's text is empty", "text")
        rules.append(BoilerplateRule(reason=reason, text=text, pattern=pattern))
    return tuple(rules)
