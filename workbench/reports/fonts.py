"""The computer's fonts for the characters DejaVu Sans has no glyph for (a Chinese name, an emoji),
for the PDF's text and charts.

Each font file's characters are read once (fontTools, its character map) and kept in the cache
folder by the file's size and time: reading the character maps of a Mac's 700 fonts takes
seconds, which every PDF of a community with emoji in its names would otherwise wait for.
"""
from __future__ import annotations

import bisect
import json
import os
from pathlib import Path

from matplotlib import font_manager

from ..store.db import cache_dir

_COLOUR_BITMAPS = {"CBDT", "CBLC", "sbix"}  # colour emoji as bitmaps: not a font a PDF can embed as text
FONT_CACHE = "font-characters.json"
FONT_CACHE_VERSION = 1


def _characters_of(path: str) -> list[list[int]]:
    """The characters a font file draws, as ranges [first, last] of code points (none for a
    colour-bitmap emoji font, which a PDF cannot hold as text, or a file that cannot be read)."""
    from fontTools.ttLib import TTFont

    try:
        with TTFont(path, lazy=True, fontNumber=0) as font:
            if _COLOUR_BITMAPS & set(font.keys()) or "glyf" not in font and "CFF " not in font:
                return []
            codes = sorted((font.getBestCmap() or {}).keys())
    except Exception:  # noqa: BLE001 - a font file that cannot be read has no glyphs to give
        return []
    ranges: list[list[int]] = []
    for c in codes:
        if ranges and c == ranges[-1][1] + 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    return ranges


def _font_characters(paths: list[str]) -> dict[str, list[list[int]]]:
    """Each font file's characters (``_characters_of``), from the cache folder where the file's size
    and time are those kept, else read (and kept)."""
    where = cache_dir() / FONT_CACHE
    try:
        kept = json.loads(where.read_text(encoding="utf-8"))
        fonts = kept["fonts"] if kept.get("version") == FONT_CACHE_VERSION else {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):  # none yet, or not ours: read anew
        fonts = {}
    out: dict[str, list[list[int]]] = {}
    changed = False
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            continue
        stamp = [st.st_size, st.st_mtime_ns]
        entry = fonts.get(path)
        if not isinstance(entry, list) or len(entry) != 2 or entry[0] != stamp:
            entry = fonts[path] = [stamp, _characters_of(path)]
            changed = True
        out[path] = entry[1]
    for gone in set(fonts) - set(out):  # a font removed since
        del fonts[gone]
        changed = True
    if changed:
        try:
            where.parent.mkdir(parents=True, exist_ok=True)
            part = where.with_name(f"{where.name}.{os.getpid()}.part")
            part.write_text(json.dumps({"version": FONT_CACHE_VERSION, "fonts": fonts}), encoding="utf-8")
            os.replace(part, where)
        except OSError:  # a cache folder that cannot be written: the next PDF reads the fonts again
            pass
    return out


def _drawn(ranges: list[list[int]], c: int) -> bool:
    i = bisect.bisect_right(ranges, [c, float("inf")]) - 1
    return i >= 0 and ranges[i][0] <= c <= ranges[i][1]


def fonts_with(chars: set[str], *, most: int = 4) -> list[Path]:
    """The computer's fonts that draw the most of ``chars``, fewest fonts first: one font at a time,
    the one that adds the most of what is still missing, until none adds anything (at most
    ``most``). Empty when the computer has none (here DejaVu is all a bare Linux has)."""
    wanted = {ord(ch) for ch in chars}
    chosen: list[Path] = []
    paths = sorted(p for p in font_manager.findSystemFonts() if not Path(p).name.startswith("DejaVu"))
    covers = {p: {c for c in wanted if _drawn(ranges, c)} for p, ranges in _font_characters(paths).items()}
    while wanted and len(chosen) < most:
        best = max(covers, key=lambda p: len(covers[p] & wanted), default=None)
        if best is None or not covers[best] & wanted:
            break
        chosen.append(Path(best))
        wanted -= covers.pop(best)
    return chosen
