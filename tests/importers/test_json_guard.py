"""The depth guard in front of the JSON parser counts exactly the nesting the parser would see.

Strings full of brackets, quotes and backslashes must not count, and the answer must not depend on
where the reads cut the file (a cut between a backslash and the byte it escapes included).
"""
from __future__ import annotations

import io
import json
import random

import ijson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.importers.jsonstream import JsonGuard, TooDeep

NASTY = st.lists(st.sampled_from(list('[]{}"\\ab\n\t') + ["\\\"", "\\\\", "\u00e9"]), max_size=12).map("".join)
VALUES = st.recursive(st.one_of(st.none(), st.integers(), NASTY),
                      lambda kids: st.lists(kids, max_size=3) | st.dictionaries(NASTY, kids, max_size=3),
                      max_leaves=20)


def depth_of(value) -> int:  # noqa: ANN001
    if isinstance(value, list):
        return 1 + max((depth_of(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth_of(v) for v in value.values()), default=0)
    return 0


class Chunky(io.RawIOBase):
    """A raw reader that returns reads of random small sizes, as a pipe or a zip entry may."""

    def __init__(self, data: bytes, seed: int) -> None:
        self._data, self._pos, self._rnd = data, 0, random.Random(seed)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        n = self._rnd.randint(1, 7)
        n = n if size < 0 else min(n, size)
        out = self._data[self._pos:self._pos + n]
        self._pos += len(out)
        return out


def read_through(data: bytes, limit: int, seed: int) -> None:
    guard = JsonGuard(Chunky(data, seed), limit=limit)
    while guard.read(7):
        pass


@settings(max_examples=300, deadline=None)
@given(value=VALUES, seed=st.integers(0, 10**6), ascii_only=st.booleans())
def test_the_guard_counts_the_parsers_depth_wherever_the_reads_cut(value, seed, ascii_only):
    data = json.dumps({"messages": [value]}, ensure_ascii=ascii_only).encode("utf-8")
    depth = 2 + depth_of(value)
    read_through(data, depth, seed)  # exactly at the limit: accepted
    with pytest.raises(TooDeep):
        read_through(data, depth - 1, seed)


def test_a_file_read_through_the_guard_parses_as_without_it():
    messages = [{"id": str(i), "content": 'say "[[{{" \\ and }}]]' * (i % 5), "reactions": [{"users": [{"id": "1"}]}]}
                for i in range(2000)]
    data = b"\xef\xbb\xbf" + json.dumps({"messages": messages}).encode()
    assert list(ijson.items(JsonGuard(io.BytesIO(data)), "messages.item")) == messages


def test_brackets_deeper_than_the_limit_are_refused_before_parsing():
    data = b'{"messages": [' + b"[" * 300 + b"]" * 300 + b"]}"
    with pytest.raises(TooDeep, match="nested deeper than 256 levels"):
        JsonGuard(io.BytesIO(data)).read()
