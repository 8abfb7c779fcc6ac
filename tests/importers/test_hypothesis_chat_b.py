"""Property: mangled records in DiscordChatExporter (JSON, CSV, HTML), Mattermost, Rocket.Chat and Gitter exports never
crash an import. Each record is damaged at random (fields replaced by any JSON value or removed,
whole records replaced); the import must finish, reporting or skipping the bad records."""
from __future__ import annotations

import csv
import html
import io
import json
import re
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.workspace import Workspace

DATA = Path(__file__).resolve().parent.parent / "data"
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text through ijson: no unpaired surrogates (a lone \udc00 escape refuses the whole file, see
# test_lone_surrogate_escape_refuses_the_file); through the JSONL reader: any code point. Integers
# stay within 64 bits: the streaming parser refuses a file with a larger one (exports write ids
# as strings), in one sentence.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
ANY_TEXT = st.text(st.characters(blacklist_categories=()), max_size=12)


def values(text: st.SearchStrategy) -> st.SearchStrategy:
    scalars = st.none() | st.booleans() | st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1) \
        | st.floats(allow_nan=False, allow_infinity=False) | text \
        | st.sampled_from(["", "0", "2024-02-30T25:00:00+07:00", "1215000000000000002", "GuildMemberJoin", "Reply",
                           "system_join_channel", "uj", "\u202e<b>x</b>\u200b"])
    return st.recursive(scalars, lambda c: st.lists(c, max_size=3) | st.dictionaries(text, c, max_size=3), max_leaves=6)


def paths(obj: Any, prefix: tuple = ()) -> list[tuple]:
    out = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.append(prefix + (k,))
            if len(prefix) < 3:
                out.extend(paths(v, prefix + (k,)))
    elif isinstance(obj, list) and obj and len(prefix) < 3:
        out.append(prefix + (0,))
        out.extend(paths(obj[0], prefix + (0,)))
    return out


def mangle(data: st.DataObject, record: Any, text: st.SearchStrategy) -> Any:
    record = json.loads(json.dumps(record))
    if data.draw(st.integers(0, 9)) == 0:
        return data.draw(values(text))
    for _ in range(data.draw(st.integers(0, 3))):
        options = paths(record)
        if not options:
            break
        path = data.draw(st.sampled_from(options))
        parent = record
        for key in path[:-1]:
            parent = parent[key]
        if isinstance(parent, dict) and data.draw(st.booleans()):
            parent.pop(path[-1], None)
        elif isinstance(parent, (dict, list)):
            parent[path[-1]] = data.draw(values(text))
    return record


_WORKSPACES: dict[str, Workspace] = {}


def import_ok(path: Path, records: int) -> None:
    """Import into one workspace per test (opening a fresh one per example would dominate the time)."""
    import os

    key = os.environ.get("PYTEST_CURRENT_TEST", "").split(" ")[0]
    if key not in _WORKSPACES:
        _WORKSPACES[key] = Workspace.open(Path(tempfile.mkdtemp()) / "w.db")
    result = _WORKSPACES[key].import_paths([path])
    # every record is an activity at most once (a Mattermost post brings its replies along)
    assert result.by_kind.get("activities", 0) <= records
    assert all(p.message.endswith(".") for p in result.problems)


def write(tmp: str, name: str, content: str) -> Path:
    p = Path(tmp) / name
    p.write_text(content, encoding="utf-8")
    return p


@SETTINGS
@given(st.data())
def test_mangled_discord_messages(data):
    doc = json.loads((DATA / "discord/guild/Makers - Chat - general [900000000000000100].json").read_text(encoding="utf-8"))
    doc["messages"] = [mangle(data, m, TEXT) for m in doc["messages"]]
    with tempfile.TemporaryDirectory() as tmp:
        import_ok(write(tmp, "general.json", json.dumps(doc)), len(doc["messages"]))


@SETTINGS
@given(st.data())
def test_mangled_discord_csv_rows(data):
    out = io.StringIO()
    w = csv.writer(out, quoting=csv.QUOTE_ALL)
    out.write("AuthorID,Author,Date,Content,Attachments,Reactions\n")
    drawn = data.draw(st.lists(st.lists(TEXT | st.sampled_from(["700000000000000001", "2024-03-01T08:05:00+07:00",
                                                                    "👍 (3),x (99999999999)"]), max_size=7), max_size=6))
    for row in drawn:
        w.writerow(row)
    with tempfile.TemporaryDirectory() as tmp:
        import_ok(write(tmp, "Guild - general [1].csv", out.getvalue()), len(drawn))


def mangle_group(data: st.DataObject, group: str) -> str:
    """A message group of a page, damaged: an attribute's value replaced (an id, an author id, a
    reply's target), a line dropped (a closing tag, a name), or text with markup put in."""
    lines = group.split("\n")
    for _ in range(data.draw(st.integers(0, 3))):
        how = data.draw(st.integers(0, 2))
        i = data.draw(st.integers(0, len(lines) - 1))
        found = list(re.finditer(r'="[^"]*"', lines[i]))
        if how == 0 and found:
            m = data.draw(st.sampled_from(found))
            value = data.draw(TEXT | st.sampled_from(["", "0", "1212928544997376000", "scrollToMessage(event, '1')"]))
            lines[i] = lines[i][:m.start()] + f'="{html.escape(value)}"' + lines[i][m.end():]
        elif how == 1 and len(lines) > 1:
            del lines[i]
        else:
            lines.insert(i, data.draw(TEXT | st.sampled_from(["<div>", "</div>", "<span class=\"chatlog__author\">",
                                                                "&bogus;", "<img alt=x>", "<!--"])))
    return "\n".join(lines)


@SETTINGS
@given(st.data())
def test_mangled_discord_html_pages(data):
    page = (DATA / "discord/html/Makers - Chat - help [900000000000000300].html").read_text(encoding="utf-8")
    start, end = page.index('<div class="chatlog__message-group">'), page.rindex("<!--wmm:ignore-->")
    marker = '<div class="chatlog__message-group">'
    groups = [marker + g for g in page[start:end].split(marker)[1:]]
    mangled = [mangle_group(data, g) for g in groups]
    if data.draw(st.booleans()):
        mangled.append(data.draw(st.sampled_from(mangled)))  # a group written twice
    with tempfile.TemporaryDirectory() as tmp:
        import_ok(write(tmp, "Makers - Chat - help [900000000000000300].html", page[:start] + "".join(mangled)
                        + page[end:]), sum(g.count("data-message-id") for g in mangled))


@SETTINGS
@given(st.data())
def test_mangled_mattermost_bulk_lines(data):
    lines = (DATA / "mattermost/import.jsonl").read_text(encoding="utf-8").splitlines()[:-1]
    mangled = lines[:1] + [json.dumps(mangle(data, json.loads(line), ANY_TEXT)) for line in lines[1:]]
    with tempfile.TemporaryDirectory() as tmp:
        import_ok(write(tmp, "import.jsonl", "".join(m + "\n" for m in mangled)), 3 * len(mangled))


@SETTINGS
@given(st.data())
def test_mangled_mattermost_api_posts(data):
    page = json.loads((DATA / "mattermost/posts_page.json").read_text(encoding="utf-8"))
    page["posts"] = {k: mangle(data, v, TEXT) for k, v in page["posts"].items()}
    with tempfile.TemporaryDirectory() as tmp:
        import_ok(write(tmp, "posts.json", json.dumps(page)), len(page["posts"]))


@SETTINGS
@given(st.data())
def test_mangled_rocketchat_messages(data):
    page = json.loads((DATA / "rocketchat/messages.json").read_text(encoding="utf-8"))
    page["messages"] = page["messages"][:1] + [mangle(data, m, TEXT) for m in page["messages"]]  # still sniffable
    with tempfile.TemporaryDirectory() as tmp:
        import_ok(write(tmp, "messages.json", json.dumps(page)), len(page["messages"]))


@SETTINGS
@given(st.data())
def test_mangled_gitter_messages(data):
    msgs = json.loads((DATA / "gitter/messages.json").read_text(encoding="utf-8"))
    mangled = [mangle(data, m, TEXT) for m in msgs]
    with tempfile.TemporaryDirectory() as tmp:
        import_ok(write(tmp, "messages.json", json.dumps([{"fromUser": {}, "sent": ""}] + mangled)), len(mangled))


def test_lone_surrogate_escape_refuses_the_file(ws, tmp_path):
    import pytest

    from workbench.errors import ImportFailed

    doc = (DATA / "gitter/messages.json").read_text(encoding="utf-8").replace("How do I build?", "\\udc00 build")
    path = tmp_path / "messages.json"
    path.write_text(doc, encoding="utf-8")
    with pytest.raises(ImportFailed, match="not valid UTF-8"):
        ws.import_paths([path])
