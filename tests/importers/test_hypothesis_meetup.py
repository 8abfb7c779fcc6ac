"""Property: mangled events, comments and RSVPs in Meetup API pages never crash an import. Each record
is damaged at random (fields replaced by any JSON value or removed, whole records replaced); the
import must finish, reporting or skipping the bad records, each problem one sentence."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from test_hypothesis_chat_b import SETTINGS, TEXT, import_ok, mangle, write

DATA = Path(__file__).resolve().parent.parent / "data" / "meetup"


def page(name: str) -> list:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def mangled_page(data: st.DataObject, records: list) -> str:
    # the first record stays as it is, so the page is still recognised as a Meetup page
    return json.dumps(records[:1] + [mangle(data, r, TEXT) for r in records])


@SETTINGS
@given(st.data())
def test_mangled_meetup_events(data):
    events = page("events.json")
    with tempfile.TemporaryDirectory() as tmp:
        import_ok(write(tmp, "events.json", mangled_page(data, events)), len(events) + 1)


@SETTINGS
@given(st.data())
def test_mangled_meetup_comments_and_replies(data):
    comments = page("comments.json")
    comments[0]["replies"] = [{**comments[1], "id": 990001}]  # a nested reply, mangled with its comment
    with tempfile.TemporaryDirectory() as tmp:
        import_ok(write(tmp, "comments.json", mangled_page(data, comments)), 2 * len(comments) + 2)


@SETTINGS
@given(st.data())
def test_mangled_meetup_rsvps(data):
    rsvps = page("rsvps.json")
    with tempfile.TemporaryDirectory() as tmp:
        import_ok(write(tmp, "rsvps.json", mangled_page(data, rsvps)), 0)
