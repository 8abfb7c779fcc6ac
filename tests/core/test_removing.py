"""Taking an import run back out of the workspace: what it brought leaves, what others hold on to
stays, replies are linked to what remains, and importing its files again brings it all back."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from workbench.errors import NotFound, WorkbenchError
from workbench.history import import_runs
from workbench.people.directory import ensure_summary
from workbench.people.profile import add_note
from workbench.removing import remove_run
from workbench.store.models import Account, Activity, ImportRun, Person, PersonSummary

DATA = Path(__file__).resolve().parent.parent / "data"


def message(n: int, author: str, text: str, reply_to: int | None = None) -> dict:
    msg = {"id": n, "type": "message", "date": f"2024-03-0{n}T10:00:00", "date_unixtime": str(1709200800 + 86400 * n),
           "from": author, "from_id": f"user{sum(map(ord, author))}", "text": text}
    if reply_to is not None:
        msg["reply_to_message_id"] = reply_to
    return msg


def chat(path, messages: list[dict]):  # noqa: ANN001, ANN201
    path.write_text(json.dumps({"name": "Builders", "type": "public_supergroup", "id": 42, "messages": messages}),
                    encoding="utf-8")
    return path


@pytest.fixture
def two_exports(tmp_path):
    """March's export (Nia asks, Omar answers) and April's (Nia thanks Omar, Lee follows Nia)."""
    first = chat(tmp_path / "march.json", [message(1, "Nia", "How do I batch embeddings?"),
                                          message(2, "Omar", "Use the batch endpoint.", reply_to=1)])
    second = chat(tmp_path / "april.json", [message(3, "Nia", "Thanks, that worked!", reply_to=2),
                                           message(4, "Lee", "Same question here", reply_to=3)])
    return first, second


def links(ws) -> dict[str, tuple]:  # noqa: ANN001
    """Each message's text -> (its parent's text, its thread top's text)."""
    with ws.connect() as conn:
        rows = conn.execute(select(Activity.id, Activity.text, Activity.parent_id, Activity.root_id)).all()
    text = {r.id: r.text for r in rows}
    return {r.text: (text.get(r.parent_id), text.get(r.root_id)) for r in rows}


def names(ws) -> set[str]:  # noqa: ANN001
    with ws.connect() as conn:
        return set(conn.execute(select(Person.display_name).where(Person.merged_into_id.is_(None))).scalars())


def test_a_removed_import_leaves_the_workspace_as_before_it_and_comes_back_when_imported_again(ws, two_exports):
    first, second = two_exports
    ws.import_paths([first])
    before, linked_before = ws.counts(), links(ws)
    ws.import_paths([second])
    assert links(ws)["Same question here"] == ("Thanks, that worked!", "How do I batch embeddings?")
    ensure_summary(ws)  # as the People page does

    removal = remove_run(ws, 2)
    assert removal.sentence() == "Removed import run 2: 1 account, 1 person, 2 activities."
    assert ws.counts() == before and links(ws) == linked_before and names(ws) == {"Nia", "Omar"}
    run = import_runs(ws)[0]
    assert run.id == 2 and run.removal.endswith(": 1 account, 1 person, 2 activities.")
    assert ensure_summary(ws) is False  # the People directory was kept in step
    with ws.connect() as conn:
        assert set(conn.execute(select(PersonSummary.name)).scalars()) == {"Nia", "Omar"}

    with pytest.raises(WorkbenchError, match="Import run 2 was removed already"):
        remove_run(ws, 2)
    with pytest.raises(NotFound, match=f"^{ws.location} has no import run 7: its runs are 1, 2.$"):
        remove_run(ws, 7)

    # April's export is read again (it is not "identical to a file imported before" any more).
    again = ws.import_paths([second])
    assert again.run_id == 3 and again.by_kind["activities"] == 2 and again.by_kind["accounts"] == 1
    assert links(ws)["Same question here"] == ("Thanks, that worked!", "How do I batch embeddings?")


def test_replies_of_an_earlier_import_are_linked_again_to_what_remains(ws, two_exports):
    """April's export imported first, March's after it (which brought the messages April's replied
    to): taking March back out leaves April's replies unlinked, keeping the platform's parent ids,
    and they are linked again when March comes back."""
    first, second = two_exports
    ws.import_paths([second])
    ws.import_paths([first])
    assert links(ws)["Same question here"] == ("Thanks, that worked!", "How do I batch embeddings?")
    removal = remove_run(ws, 2)
    assert removal.removed["activities"] == 2 and removal.removed["accounts"] == 1  # Omar; Nia is April's
    assert names(ws) == {"Nia", "Lee"}
    # Nia's thanks answered a message that has gone: it keeps the platform's parent id, unlinked,
    # and Lee's reply now hangs in a thread that starts with it.
    assert links(ws) == {"Thanks, that worked!": (None, None), "Same question here": ("Thanks, that worked!",) * 2}
    with ws.connect() as conn:
        assert conn.execute(select(Activity.parent_external_id).where(Activity.text == "Thanks, that worked!")
                            ).scalar_one() == "42:2"
    ws.import_paths([first])  # March back: the thread is whole again
    assert links(ws)["Same question here"] == ("Thanks, that worked!", "How do I batch embeddings?")
    assert ws.counts()["activities"] == 4 and ws.counts()["import_runs"] == 2


def test_an_import_followed_by_another_of_its_platform_waits_for_that_one(ws, two_exports, tmp_path):
    """March, then April's export, which holds March's messages too (as a later export does): the
    messages April found already there stay March's rows. Removing March first would take them
    away from a workspace whose April export holds them, so the later run goes first."""
    first, _ = two_exports
    ws.import_paths([first])
    april = chat(tmp_path / "april-whole.json", [message(1, "Nia", "How do I batch embeddings?"),
                                                message(2, "Omar", "Use the batch endpoint.", reply_to=1),
                                                message(3, "Nia", "Thanks, that worked!", reply_to=2)])
    ws.import_paths([april])
    slack_users = tmp_path / "users.json"  # another platform after it: no reason to wait
    slack_users.write_text('[{"id": "U9", "name": "nine", "real_name": "Nine"}]', encoding="utf-8")
    ws.import_paths([slack_users])
    before = ws.counts()
    with pytest.raises(WorkbenchError) as refused:
        remove_run(ws, 1)
    assert str(refused.value) == (
        "Import run 1 cannot be removed before run 2, imported after it from Telegram too: a later export often "
        "holds what an earlier one brought, and leaves it to the earlier run. Remove run 2 first and import its "
        "files again afterwards.")
    assert ws.counts() == before
    remove_run(ws, 2)
    remove_run(ws, 1)
    assert ws.counts()["activities"] == 0
    ws.import_paths([april])  # read anew, though the same file was imported before
    assert ws.counts()["activities"] == 3 and names(ws) == {"Nia", "Omar", "Nine"}


def test_a_person_the_user_wrote_a_note_on_keeps_their_account(ws, two_exports):
    first, second = two_exports
    ws.import_paths([first])
    ws.import_paths([second])
    with ws.connect() as conn:
        lee = conn.execute(select(Account.person_id).where(Account.display_name == "Lee")).scalar_one()
    add_note(ws, lee, "Met at the March meetup; wants to give a talk.")
    removal = remove_run(ws, 2)
    assert removal.removed["accounts"] == 0 and removal.kept_accounts == 1 and removal.removed["activities"] == 2
    assert names(ws) == {"Nia", "Omar", "Lee"}
    with ws.connect() as conn:
        status = conn.execute(select(ImportRun.status, ImportRun.removed)).all()
    assert status[1] == ("removed", {"sources": 0, "channels": 0, "accounts": 0, "people": 0, "activities": 2,
                                     "reactions": 0, "memberships": 0, "recognitions": 0, "nick changes": 0})


def test_a_removal_that_cannot_be_finished_leaves_everything_as_it_was(ws, two_exports):
    first, second = two_exports
    ws.import_paths([first])
    ws.import_paths([second])
    before, said = ws.counts(), []

    def progress(fraction: float, message: str) -> None:
        said.append(message)

    from workbench.errors import ImportCancelled

    with pytest.raises(ImportCancelled, match="the workspace is as it was"):
        remove_run(ws, 2, progress=progress, cancel=lambda: "Removing the accounts only it brought" in said)
    assert ws.counts() == before and [r.removed_at for r in import_runs(ws)] == [None, None]


@pytest.mark.acceptance
def test_the_real_exports_taken_out_newest_first_leave_what_the_earlier_ones_gave(real, tmp_path):
    """Every real sample folder imported as a run of its own, then the runs taken back out newest
    first: after each removal the workspace answers as one that imported only the runs before it
    (its counts, every table's row count, the daily rollup, the People directory)."""
    from workbench.metrics.rollup import in_step
    from workbench.people.directory import ensure_summary
    from workbench.workspace import Workspace

    folders = [f for f in ("slack", "discord", "telegram", "mattermost", "rocketchat", "gitter", "irc", "discourse",
                           "github", "stackexchange", "mbox", "groupsio", "meetup") if (real / f).is_dir()]
    tables = ["source", "channel", "account", "person", "activity", "reaction", "membership_event", "rename",
              "recognition", "merge_event", "daily_rollup", "person_summary"]

    def state(w) -> dict:  # noqa: ANN001
        ensure_summary(w)
        with w.connect() as conn:
            assert in_step(conn)
            counted = {t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar_one() for t in tables}
            linked = conn.exec_driver_sql("SELECT count(*) FROM activity WHERE parent_id IS NOT NULL").scalar_one()
        return {**w.counts(), **counted, "linked replies": linked}

    ws = Workspace.open(tmp_path / "all.db")
    states = [state(ws)]
    for f in folders:
        ws.import_paths([real / f])
        states.append(state(ws))
    try:
        for run in range(len(folders), 0, -1):
            removal = remove_run(ws, run)
            assert state(ws) == states[run - 1], (folders[run - 1], removal.sentence())
    finally:
        ws.close()


def _state(ws) -> dict:  # noqa: ANN001
    """What a person sees of the workspace's rows: every message, account, person, channel and
    source with what an import can change in them, and the People directory's names."""
    ensure_summary(ws)
    queries = {
        "activities": "SELECT id, external_id, kind, text, size, edited_at, reaction_count, parent_external_id, "
                      "parent_id, root_id, is_question FROM activity ORDER BY id",
        "accounts": "SELECT id, external_id, handle, display_name, email, email_norm, is_bot, is_staff, is_deleted, "
                    "joined_at, person_id FROM account ORDER BY id",
        "people": "SELECT id, display_name, merged_into_id FROM person ORDER BY id",
        "channels": "SELECT id, external_id, name, kind FROM channel ORDER BY id",
        "sources": "SELECT id, external_id, name FROM source ORDER BY id",
        "directory": "SELECT person_id, name FROM person_summary ORDER BY person_id",
    }
    with ws.connect() as conn:
        return {"counts": ws.counts(), **{k: conn.exec_driver_sql(q).all() for k, q in queries.items()}}


@pytest.fixture
def edited_export(tmp_path):
    """April's export of March's chat: the chat renamed, Nia's question edited, Omar renamed (the
    same Telegram account) and his answer given three reactions, and Lee's first message."""
    def renamed(msg: dict, **changes) -> dict:  # noqa: ANN003
        return {**msg, **changes}

    nia, omar = message(1, "Nia", "How do I batch embeddings?"), message(2, "Omar", "Use the batch endpoint.", 1)
    april = [renamed(nia, text="How do I batch embeddings in v2?", edited="2024-04-02T09:00:00",
                     edited_unixtime="1712048400"),
             renamed(omar, **{"from": "Omar Haddad", "reactions": [{"type": "emoji", "count": 3, "emoji": "👍"}]}),
             message(3, "Lee", "Same question here")]
    path = tmp_path / "april-edited.json"
    path.write_text(json.dumps({"name": "Builders (v2)", "type": "public_supergroup", "id": 42, "messages": april}),
                    encoding="utf-8")
    return chat(tmp_path / "march-only.json", [nia, omar]), path


def test_what_a_removed_import_changed_in_earlier_rows_is_put_back(ws, edited_export):
    """A later export that changed what an earlier one brought (an edited question, a renamed
    member and chat, new reactions), taken back out: the workspace is the one before it, row for
    row, the People directory included. Its edits stayed, and the member kept the later name."""
    march, april = edited_export
    ws.import_paths([march])
    before = _state(ws)
    added = ws.import_paths([april])
    assert added.updated == 5 and added.by_kind == {"accounts": 1, "activities": 1}, added  # the chat: 2 rows
    changed = _state(ws)
    assert ("Omar Haddad" in {name for _, name, _ in changed["people"]}
            and changed["activities"][0][3] == "How do I batch embeddings in v2?"
            and changed["activities"][1][6] == 3 and changed["channels"][0][2] == "Builders (v2)")

    removal = remove_run(ws, 2)
    assert removal.sentence() == ("Removed import run 2: 1 account, 1 person, 1 activity. It had changed 5 rows of "
                                  "earlier imports (1 source, 1 channel, 1 account, 2 activities); they were put back "
                                  "as they were.")
    assert removal.as_dict()["changes_undone"] == 5 and removal.changes_kept == 0
    assert import_runs(ws)[0].removal.endswith(": 1 account, 1 person, 1 activity, 5 rows put back.")
    assert _state(ws) == before
    assert ensure_summary(ws) is False  # the People directory was kept in step

    again = ws.import_paths([april])  # read anew: the same changes once more
    assert again.run_id == 3 and again.updated == 5 and _state(ws) == changed | {"counts": _state(ws)["counts"]}
    changed = _state(ws)

    # May's export edits the question again: taken out, the question is April's, with April's edit time.
    may = json.loads(april.read_text(encoding="utf-8"))
    may["messages"][0].update(text="How do I batch embeddings in v3?", edited_unixtime="1714640400")
    april.with_name("may.json").write_text(json.dumps(may), encoding="utf-8")
    assert ws.import_paths([april.with_name("may.json")]).updated == 1
    assert _state(ws)["activities"][0][3:6] == ("How do I batch embeddings in v3?", 32, "2024-05-02 09:00:00.000000")
    assert remove_run(ws, 4).put_back == {"activities": 1}
    assert _state(ws) == changed and changed["activities"][0][5] == "2024-04-02 09:00:00.000000"


def test_an_export_that_only_renames_the_chat_is_a_run_that_can_be_taken_back(cli, tmp_path, two_exports):
    """The same messages under a new chat name: the import did change the workspace, so it says so
    and keeps a run; removing that run gives the chat its name back. The same file once more is
    nothing new."""
    march, _ = two_exports
    renamed = tmp_path / "renamed" / "result.json"
    renamed.parent.mkdir()
    renamed.write_text(march.read_text(encoding="utf-8").replace('"Builders"', '"Builders Hub"'), encoding="utf-8")
    ws = tmp_path / "w.db"
    assert cli("import", "--workspace", ws, march).code == 0

    said = cli("import", "--workspace", ws, renamed)
    assert said.code == 0 and "Import run 2: read " in said.out, said
    assert "added nothing new; updated 2 (1 source, 1 channel)," in said.out, said
    runs = cli("runs", "--workspace", ws, "--json").json()
    # run 1 added 2 accounts and 2 messages; run 2 renamed the chat (its source and its channel)
    assert [(r["run"], r["added"], r["updated"]) for r in runs] == [(2, 0, 2), (1, 4, 0)], runs
    assert runs[0]["updated_by_kind"] == {"sources": 1, "channels": 1}
    assert "updated 2 (1 source, 1 channel), unchanged" in cli("runs", "2", "--workspace", ws).out
    status = cli("status", "--workspace", ws, "--json").json()
    assert cli("import", "--workspace", ws, renamed).out.count("Nothing new") == 1
    assert cli("status", "--workspace", ws, "--json").json() == status

    removed = cli("runs", "2", "--remove", "--workspace", ws)
    assert removed.out.strip() == ("Removed import run 2: it had added nothing. It had changed 2 rows of earlier "
                                   "imports (1 source, 1 channel); they were put back as they were."), removed
    with sqlite3.connect(ws) as conn:
        assert conn.execute("SELECT name FROM channel UNION ALL SELECT name FROM source").fetchall() == \
            [("Builders",), ("Builders",)]


def test_a_run_imported_before_replaced_values_were_kept_says_its_changes_stay(ws, edited_export):
    """A run imported with an earlier version, which kept no replaced values, leaves its changes and
    says so, as removals did before."""
    march, april = edited_export
    ws.import_paths([march])
    ws.import_paths([april])
    with ws.connect() as conn, conn.begin():
        conn.exec_driver_sql("DELETE FROM import_change")
    removal = remove_run(ws, 2)
    assert removal.sentence() == ("Removed import run 2: 1 account, 1 person, 1 activity. The 5 changes it made to what "
                                  "earlier imports brought stay: it was imported before the workspace kept what an "
                                  "import replaces.")
    assert names(ws) == {"Nia", "Omar Haddad"}


def test_a_removed_import_is_brought_back_by_importing_again_what_it_was_given(ws, two_exports):
    """Undoing a removal: the run kept what it was given (its paths and options), so the same is
    imported again, once its files are found as they were; a run brought back, a run still in the
    workspace, a file gone or changed since are each said in one sentence."""
    from workbench.removing import to_bring_back

    first, second = two_exports
    ws.import_paths([first])
    ws.import_paths([second], options={"telegram": {"timezone": "Europe/Berlin", "ask_zone": True}})
    whole, linked = ws.counts(), links(ws)
    remove_run(ws, 2)
    paths, options = to_bring_back(ws, 2)
    assert paths == [str(second)] and options == {"telegram": {"timezone": "Europe/Berlin"}}
    again = ws.import_paths(paths, options=options)
    assert again.run_id == 3 and ws.counts() == whole and links(ws) == linked
    with pytest.raises(WorkbenchError, match="^Import run 2 was brought back already: run 3 imported the same again.$"):
        to_bring_back(ws, 2)
    assert import_runs(ws)[1].removal.endswith(": 1 account, 1 person, 2 activities. Brought back as run 3.")
    with pytest.raises(WorkbenchError, match="^Import run 1 is in the workspace; there is nothing to bring back.$"):
        to_bring_back(ws, 1)

    remove_run(ws, 3)
    second.write_text(second.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # the export written anew
    with pytest.raises(WorkbenchError) as changed:
        to_bring_back(ws, 3)
    assert str(changed.value) == (f"Import run 3 cannot be brought back as it was: its file {second} has changed since "
                                  f"({second.stat().st_size - 1:,} bytes then, {second.stat().st_size:,} now). Import "
                                  "it again if that is what you want.")
    second.rename(second.with_name("moved.json"))
    with pytest.raises(WorkbenchError, match=f"^Import run 3 cannot be brought back: {second} is not on this "
                                             r"computer \(moved or deleted since, or imported on another one\)\. "):
        to_bring_back(ws, 3)
    with ws.connect() as conn, conn.begin():  # a run of an earlier version kept nothing of what it was given
        conn.exec_driver_sql("UPDATE import_run SET inputs = NULL WHERE id = 3")
    with pytest.raises(WorkbenchError, match="^Import run 3 was imported before the workspace kept what an import was "
                                             "given; import its files again"):
        to_bring_back(ws, 3)


def test_a_flag_set_back_by_hand_since_is_no_change_kept(ws, tmp_path):
    """A later member list that called a member a bot, then the user saying they are not: the
    removal puts the name back, finds the flag already as it was, and says the row was put back
    (not "kept as changed since"); the user's word on the flag stays the user's."""
    from workbench.people.flags import set_account_flags

    first, later = tmp_path / "before" / "users.json", tmp_path / "after" / "users.json"
    first.parent.mkdir()
    later.parent.mkdir()
    first.write_text('[{"id": "U1", "name": "helper", "real_name": "Helper"}]', encoding="utf-8")
    later.write_text('[{"id": "U1", "name": "helper", "real_name": "Helper Bot", "is_bot": true}]', encoding="utf-8")
    ws.import_paths([first])
    ws.import_paths([later])
    with ws.connect() as conn:
        account = conn.execute(select(Account.id, Account.is_bot)).one()
    assert account.is_bot is True
    set_account_flags(ws, account.id, bot=False)  # the account's own flag, by hand
    removal = remove_run(ws, 2)
    assert removal.sentence().endswith(" It had changed 1 row of earlier imports (1 account); it was put back as it "
                                       "was."), removal.sentence()
    assert removal.changes_kept == 0
    with ws.connect() as conn:
        assert conn.execute(select(Account.display_name, Account.is_bot, Account.flags_set_by_user)).one() == (
            "Helper", False, True)


def test_a_run_is_not_brought_back_with_other_bytes_or_with_files_added_since(ws, two_exports, tmp_path):
    """Bringing back is undoing a removal: the same bytes, and nothing more. A file rewritten to
    the same size is found by its SHA-256; a folder the run was given that holds a file added since
    refuses the import that read it, before anything is committed."""
    import shutil

    from workbench.removing import read_only_its_files, to_bring_back

    first, second = two_exports
    ws.import_paths([first])
    ws.import_paths([second])
    remove_run(ws, 2)
    text = second.read_text(encoding="utf-8")
    second.write_text(text.replace("Same question here", "Same question HERE"), encoding="utf-8")  # one word edited
    with pytest.raises(WorkbenchError) as changed:
        to_bring_back(ws, 2)
    assert str(changed.value).startswith(f"Import run 2 cannot be brought back as it was: its file {second} has "
                                         f"changed since (the same size, {len(text.encode()):,} bytes, but other "
                                         "bytes: its SHA-256 is ")
    second.write_text(text, encoding="utf-8")
    seen: list[str] = []
    assert to_bring_back(ws, 2, lambda f, m: seen.append(m))[0] == [str(second)]
    assert seen == ["Checking april.json"]

    guild = tmp_path / "guild"
    shutil.copytree(DATA / "discord" / "guild", guild)
    ws.import_paths([guild])
    before = ws.counts()
    remove_run(ws, 3)
    removed = ws.counts()
    later = guild / "Makers - Chat - showcase [900000000000000300].json"  # exported since into the same folder
    doc = json.loads((guild / "Makers - Chat - general [900000000000000100].json").read_text(encoding="utf-8"))
    doc["channel"] = {**doc["channel"], "id": "900000000000000300", "name": "showcase"}
    doc["messages"] = [{**m, "id": str(int(m["id"]) + 7)} for m in doc["messages"]]
    later.write_text(json.dumps(doc), encoding="utf-8")
    paths, options = to_bring_back(ws, 3)  # its own files are as they were
    with pytest.raises(WorkbenchError) as added:
        ws.import_paths(paths, options=options, before_commit=read_only_its_files(3))
    assert str(added.value) == ("Import run 3 cannot be brought back as it was: 1 file beside the ones it read was "
                                f"added since and would be imported with them: {later}. Nothing was imported; import "
                                "the folder again if that is what you want.")
    assert ws.counts() == removed
    later.unlink()
    ws.import_paths(paths, options=options, before_commit=read_only_its_files(3))
    assert ws.counts() == before


def test_a_later_export_that_moved_an_answer_to_another_question_is_undone_down_the_thread(ws, tmp_path):
    """April's export says the answer replied to the second question: the answer and the reply
    below it move to that thread. Taking April back out puts both under the first question again."""
    def export(name: str, answered: int):  # noqa: ANN202
        return chat(tmp_path / name, [message(1, "Nia", "Q1?"), message(2, "Omar", "Q2?"),
                                      message(3, "Lee", "answer", reply_to=answered),
                                      message(4, "Ann", "thanks", reply_to=3)])

    march, april = export("march.json", 1), export("april.json", 2)
    ws.import_paths([march])
    before = links(ws)
    assert before["answer"] == ("Q1?", "Q1?") and before["thanks"] == ("answer", "Q1?")
    ws.import_paths([april])
    assert links(ws)["answer"] == ("Q2?", "Q2?") and links(ws)["thanks"] == ("answer", "Q2?")
    remove_run(ws, 2)
    assert links(ws) == before
