"""Safe output: values that leave the workbench in a file a person opens.

- ``cell(value)``: a spreadsheet cell (CSV or XLSX) that can never start a formula. A text that a
  spreadsheet would read as a formula (first visible character ``=``, ``+``, ``-``, ``@``, or a
  leading tab or carriage return) gets a leading apostrophe, the convention spreadsheets show as
  "this is text". Numbers stay numbers.
- ``text(value)``: HTML-escaped text (a member called ``<script>`` stays text).
- ``file_stem(name)``: a file name part built from data that can never become a path.
"""
from __future__ import annotations

import datetime as dt
import html
import math
import re
import unicodedata
from typing import Any

FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")  # and their full-width forms
# Characters XML 1.0 (and so XLSX) cannot hold at all.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_STEM_BAD = re.compile(r"[^A-Za-z0-9._-]+")
# Bidirectional embeddings, overrides and isolates: they reorder the text around them on screen.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _first_visible(value: str) -> str:
    """The first character a spreadsheet would look at, past spaces and invisible format characters."""
    for ch in value:
        if ch in "\t\r":
            return ch
        if ch.isspace() or unicodedata.category(ch) in ("Cf", "Cc", "Zs"):
            continue
        return ch
    return ""


def is_formula_like(value: str) -> bool:
    return bool(value) and (value[0] in FORMULA_STARTS or _first_visible(value) in FORMULA_STARTS)


def neutralize(value: str) -> str:
    """A text that no spreadsheet reads as a formula (and that XML can hold)."""
    value = _ILLEGAL_XML.sub("\ufffd", value)
    return "'" + value if is_formula_like(value) else value


def cell(value: Any) -> Any:
    """A value ready for a spreadsheet cell: numbers and dates as they are, text neutralized."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, int):
        return value
    if isinstance(value, (dt.datetime, dt.date)):
        return value
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        try:
            return cell(value.item())
        except (TypeError, ValueError):
            pass
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return None if value != value else value.to_pydatetime()
    return neutralize(str(value))


def csv_cell(value: Any) -> str:
    """A value as CSV text: numbers plain, dates ISO, text neutralized."""
    v = cell(value)
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v) if not v.is_integer() else str(int(v)) if abs(v) < 1e15 else repr(v)
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat()
    return str(v)


def display(value: str) -> str:
    """Text as it is read on a page: bidirectional controls removed, so the characters show in the
    order they were written (a name with a right-to-left override cannot disguise itself)."""
    return _BIDI_CONTROLS.sub("", value)


def text(value: Any) -> str:
    """HTML-escaped text, quotes included, for element content and attribute values alike, without
    bidirectional controls."""
    return html.escape(display("" if value is None else str(value)), quote=True)


def file_stem(name: str, *, fallback: str = "table", limit: int = 60) -> str:
    """A file name part from arbitrary text: ASCII letters, digits, ``.-_`` only; never a path."""
    stem = _STEM_BAD.sub("_", unicodedata.normalize("NFKD", name)).strip("._-")
    stem = stem.replace("..", "_")[:limit].strip("._-")
    return stem or fallback


def sheet_title(name: str, taken: set[str]) -> str:
    """An XLSX sheet name: at most 31 characters, none of ``[]:*?/\\``, unique within the workbook."""
    base = re.sub(r"[\[\]:*?/\\']", " ", name).strip() or "Sheet"
    base = base[:31]
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title
