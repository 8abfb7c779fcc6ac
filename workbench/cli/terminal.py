"""What the command line prints is shown, never acted on by the terminal.

Names, handles and messages come from exports anyone can write. A terminal acts on some characters
instead of showing them: C0 and C1 controls start escape sequences (clear the screen, retitle the
window, hide what follows, move the cursor back over a line), and the bidirectional controls
reorder the rest of the line (a name behind U+202E reads backwards, a table's columns slide). The
command line writes each of them as its code point escaped, ESC as ``\\u001b``: readable in a table,
and in JSON output the same escape a JSON reader reads back as the character itself, so ``--json``
keeps every name exactly.
"""
from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator
from typing import TextIO

# C0 controls but tab, newline and carriage return; DEL and the C1 controls; the bidirectional
# marks, embeddings, overrides and isolates.
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[{_CONTROLS}\r{_BIDI}]")
_UNSAFE_BUT_CR = re.compile(f"[{_CONTROLS}{_BIDI}]")


def shown(text: str, *, keep_cr: bool = False) -> str:
    """``text`` with every character a terminal would act on written as its escaped code point
    (U+202E as ``\\u202e``)."""
    return (_UNSAFE_BUT_CR if keep_cr else _UNSAFE).sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class Shown:
    """A text stream that writes through ``shown``; everything else is the stream's own."""

    def __init__(self, stream: TextIO, *, keep_cr: bool = False) -> None:
        self._stream, self._keep_cr = stream, keep_cr

    def write(self, text: str) -> int:
        self._stream.write(shown(text, keep_cr=self._keep_cr))
        return len(text)

    def __getattr__(self, name: str):  # noqa: ANN204 - flush, isatty, fileno, encoding... as the stream's
        return getattr(self._stream, name)


@contextlib.contextmanager
def shown_safely() -> Iterator[None]:
    """Standard output and error, while a command runs, written through ``shown`` (the error
    stream keeps its carriage returns: the import's progress line rewrites itself with them)."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = Shown(out), Shown(err, keep_cr=True)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err
