"""Exceptions a user can cause, each named by its cause and carrying a one-line message."""

from __future__ import annotations


class IraqtuiError(Exception):
    """An error the user can act on; its message is shown as one line, never a traceback."""

    exit_code = 1


class CorpusNotFound(IraqtuiError):
    """A path given to ingest does not exist."""


class BadSidecar(IraqtuiError):
    """A TOML sidecar (sources, actors, events) is malformed."""


class SchemaTooNew(IraqtuiError):
    """The database was written by a newer iraqtui; it is refused and left untouched."""


class NotADatabase(IraqtuiError):
    """The file is not an SQLite database (or is corrupt); it is refused and never overwritten."""


class DatabaseBusy(IraqtuiError):
    """Another process holds the write lock for longer than we are willing to wait."""


class ReadOnlyDatabase(IraqtuiError):
    """The database file cannot be written (permissions, read-only disk) and the command must."""


class DatabaseMissing(IraqtuiError):
    """The database file named does not exist and will not be created by this command."""


class BadQuery(IraqtuiError):
    """A search query that cannot be run even after falling back to plain terms."""


class UnknownName(IraqtuiError):
    """An actor, event or outlet name that matches nothing; the message lists the closest."""


class ExportExists(IraqtuiError):
    """An export would overwrite an existing file without --force."""


class BadExportTarget(IraqtuiError):
    """An --out that the chosen format cannot write to."""
