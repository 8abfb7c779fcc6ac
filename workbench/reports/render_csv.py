"""The tables behind a report as CSV files in one folder: ``figures.csv`` (the headline figures
with the previous period), one file per table and ``definitions.csv``. UTF-8 with a byte order mark so spreadsheets
read the names right; no cell can start a formula (``safe.csv_cell``); file names are the tables'
own keys, never anything from the data."""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from ..errors import make_folder
from .data import ReportData
from .safe import csv_cell, file_stem


def write_frame_csv(df: pd.DataFrame, path: Path) -> Path:
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        w = csv.writer(f)
        w.writerow([csv_cell(str(c)) for c in df.columns])
        for row in df.itertuples(index=False, name=None):
            w.writerow([csv_cell(v) for v in row])
    return path


def csv_files(report: ReportData) -> list[tuple[str, pd.DataFrame]]:
    """(file name, frame) of every CSV file of the report."""
    out = [("figures.csv", report.figures_frame())]
    out += [(f"{file_stem(t.key)}.csv", t.frame if t.frame is not None else pd.DataFrame()) for t in report.tables]
    return [*out, ("definitions.csv", report.definitions_frame())]


def write_csv_folder(report: ReportData, out: Path) -> Path:
    make_folder(out, "CSV reports")
    for name, df in csv_files(report):
        write_frame_csv(df, out / name)
    return out
