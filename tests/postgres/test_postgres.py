"""A team's workspace on PostgreSQL: the same commands give the same answers as a workspace file.

Everything runs against a real PostgreSQL server (``conftest.py``): imports of the real exports and
of a synthetic community, idempotent re-imports, refused files, merges, recognitions, the champion
programme, reports, audit packs and the window.
"""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from workbench.store.dialect import utc_day
from workbench.store.models import Account, Activity
from workbench.workspace import Workspace

pytestmark = pytest.mark.slow

# Every chat, forum, code and mail export among the real samples.
REAL_FOLDERS = ["slack", "discord", "telegram", "mattermost", "rocketchat", "gitter", "irc", "discourse", "github",
                "stackexchange", "mbox", "groupsio", "meetup"]


def _without_ids(value):  # noqa: ANN001, ANN202
    """A command's JSON answer with the workspace's own row ids left out: they number rows in the
    order each database wrote them, which is no part of the answer."""
    if isinstance(value, dict):
        return {k: _without_ids(v) for k, v in value.items() if k not in ("person_id", "a", "b", "run_id")}
    if isinstance(value, list):
        return [_without_ids(v) for v in value]
    return value


def _same_answers(cli, file_ws: str, server_ws: str, *command: str) -> None:
    a, b = cli(*command, "--workspace", file_ws, "--json"), cli(*command, "--workspace", server_ws, "--json")
    assert a.code == b.code == 0, (a, b)
    left, right = _without_ids(a.json()), _without_ids(b.json())
    if isinstance(left, list):  # rows in the same order up to ties broken by row id
        left, right = (sorted(x, key=lambda r: json.dumps(r, sort_keys=True)) for x in (left, right))
    assert left == right, f"{' '.join(command)} answers differently on PostgreSQL"


@pytest.mark.acceptance
def test_the_real_exports_give_the_same_answers_on_postgresql(cli, real, pg_url, tmp_path):
    inputs = [str(real / f) for f in REAL_FOLDERS if (real / f).is_dir()]
    file_ws = str(tmp_path / "file.db")
    for ws in (file_ws, pg_url):
        done = cli("import", "--workspace", ws, "--json", *inputs)
        assert done.code == 0, done
    assert cli("status", "--workspace", pg_url, "--json").json()["activities"] > 5000
    _same_answers(cli, file_ws, pg_url, "status")
    _same_answers(cli, file_ws, pg_url, "metrics", "--from", "2000-01-01", "--to", "2026-12-31")
    _same_answers(cli, file_ws, pg_url, "metrics")  # the last 90 days of data
    _same_answers(cli, file_ws, pg_url, "people", "list", "--limit", "0")
    _same_answers(cli, file_ws, pg_url, "people", "suggestions")
    _same_answers(cli, file_ws, pg_url, "champions", "candidates", "--as-of", "2024-01-01")
    _same_answers(cli, file_ws, pg_url, "champions", "gap")
    # Importing the same exports again changes nothing.
    before = cli("status", "--workspace", pg_url, "--json").json()
    again = cli("import", "--workspace", pg_url, "--json", *inputs)
    assert again.code == 0 and cli("status", "--workspace", pg_url, "--json").json() == before


def _daily_active(url: str, platform: str) -> dict[str, int]:
    ws = Workspace.open(url)
    try:
        with ws.connect() as conn:
            day = utc_day(conn, Activity.created_at)
            q = (select(day, func.count(func.distinct(Activity.account_id)))
                 .join(Account, Account.id == Activity.account_id)
                 .where(Activity.platform == platform, Account.is_bot.is_(False)).group_by(day))
            return {str(d): n for d, n in conn.execute(q)}
    finally:
        ws.close()


def test_a_synthetic_community_on_postgresql_matches_its_truth(community, pg_url, cli, tmp_path):
    """Every message once, on its UTC day, by the right person: daily active people per platform
    equal the generator's truth. A truncated file is refused and changes nothing."""
    folder = community(messages=20000, members=800)
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    inputs = [folder / "slack_export.zip", folder / "discord", folder / "telegram" / "result.json"]
    done = cli("import", "--workspace", pg_url, "--json", *inputs)
    assert done.code == 0, done
    status = cli("status", "--workspace", pg_url, "--json").json()
    assert status["activities"] == truth["messages"]
    for platform in ("slack", "discord", "telegram"):
        assert _daily_active(pg_url, platform) == truth["daily_active_people"][platform], platform
    # A later export that is cut short: one sentence, and the workspace as it was.
    channel = sorted((folder / "discord").glob("*.json"))[0]
    cut = tmp_path / channel.name
    cut.write_bytes(channel.read_bytes()[: channel.stat().st_size // 2])
    refused = cli("import", "--workspace", pg_url, str(cut))
    assert refused.code != 0 and cut.name in refused.err
    assert cli("status", "--workspace", pg_url, "--json").json() == status


def test_an_import_taken_back_out_on_postgresql_leaves_the_others_whole(community, pg_url, cli, tmp_path):
    """Slack, then Discord, then Telegram as three runs; the Discord run taken out: the workspace
    answers as one that never had it (a file workspace beside it), the other platforms still match
    the truth, and importing the channels again brings Discord's back exactly."""
    folder = community(messages=20000, members=800)
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    file_ws, never = str(tmp_path / "file.db"), str(tmp_path / "never.db")
    for ws, inputs in ((pg_url, ["slack_export.zip", "discord", "telegram/result.json"]),
                       (file_ws, ["slack_export.zip", "discord", "telegram/result.json"]),
                       (never, ["slack_export.zip", "telegram/result.json"])):
        for name in inputs:
            assert cli("import", "--workspace", ws, folder / name).code == 0
    without = cli("status", "--workspace", never, "--json").json()["activities"]
    for ws in (pg_url, file_ws):
        whole = cli("status", "--workspace", ws, "--json").json()["activities"]
        removed = cli("runs", "2", "--remove", "--workspace", ws, "--json")
        assert removed.code == 0 and removed.json()["removed"]["activities"] == whole - without > 0, removed
    _same_answers(cli, file_ws, pg_url, "status")
    _same_answers(cli, never, pg_url, "status")
    _same_answers(cli, never, pg_url, "metrics", "--from", "2000-01-01", "--to", "2026-12-31")
    for platform in ("slack", "telegram"):
        assert _daily_active(pg_url, platform) == truth["daily_active_people"][platform], platform
    assert _daily_active(pg_url, "discord") == {}
    assert cli("import", "--workspace", pg_url, folder / "discord").code == 0
    assert _daily_active(pg_url, "discord") == truth["daily_active_people"]["discord"]


def test_teammates_importing_at_once_take_turns(community, pg_url, cli, tmp_path):
    """Two teammates import the same Slack export into the team's server while a third imports the
    Discord channels: every command succeeds, and the workspace holds each export once, as a file
    imported one after the other does. (Before, one of the two Slack imports failed on a duplicate
    key.)"""
    import subprocess
    import sys

    folder = community(messages=20000, members=800)
    slack, discord = str(folder / "slack_export.zip"), str(folder / "discord")
    runs = [subprocess.Popen([sys.executable, "-m", "workbench", "import", "--workspace", pg_url, path],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for path in (slack, discord, slack)]
    done = [(p.wait(timeout=600), p.stderr.read()) for p in runs]
    assert [code for code, _ in done] == [0, 0, 0], done
    file_ws = str(tmp_path / "file.db")
    assert cli("import", "--workspace", file_ws, slack, discord).code == 0
    on_file = cli("status", "--workspace", file_ws, "--json").json()
    on_server = cli("status", "--workspace", pg_url, "--json").json()
    assert {k: on_server[k] for k in ("sources", "accounts", "activities")} == \
        {k: on_file[k] for k in ("sources", "accounts", "activities")}
    assert on_server["import_runs"] == 2  # the second Slack import found it all there and recorded nothing


def test_a_write_that_waits_too_long_for_another_says_the_workspace_is_busy(pg_url, monkeypatch):
    from workbench.errors import WorkspaceBusy
    from workbench.store import dialect

    monkeypatch.setattr(dialect, "BUSY_TIMEOUT_S", 1)
    first, second = Workspace.open(pg_url), Workspace.open(pg_url)
    try:
        with first.write_conn():  # a teammate's long import, still writing
            with pytest.raises(WorkspaceBusy, match=r"is busy: another program .* for over 1 second\. Nothing was "
                                                    r"changed; try again when it has finished\."):
                second.set_setting("reporting.timezone", "Europe/Lisbon")
        assert second.get_setting("reporting.timezone") is None
        second.set_setting("reporting.timezone", "Europe/Lisbon")  # once the other has finished
        assert first.get_setting("reporting.timezone") == "Europe/Lisbon"
    finally:
        first.close()
        second.close()


def test_people_the_programme_and_reports_on_postgresql(cli, pg_url, tmp_path, monkeypatch):
    """What a team does day to day, on the shared server: merge and undo, recognize, move people
    through the programme, write reports and an audit pack that verifies."""
    assert cli("demo", "--workspace", pg_url).code == 0
    people = cli("status", "--workspace", pg_url, "--json").json()["people"]
    first = cli("people", "suggestions", "--workspace", pg_url, "--json").json()[0]
    merged = cli("people", "merge", "--workspace", pg_url, str(first["a"]), str(first["b"]))
    assert merged.code == 0, merged
    assert cli("status", "--workspace", pg_url, "--json").json()["people"] == people - 1
    assert cli("people", "unmerge", "--workspace", pg_url, str(first["b"])).code == 0
    assert cli("status", "--workspace", pg_url, "--json").json()["people"] == people

    gap = cli("champions", "gap", "--workspace", pg_url, "--json").json()
    someone = gap[0]["person_id"]
    assert cli("recognize", "--workspace", pg_url, "--kind", "swag", "--note", "hoodie", str(someone)).code == 0
    after = cli("champions", "gap", "--workspace", pg_url, "--json").json()
    assert someone not in [r["person_id"] for r in after]
    assert cli("champions", "move", "--workspace", pg_url, "--reason", "answers newcomers", str(someone),
               "candidate").code == 0
    history = cli("champions", "history", "--workspace", pg_url, str(someone))
    assert history.code == 0 and "answers newcomers" in history.out
    # A day typed in Kiritimati stays that day once the team reports in Honolulu, 24 hours behind.
    assert cli("settings", "--workspace", pg_url, "reporting.timezone", "Pacific/Kiritimati").code == 0
    assert cli("recognize", "--workspace", pg_url, "--kind", "badge", "--date", "2024-05-16", str(someone)).code == 0
    assert cli("settings", "--workspace", pg_url, "reporting.timezone", "Pacific/Honolulu").code == 0
    log = cli("champions", "log", "--workspace", pg_url, str(someone)).out.splitlines()
    assert any(line.split()[1] == "2024-05-16" and "badge" in line for line in log), log
    # A recognition deleted by mistake comes back, under its own id.
    given = cli("champions", "log", "--workspace", pg_url, "--json", str(someone)).json()
    badge = next(g["id"] for g in given if g["kind"] == "badge")
    assert cli("champions", "log", "--workspace", pg_url, "--delete", str(badge)).code == 0
    assert [g["id"] for g in cli("champions", "log", "--workspace", pg_url, "--json").json()].count(badge) == 0
    assert "Brought back the badge" in cli("champions", "log", "--workspace", pg_url, "--undo-delete").out
    assert badge in [g["id"] for g in cli("champions", "log", "--workspace", pg_url, "--json").json()]
    assert cli("people", "tag", "--workspace", pg_url, str(someone), "meetup host").code == 0
    assert cli("people", "note", "--workspace", pg_url, str(someone), "Runs the Lisbon meetup").code == 0
    shown = cli("people", "show", "--workspace", pg_url, "--json", str(someone)).json()
    assert shown["tags"] == ["meetup host"] and [n["text"] for n in shown["notes"]] == ["Runs the Lisbon meetup"]

    from openpyxl import load_workbook

    figures = cli("metrics", "--workspace", pg_url, "--json").json()["figures"]
    xlsx = tmp_path / "report.xlsx"
    assert cli("report", "--workspace", pg_url, "--format", "xlsx", "--out", xlsx).code == 0
    rows = list(load_workbook(xlsx)["Summary"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[:2] == ("figure", "label"))
    sheet = {r[0]: r[2] for r in rows[start + 1:] if r[0]}
    assert sheet["active_people"] == figures["active_people"] > 0
    html = tmp_path / "report.html"
    assert cli("report", "--workspace", pg_url, "--format", "html", "--out", html).code == 0
    assert "Community health report" in html.read_text(encoding="utf-8")
    pack = tmp_path / "audit.wbpack"
    monkeypatch.setenv("WB_PSEUDONYM_KEY", "a key of at least sixteen characters")
    assert cli("pack", "--workspace", pg_url, "--out", pack, "--pseudonymize", "--key-from-env",
               "WB_PSEUDONYM_KEY").code == 0
    assert cli("pack", "verify", pack).code == 0


def test_the_window_opens_on_a_postgresql_workspace(qtbot, pg_url, tmp_path):
    """The Dashboard of a demo on the server reads as the same demo in a file."""
    from PySide6.QtCore import QLocale

    from workbench.demo import build_demo
    from workbench.ui.app import create_app, create_window
    from workbench.ui.pages.dashboard import DashboardPage

    before = QLocale()
    QLocale.setDefault(QLocale.c())  # figures as the window writes them without a locale
    cards = {}
    for where in (str(tmp_path / "demo.db"), pg_url):
        ws = Workspace.open(where)
        build_demo(ws, members=120)
        ws.close()
        create_app()
        window = create_window(where)
        qtbot.addWidget(window, before_close_func=lambda w: w.ctx.wait_for_tasks(20000))
        window.show()
        page = window.page("DashboardPage")
        assert isinstance(page, DashboardPage)
        window.show_page("DashboardPage")
        qtbot.waitUntil(lambda p=page: p.cards["active_people"].value.text() not in ("", "—"), timeout=60000)
        cards[where] = {k: c.value.text() for k, c in page.cards.items()}
        window.ctx.wait_for_tasks(30000)
        window.ctx.ws.close()
        window.close()
    QLocale.setDefault(before)
    assert cards[pg_url] == cards[str(tmp_path / "demo.db")]


def test_the_migrations_create_exactly_the_models_on_postgresql(pg_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from workbench.store import db
    from workbench.store.models import Base

    ws = Workspace.open(pg_url)
    try:
        assert db.current_revision(ws.engine) == db.head_revision()
        with ws.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
        assert diff == [], f"models and migrations differ on PostgreSQL: {diff}"
    finally:
        ws.close()


def test_a_server_password_is_kept_in_the_keyring_not_in_the_address(teammate, memory_keyring, monkeypatch,
                                                                    capsys):
    """`workbench password` checks the password with the server and keeps it in the OS keyring;
    then an address without it opens the workspace. It is in no file, setting or address."""
    import io
    import sys

    from workbench.cli.main import main
    from workbench.errors import WorkspaceError

    url, secret = teammate
    with pytest.raises(WorkspaceError, match="no password supplied") as refused:
        Workspace.open(url)
    assert "`workbench password --workspace ADDRESS`" in refused.value.message
    monkeypatch.setattr(sys, "stdin", io.StringIO("not-the-password\n"))
    assert main(["password", "--workspace", url]) == 2
    assert "did not take the password, so it was not kept" in capsys.readouterr().err
    assert memory_keyring.store == {}
    monkeypatch.setattr(sys, "stdin", io.StringIO(secret + "\n"))
    assert main(["password", "--workspace", url]) == 0
    assert "kept in the system keyring" in capsys.readouterr().out
    ws = Workspace.open(url)
    assert ws.counts()["activities"] == 0 and secret not in ws.location
    ws.close()
    [(service, name)] = memory_keyring.store
    assert memory_keyring.store[(service, name)] == secret and secret not in name
    assert main(["password", "--forget", "--workspace", url]) == 0
    with pytest.raises(WorkspaceError, match="no password supplied"):
        Workspace.open(url)


def _window_on(qtbot, path):  # noqa: ANN001, ANN202
    from workbench.ui.app import create_app, create_window

    create_app()
    window = create_window(str(path))
    qtbot.addWidget(window, before_close_func=lambda w: w.ctx.wait_for_tasks(20000))
    window.show()
    return window


def test_the_window_opens_a_server_workspace_in_the_background(qtbot, teammate, memory_keyring, tmp_path):
    """File ▸ Open server workspace: the server asks for the password, it is typed once and kept;
    the next time the address alone opens it, from File ▸ Open recent. The window stays on its
    file meanwhile, and a server is never opened by itself at the next start."""

    url, secret = teammate
    window = _window_on(qtbot, tmp_path / "own.db")
    window.open_server_dialog(url)
    dialog = window.server_dialog
    dialog.buttons.accepted.emit()  # Open
    qtbot.waitUntil(lambda: "wants a password" in dialog.status.text(), timeout=30000)
    assert window.ctx.ws.location.endswith("own.db")
    dialog.password.setText(secret)
    assert dialog.keep.isChecked()
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: "://" in window.ctx.ws.location, timeout=30000)
    assert not dialog.isVisible() and url in window.windowTitle() and secret not in window.windowTitle()
    assert list(memory_keyring.store.values()) == [secret]
    assert window.ctx.recent_workspaces()[0] == url
    assert window.ctx.settings.value("last_workspace").endswith("own.db")
    window.open_workspace(str(tmp_path / "own.db"))
    # Again, from the recent list: the kept password is used.
    window._fill_recent()
    window.recent_menu.actions()[0].trigger()
    window.server_dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: "://" in window.ctx.ws.location, timeout=30000)
    window.ctx.settings.sync()
    settings = window.ctx.settings.fileName()
    assert secret not in open(settings, encoding="utf-8").read()
    window.ctx.wait_for_tasks(30000)
    window.ctx.ws.close()


def test_cancel_leaves_the_window_on_its_workspace(qtbot, pg_url, tmp_path, monkeypatch):
    """Cancel while connecting: the window stays on the workspace it had, and the server's
    workspace, when it arrives after all, is closed rather than shown."""
    from workbench.ui.server_dialog import ServerDialog

    answered, closed = [], []
    done = ServerDialog._done
    monkeypatch.setattr(ServerDialog, "_done", lambda self, task, address, result: (
        answered.append(result[0]), done(self, task, address, result)))
    close = Workspace.close
    monkeypatch.setattr(Workspace, "close", lambda self: (closed.append(self), close(self)))
    window = _window_on(qtbot, tmp_path / "own.db")
    window.open_server_dialog(pg_url)
    dialog = window.server_dialog
    dialog.buttons.accepted.emit()  # Open: the connection starts in the background
    assert dialog.task is not None and dialog.status.text() == "Connecting…"
    dialog.reject()  # Cancel, before the answer is handed to the window's thread
    qtbot.waitUntil(lambda: bool(answered), timeout=30000)  # the server answered after all
    assert answered[0] in closed and "://" in answered[0].location  # and its workspace was closed
    assert window.ctx.ws.location.endswith("own.db") and "own.db" in window.windowTitle()
    assert pg_url not in window.ctx.recent_workspaces()
    window.ctx.wait_for_tasks(30000)
    window.ctx.ws.close()


def test_opening_the_workspace_waits_for_no_ones_import(pg_url, monkeypatch):
    """A teammate opens the team's workspace (the window, `workbench status`) while another's
    import is writing: it opens at once; only writing waits."""
    from workbench.store import dialect

    monkeypatch.setattr(dialect, "BUSY_TIMEOUT_S", 1)
    Workspace.open(pg_url).close()  # the workspace exists, at this workbench's version
    importing = Workspace.open(pg_url)
    try:
        with importing.write_conn():
            other = Workspace.open(pg_url)
            assert other.counts()["activities"] == 0
            other.close()
    finally:
        importing.close()


def test_a_teammates_change_is_seen_and_our_own_is_not(pg_url):
    import time

    from workbench.store.dialect import lock_for_writing
    from workbench.store.watch import ChangeWatch

    def seen(within: float = 10.0) -> bool:  # a notice arrives a moment after the commit
        end = time.monotonic() + within
        while time.monotonic() < end:
            if watch.changed():
                return True
            time.sleep(0.05)
        return False

    mine, theirs = Workspace.open(pg_url), Workspace.open(pg_url)
    watch = ChangeWatch(mine)
    try:
        assert not watch.changed()
        theirs.set_setting("reporting.timezone", "Asia/Tokyo")
        assert seen() and not watch.changed()  # told once
        # Our own write is never told, even when the window looks before its notice arrives.
        mine.set_setting("reporting.timezone", "Europe/Lisbon")
        assert not watch.changed()
        assert not seen(within=1.0)
        with mine.engine.begin() as conn:  # its notice arriving only after the window looked
            lock_for_writing(conn, mine.writer_id)
        assert not seen(within=1.0)
        with pytest.raises(ValueError):  # a write that rolls back tells no one
            with theirs.write_conn():
                raise ValueError("changed my mind")
        assert not seen(within=1.0)
        theirs.set_setting("reporting.timezone", "UTC")
        assert seen()
    finally:
        watch.close()
        mine.close()
        theirs.close()


def test_a_channel_from_its_csv_and_then_its_json_counts_each_message_once_on_postgresql(cli, pg_url, tmp_path):
    """The JSON of a channel imported after its DiscordChatExporter CSV gives the CSV's rows their
    message ids on the server too: the same activities, replies and reactions as a workspace file."""
    import csv
    from pathlib import Path

    channel = next((Path(__file__).resolve().parent.parent / "data" / "discord" / "guild").glob("*general*100*.json"))
    rows = json.loads(channel.read_text(encoding="utf-8"))["messages"]
    exported = tmp_path / channel.with_suffix(".csv").name
    with open(exported, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["AuthorID", "Author", "Date", "Content", "Attachments", "Reactions"])
        out.writerows([m["author"]["id"], m["author"]["name"], m["timestamp"], m.get("content", ""), "", ""]
                      for m in rows if m.get("timestamp"))
    file_ws = str(tmp_path / "file.db")
    for ws in (file_ws, pg_url):
        for path in (exported, channel):
            assert cli("import", "--workspace", ws, "--json", str(path)).code == 0
    # the 3 rows of the CSV, given their ids, and the one message it left out (it has no time)
    assert cli("status", "--workspace", pg_url, "--json").json()["activities"] == 4
    _same_answers(cli, file_ws, pg_url, "status")
    _same_answers(cli, file_ws, pg_url, "helpers", "--from", "2024-01-01", "--to", "2024-12-31")

    # The JSON's run taken back out: the rows are the CSV's again, as in a workspace that never read it.
    csv_only = str(tmp_path / "csv-only.db")
    assert cli("import", "--workspace", csv_only, str(exported)).code == 0
    for ws in (file_ws, pg_url):
        removed = cli("runs", "2", "--remove", "--workspace", ws, "--json")
        assert removed.code == 0 and removed.json()["changes_undone"] >= 4 and removed.json()["changes_kept"] == 0
    for command in (("status",), ("people", "list"), ("unanswered", "--from", "2024-01-01", "--to", "2024-12-31")):
        _same_answers(cli, csv_only, pg_url, *command)
    assert cli("import", "--workspace", pg_url, str(channel)).code == 0
    assert cli("status", "--workspace", pg_url, "--json").json()["activities"] == 4


def test_an_import_taken_back_out_puts_back_the_edit_times_it_replaced_on_postgresql(pg_url, tmp_path):
    """A chat's export edited twice (April, then May): May's run taken out on the server gives the
    question April's text and April's edit time back, as on a workspace file."""
    from workbench.removing import remove_run
    from workbench.workspace import Workspace

    def export(name: str, text: str, edited: str | None) -> str:
        msg = {"id": 1, "type": "message", "date": "2024-03-01T10:00:00", "date_unixtime": "1709287200",
               "from": "Nia", "from_id": "user1", "text": text}
        if edited:
            msg["edited_unixtime"] = edited
        path = tmp_path / name
        path.write_text(json.dumps({"name": "Builders", "type": "public_supergroup", "id": 42, "messages": [msg]}),
                        encoding="utf-8")
        return str(path)

    ws = Workspace.open(pg_url)
    try:
        def question() -> tuple:
            with ws.connect() as conn:
                return tuple(conn.exec_driver_sql("SELECT text, edited_at FROM activity").one())

        ws.import_paths([export("march.json", "How do I batch?", None)])
        ws.import_paths([export("april.json", "How do I batch in v2?", "1712048400")])
        april = question()
        ws.import_paths([export("may.json", "How do I batch in v3?", "1714640400")])
        assert question()[0] == "How do I batch in v3?"
        assert remove_run(ws, 3).put_back == {"activities": 1}
        assert question() == april and april[1].isoformat().startswith("2024-04-02T09:00:00")
    finally:
        ws.close()
