"""An export zipped with macOS's Finder ("Compress"), which adds ``__MACOSX/`` with a ``._`` copy of
every file's attributes (and sometimes ``.DS_Store``): read exactly as the same zip without them."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from workbench.workspace import Workspace

DATA = Path(__file__).resolve().parent.parent / "data"
# What Finder writes for each file: an AppleDouble header, not the file's data.
APPLE_DOUBLE = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + b"\x00" * 60

EXPORTS = {
    "Slack export": DATA / "slack" / "export",
    "DiscordChatExporter channels": DATA / "discord" / "guild",
    "GitHub pages": DATA / "github" / "acme-assistant",
    "Stack Exchange dump": DATA / "stackexchange" / "cooking.stackexchange.com",
    "IRC logger's folder": DATA / "irc" / "ChannelLogger",
}


def zipped(folder: Path, dest: Path, *, by_finder: bool) -> Path:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = f"{folder.name}/{f.relative_to(folder).as_posix()}"
            z.write(f, name)
            if by_finder:
                parent, _, base = name.rpartition("/")
                z.writestr(f"__MACOSX/{parent}/._{base}", APPLE_DOUBLE)
        if by_finder:
            z.writestr(f"{folder.name}/.DS_Store", b"\x00\x00\x00\x01Bud1" + b"\x00" * 40)
    return dest


def imported(archive: Path, db: Path) -> tuple[dict, list[tuple[str, str, str]], list[str]]:
    ws = Workspace.open(db)
    try:
        result = ws.import_paths([archive])
        said = [(p.file, p.position, p.message) for p in result.problems + result.notes]
        return ws.counts(), said, [label for _, label in result.inputs]
    finally:
        ws.close()


@pytest.mark.parametrize("export", list(EXPORTS))
def test_a_zip_made_by_finder_reads_as_the_same_zip_without_its_additions(export, tmp_path):
    folder = EXPORTS[export]
    for kind in ("plain", "finder"):
        (tmp_path / kind).mkdir()
    plain = imported(zipped(folder, tmp_path / "plain" / "export.zip", by_finder=False), tmp_path / "plain.db")
    by_finder = imported(zipped(folder, tmp_path / "finder" / "export.zip", by_finder=True), tmp_path / "finder.db")
    assert plain[0]["activities"] > 0
    assert by_finder == plain
    assert not any("MACOSX" in " ".join(s) or "._" in " ".join(s) for s in by_finder[1]), by_finder[1]
