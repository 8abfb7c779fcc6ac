"""Every field of every JSON sample, given a value of the wrong kind, never crashes an import.

A deterministic companion to the Hypothesis tests. For each sample in tests/data, each key of the
page, and of the first record in each of its lists down to four levels, gets in turn one of the
values that broke importers before: true, an object, a list, a lone surrogate, a number past 64
bits, an epoch past the calendar. The import must then succeed (the bad record reported as a
problem) or fail whole with ``ImportFailed``; any other exception is a crash.
"""
from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path

import pytest

from workbench.errors import ImportFailed
from workbench.workspace import Workspace

DATA = Path(__file__).resolve().parent.parent / "data"
WRONG = [True, {"a": 1}, ["x"], "\ud800", 2**70, 1e300]
FOLDER_DEPTH = {"slack": 2, "discourse": 2, "github": 2}  # an export that is a folder: imported whole


def _documents(path: Path) -> tuple[list, dict[int, str]]:
    """The sample's JSON documents (one per line for JSONL; lines that are not JSON on purpose are
    kept as they are) and those raw lines by index."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix == ".jsonl":
        docs, raw = [], {}
        for i, line in enumerate(x for x in text.splitlines() if x.strip()):
            try:
                docs.append(json.loads(line))
            except ValueError:
                docs.append(None)
                raw[i] = line
        return docs, raw
    # Telegram writes invalid \xNN escapes on purpose; the sweep reads them as literal text.
    return [json.loads(re.sub(r"(?<!\\)\\x", r"\\\\x", text))], {}


def _places(node, path=(), depth=0):  # noqa: ANN001, ANN202 - JSON
    if depth > 4:
        return
    if isinstance(node, dict):
        for key, value in node.items():
            yield path, key
            yield from _places(value, path + (key,), depth + 1)
    elif isinstance(node, list) and node:
        yield from _places(node[0], path + (0,), depth + 1)


def _at(node, path):  # noqa: ANN001, ANN202 - JSON
    for step in path:
        node = node[step]
    return node


SAMPLES = [p for p in sorted(DATA.rglob("*")) if p.suffix in (".json", ".jsonl") and "csv" not in p.parts
           and any(_places(doc) for doc in _documents(p)[0])]  # an empty list (groups.json) has no field


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: str(p.relative_to(DATA)))
def test_a_wrong_value_in_any_field_is_a_problem_not_a_crash(sample, tmp_path):
    rel = sample.relative_to(DATA)
    unit = DATA.joinpath(*rel.parts[:FOLDER_DEPTH.get(rel.parts[0], 1)])
    root = tmp_path / unit.name
    shutil.copytree(unit, root)
    target = root / sample.relative_to(unit)
    docs, raw = _documents(sample)
    places = [(i, path, key) for i, doc in enumerate(docs) for path, key in _places(doc)]
    ws = Workspace.open(tmp_path / "ws.db")
    try:
        for n, (i, path, key) in enumerate(places):
            value = WRONG[n % len(WRONG)]
            changed = copy.deepcopy(docs)
            _at(changed[i], path)[key] = value
            target.write_text("\n".join(raw.get(j) or json.dumps(d) for j, d in enumerate(changed)), encoding="utf-8")
            try:
                ws.import_paths([root])
            except ImportFailed:
                pass
            except Exception as exc:  # noqa: BLE001 - the crash is what the test reports
                pytest.fail(f"{rel}: {'.'.join(map(str, path + (key,)))} = {value!r} crashed the import: {exc!r}")
    finally:
        ws.close()
