"""The core runs without Qt: checked by import-linter, and every core module is under the contract."""
from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_linter_contract_is_kept():
    lint = Path(sys.executable).parent / "lint-imports"
    proc = subprocess.run([str(lint), "--config", str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Contracts: 1 kept, 0 broken." in proc.stdout


def test_every_core_module_is_under_the_contract():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contract = config["tool"]["importlinter"]["contracts"][0]
    listed = set(contract["source_modules"])
    assert {"PySide6", "pyqtgraph", "workbench.ui"} <= set(contract["forbidden_modules"])
    core = set()
    for child in (ROOT / "workbench").iterdir():
        name = child.stem if child.suffix == ".py" else child.name
        if child.name.startswith(("_", ".")) or child.name == "ui":
            continue
        if child.suffix == ".py" or (child.is_dir() and (child / "__init__.py").exists()):
            core.add(f"workbench.{name}")
    missing = sorted(core - listed)
    assert not missing, f"core modules outside the no-Qt contract: {missing}"


def test_core_commands_run_without_qt_importable(tmp_path):
    """`workbench status` must not load Qt: run it with PySide6 made unimportable."""
    blocker = tmp_path / "PySide6"
    blocker.mkdir()
    (blocker / "__init__.py").write_text("raise ImportError('Qt is not installed here')\n")
    from workbench.workspace import Workspace

    Workspace.open(tmp_path / "w.db").close()
    env = {"PYTHONPATH": str(tmp_path), "WORKBENCH_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "workbench", "status", "--json", "--workspace",
                           str(tmp_path / "w.db")], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert '"activities": 0' in proc.stdout
