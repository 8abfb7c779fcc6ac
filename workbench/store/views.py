"""Definitions every feature shares, as portable SQL: who is a person, a bot, staff; what is a question.

- People are persons with ``merged_into_id IS NULL``; an account belongs to the person in
  ``account.person_id`` (merges move accounts).
- A person is a bot (staff) when the person's own flag says so, or, when it is unset (None),
  when any of their accounts is flagged. Bots are always left out of metrics; staff are in
  activity counts and out of champion candidates.
- A person is gone when every account of theirs is deleted: they left the platform, or they are
  a platform's shared placeholder ("Deleted User", GitHub's ghost), which stands for many people.
  They count in activity, and nobody can nominate or thank them: they are no champion candidates.
- A question is what the source says (``activity.is_question``), or else a top-level activity
  (no parent) whose text contains the question marker (``?`` by default; the setting
  ``questions.marker``).
"""
from __future__ import annotations

from sqlalchemy import Select, and_, case, func, literal, select
from sqlalchemy.sql.elements import ColumnElement

from .models import Account, Activity, Person

QUESTION_MARKER_SETTING = "questions.marker"
DEFAULT_QUESTION_MARKER = "?"


def _any(flag) -> ColumnElement:  # noqa: ANN001
    return func.max(case((flag.is_(True), 1), else_=0))


def person_flags_query() -> Select:
    """One row per person: ``person_id, display_name, is_bot, is_staff, accounts, is_gone`` (1/0 flags;
    ``is_gone``: every account is deleted)."""
    return (
        select(
            Person.id.label("person_id"),
            Person.display_name.label("display_name"),
            func.coalesce(case((Person.is_bot.is_(None), None), else_=case((Person.is_bot.is_(True), 1), else_=0)),
                          _any(Account.is_bot)).label("is_bot"),
            func.coalesce(case((Person.is_staff.is_(None), None), else_=case((Person.is_staff.is_(True), 1), else_=0)),
                          _any(Account.is_staff)).label("is_staff"),
            func.count(Account.id).label("accounts"),
            func.min(case((Account.is_deleted.is_(True), 1), else_=0)).label("is_gone"),
        )
        .join(Account, Account.person_id == Person.id)
        .where(Person.merged_into_id.is_(None))
        .group_by(Person.id, Person.display_name, Person.is_bot, Person.is_staff)
    )


def bot_person_ids(conn) -> set[int]:  # noqa: ANN001
    q = person_flags_query().subquery()
    return set(conn.execute(select(q.c.person_id).where(q.c.is_bot == 1)).scalars())


def staff_person_ids(conn) -> set[int]:  # noqa: ANN001
    q = person_flags_query().subquery()
    return set(conn.execute(select(q.c.person_id).where(q.c.is_staff == 1)).scalars())


def person_platforms(conn, persons=None) -> dict[int, str]:  # noqa: ANN001 - a Connection, ids
    """The platforms of each person's accounts (of ``persons``, or everyone's), as a table stores
    them: {218: "discord, slack"}. Beside a name, they tell two people of one name apart (a Slack
    and a Discord account not yet joined)."""
    q = select(Account.person_id, Account.platform).distinct()
    if persons is None:
        chunks = [q]
    else:
        ids = sorted({int(p) for p in persons})  # within every database's limit of bound parameters
        chunks = [q.where(Account.person_id.in_(ids[i:i + 900])) for i in range(0, len(ids), 900)]
    found: dict[int, list[str]] = {}
    for chunk in chunks:
        for pid, platform in conn.execute(chunk):
            found.setdefault(int(pid), []).append(platform)
    return {p: ", ".join(sorted(v)) for p, v in found.items()}


def human_account_ids_query() -> Select:
    """Accounts whose person is not a bot (the population of every metric)."""
    q = person_flags_query().subquery()
    return select(Account.id).join(q, q.c.person_id == Account.person_id).where(q.c.is_bot == 0)


def question_marker(ws) -> str:  # noqa: ANN001 - a Workspace
    return ws.get_setting(QUESTION_MARKER_SETTING, DEFAULT_QUESTION_MARKER) or DEFAULT_QUESTION_MARKER


def is_question_expr(marker: str = DEFAULT_QUESTION_MARKER) -> ColumnElement:
    """True for questions: the source's word, else a top-level activity whose text has the marker."""
    text_rule = and_(Activity.parent_external_id.is_(None), Activity.parent_id.is_(None),
                     Activity.text.contains(marker, autoescape=True))
    return case((Activity.is_question.is_not(None), Activity.is_question), else_=text_rule) == literal(True)
