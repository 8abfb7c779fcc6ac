"""The workspace schema: every entity of the domain, in one module.

Times are stored as naive UTC (``UTCDateTime`` converts aware datetimes on the way in and gives
aware UTC datetimes back). Stable identities are ``(platform, external_id)`` for sources,
channels, accounts and activities, so re-imports upsert instead of duplicating.

Every change to this module after the first release gets an Alembic migration in
``workbench/migrations/versions``; ``tests/core/test_migrations.py`` checks that the migrations
and these models agree.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UTCDateTime(TypeDecorator):
    """A datetime stored as naive UTC and read back as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):  # raw SQLite text (e.g. from a textual query)
            value = dt.datetime.fromisoformat(value)
        return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value


class Base(DeclarativeBase):
    type_annotation_map = {dt.datetime: UTCDateTime()}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class ImportRun(Base):
    """One import of one or more files, with the counts and problems (provenance for audits)."""

    __tablename__ = "import_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="running")  # running, done, removed
    app_version: Mapped[str] = mapped_column(String(32), default="")
    read: Mapped[int] = mapped_column(default=0)
    added: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    first_activity_at: Mapped[dt.datetime | None]
    last_activity_at: Mapped[dt.datetime | None]
    counts: Mapped[dict] = mapped_column(JSON, default=dict)  # added per record kind
    removed_at: Mapped[dt.datetime | None]  # when its rows were taken out of the workspace (``workbench.removing``)
    removed: Mapped[dict | None] = mapped_column(JSON)  # what left then, per kind
    # What it was given, to bring it back after a removal: {"paths": [...], "options": {...}}
    inputs: Mapped[dict | None] = mapped_column(JSON)
    files: Mapped[list[ImportFile]] = relationship(back_populates="run", cascade="all, delete-orphan",
                                                   order_by="ImportFile.id")
    problems: Mapped[list[ImportProblem]] = relationship(back_populates="run", cascade="all, delete-orphan",
                                                         order_by="ImportProblem.id")


class ImportFile(Base):
    __tablename__ = "import_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("import_run.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    importer: Mapped[str] = mapped_column(String(64))
    importer_version: Mapped[str] = mapped_column(String(32))
    run: Mapped[ImportRun] = relationship(back_populates="files")


class ImportProblem(Base):
    """A record an import skipped or doubted (kind "problem"), or a file it left alone, having
    nothing to read in it (kind "note": a README in a dropped folder, a saved error response)."""

    __tablename__ = "import_problem"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("import_run.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8), default="problem", server_default="problem")
    file: Mapped[str] = mapped_column(Text)
    position: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    run: Mapped[ImportRun] = relationship(back_populates="problems")


class ImportChange(Base):
    """What an import changed in a row an earlier import brought (an edited message, a renamed
    account), with the values it replaced, so that removing the import puts them back. Only the
    columns that changed are kept; times as ISO text in UTC."""

    __tablename__ = "import_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("import_run.id", ondelete="CASCADE"), index=True)
    table_name: Mapped[str] = mapped_column(String(16))  # account, activity, channel, source
    row_id: Mapped[int]
    before: Mapped[dict] = mapped_column(JSON)
    after: Mapped[dict] = mapped_column(JSON)


class Source(Base):
    __tablename__ = "source"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text, default="")
    # The host its pages are at, as its export shows it (a Slack workspace's, from its files' links);
    # a Slack message's link needs it. An address a person gives (workbench.settings) comes first.
    address: Mapped[str | None] = mapped_column(Text)
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_run.id"))


class Person(Base):
    """One human behind one or more accounts. Every account starts as its own person."""

    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(Text, default="")
    is_bot: Mapped[bool | None] = mapped_column(Boolean)  # None: follow the accounts' flags
    is_staff: Mapped[bool | None] = mapped_column(Boolean)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)  # set while merged away
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    accounts: Mapped[list[Account]] = relationship(back_populates="person", foreign_keys="Account.person_id")


class Account(Base):
    """A member as one platform knows them."""

    __tablename__ = "account"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(Text)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    original_person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))  # the person it was created as
    handle: Mapped[str] = mapped_column(Text, default="")
    display_name: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str | None] = mapped_column(Text)
    email_norm: Mapped[str | None] = mapped_column(Text, index=True)
    is_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    is_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    flags_set_by_user: Mapped[bool] = mapped_column(Boolean, default=False)  # imports keep hands off the flags
    joined_at: Mapped[dt.datetime | None]
    placeholder: Mapped[bool] = mapped_column(Boolean, default=False)  # seen only as a reference so far
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_run.id"))
    person: Mapped[Person] = relationship(back_populates="accounts", foreign_keys=[person_id])


class Channel(Base):
    __tablename__ = "channel"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(Text)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"))
    name: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(32), default="channel")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("channel.id"))
    parent_external_id: Mapped[str | None] = mapped_column(Text)
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_run.id"))


class Activity(Base):
    """Something a person wrote: message, post, reply, comment, answer."""

    __tablename__ = "activity"
    __table_args__ = (
        UniqueConstraint("platform", "external_id"),
        Index("ix_activity_created_at", "created_at"),
        Index("ix_activity_account_created", "account_id", "created_at"),
        Index("ix_activity_parent_ext", "platform", "parent_external_id"),
        # A reply's links are filled in after the import; the many rows without one are left out
        # of these two indexes, so that writing a message costs no entry in them.
        Index("ix_activity_parent_id", "parent_id", sqlite_where=text("parent_id IS NOT NULL"),
              postgresql_where=text("parent_id IS NOT NULL")),
        Index("ix_activity_root_id", "root_id", sqlite_where=text("root_id IS NOT NULL"),
              postgresql_where=text("root_id IS NOT NULL")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(Text)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"))
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channel.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[dt.datetime]
    edited_at: Mapped[dt.datetime | None]
    kind: Mapped[str] = mapped_column(String(16), default="message")
    parent_external_id: Mapped[str | None] = mapped_column(Text)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id"))
    root_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id"))  # thread root, when resolved
    is_question: Mapped[bool | None] = mapped_column(Boolean)  # what the source says; None: the text rule decides
    is_accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    reaction_count: Mapped[int] = mapped_column(Integer, default=0)
    import_run_id: Mapped[int] = mapped_column(ForeignKey("import_run.id"), index=True)


class Reaction(Base):
    """A reaction given by a named account (where the export names who reacted)."""

    __tablename__ = "reaction"
    __table_args__ = (UniqueConstraint("activity_id", "account_id", "emoji"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    emoji: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime | None]
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_run.id"))


class MembershipEvent(Base):
    """A join or a leave: not an activity."""

    __tablename__ = "membership_event"
    __table_args__ = (UniqueConstraint("account_id", "channel_key", "kind", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channel.id"))
    channel_key: Mapped[int] = mapped_column(Integer, default=0)  # channel_id or 0, so the unique key works
    kind: Mapped[str] = mapped_column(String(8))
    at: Mapped[dt.datetime]
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_run.id"))


class Rename(Base):
    """An account seen taking another name on its platform (an IRC nick change), by the accounts'
    external ids: evidence for the merge suggestions, kept once per pair (the first time seen)."""

    __tablename__ = "rename"
    __table_args__ = (UniqueConstraint("platform", "from_external_id", "to_external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    from_external_id: Mapped[str] = mapped_column(Text)
    to_external_id: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime]
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channel.id"))
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_run.id"))


class _Thanks:
    """What a recognition says, in the log and once deleted from it alike."""

    kind: Mapped[str] = mapped_column(String(64))
    given_at: Mapped[dt.datetime]
    note: Mapped[str] = mapped_column(Text, default="")
    given_by: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(32), default="manual")
    external_id: Mapped[str | None] = mapped_column(Text)


class Recognition(_Thanks, Base):
    """Something the community did to thank a person.

    Given to an account where the evidence names one (a badge, an import), so that it follows the
    account into a merged person and back on unmerge; otherwise given to the person directly.
    """

    __tablename__ = "recognition"
    # An id is never given twice (SQLite would give a deleted last one's to the next): the log's
    # ids are how a recognition is named, deleted and brought back.
    __table_args__ = (UniqueConstraint("source", "external_id"), {"sqlite_autoincrement": True})
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_run.id"))


class DeletedRecognition(_Thanks, Base):
    """A recognition deleted from the log, kept as it was, with its id there: Edit > Undo brings it
    back, and importing again the sheet or export it came from does not add it again."""

    __tablename__ = "deleted_recognition"
    id: Mapped[int] = mapped_column(primary_key=True)
    recognition_id: Mapped[int]  # its id in the log, given back to it when no other has taken it since
    person_id: Mapped[int]  # as it was: brought back to the account's person, or where it was merged
    account_id: Mapped[int | None] = mapped_column(index=True)
    created_at: Mapped[dt.datetime]
    import_run_id: Mapped[int | None]
    deleted_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class ChampionStatus(Base):
    """One change of a person's stage in the champion programme (history: never updated)."""

    __tablename__ = "champion_status"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    stage: Mapped[str] = mapped_column(String(16))  # candidate, nominated, champion, alumni, (none)
    previous_stage: Mapped[str | None] = mapped_column(String(16))
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_by: Mapped[str] = mapped_column(Text, default="")


class Tag(Base):
    __tablename__ = "tag"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)


class PersonTag(Base):
    __tablename__ = "person_tag"
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tag.id"), primary_key=True)


class Note(Base):
    __tablename__ = "note"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    author: Mapped[str] = mapped_column(Text, default="")


class MergeEvent(Base):
    """A merge or unmerge of people, with everything needed to undo it exactly."""

    __tablename__ = "merge_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(16))  # merge, unmerge
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)
    by: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    target_person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    other_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)  # accounts moved, flags before, ...
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("merge_event.id"))


class MergeRejection(Base):
    """A pair of accounts a person said are not the same human: never suggested again."""

    __tablename__ = "merge_rejection"
    __table_args__ = (UniqueConstraint("account_a_id", "account_b_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account_a_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    account_b_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    by: Mapped[str] = mapped_column(Text, default="")


class PersonSummary(Base):
    """A cache of what the People directory shows per person (``workbench.people.directory`` keeps
    it in step), so that 100,000 people page, sort and filter in SQL."""

    __tablename__ = "person_summary"
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    name: Mapped[str] = mapped_column(Text, default="")
    sort_name: Mapped[str] = mapped_column(Text, default="", index=True)
    search: Mapped[str] = mapped_column(Text, default="")  # names, handles, e-mails: normalized
    platforms: Mapped[str] = mapped_column(Text, default="")  # ",discord,slack,"
    accounts: Mapped[int] = mapped_column(Integer, default=0)
    first_seen: Mapped[dt.datetime | None] = mapped_column(index=True)
    last_seen: Mapped[dt.datetime | None] = mapped_column(index=True)
    activities: Mapped[int] = mapped_column(Integer, default=0, index=True)
    level_rank: Mapped[int] = mapped_column(Integer, default=0, index=True)  # 0 Inactive .. 4 Leading
    is_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    is_staff: Mapped[bool] = mapped_column(Boolean, default=False)


class Setting(Base):
    """Workspace settings that travel with the data (reporting time zone, metric weights...)."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[dict | list | str | int | float | bool | None] = mapped_column(JSON)


class CsvMapping(Base):
    """A column mapping for a generic CSV, saved by header signature and reused."""

    __tablename__ = "csv_mapping"
    signature: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # members, activities, recognitions
    headers: Mapped[list] = mapped_column(JSON)
    mapping: Mapped[dict] = mapped_column(JSON)
    saved_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class DailyRollup(Base):
    """Activities per UTC day, channel and account: kept in step with imports for fast metrics."""

    __tablename__ = "daily_rollup"
    day: Mapped[dt.date] = mapped_column(primary_key=True)
    channel_key: Mapped[int] = mapped_column(Integer, primary_key=True)  # channel_id or 0
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    activities: Mapped[int] = mapped_column(Integer, default=0)
