"""The champion programme as the workspace records it: each person's current stage, and the
recognitions given in the report's period (for the report's "Champions and recognition" section)."""
from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import func, select

from ..metrics.filters import Filters
from ..store.models import ChampionStatus, Person, Recognition
from ..store.views import person_platforms

RECENT_DAYS = 180


def programme_frame(ws, f: Filters) -> pd.DataFrame:  # noqa: ANN001
    """One row per person in the programme at the end of the period: stage, since (UTC),
    recognitions in the 180 days before the period's end."""
    end = dt.datetime.combine(f.end or dt.date.today(), dt.time.max, tzinfo=f.zone)  # its last day's end there
    with ws.session() as s:
        last = (select(ChampionStatus.person_id, func.max(ChampionStatus.id).label("last_id"))
                .where(ChampionStatus.changed_at <= end)  # the programme as it stood at the period's end
                .group_by(ChampionStatus.person_id).subquery())
        rows = s.execute(select(ChampionStatus.person_id, Person.display_name, ChampionStatus.stage,
                                ChampionStatus.changed_at)
                         .join(last, last.c.last_id == ChampionStatus.id)
                         .join(Person, Person.id == ChampionStatus.person_id)).all()
        recent = dict(s.execute(select(Recognition.person_id, func.count())
                                .where(Recognition.given_at >= end - dt.timedelta(days=RECENT_DAYS),
                                       Recognition.given_at <= end)
                                .group_by(Recognition.person_id)).all())
        platforms = person_platforms(s.connection(), [r[0] for r in rows])
    out = [{"person_id": pid, "name": name, "platforms": platforms.get(pid, ""), "stage": stage,
            "since": changed,
            "recognitions_180d": int(recent.get(pid, 0))}
           for pid, name, stage, changed in rows if stage and stage != "(none)"]
    order = {"champion": 0, "nominated": 1, "candidate": 2, "alumni": 3}
    df = pd.DataFrame(out, columns=["person_id", "name", "platforms", "stage", "since", "recognitions_180d"])
    return df.sort_values(["stage", "since"], key=lambda c: c.map(order) if c.name == "stage" else c,
                          kind="stable").reset_index(drop=True)


def recognitions_frame(ws, f: Filters) -> pd.DataFrame:  # noqa: ANN001
    """Recognitions given in the period (its days in the reporting zone), newest first; times in UTC."""
    q = select(Recognition.person_id, Person.display_name, Recognition.kind, Recognition.given_at,
               Recognition.given_by, Recognition.note).join(Person, Person.id == Recognition.person_id)
    if f.start:
        q = q.where(Recognition.given_at >= dt.datetime.combine(f.start, dt.time.min, tzinfo=f.zone))
    if f.end:
        q = q.where(Recognition.given_at <= dt.datetime.combine(f.end, dt.time.max, tzinfo=f.zone))
    with ws.session() as s:
        rows = s.execute(q.order_by(Recognition.given_at.desc())).all()
        platforms = person_platforms(s.connection(), [r[0] for r in rows])
    return pd.DataFrame([{"person_id": r[0], "name": r[1], "platforms": platforms.get(r[0], ""), "kind": r[2],
                          "given_at": r[3], "given_by": r[4], "note": r[5]} for r in rows],
                        columns=["person_id", "name", "platforms", "kind", "given_at", "given_by", "note"])
