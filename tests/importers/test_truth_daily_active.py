"""A synthetic community imported through every chat importer: daily active people match its truth.

The generator writes what it made into truth.json: per platform and UTC day, the number of
distinct people (bots left out) who wrote something. Counting distinct non-bot accounts active per
UTC day in the workspace must give exactly those numbers: a lost, doubled, mis-timed or
mis-attributed message, or a bot not flagged, shows up as a wrong day.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from workbench.store.models import Account, Activity
from workbench.workspace import Workspace

pytestmark = pytest.mark.slow


def daily_active(path, platform: str) -> dict[str, int]:
    ws = Workspace.open(path, readonly=True)
    try:
        day = func.date(Activity.created_at)
        q = (select(day, func.count(func.distinct(Activity.account_id)))
             .join(Account, Account.id == Activity.account_id)
             .where(Activity.platform == platform, Account.is_bot.is_(False))
             .group_by(day).order_by(day))
        with ws.connect() as conn:
            return {d: n for d, n in conn.execute(q)}
    finally:
        ws.close()


@pytest.mark.parametrize("platform", ["slack", "telegram", "discord"])
def test_daily_active_people_equal_the_truth(community_db, platform):
    path, truth = community_db(messages=20000, members=800)
    expected = truth["daily_active_people"][platform]
    got = daily_active(path, platform)
    wrong = {d: (got.get(d), expected.get(d)) for d in sorted(set(got) | set(expected)) if got.get(d) != expected.get(d)}
    assert not wrong, f"{len(wrong)} days differ (workspace, truth): {dict(list(wrong.items())[:10])}"
    assert sum(got.values()) == sum(expected.values()) > 0


def test_every_message_of_the_community_is_there_once(community_db):
    path, truth = community_db(messages=20000, members=800)
    ws = Workspace.open(path, readonly=True)
    try:
        counts = ws.counts()
    finally:
        ws.close()
    assert counts["activities"] == truth["messages"]
