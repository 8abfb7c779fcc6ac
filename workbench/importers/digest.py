"""File digests (SHA-256): the run's record of what it read, and how a file read before is known.

Re-importing a file needs its digest twice: first to see whether that exact file was imported
before (``unchanged``), then for the run's provenance. Inside ``remembered()`` (one import) the
second is taken from the first, keyed by what changes when the file's bytes do (size, modification
and status change times, device, inode); outside it every call reads the file.
"""
from __future__ import annotations

import contextvars
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import ImportCancelled
from .base import CancelFn

_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("workbench_digests", default=None)


@contextmanager
def remembered(kept: dict | None = None) -> Iterator[None]:
    """Digests taken inside are reused inside (a thread started inside must run in a copy of the
    context: ``contextvars.copy_context().run``). Inside another, the outer one's are shared: a
    check that took them before an import hands them to it. ``kept`` shares them across threads
    (the window's check and its import are tasks of their own): pass the same dict to both."""
    if _memo.get() is not None:
        yield
        return
    token = _memo.set({} if kept is None else kept)
    try:
        yield
    finally:
        _memo.reset(token)


def _key(path: Path) -> tuple:
    st = os.stat(path)
    return (os.path.abspath(path), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_dev, st.st_ino)


def sha256_of(path: Path, cancel: CancelFn | None = None) -> str:
    """The file's SHA-256 as hex (``cancel`` is asked after every MiB and raises ``ImportCancelled``)."""
    memo = _memo.get()
    key = _key(path) if memo is not None else None
    if memo is not None and key in memo:
        return memo[key]
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
            if cancel is not None and cancel():
                raise ImportCancelled()
    digest = h.hexdigest()
    if memo is not None and _key(path) == key:  # unchanged while it was read
        memo[key] = digest
    return digest
