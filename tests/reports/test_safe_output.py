"""Safe output: spreadsheet cells that never start a formula, escaped HTML, file names that are never paths."""
from __future__ import annotations

import datetime as dt

import pytest

from workbench.reports.safe import cell, csv_cell, file_stem, is_formula_like, neutralize, sheet_title, text


@pytest.mark.parametrize("value", ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tTab", "\rCR",
                                   " =1+1", "\u200b=1+1", "\u202e=1", "＝1+1"])
def test_a_text_a_spreadsheet_would_read_as_a_formula_gets_an_apostrophe(value):
    assert is_formula_like(value)
    out = cell(value)
    assert out == "'" + value
    assert csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Ana Silva", "Member 7f3a2c91", "a=b", "100%", "", "#general"])
def test_ordinary_text_is_left_as_written(value):
    assert cell(value) == value


def test_numbers_and_dates_stay_numbers_and_dates():
    assert cell(-5) == -5 and cell(-2.5) == -2.5 and cell(True) is True
    assert cell(float("nan")) is None and csv_cell(None) == ""
    assert csv_cell(-5) == "-5" and csv_cell(3.0) == "3" and csv_cell(0.25) == "0.25"
    assert cell(dt.date(2024, 3, 1)) == dt.date(2024, 3, 1)
    assert csv_cell(dt.datetime(2024, 3, 1, 14, 5)) == "2024-03-01T14:05:00"


def test_characters_xml_cannot_hold_are_replaced():
    assert neutralize("a\x00b\x1fc") == "a\ufffdb\ufffdc"


def test_html_text_is_escaped_quotes_included():
    assert text('<script>alert("x")</script>') == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    assert text("O'Neil & co") == "O&#x27;Neil &amp; co"
    assert text(None) == ""
    assert text("\u202eevil\u202c name") == "evil name"  # a right-to-left override cannot reorder the page


@pytest.mark.parametrize("name", ["../../etc/passwd", "/abs/path", "..", "a\\b", "C:\\x", "con", "", "#general"])
def test_file_names_from_data_never_become_paths(name):
    stem = file_stem(name)
    assert stem and "/" not in stem and "\\" not in stem and ":" not in stem
    assert ".." not in stem and not stem.startswith(".")


def test_sheet_titles_are_short_unique_and_legal():
    taken: set[str] = set()
    a = sheet_title("x" * 40, taken)
    b = sheet_title("x" * 40, taken)
    c = sheet_title("a/b[c]:d*e?", taken)
    assert len(a) <= 31 and len(b) <= 31 and a != b
    assert not set("[]:*?/\\") & set(c)
