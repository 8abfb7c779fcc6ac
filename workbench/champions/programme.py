"""The champion programme: a pipeline of stages (candidate, nominated, champion, alumni).

Every move is a ``ChampionStatus`` row (stage, previous stage, date, reason, who): rows are never
updated, so the history of a person is the list of their rows. A person's current stage is their
latest row; a move to ``(none)`` takes them out of the programme. Merges carry the rows to the
merged person (``workbench.people.merge``). Undo of the last move removes that move's row, so the
person is back where they were.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Connection

from ..errors import NotFound, WorkbenchError
from ..people.lookup import people_called
from ..people.merge import live_person
from ..store.models import Account, ChampionStatus, Person
from . import NO_STAGE, STAGES

CS = ChampionStatus.__table__
PER = Person.__table__
MOVE = "champions"  # what the workspace broadcasts after a move


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def normalize_stage(stage: str) -> str:
    s = (stage or "").strip().lower()
    if s in ("none", "out", "remove", NO_STAGE):
        return NO_STAGE
    if s not in STAGES:
        raise WorkbenchError(f"“{stage}” is not a stage of the programme (use {', '.join(STAGES)}, or none "
                             "to take the person out).")
    return s


def stage_on(conn: Connection, person_id: int) -> str | None:
    """The person's current stage (None when not in the programme)."""
    stage = conn.execute(select(CS.c.stage).where(CS.c.person_id == person_id)
                         .order_by(CS.c.id.desc()).limit(1)).scalar()
    return None if stage in (None, NO_STAGE) else str(stage)


def move(ws, person_id: int, stage: str, *, reason: str = "", by: str = "") -> int:  # noqa: ANN001 - a Workspace
    """Move a person to ``stage`` (recording today's date, the reason and who); returns the row id."""
    target = normalize_stage(stage)
    with ws.write_conn(MOVE) as conn:
        pid = live_person(conn, person_id)
        current = stage_on(conn, pid)
        if (current or NO_STAGE) == target:
            where = f"at the stage {target}" if target != NO_STAGE else "not in the programme"
            raise WorkbenchError(f"Person {pid} is already {where}.")
        return int(conn.execute(insert(CS).values(person_id=pid, stage=target, previous_stage=current,
                                                  changed_at=_now(), reason=reason.strip(), changed_by=by.strip())
                                ).inserted_primary_key[0])


def undo_last_move(ws) -> dict | None:  # noqa: ANN001
    """Take back the latest move: returns what was undone (person_id, name, stage, previous_stage),
    None when no move is recorded."""
    with ws.write_conn(MOVE) as conn:
        row = conn.execute(select(CS).order_by(CS.c.id.desc()).limit(1)).mappings().first()
        if row is None:
            return None
        conn.execute(delete(CS).where(CS.c.id == row["id"]))
        name = conn.execute(select(PER.c.display_name).where(PER.c.id == row["person_id"])).scalar() or ""
    return {"person_id": int(row["person_id"]), "name": name, "stage": row["stage"],
            "previous_stage": row["previous_stage"]}


def current_stages(ws) -> pd.DataFrame:  # noqa: ANN001
    """Everyone in the programme now: person_id, name, stage, since (the date of the latest move),
    platforms (of the person's accounts, "discord, slack")."""
    from ..store.views import person_platforms

    with ws.connect() as conn:
        latest = select(CS.c.person_id, func.max(CS.c.id).label("last_id")).group_by(CS.c.person_id).subquery()
        rows = conn.execute(
            select(CS.c.person_id, PER.c.display_name, CS.c.stage, CS.c.changed_at)
            .join(latest, latest.c.last_id == CS.c.id).join(PER, PER.c.id == CS.c.person_id)
            .where(PER.c.merged_into_id.is_(None), CS.c.stage != NO_STAGE)
            .order_by(CS.c.changed_at, CS.c.person_id)).all()
        platforms = person_platforms(conn, [r[0] for r in rows])
    df = pd.DataFrame.from_records(rows, columns=["person_id", "name", "stage", "since"]) if rows else \
        pd.DataFrame({"person_id": pd.Series(dtype="int64"), "name": pd.Series(dtype=object),
                      "stage": pd.Series(dtype=object), "since": pd.Series(dtype="datetime64[ns, UTC]")})
    df["since"] = pd.to_datetime(df["since"], utc=True)
    df["platforms"] = [platforms.get(int(p), "") for p in df["person_id"]]
    return df


def champion_ids(ws) -> set[int]:  # noqa: ANN001
    """People whose current stage is champion."""
    df = current_stages(ws)
    return set(int(p) for p in df.loc[df["stage"] == "champion", "person_id"])


def history(ws, person_id: int) -> list[dict]:  # noqa: ANN001
    """The person's programme history, newest first: changed_at, stage, previous_stage, reason,
    changed_by (rows brought in by merges included)."""
    with ws.connect() as conn:
        pid = live_person(conn, person_id)
        rows = conn.execute(select(CS.c.id, CS.c.changed_at, CS.c.stage, CS.c.previous_stage, CS.c.reason,
                                   CS.c.changed_by).where(CS.c.person_id == pid).order_by(CS.c.id.desc())
                            ).mappings().all()
    return [dict(r) for r in rows]


def last_move(ws) -> dict | None:  # noqa: ANN001
    """The latest move (what ``undo_last_move`` would take back)."""
    with ws.connect() as conn:
        row = conn.execute(select(CS.c.person_id, CS.c.stage, CS.c.previous_stage, PER.c.display_name)
                           .join(PER, PER.c.id == CS.c.person_id).order_by(CS.c.id.desc()).limit(1)).first()
    if row is None:
        return None
    return {"person_id": int(row[0]), "stage": row[1], "previous_stage": row[2], "name": row[3] or ""}


def resolve_person(ws, text: str) -> int:  # noqa: ANN001 - a Workspace
    """A person from an id, ``platform:account id``, or a user name, e-mail or name only one person
    has (``people.lookup.people_called``)."""
    text = text.strip()
    with ws.connect() as conn:
        if text.isdigit():
            return live_person(conn, int(text))
        if ":" in text:
            platform, ext = text.split(":", 1)
            pid = conn.execute(select(Account.person_id).where(Account.platform == platform.lower(),
                                                               Account.external_id == ext)).scalar()
            if pid is not None:
                return int(pid)
        found = people_called(conn, text)
    if len(found) == 1:
        return int(found.pop())
    if not found:
        raise NotFound(f"No person is called “{text}” (give a person id, or platform:account id).")
    raise WorkbenchError(f"{len(found)} people are called “{text}”; give a person id instead "
                         f"({', '.join(str(p) for p in sorted(found)[:8])}).")
