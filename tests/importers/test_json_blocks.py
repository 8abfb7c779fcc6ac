"""A DiscordChatExporter channel read a block of messages at a time gives exactly what ijson gives.

``stream_array`` cuts each block after its last ``},<indent>{`` and parses the messages before it at
once; whatever the layout, wherever the blocks end, and whatever the messages hold, the messages,
their count and the sentence of a bad file must be those of reading the file message by message.
"""
from __future__ import annotations

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.errors import ImportFailed
from workbench.importers import jsonstream
from workbench.importers.base import ReadContext
from workbench.importers.jsonstream import JsonGuard, stream_array, stream_items

TRICKY = ['}, {', '},\n    {', '"messages": [', '\\', '"', ']}', 'é', '😀', '\u202e', '{"id": "1"}']


def channel(messages: list, indent: int | None = 2, **extra) -> bytes:  # noqa: ANN003
    doc = {"guild": {"id": "1", "name": "Makers"}, "channel": {"id": "2", "name": "general"},
           "dateRange": {"after": None, "before": None}, "messages": messages, **extra}
    return json.dumps(doc, indent=indent, ensure_ascii=False).encode()


def message(i: int) -> dict:
    return {"id": str(1000 + i), "type": "Default", "timestamp": "2024-03-01T10:00:00+01:00",
            "content": TRICKY[i % len(TRICKY)] * (i % 5),
            "author": {"id": str(i % 7), "name": f"user{i % 7}", "roles": [{"id": "9", "name": "Mod"}]},
            "reactions": [{"emoji": {"name": "👍"}, "count": i % 3, "users": [{"id": "3"}, {"id": "4"}]}],
            "embeds": [[{"a": [{}]}]] if i % 11 == 0 else []}


def by_ijson(data: bytes) -> tuple[list, str | None]:
    got: list = []
    try:
        for _, item in stream_items(JsonGuard(io.BytesIO(data)), "messages.item", ReadContext("c.json"),
                                    label="message"):
            got.append(item)
    except ImportFailed as exc:
        return got, str(exc)
    return got, None


def by_blocks(data: bytes) -> tuple[list, str | None]:
    got: list = []
    try:
        for _, item in stream_array(io.BytesIO(data), "messages", ReadContext("c.json"), label="message"):
            got.append(item)
    except ImportFailed as exc:
        return got, str(exc)
    return got, None


@pytest.fixture
def small_blocks(monkeypatch):
    monkeypatch.setattr(jsonstream, "HEAD", 1000)
    monkeypatch.setattr(jsonstream, "BLOCK", 1500)


def test_an_exporter_s_layout_is_read_in_blocks_with_the_messages_ijson_reads(small_blocks, monkeypatch):
    data = channel([message(i) for i in range(300)], messageCount=300)
    expected, failure = by_ijson(data)
    assert failure is None and len(expected) == 300
    # The blocks are read without ijson at all: the layout DiscordChatExporter writes is the fast one.
    monkeypatch.setattr(jsonstream, "stream_items", lambda *a, **k: pytest.fail("read by ijson"))
    got, failure = by_blocks(data)
    assert failure is None and got == expected
    counted = [n for n, _ in stream_array(io.BytesIO(data), "messages", ReadContext("c.json"))]
    assert counted == list(range(1, 301))


@pytest.mark.parametrize("layout", ["compact", "one space", "tabs", "windows", "bom"])
def test_every_layout_gives_the_same_messages(small_blocks, layout):
    messages = [message(i) for i in range(120)]
    data = {
        "compact": lambda: json.dumps({"channel": {"id": "2"}, "messages": messages}, separators=(",", ":")).encode(),
        "one space": lambda: channel(messages, indent=1),
        "tabs": lambda: json.dumps({"messages": messages}, indent="\t").encode(),
        "windows": lambda: channel(messages).replace(b"\n", b"\r\n"),
        "bom": lambda: b"\xef\xbb\xbf" + channel(messages),
    }[layout]()
    expected, failure = by_ijson(data)
    assert failure is None and len(expected) == 120
    assert by_blocks(data) == (expected, None)


@pytest.mark.parametrize("damage", ["bad message", "cut short", "trailing text", "deep", "not utf-8"])
def test_a_bad_file_is_refused_with_the_sentence_and_messages_of_before(small_blocks, damage):
    data = channel([message(i) for i in range(200)])
    at = data.index(b'"id": "1150"')
    data = {
        "bad message": lambda: data[:at] + b'"id": 1150 oops, ' + data[at:],
        "cut short": lambda: data[:len(data) * 2 // 3],
        "trailing text": lambda: data + b" and more",
        "deep": lambda: data[:at] + b'"deep": ' + b"[" * 5000 + b"]" * 5000 + b", " + data[at:],
        "not utf-8": lambda: data[:at] + b'"name": "\xff\xfe", ' + data[at:],
    }[damage]()
    expected, failure = by_ijson(data)
    assert failure is not None and "c.json" in failure
    if damage == "deep":
        # The depth guard in front of ijson refuses a read ahead of the messages it has given; the
        # blocks name the message after which the nesting is.
        got, refused = by_blocks(data)
        assert "nested too deeply" in failure and refused == "c.json, after message 150: the JSON is nested " \
            "too deeply to be an export; it was refused." and got == [message(i) for i in range(150)]
        return
    assert by_blocks(data) == (expected, failure)
    if damage == "bad message":
        assert "after message 150" in failure and len(expected) == 150
    if damage == "not utf-8":
        assert failure == "c.json, after message 150: the file holds text that is not valid UTF-8 (or a broken \\u " \
            "escape)."


def test_an_array_named_twice_and_a_message_longer_than_a_block_are_read_as_ijson_reads_them(small_blocks, monkeypatch):
    monkeypatch.setattr(jsonstream, "LONGEST_ITEM", 4000)
    long = dict(message(1), content="x" * 10_000)
    data = channel([message(0), long, message(2)])
    assert by_blocks(data) == by_ijson(data) and len(by_ijson(data)[0]) == 3
    # A second "messages" key: ijson reads the items of both.
    twice = channel([message(0), message(1)])[:-2] + b',\n  "messages": [{"id": "9"}]\n}'
    expected, failure = by_ijson(twice)
    assert failure is None and len(expected) == 3
    assert by_blocks(twice) == (expected, None)
    # A "messages" key in the guild is not the channel's messages.
    inside = channel([message(0)]).replace(b'"guild": {', b'"guild": {"messages": [{"id": "5"}], ', 1)
    assert by_blocks(inside) == by_ijson(inside) and len(by_ijson(inside)[0]) == 1


NASTY = st.text(alphabet=list('[]{}",:\\ \n\tab') + ["é", "\u200b"], max_size=12)
VALUES = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), NASTY),
                      lambda kids: st.lists(kids, max_size=3) | st.dictionaries(NASTY, kids, max_size=3),
                      max_leaves=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=st.lists(st.dictionaries(NASTY, VALUES, max_size=4) | VALUES, max_size=25),
       indent=st.sampled_from([None, 0, 1, 2, 4]), block=st.integers(16, 400))
def test_any_messages_in_any_layout_read_as_ijson_reads_them(monkeypatch, items, indent, block):
    monkeypatch.setattr(jsonstream, "HEAD", block)
    monkeypatch.setattr(jsonstream, "BLOCK", block)
    data = json.dumps({"channel": {"id": "2"}, "messages": items, "messageCount": len(items)}, indent=indent,
                      ensure_ascii=False).encode()
    assert by_blocks(data) == by_ijson(data)


def test_a_head_full_of_arrays_of_that_name_gives_the_messages_ijson_gives(small_blocks):
    """Each place where the array might begin is tried by parsing what comes before it, so a head
    that nests many arrays of that name is left to ijson after a few tries."""
    nested = b'{"guild": ' + b'{"messages": [' * 100 + b"1" + b"]}" * 100 + b', "messages": [{"id": "1"}]}'
    assert by_blocks(nested) == by_ijson(nested) == ([{"id": "1"}], None)
