"""A report, built once as data and rendered by format (HTML, PDF, XLSX, CSV).

``build_report(ws, filters, ...)`` asks the metrics and the champion programme for the period's
figures (with the previous period beside them), the tables behind the charts and the lists a
community manager reads, and hands back a ``ReportData``. Pseudonymized reports are made from it
by ``workbench.reports.privacy.pseudonymize_report``; renderers never read the workspace.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import APP_NAME, __version__, fmt
from ..metrics.activity import retention_cut
from ..metrics.dashboard import headline_kind

ProgressFn = Callable[[float, str], None]
CancelFn = Callable[[], bool]

# key: (label, higher is better); what kind of figure each is, metrics.dashboard.headline_kind says
FIGURES: dict[str, tuple[str, bool]] = {
    "activities": ("Activities", True),
    "active_people": ("Active people", True),
    "new_people": ("New people", True),
    "stickiness": ("Stickiness (DAU / MAU)", True),
    "questions": ("Questions", True),
    "ttfr_median_s": ("Median time to first response", False),
    "ttfr_p90_s": ("90th percentile time to first response", False),
    "response_rate_24h": ("Answered within 24 hours", True),
    "response_rate_ever": ("Answered at all", True),
    "unanswered": ("Unanswered questions", False),
    "absence_factor": ("Contributor absence factor", True),
}

DEFINITIONS: dict[str, str] = {
    "active_people": "Distinct people (bots left out) with at least one activity in the period.",
    "new_people": "People whose first activity or join falls in the period.",
    "stickiness": "Mean daily active people divided by mean monthly (28-day) active people over the period.",
    "questions": "Top-level activities whose text holds the question marker, or that the source marks as questions.",
    "ttfr": "Time to first response: from a question to the earliest reply by a different person who is "
            "not a bot (direct or in its thread); median and 90th percentile.",
    "response_rate": "Share of the period's questions answered within 24 hours, and at all.",
    "unanswered": "Questions of the period with no reply from another person yet.",
    "absence_factor": "CHAOSS contributor absence factor: the smallest number of people who together wrote "
                      "at least half of the period's activity.",
    "retention": "Cohort = month of a person's first activity; retained in month k if active at least once "
                 "in month cohort + k.",
    "levels": "Engagement levels over the 90 days ending a date: Leading (30+ active days), Contributing "
              "(7+ active days in the last 30), Participating (2+ active days in some week of the last 30), "
              "Exploring (any activity), Inactive (none).",
    "champion_score": "Explainable weighted sum over the last 90 days: answers to others' questions, replies "
                      "to newcomers, distinct people helped, reactions received, active days.",
    "recognition_gap": "People in the top decile of champion score with no recognition in the last 180 days.",
    "bots_and_staff": "Bots are always left out; staff count in activity and are never champion candidates; nor "
                      "are people whose every account is deleted (they left, or are a platform's shared \"Deleted "
                      "user\"), who cannot be thanked.",
    "time": "Days, weeks and months are calendar periods in the reporting time zone; weeks start on Monday.",
}
# What each definition is called where a reader meets it (the HTML and PDF reports' Definitions, the
# XLSX's Definitions sheet, definitions.csv); the keys stay as an audit pack's manifest holds them.
DEFINITION_TITLES: dict[str, str] = {
    "active_people": "Active people", "new_people": "New people", "stickiness": "Stickiness (DAU / MAU)",
    "questions": "Questions", "ttfr": "Time to first response", "response_rate": "Response rate",
    "unanswered": "Unanswered questions", "absence_factor": "Contributor absence factor",
    "retention": "Retention", "levels": "Engagement levels", "champion_score": "Champion score",
    "recognition_gap": "Recognition gap", "bots_and_staff": "Bots and staff", "time": "Days, weeks and months",
}


def definition_title(key: str) -> str:
    """A definition's name as a reader sees it: 'ttfr' -> 'Time to first response'."""
    return DEFINITION_TITLES.get(key) or key.replace("_", " ").capitalize()


@dataclass
class Figure:
    key: str
    label: str
    kind: str  # count, ratio, percent, duration
    value: float | None
    previous: float | None
    higher_is_better: bool = True

    def display(self, value: float | None = None) -> str:
        v = self.value if value is None else value
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return "—"
        if self.kind == "percent":
            return fmt.percent(v)
        if self.kind == "duration":
            return fmt.duration(v)
        if self.kind == "ratio":
            return fmt.number(v, 2)
        return fmt.number(v)

    def change(self) -> tuple[str, int, bool | None]:
        """(text, direction, good): '▲ 8%', +1, True when the change is for the better."""
        text, direction = fmt.change(self.value, self.previous, self.kind)
        good = None if direction == 0 else (direction > 0) == self.higher_is_better
        return text, direction, good


def retention_left_out(long: pd.DataFrame) -> str:
    """What a report's retention grid leaves out of the cohorts, in a sentence ('' when nothing)."""
    cut = retention_cut(long)
    return f"Showing {' and '.join(cut)}; the XLSX and CSV exports hold every cohort and month." if cut else ""


@dataclass
class Table:
    key: str
    title: str
    section: str
    frame: pd.DataFrame  # as the XLSX and CSV files hold it: a row per record
    description: str = ""
    show: bool = True  # False: behind a chart only (in XLSX and CSV, not as a table in HTML and PDF)
    # How HTML and PDF show the frame when rows are not how it reads (the retention cohorts: a grid,
    # a cohort a row and a month a column); None: as it is.
    view: Callable[[pd.DataFrame], pd.DataFrame] | None = None
    sheet: str = ""  # its sheet's name in the XLSX, as a reader calls it (31 characters at most); '': the title

    @property
    def sheet_name(self) -> str:
        return self.sheet or self.title

    def shown(self) -> pd.DataFrame:
        """The table as HTML and PDF show it."""
        return self.frame if self.view is None else self.view(self.frame)


@dataclass
class Chart:
    """Data for one chart: ``frame`` has the x values as its index and one column per series."""

    key: str
    title: str
    section: str
    kind: str  # line, area, bar, barh, heatmap, network (ties between people: x0, y0, x1, y1 per tie)
    frame: pd.DataFrame
    y_label: str = ""
    percent: bool = False
    description: str = ""


SECTIONS: list[tuple[str, str]] = [
    ("trends", "Activity and growth"),
    ("retention", "Retention"),
    ("support", "Support"),
    ("people", "Helpers and engagement"),
    ("champions", "Champions and recognition"),
    ("provenance", "Where the numbers come from"),
]


@dataclass
class ReportData:
    title: str
    workspace: str
    period: dict  # Filters.as_dict() of the period
    previous_period: dict | None
    filters_text: str
    generated_at: dt.datetime
    figures: list[Figure]
    tables: list[Table]
    charts: list[Chart]
    definitions: dict[str, str] = field(default_factory=lambda: dict(DEFINITIONS))
    settings: dict[str, Any] = field(default_factory=dict)
    pseudonymized: bool = False
    pseudonym_note: str = ""
    notice: str = ""  # said at the top when the period is empty ("No activity in this period …")
    unshown: str = ""  # the characters the PDF written last has no glyph for (drawn as boxes)
    app: str = APP_NAME
    app_version: str = __version__

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)

    def chart(self, key: str) -> Chart | None:
        return next((c for c in self.charts if c.key == key), None)

    def figure(self, key: str) -> Figure | None:
        return next((f for f in self.figures if f.key == key), None)

    def period_text(self) -> str:
        start, end = self.period.get("from"), self.period.get("to")
        return f"{start} to {end}" if start and end else "all time"

    def figures_frame(self) -> pd.DataFrame:
        """The headline figures as a table (what the Summary sheet and figures.csv hold)."""
        rows = []
        for f in self.figures:
            text, _, _ = f.change()
            rows.append({"figure": f.key, "label": f.label, "value": f.value, "previous": f.previous,
                         "change": text, "unit": {"duration": "seconds", "percent": "share (0-1)"}.get(f.kind, "")})
        return pd.DataFrame(rows, columns=["figure", "label", "value", "previous", "change", "unit"])

    def definitions_frame(self) -> pd.DataFrame:
        """The definitions as a table (the XLSX's Definitions sheet and definitions.csv)."""
        return pd.DataFrame([{"term": definition_title(k), "definition": v} for k, v in self.definitions.items()],
                            columns=["term", "definition"])

    def replace(self, **changes: Any) -> ReportData:
        return dataclasses.replace(self, **changes)


def make_figures(current: dict, previous: dict | None) -> list[Figure]:
    previous = previous or {}
    out = []
    for key, (label, better) in FIGURES.items():
        if key not in current:
            continue
        out.append(Figure(key, label, headline_kind(key), _number(current.get(key)), _number(previous.get(key)), better))
    return out


def _number(v: Any) -> float | None:
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    if math.isnan(f):
        return None
    return int(f) if f.is_integer() and not isinstance(v, float) else f
