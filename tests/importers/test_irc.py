"""IRC channel logs (Supybot, Limnoria), on tests/data/irc."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from workbench.importers import registry
from workspace_rows import rows

DATA = Path(__file__).resolve().parent.parent / "data" / "irc"
LOGGER = DATA / "ChannelLogger"
DAY1 = LOGGER / "libera" / "#aihub" / "#aihub.2024-05-01.log"


def test_a_folder_of_daily_logs_is_one_channel_of_its_network(ws):
    assert registry.sniff(LOGGER).name == "irc-supybot"
    assert registry.sniff(DAY1).name == "irc-supybot"
    result = ws.import_paths([LOGGER])
    assert rows(ws, "SELECT external_id, name FROM channel") == [("libera/#aihub", "#aihub")]
    assert rows(ws, "SELECT external_id, name FROM source") == [("libera", "libera")]
    # nicks without case: Ben and BEN are one account, named as first seen
    assert rows(ws, "SELECT external_id, handle, is_bot FROM account ORDER BY external_id") == [
        ("ana_s", "ana_s", 0), ("ben", "Ben", 0), ("caf\u00e9bot", "Caf\u00e9Bot", 1), ("chanserv", "ChanServ", 1),
        ("mallory", "mallory", 0)]
    # the hand-pasted line is the one problem, with its file and line
    assert [(p.file, p.position) for p in result.problems] == [("ChannelLogger/libera/#aihub/#aihub.2024-05-01.log", "line 10")]


def test_messages_in_utc_with_actions_notices_and_exact_text(ws):
    ws.import_paths([LOGGER])
    got = rows(ws, """SELECT a.created_at, c.handle, a.text FROM activity a JOIN account c ON c.id = a.account_id
                      ORDER BY a.created_at, a.id""")
    assert got == [
        ("2024-05-01 09:00:05.000000", "ChanServ", "[#aihub] Welcome to #aihub! Be kind."),
        ("2024-05-01 09:01:00.000000", "ana_s", "How do I fine-tune the small model on my own data?"),
        ("2024-05-01 09:01:00.000000", "ana_s", "How do I fine-tune the small model on my own data?"),  # said twice
        ("2024-05-01 09:03:30.000000", "Ben", "ana_s: start from the LoRA recipe in the docs"),  # +0200 in the log
        ("2024-05-01 09:04:00.000000", "ana_s", "ana_s waves thanks"),
        ("2024-05-01 09:07:00.000000", "Caf\u00e9Bot", "build #1201 passed"),  # a Windows-1252 line
        ("2024-05-01 09:08:00.000000", "mallory", "<script>alert(1)</script> \u202egnp.exe\u200b"),
        ("2024-05-01 23:59:00.000000", "ana_s", "anyone around to review my PR?"),
        ("2024-05-02 00:01:00.000000", "Ben", "ana_s, sure, send the link")]


def test_addressing_someone_replies_to_their_latest_message_across_days(ws):
    ws.import_paths([LOGGER])
    got = rows(ws, """SELECT a.text, p.text FROM activity a JOIN activity p ON p.id = a.parent_id ORDER BY a.created_at""")
    assert got == [("ana_s: start from the LoRA recipe in the docs", "How do I fine-tune the small model on my own data?"),
                   ("ana_s, sure, send the link", "anyone around to review my PR?")]


def test_joins_are_membership_events_and_quits_are_not(ws):
    ws.import_paths([LOGGER])
    assert rows(ws, """SELECT c.handle, m.kind, m.at FROM membership_event m JOIN account c ON c.id = m.account_id""") == [
        ("ana_s", "join", "2024-05-01 09:00:00.000000")]


def test_importing_again_or_from_another_root_adds_nothing(ws, tmp_path):
    first = ws.import_paths([LOGGER])
    assert first.by_kind["activities"] == 9
    assert ws.import_paths([LOGGER]).added == 0
    assert ws.import_paths([DAY1]).added == 0  # the same file alone: the same channel, the same ids
    shutil.copytree(LOGGER / "libera", tmp_path / "libera")
    assert ws.import_paths([tmp_path / "libera"]).added == 0


def test_a_log_that_grew_adds_only_its_new_lines(ws, tmp_path):
    day = tmp_path / "libera" / "#aihub" / "#aihub.2024-05-01.log"
    day.parent.mkdir(parents=True)
    lines = DAY1.read_bytes().splitlines(keepends=True)
    day.write_bytes(b"".join(lines[:5]))
    ws.import_paths([day])
    day.write_bytes(DAY1.read_bytes())
    result = ws.import_paths([day])
    assert result.by_kind["activities"] == 4  # the action, the bot, mallory, the last question
    assert rows(ws, "SELECT count(*) FROM activity") == [(8,)]


def test_a_file_named_by_date_takes_the_channel_its_joins_name(ws):
    ws.import_paths([DATA / "2024-05-03.log"])
    assert rows(ws, "SELECT external_id, name FROM channel") == [("#evals", "#evals")]
    assert rows(ws, "SELECT text FROM activity") == [("hello, is the eval harness documented anywhere?",)]


def test_a_zip_of_the_logger_folder(ws, tmp_path):
    archive = tmp_path / "irc-logs.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in sorted(LOGGER.rglob("*.log")):
            z.write(f, f.relative_to(LOGGER).as_posix())
    assert registry.sniff(archive).name == "irc-supybot"
    ws.import_paths([archive])
    assert rows(ws, "SELECT external_id FROM channel") == [("libera/#aihub",)]
    assert rows(ws, "SELECT count(*) FROM activity") == [(9,)]


def test_an_overlong_line_is_that_lines_problem(ws, tmp_path):
    log = tmp_path / "#big.log"
    log.write_bytes(b"2024-05-01T09:00:00+0000  <ana> hi\n2024-05-01T09:00:01+0000  <eve> " + b"x" * 200_000
                    + b"\n2024-05-01T09:00:02+0000  <ana> still here\n")
    result = ws.import_paths([log])
    assert [p.position for p in result.problems] == ["line 2"]
    assert rows(ws, "SELECT text FROM activity ORDER BY created_at") == [("hi",), ("still here",)]


def test_other_text_files_are_not_claimed(tmp_path):
    notes = tmp_path / "notes.log"
    notes.write_text("INFO starting server\nINFO listening on 8080\n", encoding="utf-8")
    assert registry.sniff(notes) is None


def test_the_bots_own_log_beside_the_channels_is_left_out(ws, tmp_path):
    logs = tmp_path / "logs"
    shutil.copytree(LOGGER, logs / "ChannelLogger")
    (logs / "messages.log").write_text("INFO 2024-05-01T09:00:00 Limnoria starting\nINFO 2024-05-01T09:00:01 Connected\n",
                                       encoding="utf-8")
    assert registry.sniff(logs).name == "irc-supybot"
    result = ws.import_paths([logs])
    assert result.by_kind["activities"] == 9 and len(result.problems) == 1


def test_bots_by_their_nicks_but_not_people_whose_names_end_so():
    from workbench.importers.irc import is_bot

    assert [n for n in ("supy-bot", "CaféBot", "ChanServ", "NickServ", "gh_bot", "bot2", "travis-ci[bot]", "BOT",
                        "talbot", "Abbot", "robotics", "ana_s") if is_bot(n)] == \
        ["supy-bot", "CaféBot", "ChanServ", "NickServ", "gh_bot", "bot2", "travis-ci[bot]", "BOT"]


def test_a_part_or_a_kick_is_a_leave_and_a_quit_is_not(ws, tmp_path):
    log = tmp_path / "#evals.2024-05-04.log"
    log.write_text("2024-05-04T10:00:00+0000  *** dana has joined #evals\n"
                   "2024-05-04T10:05:00+0000  *** dana has quit IRC\n"
                   "2024-05-04T11:00:00+0000  *** dana has joined #evals\n"
                   "2024-05-04T11:30:00+0000  *** dana has left #evals\n"
                   "2024-05-04T12:00:00+0000  *** spammer has joined #evals\n"
                   "2024-05-04T12:01:00+0000  *** spammer was kicked by ChanServ (flooding)\n", encoding="utf-8")
    ws.import_paths([log])
    assert rows(ws, """SELECT c.handle, m.kind, m.at FROM membership_event m JOIN account c ON c.id = m.account_id
                       ORDER BY m.at""") == [
        ("dana", "join", "2024-05-04 10:00:00.000000"), ("dana", "join", "2024-05-04 11:00:00.000000"),
        ("dana", "leave", "2024-05-04 11:30:00.000000"), ("spammer", "join", "2024-05-04 12:00:00.000000"),
        ("spammer", "leave", "2024-05-04 12:01:00.000000")]


def test_a_nick_change_is_kept_and_suggests_the_two_nicks_are_one_person(ws, tmp_path):
    from workbench.people import merge
    from workbench.people.identity import suggestions_for

    for chan in ("#evals", "#help"):  # one change, seen in every channel the person is in
        log = tmp_path / "libera" / chan / f"{chan}.2024-05-04.log"
        log.parent.mkdir(parents=True)
        log.write_text("2024-05-04T10:00:00+0000  <kofi_> is the eval harness deterministic?\n"
                       "2024-05-04T10:01:00+0000  *** kofi_ is now known as kofi.a\n"
                       "2024-05-04T10:01:30+0000  *** Ana is now known as ANA\n"  # only the case: one account
                       "2024-05-04T10:02:00+0000  <kofi.a> with a fixed seed it is\n"
                       "2024-05-04T10:03:00+0000  <ana> seeds are per worker\n", encoding="utf-8")
    result = ws.import_paths([tmp_path / "libera"])
    assert result.by_kind["nick changes"] == 1 and not result.problems
    assert rows(ws, "SELECT platform, from_external_id, to_external_id, at FROM rename") == [
        ("irc", "kofi_", "kofi.a", "2024-05-04 10:01:00.000000")]
    # Two accounts on one platform are never suggested for their names alone; a nick change is
    # the evidence that one connection took the other name.
    (found,) = suggestions_for(ws, min_confidence=0.65)
    assert {found.a_name, found.b_name} == {"kofi_", "kofi.a"} and found.confidence >= 0.9
    assert found.reasons == ["kofi_ became kofi.a on IRC (2024-05-04)"]
    assert "nick changes" not in ws.import_paths([tmp_path / "libera"], options={"irc-supybot": {"reread": True}}).by_kind
    merge.reject(ws, found.a, found.b)
    assert suggestions_for(ws, min_confidence=0.0) == []


def test_a_change_to_a_guest_nick_is_weaker_evidence(ws, tmp_path):
    """Networks hand "Guest2100" to whoever has not identified in time; the nick is someone else's
    another day, so the pair is offered less surely, and says why."""
    from workbench.people.identity import suggestions_for

    log = tmp_path / "#ceph.2012-10-17.log"
    log.write_text("2012-10-17T11:20:00+0000  <pentabular> is rbd caching on by default?\n"
                   "2012-10-17T11:26:46+0000  *** pentabular is now known as Guest2100\n"
                   "2012-10-17T11:27:00+0000  <Guest2100> sorry, network trouble\n"
                   "2012-10-17T11:27:09+0000  *** Guest2100 is now known as pentabular\n", encoding="utf-8")
    ws.import_paths([log])
    (found,) = suggestions_for(ws, min_confidence=0.65)
    assert found.confidence == pytest.approx(0.7)
    assert found.reasons == ["pentabular became Guest2100 on IRC (2012-10-17)",
                             "Guest2100 is a guest nick, which others may have had on other days"]
