"""Hostile and broken inputs through the real command line: each fails with one sentence (exit 2)
naming the file, and leaves the workspace exactly as it was."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"
DCE = DATA / "discord" / "guild" / "Makers - Chat - general [900000000000000100].json"
GOOD = DATA / "gitter" / "messages.json"


@pytest.fixture
def workspace(cli, tmp_path):
    """A workspace with something in it, and its status before the hostile import."""
    db = tmp_path / "w.db"
    assert cli("import", "--workspace", db, GOOD).code == 0
    return db, cli("status", "--workspace", db, "--json").json()


def refused(cli, workspace, path: Path, *words: str) -> str:
    db, before = workspace
    r = cli("import", "--workspace", db, path)
    assert r.code == 2, r
    lines = [line for line in r.err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("workbench: "), r
    assert path.name in lines[0] and "Traceback" not in r.err, r
    for w in words:
        assert w in lines[0], r
    assert cli("status", "--workspace", db, "--json").json() == before
    return lines[0]


def cut(src: Path, dest: Path, fraction: float = 0.6) -> Path:
    data = src.read_bytes()
    dest.write_bytes(data[: int(len(data) * fraction)])
    return dest


def test_truncated_discord_export(cli, workspace, tmp_path):
    refused(cli, workspace, cut(DCE, tmp_path / "general.json"), "truncated")


@pytest.mark.parametrize("src", ["mattermost/import.jsonl", "mattermost/posts_page.json",
                                 "rocketchat/messages.json", "gitter/messages.json"])
def test_truncated_pages_of_every_chat_format(cli, workspace, tmp_path, src):
    refused(cli, workspace, cut(DATA / src, tmp_path / Path(src).name), "truncated")


def test_truncated_discord_csv_inside_a_quoted_field(cli, workspace, tmp_path):
    src = DATA / "discord" / "Makers - Chat - general [900000000000000100].csv"
    data = src.read_bytes()
    dest = tmp_path / "general.csv"
    dest.write_bytes(data[: data.index(b"line two") + 4])
    refused(cli, workspace, dest, "truncated")


@pytest.mark.parametrize("inner", ["export/../../evil.json", "/etc/evil.json"])
def test_zip_with_an_entry_outside_the_archive(cli, workspace, tmp_path, inner):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(DCE, "general.json")
        zf.writestr(inner, DCE.read_bytes())
    refused(cli, workspace, archive, "outside the archive")
    assert not (tmp_path / "evil.json").exists()


def test_mattermost_zip_with_a_dotdot_entry(cli, workspace, tmp_path):
    archive = tmp_path / "mm.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(DATA / "mattermost" / "import.jsonl", "import.jsonl")
        zf.writestr("../data/x.png", b"PNG")
    refused(cli, workspace, archive, "outside the archive")


def test_zip_bomb(cli, workspace, tmp_path):
    archive = tmp_path / "bomb.zip"
    head = DCE.read_bytes()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("general.json", "w", force_zip64=True) as entry:
            entry.write(head[:-3])
            block = b" " * (1 << 20)
            for _ in range(40):
                entry.write(block)
            entry.write(head[-3:])
    assert archive.stat().st_size < 1 << 20
    refused(cli, workspace, archive, "zip bomb")


def test_deeply_nested_json(cli, workspace, tmp_path):
    doc = DCE.read_text(encoding="utf-8")
    deep = tmp_path / "deep.json"
    deep.write_text(doc.replace('"content": "Joined the server."', '"content": ' + "[" * 50_000 + "]" * 50_000, 1),
                    encoding="utf-8")
    refused(cli, workspace, deep, "nested too deeply")


def test_a_file_that_looks_like_an_export_but_is_not(cli, workspace, tmp_path):
    fake = tmp_path / "fake.json"
    fake.write_text('{"guild": {"id": "1"}, "channel": {"id": "2"}, "messages": [{"id": "3"}, oops]}', encoding="utf-8")
    refused(cli, workspace, fake, "not valid JSON")
    nolist = tmp_path / "nolist.json"
    nolist.write_text(json.dumps({"guild": {"id": "1"}, "channel": {"id": "2"}, "messages": "none"}), encoding="utf-8")
    refused(cli, workspace, nolist, "not a DiscordChatExporter export")


def test_deeply_nested_mattermost_line(cli, workspace, tmp_path):
    lines = (DATA / "mattermost" / "import.jsonl").read_text(encoding="utf-8").splitlines()
    deep = tmp_path / "deep.jsonl"
    nested = '{"type": "post", "post": {"team": "makers", "props": ' + "[" * 20_000 + "]" * 20_000 + "}}"
    deep.write_text("\n".join(lines[:3] + [nested] + lines[3:]) + "\n", encoding="utf-8")
    refused(cli, workspace, deep, "nested too deeply")


def test_a_zip_cut_short_is_called_so(cli, workspace, tmp_path):
    import zipfile

    whole = tmp_path / "whole.zip"
    with zipfile.ZipFile(whole, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted((DATA / "slack").rglob("*.json"))[:20]:
            zf.write(f, f.relative_to(DATA / "slack"))
    refused(cli, workspace, cut(whole, tmp_path / "slack-export.zip"), "damaged or cut short")


def test_a_gzipped_mailbox_bomb_is_refused(cli, workspace, tmp_path):
    import gzip

    bomb = tmp_path / "list.mbox.gz"
    head = b"From a@example.org  Mon Jan  1 10:00:00 2024\nFrom: a@example.org\nMessage-ID: <1@x>\n\n"
    with gzip.open(bomb, "wb", compresslevel=9) as f:
        f.write(head)
        for _ in range(64):
            f.write(b"\0" * (1 << 20))  # 64 MiB of nothing in a file of about 64 kB
    assert bomb.stat().st_size < 200_000
    refused(cli, workspace, bomb, "compression bomb")
