"""What every Slack reader shares: timestamps, members, channels and the mapping of one message.

Slack's message object is the same in a workspace export, a saved Web API page and a slackdump
dump, so one ``SlackMapper`` turns messages into records for all of them.

Identity: an account is its ``U``/``W`` id (a bot message without a user is its ``B`` id), an
activity is ``"<channel id>:<ts>"`` with ``ts`` kept exactly as written, a reply's parent is
``"<channel id>:<thread_ts>"``.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..records import AccountRec, ActivityRec, ChannelRec, MembershipRec, ReactionRec, Record, SourceRec
from .base import ReadContext, as_dict, as_list, stated_count
from .safety import head_text

PLATFORM = "slack"
UTC = dt.timezone.utc
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
MAX_SECONDS = 253402300799  # 9999-12-31T23:59:59Z
TS_RE = re.compile(r"^\d{1,12}(\.\d{1,9})?$")
DAY_FILE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")
TEAM_RE = re.compile(r'"(?:team_id|team)"\s*:\s*"(T[A-Z0-9]+)"')
SLACKBOT = "USLACKBOT"
# A shared file's page is at its workspace's address: https://acme.slack.com/files/U0123/F0456/name
FILE_PAGE_RE = re.compile(r"https://((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,3}slack\.com)/files/")
# ... and its download links name its workspace's id: files.slack.com/files-pri/T0123-F0456/...,
# slack-files.com/T0123-F0456-secret
FILE_TEAM_RE = re.compile(r"(?:/files-(?:pri|tmb)/|//slack-files\.com/)(T[A-Z0-9]{1,19})-F")
NOT_A_WORKSPACE = {"files.slack.com", "app.slack.com", "api.slack.com", "www.slack.com"}
MEMBER_EVENTS = {"channel_join": "join", "group_join": "join", "channel_leave": "leave", "group_leave": "leave"}
# Messages the platform writes about a channel, not something a member wrote.
SYSTEM_SUBTYPES = {
    "channel_topic", "channel_purpose", "channel_name", "channel_archive", "channel_unarchive",
    "group_topic", "group_purpose", "group_name", "group_archive", "group_unarchive",
    "channel_convert_to_private", "channel_convert_to_public", "bot_add", "bot_remove",
    "bot_enable", "bot_disable", "pinned_item", "unpinned_item", "reminder_add", "reminder_delete",
    "tombstone", "sh_room_created", "sh_room_shared", "channel_posting_permissions",
    "app_conversation_join", "joiner_notification", "joiner_notification_for_inviter",
    "huddle_thread",  # "A huddle started": Slack's, under the member who started it; what is said in its thread counts
}
LIST_FILES = {"users.json": "users", "channels.json": "channel", "groups.json": "private",
              "dms.json": "dm", "mpims.json": "group_dm"}
MAX_TEXT_DEPTH = 12


def norm_ts(value: Any) -> str | None:
    """A Slack ts as the string identity it is; numbers (older tools) become the same string form."""
    if isinstance(value, str):
        v = value.strip()
        return v if TS_RE.match(v) else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and 0 <= value <= MAX_SECONDS:
        return f"{value}.000000"
    if isinstance(value, float) and math.isfinite(value) and 0 <= value <= MAX_SECONDS:
        return f"{value:.6f}"
    return None


def ts_time(ts: str) -> dt.datetime | None:
    """The UTC instant of a normalised ts (None when it is past the calendar)."""
    sec, _, frac = ts.partition(".")
    seconds = int(sec)
    if seconds > MAX_SECONDS:
        return None
    return EPOCH + dt.timedelta(seconds=seconds, microseconds=int((frac + "000000")[:6]))


def epoch_time(value: Any) -> dt.datetime | None:
    """An epoch given as int or string ("1452837318"), as Slack writes ``created``."""
    ts = norm_ts(value)
    return ts_time(ts) if ts else None


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def message_text(m: dict) -> str:
    """The readable text: ``text``, else the attachments' fallback, else the rich-text blocks."""
    text = _str(m.get("text"))
    if text:
        return text
    parts = []
    for att in as_list(m.get("attachments")):
        att = as_dict(att)
        piece = _str(att.get("fallback")) or _str(att.get("text")) or _str(att.get("pretext"))
        if piece:
            parts.append(piece)
    if not parts:
        parts = _block_texts(m.get("blocks"))
    return "\n".join(parts)


def _block_texts(blocks: Any) -> list[str]:
    out: list[str] = []
    stack = [(blocks, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_TEXT_DEPTH:
            continue
        if isinstance(node, list):
            stack.extend((n, depth + 1) for n in reversed(node))
        elif isinstance(node, dict):
            if node.get("type") == "text" and isinstance(node.get("text"), str):
                out.append(node["text"])
            elif isinstance(node.get("text"), dict):
                stack.append((node["text"], depth + 1))
            for key in ("elements", "fields"):
                if key in node:
                    stack.append((node[key], depth + 1))
    return ["".join(out)] if out else []


def workspace_address(m: dict, team: str) -> str | None:
    """The address of Slack workspace ``team`` (``acme.slack.com``) as a message's shared file
    shows it: its page's host, when the file's own links (or else the message) name that workspace,
    so that a file shared from another workspace into a shared channel does not give its address."""
    for f in as_list(m.get("files")):
        if not isinstance(f, dict):
            continue
        page = FILE_PAGE_RE.match(_str(f.get("permalink")))
        if page is None or page.group(1) in NOT_A_WORKSPACE:
            continue
        teams = file_teams(f)
        if teams == {team} or (not teams and _str(m.get("team")) == team):
            return page.group(1)
    return None


def file_teams(f: dict) -> set[str]:
    """The workspaces a shared file's download links name (one, for a file of Slack's)."""
    return {t.group(1) for k in ("url_private", "url_private_download", "permalink_public")
            if (t := FILE_TEAM_RE.search(_str(f.get(k))))}


def user_account(u: Any, source: str | None) -> AccountRec | None:
    """An account from a users.json entry (or a users.info ``user``); None when it has no id."""
    if not isinstance(u, dict) or not isinstance(u.get("id"), str) or not u["id"]:
        return None
    profile = as_dict(u.get("profile"))
    uid = u["id"]
    name = _str(u.get("real_name")) or _str(profile.get("real_name")) or _str(profile.get("display_name"))
    return AccountRec(
        PLATFORM, uid, handle=_str(u.get("name")), display_name=name or _str(u.get("name")),
        email=_str(profile.get("email")) or None,
        is_bot=u.get("is_bot") is True or u.get("is_app_user") is True or uid == SLACKBOT,
        is_staff=any(u.get(k) is True for k in ("is_admin", "is_owner", "is_primary_owner")),
        is_deleted=u.get("deleted") is True, source_external_id=source)


def _members(c: dict) -> list[str]:
    """The member ids a channel list gives a channel (a DM's two, a group DM's)."""
    return [m for m in c["members"] if isinstance(m, str) and m] if isinstance(c.get("members"), list) else []


# Slack's name of a group DM: its members' handles when it began, "mpdm-jane.d--smith--bob-1".
_MPDM = re.compile(r"mpdm-(.+)-\d+")


def channel_record(c: Any, kind: str, source: str | None, handles: dict[str, str] | None = None) -> ChannelRec | None:
    """A channel of a channel list; a direct-message chat, which has no name, is named after its
    members' handles when ``handles`` knows them ("jane.d, smith"), else by its id. A group DM is
    named the same way: by its members' handles when ``handles`` knows them all, else by those
    its own name was made of ("mpdm-jane.d--smith--bob-1": "bob, jane.d, smith")."""
    if not isinstance(c, dict) or not isinstance(c.get("id"), str) or not c["id"]:
        return None
    if c.get("is_mpim") is True:
        kind = "group_dm"
    elif c.get("is_im") is True:
        kind = "dm"
    elif kind == "channel" and (c.get("is_private") is True or c.get("is_group") is True):
        kind = "private"
    name = _str(c.get("name"))
    members = _members(c)
    if not name and kind == "dm" and handles and members:
        name = ", ".join(sorted({handles.get(m, m) for m in members}))
    elif kind == "group_dm" and (made := _MPDM.fullmatch(name)):
        known = handles and members and all(m in handles for m in members)
        name = ", ".join(sorted({handles[m] for m in members} if known else set(made.group(1).split("--"))))
    return ChannelRec(PLATFORM, c["id"], name=name or c["id"], source_external_id=source, kind=kind)


def team_near(path: Path) -> str | None:
    """The team id written in a users.json or channels.json beside (or above) ``path``."""
    for folder in (path.parent, path.parent.parent):
        for name in ("users.json", "channels.json"):
            found = TEAM_RE.search(head_text(folder / name, 65536))
            if found:
                return found.group(1)
    return None


class SlackMapper:
    """Turns Slack objects into records; remembers which accounts it has already given."""

    def __init__(self, ctx: ReadContext, source: str | None) -> None:
        self.ctx = ctx
        self.source = source
        self.full: set[str] = set()  # accounts given from a member list (never overwritten by a message)
        self.given: set[str] = set()  # accounts given from a message (bots, authors named by their profile)
        self.address: str | None = None  # the workspace's address, once a shared file shows it
        self.handles: dict[str, str] = {}  # the member list's handles, which name direct-message chats
        self.profiled: dict[str, str] = {}  # the handles of authors the list does not hold, from their messages
        self.unnamed: dict[str, tuple[dict, str]] = {}  # DMs with a member the list does not hold
        # The channel a folder of an export holds, by the folder's name: the channel's id, or Slack's
        # name for it (a group DM's "mpdm-…", which is not the name it is given here)
        self.folders: dict[str, str] = {}

    def users(self, users: Any, where: str) -> Iterator[AccountRec]:
        if not isinstance(users, list):
            raise self.ctx.fail(where, "a member list should be a JSON array.")
        for i, u in enumerate(users):
            rec = user_account(u, self.source)
            if rec is None:
                self.ctx.problem(f"{where}, member {i + 1}", "a member without an id; skipped")
                continue
            self.full.add(rec.external_id)
            if rec.handle:
                self.handles[rec.external_id] = rec.handle
            yield rec

    def channels(self, chans: Any, kind: str, where: str) -> Iterator[ChannelRec]:
        if not isinstance(chans, list):
            raise self.ctx.fail(where, "a channel list should be a JSON array.")
        for i, c in enumerate(chans):
            rec = channel_record(c, kind, self.source, self.handles)
            if rec is None:
                self.ctx.problem(f"{where}, channel {i + 1}", "a channel without an id; skipped")
                continue
            for folder in (_str(c.get("name")), rec.external_id):
                if folder:
                    self.folders.setdefault(folder, rec.external_id)
            if rec.kind in ("dm", "group_dm") and any(m not in self.handles for m in _members(c)):
                self.unnamed[rec.external_id] = (c, kind)
            yield rec

    def dms_named_by_messages(self) -> Iterator[ChannelRec]:
        """The DMs with a member the member list does not hold (of another organisation), named
        again once the profile their messages carry has named that member ("ada, partner.pat", not
        "UEXT00001, ada")."""
        handles = {**self.profiled, **self.handles}
        for c, kind in self.unnamed.values():
            if any(m in self.profiled for m in _members(c)) and (rec := channel_record(c, kind, self.source, handles)):
                yield rec

    def messages(self, msgs: Any, channel: str, where: str) -> Iterator[Record]:
        if not isinstance(msgs, list):
            raise self.ctx.fail(where, "a day of messages should be a JSON array.")
        for i, m in enumerate(msgs):
            yield from self.message(m, channel, f"{where}, message {i + 1}")

    def message(self, m: Any, channel: str, where: str) -> Iterator[Record]:
        if not isinstance(m, dict):
            self.ctx.problem(where, "not a message object; skipped")
            return
        ts = norm_ts(m.get("ts"))
        when = ts_time(ts) if ts else None
        if ts is None or when is None:
            self.ctx.problem(where, "a message without a valid ts; skipped")
            return
        subtype = m.get("subtype")
        subtype = subtype if isinstance(subtype, str) else ""
        if subtype in MEMBER_EVENTS:
            user = _str(m.get("user"))
            if user:
                yield MembershipRec(PLATFORM, user, when, MEMBER_EVENTS[subtype], channel, self.source)
            else:
                self.ctx.problem(where, "a join or leave without a user; skipped")
            return
        if subtype in SYSTEM_SUBTYPES or m.get("hidden") is True:
            return
        author = self._author(m, subtype)
        if author is None:
            self.ctx.problem(where, "a message with no author (no user, bot_id or username); skipped")
            return
        account_id, account = author
        if account is None and account_id not in self.full and account_id not in self.given:
            account = self._profiled(account_id, m.get("user_profile"))
        if account is not None:
            yield account
        if self.address is None and self.source and "files" in m:
            self.address = workspace_address(m, self.source)
            if self.address:
                yield SourceRec(PLATFORM, self.source, address=self.address)
        thread_ts = norm_ts(m.get("thread_ts"))
        parent = f"{channel}:{thread_ts}" if thread_ts and thread_ts != ts else None
        edited_ts = norm_ts(as_dict(m.get("edited")).get("ts"))
        count, reactions = self._reactions(m.get("reactions"), f"{channel}:{ts}")
        yield ActivityRec(PLATFORM, f"{channel}:{ts}", account_id, when, channel_external_id=channel,
                          source_external_id=self.source, parent_external_id=parent,
                          kind="reply" if parent else "message", text=message_text(m), reaction_count=count,
                          edited_at=ts_time(edited_ts) if edited_ts else None)
        yield from reactions

    def _author(self, m: dict, subtype: str) -> tuple[str, AccountRec | None] | None:
        user = _str(m.get("user"))
        bot_id = _str(m.get("bot_id"))
        profile = as_dict(m.get("bot_profile"))
        if subtype == "bot_message" or (bot_id and (profile or not user)):
            handle = _str(m.get("username")) or _str(profile.get("name"))
            ext = user or bot_id or (f"bot:{handle}" if handle else "")
            return (ext, self._bot(ext, handle)) if ext else None
        if not user and subtype == "file_comment":
            user = _str(as_dict(m.get("comment")).get("user"))
        if not user:
            return None
        return user, (self._bot(user, "slackbot") if user == SLACKBOT else None)

    def _profiled(self, uid: str, profile: Any) -> AccountRec | None:
        """The account of an author the member list does not hold (a member of another organisation
        in a Slack Connect channel, whom users.json never lists, or any author of an export read
        without its users.json), from the copy of their profile the message carries; once a run."""
        p = as_dict(profile)
        handle = _str(p.get("name"))
        name = _str(p.get("real_name")) or _str(p.get("display_name"))
        if not (handle or name):
            return None
        self.given.add(uid)
        if handle:
            self.profiled[uid] = handle
        return AccountRec(PLATFORM, uid, handle=handle, display_name=name or handle, source_external_id=self.source,
                          snapshot=True)

    def _bot(self, ext: str, handle: str) -> AccountRec | None:
        if ext in self.full or ext in self.given:
            return None
        self.given.add(ext)
        return AccountRec(PLATFORM, ext, handle=handle or ext, display_name=handle, is_bot=True,
                          source_external_id=self.source)

    def _reactions(self, reactions: Any, activity: str) -> tuple[int, list[ReactionRec]]:
        total, out = 0, []
        if not isinstance(reactions, list):
            return 0, out
        for r in reactions:
            r = as_dict(r)
            name = _str(r.get("name"))
            users = [u for u in r.get("users") or [] if isinstance(u, str) and u] \
                if isinstance(r.get("users"), list) else []
            count = r.get("count")
            total += stated_count(count, len(users))
            if name:
                out.extend(ReactionRec(PLATFORM, activity, u, name) for u in users)
        return total, out
