"""Helpers of the report tests: the hostile names planted in reports, and readers of reports the
way a person's tools read them."""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path

import pytest

HOSTILE_NAMES = ['<script>alert("x")</script>', '=HYPERLINK("http://evil.example","click")',
                 "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
                 "\u202eevil\u202c name", "\tTabbed", '<img src=x onerror="alert(1)">',
                 'Robert"); DROP TABLE members;--', "\u200b=1+1"]


def pdf_text(data: bytes) -> str:
    """The text of a PDF through pdftotext (poppler), as a person's PDF viewer shows it."""
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    proc = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return proc.stdout.decode("utf-8", "replace")


def pdf_streams(data: bytes) -> list[bytes]:
    """Every stream of a PDF, inflated where it is compressed."""
    out = []
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        raw = m.group(1)
        try:
            out.append(zlib.decompress(raw))
        except zlib.error:
            out.append(raw)
    return out


def all_bytes(name: str, data: bytes) -> list[tuple[str, bytes]]:
    """The bytes of a file and, recursively, of every member of it that is a zip or a PDF."""
    out = [(name, data)]
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for info in z.infolist():
                out += all_bytes(f"{name}/{info.filename}", z.read(info))
    elif data[:5] == b"%PDF-":
        out += [(f"{name}#stream{i}", s) for i, s in enumerate(pdf_streams(data))]
    return out


def read_pack(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def write_han_font(path: Path, chars: str) -> Path:
    """A small TrueType font at ``path`` that draws ``chars`` (each a square) and nothing else: a
    font of the computer's for the characters DejaVu Sans lacks, as Noto Sans CJK is for Chinese."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    def square():  # noqa: ANN202
        pen = TTGlyphPen(None)
        pen.moveTo((100, 0))
        pen.lineTo((100, 700))
        pen.lineTo((800, 700))
        pen.lineTo((800, 0))
        pen.closePath()
        return pen.glyph()

    names = {ch: f"uni{ord(ch):04X}" for ch in chars}
    order = [".notdef", "space", *names.values()]
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap({0x20: "space", **{ord(ch): name for ch, name in names.items()}})
    fb.setupGlyf({".notdef": square(), "space": TTGlyphPen(None).glyph(), **{n: square() for n in names.values()}})
    fb.setupHorizontalMetrics({name: (1000, 100) for name in order})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": "Workbench Test Han", "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=880, usWinAscent=880, usWinDescent=120)
    fb.setupPost()
    path.parent.mkdir(parents=True, exist_ok=True)
    fb.save(str(path))
    return path
