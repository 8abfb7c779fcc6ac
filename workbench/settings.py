"""The workspace settings a person sets, checked the same way from the window and the command line.

- ``reporting.timezone``: the zone whose calendar days, weeks and months the figures count in;
- ``questions.marker``: what a top-level message contains to count as a question;
- ``slack.address.<team id>``: a Slack workspace's address (``acme.slack.com``), which a
  message's link needs: given it, a Slack question opens at its message rather than in its
  channel. An export names its workspace by id; where a shared file's page shows the address, the
  import keeps it with the workspace's source and it applies until one is given.

Settings live in the workspace (they travel with it to a teammate or into an audit pack's copy).
"""
from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Connection

from .errors import WorkbenchError
from .metrics.filters import TZ_SETTING as TIMEZONE
from .store.models import Setting, Source
from .store.views import DEFAULT_QUESTION_MARKER, QUESTION_MARKER_SETTING

SLACK_ADDRESS = "slack.address."  # + the Slack workspace's (team's) id
_SLACK_HOST = re.compile(r"(?=.{1,200}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+slack\.com")
_SLACK_TEAM = re.compile(r"[A-Z0-9]{2,20}")


@dataclass(frozen=True)
class Known:
    key: str
    label: str  # what it is, as the window's form and the command line name it
    default: str
    check: Callable[[str], str]  # the value to keep, or a WorkbenchError naming what is wrong
    about: str = ""
    optional: bool = False  # may be left without a value (then the default, if any, applies)
    default_is: str = "the default"  # where the default comes from, as a person is told


def _zone(value: str) -> str:
    zone = value.strip()
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise WorkbenchError(f"“{zone}” is not a time zone the workbench knows (try Europe/Berlin or UTC).") from None
    return zone


def _marker(value: str) -> str:
    if not value.strip():
        raise WorkbenchError("The question marker cannot be empty.")
    if len(value) > 8:
        raise WorkbenchError(f"The question marker “{value}” is longer than 8 characters.")
    return value


def slack_host(value: str) -> str:
    """A Slack workspace's address as people write it (``acme``, ``acme.slack.com``,
    ``https://acme.slack.com/``), as its host; a WorkbenchError for anything else."""
    v = value.strip().lower().removeprefix("https://").removeprefix("http://").split("/", 1)[0]
    if v and "." not in v:
        v += ".slack.com"
    if not _SLACK_HOST.fullmatch(v):
        raise WorkbenchError(f"“{value.strip()}” is not a Slack workspace's address (it reads like acme.slack.com).")
    return v


def known(conn: Connection) -> list[Known]:
    """The settings of this workspace a person sets: the two that every workspace has, and the
    address of each Slack workspace it holds."""
    out = [Known(TIMEZONE, "Reporting time zone", "UTC", _zone,
                 "days, weeks and months in charts and reports are counted in this zone; "
                 "a recognition given for a day stays on that day"),
           Known(QUESTION_MARKER_SETTING, "A question contains", DEFAULT_QUESTION_MARKER, _marker,
                 "top-level messages containing this text count as questions")]
    teams = conn.execute(select(Source.external_id, Source.name, Source.address).where(Source.platform == "slack")
                         .order_by(Source.name, Source.external_id)).all()
    for team, name, found in teams:
        if _SLACK_TEAM.fullmatch(team or ""):
            found = _or_none(slack_host, found)
            out.append(Known(SLACK_ADDRESS + team, f"Slack address of {name or team}", found or "", slack_host,
                             "a Slack question opens at its message, not only in its channel" if not found else
                             "found in the export's shared files; a Slack question opens at its message",
                             optional=True, default_is="found in the export"))
    return out


def _or_none(check: Callable[[str], str], value: object) -> str | None:
    try:
        return check(str(value)) if value else None
    except WorkbenchError:  # written by hand into the database: not a link of anyone's making
        return None


def find(conn: Connection, key: str) -> Known:
    """The setting ``key``, or a WorkbenchError naming the settings there are."""
    found = {k.key: k for k in known(conn)}
    if key not in found:
        raise WorkbenchError(f"“{key}” is not a setting of this workspace; its settings are {', '.join(found)}.")
    return found[key]


def check(conn: Connection, key: str, value: str) -> str:
    """The value to keep for ``key``, or a WorkbenchError naming what is wrong (an unknown key too)."""
    return find(conn, key).check(value)


def slack_addresses(conn: Connection) -> dict[str, str]:
    """Each Slack workspace's address by its team id: the one a person gave, else the one its
    export showed (a shared file's page)."""
    found = conn.execute(select(Source.external_id, Source.address)
                         .where(Source.platform == "slack", Source.address.is_not(None)))
    given = conn.execute(select(Setting.key, Setting.value).where(Setting.key.startswith(SLACK_ADDRESS, autoescape=True)))
    out = {}
    for team, value in [*found, *((k.removeprefix(SLACK_ADDRESS), v) for k, v in given)]:
        if (host := _or_none(slack_host, value)) is not None:
            out[team] = host
    return out
