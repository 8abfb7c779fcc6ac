"""A message's text as its platform shows it to a reader.

Slack writes what its app shows as names and links in a markup of its own, in every export and API
page: ``<@U0BMYT2FL>`` for a member, ``<#C0JGLMMNX|enrique>`` for a channel, ``<!here>``,
``<https://example.com|the docs>`` for a link, and ``&lt;``, ``&gt;``, ``&amp;`` for the three
characters that markup takes. A list that shows "<@U0BMYT2FL>: Created an issue" shows what no one
in the community ever read; the Slack app shows "@Hamza Faran: Created an issue".

The stored text stays exactly as the export wrote it. What is shown is worked out here: members
and channels named by their ids get the names the workspace knows for them (the id itself when it
knows none), in one query for all the texts of a list. The result keeps Slack's escaping (a
name is escaped as the text around it is), so that ``fmt.snippet`` reads it as the text it is,
and a member named ``<b>x</b>`` stays text.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.engine import Connection

from .store.models import Account, Channel

SLACK = "slack"
# <@U123>, <@U123|name>, <#C123|general>, <!here>, <!subteam^S1|@team>, <url>, <url|label>
SLACK_MARKUP = re.compile(r"<([@#!]?)([^<>|]*)(?:\|([^<>]*))?>")
SLACK_ID = re.compile(r"<[@#]([A-Z][A-Z0-9]+)>")
LOOKUP_CHUNK = 500


def slack_text(text: str, names: Mapping[str, str]) -> str:
    """``text`` with Slack's markup as the Slack app shows it, ``names`` giving the members and
    channels named by id alone; Slack's escaping of ``<``, ``>`` and ``&`` is kept."""
    if "<" not in text:
        return text

    def shown(m: re.Match) -> str:
        sigil, target, label = m.groups()
        if sigil in ("@", "#"):  # a member, or a channel: by the name the markup gives, or the workspace's
            if label:
                return sigil + label.removeprefix(sigil)
            return sigil + html.escape(names.get(target) or target, quote=False)
        if sigil == "!":  # @here, @channel, @everyone; a group or a date by the words the markup gives
            return label if label else "@" + target.split("^")[0]
        return label or target  # a link by its words, else its address
    return SLACK_MARKUP.sub(shown, text)


def slack_names(conn: Connection, texts: Iterable[str]) -> dict[str, str]:
    """The names of the Slack members and channels that ``texts`` name by id alone."""
    ids = sorted({i for t in texts if t and "<" in t for i in SLACK_ID.findall(t)})
    names: dict[str, str] = {}
    for k in range(0, len(ids), LOOKUP_CHUNK):
        chunk = ids[k:k + LOOKUP_CHUNK]
        for ext, display, handle in conn.execute(
                select(Account.external_id, Account.display_name, Account.handle)
                .where(Account.platform == SLACK, Account.external_id.in_(chunk))):
            names[ext] = display or handle or ""
        for ext, name in conn.execute(select(Channel.external_id, Channel.name)
                                      .where(Channel.platform == SLACK, Channel.external_id.in_(chunk))):
            names[ext] = name or ""
    return names


def as_shown(conn: Connection, items: Sequence[tuple[str, str | None]]) -> list[str]:
    """The texts of ``items`` (platform, text) as their platforms show them, in one lookup."""
    names = slack_names(conn, (t for p, t in items if p == SLACK and t))
    return [slack_text(t, names) if p == SLACK and t else (t or "") for p, t in items]
