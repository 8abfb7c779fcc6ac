"""Questions and the help they get: time to first response (TTFR), response rates, unanswered
questions.

A question is what ``store.views`` says (the source's word, else a top-level activity with the
question marker). Its first response is the earliest reply to it, direct or anywhere in its
thread, by a different person who is not a bot. Questions asked by bots are left out.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import select

from .. import fmt, texts
from ..permalinks import Link, links_of
from ..store.models import Account, Activity, Channel
from .activity import period, resolve
from .base import DAY, Base, base
from .filters import Filters

ANSWER_WITHIN_S = 24 * 3600


def _question_mask(b: Base, f: Filters | None) -> np.ndarray:
    if f is None:
        return np.ones(len(b.q_id), dtype=bool)
    if f.start is None or f.end is None:
        return b.mask("q_", f, period=f.start is not None or f.end is not None)
    lo, hi = period(f)
    return b.mask("q_", f, lo=lo, hi=hi)


def _utc(seconds: np.ndarray) -> pd.Series:
    s = pd.Series(seconds, dtype="float64")
    s[s < 0] = np.nan
    return pd.to_datetime(s, unit="s", utc=True)


def question_responses_b(b: Base, f: Filters | None = None) -> pd.DataFrame:
    m = _question_mask(b, f)
    channels = b.channels.set_index("channel_id")["name"]
    frame = pd.DataFrame({
        "question_id": b.q_id[m],
        "platform": np.asarray(b.platforms, dtype=object)[b.q_platform[m]] if len(b.platforms) else [],
        "external_id": b.q_external_id[m],
        "channel": b.q_channel[m],
        "author_person_id": b.q_person[m],
        "asked_at": _utc(b.q_ts[m]),
        "first_response_at": _utc(b.q_first_ts[m]),
        "responder_person_id": pd.array(np.where(b.q_first_ts[m] >= 0, b.q_responder[m], 0), dtype="Int64"),
    })
    frame.loc[frame["first_response_at"].isna(), "responder_person_id"] = pd.NA
    frame["channel_name"] = frame["channel"].map(channels).fillna("")
    return frame.sort_values("asked_at", kind="stable").reset_index(drop=True)


def question_responses(ws, filters: Filters | None = None) -> pd.DataFrame:  # noqa: ANN001
    """Every question (under the filters, all of them with None) with its first response: columns
    question_id (activity row id), platform, external_id, channel (channel row id), author_person_id,
    asked_at, first_response_at (NaT when unanswered), responder_person_id, channel_name."""
    return question_responses_b(base(ws), filters)


def _ttfr(b: Base, f: Filters) -> tuple[np.ndarray, np.ndarray]:
    """(all questions' local asked days, TTFR seconds with -1 for unanswered) in the period."""
    f = resolve(b, f)
    lo, hi = period(f)
    m = b.mask("q_", f, lo=lo, hi=hi)
    first, asked = b.q_first_ts[m], b.q_ts[m]
    ttfr = np.where(first >= 0, np.maximum(first - asked, 0), -1)
    return b.days("q_ts", f.tz)[m], ttfr


def support_figures_b(b: Base, f: Filters) -> dict:
    _, ttfr = _ttfr(b, f)
    answered = ttfr[ttfr >= 0]
    n = len(ttfr)
    return {
        "questions": int(n),
        "unanswered": int(n - len(answered)),
        "ttfr_median_s": float(np.median(answered)) if len(answered) else None,
        "ttfr_p90_s": float(np.percentile(answered, 90)) if len(answered) else None,
        "response_rate_24h": float((answered <= ANSWER_WITHIN_S).sum() / n) if n else None,
        "response_rate_ever": float(len(answered) / n) if n else None,
    }


def support_figures(ws, filters: Filters) -> dict:  # noqa: ANN001
    return support_figures_b(base(ws), filters)


def ttfr_weekly_b(b: Base, f: Filters) -> pd.DataFrame:
    """Per ISO week (dated by its Monday) of questions asked: questions, answered, the share answered
    within 24 hours, and the median and 90th percentile TTFR in seconds of the answered ones."""
    days, ttfr = _ttfr(b, f)
    if not len(days):
        return pd.DataFrame(columns=["week", "questions", "answered", "within_24h", "median_s", "p90_s"])
    monday = days - (days + 3) % 7
    frame = pd.DataFrame({"week": monday, "ttfr": np.where(ttfr >= 0, ttfr, np.nan)})
    g = frame.groupby("week")["ttfr"]
    out = pd.DataFrame({
        "questions": g.size(),
        "answered": g.count(),
        "within_24h": g.apply(lambda s: float((s <= ANSWER_WITHIN_S).sum() / len(s))),
        "median_s": g.median(),
        "p90_s": g.quantile(0.9),
    }).reset_index()
    out["week"] = pd.to_datetime(out["week"], unit="D")
    return out


def ttfr_weekly(ws, filters: Filters) -> pd.DataFrame:  # noqa: ANN001
    return ttfr_weekly_b(base(ws), filters)


def unanswered_b(ws, b: Base, f: Filters, limit: int | None = 500) -> pd.DataFrame:  # noqa: ANN001
    """Questions of the period with no response yet, the oldest first, with what leads back to the
    source: columns question_id, platform, channel (its name), channel_id, asked_at, author, external_id,
    excerpt, and the link that opens it on its platform ("" where its export does not hold one:
    ``permalinks``)."""
    f = resolve(b, f)
    lo, hi = period(f)
    m = b.mask("q_", f, lo=lo, hi=hi) & (b.q_first_ts < 0)
    idx = np.nonzero(m)[0]
    idx = idx[np.argsort(b.q_ts[idx], kind="stable")]
    total = len(idx)
    if limit is not None:
        idx = idx[:limit]
    ids = b.q_id[idx].tolist()
    details: dict[int, tuple] = {}
    links: dict[int, Link] = {}
    if ids:
        with ws.connect() as conn:
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                q = (select(Activity.id, Activity.title, Activity.text, Channel.name, Account.display_name,
                            Account.handle, Activity.platform)
                     .join(Account, Account.id == Activity.account_id)
                     .outerjoin(Channel, Channel.id == Activity.channel_id)
                     .where(Activity.id.in_(chunk)))
                for row in conn.execute(q):
                    details[row[0]] = row[1:]
            shown = texts.as_shown(conn, [(d[5], d[1]) for d in details.values()])
            details = {qid: (d[0], text, *d[2:5]) for (qid, d), text in zip(details.items(), shown, strict=True)}
            links = links_of(conn, ids)
    names = b.person_names()
    rows = []
    for i in idx:
        qid = int(b.q_id[i])
        title, text, channel, display, handle = details.get(qid, ("", "", "", "", ""))
        excerpt = fmt.snippet((title or "") + " " + (text or ""), 200)
        rows.append({
            "question_id": qid,
            "platform": b.platforms[int(b.q_platform[i])],
            "channel": channel or "",
            "channel_id": int(b.q_channel[i]) if int(b.q_channel[i]) > 0 else None,
            "asked_at": pd.Timestamp(int(b.q_ts[i]), unit="s", tz="UTC"),
            "author": names.get(int(b.q_person[i])) or display or handle or "",
            "author_person_id": int(b.q_person[i]),
            "external_id": b.q_external_id[i],
            "excerpt": excerpt,
            "waiting_days": None,
            "link": links[qid].url if qid in links else "",
        })
    frame = pd.DataFrame(rows, columns=["question_id", "platform", "channel", "channel_id", "asked_at", "author",
                                        "author_person_id", "external_id", "excerpt", "waiting_days", "link"])
    frame["channel_id"] = pd.Series([r["channel_id"] for r in rows], dtype=object)  # 12, or None: not 12.0
    if len(frame):
        end = (hi + 1) * DAY
        frame["waiting_days"] = ((end - b.q_ts[idx]) // DAY).astype(np.int64)
    frame.attrs["total"] = total
    return frame


def where_asked(frame: pd.DataFrame, channels: pd.DataFrame) -> list[str]:
    """Where each unanswered question (``unanswered``'s frame) was asked, as a reader names it:
    'Slack #help', 'Telegram DM Bob'; ``channels`` is a Base's (with each channel's kind)."""
    kinds = channels.set_index("channel_id")["kind"].to_dict() if "kind" in channels else {}
    return [fmt.channel_label(p, c, kinds.get(i))
            for p, c, i in zip(frame["platform"], frame["channel"], frame["channel_id"], strict=True)]


def unanswered(ws, filters: Filters, limit: int | None = 500) -> pd.DataFrame:  # noqa: ANN001
    return unanswered_b(ws, base(ws), filters, limit)
