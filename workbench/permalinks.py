"""Where an activity can be seen on its platform: a web link made from the ids its export keeps.

A question nobody answered is worth little in a list unless one can go and answer it. The exports
hold the ids a platform's own links are made of, for some platforms:

- Discord: ``https://discord.com/channels/<guild>/<channel>/<message>`` (``@me`` for direct messages);
- Telegram: ``https://t.me/c/<chat>/<message>`` for a supergroup or channel (a basic group and a
  private chat have no message links);
- GitHub: the issue or pull request, and a comment's anchor on it;
- Stack Exchange: ``https://<site>/q/<id>`` (``/a/`` for an answer), when the site is known by its
  address (the API's pages name it; a data dump's folder does when it keeps the dump's name) and
  that address is one of the network's sites;
- Discourse: ``https://<forum>/p/<post>``, when the folder of saved pages is named by the forum's
  address (a name the person who saved them gave, not the pages' data);
- Slack: ``https://<workspace>.slack.com/archives/<channel>/p<ts>`` (a thread's reply with its
  thread) when the workspace's address is known (an export names its workspace by id; a shared
  file's page shows the address, or a person gives it: ``workbench.settings``); the channel
  (``slack.com/app_redirect``) otherwise.

Every id is checked against what the platform writes before it becomes part of a link, so text
from a hostile export never becomes a link of its own (``javascript:``, another host, another path).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from .fmt import platform_name
from .settings import slack_addresses
from .store.models import Activity, Channel, Source

_DIGITS = re.compile(r"[0-9]{1,20}")
_SLACK_ID = re.compile(r"[A-Z0-9]{2,20}")
_SLACK_TS = re.compile(r"[0-9]{9,11}\.[0-9]{1,6}")
_REPO = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}/(?!\.+$)[A-Za-z0-9_.-]{1,100}")
_HOST = re.compile(r"(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
# The Stack Exchange network's sites (and their meta and language sites): a site named by a saved
# page's own links is one of these, or no link is made of it.
_SE_HOST = re.compile(r"(?:[a-z0-9-]+\.)*(?:stackoverflow\.com|stackexchange\.com|superuser\.com|serverfault\.com"
                      r"|askubuntu\.com|mathoverflow\.net|stackapps\.com)")
_GITHUB_ANCHOR = re.compile(r"#(issuecomment|discussion_r|pullrequestreview)-?([0-9]{1,20})")


@dataclass(frozen=True)
class Link:
    url: str
    what: str  # "message", "post", "issue" ... or "channel" when only the channel can be opened
    platform: str


SLACK_CHANNEL = "https://slack.com/app_redirect?"  # a Slack link that opens the channel, not the message


def action(platform: str, url: str) -> str:
    """What a menu offers for a link: "Open in Discord", "Open the channel in Slack"."""
    name = platform_name(platform)
    return f"Open the channel in {name}" if url.startswith(SLACK_CHANNEL) else f"Open in {name}"


def _host(value: str | None) -> str | None:
    v = (value or "").strip().lower().removeprefix("https://").removeprefix("http://").rstrip("/")
    return v if _HOST.fullmatch(v) else None


def link_of(platform: str, external_id: str, *, source: str | None = None, channel: str | None = None,
            channel_kind: str | None = None, parent: str | None = None, kind: str | None = None,
            address: str | None = None) -> Link | None:
    """The link to one activity, from its platform, its id and those of its source (guild,
    workspace, repository, site, forum) and channel, and the address given for its source where
    the export holds none (a Slack workspace's); None where that is not enough."""
    ext = external_id or ""
    if platform == "discord":
        guild = "@me" if source == "0" else source
        if (guild == "@me" or _DIGITS.fullmatch(guild or "")) and _DIGITS.fullmatch(channel or "") \
                and _DIGITS.fullmatch(ext):
            return Link(f"https://discord.com/channels/{guild}/{channel}/{ext}", "message", platform)
        return None
    if platform == "telegram":
        chat, _, message = ext.rpartition(":")
        chat = chat[4:] if chat.startswith("-100") else chat  # the Bot API writes a supergroup's id so
        if channel_kind == "channel" and _DIGITS.fullmatch(chat) and _DIGITS.fullmatch(message):
            return Link(f"https://t.me/c/{chat}/{message}", "message", platform)
        return None
    if platform == "github":
        repo, sep, rest = ext.partition("#")
        if not sep or not _REPO.fullmatch(repo):
            return None
        if _DIGITS.fullmatch(rest):
            pull = kind == "pull_request"
            return Link(f"https://github.com/{repo}/{'pull' if pull else 'issues'}/{rest}",
                        "pull request" if pull else "issue", platform)
        anchor = _GITHUB_ANCHOR.fullmatch("#" + rest)
        p_repo, _, number = (parent or "").partition("#")
        if anchor and p_repo == repo and _DIGITS.fullmatch(number):
            return Link(f"https://github.com/{repo}/issues/{number}#{rest}", "comment", platform)
        return None
    if platform == "stackexchange":
        site, _, post = ext.partition(":")
        host = _host(site)
        if host is None or not _SE_HOST.fullmatch(host):
            return None
        if _DIGITS.fullmatch(post):
            return Link(f"https://{host}/{'a' if kind == 'answer' else 'q'}/{post}", kind or "question", platform)
        comment = post.removeprefix("comment:")
        if comment != post and _DIGITS.fullmatch(comment):
            return Link(f"https://{host}/posts/comments/{comment}", "comment", platform)
        return None
    if platform == "discourse":
        host = _host(source)
        if host and _DIGITS.fullmatch(ext):
            return Link(f"https://{host}/p/{ext}", "post", platform)
        return None
    if platform == "slack":
        chan, _, ts = ext.partition(":")
        if not (_SLACK_ID.fullmatch(chan) and _SLACK_TS.fullmatch(ts)):
            return None
        if address:  # checked by settings.slack_host
            p_chan, _, thread = (parent or "").partition(":")
            in_thread = f"?thread_ts={thread}&cid={chan}" if p_chan == chan and _SLACK_TS.fullmatch(thread) else ""
            return Link(f"https://{address}/archives/{chan}/p{ts.replace('.', '')}{in_thread}", "message", platform)
        team = f"&team={quote(source)}" if source and _SLACK_ID.fullmatch(source) else ""
        return Link(f"{SLACK_CHANNEL}channel={chan}{team}", "channel", platform)
    return None


def links_of(conn: Connection, activity_ids: Iterable[int]) -> dict[int, Link]:
    """The links of the given activities (those that have one), read with their sources and channels."""
    ids = list(dict.fromkeys(int(i) for i in activity_ids))
    out: dict[int, Link] = {}
    addresses = slack_addresses(conn) if ids else {}
    A, C, S = Activity.__table__, Channel.__table__, Source.__table__
    for i in range(0, len(ids), 500):
        q = (select(A.c.id, A.c.platform, A.c.external_id, A.c.parent_external_id, A.c.kind, S.c.external_id,
                    C.c.external_id, C.c.kind)
             .select_from(A.outerjoin(C, C.c.id == A.c.channel_id)
                          .outerjoin(S, S.c.id == func.coalesce(A.c.source_id, C.c.source_id)))
             .where(A.c.id.in_(ids[i:i + 500])))
        for aid, platform, ext, parent, kind, source, channel, channel_kind in conn.execute(q):
            link = link_of(platform, ext, source=source, channel=channel, channel_kind=channel_kind, parent=parent,
                           kind=kind, address=addresses.get(source or "") if platform == "slack" else None)
            if link is not None:
                out[aid] = link
    return out
