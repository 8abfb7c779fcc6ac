"""The report as one HTML file: opens offline in any browser, charts inline as SVG, no scripts,
no external requests (a Content-Security-Policy forbids them too), print-friendly CSS.

Every value from the data is escaped: a member called ``<script>`` stays text.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from .. import fmt
from .data import SECTIONS, Chart, ReportData, Table, definition_title
from .safe import text

HTML_ROWS = 50
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'"

GOOD, BAD, MUTED = "#1a7f46", "#b3261e", "#5f6b7a"  # a change for the better, for the worse, none

CSS = """
:root { --ink:#1d2430; --muted:#5f6b7a; --line:#dfe3e8; --card:#f6f8fa; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 1080px; padding: 28px 32px 48px; line-height: 1.45; font-size: 14px; }
header { border-bottom: 2px solid var(--ink); padding-bottom: 12px; margin-bottom: 20px; }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 19px; margin: 32px 0 10px; border-bottom: 1px solid var(--line);
     padding-bottom: 4px; } h3 { font-size: 15px; margin: 18px 0 6px; }
.meta { color: var(--muted); margin: 2px 0; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; background: #e8eef7; color: #123a5a;
         font-size: 12px; margin-left: 6px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 10px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.card .label { color: var(--muted); font-size: 12px; } .card .value { font-size: 22px; font-weight: 600; }
.card .change { font-size: 12px; } .card > span { display: block; }
figure { margin: 12px 0 20px; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; max-height: 360px; } figure img { max-width: 100%; }
figcaption { font-weight: 600; margin-bottom: 4px; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; margin: 6px 0 4px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; unicode-bidi: isolate; }
th { background: var(--card); font-weight: 600; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.more, .empty { color: var(--muted); font-size: 12px; } dl { font-size: 13px; } dt { font-weight: 600; margin-top: 6px; }
dd { margin: 0 0 0 16px; color: var(--muted); }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
@media print {
  @page { size: A4; margin: 16mm 14mm; }
  body { max-width: none; padding: 0; font-size: 11px; }
  h2 { break-before: auto; break-after: avoid; } table { font-size: 10px; } tr { break-inside: avoid; }
  .cards { grid-template-columns: repeat(4, 1fr); }
}
"""
# Without CSS variables, in a sheet of its own: the window's viewer drops a whole sheet that uses
# them, and still draws a report's changes in their colours from this one.
PLAIN_CSS = (f".good {{ color: {GOOD}; }} .bad {{ color: {BAD}; }} "
             f".flat, .meta, .more, .empty {{ color: {MUTED}; }}")

# The window's preview (Qt's rich text) reads plain CSS only: no custom properties, no grids.
QT_CSS = """
th, td { text-align: left; padding: 2px 8px 2px 0; } th.num, td.num { text-align: right; padding: 2px 0 2px 8px; }
"""


def _is_num(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _numeric_column(values: pd.Series) -> bool:
    """A column of numbers (gaps allowed): its heading sits over the right-aligned figures."""
    present = values.dropna()
    if present.empty:
        return False
    if pd.api.types.is_bool_dtype(present):
        return False
    if pd.api.types.is_numeric_dtype(present):
        return True
    return all(_is_num(v) or (hasattr(v, "item") and not isinstance(v, (str, bool))) for v in present)


def cell_text(column: str, value: object) -> str:
    """How a table cell reads: durations in words, shares as percentages, thousands separators."""
    col = str(column).lower()
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return "never" if col == "last_recognized" else ""  # the recognition gap: nobody thanked them yet
    if hasattr(value, "item") and not isinstance(value, str):
        try:
            value = value.item()
        except (TypeError, ValueError):
            pass
    if _is_num(value):
        if col.endswith("_s") or col.endswith("_seconds"):
            return fmt.duration(float(value))
        if any(w in col for w in ("rate", "share", "stickiness", "pct")) and -1.5 <= float(value) <= 1.5:
            return fmt.percent(float(value))
        if col == "score":  # one decimal for every champion score, so they align, as in the window
            return fmt.number(float(value), 1)
        if col == "percent" or col.endswith("_percent") or col.startswith("+"):  # out of 100 (retention, its grid)
            whole = abs(float(value) - round(float(value))) < 1e-9  # 7 of 50 is 14.000000000000002
            return fmt.percent(float(value) / 100, 0 if whole else 1)
        if isinstance(value, float) and not value.is_integer():
            return fmt.number(value, 2)
        return fmt.number(value)
    if col == "platform" and isinstance(value, str):
        return fmt.platform_name(value)
    if col == "platforms" and isinstance(value, str):
        return fmt.platform_names(value)
    if hasattr(value, "strftime"):
        try:
            return value.strftime("%Y-%m-%d %H:%M") if getattr(value, "hour", 0) or getattr(value, "minute", 0) \
                else value.strftime("%Y-%m-%d")
        except ValueError:
            return str(value)
    return str(value)


def column_title(column: str) -> str:
    c = str(column)
    for suffix in ("_s", "_seconds"):
        if c.endswith(suffix):
            c = c[: -len(suffix)]
    return c.replace("_", " ").replace(".", " · ").strip().capitalize()


LINK_COLUMN = "link"  # where a row can be seen on its platform: the row's text links there in HTML


def shown_columns(df: pd.DataFrame) -> list[str]:
    """The columns a reader sees in HTML and PDF: internal ids and links stay in the XLSX and CSV files."""
    return [c for c in df.columns if not (str(c).endswith("_id") or str(c) in ("id", "external_id", LINK_COLUMN))]


def _linked(cell: str, url: object) -> str:
    """A cell's text as a link to ``url`` (made by ``permalinks``, and checked again: https only)."""
    if not isinstance(url, str) or not url.startswith("https://") or any(ch in url for ch in "\"<> \t\r\n"):
        return cell
    return f'<a href="{text(url)}" target="_blank" rel="noopener noreferrer">{cell}</a>'


def table_html(t: Table, *, rows: int = HTML_ROWS) -> str:
    df = t.shown()
    out = [f'<h3 id="t-{text(t.key)}">{text(t.title)}</h3>']
    if t.description:
        out.append(f'<p class="meta">{text(t.description)}</p>')
    if df is None or df.empty:
        out.append('<p class="empty">Nothing in this period.</p>')
        return "\n".join(out)
    cols = shown_columns(df)
    links = df[LINK_COLUMN].head(rows).tolist() if LINK_COLUMN in df.columns else None
    linked = next((c for c in ("excerpt", "question", "title") if c in cols), None) if links else None
    df = df[cols]
    shown = df.head(rows)
    numeric = [_numeric_column(shown[c]) for c in cols]  # right-aligned, heading and cells alike
    out.append("<table><thead><tr>" + "".join(
        ('<th class="num">' if num else "<th>") + f"{text(column_title(c))}</th>" for c, num in zip(cols, numeric))
        + "</tr></thead><tbody>")
    for n, row in enumerate(shown.itertuples(index=False, name=None)):
        tds = []
        for c, v, num in zip(cols, row, numeric):
            cls = ' class="num"' if num or _is_num(v) or (hasattr(v, "item") and not isinstance(v, str)) else ""
            cell = text(cell_text(c, v))
            tds.append(f"<td{cls}>{_linked(cell, links[n]) if c == linked else cell}</td>")
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</tbody></table>")
    if len(df) > rows:
        out.append(f'<p class="more">Showing {rows:,} of {len(df):,} rows; every row is in the XLSX and CSV exports.</p>')
    return "\n".join(out)


def figures_table_html(report: ReportData) -> str:
    """The headline figures as a plain table (for viewers without CSS grids, like the window's preview)."""
    rows = ["<table><thead><tr><th>Figure</th><th>This period</th><th>Previous</th><th>Change</th></tr></thead><tbody>"]
    for f in report.figures:
        change, _, good = f.change()
        colour = GOOD if good else BAD if good is False else MUTED
        prev = f.display(f.previous) if f.previous is not None else "—"
        rows.append(f'<tr><td>{text(f.label)}</td><td class="num"><b>{text(f.display())}</b></td>'
                    f'<td class="num">{text(prev)}</td><td class="num"><font color="{colour}">{text(change)}</font></td></tr>')
    rows.append("</tbody></table>")
    return "".join(rows)


def figures_html(report: ReportData) -> str:
    cards = []
    for f in report.figures:
        change, _, good = f.change()
        cls = "flat" if good is None else "good" if good else "bad"
        prev = f"previous {f.display(f.previous)}" if f.previous is not None else "no previous period"
        # Spans that the style sheet stacks: a viewer without it (the window showing a pack's
        # report) reads each card as one line, "Activities 3,793 ▼ 34% · previous 5,731".
        cards.append(f'<div class="card"><span class="label">{text(f.label)}</span> '
                     f'<span class="value"><b>{text(f.display())}</b></span> '
                     f'<span class="change"><span class="{cls}">{text(change)}</span> · {text(prev)}</span></div>')
    return '<div class="cards">' + "".join(cards) + "</div>"


def chart_html(chart: Chart, render: Callable[[Chart], str]) -> str:
    note = f'<p class="meta">{text(chart.description)}</p>' if chart.description else ""
    return (f'<figure id="c-{text(chart.key)}"><figcaption>{text(chart.title)}</figcaption>{note}'
            f"{render(chart)}</figure>")


def render_html(report: ReportData, *, chart_markup: Callable[[Chart], str] | None = None,
                simple: bool = False) -> str:
    """The whole report as HTML text. ``chart_markup`` draws a chart (default: inline SVG);
    ``simple`` lays the headline figures out as a table (for the window's preview)."""
    if chart_markup is None:
        from .charts import to_svg
        chart_markup = to_svg
    period = report.period_text()
    prev = report.previous_period
    prev_text = f"{prev['from']} to {prev['to']}" if prev and prev.get("from") else "none"
    badge = '<span class="badge">pseudonymized</span>' if report.pseudonymized else ""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{text(report.title)} — {text(period)}</title>",
        f"<style>{CSS}</style><style>{PLAIN_CSS}</style>" + (f"<style>{QT_CSS}</style>" if simple else "")
        + "</head><body>",
        f"<header><h1>{text(report.title)} {badge}</h1>",
        f'<p class="meta">{text(report.workspace)} · {text(period)} (compared with {text(prev_text)})</p>',
        f'<p class="meta">{text(report.filters_text)} · made {text(fmt.when(report.generated_at))} by '
        f"{text(report.app)} {text(report.app_version)}</p>",
    ]
    if report.pseudonym_note:
        parts.append(f'<p class="meta">{text(report.pseudonym_note)}</p>')
    if report.notice:
        parts.append(f'<p class="notice"><b>{text(report.notice)}</b></p>')
    parts += ["</header>", "<h2>Headline figures</h2>", figures_table_html(report) if simple else figures_html(report)]
    for key, title in SECTIONS:
        charts = [c for c in report.charts if c.section == key]
        tables = [t for t in report.tables if t.section == key and t.show]
        if not charts and not tables:
            continue
        parts.append(f'<section id="s-{key}"><h2>{text(title)}</h2>')
        parts += [chart_html(c, chart_markup) for c in charts]
        parts += [table_html(t) for t in tables]
        parts.append("</section>")
    parts.append('<section id="s-definitions"><h2>Definitions</h2><dl>')
    parts += [f"<dt>{text(definition_title(k))}</dt><dd>{text(v)}</dd>" for k, v in report.definitions.items()]
    parts.append("</dl></section>")
    parts.append(f"<footer>{text(report.app)} {text(report.app_version)} · the tables behind every chart are in "
                 "the XLSX and CSV exports of this report.</footer></body></html>")
    return "\n".join(parts)


def write_html(report: ReportData, out: Path) -> Path:
    out.write_text(render_html(report), encoding="utf-8")
    return out
