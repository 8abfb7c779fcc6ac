"""Mangled Slack and Telegram records never crash an import: every failure is a reported problem.

Hypothesis takes valid messages (like the hand-written samples in tests/data) and replaces fields
with arbitrary JSON (wrong types, huge numbers, lone surrogates, nesting), drops fields, or cuts
the file short. An import must then either succeed, with the bad records reported as problems, or
fail as a whole with ``ImportFailed``; any other exception is a crash.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from workbench.errors import ImportFailed
from workbench.workspace import Workspace

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20),
                    st.sampled_from(["\ud800", "1704110400.000200", "-1", "user", "U01ADMIN", "", "1e400", "9" * 30]))
JSON = st.recursive(SCALARS, lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=8), kids, max_size=3),
                    max_leaves=8)

SLACK_MESSAGE = {"type": "message", "user": "U01ADMIN", "text": "How do I deploy?", "ts": "1704110400.000200",
                 "thread_ts": "1704110400.000100", "edited": {"user": "U01ADMIN", "ts": "1704110500.000000"},
                 "reactions": [{"name": "+1", "users": ["U02"], "count": 2}], "subtype": None, "bot_id": None,
                 "attachments": [{"fallback": "x"}], "comment": {"user": "U03"}, "username": "hook"}
SLACK_USER = {"id": "U01ADMIN", "team_id": "T0", "name": "ada", "deleted": False, "is_bot": False, "is_admin": True,
              "real_name": "Ada", "profile": {"email": "a@example.org", "display_name": "ada"}}
TG_MESSAGE = {"id": 11, "type": "message", "date": "2024-03-02T01:30:00", "date_unixtime": "1709335800",
              "from": "Nia", "from_id": "user500000001", "reply_to_message_id": 9, "text": ["a ", {"type": "bold", "text": "b"}],
              "edited_unixtime": "1709335900", "reactions": [{"type": "emoji", "count": 1, "emoji": "x",
                                                              "recent": [{"from_id": "user2"}]}], "action": "join_group_by_link",
              "actor_id": "user3"}
BOT_UPDATE = {"update_id": 1, "message": {"message_id": 31, "date": 1467289325, "chat": {"id": -1001, "type": "group"},
                                          "from": {"id": 8, "first_name": "S"}, "text": "t",
                                          "reply_to_message": {"message_id": 30}, "new_chat_members": []}}


def mangle(base: dict, data) -> dict:  # noqa: ANN001 - hypothesis data
    m = json.loads(json.dumps(base))
    for key in data.draw(st.lists(st.sampled_from(sorted(base)), max_size=4, unique=True)):
        if data.draw(st.booleans()):
            m[key] = data.draw(JSON)
        else:
            m.pop(key, None)
    return m


def import_or_fail(path: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.open(Path(tmp) / "ws.db")
        try:
            ws.import_paths([path])
        except ImportFailed:
            pass
        finally:
            ws.close()


def cut(text: str, data) -> str:  # noqa: ANN001
    if data.draw(st.integers(0, 4)) == 0:
        return text[:data.draw(st.integers(0, len(text)))]
    return text


COMMON = settings(max_examples=25, deadline=None, report_multiple_bugs=False, phases=[Phase.explicit, Phase.reuse, Phase.generate], suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                          HealthCheck.too_slow])


@COMMON
@given(st.data())
def test_mangled_slack_exports(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("slack")
    (root / "general").mkdir()
    users = [mangle(SLACK_USER, data) for _ in range(data.draw(st.integers(1, 2)))]
    (root / "users.json").write_text(json.dumps(users), encoding="utf-8")
    (root / "channels.json").write_text(json.dumps([{"id": "C1", "name": data.draw(JSON)}]), encoding="utf-8")
    msgs = [mangle(SLACK_MESSAGE, data) for _ in range(data.draw(st.integers(1, 3)))]
    (root / "general" / "2024-01-01.json").write_text(cut(json.dumps(msgs), data), encoding="utf-8")
    import_or_fail(root)


@COMMON
@given(st.data())
def test_mangled_slack_api_pages_and_lone_files(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("api")
    msgs = [mangle(SLACK_MESSAGE, data) for _ in range(data.draw(st.integers(1, 3)))]
    page = {"ok": True, "messages": msgs, "user": mangle(SLACK_USER, data), "channel": data.draw(JSON)}
    (root / "page.json").write_text(cut(json.dumps(page), data), encoding="utf-8")
    import_or_fail(root / "page.json")
    (root / "chan_thread_1.2.json").write_text(json.dumps(msgs), encoding="utf-8")
    import_or_fail(root / "chan_thread_1.2.json")


@COMMON
@given(st.data())
def test_mangled_telegram_exports(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("tg")
    msgs = [mangle(TG_MESSAGE, data) for _ in range(data.draw(st.integers(1, 3)))]
    msgs.append(dict(mangle(TG_MESSAGE, data), type="service"))
    chat = {"name": data.draw(JSON), "type": data.draw(st.sampled_from(["public_supergroup", "bot_chat", "x"])),
            "id": data.draw(JSON), "messages": msgs}
    text = cut(json.dumps(chat, ensure_ascii=data.draw(st.booleans())), data)
    if data.draw(st.booleans()):
        text = text.replace("\\u00", "\\x", 1)
    (root / "result.json").write_text(text, encoding="utf-8", errors="surrogatepass")
    import_or_fail(root / "result.json")
    account = {"personal_information": {}, "chats": {"list": [chat, data.draw(JSON)]}}
    (root / "export.json").write_text(cut(json.dumps(account), data), encoding="utf-8")
    import_or_fail(root / "export.json")


@COMMON
@given(st.data())
def test_mangled_bot_api_pages(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("bot")
    updates = [mangle(BOT_UPDATE, data) for _ in range(data.draw(st.integers(1, 3)))]
    for u in updates:
        if isinstance(u.get("message"), dict) and u["message"]:
            u["message"] = mangle(u["message"], data)
    (root / "updates.json").write_text(cut(json.dumps({"ok": True, "result": updates}), data), encoding="utf-8")
    import_or_fail(root / "updates.json")
