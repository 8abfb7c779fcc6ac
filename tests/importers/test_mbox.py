"""Mailing-list archives: a hand-written pipermail month (tests/data/mbox), gzip and zip forms."""
from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import pytest

from workbench.importers import registry
from workbench.importers.mbox import normalize_address
from workspace_rows import rows

DATA = Path(__file__).resolve().parent.parent / "data" / "mbox"
MONTH = DATA / "ai-builders" / "2024-January.txt"


def test_addresses_are_normalized():
    assert normalize_address("jgb at example.com (Jesus M. Gonzalez-Barahona)") == \
        ("jgb@example.com", "Jesus M. Gonzalez-Barahona")
    assert normalize_address('"Nehren, Daniel" <Daniel.Nehren@Example.com>') == \
        ("daniel.nehren@example.com", "Nehren, Daniel")
    assert normalize_address("no address here") == ("", "")


def test_pipermail_month(ws):
    assert registry.sniff(MONTH).name == "mbox"
    result = ws.import_paths([MONTH])
    assert result.problem_count == 0
    people = {r[0]: r[1:] for r in rows(ws, "select external_id, email, display_name, is_bot from account")}
    assert people["ana.lima@example.org"] == ("ana.lima@example.org", "Ana Lima", 0)
    assert people["bo.chen@example.org"] == ("bo.chen@example.org", "Bo Chen", 0)
    assert people["josé@example.net"] == ("josé@example.net", "José Pérez", 0)  # raw Latin-1 header
    assert people["ai-builders-bounces@example.org"][2] == 1  # list notices are bots
    assert "nobody@example.org" in people  # no From: header, the From_ line names the sender

    msgs = {r[0]: r[1:] for r in rows(ws, """select a.external_id, a.title, p.external_id, c.external_id, a.created_at
                                              from activity a left join activity p on p.id = a.parent_id
                                              join channel c on c.id = a.channel_id""")}
    assert msgs["cafe0001@mail.example.org"][:3] == ("[AI-Builders] How do you evaluate RAG pipelines?", None,
                                                     "ai-builders")
    assert msgs["beef0002@mail.example.org"][1] == "cafe0001@mail.example.org"
    assert str(msgs["cafe0001@mail.example.org"][3]).startswith("2024-01-08 09:15:02")  # +0100 made UTC
    hashed = [k for k in msgs if k.startswith("sha256:")]
    assert len(hashed) == 1 and msgs[hashed[0]][1] == "beef0002@mail.example.org"  # References, last id
    assert msgs["0003@example.net"][0] == "Café meetup in Montréal"
    body = rows(ws, "select text from activity where external_id = '0003@example.net'")[0][0]
    assert "caf" in body and "Friday" in body  # an unknown charset still gives the text
    assert ">From what I read" in rows(ws, "select text from activity where external_id = 'cafe0001@mail.example.org'")[0][0]
    assert len(msgs) == 6


def test_reimport_and_gzip_and_zip_add_nothing(ws, tmp_path):
    first = ws.import_paths([MONTH])
    assert first.by_kind["activities"] == 6
    gz = tmp_path / "ai-builders" / "2024-January.txt.gz"
    gz.parent.mkdir()
    gz.write_bytes(gzip.compress(MONTH.read_bytes()))
    archive = tmp_path / "groupsio.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(MONTH, "messages.mbox")
    assert registry.sniff(gz).name == "mbox" and registry.sniff(archive).name == "mbox"
    again = ws.import_paths([MONTH, gz, archive])
    assert (again.added, again.updated) == (0, 0)
    assert rows(ws, "select count(*) from activity") == [(6,)]


def test_a_zip_of_mailmans_monthly_archives_is_read(ws, tmp_path):
    """Mailman's archive pages offer each month as ``2024-January.txt`` or ``.txt.gz``; zipped
    together to be sent, they were "not an export format the workbench knows". They are read as
    the months are, and what else the zip holds (a README, a text that is not mail) is not mail."""
    from workbench.errors import ImportFailed

    first, second = MONTH.read_bytes().split(b"\nFrom ", 1)
    archive = tmp_path / "ai-builders-archives.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("ai-builders/2024-January-part1.txt", first + b"\n")
        zf.writestr("ai-builders/2024-January-part2.txt.gz", gzip.compress(b"From " + second))
        zf.writestr("ai-builders/README.txt", "Archives of the ai-builders list, downloaded in March.\n")
    assert registry.sniff(archive).name == "mbox"
    result = ws.import_paths([archive])
    assert result.by_kind["activities"] == 6
    assert rows(ws, "select count(*) from activity") == [(6,)]
    assert (ws.import_paths([MONTH]).added, rows(ws, "select count(*) from activity")) == (0, [(6,)])

    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(damaged, "w") as zf:
        zf.writestr("2024-February.txt.gz", gzip.compress(b"From " + second)[:-40])
    with pytest.raises(ImportFailed) as refused:
        ws.import_paths([damaged])
    said = str(refused.value)
    assert "damaged.zip" in said and "the compressed archive ends early or is damaged" in said, said
    assert rows(ws, "select count(*) from activity") == [(6,)]


def test_truncated_gzip_is_refused_in_one_sentence(ws, tmp_path):
    gz = tmp_path / "list.mbox.gz"
    data = gzip.compress(MONTH.read_bytes() * 50)
    gz.write_bytes(data[: len(data) // 2])
    try:
        ws.import_paths([gz])
    except Exception as exc:  # noqa: BLE001 - the sentence is what is checked
        assert "list.mbox.gz" in str(exc) and "ends early" in str(exc)
    else:
        raise AssertionError("a truncated archive was imported")
    assert ws.counts()["activities"] == 0


def test_a_groups_io_member_of_the_wrong_shape_is_that_members_problem(ws, tmp_path):
    """A full name that is not text failed the whole import at the store (found by sweeping the
    samples' fields); the member is now skipped and named, and the others import."""
    import json

    members = [{"email": "ann@example.org", "full_name": ["Ann"], "group_id": 1, "created": "2024-01-01T00:00:00Z"},
               {"email": "bo@example.org", "full_name": "Bo", "group_id": 1, "created": "2024-01-02T00:00:00Z"}]
    page = tmp_path / "subscriptions_page_1.json"
    page.write_text(json.dumps({"data": members}, separators=(",", ":")), encoding="utf-8")
    assert registry.sniff(page).name == "groupsio-members"
    result = ws.import_paths([page])
    assert [(p.position, p.message) for p in result.problems] == [
        ("member 1", "its display_name is a list where text belongs; skipped.")]
    assert rows(ws, "select external_id, display_name from account") == [("bo@example.org", "Bo")]
