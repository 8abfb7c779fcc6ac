"""Acceptance: the real mailing-list samples (../shared/fixtures/real/mbox and groupsio), read in place."""
from __future__ import annotations

import pytest
from workspace_rows import rows

pytestmark = pytest.mark.acceptance


def mail_files(real):
    return [*sorted((real / "mbox").rglob("*.mbox")), *sorted((real / "groupsio").rglob("*.*"))]


def test_every_mail_file_imports_on_its_own(real, ws):
    for path in mail_files(real):
        result = ws.import_paths([path])
        assert result.read > 0, path
        assert result.problem_count == 0, (path, result.problems)


def test_pipermail_addresses_and_threads(real, ws):
    ws.import_paths([real / "mbox" / "perceval-pipermail"])
    people = dict(rows(ws, "select external_id, display_name from account"))
    assert people["jgb@gsyc.es"] == "Jesus M. Gonzalez-Barahona"  # "jgb at gsyc.es (…)" undone
    assert all(" at " not in p and "@" in p for p in people)
    linked = rows(ws, """select a.external_id, p.external_id from activity a join activity p on p.id = a.parent_id
                         where a.external_id = 'CACRHdMZaZtkM9h_=p_HH1Yz9pTJwh6nwU0PmeqQX=kemD8LCjw@example.com'""")
    assert linked == [("CACRHdMZaZtkM9h_=p_HH1Yz9pTJwh6nwU0PmeqQX=kemD8LCjw@example.com",
                       "1447627429.3593.319.camel@example.com")]
    assert rows(ws, "select distinct c.external_id from activity a join channel c on c.id = a.channel_id") == \
        [("metrics-grimoire",)]


def test_hard_cases_of_the_perceval_sample(real, ws):
    ws.import_paths([real / "mbox" / "perceval"])
    people = dict(rows(ws, "select external_id, display_name from account"))
    assert people["lucíacharlie@wellsfargo.com"] == "Lucía Charlie"  # raw 8-bit bytes in From:
    assert people["danilo@gnome.org"] == "Danilo Šegan"
    hashed = rows(ws, "select count(*) from activity where external_id like 'sha256:%'")[0][0]
    assert hashed == 1  # the one message whose Message-Id is empty
    # mbox_no_fields holds the same Message-ID three times: one activity.
    assert rows(ws, "select count(*) from activity where external_id = '4CF64D10.9020206@domain.com'") == [(1,)]
    # ... and it is the first copy, dated 14:26:40 +0100, not a later copy whose Date is empty.
    assert rows(ws, "select created_at from activity where external_id = '4CF64D10.9020206@domain.com'") == \
        [("2010-12-01 13:26:40.000000",)]


def test_groupsio_archive_and_members(real, ws):
    result = ws.import_paths([real / "groupsio" / "perceval-api"])
    assert result.by_kind["activities"] == 49
    members = rows(ws, "select count(*) from membership_event")
    assert members[0][0] >= 1
    again = ws.import_paths([real / "groupsio" / "perceval-api"])
    assert (again.added, again.updated) == (0, 0)


def test_cli_imports_every_mail_folder(real, cli, tmp_path):
    r = cli("import", "--workspace", tmp_path / "w.db", real / "mbox", real / "groupsio", "--json")
    assert r.code == 0, r
    first = r.json()
    assert first["added_by_kind"]["activities"] > 60
    r = cli("import", "--workspace", tmp_path / "w.db", real / "mbox", real / "groupsio", "--json")
    assert r.code == 0 and r.json()["added"] == 0, r
    # a list is named as a list, not as a chat channel ("Mailing lists #platform-swt-dev.eclipse.org")
    r = cli("unanswered", "--workspace", tmp_path / "w.db", "--from", "2002-01-01", "--to", "2002-12-31")
    assert r.code == 0 and " Mailing list platform-swt-dev.eclipse.org " in r.out and "#" not in r.out, r
    r = cli("metrics", "--workspace", tmp_path / "w.db", "--channel", "ovs-dev", "--channel", "metrics-grimoire")
    assert r.code == 0 and "; channels metrics-grimoire, ovs-dev;" in r.out.splitlines()[0], r
