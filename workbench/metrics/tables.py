"""The metric tables of ``workbench export-metrics`` written by this package (listed in
``workbench.exports.TABLES``)."""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from sqlalchemy import func, select

from ..store.models import Account, DailyRollup
from ..store.views import human_account_ids_query
from .base import base
from .rollup import in_step
from .support import question_responses_b


def _iso(t: pd.Timestamp) -> str:
    return "" if pd.isna(t) else t.strftime("%Y-%m-%dT%H:%M:%SZ")


def daily_active_frame(ws) -> pd.DataFrame:  # noqa: ANN001
    """Distinct people who are not bots, active on each UTC day, per platform: date, platform, people.

    Read from the daily rollup (its grain exactly); from the activities when the rollup is out of step.
    """
    R = DailyRollup.__table__
    with ws.connect() as conn:
        if in_step(conn):
            q = (select(R.c.day, R.c.platform, func.count(Account.person_id.distinct()))
                 .join(Account, Account.id == R.c.account_id)
                 .where(R.c.account_id.in_(human_account_ids_query()))
                 .group_by(R.c.day, R.c.platform).order_by(R.c.day, R.c.platform))
            rows = conn.execute(q).all()
            return pd.DataFrame({"date": [r[0].isoformat() for r in rows], "platform": [r[1] for r in rows],
                                 "people": [int(r[2]) for r in rows]})
    b = base(ws)
    day = b.ts // 86400
    key = np.unique((b.platform.astype(np.int64) * (1 << 21) + day) * (1 << 32) + b.person)
    plat_day = key >> 32
    pairs, people = np.unique(plat_day, return_counts=True)
    plat = pairs // (1 << 21)
    dates = pd.to_datetime(pairs % (1 << 21), unit="D").strftime("%Y-%m-%d")
    frame = pd.DataFrame({"date": dates, "platform": np.asarray(b.platforms, dtype=object)[plat] if len(plat) else [],
                          "people": people})
    return frame.sort_values(["date", "platform"]).reset_index(drop=True)


def write_daily_active(ws, out_dir: Path) -> Path:  # noqa: ANN001
    path = Path(out_dir) / "daily_active.csv"
    daily_active_frame(ws).to_csv(path, index=False, lineterminator="\n")
    return path


def write_questions(ws, out_dir: Path) -> Path:  # noqa: ANN001
    """Every question: platform, question_id (the platform's id), asked_utc, first_response_utc
    (empty when unanswered), ISO 8601 UTC."""
    path = Path(out_dir) / "questions.csv"
    frame = question_responses_b(base(ws), None)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["platform", "question_id", "asked_utc", "first_response_utc"])
        for plat, ext, asked, first in zip(frame["platform"], frame["external_id"], frame["asked_at"],
                                           frame["first_response_at"]):
            w.writerow([plat, ext, _iso(asked), _iso(first)])
    return path


def write_helper_network(ws, out_dir: Path) -> Path:  # noqa: ANN001
    """The helper network, all time, as an edge list another tool reads (a spreadsheet, Gephi,
    NetworkX): helper_person_id, helper, helped_person_id, helped, replies, newcomer_replies (those
    written in the first 30 days of the person helped), the most replies first."""
    from ..reports.safe import cell
    from .filters import Filters
    from .network import helper_ties_b

    path = Path(out_dir) / "helper_network.csv"
    ties = helper_ties_b(base(ws), Filters(), n=None)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(list(ties.columns))
        for helper, name, helped, helped_name, replies, newcomer in ties.itertuples(index=False):
            w.writerow([int(helper), cell(name or ""), int(helped), cell(helped_name or ""), int(replies),
                        int(newcomer)])
    return path
