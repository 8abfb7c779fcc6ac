"""Dates, time zones and encodings as spreadsheets and exports write them."""
from __future__ import annotations

import codecs
import datetime as dt

import pytest

from workbench.errors import ImportFailed
from workbench.importers.textio import detect_encoding, parse_time, zone

UTC = dt.timezone.utc
BERLIN = zone("Europe/Berlin")


@pytest.mark.parametrize("value, day_first, expected", [
    ("2025-11-23 14:05", None, dt.datetime(2025, 11, 23, 13, 5, tzinfo=UTC)),  # Berlin in winter
    ("2025-07-01 14:05", None, dt.datetime(2025, 7, 1, 12, 5, tzinfo=UTC)),  # and in summer
    ("23.11.2025 14:05", None, dt.datetime(2025, 11, 23, 13, 5, tzinfo=UTC)),
    ("03/02/2025", True, dt.datetime(2025, 2, 2, 23, 0, tzinfo=UTC)),
    ("03/02/2025", False, dt.datetime(2025, 3, 1, 23, 0, tzinfo=UTC)),
    ("11/23/2025 2:05:07 PM", None, dt.datetime(2025, 11, 23, 13, 5, 7, tzinfo=UTC)),
    ("Nov 23, 2025", None, dt.datetime(2025, 11, 22, 23, 0, tzinfo=UTC)),
    ("2025-11-23T14:05:00Z", None, dt.datetime(2025, 11, 23, 14, 5, tzinfo=UTC)),  # a zone wins
    ("2025-11-23 14:05:00 +0100", None, dt.datetime(2025, 11, 23, 13, 5, tzinfo=UTC)),
    ("2023-05-04 10:20:30 UTC", None, dt.datetime(2023, 5, 4, 10, 20, 30, tzinfo=UTC)),  # Ruby's Time#to_s
    ("1700000000", None, dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
    ("2018-07-03T02:24:32.465887176-07:00", None, dt.datetime(2018, 7, 3, 9, 24, 32, 465887, tzinfo=UTC)),
])
def test_dates_in_common_forms(value, day_first, expected):
    assert parse_time(value, BERLIN, day_first=day_first) == expected


@pytest.mark.parametrize("value", ["soon", "31.02.2025", "", "2025-13-01"])
def test_what_is_not_a_date(value):
    with pytest.raises(ValueError):
        parse_time(value, UTC)


def test_zones_by_name_and_offset():
    assert zone("+05:30").utcoffset(None) == dt.timedelta(hours=5, minutes=30)
    assert zone("UTC") is UTC
    with pytest.raises(ImportFailed) as err:
        zone("Mars/Olympus")
    assert "Mars/Olympus" in str(err.value)


def test_encodings():
    text = "Name;Stadt\nJürgen;Köln\n"
    assert detect_encoding(codecs.BOM_UTF16_LE + text.encode("utf-16-le")) == "utf-16"
    assert detect_encoding(codecs.BOM_UTF8 + text.encode()) == "utf-8-sig"
    assert detect_encoding(text.encode()) == "utf-8"
    assert detect_encoding(text.encode("latin-1")) == "cp1252"
    assert detect_encoding(text.encode()[:-5] + "ö".encode()[:1]) == "utf-8"  # a character cut by the sample
