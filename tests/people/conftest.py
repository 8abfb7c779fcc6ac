"""Fixtures of the people tests."""
from __future__ import annotations

import pytest
from people_helpers import base_records, member, write_records


@pytest.fixture
def small(ws):
    """Ana on Slack, Discord and Telegram; Ben on Slack and the mailing list (same e-mail); Cara alone."""
    recs = base_records("slack") + base_records("discord") + base_records("telegram") + base_records("mbox")
    recs += member("slack", "U1", handle="ana.silva17", name="Ana Silva", email="Ana.Silva17@Example.org", messages=6)
    recs += member("discord", "D1", handle="ana17", name="Ana Silva", messages=4)
    recs += member("telegram", "user1", name="Ana\u200b Silva", messages=2)
    recs += member("slack", "U2", handle="ben.okafor3", name="Ben Okafor", email="ben.okafor3@example.org", messages=5)
    recs += member("mbox", "ben.okafor3@example.org", handle="ben.okafor3@example.org", name="Ben Okafor",
                   email=" BEN.OKAFOR3@example.org ", messages=2)
    recs += member("slack", "U3", handle="cara.nguyen9", name="Cara Nguyen", email="cara@example.org", messages=1)
    write_records(ws, recs)
    return recs
