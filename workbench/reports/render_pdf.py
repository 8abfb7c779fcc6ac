"""The report as a PDF (fpdf2): a title page with the headline figures, then the charts and tables
section by section, with page numbers. Text is drawn as text with an embedded Unicode font
(DejaVu Sans, shipped with matplotlib), which draws Latin, Greek, Cyrillic, Arabic, Hebrew and
many symbols. What it has no glyph for (a Chinese, Japanese or Korean name) is drawn in a font of
the computer's that has, when there is one; what no font draws (colour emoji, or everything on a
computer with DejaVu only) shows as empty boxes, and ``write_pdf`` lists it in ``report.unshown``
so the person is told. The charts are pictures drawn the same way (matplotlib, with the same
fonts after DejaVu Sans)."""
from __future__ import annotations

import io
import logging
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from .. import fmt
from .data import SECTIONS, ReportData, Table, definition_title
from .render_html import cell_text, column_title, shown_columns
from .safe import display

PDF_ROWS = 40
PDF_COLUMNS = 8
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"


class _Doc(FPDF):
    report_title = ""

    def footer(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(-12)
        self.set_font("dejavu", size=8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 6, f"{self.report_title} · page {self.page_no()} of {{nb}}", align="C")


def _clean(value: str) -> str:
    """Text the PDF can hold: no control characters, no bidirectional overrides."""
    return "".join(ch if ch.isprintable() or ch == " " else " " for ch in display(value))


def _new_doc(report: ReportData) -> _Doc:
    pdf = _Doc(orientation="portrait", unit="mm", format="A4")
    pdf.report_title = _clean(report.title)
    pdf.set_title(_clean(report.title))
    pdf.set_creator(f"{report.app} {report.app_version}")
    pdf.set_creation_date(report.generated_at)
    pdf.add_font("dejavu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("dejavu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.set_margins(16, 16, 16)
    pdf.alias_nb_pages()
    return pdf


def _title_page(pdf: _Doc, report: ReportData) -> None:
    pdf.add_page()
    pdf.set_y(60)
    pdf.set_font("dejavu", "B", 26)
    pdf.multi_cell(0, 12, _clean(report.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.set_font("dejavu", "", 13)
    prev = report.previous_period
    lines = [report.workspace, f"Period: {report.period_text()}",
             f"Compared with: {prev['from']} to {prev['to']}" if prev and prev.get("from") else "",
             report.filters_text, f"Made {fmt.when(report.generated_at)} by {report.app} {report.app_version}",
             "Pseudonymized: names, handles, e-mails and platform ids replaced; no message text."
             if report.pseudonymized else "", report.notice]
    for line in filter(None, lines):
        pdf.multi_cell(0, 7, _clean(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(10)
    pdf.set_font("dejavu", "B", 14)
    pdf.cell(0, 9, "Headline figures", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("dejavu", "", 10)
    with pdf.table(col_widths=(70, 34, 34, 40), text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
                   line_height=6.5, first_row_as_headings=True) as table:
        table.row(["Figure", "This period", "Previous", "Change"])
        for f in report.figures:
            change, _, _ = f.change()
            table.row([f.label, f.display(), f.display(f.previous) if f.previous is not None else "—", change])


def _widths(head: list[str], rows: list[list[str]], room: float) -> tuple[float, ...]:
    """Columns as wide as what they hold, within bounds: a question's text gets the room, a count
    or a date only its own (equal widths squeezed the questions into a column of one word a line).
    Widths are in characters; ``room`` is how many fit across the page. When the wishes do not fit,
    the columns of text give up width, never below their longest word: a number or a heading's
    word is never broken ('25,73' over '9', 'Adde' over 'd')."""
    want, least = [], []
    for i, title in enumerate(head):
        cells = [r[i] for r in rows]
        lengths = sorted(len(c) for c in cells) or [0]
        typical = lengths[int(0.9 * (len(lengths) - 1))]
        # a heading's words are bold, a little wider than the cells' text; a long token (a file
        # name) may wrap past 20 characters
        floor = max(max((len(w) for w in title.split()), default=0) + 3,
                    min(max((len(w) for c in cells for w in c.split()), default=0), 20), 6)
        want.append(float(min(max(typical, floor), 60) + 2))  # + 2: the cell's padding
        least.append(float(floor + 2))
    over, spare = sum(want) - room, sum(want) - sum(least)
    if over > 0 and spare > 0:
        share = min(1.0, over / spare)
        want = [w - (w - m) * share for w, m in zip(want, least)]
    return tuple(want)


def _table(pdf: _Doc, t: Table) -> None:
    pdf.set_font("dejavu", "B", 11)
    pdf.multi_cell(0, 7, _clean(t.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if t.description:
        pdf.set_font("dejavu", "", 8.5)
        pdf.multi_cell(0, 4.5, _clean(t.description), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    df = t.shown()
    pdf.set_font("dejavu", "", 7.5)
    if df is None or df.empty:
        pdf.multi_cell(0, 5, "Nothing in this period.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)
        return
    visible = shown_columns(df)
    cols = visible if t.view is not None else visible[:PDF_COLUMNS]  # a grid's narrow columns all fit
    head = [_clean(column_title(c))[:40] for c in cols]
    rows = [[fmt.snippet(_clean(cell_text(c, v)), 120) for c, v in zip(cols, row)]
            for row in df[cols].head(PDF_ROWS).itertuples(index=False, name=None)]
    room = pdf.epw / pdf.get_string_width("0")  # characters across the page, at the cells' size
    with pdf.table(line_height=4.2, first_row_as_headings=True, text_align="LEFT",
                   col_widths=_widths(head, rows, room)) as table:
        table.row(head)
        for row in rows:
            table.row(row)
    notes = []
    if len(df) > PDF_ROWS:
        notes.append(f"{PDF_ROWS} of {len(df):,} rows")
    if len(visible) > len(cols):
        notes.append(f"{len(cols)} of {len(visible)} columns")
    if notes:
        pdf.set_font("dejavu", "", 7)
        pdf.multi_cell(0, 4, f"Showing {' and '.join(notes)}; the XLSX and CSV exports hold the whole table.",
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)


def _build(report: ReportData, fallbacks: list[Path], charts_png: dict[str, bytes]) -> tuple[_Doc, set[str]]:
    """The report as a document, its text in DejaVu Sans and, for what DejaVu has no glyph for, in
    the ``fallbacks`` fonts; with the characters no font of it could draw."""
    pdf = _new_doc(report)
    fallback_names = []
    for i, path in enumerate(fallbacks):
        try:
            pdf.add_font(f"fallback{i}", "", str(path))
        except Exception:  # noqa: BLE001 - a font fpdf cannot embed (an outline it does not read): passed over
            continue
        fallback_names.append(f"fallback{i}")
    if fallback_names:
        pdf.set_fallback_fonts(fallback_names, exact_match=False)
    _title_page(pdf, report)
    for key, title in SECTIONS:
        charts = [c for c in report.charts if c.section == key]
        tables = [t for t in report.tables if t.section == key and t.show]
        if not charts and not tables:
            continue
        pdf.add_page()
        pdf.set_font("dejavu", "B", 16)
        pdf.cell(0, 10, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        for chart in charts:
            if pdf.get_y() > pdf.h - 95:
                pdf.add_page()
            pdf.set_font("dejavu", "B", 10.5)
            pdf.multi_cell(0, 6, _clean(chart.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            if chart.description:
                pdf.set_font("dejavu", "", 8.5)
                pdf.multi_cell(0, 4.5, _clean(chart.description), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.image(io.BytesIO(charts_png[chart.key]), w=pdf.epw)
            pdf.ln(3)
        for t in tables:
            if pdf.get_y() > pdf.h - 50:
                pdf.add_page()
            _table(pdf, t)
    pdf.add_page()
    pdf.set_font("dejavu", "B", 16)
    pdf.cell(0, 10, "Definitions", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for k, v in report.definitions.items():
        pdf.set_font("dejavu", "B", 9.5)
        pdf.multi_cell(0, 5.5, definition_title(k), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("dejavu", "", 9)
        pdf.multi_cell(0, 5, v, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)
    return pdf, {chr(g) for font in pdf.fonts.values() for g in getattr(font, "missing_glyphs", ())}


def write_pdf(report: ReportData, out: Path) -> Path:
    """Write the PDF. Text DejaVu Sans cannot draw (a Chinese name, an emoji) is drawn in a font of
    the computer's that can, when it has one (Noto Sans CJK, Microsoft YaHei, PingFang...); what
    stays undrawn is listed in ``report.unshown``."""
    from .charts import to_png
    from .fonts import fonts_with

    lacking: dict[str, set[str]] = {c.key: set() for c in report.charts}  # each chart's undrawn characters
    charts_png = {c.key: to_png(c, dpi=140, missing=lacking[c.key]) for c in report.charts}
    pdf, missing = _build(report, [], charts_png)
    chart_missing = set().union(*lacking.values())
    fallbacks = fonts_with(missing | chart_missing) if missing or chart_missing else []
    if fallbacks and chart_missing:  # drawn again, in the fonts that have what DejaVu lacks
        chart_missing = set()
        charts_png.update({c.key: to_png(c, dpi=140, missing=chart_missing, fonts=fallbacks)
                           for c in report.charts if lacking[c.key]})
    if fallbacks:  # built again, with the charts drawn again or the text's fallback fonts
        pdf, missing = _build(report, fallbacks if missing else [], charts_png)
    fpdf_log = logging.getLogger("fpdf.output")  # it warns of each font's missing glyphs: said once, below
    level = fpdf_log.level
    fpdf_log.setLevel(logging.ERROR)
    try:
        pdf.output(str(out))
    finally:
        fpdf_log.setLevel(level)
    report.unshown = "".join(sorted(ch for ch in missing | chart_missing if ch.isprintable() and not ch.isspace()))
    return out
