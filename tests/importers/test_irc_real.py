"""Acceptance: the real Supybot IRC logs (../shared/fixtures/real/irc), through the real command line."""
from __future__ import annotations

import pytest

from workspace_rows import rows

pytestmark = pytest.mark.acceptance


def test_a_day_of_ceph_with_replies_by_address_and_joins(cli, real, tmp_path):
    db = tmp_path / "w.db"
    log = real / "irc/perceval-supybot/supybot_valid.log"
    r = cli("import", "--workspace", db, log)
    assert r.code == 0, r
    # 49 said lines (one written <joao&gt;), one action, one bot notice; 22 joins by 16 nicks (loicd four times)
    assert rows(db, "SELECT count(*) FROM activity") == [(51,)]
    assert rows(db, "SELECT count(*), count(DISTINCT account_id) FROM membership_event WHERE kind = 'join'") == [(22, 16)]
    assert rows(db, "SELECT external_id, name FROM channel") == [("#ceph", "#ceph")]
    assert rows(db, """SELECT a.text FROM activity a JOIN account c ON c.id = a.account_id
                       WHERE c.handle = 'joao' AND a.created_at = '2012-10-17 09:27:31.000000'""") == [
        ("just by the volume of traffic that linux-kernel imposes on my mail account, &gt; -> I'm assuming that's "
         "certainly a possibility",)]
    assert rows(db, "SELECT text FROM activity WHERE created_at = '2012-10-17 09:16:35.000000'") == [
        ("benpol is wondering...",)]
    # nhm answers benpol by name: a reply to benpol's question, in UTC as logged (+0000)
    assert rows(db, """SELECT a.created_at, p.text FROM activity a JOIN account c ON c.id = a.account_id
                       JOIN activity p ON p.id = a.parent_id WHERE c.handle = 'nhm' ORDER BY a.created_at LIMIT 1""") == [
        ("2012-10-17 09:24:43.000000", "if so, have there been any improvements in performance over time with the "
         "auto-defrag option enabled for the btrfs mount points?")]
    assert rows(db, "SELECT handle FROM account WHERE is_bot = 1") == [("supy-bot",)]
    # dty_ joined and became dty, who had joined before: the one suggestion, on that evidence. The
    # forced pentabular -> Guest2100 -> pentabular is kept too, but Guest2100 said nothing to be a person.
    assert rows(db, "SELECT from_external_id, to_external_id FROM rename ORDER BY id") == [
        ("dty_", "dty"), ("pentabular", "guest2100"), ("guest2100", "pentabular")]
    (found,) = cli("people", "suggestions", "--workspace", db, "--json").json()
    assert found["reasons"] == ["dty_ became dty on IRC (2012-10-17)"] and found["confidence"] >= 0.9
    # the channel is chosen as IRC writes it or as Slack's are, and named once with its "#"
    for typed in ("#ceph", "ceph"):
        r = cli("metrics", "--workspace", db, "--channel", typed, "--from", "2012-10-17", "--to", "2012-10-17")
        assert r.code == 0 and "; channels #ceph;" in r.out.splitlines()[0], (typed, r)  # not "##ceph"
    r = cli("unanswered", "--workspace", db, "--from", "2012-10-17", "--to", "2012-10-17")
    assert r.code == 0 and " IRC #ceph " in r.out and "##" not in r.out, r
    before = cli("status", "--workspace", db, "--json").json()
    assert cli("import", "--workspace", db, log).code == 0
    assert cli("status", "--workspace", db, "--json").json() == before


def test_an_overlapping_log_adds_only_its_own_lines(cli, real, tmp_path):
    db = tmp_path / "w.db"
    assert cli("import", "--workspace", db, real / "irc/perceval-supybot/supybot_valid.log").code == 0
    r = cli("import", "--workspace", db, real / "irc/perceval-supybot/supybot_2012_10_17.log")
    assert r.code == 0, r
    # the short log repeats five of the day's lines; only its "*benpol is still wondering..." is new
    assert rows(db, "SELECT count(*) FROM activity") == [(52,)]
    assert rows(db, "SELECT text FROM activity WHERE created_at = '2012-10-17 09:17:40.000000'") == [
        ("benpol is still wondering...",)]
