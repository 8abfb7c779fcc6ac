"""Saved Slack Web API responses and slackdump's own dump format.

People keep what their scripts fetched: ``conversations.history`` / ``conversations.replies``
pages (``{"ok": true, "messages": [...]}``), ``conversations.info`` (``channel``),
``users.info`` (``user``), ``users.list`` (``members`` as objects), ``conversations.list``
(``channels``) and ``conversations.members`` (``members`` as bare ids). A history page does not
name its channel: the channel is taken from a saved ``conversations.info`` beside it when there is
exactly one, else from the folder's name, so the pages of one folder agree.

slackdump's dump is ``{channel_id, name, messages[]}`` with a thread's replies nested under
``slackdump_thread_replies``.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..records import AccountRec, ChannelRec, Record, SourceRec
from . import safety
from .base import Importer, ReadContext, as_list
from .slack_common import PLATFORM, SlackMapper, channel_record, file_teams, team_near, user_account

OK_RE = re.compile(r'^\s*\{.*?"ok"\s*:\s*(true|false)', re.S)
INFO_RE = re.compile(r'"channel"\s*:\s*\{')
MAX_SIBLINGS = 200
MAX_SIBLING_SIZE = 4 * 1024**2


def _load(path: Path, ctx: ReadContext) -> Any:
    with ctx.open_binary(path) as f:
        return safety.load_json(f.read(), ctx.file)


class SlackApiPage(Importer):
    name = "slack-api"
    label = "Saved Slack Web API responses"
    platform = PLATFORM
    patterns = ("*.json",)

    def sniff(self, path: Path) -> bool:
        if not path.is_file():
            return False
        text = safety.head_text(path, 16384)
        found = OK_RE.match(text)
        if not found or '"update_id"' in text or '"result"' in text:
            return False
        if found.group(1) == "false":
            return re.search(r'"error"\s*:\s*"', text) is not None
        return any(k in text for k in ('"messages"', '"channel"', '"user"', '"members"', '"channels"'))

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        data = _load(path, ctx)
        if not isinstance(data, dict):
            raise ctx.fail("", "not a Slack Web API response (expected a JSON object).")
        if data.get("ok") is not True:
            ctx.note("the response", f"Slack answered with an error ({data.get('error')!s:.80}); nothing to import")
            return
        source = _team(data) or team_near(path)
        if source:
            yield SourceRec(PLATFORM, source)
        mapper = SlackMapper(ctx, source)
        if isinstance(data.get("user"), dict):
            yield from self._user(data["user"], source, ctx)
        if isinstance(data.get("channel"), dict):
            yield from self._info(data["channel"], mapper, ctx)
        if isinstance(data.get("channels"), list):
            yield from mapper.channels(data["channels"], "channel", "channels")
        members = data.get("members")
        if isinstance(members, list) and members and all(isinstance(m, dict) for m in members):
            yield from mapper.users(members, "members")
        elif isinstance(members, list) and members:
            ctx.note("members", f"a member list of {len(members):,} ids without names or dates; "
                     "nothing to import from it")
        if isinstance(data.get("messages"), list):
            channel = _channel_beside(path) or path.parent.name or path.stem
            yield ChannelRec(PLATFORM, channel, name=channel, source_external_id=source)
            yield from mapper.messages(data["messages"], channel, "messages")

    @staticmethod
    def _user(user: dict, source: str | None, ctx: ReadContext) -> Iterator[AccountRec]:
        rec = user_account(user, source)
        if rec is None:
            ctx.problem("user", "a member without an id; skipped")
        else:
            yield rec

    @staticmethod
    def _info(info: dict, mapper: SlackMapper, ctx: ReadContext) -> Iterator[Record]:
        rec = channel_record(info, "channel", mapper.source)
        if rec is None:
            ctx.problem("channel", "a channel without an id; skipped")
            return
        yield rec
        if isinstance(info.get("latest"), dict):
            yield from mapper.message(info["latest"], rec.external_id, "channel, latest message")


def _team(data: dict) -> str | None:
    for key in ("user", "channel"):
        obj = data.get(key)
        if not isinstance(obj, dict):
            continue
        shared = obj.get("shared_team_ids")
        for team in (obj.get("team_id"), shared[0] if isinstance(shared, list) and shared else None):
            if isinstance(team, str) and team:
                return team
    return None


def _channel_beside(path: Path) -> str | None:
    """The one channel id named by saved conversations.info responses in the same folder."""
    found: set[str] = set()
    for i, other in enumerate(sorted(path.parent.glob("*.json"))):
        if i >= MAX_SIBLINGS:
            break
        try:
            if other == path or other.stat().st_size > MAX_SIBLING_SIZE:
                continue
            text = safety.head_text(other, 4096)
            if not OK_RE.match(text) or not INFO_RE.search(text):
                continue
            data = safety.load_json(other.read_bytes(), other.name)
        except Exception:  # noqa: BLE001 - an unreadable neighbour only loses the channel id
            continue
        chan = data.get("channel") if isinstance(data, dict) else None
        if isinstance(chan, dict) and isinstance(chan.get("id"), str) and chan["id"]:
            found.add(chan["id"])
    return found.pop() if len(found) == 1 else None


class SlackdumpDump(Importer):
    name = "slackdump"
    label = "slackdump channel dump"
    platform = PLATFORM
    patterns = ("*.json",)

    def sniff(self, path: Path) -> bool:
        if not path.is_file():
            return False
        text = safety.head_text(path, 16384).lstrip()
        return text.startswith("{") and re.search(r'"channel_id"\s*:\s*"', text) is not None \
            and '"messages"' in text

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        data = _load(path, ctx)
        if not isinstance(data, dict) or not isinstance(data.get("channel_id"), str) or not data["channel_id"]:
            raise ctx.fail("", "not a slackdump dump (expected an object with channel_id and messages).")
        source = team_near(path) or _first_team(data.get("messages"))
        if source:
            yield SourceRec(PLATFORM, source)
        channel = data["channel_id"]
        name = data.get("name") if isinstance(data.get("name"), str) and data["name"] else channel
        yield ChannelRec(PLATFORM, channel, name=name, source_external_id=source)
        mapper = SlackMapper(ctx, source)
        messages = data.get("messages")
        if not isinstance(messages, list):
            raise ctx.fail("messages", "the messages should be a JSON array.")
        for i, m in enumerate(messages):
            where = f"message {i + 1}"
            yield from mapper.message(m, channel, where)
            replies = m.get("slackdump_thread_replies") if isinstance(m, dict) else None
            if isinstance(replies, list):
                yield from mapper.messages(replies, channel, f"{where}, thread")


def _first_team(messages: Any) -> str | None:
    """The workspace the first message naming one names, or else the first shared file's links."""
    messages = [m for m in as_list(messages) if isinstance(m, dict)]
    for m in messages:
        team = m.get("team")
        if isinstance(team, str) and team.startswith("T"):
            return team
    for m in messages:
        for f in as_list(m.get("files")):
            if isinstance(f, dict) and len(teams := file_teams(f)) == 1:
                return teams.pop()
    return None


IMPORTERS = [SlackApiPage(), SlackdumpDump()]
