"""Build a ``ReportData`` from the workspace: the metrics of a period and the previous period, the
dashboard's tables and charts, the champion programme, and where the data came from."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from .. import fmt
from ..history import import_runs
from ..metrics.activity import OTHER_CHANNELS, retention_grid
from ..metrics.filters import Filters, scope_parts
from ..store.models import Activity, Setting
from .data import Chart, ReportData, Table, make_figures, retention_left_out
from .programme import programme_frame, recognitions_frame

TOP_ROWS = 50
TEXT_LIMIT = 240


def _frame(obj: Any) -> pd.DataFrame:
    """A DataFrame from what an API hands back: a frame, a list of records or dataclasses."""
    if obj is None:
        return pd.DataFrame()
    if isinstance(obj, pd.DataFrame):
        df = obj.copy()
    else:
        rows = []
        for item in list(obj):
            if dataclasses.is_dataclass(item):
                rows.append(dataclasses.asdict(item))
            elif isinstance(item, dict):
                rows.append(dict(item))
            elif hasattr(item, "_asdict"):
                rows.append(item._asdict())
            else:
                rows.append({"value": item})
        df = pd.DataFrame(rows)
    if not isinstance(df.index, pd.RangeIndex):
        df = df.rename_axis(df.index.name or "row").reset_index()
    df.columns = [str(c) for c in df.columns]
    # Flatten dict-valued columns (a score's components) into columns of their own.
    for col in list(df.columns):
        if len(df) and df[col].map(lambda v: isinstance(v, dict)).all():
            parts = pd.json_normalize(df[col].tolist()).add_prefix(f"{col}.")
            parts.index = df.index
            df = pd.concat([df.drop(columns=[col]), parts], axis=1)
        elif len(df) and df[col].map(lambda v: isinstance(v, (list, tuple, set))).any():
            df[col] = df[col].map(lambda v: ", ".join(map(str, v)) if isinstance(v, (list, tuple, set)) else v)
    return df


def _local_naive(df: pd.DataFrame, tz: str) -> pd.DataFrame:
    """Aware datetimes as naive wall time of the reporting zone (spreadsheets have no zones)."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            out[col] = s.dt.tz_convert(tz).dt.tz_localize(None)
        elif s.dtype == object and len(s) and isinstance(s.dropna().iloc[0] if s.notna().any() else None, dt.datetime):
            conv = pd.to_datetime(s, utc=True, errors="coerce")
            out[col] = conv.dt.tz_convert(tz).dt.tz_localize(None)
    return out


def _days(df: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Times as the days they fell on (in the zone they are in), under the new names: the gap says
    on which day someone was last active or thanked, one form for every row."""
    out = df.copy()
    for col in columns:
        out[col] = pd.Series([t.date() if pd.notna(t) else None for t in pd.to_datetime(out[col])],
                             index=out.index, dtype=object)
    return out.rename(columns=columns)


def _truncate_text(df: pd.DataFrame) -> pd.DataFrame:
    for col in df.columns:
        if df[col].dtype == object and col != "link":  # a link cut short leads nowhere
            df[col] = df[col].map(lambda v: v[:TEXT_LIMIT] + "…" if isinstance(v, str) and len(v) > TEXT_LIMIT else v)
    return df


X_NAMES = ("day", "date", "week", "month", "period", "cohort", "bucket")
CATEGORY_NAMES = ("platform", "channel", "channel_name", "series", "level", "name")


def _x_column(df: pd.DataFrame) -> str | None:
    for name in X_NAMES:
        if name in df.columns:
            return name
    for col in df.columns:
        if pd.api.types.is_datetime64_any_dtype(df[col]):
            return col
    return None


def series_frame(df: pd.DataFrame, *, x: str | None = None, category: str | None = None,
                 value: str | None = None) -> pd.DataFrame:
    """A wide frame for a chart (index: x, one column per series) from a long or wide table."""
    if df is None or df.empty:
        return pd.DataFrame()
    x = x or _x_column(df)
    if x is None:
        return pd.DataFrame()
    numeric = [c for c in df.columns if c != x and pd.api.types.is_numeric_dtype(df[c])
               and not c.endswith("_id") and c != "id"]
    category = category or next((c for c in CATEGORY_NAMES if c in df.columns and c != x), None)
    if category is not None and numeric:
        value = value or numeric[0]
        wide = df.pivot_table(index=x, columns=category, values=value, aggfunc="sum", fill_value=0)
        wide.columns = [str(c) for c in wide.columns]
    else:
        wide = df.set_index(x)[numeric]
    return wide.sort_index()


def heatmap_frame(df: pd.DataFrame, *, row: str, col: str, value: str | None = None) -> pd.DataFrame:
    if df is None or df.empty:
        return pd.DataFrame()
    if row in df.columns and col in df.columns:
        value = value or next(c for c in df.columns if c not in (row, col) and pd.api.types.is_numeric_dtype(df[c]))
        return df.pivot_table(index=row, columns=col, values=value, aggfunc="sum")
    if row in df.columns:
        return df.set_index(row).select_dtypes(include=[np.number])
    return df.select_dtypes(include=[np.number])


def _dashboard(ws, f: Filters):  # noqa: ANN001, ANN202
    from ..metrics.dashboard import compute_dashboard

    return compute_dashboard(ws, f)


def _champions(ws, f: Filters, limit: int) -> tuple[pd.DataFrame, pd.DataFrame]:  # noqa: ANN001
    """Candidates and the recognition gap scored over the report's period (on every platform: a
    champion's help counts wherever it was given)."""
    from ..champions.programme import champion_ids
    from ..champions.recognition import gap_of
    from ..champions.score import DEFAULT_DAYS, candidates_from, component_frame, load_weights

    days = (f.end - f.start).days + 1 if f.start and f.end else DEFAULT_DAYS
    components = component_frame(ws, as_of=f.end, days=days)  # the period is read once for both
    weights = load_weights(ws)
    return (_frame(candidates_from(components, weights, champion_ids(ws), limit=limit)),
            _frame(gap_of(ws, components, weights)))


def filters_text(ws, f: Filters, channel_name: Callable[[str], str] | None = None) -> str:  # noqa: ANN001
    """Where the figures come from, and the time zone; ``channel_name`` renames the chosen channels'
    labels (a pseudonymized report's direct-message channels: ``privacy.ChannelNames``)."""
    parts = scope_parts(ws, f, channel_name)
    parts.append(f"times in {f.tz}")
    return "; ".join(parts)


def provenance_frame(ws) -> pd.DataFrame:  # noqa: ANN001
    """Every import run, the newest first (as the Imports page lists them): a workspace imported
    week after week has more runs than a page shows, and the latest are the ones to see."""
    rows = []
    runs = import_runs(ws)
    for r in runs:
        rows.append({"run": r.id, "started": r.started_at.replace(tzinfo=None) if r.started_at else None,
                     "removed": r.removed_at.replace(tzinfo=None) if r.removed_at else None,
                     "formats": r.formats, "read": r.read, "added": r.added, "updated": r.updated,
                     "problems": r.problem_count, "left_alone": r.note_count, "skipped": r.skipped,
                     "files": len(r.files), "file_names": ", ".join(f.name for f in r.files)})
    # What an auditor reads first, first: a PDF page holds eight columns, and the file names are long
    # (every name is in the XLSX and CSV files, and with its SHA-256 in an audit pack's manifest).
    # When a run was taken back out of the workspace, the run says so beside its start.
    removed = ["removed"] if any(r.removed_at for r in runs) else []
    return pd.DataFrame(rows, columns=["run", "started", *removed, "formats", "read", "added", "updated", "problems",
                                       "left_alone", "skipped", "files", "file_names"])


def workspace_settings(ws, f: Filters | None = None) -> dict[str, Any]:  # noqa: ANN001
    """The settings the numbers were made with: the workspace's saved ones, and the defaults in
    force for those it does not set (time zone, question marker, champion weights)."""
    from ..champions.score import WEIGHTS_SETTING, load_weights
    from ..metrics.filters import TZ_SETTING
    from ..store.views import QUESTION_MARKER_SETTING, question_marker

    with ws.session() as s:
        saved = {row.key: row.value for row in s.scalars(select(Setting).order_by(Setting.key))}
    used = {TZ_SETTING: f.tz if f is not None else saved.get(TZ_SETTING, "UTC"),
            QUESTION_MARKER_SETTING: question_marker(ws), WEIGHTS_SETTING: load_weights(ws)}
    return dict(sorted({**saved, **used}.items()))


def build_report(ws, filters: Filters | None = None, *, title: str | None = None,  # noqa: ANN001
                 progress=None, cancel=None) -> ReportData:  # noqa: ANN001
    """Everything a report shows, for ``filters`` (default: the last 90 days of data)."""
    from ..errors import ImportCancelled

    def step(fraction: float, message: str) -> None:
        if cancel is not None and cancel():
            raise ImportCancelled("The report was cancelled.")
        if progress is not None:
            progress(fraction, message)

    f = filters or Filters.default_for(ws)
    step(0.05, "Computing the period's metrics")
    d = _dashboard(ws, f)
    head = dict(getattr(d, "headline", {}) or {})
    prev = getattr(d, "previous", None)
    if prev is None:
        prev = getattr(d, "previous_headline", None)
    prev_filters = f.previous() if f.start and f.end else None
    if prev is None and prev_filters is not None:
        from ..metrics import headline
        prev = headline(ws, prev_filters)
    step(0.55, "Reading the champion programme")
    cands, gap = _champions(ws, f, TOP_ROWS)
    tz = f.tz

    def frame(name: str) -> pd.DataFrame:
        df = getattr(d, name, None)
        if name == "hour_weekday" and isinstance(df, pd.DataFrame) and df.index.name is None:
            df = df.rename_axis("weekday")
        return _local_naive(_frame(df), tz)

    tables = [
        Table("dau_wau_mau", "Daily, weekly and monthly active people", "trends", frame("dau_wau_mau"), show=False,
              sheet="Active people"),
        Table("new_people", "New people", "trends", frame("new_people"), show=False),
        Table("activity_by_platform", "Activity by platform", "trends", frame("activity_by_platform"), show=False),
        Table("activity_by_channel", "Activity by channel", "trends", frame("activity_by_channel"), show=False),
        Table("hour_weekday", "Activity by hour and weekday", "trends", frame("hour_weekday"), show=False,
              sheet="Hour and weekday"),
        Table("retention", "Retention cohorts", "retention", frame("retention"),
              description=retention_left_out(frame("retention")), view=retention_grid),
        Table("ttfr_weekly", "Time to first response by week", "support", frame("ttfr_weekly"), show=False,
              sheet="First response by week"),
        Table("unanswered", "Unanswered questions (oldest first)", "support",
              _truncate_text(frame("unanswered")).head(TOP_ROWS * 2), sheet="Unanswered questions"),
        Table("top_helpers", "Top helpers", "people", frame("top_helpers").head(TOP_ROWS)),
        Table("who_helps_whom", "Who helps whom: the top helpers and the people they replied to most", "people",
              frame("who_helps_whom"),
              description="Replies from one person to another in the period, the top helper first; to a newcomer: "
                          "written in the first 30 days of the person helped.", sheet="Who helps whom"),
        Table("level_movement", "Engagement level movement", "people", frame("level_movement"), sheet="Level movement"),
        Table("champion_candidates", "Champion candidates", "champions", _local_naive(cands, tz).head(TOP_ROWS),
              description="Scored over the report's period on every platform."),
        Table("recognition_gap", "Recognition gap: strong contributors not thanked in 180 days", "champions",
              _days(_local_naive(gap, tz), {"last_active_at": "last_active", "last_recognized_at": "last_recognized"})
              .head(TOP_ROWS),
              description="The top tenth by champion score over the report's period, on every platform.",
              sheet="Recognition gap"),
        Table("champion_programme", "The champion programme", "champions", _local_naive(programme_frame(ws, f), tz),
              sheet="Champion programme"),
        Table("recognitions", "Recognitions given in the period", "champions",
              _local_naive(recognitions_frame(ws, f), tz), sheet="Recognitions"),
        Table("import_runs", "Import runs (newest first)", "provenance", provenance_frame(ws), sheet="Import runs"),
    ]
    step(0.75, "Preparing the charts")
    notice = "" if head.get("activities") else empty_period_notice(ws, f)
    charts = make_charts({t.key: t.frame for t in tables}, tz) if not notice else []  # nothing to draw
    name = ws.name
    return ReportData(
        title=title or "Community health report",
        workspace=name,
        period=f.as_dict(),
        previous_period=prev_filters.as_dict() if prev_filters else None,
        filters_text=filters_text(ws, f),
        generated_at=dt.datetime.now(dt.timezone.utc).replace(microsecond=0),
        figures=make_figures(head, prev),
        tables=tables,
        charts=charts,
        settings=workspace_settings(ws, f),
        notice=notice,
    )


def empty_period_notice(ws, f: Filters) -> str:  # noqa: ANN001
    """Why a report has nothing to show, and which dates would: 'No activity in this period on
    Slack. The workspace's activity on Slack runs from 2024-01-10 to 2025-01-24 (UTC).'"""
    q = select(func.min(Activity.created_at), func.max(Activity.created_at))
    where = ""
    if f.platforms:
        q = q.where(Activity.platform.in_(f.platforms))
        where = f" on {fmt.platform_names(f.platforms)}"
    if f.channels:
        q = q.where(Activity.channel_id.in_(list(f.channels)))
        where += " in the chosen channels"
    with ws.connect() as conn:
        first, last = conn.execute(q).one()
    if first is None:
        return f"No activity{where} in the workspace: import an export first."
    return (f"No activity in this period{where}. The workspace's activity{where} runs from {first:%Y-%m-%d} "
            f"to {last:%Y-%m-%d} (UTC).")


def make_charts(frames: dict[str, pd.DataFrame], tz: str = "UTC") -> list[Chart]:
    """The report's charts from its tables' frames; ``tz``: the reporting time zone, which the hours
    of the day are in."""
    out: list[Chart] = []

    def add(key: str, title: str, section: str, kind: str, frame: pd.DataFrame, **kw: Any) -> None:
        if frame is None or frame.empty:
            return
        if kind == "line" and not np.isfinite(frame.to_numpy(dtype=float)).any():
            return  # no value to draw (no question answered in any week): an empty frame says nothing
        out.append(Chart(key, title, section, kind, frame, **kw))

    dwm = series_frame(frames["dau_wau_mau"]).rename(columns=SERIES_NAMES)
    add("dau_wau_mau", "Active people: daily, weekly (7 days), monthly (28 days)", "trends", "line", dwm,
        y_label="people")
    new, unit, note = weekly(series_frame(frames["new_people"]))
    add("new_people", f"New people per {unit}", "trends", "bar", new.rename(columns=_words), y_label="people",
        description=note)
    by_platform, unit, note = weekly(series_frame(frames["activity_by_platform"], category="platform"))
    add("activity_by_platform", f"Activity by platform (per {unit})", "trends", "area",
        by_platform.rename(columns=fmt.platform_name), y_label="activities", description=note)
    ch = frames["activity_by_channel"]
    label = next((c for c in ("channel", "channel_name", "name") if c in ch.columns), None)
    value = next((c for c in ch.columns if c != label and pd.api.types.is_numeric_dtype(ch[c])
                  and not str(c).endswith("id")), None)
    if label and value:
        totals = ch.groupby(label)[value].sum().sort_values(ascending=False)
        rest = totals[totals.index == OTHER_CHANNELS]  # the rest together: below the ranked ones, not among them
        top = pd.concat([totals[totals.index != OTHER_CHANNELS].head(12), rest]).to_frame(value)
        top.index = top.index.map(str)
        add("activity_by_channel", "Busiest channels", "trends", "barh", top.iloc[::-1], y_label="activities",
            description=f"The {len(top) - len(rest)} busiest, then “{OTHER_CHANNELS}”: all the rest together."
            if len(rest) else "")
    add("hour_weekday", f"When people are active (hour of day by weekday, {tz})", "trends", "heatmap",
        heatmap_frame(frames["hour_weekday"], row="weekday", col="hour"))
    ret = frames["retention"]
    if not ret.empty:
        grid = retention_grid(ret).set_index("cohort").drop(columns="size")  # as the table beside it shows it
        add("retention", "Retention: share of each monthly cohort active k months later", "retention", "heatmap",
            grid / 100.0, percent=True)
    ttfr, unit = _durations(series_frame(frames["ttfr_weekly"]))
    add("ttfr_weekly", f"Time to first response by week ({unit})", "support", "line", ttfr, y_label=unit)
    ties = frames.get("who_helps_whom")
    if ties is not None and not ties.empty and {"helper_person_id", "helped_person_id"} <= set(ties.columns):
        from ..metrics.network import ties_layout

        at = ties_layout(ties).set_index("person_id")  # the Dashboard's drawing, the same every time
        drawing = ties.assign(x0=ties["helper_person_id"].map(at["x"]), y0=ties["helper_person_id"].map(at["y"]),
                              x1=ties["helped_person_id"].map(at["x"]), y1=ties["helped_person_id"].map(at["y"]))
        add("who_helps_whom", "Who helps whom: the top helpers and the people they replied to most", "people",
            "network", drawing,
            description="A dot per person (the larger, the more replies given or got; blue: helps others), an "
                        "arrow from helper to helped (the thicker, the more replies; orange: mostly replies to a "
                        "newcomer); the helpers are named, and the people they helped most.")
    lm = frames["level_movement"]
    if not lm.empty and "level" in lm.columns:
        add("level_movement", "Engagement level movement", "people", "barh",
            lm.set_index("level").select_dtypes(include=[np.number]).drop(
                columns=[c for c in ("people", "total", "size") if c in lm.columns]).rename(columns=_words),
            y_label="people")
    return out


SERIES_NAMES = {"dau": "daily", "wau": "weekly", "mau": "monthly"}


def _words(column: object) -> str:
    """A metric table's column as a chart's legend says it: moved_up is "moved up". (Names from
    the data, a channel's or a platform's, are printed as written.)"""
    return str(column).replace("_", " ")


def weekly(df: pd.DataFrame) -> tuple[pd.DataFrame, str, str]:
    """Daily counts summed by ISO week (weeks start on Monday) when there are too many days to read:
    (frame, 'week' or 'day', a sentence naming the days left out). Only whole weeks are drawn (a part
    week at either end would look like a drop), unless the part weeks hold everything there is:
    then the days are drawn as they are."""
    if df.empty or len(df) <= 45:
        return df, "day", ""
    try:
        idx = pd.DatetimeIndex(df.index)
    except (TypeError, ValueError):
        return df, "day", ""
    if len(idx) > 1 and (idx[1:] - idx[:-1]).min() >= pd.Timedelta(days=7):
        return df, "week", ""  # already a value per week (the metrics' own, over a long period)
    out = df.copy()
    out.index = idx
    weeks = out.resample("W-MON", label="left", closed="left")
    whole = weeks.sum()[weeks.size() == 7]
    week_of = out.index.to_period("W-SUN")  # Monday to Sunday
    part_week = ~week_of.start_time.isin(whole.index)
    left_out = out[part_week]
    if not left_out.to_numpy().any():
        return whole, "week", ""
    if not whole.to_numpy().any():
        return df, "day", ""
    spans = []
    for _, part in left_out.groupby(week_of[part_week]):
        first, last = part.index.min().date(), part.index.max().date()
        spans.append(f"{first}" if first == last else f"{first} to {last}")
    parts = "the part week" if len(spans) == 1 else "the part weeks"
    return whole, "week", (f"Whole weeks, Monday to Sunday; {parts} {' and '.join(spans)} "
                           f"{'is' if len(spans) == 1 else 'are'} left out.")


def _durations(df: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The columns of seconds in the unit their highest value reads best in (minutes, hours, days)."""
    cols = [c for c in df.columns if str(c).endswith("_s") or "ttfr" in str(c)]
    if df.empty or not cols:
        return df, "hours"
    out = df[cols].astype(float)
    top = np.nanmax(out.to_numpy()) if np.isfinite(out.to_numpy()).any() else 0.0
    unit, seconds = fmt.duration_unit(float(top))
    out = out / seconds
    # named as the headline figures and the Dashboard name them ("p90" was the column's name)
    out.columns = ["90th percentile" if c == "p90_s" else str(c).removesuffix("_s").replace("_", " ")
                   for c in out.columns]
    return out, unit


def prepare_report(ws, filters: Filters | None = None, *, key=None, title: str | None = None,  # noqa: ANN001
                   progress=None, cancel=None) -> ReportData:  # noqa: ANN001
    """``build_report``, pseudonymized with ``key`` (a ``PseudonymKey``) when one is given."""
    report = build_report(ws, filters, title=title, progress=progress, cancel=cancel)
    if key is not None:
        from .privacy import pseudonymize_report
        report = pseudonymize_report(report, ws, key)
    return report


def _part(progress, start: float, share: float):  # noqa: ANN001, ANN202 - a progress function or None
    """``progress`` for one part of the work: its 0..1 as ``start`` .. ``start + share`` of the whole."""
    return None if progress is None else (lambda fraction, message: progress(start + fraction * share, message))


def export_report(ws, filters: Filters | None, format_name: str, out, *, key=None,  # noqa: ANN001
                  title: str | None = None, progress=None, cancel=None):  # noqa: ANN001, ANN201
    """The report written to ``out``, with the same steps in the window and at a prompt (its
    figures to 60%, then the file): ``(report, path written)``."""
    from .formats import write_report

    report = prepare_report(ws, filters, key=key, title=title, progress=_part(progress, 0.0, 0.6), cancel=cancel)
    if progress is not None:
        progress(0.7, f"Writing the {format_name.upper()} report")
    path = write_report(report, format_name, out)
    if progress is not None:
        progress(1.0, "Report written")
    return report, path


def export_pack(ws, filters: Filters | None, out, *, key=None, title: str | None = None,  # noqa: ANN001
                with_workspace: bool = False, progress=None, cancel=None):  # noqa: ANN001, ANN201
    """The audit pack of the report written to ``out``, with the same steps in the window and at a
    prompt (the report's figures to 40%, then the pack): ``(report, PackResult)``."""
    from .pack import write_pack

    report = prepare_report(ws, filters, key=key, title=title, progress=_part(progress, 0.0, 0.4), cancel=cancel)
    return report, write_pack(ws, report, out, with_workspace=with_workspace, progress=_part(progress, 0.4, 0.6),
                              cancel=cancel)
