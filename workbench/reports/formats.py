"""The registry of report formats: each renders a ``ReportData`` to a file (or a folder)."""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import WorkbenchError
from .data import ReportData


@dataclass(frozen=True)
class Format:
    name: str
    label: str
    suffix: str  # "" for a folder
    writer: str  # "module:function" under workbench.reports, imported when used
    description: str

    @property
    def folder(self) -> bool:
        return not self.suffix

    def write(self, report: ReportData, out: Path) -> Path:
        module, func = self.writer.split(":")
        fn: Callable[[ReportData, Path], Path] = getattr(importlib.import_module(f"{__package__}.{module}"), func)
        return fn(report, out)


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("html", "HTML", ".html", "render_html:write_html", "one file that opens offline in any browser"),
    Format("pdf", "PDF", ".pdf", "render_pdf:write_pdf", "paginated, with a title page and page numbers"),
    Format("xlsx", "Excel workbook", ".xlsx", "render_xlsx:write_xlsx", "the tables behind the report, one sheet each"),
    Format("csv", "CSV files", "", "render_csv:write_csv_folder", "the tables behind the report, one file each, in a folder"),
)}


def get_format(name: str) -> Format:
    try:
        return FORMATS[name.lower()]
    except KeyError:
        raise WorkbenchError(f"There is no report format called {name!r}; the formats are "
                             f"{', '.join(FORMATS)}.") from None


# Names of files of a kind the workbench does not write a report as (a name such as
# "acme 2026.12" or "report.final" is no such name, and gets HTML).
OTHER_FILE_TYPES = {".tsv", ".txt", ".json", ".xml", ".md", ".doc", ".docx", ".odt", ".rtf", ".xls", ".xlsm",
                    ".ods", ".ppt", ".pptx", ".png", ".jpg", ".jpeg", ".svg", ".zip", ".wbpack", ".db"}


def named_format(out: str | Path) -> Format | None:
    """The format a file's name says it holds (report.pdf: PDF; report.htm: HTML), if any."""
    suffix = Path(out).suffix.lower()
    suffix = ".html" if suffix == ".htm" else suffix
    return next((f for f in FORMATS.values() if f.suffix and f.suffix == suffix), None)


def format_for(out: str | Path, asked: str | None) -> str:
    """The format to write to ``out``: the one asked for, else the one its name says, else (a name
    without an extension) HTML. A name that says another format than the one asked for, or one the
    workbench does not write (report.csv, report.docx), is a mistake to say before anything is
    written (a PDF named report.html opens as garbage, HTML named report.csv as rubbish)."""
    said = named_format(out)
    suffix = Path(out).suffix.lower()
    if asked is None and said is None and suffix == ".csv":
        raise WorkbenchError(f"{Path(out).name}: a report's CSV is a folder of tables, one file each; give a folder "
                             "with --format csv (--format csv --out report-tables).")
    if asked is None and said is None and suffix in OTHER_FILE_TYPES:
        raise WorkbenchError(f"{Path(out).name}: the workbench does not write {suffix} files; name the report "
                             ".html, .pdf or .xlsx, or choose a format with --format.")
    if asked is None:
        return said.name if said else "html"
    fmt = get_format(asked)
    if said is not None and said is not fmt:
        raise WorkbenchError(f"{Path(out).name} is named for {said.label}, but the format chosen is {fmt.label}: "
                             "change the format or the name.")
    return fmt.name


def write_report(report: ReportData, format_name: str, out: str | Path) -> Path:
    fmt = get_format(format_name)
    out = Path(out)
    if not fmt.folder:
        if out.is_dir():
            raise WorkbenchError(f"{out} is a folder; give the name of the {fmt.label} file to write.")
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WorkbenchError(f"The folder {out.parent} cannot be created: {exc.strerror}.") from exc
    # A file is written beside its place and moved there whole: a full disk or a cancelled run
    # leaves no half report under the name (nor destroys the one there). Not so for a device or a
    # pipe (/dev/stdout), nor a folder of CSV files.
    whole = not fmt.folder and (out.is_file() or not out.exists())
    target = out.with_name(f".{out.stem}.part{out.suffix}") if whole else out
    try:
        written = fmt.write(report, target)
        if whole:
            target.replace(out)
        return out if whole else written
    except OSError as exc:
        raise WorkbenchError(f"The report cannot be written to {out}: {(exc.strerror or str(exc)).lower()}"
                             f"{'; nothing was written' if whole else ''}.") from exc
    finally:
        if whole:
            target.unlink(missing_ok=True)


def unshown_note(report: ReportData) -> str:
    """The sentence that tells which characters the PDF just written draws as empty boxes (neither
    its font nor any of the computer's has a glyph for them: emoji, or Chinese, Japanese or Korean
    names on a computer without such a font), or ""."""
    chars = report.unshown
    if not chars:
        return ""
    listed = ", ".join(f"{ch} (U+{ord(ch):04X})" for ch in chars[:8]) + (
        f" and {len(chars) - 8} more" if len(chars) > 8 else "")
    return (f"No font of this computer's has a glyph for {len(chars)} character{'s' if len(chars) > 1 else ''} of "
            f"the data, which the PDF draws as empty boxes: {listed}. The HTML report shows them with the reader's "
            "own fonts.")
