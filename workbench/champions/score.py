"""The champion score: an explainable weighted sum over a period, every component shown.

Components, per person, over the period (default: the 90 days ending on the day of the latest
activity, calendar days in the reporting time zone); bots are left out everywhere, as authors and
as the people replied to:

- ``answers``: distinct questions by someone else that the person replied to (directly or in the
  question's thread); a question is what ``store.views`` says.
- ``newcomer_replies``: replies to someone else who was a newcomer when the reply was written
  (within 30 days of their first activity anywhere).
- ``people_helped``: distinct other people the person replied to or whose question they answered.
- ``reactions``: reactions received on the period's activities.
- ``active_days``: days with at least one activity.

``component_frame`` reads the workspace once per period; ``rank`` turns it into scores for any
weights (a what-if is arithmetic on that frame, no SQL). Weights are the workspace setting
``champions.weights`` over ``DEFAULT_WEIGHTS``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import func, select, union
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from .. import fmt, texts
from ..errors import WorkbenchError
from ..metrics.columns import frame_of, int_frame
from ..metrics.filters import last_activity_day, reporting_tz, zone
from ..permalinks import links_of
from ..store.dialect import epoch_seconds
from ..store.models import Account, Activity, Channel, Person
from ..store.views import is_question_expr, person_flags_query, person_platforms, question_marker

A = Activity.__table__
ACC = Account.__table__
DAY = 86400
NEWCOMER_DAYS = 30
DEFAULT_DAYS = 90
WEIGHTS_SETTING = "champions.weights"
COMPONENTS: tuple[str, ...] = ("answers", "newcomer_replies", "people_helped", "reactions", "active_days")
LABELS: dict[str, str] = {"answers": "Answers to others' questions", "newcomer_replies": "Replies to newcomers",
                          "people_helped": "Distinct people helped", "reactions": "Reactions received",
                          "active_days": "Active days"}
DEFAULT_WEIGHTS: dict[str, float] = {"answers": 3.0, "newcomer_replies": 2.0, "people_helped": 2.0,
                                     "reactions": 0.1, "active_days": 0.5}
COLUMNS: list[str] = ["person_id", "name", "platforms", *COMPONENTS, "score", "rank"]


# -- weights -------------------------------------------------------------------------------------
def clean_weights(w: dict | None) -> dict[str, float]:
    """Weights for every component: the given ones over the defaults; one sentence when one is bad."""
    out = dict(DEFAULT_WEIGHTS)
    for key, value in (w or {}).items():
        if key not in out:
            continue
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise WorkbenchError(f"The weight of {LABELS[key].lower()} must be a number, not {value!r}.") from None
        if not np.isfinite(v) or v < 0:
            raise WorkbenchError(f"The weight of {LABELS[key].lower()} must be zero or more, not {value!r}.")
        out[key] = v
    return out


def load_weights(ws) -> dict[str, float]:  # noqa: ANN001 - a Workspace
    """The saved weights (defaults for any the workspace does not set)."""
    saved = ws.get_setting(WEIGHTS_SETTING, None)
    try:
        return clean_weights(saved if isinstance(saved, dict) else None)
    except WorkbenchError:
        return dict(DEFAULT_WEIGHTS)


def save_weights(ws, w: dict) -> dict[str, float]:  # noqa: ANN001
    weights = clean_weights(w)
    ws.set_setting(WEIGHTS_SETTING, weights, what="weights")  # a ranking to redo, no scores to read
    return weights


# -- the period ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    tz: str = "UTC"

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """UTC instants [lo, hi) of the period's calendar days in its zone."""
        z = zone(self.tz)
        lo = dt.datetime.combine(self.start, dt.time(), tzinfo=z).astimezone(dt.timezone.utc)
        hi = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), tzinfo=z).astimezone(dt.timezone.utc)
        return lo, hi

    def text(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


def period_of(ws, as_of: dt.date | None = None, days: int = DEFAULT_DAYS) -> Period:  # noqa: ANN001
    if days < 1:
        raise WorkbenchError("The period must be at least one day long.")
    tz = reporting_tz(ws)
    end = as_of or last_activity_day(ws, tz) or dt.date.today()
    return Period(end - dt.timedelta(days=days - 1), end, tz)


def epoch(conn: Connection, col) -> ColumnElement:  # noqa: ANN001
    """UTC seconds of a stored time."""
    return epoch_seconds(conn, col)


# -- reading the period --------------------------------------------------------------------------
@dataclass
class _Read:
    acts: pd.DataFrame  # id, person, ts, parent, root, reactions (bots' activities left out)
    targets: pd.DataFrame  # activities replied to: id, person, ts, question
    first: pd.Series  # person -> first activity (UTC seconds), all time
    people: pd.DataFrame  # person_id, name, platforms, is_bot, is_staff, is_gone
    marker: str = "?"
    extra: dict = field(default_factory=dict)


def _read(ws, period: Period, *, accounts: list[int] | None = None, text: bool = False) -> _Read:  # noqa: ANN001
    lo, hi = period.bounds()
    marker = question_marker(ws)
    with ws.connect() as conn:
        fq = person_flags_query().subquery()
        people = frame_of(conn, select(fq.c.person_id, fq.c.display_name, fq.c.is_bot, fq.c.is_staff, fq.c.is_gone),
                          ["person_id", "name", "is_bot", "is_staff", "is_gone"])
        acc = frame_of(conn, select(ACC.c.id, ACC.c.person_id, ACC.c.display_name, ACC.c.handle),
                       ["account_id", "person_id", "acc_name", "handle"])
        platforms = person_platforms(conn)  # beside the name: two rows of one name tell apart
        window = [A.c.created_at >= lo, A.c.created_at < hi]
        if accounts is not None:
            window.append(A.c.account_id.in_(accounts))
        cols = [A.c.id, A.c.account_id, epoch(conn, A.c.created_at), A.c.parent_id, A.c.root_id, A.c.reaction_count]
        names = ["id", "account_id", "ts", "parent", "root", "reactions"]
        if text:
            cols += [A.c.text, A.c.title, A.c.channel_id]
            names += ["text", "title", "channel_id"]
        # Without the texts every column is an integer: read as one string, not a million row tuples.
        acts = frame_of(conn, select(*cols).where(*window), names) if text else \
            int_frame(conn, select(*cols).where(*window), names, nullable=("parent", "root"))
        replied = union(select(A.c.parent_id.label("tid")).where(*window, A.c.parent_id.is_not(None)),
                        select(A.c.root_id.label("tid")).where(*window, A.c.root_id.is_not(None))).subquery()
        tcols = [A.c.id, A.c.account_id, epoch(conn, A.c.created_at), is_question_expr(marker)]
        tnames = ["id", "account_id", "ts", "question"]
        if text:
            tcols += [A.c.text, A.c.title]
            tnames += ["text", "title"]
        targets = (frame_of if text else int_frame)(conn, select(*tcols).where(A.c.id.in_(select(replied.c.tid))),
                                                    tnames)
        first_acc = int_frame(conn, select(A.c.account_id, func.min(epoch(conn, A.c.created_at)))
                              .group_by(A.c.account_id), ["account_id", "first"])
        channels = dict(conn.execute(select(Channel.id, Channel.name)).all()) if text else {}
    # Names: the person's, else the first account's display name or handle.
    acc["fallback"] = acc["acc_name"].where(acc["acc_name"].astype(bool), acc["handle"])
    fallback = acc.sort_values("account_id").groupby("person_id")["fallback"].first()
    people["name"] = [n or fallback.get(p, "") or f"Person {p}" for p, n in zip(people["person_id"], people["name"])]
    people["platforms"] = people["person_id"].map(platforms).fillna("").to_numpy()
    bots = set(people.loc[people["is_bot"] == 1, "person_id"])
    acc_person = dict(zip(acc["account_id"], acc["person_id"]))
    for f in (acts, targets, first_acc):
        f["person"] = f["account_id"].map(acc_person).astype("Int64")
    acts = acts[~acts["person"].isin(bots)].copy()
    targets = targets[~targets["person"].isin(bots)].copy()
    first = first_acc.groupby("person")["first"].min()
    targets["question"] = targets["question"].fillna(0).astype(bool)
    return _Read(acts, targets, first, people, marker, {"channels": channels})


def _reply_links(r: _Read) -> pd.DataFrame:
    """One row per (reply, activity it answers): reply id, helper, ts, target id, target person, question, via."""
    replies = r.acts[r.acts["parent"].notna() | r.acts["root"].notna()]
    tgt = r.targets.set_index("id")
    parts = []
    for via in ("parent", "root"):
        x = replies[replies[via].notna()][["id", "person", "ts", via]].rename(columns={via: "target"})
        x["target"] = x["target"].astype(np.int64)
        x = x[x["target"].isin(tgt.index)]
        x["target_person"] = tgt.loc[x["target"], "person"].to_numpy()
        x["question"] = tgt.loc[x["target"], "question"].to_numpy()
        x["via"] = via
        parts.append(x)
    links = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if links.empty:
        return pd.DataFrame({"id": pd.Series(dtype="int64"), "person": pd.Series(dtype="int64"),
                             "ts": pd.Series(dtype="int64"), "target": pd.Series(dtype="int64"),
                             "target_person": pd.Series(dtype="int64"), "question": pd.Series(dtype=bool),
                             "via": pd.Series(dtype=object)})
    links = links.drop_duplicates(["id", "target"])
    links = links[links["target_person"].notna() & (links["target_person"] != links["person"])]
    links["question"] = links["question"].astype(bool)
    return links.reset_index(drop=True)


def _newcomer(r: _Read, links: pd.DataFrame) -> pd.Series:
    first = links["target_person"].map(r.first)
    since = links["ts"] - first
    return (since >= 0) & (since < NEWCOMER_DAYS * DAY)


# -- components ----------------------------------------------------------------------------------
def component_frame(ws, *, as_of: dt.date | None = None, days: int = DEFAULT_DAYS) -> pd.DataFrame:  # noqa: ANN001
    """Per person active in the period (bots left out): person_id, name, platforms (their accounts'
    platforms, "discord, slack"), is_staff, is_gone (every account deleted), the five components
    and last_active_at (their last activity in the period, UTC). ``frame.attrs["period"]`` is the ``Period``."""
    period = period_of(ws, as_of, days)
    r = _read(ws, period)
    links = _reply_links(r)
    direct = links[links["via"] == "parent"]
    direct = direct.assign(newcomer=_newcomer(r, direct))
    # A reply without a parent but in a thread replies to the thread's root.
    rooted = links[(links["via"] == "root") & ~links["id"].isin(direct["id"])]
    rooted = rooted.assign(newcomer=_newcomer(r, rooted))
    replied = pd.concat([direct, rooted], ignore_index=True)
    answers = links[links["question"]].drop_duplicates(["person", "target"])
    helped = pd.concat([replied[["person", "target_person"]], answers[["person", "target_person"]]])
    tz = zone(period.tz)
    acts = r.acts
    day = pd.to_datetime(acts["ts"].astype(np.int64), unit="s", utc=True).dt.tz_convert(tz).dt.date
    out = pd.DataFrame({
        "reactions": acts.groupby("person")["reactions"].sum(),
        "active_days": day.groupby(acts["person"]).nunique(),
        "last_ts": acts.groupby("person")["ts"].max(),
    })
    out["answers"] = answers.groupby("person").size()
    out["newcomer_replies"] = replied[replied["newcomer"]].groupby("person").size()
    out["people_helped"] = helped.groupby("person")["target_person"].nunique()
    out = out.fillna(0).astype(np.int64)
    out.index = out.index.astype(np.int64)
    people = r.people.set_index("person_id")
    frame = pd.DataFrame({"person_id": out.index.to_numpy(dtype=np.int64)})
    frame["name"] = people["name"].reindex(frame["person_id"]).fillna("").to_numpy()
    frame["platforms"] = people["platforms"].reindex(frame["person_id"]).fillna("").to_numpy()
    for flag in ("is_staff", "is_gone"):
        frame[flag] = people[flag].reindex(frame["person_id"]).fillna(0).astype(bool).to_numpy()
    for c in COMPONENTS:
        frame[c] = out[c].to_numpy(dtype=np.int64)
    frame["last_active_at"] = pd.to_datetime(out["last_ts"].to_numpy(dtype=np.int64), unit="s", utc=True)
    frame.attrs["period"] = period
    return frame


def rank(frame: pd.DataFrame, weights: dict | None = None) -> pd.DataFrame:
    """Scores and ranks for ``weights``: arithmetic on a component frame, no reading."""
    w = clean_weights(weights)
    out = frame.copy()
    score = np.zeros(len(out), dtype=np.float64)
    for c in COMPONENTS:
        score += out[c].to_numpy(dtype=np.float64) * w[c]
    out["score"] = np.round(score, 4)
    out = out.sort_values(["score", "answers", "person_id"], ascending=[False, False, True], kind="stable")
    out["rank"] = np.arange(1, len(out) + 1, dtype=np.int64)
    out = out.reset_index(drop=True)
    out.attrs = dict(frame.attrs)
    return out


def champion_scores(ws, *, as_of: dt.date | None = None, weights: dict | None = None,  # noqa: ANN001
                    days: int = DEFAULT_DAYS) -> pd.DataFrame:
    """Every person active in the period (bots left out, staff and champions in), best first:
    person_id, name, platforms, answers, newcomer_replies, people_helped, reactions, active_days, score,
    rank."""
    w = weights if weights is not None else load_weights(ws)
    ranked = rank(component_frame(ws, as_of=as_of, days=days), w)
    out = ranked[COLUMNS].copy()
    out.attrs = dict(ranked.attrs)
    return out


def thankable(frame: pd.DataFrame) -> pd.Series:
    """The rows of a component frame that a programme can nominate or thank: not staff, and not
    gone (every account deleted: they left, or are a platform's shared "Deleted User")."""
    return ~frame["is_staff"] & ~frame["is_gone"]


def candidates_from(frame: pd.DataFrame, weights: dict | None, champions: set[int],
                    *, limit: int | None = None) -> pd.DataFrame:
    """Candidates from a component frame: not staff, not gone (every account deleted), not current
    champions, a score above zero; ranked 1..n among themselves (arithmetic only)."""
    keep = frame[thankable(frame) & ~frame["person_id"].isin(list(champions))]
    ranked = rank(keep, weights)
    ranked = ranked[ranked["score"] > 0]
    ranked["rank"] = np.arange(1, len(ranked) + 1, dtype=np.int64)
    out = ranked[COLUMNS].reset_index(drop=True)
    out.attrs = dict(frame.attrs)
    return out.head(limit) if limit is not None else out


def candidates(ws, *, limit: int | None = None, weights: dict | None = None,  # noqa: ANN001
               as_of: dt.date | None = None, days: int = DEFAULT_DAYS) -> pd.DataFrame:
    """Ranked champion candidates: people who are not bots, not staff, not gone (every account deleted)
    and not current champions."""
    from .programme import champion_ids

    w = weights if weights is not None else load_weights(ws)
    return candidates_from(component_frame(ws, as_of=as_of, days=days), w, champion_ids(ws), limit=limit)


def breakdown(row: pd.Series | dict, weights: dict | None = None) -> pd.DataFrame:
    """One person's score in its parts: component, label, value, weight, points."""
    w = clean_weights(weights)
    rows = [{"component": c, "label": LABELS[c], "value": int(row[c]), "weight": w[c],
             "points": round(float(row[c]) * w[c], 4)} for c in COMPONENTS]
    return pd.DataFrame(rows, columns=["component", "label", "value", "weight", "points"])


# -- evidence ------------------------------------------------------------------------------------
@dataclass
class Evidence:
    person_id: int
    period: Period
    replies: pd.DataFrame  # at, channel, replied_to, question, text, reactions, answer, to_newcomer, link, platform
    helped: pd.DataFrame  # person_id, name, replies, answers, newcomer


def evidence(ws, person_id: int, *, as_of: dt.date | None = None, days: int = DEFAULT_DAYS,  # noqa: ANN001
             limit: int = 5) -> Evidence:
    """What a score rests on: the person's most helpful replies of the period (answers first, then
    replies to newcomers, then by reactions) and the people they helped."""
    period = period_of(ws, as_of, days)
    with ws.connect() as conn:
        merged = conn.execute(select(Person.merged_into_id).where(Person.id == person_id)).first()
        accounts = list(conn.execute(select(ACC.c.id).where(ACC.c.person_id == person_id)).scalars())
    if merged is None:
        raise WorkbenchError(f"There is no person {person_id} in this workspace.")
    r = _read(ws, period, accounts=accounts, text=True)
    links = _reply_links(r)
    links = links.assign(newcomer=_newcomer(r, links))
    names = dict(zip(r.people["person_id"], r.people["name"]))
    tgt = r.targets.set_index("id")
    acts = r.acts.set_index("id")
    if links.empty:
        replies = pd.DataFrame(columns=["at", "channel", "replied_to", "question", "text", "reactions",
                                        "answer", "to_newcomer", "link", "platform"])
        helped = pd.DataFrame(columns=["person_id", "name", "replies", "answers", "newcomer"])
        return Evidence(person_id, period, replies, helped)
    per = links.groupby("id").agg(answer=("question", "any"), to_newcomer=("newcomer", "any"),
                                  target=("target", "first"), target_person=("target_person", "first"))
    per["reactions"] = acts.loc[per.index, "reactions"].to_numpy()
    per["ts"] = acts.loc[per.index, "ts"].to_numpy()
    per["helpfulness"] = per["answer"] * 4 + per["to_newcomer"] * 2 + per["reactions"].clip(upper=10) * 0.2
    top = per.sort_values(["helpfulness", "ts"], ascending=[False, False]).head(limit)
    questions = links[links["question"]].groupby("id")["target"].first().reindex(top.index)
    asked = [int(q) for q in questions.dropna()]
    with ws.connect() as conn:  # the replies and the questions they answer as their platforms show them
        ids = [*map(int, top.index), *asked]
        platforms = dict(conn.execute(select(A.c.id, A.c.platform).where(A.c.id.in_(ids))).all())
        shown = texts.as_shown(conn, [(platforms.get(int(i), ""), acts.at[i, "text"]) for i in top.index] +
                               [(platforms.get(q, ""), tgt.at[q, "title"] or tgt.at[q, "text"]) for q in asked])
    question = dict(zip(asked, shown[len(top):]))
    replies = pd.DataFrame({
        "at": pd.to_datetime(top["ts"].astype(np.int64), unit="s", utc=True).to_numpy(),
        "channel": [r.extra["channels"].get(acts.at[i, "channel_id"], "") for i in top.index],
        "replied_to": [names.get(int(p), "") for p in top["target_person"]],
        "question": [fmt.snippet(question[int(q)], 120) if q == q else "" for q in questions],
        "text": [fmt.snippet(t) for t in shown[:len(top)]],
        "reactions": top["reactions"].astype(np.int64).to_numpy(),
        "answer": top["answer"].to_numpy(dtype=bool),
        "to_newcomer": top["to_newcomer"].to_numpy(dtype=bool),
    })
    with ws.connect() as conn:  # where each reply can be read on its platform
        found = links_of(conn, top.index)
    replies["link"] = [found[i].url if i in found else "" for i in top.index]
    replies["platform"] = [found[i].platform if i in found else "" for i in top.index]
    replies["at"] = pd.to_datetime(replies["at"], utc=True)
    g = links.groupby("target_person")
    helped = pd.DataFrame({"replies": g["id"].nunique(),
                           "answers": links[links["question"]].groupby("target_person")["target"].nunique(),
                           "newcomer": g["newcomer"].any()}).fillna(0)
    helped.index = helped.index.astype(np.int64)
    helped = helped.reset_index(names="person_id")
    helped.insert(1, "name", [names.get(int(p), "") for p in helped["person_id"]])
    helped["replies"] = helped["replies"].astype(np.int64)
    helped["answers"] = helped["answers"].astype(np.int64)
    helped["newcomer"] = helped["newcomer"].astype(bool)
    helped = helped.sort_values(["replies", "answers", "person_id"], ascending=[False, False, True]).reset_index(drop=True)
    return Evidence(person_id, period, replies, helped)
