"""One exception tree for everything a person may need to act on.

Every error carries a one-sentence ``message`` for the window or the terminal, and optional
``details`` (longer text for a Details box or ``--verbose``).
"""
from __future__ import annotations

from pathlib import Path


class WorkbenchError(Exception):
    """An error a person can act on: one sentence, plus optional details."""

    def __init__(self, message: str, *, details: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message


class ImportFailed(WorkbenchError):
    """A file cannot be imported at all (wrong format, truncated, unsafe). Nothing was written."""


class UnknownFormat(ImportFailed):
    """No importer recognises the file."""


class ImportCancelled(WorkbenchError):
    """The user cancelled; the workspace is as it was before."""

    def __init__(self, message: str = "The import was cancelled; nothing was changed.") -> None:
        super().__init__(message)


class WorkspaceError(WorkbenchError):
    """The workspace file cannot be opened or upgraded."""


class WorkspaceBusy(WorkspaceError):
    """Another program kept the workspace's write lock longer than the workbench waits for it."""


class WorkspaceFull(WorkspaceError):
    """The disk under the workspace has no room for what is being written."""


class NotFound(WorkbenchError):
    """A person, account or other record named by the user does not exist."""


class KeyringUnavailable(WorkbenchError):
    """No OS keyring backend is available to keep a secret."""


def make_folder(path: Path, what: str) -> None:
    """Create the folder ``path``, where ``what`` are written ("CSV reports", "the metric tables"),
    or say in one sentence why it cannot be."""
    if path.exists() and not path.is_dir():
        raise WorkbenchError(f"{path} is a file; {what} are written to a folder.")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkbenchError(f"The folder {path} cannot be created: {exc.strerror}.") from exc


def file_error(exc: OSError) -> str:
    """A file that cannot be read or written, in a sentence: its name and why ("PATH: reason.")."""
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}."
