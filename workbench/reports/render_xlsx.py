"""The tables behind a report as one XLSX workbook: a Summary sheet (the headline figures with the
previous period, each shown as the report shows it: 84%, 0.15, while the cell keeps the exact
figure), the Contents (every sheet, with what it holds and its file among the CSV exports), then
one sheet per table, named as a reader calls it ("Active people"), and the Definitions. No cell
can start a formula (``safe.cell``)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .data import ReportData
from .safe import cell, file_stem, sheet_title

BOLD = Font(bold=True)
# How a headline figure of each kind reads in a spreadsheet, as in the report (a share as a whole
# percent, a ratio with two decimals), so that the change beside it adds up.
NUMBER_FORMATS = {"percent": "0%", "ratio": "0.00", "count": "#,##0", "duration": "#,##0"}


def _header(ws, values: list[str]) -> list[WriteOnlyCell]:  # noqa: ANN001
    out = []
    for v in values:
        c = WriteOnlyCell(ws, value=cell(v))
        c.font = BOLD
        c.data_type = "s"
        out.append(c)
    return out


def _row(ws, values) -> list:  # noqa: ANN001
    out = []
    for v in values:
        v = cell(v)
        c = WriteOnlyCell(ws, value=v)
        if isinstance(v, str):
            c.data_type = "s"  # text, whatever it looks like
        out.append(c)
    return out


def _write_frame(ws, df: pd.DataFrame) -> None:  # noqa: ANN001
    ws.append(_header(ws, [str(c) for c in df.columns]))
    for row in df.itertuples(index=False, name=None):
        ws.append(_row(ws, row))


def write_xlsx(report: ReportData, out: Path) -> Path:
    wb = Workbook(write_only=True)
    taken: set[str] = set()
    summary = wb.create_sheet(sheet_title("Summary", taken))
    summary.append(_header(summary, [report.title]))
    for label, value in (("Workspace", report.workspace), ("Period", report.period_text()),
                         ("Previous period", f"{report.previous_period['from']} to {report.previous_period['to']}"
                          if report.previous_period and report.previous_period.get("from") else "none"),
                         ("Filters", report.filters_text), ("Made", report.generated_at.strftime("%Y-%m-%d %H:%M UTC")),
                         ("Made by", f"{report.app} {report.app_version}"),
                         ("Pseudonymized", "yes" if report.pseudonymized else "no"),
                         *((("Note", report.notice),) if report.notice else ())):
        summary.append(_row(summary, [label, value]))
    summary.append([])
    figures = report.figures_frame()
    summary.append(_header(summary, [str(c) for c in figures.columns]))
    for f, values in zip(report.figures, figures.itertuples(index=False, name=None), strict=True):
        row = _row(summary, values)
        for c in row[2:4]:  # value, previous
            if isinstance(c.value, int | float):
                c.number_format = NUMBER_FORMATS.get(f.kind, "General")
        summary.append(row)
    # The sheets as a reader calls them ("Active people"), listed in the Contents with what each
    # holds and its file among the CSV exports (named by the tables' keys).
    contents = wb.create_sheet(sheet_title("Contents", taken))
    sheets = [(t, sheet_title(t.sheet_name, taken)) for t in report.tables]
    definitions = sheet_title("Definitions", taken)
    contents.append(_header(contents, ["sheet", "holds", "csv file"]))
    contents.append(_row(contents, ["Summary", "The report's headline figures, with the previous period's",
                                    "figures.csv"]))
    for t, title in sheets:
        contents.append(_row(contents, [title, t.title, f"{file_stem(t.key)}.csv"]))
    contents.append(_row(contents, [definitions, "What each figure and column means", "definitions.csv"]))
    for t, title in sheets:
        sheet = wb.create_sheet(title)
        if t.frame is None or t.frame.empty:
            sheet.append(_row(sheet, ["Nothing in this period."]))
            continue
        _write_frame(sheet, t.frame)
    _write_frame(wb.create_sheet(definitions), report.definitions_frame())
    wb.save(out)
    return out
