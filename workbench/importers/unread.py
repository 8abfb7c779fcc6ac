"""Exports the workbench knows but does not read, and what to export instead.

People export in the format a tool offers first: Telegram Desktop and DiscordChatExporter both
default to HTML, pages for people to read (DiscordChatExporter offers plain text as well).
DiscordChatExporter's pages name messages and people by their ids and are read (``discord_html``);
Telegram's name people by their names alone, and its plain text is no better. Such a file is
refused or left alone like any other unknown file, but with a sentence that says what it is and
how to get the export that is read.
Both tools also write the two formats side by side (Telegram Desktop's "HTML and JSON"): then the
pages are the reading copy of a file that is read, and are said so; a page whose JSON is beside
it but not read says to import that.
"""
from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

HEAD_BYTES = 64 << 10  # DiscordChatExporter writes its style sheet, with its class names, first


@dataclass(frozen=True)
class _ReadingExport:
    suffix: str
    words: tuple[bytes, ...]  # what its head holds (all of them)
    what: str
    instead: str  # how to get the export that is read
    twin: Callable[[Path], Path]  # the file of the same export that is read, when it was written too
    parts: tuple[str, ...] = ()  # folders beside the pages that are theirs
    parts_are: str = ""  # what those hold, in words

    def said(self, path: Path, read: Collection[Path]) -> str:
        twin = self.twin(path)
        if twin in read:
            return f"{self.what}, the copy for reading of {twin.name}, which is read; skipped."
        if twin.is_file():
            return f"{self.what}, the copy for reading of {twin.name} beside it: import that file, which holds " \
                   "all the page shows."
        return f"{self.what}, which is for reading, not for the workbench: {self.instead}."


_KNOWN = (
    _ReadingExport(".html", (b"<title>Exported Data</title>", b"page_wrap"), "Telegram Desktop's HTML export",
                   "export the chat again with the format \u201cMachine-readable JSON\u201d (it writes result.json)",
                   twin=lambda page: page.parent / "result.json", parts=("css", "js", "images"),
                   parts_are="its style sheet, scripts and images"),
    _ReadingExport(".html", (b"chatlog__",), "DiscordChatExporter's HTML export",
                   "export the channel again as JSON (or CSV)", twin=lambda page: page.with_suffix(".json")),
    _ReadingExport(".txt", (b"=" * 62, b"Guild: ", b"Channel: "), "DiscordChatExporter's plain-text export",
                   "export the channel again as JSON (or CSV)", twin=lambda page: page.with_suffix(".json")),
)


def _known(path: Path) -> _ReadingExport | None:
    wanted = [k for k in _KNOWN if k.suffix == path.suffix.lower()]
    if not wanted:
        return None
    try:
        with open(path, "rb") as f:
            head = f.read(HEAD_BYTES)
    except OSError:  # unreadable: said as any file that is no export
        return None
    return next((k for k in wanted if all(w in head for w in k.words)), None)


def what_it_is(path: Path, read: Collection[Path] = ()) -> str | None:
    """A sentence naming an export that is not read and the export to make instead (or, when its
    twin is among the files ``read``, that it is that file's reading copy), or None."""
    known = _known(path)
    return known.said(path, read) if known else None


def what_they_are(files: list[Path], read: Collection[Path] = ()) -> list[tuple[Path, str | None]]:
    """``what_it_is`` for each file of a folder left alone; a file in the style, script or image
    folder of pages it names is said to be theirs, not an unknown file."""
    known = {f: _known(f) for f in files}
    pages = {f.parent: k for f, k in known.items() if k is not None and k.parts}
    out: list[tuple[Path, str | None]] = []
    for f, k in known.items():
        if k is not None:
            out.append((f, k.said(f, read)))
            continue
        owner = next(((folder, pages[folder]) for folder in f.parents if folder in pages), None)
        if owner is not None and f.relative_to(owner[0]).parts[0] in owner[1].parts:
            out.append((f, f"part of {owner[1].what} ({owner[1].parts_are}); skipped."))
        else:
            out.append((f, None))
    return out
