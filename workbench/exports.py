"""The metric tables written by ``workbench export-metrics``.

Each entry names a function ``fn(ws, out_dir: Path) -> Path`` that writes one CSV file; features
add theirs here. Ids and numbers are written exactly; a name that a spreadsheet would read as a
formula gets a leading apostrophe (``workbench.reports.safe.cell``).
"""
from __future__ import annotations

import importlib
from pathlib import Path

from .errors import make_folder

TABLES: list[str] = [
    "workbench.people.export:write_people_csv",
    "workbench.metrics.tables:write_daily_active",
    "workbench.metrics.tables:write_questions",
    "workbench.metrics.tables:write_helper_network",
    "workbench.champions.export:write_candidates_csv",
]


def write_metric_tables(ws, out_dir: Path) -> list[Path]:
    make_folder(out_dir, "the metric tables")
    written = []
    for spec in TABLES:
        module, func = spec.split(":")
        written.append(getattr(importlib.import_module(module), func)(ws, out_dir))
    return written
