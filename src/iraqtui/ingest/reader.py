"""The only file I/O of ingest: find corpus files and decode them, refusing what is not text."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from iraqtui.errors import CorpusNotFound

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
# A file this size or larger is still read, but in one piece; the CLI says so.
MAX_FILE_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class CorpusFile:
    """A file to ingest: where it is and its name relative to the folder it was found in."""

    path: Path
    root: Path
    name: str  # relative to root, with forward slashes


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    sha256: str
    size: int
    warning: str | None = None


@dataclass(frozen=True)
class Refusal:
    file: str
    reason: str


def discover(paths: list[Path]) -> tuple[list[CorpusFile], list[Refusal]]:
    """Expand files and folders into corpus files; a missing path is an error before any work."""
    missing = [p for p in paths if not p.exists()]
    if missing:
        names = ", ".join(str(p) for p in missing)
        raise CorpusNotFound(f"no such file or folder: {names}")
    found: list[CorpusFile] = []
    refused: list[Refusal] = []
    seen: set[Path] = set()
    for given in paths:
        if given.is_dir():
            root = given.resolve()
            for path in sorted(root.rglob("*")):
                rel = path.relative_to(root)
                if any(part.startswith(".") for part in rel.parts):
                    continue
                if path.is_file() and path.suffix.lower() in TEXT_SUFFIXES:
                    _add(found, seen, CorpusFile(path.resolve(), root, rel.as_posix()))
        elif not given.is_file():
            # A FIFO or a device (a link to /dev/zero, say) would be read forever.
            refused.append(Refusal(str(given), "not a regular file"))
        elif given.suffix.lower() in TEXT_SUFFIXES:
            resolved = given.resolve()
            _add(found, seen, CorpusFile(resolved, resolved.parent, resolved.name))
        else:
            refused.append(Refusal(str(given), "not a .txt or .md file"))
    return found, refused


def _add(found: list[CorpusFile], seen: set[Path], item: CorpusFile) -> None:
    if item.path not in seen:
        seen.add(item.path)
        found.append(item)


def read_bytes(path: Path) -> bytes:
    return path.read_bytes()


def decode(data: bytes) -> Decoded | str:
    """Decode file bytes; return the reason as a string when the file is not text."""
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip():
        return "empty file"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            wide = data.decode("utf-16")
        except UnicodeDecodeError:
            return "not text (a broken UTF-16 byte-order mark)"
        # The same refusals as for UTF-8 below, judged on the decoded characters.
        if not wide.strip():
            return "empty file"
        if "\x00" in wide:
            return "binary file (contains NUL characters)"
        return Decoded(wide, "utf-16", digest, len(data), "decoded as UTF-16")
    if b"\x00" in data:
        return "binary file (contains NUL bytes)"
    try:
        text = data.decode("utf-8-sig")
        encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
        if not text.strip():
            return "empty file"  # a byte-order mark and nothing else
        return Decoded(text, encoding, digest, len(data))
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return f"not UTF-8 (bad byte at offset {first_bad}) and not cp1252 text"
    if _control_ratio(text) > 0.05:
        return "binary file (mostly control characters)"
    return Decoded(
        text,
        "cp1252",
        digest,
        len(data),
        f"not valid UTF-8 (byte offset {first_bad}); decoded as cp1252",
    )


def _control_ratio(text: str) -> float:
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls / max(1, len(sample))
