"""Saved Telegram Bot API ``getUpdates`` pages: ``{"ok": true, "result": [{update_id, message}]}``.

Messages are mapped onto the same identities as a Desktop export, so both kinds of file about
one chat agree: a chat id loses the Bot API's ``-100`` (supergroup) or ``-`` (basic group)
prefix, a sender ``{"id": 8}`` is ``"user8"`` and a channel posting as itself ``"channel<N>"``.
Members joining and leaving are membership events, not activities; the other service messages
(a pin, a new title or photo, a video chat...) are none either, but for a forum topic's creation,
the topic's opening activity (``kind="topic"``, its name as its text), which its messages reply to,
as in a Desktop export.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..records import AccountRec, ActivityRec, ChannelRec, MembershipRec, Record, SourceRec
from . import safety
from .base import Importer, ReadContext
from .jsonstream import skip_quietly

PLATFORM = "telegram"
MAX_SECONDS = 253402300799
MESSAGE_KEYS = ("message", "edited_message", "channel_post", "edited_channel_post")
# The fields that make a message a service message (Bot API "Message"), other than joins and leaves.
SERVICE_FIELDS = ("new_chat_title", "new_chat_photo", "delete_chat_photo", "group_chat_created",
                  "supergroup_chat_created", "channel_chat_created", "message_auto_delete_timer_changed",
                  "migrate_to_chat_id", "migrate_from_chat_id", "pinned_message", "forum_topic_edited",
                  "forum_topic_closed", "forum_topic_reopened", "general_forum_topic_hidden",
                  "general_forum_topic_unhidden", "video_chat_scheduled", "video_chat_started", "video_chat_ended",
                  "video_chat_participants_invited", "write_access_allowed", "users_shared", "chat_shared",
                  "proximity_alert_triggered", "boost_added", "chat_background_set")
CHAT_KINDS = {"personal_chat": "dm", "bot_chat": "dm", "saved_messages": "dm", "private": "dm",
              "private_group": "private", "private_supergroup": "private", "private_channel": "private",
              "group": "private", "supergroup": "channel", "channel": "channel"}


def chat_kind(raw: str) -> str:
    return CHAT_KINDS.get(raw, "channel")


def epoch(value: Any) -> dt.datetime | None:
    """An epoch in seconds, as a number or a string (``date_unixtime`` is a string)."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= MAX_SECONDS:
        return None
    return dt.datetime.fromtimestamp(int(value), dt.timezone.utc)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def bot_chat_id(raw: Any) -> str | None:
    n = _int(raw)
    if n is None:
        return None
    s = str(n)
    if s.startswith("-100") and len(s) > 4:
        return s[4:]
    return s.lstrip("-")


def _name(obj: dict) -> str:
    parts = [obj.get("first_name"), obj.get("last_name")]
    name = " ".join(p for p in parts if isinstance(p, str) and p)
    return name or (obj.get("title") if isinstance(obj.get("title"), str) else "")


class TelegramBotApi(Importer):
    name = "telegram-botapi"
    label = "Saved Telegram Bot API updates (getUpdates)"
    platform = PLATFORM
    patterns = ("*.json",)

    def sniff(self, path: Path) -> bool:
        if not path.is_file():
            return False
        text = safety.head_text(path, 16384).lstrip()
        return text.startswith("{") and re.search(r'"ok"\s*:\s*true', text) is not None \
            and re.search(r'"result"\s*:\s*\[', text) is not None \
            and ('"update_id"' in text or re.search(r'"result"\s*:\s*\[\s*\]', text) is not None)

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        with ctx.open_binary(path) as f:
            data = safety.load_json(f.read(), ctx.file)
        if not isinstance(data, dict) or not isinstance(data.get("result"), list):
            raise ctx.fail("", "not a getUpdates page (expected an object with a result array).")
        mapper = _BotMapper(ctx)
        for i, update in enumerate(data["result"]):
            where = f"update {i + 1}"
            if not isinstance(update, dict):
                ctx.problem(where, "not an update object; skipped")
                continue
            if isinstance(update.get("update_id"), int):
                where = f"update {update['update_id']}"
            for key in MESSAGE_KEYS:
                if isinstance(update.get(key), dict):
                    yield from mapper.message(update[key], where)


class _BotMapper:
    def __init__(self, ctx: ReadContext) -> None:
        self.ctx = ctx
        self.chats: set[str] = set()
        self.accounts: set[str] = set()

    def message(self, m: dict, where: str) -> Iterator[Record]:
        chat = m.get("chat") if isinstance(m.get("chat"), dict) else {}
        chat_id = bot_chat_id(chat.get("id"))
        mid = _int(m.get("message_id"))
        when = epoch(m.get("date"))
        if chat_id is None or mid is None or when is None:
            self.ctx.problem(where, "a message without a chat id, message id or date; skipped")
            return
        if chat_id not in self.chats:
            self.chats.add(chat_id)
            yield SourceRec(PLATFORM, chat_id, _name(chat))
            yield ChannelRec(PLATFORM, chat_id, name=_name(chat) or chat_id, source_external_id=chat_id,
                             kind=chat_kind(chat.get("type") if isinstance(chat.get("type"), str) else ""))
        joined = [u for u in m.get("new_chat_members") or [] if isinstance(u, dict)] \
            if isinstance(m.get("new_chat_members"), list) else []
        left = m.get("left_chat_member") if isinstance(m.get("left_chat_member"), dict) else None
        if joined or left:
            for user, kind in [(u, "join") for u in joined] + ([(left, "leave")] if left else []):
                account = yield from self._account(user, "user", chat_id)
                if account:
                    yield MembershipRec(PLATFORM, account, when, kind, chat_id, chat_id)
            return
        if any(k in m for k in SERVICE_FIELDS):
            skip_quietly(self.ctx)
            return
        topic = m.get("forum_topic_created") if isinstance(m.get("forum_topic_created"), dict) else None
        sender = m.get("from") if isinstance(m.get("from"), dict) else None
        author = yield from (self._account(sender, "user", chat_id) if sender else
                             self._account(m.get("sender_chat"), "channel", chat_id))
        if author is None:
            self.ctx.problem(where, "a message without a sender; skipped")
            return
        reply = m.get("reply_to_message")
        parent_id = _int(reply.get("message_id")) if isinstance(reply, dict) else None
        parent = f"{chat_id}:{parent_id}" if parent_id is not None else None
        text = m.get("text") if isinstance(m.get("text"), str) else m.get("caption")
        if topic is not None:
            parent, text = None, topic.get("name")
        yield ActivityRec(PLATFORM, f"{chat_id}:{mid}", author, when, channel_external_id=chat_id,
                          source_external_id=chat_id, parent_external_id=parent,
                          kind="topic" if topic is not None else "reply" if parent else "message",
                          text=text if isinstance(text, str) else "", edited_at=epoch(m.get("edit_date")))

    def _account(self, obj: Any, prefix: str, chat_id: str) -> Iterator[Record]:
        """Yields the account record the first time; returns the account id (None without one)."""
        if not isinstance(obj, dict):
            return None
        n = _int(obj.get("id"))
        if n is None:
            return None
        ext = f"{prefix}{bot_chat_id(n) if prefix == 'channel' else n}"
        if ext not in self.accounts:
            self.accounts.add(ext)
            handle = obj.get("username") if isinstance(obj.get("username"), str) else ""
            yield AccountRec(PLATFORM, ext, handle=handle, display_name=_name(obj),
                             is_bot=obj.get("is_bot") is True, source_external_id=chat_id)
        return ext


IMPORTERS = [TelegramBotApi()]
