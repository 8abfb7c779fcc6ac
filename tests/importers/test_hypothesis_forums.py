"""Mangled GitHub, Discourse and Stack Exchange records never crash an import.

Hypothesis takes the hand-written pages in tests/data, replaces fields of one record with arbitrary
JSON (or, for the Stack Exchange dump, arbitrary attribute text), drops fields, or cuts the file
short. The import must then succeed with the bad record reported as a problem, or fail as a whole
with ``ImportFailed``; any other exception is a crash.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from xml.sax.saxutils import quoteattr

from hypothesis import given, settings
from hypothesis import strategies as st

from test_hypothesis_chat_a import COMMON, JSON, cut, import_or_fail, mangle

FORUMS = settings(COMMON, max_examples=60)
DATA = Path(__file__).resolve().parent.parent / "data"
GITHUB = DATA / "github" / "acme-assistant"
DISCOURSE = DATA / "discourse" / "forum.example.org"
SE = DATA / "stackexchange" / "cooking.stackexchange.com"


def _mangle_one(items: list, data) -> list:  # noqa: ANN001 - hypothesis data
    i = data.draw(st.integers(0, len(items) - 1))
    items[i] = mangle(items[i], data) if isinstance(items[i], dict) else data.draw(JSON)
    return items


@FORUMS
@given(st.data())
def test_mangled_github_pages(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("github") / "acme-assistant"
    shutil.copytree(GITHUB, root)
    name = data.draw(st.sampled_from(sorted(p.name for p in GITHUB.glob("*.json"))))
    items = _mangle_one(json.loads((GITHUB / name).read_text(encoding="utf-8")), data)
    (root / name).write_text(cut(json.dumps(items), data), encoding="utf-8")
    import_or_fail(root)


@FORUMS
@given(st.data())
def test_mangled_discourse_pages(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("discourse") / "forum.example.org"
    shutil.copytree(DISCOURSE, root)
    name = data.draw(st.sampled_from(["t_101.json", "t_101_posts.json", "t_102.json"]))
    page = json.loads((DISCOURSE / name).read_text(encoding="utf-8"))
    posts = (page.get("post_stream") or {}).get("posts")
    if isinstance(posts, list) and posts:
        _mangle_one(posts, data)
    else:
        page = mangle(page, data)
    (root / name).write_text(cut(json.dumps(page), data), encoding="utf-8")
    import_or_fail(root)


ATTR_TEXT = st.one_of(st.text(max_size=12), st.sampled_from(["", "-1", "9" * 30, "2021-13-45T99:00:00", "x", "1e400"]))


@FORUMS
@given(st.data())
def test_mangled_stack_exchange_rows(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("se") / "cooking.stackexchange.com"
    shutil.copytree(SE, root)
    name = data.draw(st.sampled_from(["Posts.xml", "Users.xml", "Comments.xml", "Badges.xml"]))
    lines = (SE / name).read_text(encoding="utf-8-sig").splitlines()
    rows = [i for i, line in enumerate(lines) if line.strip().startswith("<row ")]
    i = data.draw(st.sampled_from(rows))
    attrs = dict(part.split("=", 1) for part in lines[i].strip()[5:-2].split('" ') if "=" in part)
    for key in data.draw(st.lists(st.sampled_from(sorted(attrs)), max_size=3, unique=True)):
        if data.draw(st.booleans()):
            attrs[key] = quoteattr(data.draw(ATTR_TEXT).replace("\x00", ""))[1:-1]
        else:
            attrs.pop(key)
    lines[i] = "  <row " + " ".join(f'{k}="{v.strip(chr(34))}"' for k, v in attrs.items()) + " />"
    (root / name).write_text(cut("\n".join(lines), data), encoding="utf-8")
    import_or_fail(root)
