"""Plain records that importers yield and the store writes.

Importers know nothing of the database: they read an export and yield these records in any
order, except that an account or channel should be yielded before (or together with) the first
activity that names it when the importer knows it. The writer creates a placeholder account or
channel for an id it has not seen, and fills it in when the full record arrives later.

Identity of every record is ``(platform, external_id)``. Importers make ``external_id`` unique
within the platform (Slack ``ts`` is unique only in a channel, so Slack uses ``"C123:1459154014.000018"``).
All datetimes are timezone-aware UTC (``datetime.timezone.utc``).
"""
from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass, field, fields
from typing import Union


def without_surrogates(text: str) -> str:
    """The text as it can be stored and printed: JSON allows ``"\\ud800"``; a surrogate pair left as
    two code points becomes the character it encodes, and every unpaired surrogate U+FFFD."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def _pickles_as_tuple(cls: type) -> type:
    """Pickle a record as its class and a tuple of its fields: about three times faster than the
    default for slotted dataclasses, which matters when a reading process sends a million of them
    (``importers/reader_process.py``)."""
    get = operator.attrgetter(*[f.name for f in fields(cls)])

    def __reduce__(self):  # noqa: ANN001, ANN202, N807
        return cls, get(self)

    cls.__reduce__ = __reduce__
    return cls


@_pickles_as_tuple
@dataclass(slots=True)
class SourceRec:
    """One imported platform space: a Slack workspace, a Discord guild, a Telegram group..."""

    platform: str
    external_id: str
    name: str = ""
    address: str | None = None  # the host its pages are at, where the export shows it (acme.slack.com)
    # The name is the export's file or folder name (a Slack zip's): it names a new source, and never
    # renames one (the next export's zip is named otherwise, and the workspace is the same).
    name_from_file: bool = False


@_pickles_as_tuple
@dataclass(slots=True)
class ChannelRec:
    platform: str
    external_id: str
    name: str = ""
    source_external_id: str | None = None
    kind: str = "channel"  # channel, private, dm, group_dm, thread, category, topic, repository, list, site
    parent_external_id: str | None = None  # a thread's channel


@_pickles_as_tuple
@dataclass(slots=True)
class AccountRec:
    platform: str
    external_id: str
    handle: str = ""
    display_name: str = ""
    email: str | None = None
    is_bot: bool | None = None  # None: the export does not say; an import never clears a known flag
    is_staff: bool | None = None
    is_deleted: bool = False
    source_external_id: str | None = None
    joined_at: dt.datetime | None = None
    # A message's copy of its author (Slack's user_profile): it names an account the workspace knows
    # by its id alone, and never renames nor re-flags one a member list (or an earlier copy) named.
    snapshot: bool = False


@_pickles_as_tuple
@dataclass(slots=True)
class ActivityRec:
    platform: str
    external_id: str
    account_external_id: str
    created_at: dt.datetime
    channel_external_id: str | None = None
    source_external_id: str | None = None
    parent_external_id: str | None = None  # the activity this one replies to, where the platform says so
    kind: str = "message"  # message, post, reply, comment, answer, question, issue, pull_request, topic
    text: str = ""
    reaction_count: int = 0
    edited_at: dt.datetime | None = None
    is_question: bool | None = None  # the source says it is (True) or is not (False) a question; None: use the text rule
    is_accepted: bool = False  # an accepted answer
    title: str = ""
    # The id under which the workspace holds this activity already, written by an export that had
    # no ids (a DiscordChatExporter CSV row): the row takes this record's id and what it says.
    replaces: str | None = None


@_pickles_as_tuple
@dataclass(slots=True)
class ReactionRec:
    """A reaction given by a named account to an activity."""

    platform: str
    activity_external_id: str
    account_external_id: str
    emoji: str
    created_at: dt.datetime | None = None


@_pickles_as_tuple
@dataclass(slots=True)
class MembershipRec:
    """A join or leave: a membership event, not an activity."""

    platform: str
    account_external_id: str
    at: dt.datetime
    kind: str = "join"  # join or leave
    channel_external_id: str | None = None
    source_external_id: str | None = None


@_pickles_as_tuple
@dataclass(slots=True)
class RecognitionRec:
    """Recognition carried by an export (a Stack Exchange badge, a row of a recognitions CSV)."""

    platform: str
    account_external_id: str
    kind: str
    given_at: dt.datetime
    note: str = ""
    given_by: str = ""
    external_id: str | None = None
    source: str = ""


@_pickles_as_tuple
@dataclass(slots=True)
class RenameRec:
    """An account seen taking another name on the same platform (IRC's "dty_ is now known as dty"):
    not an activity, but evidence for the merge suggestions that the two accounts are one person."""

    platform: str
    from_external_id: str
    to_external_id: str
    at: dt.datetime
    channel_external_id: str | None = None


@_pickles_as_tuple
@dataclass(slots=True)
class Problem:
    """Something wrong with one record: the record was skipped, the import went on."""

    file: str
    position: str
    message: str

    def __post_init__(self) -> None:
        # A problem quotes what it found, and a file may hold a lone surrogate ("\ud800" in JSON, a
        # file name that is not UTF-8): kept as U+FFFD, so the problem can be stored and printed.
        self.file, self.position, self.message = (without_surrogates(str(v)) for v in
                                                  (self.file, self.position, self.message))

    def __str__(self) -> str:
        return f"{self.file}, {self.position}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {"file": self.file, "position": self.position, "message": self.message}


Record = Union[SourceRec, ChannelRec, AccountRec, ActivityRec, ReactionRec, MembershipRec, RecognitionRec, RenameRec]


# The kinds a run's ``added`` counts: the new people's accounts and what they wrote. Sources,
# channels, reactions and memberships come with them and are counted only in ``by_kind``.
ADDED_KINDS = ("accounts", "activities")


@dataclass(slots=True)
class Counts:
    read: int = 0
    added: int = 0  # the new rows of ADDED_KINDS
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
