"""Audit packs: a manifest a client can check, hashes that catch one changed byte, pseudonymized packs
that hold no personal data, and a workspace copy that opens read-only."""
from __future__ import annotations

import json
import shutil
import zipfile

import pytest
from sqlalchemy import select

from workbench.errors import WorkbenchError
from workbench.reports.build import prepare_report
from workbench.reports.pack import WORKSPACE_MEMBER, extract_pack, verify_pack, write_pack
from workbench.reports.pseudonymize import load_key, workspace_identifiers
from workbench.store.models import Activity, ImportFile
from workbench.workspace import Workspace

from .helpers import all_bytes, pdf_text, read_pack

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def source(community_db):
    path, truth = community_db()
    return path, truth


def _pack(path, out, *, key=None, with_workspace=False):
    ws = Workspace.open(path, readonly=True)
    try:
        report = prepare_report(ws, key=key)
        return write_pack(ws, report, out, with_workspace=with_workspace), report
    finally:
        ws.close()


def test_the_manifest_names_every_source_file_run_and_member(source, tmp_path):
    path, _ = source
    result, report = _pack(path, tmp_path / "audit.wbpack")
    members = read_pack(result.path)
    manifest = json.loads(members["manifest.json"])
    assert set(manifest["members"]) == set(members) - {"manifest.json", "manifest.json.sha256"}
    assert {"report/report.html", "report/report.pdf", "tables/tables.xlsx", "tables/figures.csv"} <= set(members)
    ws = Workspace.open(path, readonly=True)
    with ws.session() as s:
        files = s.scalars(select(ImportFile)).all()
        expected = {(f.name, f.size, f.sha256) for f in files}
    ws.close()
    listed = {(f["name"], f["size"], f["sha256"]) for run in manifest["imports"] for f in run["files"]}
    assert listed == expected and len(listed) >= 3
    run = manifest["imports"][0]
    assert run["added"] > 0 and "problems" in run and run["counts"]
    assert manifest["period"] == report.period and manifest["app"]["version"]
    assert "ttfr" in manifest["metrics"]["definitions"]
    used = manifest["metrics"]["settings"]  # what the numbers were made with, defaults included
    assert used["reporting.timezone"] == report.period["timezone"] and used["questions.marker"]
    assert set(used["champions.weights"]) >= {"answers", "people_helped"}
    assert manifest["figures"]["active_people"]["value"] == report.figure("active_people").value
    assert verify_pack(result.path).ok


def test_the_manifest_says_which_files_each_run_left_alone(ws, tmp_path, exports_folder, chat_message):
    """A README beside an export is no problem of the run, but the run's record says it was not read,
    in a pseudonymized pack too, where a file named after a member keeps no trace of the name."""
    ws.import_paths([exports_folder({"README.txt": "Exported for the audit.\n",
                                     "Notes for Nia Okafor.txt": "to thank\n"},
                                    [chat_message(0, "Nia Okafor", "hello")])])
    plain = json.loads(read_pack(write_pack(ws, prepare_report(ws), tmp_path / "a.wbpack").path)["manifest.json"])
    (run,) = plain["imports"]
    assert run["problems"] == [] and sorted(n["file"] for n in run["left_alone"]) == [
        "exports/Notes for Nia Okafor.txt", "exports/README.txt"]
    assert run["left_alone"][0]["message"] == "not an export format the workbench knows; skipped."
    hidden = write_pack(ws, prepare_report(ws, key=load_key(one_off=True)), tmp_path / "p.wbpack").path
    (run,) = json.loads(read_pack(hidden)["manifest.json"])["imports"]
    assert "exports/README.txt" in {n["file"] for n in run["left_alone"]} and len(run["left_alone"]) == 2
    assert not [name for name, data in all_bytes(hidden.name, hidden.read_bytes()) if b"Okafor" in data]


def _rewrite(src, dest, change):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, change(info.filename, zin.read(info)))


def test_one_changed_byte_of_the_report_fails_the_check_naming_the_file(source, tmp_path):
    path, _ = source
    result, _ = _pack(path, tmp_path / "audit.wbpack")
    changed = tmp_path / "changed.wbpack"

    def flip(name, data):
        if name != "report/report.html":
            return data
        i = data.index(b"Headline figures")
        return data[:i] + b"h" + data[i + 1:]
    _rewrite(result.path, changed, flip)
    check = verify_pack(changed)
    assert not check.ok
    assert [name for name, _ in check.problems] == ["report/report.html"]
    assert "report/report.pdf" in check.checked


def test_a_changed_manifest_fails_the_check(source, tmp_path):
    path, _ = source
    result, _ = _pack(path, tmp_path / "audit.wbpack")
    changed = tmp_path / "changed.wbpack"

    def edit(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["figures"]["active_people"]["value"] += 100
        return json.dumps(manifest).encode()
    _rewrite(result.path, changed, edit)
    check = verify_pack(changed)
    assert not check.ok and [name for name, _ in check.problems] == ["manifest.json"]


def test_a_byte_changed_inside_the_zip_itself_is_caught_too(source, tmp_path):
    path, _ = source
    result, _ = _pack(path, tmp_path / "audit.wbpack")
    data = bytearray(result.path.read_bytes())
    with zipfile.ZipFile(result.path) as z:
        info = z.getinfo("report/report.html")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0x01
    broken = tmp_path / "broken.wbpack"
    broken.write_bytes(bytes(data))
    check = verify_pack(broken)
    assert not check.ok and [name for name, _ in check.problems] == ["report/report.html"]


def test_a_pack_with_the_workspace_opens_read_only(source, tmp_path):
    path, _ = source
    result, _ = _pack(path, tmp_path / "audit.wbpack", with_workspace=True)
    assert WORKSPACE_MEMBER in result.members
    opened = extract_pack(result.path, tmp_path / "opened")
    ws = Workspace.open(opened.workspace, readonly=True)
    try:
        original = Workspace.open(path, readonly=True)
        assert ws.counts() == original.counts()
        original.close()
        with pytest.raises(WorkbenchError, match="read-only"):
            ws.set_setting("x", 1)
    finally:
        ws.close()
    assert "Community health report" in opened.report_html


def test_a_pack_from_a_newer_workbench_shows_its_report_and_leaves_its_copy_closed(source, tmp_path, copy_db):
    """A colleague with a newer workbench sends a pack: its hashes check, its report shows, and its
    copy of the workspace, whose schema this workbench does not know, is not opened but said."""
    import hashlib
    import sqlite3

    from workbench.reports.pack import NEWER_COPY

    path = copy_db(source[0])
    ws = Workspace.open(path)
    try:
        report = prepare_report(ws)
        with sqlite3.connect(path) as conn:  # as the newer workbench left it
            conn.execute("UPDATE alembic_version SET version_num = '9f9f9f9f9f9f'")
        conn.close()
        result = write_pack(ws, report, tmp_path / "newer.wbpack", with_workspace=True)
    finally:
        ws.close()
    assert verify_pack(result.path).ok
    digest = hashlib.sha256(result.path.read_bytes()).hexdigest()
    opened = extract_pack(result.path, tmp_path / "opened")
    assert opened.workspace is None and opened.note == NEWER_COPY
    assert "Community health report" in opened.report_html
    assert hashlib.sha256(result.path.read_bytes()).hexdigest() == digest
    # A pack of this version opens its copy as before, read-only and unchanged in its journal.
    mine, _ = _pack(source[0], tmp_path / "mine.wbpack", with_workspace=True)
    again = extract_pack(mine.path, tmp_path / "mine")
    assert again.workspace is not None and again.note == ""
    with sqlite3.connect(again.workspace) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


def test_a_pack_from_the_previous_version_opens_its_copy_brought_up_to_date(source, tmp_path):
    """A pack made before nick changes, import notes, sources' addresses, deleted recognitions and
    what imports replace were kept (schema 0001): its copy opens, brought up to date in the extracted copy, with
    everything it held; the pack itself is not touched."""
    import hashlib
    import sqlite3

    from workbench.store import db

    path, _ = source
    ws = Workspace.open(path, readonly=True)
    try:
        counts = ws.counts()
        result = write_pack(ws, prepare_report(ws), tmp_path / "now.wbpack", with_workspace=True)
    finally:
        ws.close()
    # The same pack as the previous version wrote it: its copy without the tables and columns added
    # since, and the manifest's hashes to match.
    copy = tmp_path / "copy.db"
    copy.write_bytes(read_pack(result.path)[WORKSPACE_MEMBER])
    with sqlite3.connect(copy) as conn:
        conn.execute("DROP TABLE rename")  # 0002
        conn.execute("ALTER TABLE import_problem DROP COLUMN kind")  # 0004
        conn.execute("ALTER TABLE source DROP COLUMN address")  # 0005
        conn.execute("DROP TABLE deleted_recognition")  # 0008
        conn.execute("ALTER TABLE import_run DROP COLUMN removed_at")  # 0009
        conn.execute("ALTER TABLE import_run DROP COLUMN removed")
        conn.execute("DROP TABLE import_change")  # 0010
        conn.execute("ALTER TABLE import_run DROP COLUMN inputs")
        conn.execute("UPDATE alembic_version SET version_num = '0001'")
    conn.close()
    old_db = copy.read_bytes()
    manifest = json.loads(read_pack(result.path)["manifest.json"])
    manifest["members"][WORKSPACE_MEMBER] = {"size": len(old_db), "sha256": hashlib.sha256(old_db).hexdigest()}
    old_manifest = json.dumps(manifest).encode("utf-8")
    older = tmp_path / "older.wbpack"
    _rewrite(result.path, older, lambda name, data: {
        WORKSPACE_MEMBER: old_db, "manifest.json": old_manifest,
        "manifest.json.sha256": f"{hashlib.sha256(old_manifest).hexdigest()}  manifest.json\n".encode("ascii"),
    }.get(name, data))
    assert verify_pack(older).ok
    digest = hashlib.sha256(older.read_bytes()).hexdigest()
    opened = extract_pack(older, tmp_path / "opened")
    assert opened.workspace is not None and opened.note == ""
    copy = Workspace.open(opened.workspace, readonly=True)
    try:
        assert db.current_revision(copy.engine) == db.head_revision() and copy.counts() == counts
    finally:
        copy.close()
    assert hashlib.sha256(older.read_bytes()).hexdigest() == digest


def test_a_pseudonymized_pack_holds_no_name_handle_email_platform_id_or_message_text(source, tmp_path,
                                                                                      memory_keyring):
    path, truth = source
    key = load_key()
    result, report = _pack(path, tmp_path / "client.wbpack", key=key)
    ws = Workspace.open(path, readonly=True)
    try:
        identifiers = workspace_identifiers(ws)
        with ws.connect() as conn:
            texts = [t for t in conn.execute(select(Activity.text).where(Activity.text.contains("?"))).scalars()
                     if len(t) >= 30]
    finally:
        ws.close()
    identifiers |= {p["email"] for p in truth["people"] if p.get("email")}
    assert len(identifiers) > 1000 and len(texts) > 100
    raw = result.path.read_bytes()
    pieces = all_bytes("client.wbpack", raw)
    if shutil.which("pdftotext"):  # the PDF's text as a viewer shows it (its streams hold glyph ids)
        pieces.append(("report.pdf text", pdf_text(read_pack(result.path)["report/report.pdf"]).encode()))
    assert len(pieces) > 15
    leaks = []
    for where, data in pieces:
        text = data.decode("utf-8", "replace")
        leaks += [(where, i) for i in identifiers if i in text]
        leaks += [(where, t[:30]) for t in texts[:2000] if t[:30] in text]
    assert not leaks, leaks[:10]
    assert key.key not in raw and key.key.decode() not in "".join(p[1].decode("utf-8", "replace") for p in pieces)
    helpers = read_pack(result.path)["tables/top_helpers.csv"].decode("utf-8-sig")
    assert helpers.count("Member ") >= 10
    assert json.loads(read_pack(result.path)["manifest.json"])["pseudonymized"] is True
    assert WORKSPACE_MEMBER not in result.members


def test_the_same_person_keeps_the_same_pseudonym_across_reports(source, memory_keyring):
    path, _ = source
    ws = Workspace.open(path, readonly=True)
    try:
        a = prepare_report(ws, key=load_key())
        b = prepare_report(ws, key=load_key())
        other = prepare_report(ws, key=load_key(one_off=True))
    finally:
        ws.close()
    names_a = a.table("top_helpers").frame["name"].tolist()
    assert names_a == b.table("top_helpers").frame["name"].tolist()
    assert all(n.startswith("Member ") for n in names_a)
    assert set(names_a).isdisjoint(other.table("top_helpers").frame["name"])
    # What was asked, and the link to where (its ids), are not in a pseudonymized report.
    assert {"excerpt", "link"}.isdisjoint(a.table("unanswered").frame.columns) and len(a.table("unanswered").frame)
    with Workspace.open(path, readonly=True) as plain_ws:
        assert prepare_report(plain_ws).table("unanswered").frame["link"].str.startswith("https://").any()


def test_a_pseudonymized_pack_never_holds_the_workspace(source, tmp_path):
    path, _ = source
    with pytest.raises(WorkbenchError, match="cannot hold a copy of the workspace"):
        _pack(path, tmp_path / "x.wbpack", key=load_key(one_off=True), with_workspace=True)
    assert not (tmp_path / "x.wbpack").exists()
