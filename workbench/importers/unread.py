"""Exports the workbench knows but does not read, and what to export instead.

People export in the format a tool offers first: Telegram Desktop and DiscordChatExporter both
default to HTML, pages for people to read. Such a file is refused or left alone like any other
unknown file, but with a sentence that says what it is and how to get the export that is read.
"""
from __future__ import annotations

from pathlib import Path

HEAD_BYTES = 64 << 10  # DiscordChatExporter writes its style sheet, with its class names, first

_KNOWN: list[tuple[str, tuple[bytes, ...], str]] = [
    # (the file's suffix, words its head holds (all of them), what it is and what to do)
    (".html", (b"<title>Exported Data</title>", b"page_wrap"),
     "Telegram Desktop's HTML export, which is for reading, not for the workbench: export the chat "
     "again with the format \u201cMachine-readable JSON\u201d (it writes result.json)."),
    (".html", (b"chatlog__",),
     "DiscordChatExporter's HTML export, which is for reading, not for the workbench: export the "
     "channel again as JSON (or CSV)."),
]


def what_it_is(path: Path) -> str | None:
    """A sentence naming an export that is not read and the export to make instead, or None."""
    suffix = path.suffix.lower()
    wanted = [k for k in _KNOWN if k[0] == suffix]
    if not wanted:
        return None
    try:
        with open(path, "rb") as f:
            head = f.read(HEAD_BYTES)
    except OSError:
        return None
    for _, words, sentence in wanted:
        if all(w in head for w in words):
            return sentence
    return None
