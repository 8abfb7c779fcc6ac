"""Generic CSV with a column mapping: Excel's UTF-16, UTF-8, Latin-1; members, activities, recognitions."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from workbench.errors import ImportFailed
from workbench.importers import registry
from workbench.importers.csvfile import NeedsCsvMapping, dialect_of, preview
from workspace_rows import rows

DATA = Path(__file__).resolve().parent.parent / "data" / "csv"
EXCEL = DATA / "members_excel.csv"
EXCEL_MAPPING = json.loads((DATA / "members_excel.mapping.json").read_text(encoding="utf-8"))
UTF8_MAPPING = {"kind": "members", "platform": "meetup",
                "columns": {"external_id": "member_id", "display_name": "display name", "email": "email",
                            "joined_at": "joined"}}


def csv_opts(mapping: dict, **extra) -> dict:
    return {"csv": {"mapping": mapping, **extra}}


def test_encodings_and_delimiters_are_detected():
    assert dialect_of(EXCEL) == ("utf-16", ";")
    assert dialect_of(DATA / "members_utf8.csv") == ("utf-8", ",")
    assert dialect_of(DATA / "activities.csv") == ("utf-8-sig", "\t")
    assert dialect_of(DATA / "recognitions.csv") == ("cp1252", ",")
    header, first = preview(EXCEL, rows=5)
    assert header == ["Mitglieds-Nr", "Name", "E-Mail", "Beigetreten am", "Team"]
    assert first[2][1] == "Smith; John" and len(first) == 3
    assert registry.sniff(EXCEL).name == "csv"


def test_without_a_mapping_one_sentence_says_how_to_give_one(ws):
    with pytest.raises(NeedsCsvMapping) as err:
        ws.import_paths([EXCEL])
    message = str(err.value)
    assert message.startswith("members_excel.csv:") and "--mapping FILE" in message and "\n" not in message
    assert err.value.headers[0] == "Mitglieds-Nr"
    assert ws.counts()["accounts"] == 0 and ws.counts()["import_runs"] == 0


def test_excel_members_with_a_mapping_then_the_saved_mapping(ws, tmp_path):
    first = ws.import_paths([EXCEL], options=csv_opts(EXCEL_MAPPING))
    assert first.problem_count == 0
    people = {r[0]: r[1:] for r in rows(ws, "select external_id, platform, display_name, email, is_staff, joined_at "
                                            "from account")}
    assert people["M-001"][:4] == ("meetup", "Jürgen Weiß", "juergen@example.de", 1)
    assert str(people["M-001"][4]).startswith("2025-11-23 13:05:00")  # 14:05 in Berlin
    assert str(people["M-002"][4]).startswith("2025-02-01 08:30:00")
    assert people["M-003"][1] == "Smith; John"
    assert rows(ws, "select count(*) from membership_event") == [(3,)]

    again = ws.import_paths([EXCEL])  # the mapping was saved under the header signature
    assert (again.added, again.updated) == (0, 0)
    saved = rows(ws, "select kind, mapping from csv_mapping")
    assert len(saved) == 1 and saved[0][0] == "members"
    assert json.loads(saved[0][1])["timezone"] == "Europe/Berlin"

    later = tmp_path / "members_next_month.csv"  # same columns, new rows: no question asked
    later.write_bytes(EXCEL.read_bytes() + "M-009;Ola Nordmann;ola@example.no;02.12.2025 08:00;\r\n".encode("utf-16-le"))
    more = ws.import_paths([later])
    assert more.by_kind.get("accounts") == 1


def test_utf8_members_with_their_own_mapping_meet_the_excel_ones(ws):
    ws.import_paths([EXCEL], options=csv_opts(EXCEL_MAPPING))
    result = ws.import_paths([DATA / "members_utf8.csv"], options=csv_opts(UTF8_MAPPING))
    assert result.by_kind.get("accounts") == 1  # M-004 is new, M-001 is the same member
    assert rows(ws, "select count(*) from csv_mapping") == [(2,)]
    assert str(rows(ws, "select joined_at from account where external_id = 'M-004'")[0][0]).startswith(
        "2025-06-30 18:00:00")  # no zone, no setting: UTC


def test_a_date_column_that_does_not_parse_is_reported_per_row_and_nothing_is_written(ws):
    wrong = {**EXCEL_MAPPING, "columns": {**EXCEL_MAPPING["columns"], "joined_at": "Name"}}
    with pytest.raises(ImportFailed) as err:
        ws.import_paths([EXCEL], options=csv_opts(wrong))
    message = str(err.value)
    assert message.startswith("members_excel.csv, row 2:") and "Jürgen Weiß" in message and "2 more rows" in message
    assert err.value.details.splitlines() == [line for line in err.value.details.splitlines() if line.startswith("row ")]
    assert [line.split(":")[0] for line in err.value.details.splitlines()] == ["row 2", "row 3", "row 4"]
    assert ws.counts() == {"sources": 0, "accounts": 0, "people": 0, "activities": 0, "import_runs": 0}
    assert rows(ws, "select count(*) from csv_mapping") == [(0,)]  # a refused mapping is not kept


def test_bad_rows_can_be_skipped_when_the_mapping_says_so(ws, tmp_path):
    path = tmp_path / "members.csv"
    path.write_text("member_id,display name,email,joined\nA,Ann,a@example.com,2025-01-01\n"
                    "B,Ben,b@example.com,soon\nC,Cat,c@example.com,2025-01-03\n", encoding="utf-8")
    result = ws.import_paths([path], options=csv_opts({**UTF8_MAPPING, "on_error": "skip"}))
    assert [(p.position, "soon" in p.message) for p in result.problems] == [("row 3", True)]
    assert sorted(r[0] for r in rows(ws, "select external_id from account")) == ["A", "C"]


def test_activities_csv_with_replies(ws):
    mapping = {"kind": "activities", "platform": "meetup",
               "columns": {"external_id": "id", "account": "author", "account_name": "author name",
                           "created_at": "posted", "channel": "channel", "text": "text", "parent": "in reply to"}}
    result = ws.import_paths([DATA / "activities.csv"], options=csv_opts(mapping, timezone="+01:00"))
    assert result.by_kind["activities"] == 3
    got = rows(ws, """select a.external_id, p.external_id, c.name, ac.display_name, a.created_at from activity a
                      left join activity p on p.id = a.parent_id join channel c on c.id = a.channel_id
                      join account ac on ac.id = a.account_id order by a.external_id""")
    assert [g[:4] for g in got] == [("a1", None, "workshop", "Jürgen Weiß"), ("a2", "a1", "workshop", "Chen Wei"),
                                    ("a3", "a2", "workshop", "Jürgen Weiß")]
    assert str(got[0][4]).startswith("2025-11-24 09:00:00")  # --timezone +01:00
    again = ws.import_paths([DATA / "activities.csv"])
    assert (again.added, again.updated) == (0, 0)


RECOGNITIONS_MAPPING = {"kind": "recognitions", "platform": "meetup", "date_order": "MDY",
                        "columns": {"account": "person", "kind": "kind", "given_at": "date", "note": "note",
                                    "given_by": "given by"}}


def test_recognitions_csv_in_latin1(ws):
    ws.import_paths([DATA / "members_utf8.csv"], options=csv_opts(UTF8_MAPPING))
    ws.import_paths([DATA / "recognitions.csv"], options=csv_opts(RECOGNITIONS_MAPPING))
    got = rows(ws, """select ac.external_id, r.kind, r.given_at, r.note, r.given_by from recognition r
                      join account ac on ac.id = r.account_id order by r.given_at""")
    assert [g[:2] for g in got] == [("M-001", "swag"), ("M-004", "shout-out")]
    assert str(got[0][2]).startswith("2025-03-02") and str(got[1][2]).startswith("2025-12-01")  # MDY
    assert got[1][3] == "Slides for everyone – merci café crew" and got[1][4] == "Zoë"
    again = ws.import_paths([DATA / "recognitions.csv"])
    assert again.added == 0 and rows(ws, "select count(*) from recognition") == [(2,)]


def test_a_recognitions_csv_names_the_members_as_a_spreadsheet_does_and_adds_nobody(ws, tmp_path):
    """A sheet of shout-outs names people by user name, e-mail or name, not by the platform's ids:
    each is the member already in the workspace (a new account of that name would leave the real
    person unthanked), and a name that is nobody's, or two people's, refuses the sheet."""
    ws.import_paths([DATA / "members_utf8.csv"], options=csv_opts(UTF8_MAPPING))
    other = tmp_path / "crm.csv"
    other.write_text("id,name\nC-9,Chen Wei\n", encoding="utf-8")
    ws.import_paths([other], options=csv_opts({"kind": "members", "platform": "crm",
                                               "columns": {"external_id": "id", "display_name": "name"}}))
    people = dict(rows(ws, "select external_id, person_id from account"))
    sheet = tmp_path / "thanks.csv"
    sheet.write_text("person,kind,date,note,given by\njürgen weiß,swag,01/02/2025,T-shirt,Zoë\n"
                     "WEI@example.cn,shout-out,01/03/2025,,Zoë\nM-004,badge,01/04/2025,,Zoë\n", encoding="utf-8")
    ws.import_paths([sheet], options=csv_opts(RECOGNITIONS_MAPPING))
    got = rows(ws, "select ac.external_id, r.person_id, r.kind from recognition r "
                   "join account ac on ac.id = r.account_id order by r.given_at")
    assert got == [("M-001", people["M-001"], "swag"), ("M-004", people["M-004"], "shout-out"),
                   ("M-004", people["M-004"], "badge")]
    assert ws.counts()["accounts"] == 3 and ws.counts()["people"] == 3

    before = ws.counts()
    sheet.write_text("person,kind,date\nM-001,swag,01/05/2025\nhelen,swag,01/06/2025\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as err:
        ws.import_paths([sheet], options=csv_opts({**RECOGNITIONS_MAPPING, "columns": {
            "account": "person", "kind": "kind", "given_at": "date"}}))
    assert str(err.value).startswith("thanks.csv, row 3: no Meetup member is “helen” (looked up by member id, "
                                     "user name, e-mail and name); nothing was imported")
    assert ws.counts() == before

    # Left as "csv", the platform is any platform: Chen Wei is on two, as two people until merged.
    sheet.write_text("person,kind,date\nChen Wei,swag,01/05/2025\n", encoding="utf-8")
    any_platform = {**RECOGNITIONS_MAPPING, "platform": "csv",
                    "columns": {"account": "person", "kind": "kind", "given_at": "date"}}
    with pytest.raises(ImportFailed, match=r"row 2: “Chen Wei” is the name of 2 people"):
        ws.import_paths([sheet], options=csv_opts(any_platform))
    sheet.write_text("person,kind,date\nC-9,swag,01/05/2025\n", encoding="utf-8")
    ws.import_paths([sheet], options=csv_opts(any_platform))
    assert rows(ws, "select ac.platform, ac.external_id from recognition r join account ac on ac.id = r.account_id "
                    "where r.given_at >= '2025-01-05'") == [("crm", "C-9")]


def test_a_mapping_naming_a_missing_column_is_one_sentence(ws):
    wrong = {**EXCEL_MAPPING, "columns": {"external_id": "Member number"}}
    with pytest.raises(ImportFailed) as err:
        ws.import_paths([EXCEL], options=csv_opts(wrong))
    assert str(err.value) == ("members_excel.csv: the mapping's column “Member number” (for external_id) "
                              "is not in the file's header.")


def test_cli_mapping_and_timezone_options(cli, tmp_path):
    work = tmp_path / "w.db"
    csv_file = tmp_path / "members_excel.csv"
    shutil.copy(EXCEL, csv_file)
    r = cli("import", "--workspace", work, csv_file)
    assert r.code == 2 and "--mapping FILE" in r.err and r.err.count("\n") == 1, r
    r = cli("import", "--workspace", work, csv_file, "--mapping", DATA / "members_excel.mapping.json",
            "--timezone", "UTC", "--json")
    assert r.code == 0, r
    assert r.json()["added_by_kind"]["accounts"] == 3
    r = cli("import", "--workspace", work, csv_file, "--json")  # the saved mapping
    assert r.code == 0 and r.json()["added"] == 0, r
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    r = cli("import", "--workspace", work, csv_file, "--mapping", bad)
    assert r.code == 2 and "bad.json" in r.err and "not valid JSON" in r.err, r
