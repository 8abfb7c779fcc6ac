"""The recognition log, the recognition gap and the recognition impact.

- A recognition is given to a person (by hand, here) or to an account (a Stack Exchange badge, a
  row of a recognitions CSV): one given to an account follows the account through merges.
- A recognition deleted from the log is kept apart (``deleted_recognition``): ``undo_delete``
  brings back the last ones deleted, and an import does not add them again.
- **Recognition gap**: people in the top decile of champion score (bots and staff left out, among
  the people with a score above zero in the period) with no recognition in the 180 days before
  the period's end (or after it).
- **Recognition impact**: a person's activities in the 60 days after a recognition against the 60
  days before it, as a percentage change. A recognition is *measured* when both windows lie
  inside the data of the platforms the person is on (a Stack Exchange dump that ends in 2018
  measures no badge of its last 60 days, however long the workspace's Slack goes on); the figures
  per kind are over measured recognitions.
"""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
from sqlalchemy import bindparam, delete, func, insert, select, update

from ..errors import NotFound, WorkbenchError
from ..metrics.filters import last_activity_day, reporting_tz, zone
from ..people.merge import live_person
from ..store.models import Account, Activity, DeletedRecognition, Person, Recognition, utcnow
from ..store.views import person_platforms
from .score import DEFAULT_DAYS, component_frame, epoch, rank, thankable

REC = Recognition.__table__
DELETED = DeletedRecognition.__table__
ACC = Account.__table__
PER = Person.__table__
A = Activity.__table__
KINDS: tuple[str, ...] = ("shout-out", "badge", "swag", "role", "invitation")
GAP_DAYS = 180
IMPACT_DAYS = 60
WHAT = "recognition"  # what the workspace broadcasts after a change
NOON = dt.time(12, 0)  # a day given is kept as its noon in the reporting zone: that day in every zone
LOG_COLUMNS = ["id", "person_id", "name", "platforms", "kind", "given_at", "note", "given_by", "source"]


def _when(ws, given_at: dt.date | dt.datetime | None) -> dt.datetime:  # noqa: ANN001 - a Workspace
    """When a recognition was given, as a UTC time. A day (what a person types) is that day in the
    reporting time zone, kept as its noon there: whatever the zone, from Pacific/Kiritimati to
    Pacific/Pago_Pago, every page that shows days in that zone shows the day that was typed.
    A day after today there is refused: the log holds what was given, and a date mistyped into the
    future ("2062") would keep that person off the recognition gap for years."""
    if given_at is None:
        return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    name = reporting_tz(ws)
    tz = zone(name)
    if isinstance(given_at, dt.datetime):
        at = given_at if given_at.tzinfo else given_at.replace(tzinfo=dt.timezone.utc)
        day = at.astimezone(tz).date()
    else:
        at, day = dt.datetime.combine(given_at, NOON, tzinfo=tz).astimezone(dt.timezone.utc), given_at
    today = dt.datetime.now(tz).date()
    if day > today:
        raise WorkbenchError(f"A recognition is recorded once it is given: {day:%Y-%m-%d} is after today "
                             f"({today:%Y-%m-%d} in {name}).")
    return at


def move_days(conn, old: dt.tzinfo, new: dt.tzinfo) -> int:  # noqa: ANN001 - a Connection
    """Recognitions given by hand for a day sit at that day's noon in the reporting zone
    (``_when``). When the zone changes from ``old`` to ``new``, each moves to the same day's noon
    in the new zone, so every page still shows the day that was typed (between Kiritimati and
    Honolulu, 24 hours apart, it would otherwise read a day off). A recognition with a time of its
    own, or from an import, keeps its instant. Returns how many moved."""
    if str(old) == str(new):
        return 0
    moved = []
    for rid, given in conn.execute(select(REC.c.id, REC.c.given_at).where(REC.c.source == "manual")):
        local = given.astimezone(old)
        if local.time() == NOON:
            at = dt.datetime.combine(local.date(), NOON, tzinfo=new).astimezone(dt.timezone.utc)
            moved.append({"rid": rid, "at": at})
    if moved:
        conn.execute(update(REC).where(REC.c.id == bindparam("rid")).values(given_at=bindparam("at")), moved)
    return len(moved)


def _kind(kind: str) -> str:
    k = " ".join((kind or "").split())
    if not k:
        raise WorkbenchError("A recognition needs a kind (shout-out, badge, swag, role, invitation, or your own).")
    if len(k) > 64:
        raise WorkbenchError("The kind of a recognition can be at most 64 characters long.")
    return k.lower() if k.lower() in KINDS else k


# -- the log -------------------------------------------------------------------------------------
def add_recognition(ws, person_ids, *, kind: str, note: str = "",  # noqa: ANN001 - a Workspace, ids
                    given_at: dt.date | dt.datetime | None = None, given_by: str = "") -> list[int]:
    """Give one recognition to each of ``person_ids`` (one row each); returns the new ids."""
    ids = [int(p) for p in ([person_ids] if isinstance(person_ids, (int, np.integer)) else person_ids)]
    if not ids:
        raise WorkbenchError("Choose at least one person to recognize.")
    k, when = _kind(kind), _when(ws, given_at)
    out: list[int] = []
    with ws.write_conn(WHAT) as conn:
        for pid in dict.fromkeys(live_person(conn, int(p)) for p in ids):
            out.append(int(conn.execute(insert(REC).values(
                person_id=pid, account_id=None, kind=k, given_at=when, note=note.strip(), given_by=given_by.strip(),
                source="manual", created_at=dt.datetime.now(dt.timezone.utc))).inserted_primary_key[0]))
    return out


def edit_recognition(ws, recognition_id: int, *, kind: str | None = None, note: str | None = None,  # noqa: ANN001
                     given_at: dt.date | dt.datetime | None = None, given_by: str | None = None) -> None:
    values: dict = {}
    if kind is not None:
        values["kind"] = _kind(kind)
    if note is not None:
        values["note"] = note.strip()
    if given_at is not None:
        values["given_at"] = _when(ws, given_at)
    if given_by is not None:
        values["given_by"] = given_by.strip()
    with ws.write_conn(WHAT) as conn:
        if conn.execute(select(REC.c.id).where(REC.c.id == recognition_id)).first() is None:
            raise NotFound(f"There is no recognition {recognition_id} in this workspace.")
        if values:
            conn.execute(update(REC).where(REC.c.id == recognition_id).values(**values))


def delete_recognitions(ws, recognition_ids) -> int:  # noqa: ANN001
    """Delete recognitions from the log; how many were there. Each is kept apart as it was:
    ``undo_delete`` brings back the last deleted, and an import does not add them again."""
    ids = [int(i) for i in recognition_ids]
    if not ids:
        return 0
    with ws.write_conn(WHAT) as conn:
        rows = conn.execute(select(REC).where(REC.c.id.in_(ids))).mappings().all()
        if rows:
            now = utcnow()
            conn.execute(insert(DELETED), [{**{k: v for k, v in r.items() if k != "id"}, "recognition_id": r["id"],
                                            "deleted_at": now} for r in rows])
            conn.execute(delete(REC).where(REC.c.id.in_([r["id"] for r in rows])))
        return len(rows)


def undo_delete(ws) -> list[dict]:  # noqa: ANN001
    """Bring back the recognitions deleted last (together), each to its account's person, or to the
    person it was given to (or the one that person was merged into). What came back, as the log
    shows it (id, name, kind); empty when nothing was deleted."""
    with ws.write_conn(WHAT) as conn:
        last = conn.execute(select(func.max(DELETED.c.deleted_at))).scalar()
        if last is None:
            return []
        rows = conn.execute(select(DELETED).where(DELETED.c.deleted_at == last).order_by(DELETED.c.id)).mappings().all()
        taken = set(conn.execute(select(REC.c.id).where(REC.c.id.in_([r["recognition_id"] for r in rows]))).scalars())
        back = []
        for r in rows:
            person = r["person_id"]
            if r["account_id"] is not None:
                person = conn.execute(select(ACC.c.person_id).where(ACC.c.id == r["account_id"])).scalar() or person
            values = {k: v for k, v in r.items() if k not in ("id", "recognition_id", "deleted_at")}
            values["person_id"] = live_person(conn, person)
            if r["recognition_id"] not in taken:  # its id, unless a recognition added since was given it
                values["id"] = r["recognition_id"]
            new_id = conn.execute(insert(REC).values(**values)).inserted_primary_key[0]
            back.append({"id": int(new_id), "person_id": values["person_id"], "kind": r["kind"]})
        conn.execute(delete(DELETED).where(DELETED.c.id.in_([r["id"] for r in rows])))
        names = dict(conn.execute(select(PER.c.id, PER.c.display_name)
                                  .where(PER.c.id.in_({b["person_id"] for b in back}))).all())
    return [{**b, "name": names.get(b["person_id"]) or f"person {b['person_id']}"} for b in back]


def deleted_count(ws) -> int:  # noqa: ANN001
    """How many recognitions deleted from the log are kept, to be brought back."""
    with ws.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(DELETED)).scalar() or 0)


def recognition_log(ws) -> pd.DataFrame:  # noqa: ANN001
    """Every recognition, newest first: id, person_id, name, platforms ("discord, slack"), kind,
    given_at, note, given_by, source."""
    with ws.connect() as conn:
        rows = conn.execute(
            select(REC.c.id, REC.c.person_id, PER.c.display_name, REC.c.kind, REC.c.given_at, REC.c.note,
                   REC.c.given_by, REC.c.source).join(PER, PER.c.id == REC.c.person_id)
            .order_by(REC.c.given_at.desc(), REC.c.id.desc())).all()
        platforms = person_platforms(conn, [r[1] for r in rows])
    read = [c for c in LOG_COLUMNS if c != "platforms"]
    df = pd.DataFrame.from_records(rows, columns=read) if rows else pd.DataFrame({c: [] for c in read})
    df.insert(LOG_COLUMNS.index("platforms"), "platforms", [platforms.get(int(p), "") for p in df["person_id"]])
    df["given_at"] = pd.to_datetime(df["given_at"], utc=True)
    return df


def kinds_in_use(ws) -> list[str]:  # noqa: ANN001
    with ws.connect() as conn:
        used = [k for (k,) in conn.execute(select(REC.c.kind).distinct()) if k]
    return list(KINDS) + sorted(k for k in used if k not in KINDS)


# -- the gap -------------------------------------------------------------------------------------
def top_decile(ranked: pd.DataFrame) -> pd.DataFrame:
    """The first tenth (rounded up) of a ranked frame, among scores above zero."""
    scored = ranked[ranked["score"] > 0]
    return scored.head(math.ceil(len(scored) / 10))


def last_recognitions(ws, *, before: dt.datetime | None = None) -> pd.Series:  # noqa: ANN001
    """person_id -> the latest recognition's time (UTC), of those given ``before`` an instant when one is given."""
    q = select(REC.c.person_id, func.max(REC.c.given_at)).group_by(REC.c.person_id)
    if before is not None:
        q = q.where(REC.c.given_at < before)
    with ws.connect() as conn:
        rows = conn.execute(q).all()
    s = pd.Series({int(p): t for p, t in rows}, dtype=object)
    return pd.to_datetime(s, utc=True) if len(s) else pd.Series(dtype="datetime64[ns, UTC]")


def gap_from(frame: pd.DataFrame, weights: dict | None, last: pd.Series, *, days: int = GAP_DAYS) -> pd.DataFrame:
    """The recognition gap from a component frame and the latest recognitions. Staff are left out,
    and so are people who are gone (every account deleted): nobody can thank them."""
    period = frame.attrs["period"]
    ranked = rank(frame[thankable(frame)], weights)
    top = top_decile(ranked)
    _, hi = period.bounds()
    cutoff = pd.Timestamp(hi - dt.timedelta(days=days))
    lastr = top["person_id"].map(last) if len(last) else pd.Series(pd.NaT, index=top.index)
    lastr = pd.to_datetime(lastr, utc=True)
    keep = lastr.isna() | (lastr < cutoff)
    out = pd.DataFrame({"person_id": top["person_id"].to_numpy(dtype=np.int64), "name": top["name"].to_numpy(),
                        "platforms": top["platforms"].to_numpy(), "score": top["score"].to_numpy(),
                        "last_active_at": top["last_active_at"].to_numpy(),
                        "last_recognized_at": lastr.to_numpy()})[keep.to_numpy()]
    out["last_active_at"] = pd.to_datetime(out["last_active_at"], utc=True)
    out["last_recognized_at"] = pd.to_datetime(out["last_recognized_at"], utc=True)
    out = out.reset_index(drop=True)
    out.attrs = {"period": period, "top_decile": len(top)}
    return out


def gap_of(ws, frame: pd.DataFrame, weights: dict | None) -> pd.DataFrame:  # noqa: ANN001
    """The recognition gap of a component frame's period, with the recognitions given by its end: a
    period in the past (a report of last quarter, ``--as-of``) shows who was forgotten then, not
    who was thanked since. A period that ends on the latest day of data counts those given since
    too: the data stops at the last export, the thanking does not."""
    period = frame.attrs["period"]
    latest = last_activity_day(ws, period.tz)
    before = period.bounds()[1] if latest is not None and period.end < latest else None
    return gap_from(frame, weights, last_recognitions(ws, before=before))


def recognition_gap(ws, *, as_of: dt.date | None = None, weights: dict | None = None,  # noqa: ANN001
                    days: int = DEFAULT_DAYS) -> pd.DataFrame:
    """Strong contributors not thanked in 180 days: person_id, name, platforms, score, last_active_at
    (their last activity in the period: are they still here?), last_recognized_at (NaT: never), best
    score first."""
    from .score import load_weights

    w = weights if weights is not None else load_weights(ws)
    return gap_of(ws, component_frame(ws, as_of=as_of, days=days), w)


# -- the impact ----------------------------------------------------------------------------------
IMPACT_COLUMNS = ["id", "person_id", "name", "platforms", "kind", "given_at", "before", "after", "change_pct",
                  "measured"]
KIND_COLUMNS = ["kind", "recognitions", "measured", "before", "after", "change_pct", "median_change_pct"]


def platform_spans(conn) -> dict[str, tuple[int, int]]:  # noqa: ANN001 - a Connection
    """Each platform's first and last activity, in UTC seconds."""
    def seconds(t: dt.datetime) -> int:
        return math.floor((t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)).timestamp())

    q = select(A.c.platform, func.min(A.c.created_at), func.max(A.c.created_at)).group_by(A.c.platform)
    return {platform: (seconds(first), seconds(last)) for platform, first, last in conn.execute(q).all()
            if first is not None}


def _pct(before: float, after: float) -> float:
    return (after - before) / before * 100.0 if before > 0 else float("nan")


def recognition_impact(ws, *, days: int = IMPACT_DAYS) -> tuple[pd.DataFrame, pd.DataFrame]:  # noqa: ANN001
    """(per recognition, per kind). Per recognition: id, person_id, name, kind, given_at, before,
    after (activities in the ``days`` days before / from the recognition), change_pct (NaN when
    there was nothing before), measured (both windows inside the data). Per kind, over measured
    recognitions: kind, recognitions, measured, before, after, change_pct (of the sums),
    median_change_pct."""
    log = recognition_log(ws)
    if log.empty:
        return pd.DataFrame({c: [] for c in IMPACT_COLUMNS}), pd.DataFrame({c: [] for c in KIND_COLUMNS})
    persons = sorted(set(int(p) for p in log["person_id"]))
    with ws.connect() as conn:
        spans = platform_spans(conn)
        found = conn.execute(select(ACC.c.id, ACC.c.person_id, ACC.c.platform).where(ACC.c.person_id.in_(persons))).all()
        acc = {a: p for a, p, _ in found}
        rows = conn.execute(select(A.c.account_id, epoch(conn, A.c.created_at))
                            .where(A.c.account_id.in_(list(acc)))).all() if acc else []
    covered: dict[int, tuple[int, int]] = {}  # person -> the span of the data of their platforms
    for _, p, platform in found:
        if platform in spans:
            lo, hi = spans[platform]
            was = covered.get(p, (lo, hi))
            covered[p] = (min(was[0], lo), max(was[1], hi))
    times: dict[int, np.ndarray] = {}
    if rows:
        arr = np.array(rows, dtype=np.int64)
        owner = np.array([acc[a] for a in arr[:, 0]], dtype=np.int64)
        for p in np.unique(owner):
            times[int(p)] = np.sort(arr[owner == p, 1])
    span = days * 86400
    given = ((log["given_at"] - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)).to_numpy(dtype=np.int64)
    before, after = [], []
    for p, g in zip(log["person_id"], given):
        t = times.get(int(p), np.zeros(0, dtype=np.int64))
        i0, i1, i2 = np.searchsorted(t, [g - span, g, g + span])
        before.append(int(i1 - i0))
        after.append(int(i2 - i1))
    per = log[["id", "person_id", "name", "platforms", "kind", "given_at"]].copy()
    per["before"] = np.array(before, dtype=np.int64)
    per["after"] = np.array(after, dtype=np.int64)
    per["change_pct"] = [_pct(b, a) for b, a in zip(before, after)]
    edges = np.array([covered.get(int(p), (1, 0)) for p in log["person_id"]], dtype=np.int64).reshape(-1, 2)
    per["measured"] = (given - span >= edges[:, 0]) & (given + span <= edges[:, 1])
    per = per.reset_index(drop=True)
    kinds = []
    for kind, g in per.groupby("kind", sort=True):
        m = g[g["measured"]]
        b, a = int(m["before"].sum()), int(m["after"].sum())
        pcts = m["change_pct"].dropna()
        kinds.append({"kind": kind, "recognitions": len(g), "measured": len(m), "before": b, "after": a,
                      "change_pct": _pct(b, a), "median_change_pct": float(pcts.median()) if len(pcts) else float("nan")})
    per_kind = pd.DataFrame(kinds, columns=KIND_COLUMNS).sort_values(["recognitions", "kind"], ascending=[False, True])
    return per, per_kind.reset_index(drop=True)
