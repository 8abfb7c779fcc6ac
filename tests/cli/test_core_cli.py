"""The `workbench` command through its real entry point: status, import errors, demo."""
from __future__ import annotations

import json


def test_status_json_prints_exactly_the_counts(cli, ws, ws_path):
    r = cli("status", "--workspace", ws_path, "--json")
    assert r.code == 0, r
    assert json.loads(r.out) == {"sources": 0, "accounts": 0, "people": 0, "activities": 0, "import_runs": 0}


def test_status_for_people(cli, ws, ws_path):
    r = cli("status", "--workspace", ws_path)
    assert r.code == 0, r
    assert "Activities:" in r.out and str(ws_path) in r.out


def test_status_of_a_mistyped_path_says_so_and_creates_nothing(cli, ws, tmp_path):
    typo = tmp_path / "worksapce.db"
    r = cli("status", "--workspace", typo, "--json")
    assert r.code == 2 and r.out == "", r
    assert [line for line in r.err.splitlines() if line.strip()] == [f"workbench: There is no workspace at {typo}."]
    assert not typo.exists()


def test_import_of_a_missing_path_exits_2_with_one_sentence_and_writes_nothing(cli, ws, ws_path):
    r = cli("import", "--workspace", ws_path, "/nonexistent")
    assert r.code == 2, r
    lines = [line for line in r.err.splitlines() if line.strip()]
    assert lines == ["workbench: /nonexistent: no such file or folder."]
    assert cli("status", "--workspace", ws_path, "--json").json()["import_runs"] == 0


def test_import_of_an_unknown_format_names_the_file(cli, ws_path, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list: milk, eggs\n")
    empty = tmp_path / "empty.json"
    empty.write_text("")
    r = cli("import", "--workspace", ws_path, notes)
    assert r.code == 2 and f"{notes}: not an export format the workbench knows." in r.err, r
    r = cli("import", "--workspace", ws_path, empty)
    assert r.code == 2 and f"{empty}: the file is empty." in r.err, r
    r = cli("import", "--workspace", ws_path, notes, "/nonexistent")
    assert r.code == 2 and "2 paths cannot be imported" in r.err and "/nonexistent" in r.err, r
    assert not ws_path.exists() or cli("status", "--workspace", ws_path, "--json").json()["activities"] == 0


def test_demo_builds_a_living_workspace(cli, tmp_path):
    db = tmp_path / "d.db"
    r = cli("demo", "--workspace", db)
    assert r.code == 0, r
    counts = cli("status", "--workspace", db, "--json").json()
    assert counts["sources"] >= 2 and counts["accounts"] >= 250 and counts["activities"] >= 5000
    assert counts["import_runs"] == 1
    # The team already joined some people's Slack and Discord accounts; others wait as suggestions.
    assert 0 < counts["people"] < counts["accounts"]
    suggested = cli("people", "suggestions", "--workspace", db, "--json").json()
    assert len(suggested) > 0
    again = cli("demo", "--workspace", db)
    assert again.code == 2 and "already holds data" in again.err
    assert cli("demo", "--workspace", db, "--if-missing").code == 0
    assert cli("status", "--workspace", db, "--json").json() == counts
    missing = cli("import", "--workspace", db, "/nonexistent")
    assert missing.code == 2
    assert cli("status", "--workspace", db, "--json").json() == counts


def test_version_and_help(cli):
    r = cli("--version")
    assert r.code == 0 and "workbench" in r.out
    r = cli("--help")
    assert r.code == 0
    for command in ("import", "status", "demo", "gui", "export-metrics"):
        assert command in r.out


def test_an_unknown_option_is_told_by_its_command_with_that_commands_usage(cli):
    r = cli("champions", "candidates", "--from", "2024-01-01")
    assert r.code == 2
    assert r.err.startswith("usage: workbench champions candidates ") and "--as-of DATE" in r.err
    assert r.err.strip().endswith("workbench champions candidates: error: unrecognized arguments: --from 2024-01-01")
    r = cli("status", "--bogus")
    assert r.code == 2 and r.err.strip().endswith("workbench status: error: unrecognized arguments: --bogus")


def test_import_help_names_every_format_it_reads(cli):
    from workbench.importers import registry

    r = cli("import", "--help")
    assert r.code == 0 and r.out.startswith("usage: workbench import")
    listed = r.out.split("formats read (a file, a folder of them, or a zip):\n", 1)[1].splitlines()
    assert sorted(line.strip() for line in listed) == sorted(imp.label for imp in registry.all_importers())
    assert "  DiscordChatExporter JSON" in listed and "  IRC channel logs (Supybot, Limnoria)" in listed


def test_a_folder_imported_again_beside_a_new_file_says_what_it_left_alone(cli, ws_path, tmp_path):
    from pathlib import Path

    data = Path(__file__).resolve().parent.parent / "data"
    guild = data / "discord" / "guild"
    telegram = next((data / "telegram").rglob("result.json"))
    assert cli("import", "--workspace", ws_path, guild).code == 0
    r = cli("import", "--workspace", ws_path, guild, telegram)
    assert r.code == 0, r
    out = r.out.splitlines()
    assert "Left alone:" in out
    assert out[out.index("Left alone:") + 1] == \
        "  guild, whole folder: 2 files identical to what run 1 imported; nothing new to read in them."
    # Among the problems (the Telegram sample has one of its own) the folder is not.
    assert not any("identical" in line for line in out[:out.index("Left alone:")])


def test_a_folder_of_several_exports_reads_each_as_it_would_alone(cli, tmp_path):
    """A client's exports side by side in one folder: an IRC logger's folder, an unpacked Slack
    export, a folder of DiscordChatExporter channels and a Telegram chat. Each is read whole by its
    own importer, as when dropped alone: the logs do not make the whole folder a logger's (which
    read the logs and nothing else), and the Slack export's day files are read with its channel
    list, not each as a lone file."""
    import shutil
    import sqlite3
    from pathlib import Path

    data = Path(__file__).resolve().parent.parent / "data"
    exports = tmp_path / "client exports"
    shutil.copytree(data / "irc" / "ChannelLogger", exports / "irc" / "ChannelLogger")
    shutil.copytree(data / "slack" / "export", exports / "slack-export")
    shutil.copytree(data / "discord" / "guild", exports / "discord")
    shutil.copy(next((data / "telegram").rglob("result.json")), exports / "result.json")
    together, each = tmp_path / "together.db", tmp_path / "each.db"
    r = cli("import", "--workspace", together, exports, "--json")
    assert r.code == 0, r
    assert [(Path(i["path"]).name, i["format"]) for i in r.json()["inputs"]] == [
        ("result.json", "Telegram Desktop export (result.json)"), ("discord", "DiscordChatExporter JSON"),
        ("irc", "IRC channel logs (Supybot, Limnoria)"), ("slack-export", "Slack workspace export")]
    for part in ("result.json", "discord", "irc", "slack-export"):
        assert cli("import", "--workspace", each, exports / part).code == 0
    # The run's line names one format and how many more, as the Imports page does: its counts stay in sight.
    line = cli("runs", "--workspace", together).out.splitlines()[1]
    assert "  DiscordChatExporter JSON and 3 more  " in line and "Slack" not in line, line
    counts = [cli("status", "--workspace", w, "--json").json() for w in (together, each)]
    assert counts[0]["activities"] > 0 and counts[0]["import_runs"] == 1 and counts[1]["import_runs"] == 4
    assert {k: v for k, v in counts[0].items() if k != "import_runs"} == \
        {k: v for k, v in counts[1].items() if k != "import_runs"}

    def channels(db: Path) -> list[tuple]:
        with sqlite3.connect(db) as conn:
            return sorted(conn.execute("SELECT platform, external_id, name FROM channel").fetchall())

    found = channels(together)
    assert found == channels(each)
    assert {platform for platform, _, _ in found} == {"irc", "slack", "discord", "telegram"}
    # the Slack channels are those of its channel list, by id
    assert [(ext, name) for platform, ext, name in found if platform == "slack"] == \
        [("C0GENERAL", "general"), ("C0HELP", "help")]


def test_two_exports_of_the_same_name_are_told_apart_in_the_run(cli, ws_path, tmp_path):
    """Telegram Desktop names every export result.json: two chats in one folder are named by their
    folders in the run's problems and files, so a reader knows which chat a problem is in. A file
    whose name is its own keeps it."""
    import shutil
    import zipfile
    from pathlib import Path

    data = Path(__file__).resolve().parent.parent / "data"
    exports = tmp_path / "client exports"
    (exports / "general").mkdir(parents=True)
    (exports / "support").mkdir()
    shutil.copy(data / "telegram" / "result.json", exports / "general" / "result.json")
    chat = (data / "telegram" / "result.json").read_text(encoding="utf-8")  # holds a broken \xNN escape on purpose
    chat = chat.replace('"id": 1700000042,', '"id": 1700000043,', 1).replace('Builders \\u202eChat', "Support", 1)
    (exports / "support" / "result.json").write_text(chat, encoding="utf-8")
    shutil.copy(data / "discord" / "dm.json", exports / "dm.json")
    r = cli("import", "--workspace", ws_path, exports, "--json")
    assert r.code == 0, r
    problems = [(p["file"], p["position"]) for p in r.json()["problems"]]
    assert problems == [("general/result.json", "chat Builders \u202eChat, message id 16"),
                        ("support/result.json", "chat Support, message id 16")], problems
    files = {f["name"]: f["size"] for f in cli("runs", "--workspace", ws_path, "1", "--json").json()["files"]}
    assert files == {"dm.json": (exports / "dm.json").stat().st_size,
                     "general/result.json": (exports / "general" / "result.json").stat().st_size,
                     "support/result.json": (exports / "support" / "result.json").stat().st_size}
    assert "  general/result.json, chat Builders" in cli("runs", "--workspace", ws_path, "1").out
    # A chat given again, alone and within its folder, is read once: its problem is said once.
    again = tmp_path / "again.db"
    r = cli("import", "--workspace", again, exports / "general" / "result.json", exports, "--json")
    assert r.code == 0 and len(r.json()["inputs"]) == 3, r
    assert [p["file"] for p in r.json()["problems"]] == ["general/result.json", "support/result.json"]
    # and so does an audit pack's manifest, which a client reads without the workspace
    pack = tmp_path / "audit.wbpack"
    assert cli("pack", "--workspace", ws_path, "--out", pack).code == 0
    with zipfile.ZipFile(pack) as zf:
        run = json.loads(zf.read("manifest.json"))["imports"][0]
    assert sorted(f["name"] for f in run["files"]) == ["dm.json", "general/result.json", "support/result.json"]
    assert [p["file"] for p in run["problems"]] == ["general/result.json", "support/result.json"]


def test_the_files_of_two_folders_of_the_same_name_are_told_apart_too(cli, ws_path, tmp_path):
    """Two months of DiscordChatExporter channels, each exported to a folder named discord: the
    channel files are named alike, so a problem in each says which month's folder it is in."""
    import json
    import shutil
    from pathlib import Path

    guild = Path(__file__).resolve().parent.parent / "data" / "discord" / "guild"
    general = next(guild.glob("Makers - Chat - general*.json")).name
    for month in ("jan", "feb"):
        shutil.copytree(guild, tmp_path / month / "discord")
        f = tmp_path / month / "discord" / general
        doc = json.loads(f.read_text(encoding="utf-8"))
        doc["messages"].append(42)  # not a message: one problem a month
        f.write_text(json.dumps(doc), encoding="utf-8")
    r = cli("import", "--workspace", ws_path, tmp_path / "jan" / "discord", tmp_path / "feb" / "discord", "--json")
    assert r.code == 0, r
    assert [p["file"] for p in r.json()["problems"]] == [f"jan/discord/{general}", f"feb/discord/{general}"]
    files = [f["name"] for f in cli("runs", "--workspace", ws_path, "1", "--json").json()["files"]]
    assert f"jan/discord/{general}" in files and f"feb/discord/{general}" in files, files


def test_a_hidden_folder_in_a_dropped_folder_is_said_in_one_line_not_walked(cli, ws_path, tmp_path):
    """Exports kept under version control: the .git folder beside them is one line of the run's
    Left alone, not one line a stored object, and none of the run's files. A link to a folder
    elsewhere is not followed, and said so, not passed over."""
    import shutil
    from pathlib import Path

    data = Path(__file__).resolve().parent.parent / "data"
    exports = tmp_path / "client"
    (exports / "telegram").mkdir(parents=True)
    shutil.copy(data / "telegram" / "result.json", exports / "telegram" / "result.json")
    shutil.copytree(data / "discord" / "guild", exports / "discord")
    for n in range(12):
        obj = exports / ".git" / "objects" / f"{n:02x}" / ("ab" * 19)
        obj.parent.mkdir(parents=True)
        obj.write_bytes(bytes(range(256)) * (n + 1))
    (exports / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (exports / "discord" / ".git").mkdir()
    (exports / "discord" / ".git" / "config").write_text("[core]\n")
    shutil.copytree(data / "irc" / "ChannelLogger", tmp_path / "elsewhere" / "ChannelLogger")
    (exports / "logs").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    r = cli("import", "--workspace", ws_path, exports, "--json")
    assert r.code == 0, r
    assert [(n["file"], n["position"], n["message"]) for n in r.json()["notes"]] == [
        ("client/.git/", "whole folder", "a hidden folder (version control's or a sync tool's, not an export's); "
                                         "not read."),
        ("client/logs/", "whole folder", "a link to a folder elsewhere; not followed. Import that folder itself "
                                         "to read it."),
        ("discord", "attachments", "2 files sent in the chat (media/), which the exporter downloaded with it; "
                                   "not read.")]
    files = [f["name"] for f in cli("runs", "--workspace", ws_path, "1", "--json").json()["files"]]
    assert sorted(files) == sorted(["result.json"] + [
        f"discord/{f.name}" for f in (data / "discord" / "guild").glob("*.json")]), files


def test_a_zip_of_several_exports_that_none_reads_whole_says_to_unzip_it(cli, ws_path, tmp_path):
    """GitHub's pages zipped with a Telegram chat: no importer reads the zip as one export. The
    sentence says what to do, not that the workbench knows no such format."""
    import zipfile
    from pathlib import Path

    data = Path(__file__).resolve().parent.parent / "data"
    archive = tmp_path / "client.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in sorted((data / "github").rglob("*.json")):
            zf.write(f, "github/" + f.name)
        zf.write(next((data / "telegram").rglob("result.json")), "telegram/result.json")
        zf.writestr("README.txt", "exported for the audit\n")
    pages = sum(1 for _ in (data / "github").rglob("*.json"))
    r = cli("import", "--workspace", ws_path, archive)
    assert r.code == 2 and r.err.strip() == (
        f"workbench: {archive}: a zip archive of {pages + 1} data files that is not one export the workbench knows; "
        "if it holds several exports, unzip it and import its folder, which reads each."), r
    assert not ws_path.exists() or cli("status", "--workspace", ws_path, "--json").json()["activities"] == 0
    unzipped = tmp_path / "client"
    zipfile.ZipFile(archive).extractall(unzipped)
    r = cli("import", "--workspace", ws_path, unzipped, "--json")
    assert r.code == 0 and {i["format"] for i in r.json()["inputs"]} == {
        "GitHub API pages (issues, pull requests, comments, reactions)", "Telegram Desktop export (result.json)"}, r


TELEGRAM_HTML = """<!DOCTYPE html>
<html>
 <head>
  <meta charset="utf-8"/>
<title>Exported Data</title>
  <link href="css/style.css" rel="stylesheet"/>
 </head>
 <body onload="CheckLocation();">
  <div class="page_wrap">
   <div class="page_header">
"""
DCE_PAGE = "Makers - Chat - help [900000000000000300].html"
DCE_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
<title>Builders - general</title>
<style>
.chatlog__message-group { display: grid; }
</style>
</head>
<body>
<div class="chatlog">
"""


def test_an_html_export_is_named_with_the_export_to_make_instead(cli, ws_path, tmp_path):
    """Telegram Desktop and DiscordChatExporter both offer HTML first. Telegram's pages name people
    by their names alone: refused, named, with what to do. DiscordChatExporter's name them by their
    ids: read."""
    import shutil
    from pathlib import Path

    chat = tmp_path / "ChatExport_2024-03-02"
    (chat / "css").mkdir(parents=True)
    (chat / "messages.html").write_text(TELEGRAM_HTML, encoding="utf-8")
    (chat / "css" / "style.css").write_text("body { margin: 0 }\n", encoding="utf-8")
    r = cli("import", "--workspace", ws_path, chat)
    assert r.code == 2 and r.err.strip() == (
        f"workbench: {chat}: the folder holds Telegram Desktop's HTML export, which is for reading, not for the "
        "workbench: export the chat again with the format \u201cMachine-readable JSON\u201d (it writes result.json)."), r
    assert not ws_path.exists() or cli("status", "--workspace", ws_path, "--json").json()["activities"] == 0
    page = Path(__file__).resolve().parent.parent / "data" / "discord" / "html" / DCE_PAGE
    shutil.copy(page, tmp_path / page.name)
    r = cli("import", "--workspace", ws_path, tmp_path / page.name, "--json")
    assert r.code == 0 and r.json()["added_by_kind"]["activities"] == 6, r


DCE_TEXT = """==============================================================
Guild: Makers
Channel: Chat / general
==============================================================

[3/1/2024 2:05 AM] ana
Has anyone run the eval on 8 GB?

"""


def test_a_plain_text_channel_export_is_named_and_never_read_as_part_of_the_json(cli, ws_path, tmp_path):
    """DiscordChatExporter's plain-text export is for reading, like its HTML: given alone, refused
    with what to export instead; beside the channels' JSON, each file is said in the run's Left
    alone (the copy of a channel that is read, or a channel to export again), not listed among the
    files the run read as DiscordChatExporter JSON."""
    import json
    import shutil
    from pathlib import Path
    data = Path(__file__).resolve().parent.parent / "data"
    lone = tmp_path / "Makers - Chat - random [900000000000000300].txt"
    lone.write_text(DCE_TEXT, encoding="utf-8")
    r = cli("import", "--workspace", ws_path, lone)
    assert r.code == 2 and r.err.strip() == (
        f"workbench: {lone}: DiscordChatExporter's plain-text export, which is for reading, not for the "
        "workbench: export the channel again as JSON (or CSV)."), r
    guild = tmp_path / "guild"
    shutil.copytree(data / "discord" / "guild", guild)
    general = next(guild.glob("*general*100*.json"))
    general.with_suffix(".txt").write_text(DCE_TEXT, encoding="utf-8")
    shutil.move(lone, guild / lone.name)
    r = cli("import", "--workspace", ws_path, guild, "--json")
    assert r.code == 0, r
    said = {n["file"]: n["message"] for n in json.loads(r.out)["notes"]}
    assert said[f"guild/{general.stem}.txt"] == (
        f"DiscordChatExporter's plain-text export, the copy for reading of {general.name}, which is read; skipped.")
    assert said[f"guild/{lone.name}"].startswith("DiscordChatExporter's plain-text export, which is for reading")
    run = cli("runs", "1", "--workspace", ws_path, "--json").json()
    assert not [f for f in run["files"] if f["name"].endswith(".txt")], run["files"]
    assert json.loads(r.out)["added_by_kind"]["channels"] == 2  # both JSON channels are read


def test_the_files_sent_in_a_chat_are_one_line_and_never_taken_for_exports(cli, ws_path, tmp_path):
    """A client's folder: a Telegram chat exported with its media, and DiscordChatExporter channels
    exported with --media. What people sent in the chats (photos, slides, and a spreadsheet, a
    config file and a Slack member list someone shared) is one line for each export, not a line
    for each file, and none of it is read as an export of its own."""
    import json
    import shutil
    from pathlib import Path

    data = Path(__file__).resolve().parent.parent / "data"
    client = tmp_path / "client"
    chat = client / "ChatExport_2024-03-02"
    (chat / "photos").mkdir(parents=True)
    (chat / "files").mkdir()
    (chat / "result.json").write_bytes((data / "telegram" / "result.json").read_bytes())
    for i in range(39):
        (chat / "photos" / f"photo_{i}@02-03-2024_10-00-00.jpg").write_bytes(b"\xff\xd8\xff" + bytes(20))
    (chat / "photos" / "photo_39.png").write_bytes(b"\x89PNG" + bytes(20))
    (chat / "files" / "slides.pdf").write_bytes(b"%PDF-1.4\n")
    (chat / "files" / "notes.txt").write_text("agenda\n", encoding="utf-8")
    (chat / "files" / "signups.csv").write_text("Full name,Favourite model\nAda,gpt\n", encoding="utf-8")
    shutil.copy(data / "slack" / "export" / "users.json", chat / "files" / "users.json")
    shutil.copytree(data / "discord" / "guild", client / "discord")
    general = next((client / "discord").glob("Makers - Chat - general*.json"))
    sent = general.with_name(general.name + "_Files")  # the exporter's --media without --media-dir
    sent.mkdir()
    (sent / "eval-results-5F3A1.csv").write_text("prompt,score\nhi,0.9\n", encoding="utf-8")
    (sent / "config-0B2C4.json").write_text('{"temperature": 0.2}', encoding="utf-8")
    (sent / "chart-77D0E.png").write_bytes(b"\x89PNG" + bytes(20))

    r = cli("import", "--workspace", ws_path, client, client, "--json")  # (given twice: said once)
    assert r.code == 0, r
    assert [(n["file"], n["position"], n["message"]) for n in r.json()["notes"]] == [
        ("result.json", "attachments", "44 files sent in the chat (files/, photos/), which the exporter "
                                       "downloaded with it; not read."),
        ("discord", "attachments", f"5 files sent in the chat ({sent.name}/, media/), which the exporter "
                                   "downloaded with it; not read.")]
    assert [i["format"] for i in r.json()["inputs"]] == ["Telegram Desktop export (result.json)",
                                                         "DiscordChatExporter JSON"]
    files = [f["name"] for f in cli("runs", "--workspace", ws_path, "1", "--json").json()["files"]]
    assert sorted(files) == sorted(["result.json"] + [f"discord/{f.name}" for f in (client / "discord").glob("*.json")])
    # exactly what the chat and the channels hold: no one from the member list sent in the chat
    alone = tmp_path / "alone.db"
    assert cli("import", "--workspace", alone, data / "telegram" / "result.json", data / "discord" / "guild").code == 0
    assert cli("status", "--workspace", ws_path, "--json").json() == \
        cli("status", "--workspace", alone, "--json").json()
    assert json.loads(r.out)["added_by_kind"]["activities"] > 0


def test_html_pages_beside_the_export_read_are_said_to_be_its_reading_copy(cli, ws_path, tmp_path):
    """Telegram Desktop's "HTML and JSON" writes the pages, their style, scripts and images beside
    result.json: they are its reading copy, not an export still to be made. A DiscordChatExporter
    channel exported both as HTML and as JSON is its JSON; a channel exported as HTML alone is read."""
    import json
    import shutil
    from pathlib import Path

    data = Path(__file__).resolve().parent.parent / "data"
    chat = tmp_path / "ChatExport_2024-03-02"
    for sub in ("css", "js", "images"):
        (chat / sub).mkdir(parents=True)
    (chat / "result.json").write_bytes(next((data / "telegram").rglob("result.json")).read_bytes())
    (chat / "messages.html").write_text(TELEGRAM_HTML, encoding="utf-8")
    (chat / "css" / "style.css").write_text("body { margin: 0 }\n", encoding="utf-8")
    (chat / "js" / "script.js").write_text("function CheckLocation() {}\n", encoding="utf-8")
    for i in range(12):
        (chat / "images" / f"section_{i}.png").write_bytes(b"\x89PNG" + bytes(20))
    r = cli("import", "--workspace", ws_path, chat, "--json")
    assert r.code == 0, r
    part = "part of Telegram Desktop's HTML export (its style sheet, scripts and images); skipped."
    assert {(n["file"], n["message"]) for n in json.loads(r.out)["notes"]} == {
        ("ChatExport_2024-03-02/messages.html",
         "Telegram Desktop's HTML export, the copy for reading of result.json, which is read; skipped."),
        ("ChatExport_2024-03-02/css/style.css", part), ("ChatExport_2024-03-02/js/script.js", part),
        ("ChatExport_2024-03-02/images/", f"12 files (.png): {part}")}

    guild = tmp_path / "guild"
    shutil.copytree(data / "discord" / "guild", guild)
    general = next(guild.glob("*general*100*.json"))
    (guild / general.with_suffix(".html").name).write_text(DCE_HTML, encoding="utf-8")
    shutil.copy(data / "discord" / "html" / DCE_PAGE, guild / DCE_PAGE)
    r = cli("import", "--workspace", ws_path, guild, "--json")
    assert r.code == 0, r
    said = {n["file"]: n["message"] for n in json.loads(r.out)["notes"]}
    assert f"guild/{DCE_PAGE}" not in said
    assert said[f"guild/{general.stem}.html"] == (
        f"DiscordChatExporter's HTML export, the copy for reading of {general.name}, which is read; skipped.")
    assert json.loads(r.out)["added_by_kind"]["channels"] == 3  # both JSON channels and the page's

    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(guild / f"{general.stem}.html", alone)
    shutil.copy(general, alone)
    r = cli("import", "--workspace", ws_path, alone / f"{general.stem}.html")
    assert r.code == 2 and r.err.strip() == (
        f"workbench: {alone / general.stem}.html: DiscordChatExporter's HTML export, the copy for reading of "
        f"{general.name} beside it: import that file, which holds all the page shows."), r


def test_runs_lists_the_history_and_shows_one_run_whole(cli, ws_path, exports_folder, chat_message):
    """What the Imports page shows, on the command line: the runs, then one with its files and their
    SHA-256, its problem (a time without its UTC instant) and the file it left alone."""
    import hashlib

    assert cli("runs", "--workspace", ws_path).code == 2  # no workspace there: said, not made
    folder = exports_folder({"README.txt": "Exported for the audit.\n"},
                            [chat_message(0, "Nia", "hello"), chat_message(1, "Omar", "hi", utc=False)])
    assert cli("import", "--workspace", ws_path, folder).code == 0
    r = cli("runs", "--workspace", ws_path)
    assert r.code == 0, r
    head, row = r.out.splitlines()
    assert head.split()[:3] == ["Run", "When", "Files"] and head.endswith("Problems  Left alone")
    assert row.startswith("1 ") and "result.json" in row and row.split()[-2:] == ["1", "1"]
    r = cli("runs", "1", "--workspace", ws_path)
    digest = hashlib.sha256((folder / "result.json").read_bytes()).hexdigest()
    assert r.code == 0 and r.out.startswith("Import run 1, ") and digest in r.out, r
    assert "exports/README.txt, whole file: not an export format the workbench knows; skipped." in r.out
    run = cli("runs", "1", "--workspace", ws_path, "--json").json()
    assert [(f["name"], f["sha256"], f["format"]) for f in run["files"]] == [
        ("result.json", digest, "Telegram Desktop export")]
    assert [p["file"] for p in run["problems"]] == ["result.json"] and "read as UTC" in run["problems"][0]["message"]
    assert run["left_alone"] == [{"file": "exports/README.txt", "position": "whole file",
                                  "message": "not an export format the workbench knows; skipped."}]
    assert (run["problem_count"], run["left_alone_count"], run["added_by_kind"]["activities"]) == (1, 1, 2)
    r = cli("runs", "2", "--workspace", ws_path)
    assert r.code == 2 and r.err.strip() == f"workbench: {ws_path} has no import run 2: its runs are 1.", r


def test_an_import_that_left_many_files_alone_says_how_many_more(cli, ws_path, exports_folder):
    """24 notes, eight in each of three folders (each few enough to be named one by one): 20 are
    printed, and the line after says how many more and where to see them all."""
    folder = exports_folder()
    for sub in ("a", "b", "c"):
        (folder / sub).mkdir()
        for n in range(8):
            (folder / sub / f"note-{n}.txt").write_text("x\n", encoding="utf-8")
    r = cli("import", "--workspace", ws_path, folder)
    assert r.code == 0, r
    said = r.out.splitlines()[r.out.splitlines().index("Left alone:") + 1:]
    assert len(said) == 21 and said[-1] == "  ... and 4 more (see `workbench runs 1`)."
    assert cli("runs", "1", "--workspace", ws_path).out.count("not an export format the workbench knows") == 24


def test_a_folder_that_gained_a_channel_since_is_not_brought_back_with_it(cli, tmp_path):
    """Bringing a removed run back imports what it was given: a folder of DiscordChatExporter
    channels is read whole, so a channel exported into it since would come in too. Refused, with
    the file named, and nothing imported; without that file the run comes back as it was."""
    import shutil

    from pathlib import Path

    guild = tmp_path / "guild"
    shutil.copytree(Path(__file__).resolve().parent.parent / "data" / "discord" / "guild", guild)
    ws = tmp_path / "w.db"
    assert cli("import", "--workspace", ws, guild).code == 0
    whole = cli("status", "--workspace", ws, "--json").json()
    assert cli("runs", "1", "--remove", "--workspace", ws).code == 0
    doc = json.loads((guild / "Makers - Chat - general [900000000000000100].json").read_text(encoding="utf-8"))
    doc["channel"] = {**doc["channel"], "id": "900000000000000300", "name": "showcase"}
    doc["messages"] = [{**m, "id": str(int(m["id"]) + 7)} for m in doc["messages"]]
    since = guild / "Makers - Chat - showcase [900000000000000300].json"
    since.write_text(json.dumps(doc), encoding="utf-8")
    r = cli("runs", "1", "--bring-back", "--workspace", ws)
    assert r.code == 2 and r.err == ("workbench: Import run 1 cannot be brought back as it was: 1 file beside the ones "
                                     f"it read was added since and would be imported with them: {since}. Nothing was "
                                     "imported; import the folder again if that is what you want.\n"), r
    assert cli("status", "--workspace", ws, "--json").json()["activities"] == 0
    since.unlink()
    assert cli("runs", "1", "--bring-back", "--workspace", ws).code == 0
    assert cli("status", "--workspace", ws, "--json").json() == whole


def test_a_telegram_export_without_utc_instants_is_read_in_the_zone_given(cli, tmp_path, exports_folder, chat_message):
    """Older Telegram Desktop exports write only the exporting computer's wall-clock time: read as UTC
    unless `--timezone` names that computer's zone (it named only a CSV's); the problem says how, and a
    zone the workbench does not know is one sentence before anything is written."""
    from workbench.workspace import Workspace

    folder = exports_folder(messages=[chat_message(0, "Nia", "hello", utc=False)])  # 01:30 on 2 March 2024

    def first_time(ws_file) -> str:  # noqa: ANN001
        with Workspace.open(ws_file) as ws, ws.connect() as conn:
            return str(conn.exec_driver_sql("select created_at from activity").scalar_one())[:16]

    r = cli("import", "--workspace", tmp_path / "utc.db", folder, "--json")
    assert r.code == 0 and first_time(tmp_path / "utc.db") == "2024-03-02 01:30", r
    assert r.json()["problems"][0]["message"].endswith(
        "read as UTC (`workbench import --timezone ZONE` reads them in the exporting computer's zone; an import "
        "read in the wrong zone is taken out first with `workbench runs RUN --remove`)."), r.out
    # Read in the wrong zone: taken out, and imported again in the right one.
    r = cli("import", "--workspace", tmp_path / "utc.db", folder, "--timezone", "Europe/Athens")
    assert "identical to the file imported in run 1; nothing new to read." in r.out, r  # so it changes nothing
    r = cli("runs", "1", "--remove", "--workspace", tmp_path / "utc.db")
    assert r.code == 0 and r.out == "Removed import run 1: 1 source, 1 channel, 1 account, 1 person, 1 activity.\n", r
    r = cli("import", "--workspace", tmp_path / "utc.db", folder, "--timezone", "Europe/Athens")
    assert r.code == 0 and r.out.splitlines()[1].startswith("Import run 2: "), r
    assert first_time(tmp_path / "utc.db") == "2024-03-01 23:30"
    runs = cli("runs", "--workspace", tmp_path / "utc.db", "--json").json()
    assert [(run["run"], bool(run["removed_at"]), (run["removed"] or {}).get("activities")) for run in runs] == [
        (2, False, None), (1, True, 1)]
    assert cli("status", "--workspace", tmp_path / "utc.db", "--json").json()["import_runs"] == 1
    r = cli("runs", "1", "--remove", "--workspace", tmp_path / "utc.db")
    assert r.code == 2 and r.err.startswith("workbench: Import run 1 was removed already, on "), r
    r = cli("runs", "--remove", "--workspace", tmp_path / "utc.db")
    assert r.code == 2 and "Say which run to remove: `workbench runs N --remove`" in r.err, r
    # Athens was right after all: run 2 taken out, and brought back as it was, in its zone.
    assert cli("runs", "2", "--remove", "--workspace", tmp_path / "utc.db").code == 0
    r = cli("runs", "2", "--bring-back", "--workspace", tmp_path / "utc.db")
    assert r.code == 0 and r.out.splitlines()[1].startswith("Import run 3: read "), r
    assert first_time(tmp_path / "utc.db") == "2024-03-01 23:30"
    r = cli("runs", "2", "--bring-back", "--workspace", tmp_path / "utc.db")
    assert r.code == 2 and r.err == "workbench: Import run 2 was brought back already: run 3 imported the same again.\n"
    r = cli("runs", "3", "--remove", "--bring-back", "--workspace", tmp_path / "utc.db")
    assert r.code == 2 and "Say one of --remove and --bring-back." in r.err, r
    r = cli("import", "--workspace", tmp_path / "athens.db", folder, "--timezone", "Europe/Athens", "--json")
    assert r.code == 0 and first_time(tmp_path / "athens.db") == "2024-03-01 23:30", r  # UTC+2 in March
    assert r.json()["problems"][0]["message"] == (
        "1 time had only the exporter's local wall-clock time (no date_unixtime); they were read as "
        "Europe/Athens."), r.out
    r = cli("import", "--workspace", tmp_path / "typo.db", folder, "--timezone", "Europe/Athen")
    assert r.code == 2 and "“Europe/Athen” is not a time zone the workbench knows" in r.err, r
    assert not (tmp_path / "typo.db").exists()
