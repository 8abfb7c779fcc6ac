"""The batched writer: upserts, placeholders, counts, stored values, all-or-nothing."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import insert, select, text

from workbench.errors import ImportFailed
from workbench.records import AccountRec, ActivityRec, ChannelRec, MembershipRec, ReactionRec, SourceRec
from workbench.store.models import Account, Activity, ImportRun, MembershipEvent, Reaction
from workbench.importers.unchanged import identical_import
from workbench.store.writer import Writer

UTC = dt.timezone.utc
T0 = dt.datetime(2024, 1, 1, 12, 0, tzinfo=UTC)


def write(ws, records, *, batch_size: int = 2000) -> Writer:
    with ws.write_conn() as conn:
        run = conn.execute(insert(ImportRun.__table__).values(status="done", counts={})).inserted_primary_key[0]
        writer = Writer(conn, run, batch_size=batch_size)
        writer.add_all(records)
        writer.flush()
    return writer


def msg(n: int, author: str = "U1", **kw) -> ActivityRec:
    return ActivityRec("slack", f"C1:{n}", author, T0 + dt.timedelta(minutes=n), channel_external_id="C1", **kw)


def test_an_unseen_account_is_a_placeholder_until_its_record_arrives(ws):
    write(ws, [msg(1, "U9")])
    with ws.session() as s:
        a = s.scalars(select(Account).where(Account.external_id == "U9")).one()
        assert a.placeholder and a.handle == "U9" and a.person_id == a.original_person_id
    write(ws, [AccountRec("slack", "U9", handle="nine", display_name="Nine", is_deleted=True)])
    with ws.session() as s:
        a = s.scalars(select(Account).where(Account.external_id == "U9")).one()
        assert not a.placeholder and a.display_name == "Nine" and a.is_deleted
        assert s.scalar(select(Activity.account_id)) == a.id


def test_a_person_takes_the_name_that_arrives_after_their_messages(ws):
    """Messages read before the member list (a Stack Exchange dump's Posts.xml before Users.xml, a
    saved API page before users.info) make accounts known only by their id; the person shown in the
    directory is named when the name comes, and follows a rename, but keeps a name given otherwise."""
    from workbench.store.models import Person

    def person_name(ext):
        with ws.session() as s:
            return s.scalar(select(Person.display_name).join(Account, Account.person_id == Person.id)
                            .where(Account.external_id == ext))

    write(ws, [msg(1, "U9"), AccountRec("slack", "U9", handle="nine", display_name="Nine")])  # one import
    assert person_name("U9") == "Nine"
    write(ws, [AccountRec("slack", "U9", handle="nine", display_name="Nina")])  # a later export: renamed
    assert person_name("U9") == "Nina"
    write(ws, [msg(2, "U8")])
    write(ws, [AccountRec("slack", "U8", handle="eight")])  # no display name: the handle
    assert person_name("U8") == "eight"
    with ws.write_conn() as conn:  # a person named after another account (as a merge leaves it)
        conn.execute(Person.__table__.update().where(Person.__table__.c.display_name == "eight")
                     .values(display_name="Eight Smith"))
    write(ws, [AccountRec("slack", "U8", handle="eight", display_name="E.")])
    assert person_name("U8") == "Eight Smith"


def test_counts_added_updated_and_unchanged(ws):
    first = write(ws, [AccountRec("slack", "U1", handle="one"), msg(1), msg(2), msg(3)], batch_size=2)
    assert (first.counts.added, first.counts.updated, first.counts.unchanged) == (4, 0, 0)
    assert first.counts.by_kind == {"accounts": 1, "activities": 3, "channels": 1}
    edited = msg(2, text="new text", edited_at=T0 + dt.timedelta(hours=1))
    second = write(ws, [msg(1), edited, msg(3, reaction_count=4), msg(4)], batch_size=2)
    assert (second.counts.added, second.counts.updated, second.counts.unchanged) == (1, 2, 1)
    with ws.session() as s:
        rows = {a.external_id: a for a in s.scalars(select(Activity))}
    assert rows["C1:2"].text == "new text" and rows["C1:2"].edited_at == T0 + dt.timedelta(hours=1)
    assert rows["C1:3"].reaction_count == 4 and len(rows) == 4


def test_an_older_copy_does_not_undo_an_edit(ws):
    write(ws, [msg(1, text="second version", edited_at=T0 + dt.timedelta(hours=2))])
    again = write(ws, [msg(1, text="first version")])
    assert again.counts.updated == 0
    with ws.session() as s:
        assert s.scalar(select(Activity.text)) == "second version"


def test_stored_values_are_exactly_what_the_schema_reads_back(ws):
    when = dt.datetime(2024, 1, 1, 12, 0, 0, 18, tzinfo=UTC)
    write(ws, [SourceRec("slack", "T1", "Team"), ChannelRec("slack", "C1", "general", source_external_id="T1"),
               ActivityRec("slack", "C1:x", "U1", when, channel_external_id="C1", source_external_id="T1",
                           parent_external_id="C1:p", text="héllo", is_question=True, is_accepted=True,
                           edited_at=dt.datetime(2024, 1, 1, 13, tzinfo=dt.timezone(dt.timedelta(hours=2))))])
    with ws.session() as s:
        a = s.scalars(select(Activity)).one()
    assert a.created_at == when and a.edited_at == dt.datetime(2024, 1, 1, 11, tzinfo=UTC)
    assert (a.text, a.size, a.is_question, a.is_accepted, a.parent_external_id) == ("héllo", 5, True, True, "C1:p")
    with ws.connect() as conn:
        raw = conn.execute(text("SELECT created_at, edited_at FROM activity")).one()
    assert tuple(raw) == ("2024-01-01 12:00:00.000018", "2024-01-01 11:00:00.000000")  # the one text form


def test_two_versions_of_a_record_in_one_import_are_no_update_the_second_time(ws):
    """Two dumps of one site may hold the same post with 0 and then 1 reaction, and an account
    under two names. Importing both again writes each record twice but changes nothing: it is no
    update (so the run is recorded as nothing new); a file with only the first version is one."""
    first, second = [msg(1, reaction_count=0), AccountRec("slack", "U1", display_name="Ann")], \
        [msg(1, reaction_count=1), AccountRec("slack", "U1", display_name="Ann Lee")]
    records = first + [msg(n) for n in range(2, 6)] + second  # batches of 2: the versions are far apart
    write(ws, records, batch_size=2)
    again = write(ws, records, batch_size=2)
    assert again.counts.updated == 0 and again.counts.added == 0
    older = write(ws, first, batch_size=2)
    assert older.counts.updated == 2  # the post and the account, each once
    with ws.session() as s:
        assert s.scalar(select(Activity.reaction_count).where(Activity.external_id == "C1:1")) == 0
        assert s.scalar(select(Account.display_name).where(Account.external_id == "U1")) == "Ann"


def test_lone_surrogates_are_stored_as_replacement_characters(ws):
    write(ws, [AccountRec("slack", "U1", display_name="bad \ud800 name"), msg(1, text="x\udfffy")])
    with ws.session() as s:
        assert s.scalar(select(Account.display_name)) == "bad \ufffd name"
        assert s.scalar(select(Activity.text)) == "x\ufffdy"


def test_a_surrogate_pair_is_read_as_its_character_wherever_text_is_cleaned():
    """Messages, names and the problems that quote them: one rule for what can be stored."""
    from workbench.importers.jsonstream import clean
    from workbench.records import Problem

    assert clean("ok \ud83d\ude00") == "ok \U0001F600" and clean("\ud83d!") == "\ufffd!"
    assert Problem("f.json", "message 1", "bad \ude00 and \ud83d\ude00").message == "bad \ufffd and \U0001F600"


def test_reactions_and_memberships_are_kept_once(ws):
    records = [msg(1), ReactionRec("slack", "C1:1", "U2", "+1"), ReactionRec("slack", "C1:1", "U2", "+1"),
               ReactionRec("slack", "C1:404", "U2", "+1"), MembershipRec("slack", "U2", T0, channel_external_id="C1")]
    first = write(ws, records, batch_size=2)
    assert first.counts.by_kind["reactions"] == 1 and first.counts.by_kind["memberships"] == 1
    again = write(ws, records)
    assert "reactions" not in again.counts.by_kind or again.counts.by_kind["reactions"] == 0
    with ws.session() as s:
        assert len(s.scalars(select(Reaction)).all()) == 1 and len(s.scalars(select(MembershipEvent)).all()) == 1


def test_an_import_that_fails_half_way_writes_nothing(ws, tmp_path):
    good = tmp_path / "good"
    (good / "general").mkdir(parents=True)
    (good / "users.json").write_text(json.dumps([{"id": "U1", "name": "one"}]))
    (good / "channels.json").write_text(json.dumps([{"id": "C1", "name": "general"}]))
    (good / "general" / "2024-01-01.json").write_text(json.dumps([{"type": "message", "user": "U1", "text": "hi",
                                                                   "ts": "1704110400.000001"}]))
    (good / "general" / "2024-01-02.json").write_text('[{"type": "message", "user": "U1", "ts": "17041')
    with pytest.raises(ImportFailed):
        ws.import_paths([good])
    assert ws.counts() == {"sources": 0, "accounts": 0, "people": 0, "activities": 0, "import_runs": 0}


def test_identical_import_knows_a_file_already_imported(ws, tmp_path):
    path = tmp_path / "users.json"
    path.write_text(json.dumps([{"id": "U1", "name": "one", "real_name": "One"}]))
    ws.import_paths([path])
    export = tmp_path / "export"
    (export / "general").mkdir(parents=True)
    (export / "users.json").write_text(path.read_text())
    (export / "channels.json").write_text(json.dumps([{"id": "C1", "name": "general"}]))
    (export / "general" / "2024-01-01.json").write_text(json.dumps([{"type": "message", "user": "U1", "text": "hi",
                                                                     "ts": "1704110400.000001"}]))
    import shutil

    archive = shutil.make_archive(str(tmp_path / "export"), "zip", export)
    ws.import_paths([archive])
    with ws.write_conn() as conn:
        assert identical_import(conn, archive, "slack", "1") == 2
        assert identical_import(conn, archive, "slack", "2") is None  # another importer version reads again
        conn.execute(text("DELETE FROM activity"))
        assert identical_import(conn, archive, "slack", "1") is None  # its rows are gone: read it again


# -- reply links ------------------------------------------------------------------------------------
def links(ws) -> dict[str, tuple]:
    from workbench.store.links import resolve_links

    with ws.write_conn() as conn:
        resolve_links(conn)
    with ws.session() as s:
        ids = {a.id: a.external_id for a in s.scalars(select(Activity))}
        return {a.external_id: (ids.get(a.parent_id), ids.get(a.root_id)) for a in s.scalars(select(Activity))}


def test_a_chain_whose_middle_arrives_last_gets_one_root(ws):
    write(ws, [msg(1), msg(3, parent_external_id="C1:2"), msg(4, parent_external_id="C1:3")])
    assert links(ws) == {"C1:1": (None, None), "C1:3": (None, None), "C1:4": ("C1:3", "C1:3")}
    write(ws, [msg(2, parent_external_id="C1:1")])
    assert links(ws) == {"C1:1": (None, None), "C1:2": ("C1:1", "C1:1"), "C1:3": ("C1:2", "C1:1"),
                         "C1:4": ("C1:3", "C1:1")}


def test_cycles_and_self_references_make_no_link(ws):
    write(ws, [msg(1, parent_external_id="C1:2"), msg(2, parent_external_id="C1:1"), msg(3, parent_external_id="C1:3"),
               msg(4, parent_external_id="C1:1")])
    got = links(ws)
    assert got["C1:3"] == (None, None) and got["C1:1"] == (None, None) and got["C1:2"] == (None, None)
    assert got["C1:4"] == (None, None)  # below a cycle there is no root to give


def test_a_cycle_closed_through_an_earlier_import_leaves_one_top(ws):
    write(ws, [msg(2, parent_external_id="C1:1"), msg(3, parent_external_id="C1:2")])
    assert links(ws)["C1:3"] == ("C1:2", "C1:2")
    write(ws, [msg(1, parent_external_id="C1:3"), msg(5, parent_external_id="C1:4"), msg(4, parent_external_id="C1:1")])
    # 2 -> 1 -> 3 -> 2 is a cycle: 2 stays the top, the others hang below it.
    assert links(ws) == {"C1:1": ("C1:3", "C1:2"), "C1:2": (None, None), "C1:3": ("C1:2", "C1:2"),
                         "C1:4": ("C1:1", "C1:2"), "C1:5": ("C1:4", "C1:2")}


def test_a_long_chain_in_one_import_gets_its_root(ws):
    write(ws, [msg(1)] + [msg(i, parent_external_id=f"C1:{i - 1}") for i in range(2, 40)])
    got = links(ws)
    assert got["C1:39"] == ("C1:38", "C1:1") and got["C1:2"] == ("C1:1", "C1:1") and got["C1:1"] == (None, None)


def test_a_record_that_does_not_know_the_flags_keeps_them(ws):
    write(ws, [AccountRec("discord", "7", handle="modbot", is_bot=True, is_staff=True)])
    # A later file (a CSV of reactions, a reply page) names the same account without its flags.
    write(ws, [AccountRec("discord", "7", handle="modbot", display_name="Mod Bot")])
    with ws.session() as s:
        a = s.scalars(select(Account).where(Account.external_id == "7")).one()
        assert (a.is_bot, a.is_staff, a.display_name) == (True, True, "Mod Bot")
    write(ws, [AccountRec("discord", "7", handle="modbot", is_bot=False, is_staff=False)])
    with ws.session() as s:
        a = s.scalars(select(Account).where(Account.external_id == "7")).one()
        assert (a.is_bot, a.is_staff) == (False, False)


def test_a_message_naming_a_known_channel_keeps_its_name_and_kind(ws):
    write(ws, [ChannelRec("slack", "C1", name="general", kind="channel")])
    write(ws, [msg(1)])  # only the channel's id
    with ws.connect() as conn:
        assert conn.execute(text("SELECT name, kind FROM channel WHERE external_id = 'C1'")).one() == ("general", "channel")


def test_a_files_digest_is_its_bytes_inside_and_outside_an_import(tmp_path):
    import hashlib
    import os

    from workbench.importers.digest import remembered, sha256_of

    f = tmp_path / "export.json"
    f.write_bytes(b'{"messages": []}')
    with remembered():
        assert sha256_of(f) == sha256_of(f) == hashlib.sha256(b'{"messages": []}').hexdigest()
    st = f.stat()
    f.write_bytes(b'{"messages":[1]}')  # the same size, other bytes, and the old modification time
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert sha256_of(f) == hashlib.sha256(b'{"messages":[1]}').hexdigest()
    with remembered():
        assert sha256_of(f) == hashlib.sha256(b'{"messages":[1]}').hexdigest()
