"""Charts of a report, drawn with matplotlib's object API (no pyplot, no display, thread-safe):
SVG text for HTML, PNG bytes for PDF and the window's preview.

Colours are the Okabe-Ito palette (told apart by colour-blind people), one colour per platform,
the same as in the window. Labels are never parsed as math (a ``$`` in a channel name is text).
"""
from __future__ import annotations

import io
import re
import threading
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import matplotlib
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .. import fmt
from ..metrics.activity import OTHER_CHANNELS, WEEKDAYS
from ..metrics.network import named_on_drawing
from ..palette import MOVEMENT_COLOURS, NETWORK_COLOURS, OKABE_ITO, OTHER_HEX, PLATFORM_COLOURS
from .data import Chart
from .safe import display

RC = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "axes.edgecolor": "#888888",
    "svg.fonttype": "none",  # text stays text: small files, selectable, scales with the page
    "svg.hashsalt": "workbench",  # the same chart gives the same bytes
    "text.parse_math": False,
}
_LOCK = threading.Lock()  # rc_context changes matplotlib's global settings: one chart at a time
_LABEL_LIMIT = 28


PLATFORM_BY_NAME = {fmt.platform_name(p).lower(): p for p in PLATFORM_COLOURS}  # 'stack exchange' -> 'stackexchange'


def colours(columns: list[str]) -> list[str]:
    out, i = [], 0
    for c in columns:
        named = c.lower().replace("_", " ")
        platform = PLATFORM_BY_NAME.get(c.lower(), c.lower())
        if platform in PLATFORM_COLOURS:
            out.append(PLATFORM_COLOURS[platform])
        elif named in MOVEMENT_COLOURS:
            out.append(MOVEMENT_COLOURS[named])
        else:
            out.append(OKABE_ITO[i % len(OKABE_ITO)])
            i += 1
    return out


_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def _label(label: object) -> str:
    """A name as a chart prints it (a channel, a platform, a series, a person): as written, without
    bidirectional controls (a right-to-left override cannot disguise it) or control characters (a
    tab has no glyph), cut short. Underscores stay: "#dev_help" is the channel's name."""
    text = " ".join(_CONTROLS.sub(" ", display(str(label))).split())
    return text if len(text) <= _LABEL_LIMIT else text[:_LABEL_LIMIT - 1] + "…"


def _x_values(index: pd.Index) -> tuple[np.ndarray | pd.Index, bool]:
    try:
        if pd.api.types.is_datetime64_any_dtype(index):
            return pd.DatetimeIndex(index), True
        if index.dtype == object and len(index):
            first = index[0]
            if hasattr(first, "isoformat") or hasattr(first, "to_timestamp"):
                conv = pd.to_datetime([str(getattr(v, "start_time", v)) for v in index], errors="coerce")
                if not conv.isna().any():
                    return conv, True
    except (TypeError, ValueError):
        pass
    return index, False


def draw(chart: Chart, *, width: float = 7.2, height: float = 2.8, rc: dict | None = None) -> Figure:
    if chart.kind == "network":
        height = max(height, width * 0.6)  # people need room to stand apart
    with matplotlib.rc_context(rc or RC):
        fig = Figure(figsize=(width, height), layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        df = chart.frame
        cols = [str(c) for c in df.columns]
        palette = colours(cols)
        if chart.kind == "network":
            _network(ax, df)
        elif chart.kind == "heatmap":
            _heatmap(fig, ax, chart)
        elif chart.kind == "barh":
            y = np.arange(len(df.index))
            left = np.zeros(len(df.index))
            for col, colour, label in zip(df.columns, palette, cols):
                vals = df[col].astype(float).fillna(0).to_numpy()
                if len(cols) == 1:  # "other channels", the rest together, in grey beside the ranked ones
                    colour = [OTHER_HEX if str(v) == OTHER_CHANNELS else colour for v in df.index]
                ax.barh(y, vals, left=left, color=colour, label=_label(label))
                left += vals
            ax.set_yticks(y, [_label(v) for v in df.index])
            ax.grid(axis="y", visible=False)
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
            if len(cols) > 1:
                ax.legend(frameon=False, fontsize=8, loc="lower right")
        else:
            x, is_date = _x_values(df.index)
            if chart.kind == "area" and len(cols) > 0:
                ax.stackplot(x, *[df[c].astype(float).fillna(0).to_numpy() for c in df.columns], colors=palette,
                             labels=[_label(c) for c in cols], alpha=0.9, linewidth=0)
            elif chart.kind == "bar":
                width_days = _bar_width(x) if is_date else 0.8
                bottom = np.zeros(len(df.index))
                for col, colour, label in zip(df.columns, palette, cols):
                    vals = df[col].astype(float).fillna(0).to_numpy()
                    ax.bar(x, vals, width=width_days, bottom=bottom, color=colour, label=_label(label))
                    bottom += vals
            else:
                for col, colour, label in zip(df.columns, palette, cols):
                    y = df[col].astype(float).to_numpy()
                    ok = np.isfinite(y)  # a value between two gaps draws no line: a dot shows it
                    alone = ok & ~np.r_[False, ok[:-1]] & ~np.r_[ok[1:], False]
                    ax.plot(x, y, color=colour, linewidth=1.4, label=_label(label),
                            linestyle="--" if "percentile" in label else "-",  # dashed, as on the Dashboard
                            marker="o" if alone.any() else None, markersize=3.5, markevery=list(np.flatnonzero(alone)))
            if is_date:
                locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
                ax.xaxis.set_major_locator(locator)
                # Beside day ticks the corner names the year ("2023"), not the last tick's month
                # ("2023-Dec" under a chart of October to December).
                ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(
                    locator, offset_formats=["", "%Y", "%Y", "%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M"]))
            values = df.astype(float).to_numpy()
            counts = not chart.percent and bool(np.all(np.isnan(values) | (values == np.round(values))))
            ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=counts))  # no 2.5 people
            ax.yaxis.set_major_formatter(FuncFormatter(
                (lambda v, _: f"{v:.0%}") if chart.percent else _axis_number))
            ax.set_ylim(bottom=0)
            if not np.nan_to_num(values).any():
                ax.set_ylim(0, 1)  # all zeros: an axis from 0 to 1, not five ticks reading "0.0"
            top = np.nanmax(values) if chart.kind == "line" and np.isfinite(values).any() else 0.0
            if top > 0 and ax.get_ylim()[1] < top * 1.08:
                ax.set_ylim(0, top * 1.08)  # head room: the highest dot whole, not cut by the frame
            if is_date and len(x) == 1:  # one week or day: a month around it, not years
                ax.set_xlim(x[0] - pd.Timedelta(days=14), x[0] + pd.Timedelta(days=14))
            if chart.y_label:
                ax.set_ylabel(chart.y_label)
            if len(cols) > 1:
                # As many columns as the width holds ("Stack Exchange" beside eleven other platforms
                # takes four; six ran off the page's edge).
                widest = max(len(_label(c)) for c in cols)
                ax.legend(frameon=False, fontsize=8, ncols=max(1, min(len(cols), 6, 80 // (widest + 6))),
                          loc="lower left", bbox_to_anchor=(0.0, 1.0), borderaxespad=0.2)
        return fig


def _network(ax, df: pd.DataFrame) -> None:  # noqa: ANN001 - an Axes
    """Who helps whom, as the Dashboard draws it: a dot per person (at the ends of the ties), an
    arrow from helper to helped, the helpers and then the people most helped named."""
    ax.set_axis_off()
    top = max(float(df["replies"].max()), 1.0)
    # Where a person is drawn: name, replies given, got. Keyed by the place: a pseudonymized
    # drawing has no person ids.
    people: dict[tuple[float, float], list] = {}
    for r in df.itertuples(index=False):
        helper, helped = (float(r.x0), float(r.y0)), (float(r.x1), float(r.y1))
        people.setdefault(helper, [r.helper, 0, 0])[1] += int(r.replies)
        people.setdefault(helped, [r.helped, 0, 0])[2] += int(r.replies)
        colour = NETWORK_COLOURS["newcomer tie" if 2 * r.newcomer_replies >= r.replies else "tie"]
        ax.annotate("", xy=helped, xytext=helper, arrowprops={
            "arrowstyle": "-|>", "color": colour, "lw": 0.6 + 1.8 * r.replies / top, "shrinkA": 4, "shrinkB": 6,
            "mutation_scale": 9, "alpha": 0.9})
    at = list(people)
    names, given, got = zip(*people.values())
    load = np.add(given, got, dtype=float)
    ax.scatter([x for x, _ in at], [y for _, y in at], s=18 + 110 * np.sqrt(load / max(load.max(), 1.0)),
               c=[NETWORK_COLOURS["helper" if g else "helped"] for g in given],
               edgecolors="white", linewidths=0.6, zorder=3)
    for i in named_on_drawing(given, got):  # every helper named, then the people most helped
        ax.annotate(_label(names[i]), at[i], xytext=(0, -7), textcoords="offset points", ha="center",
                    va="top", fontsize=7, zorder=4,
                    bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.75})
    ax.set_xlim(-1.12, 1.12)
    ax.set_ylim(-1.25, 1.12)


def _bar_width(x) -> float:  # noqa: ANN001
    if len(x) < 2:
        return 5.0
    idx = pd.DatetimeIndex(x)
    step = float(np.median((idx[1:] - idx[:-1]).total_seconds())) / 86400.0
    return max(0.8, step * 0.8)


def _axis_number(v: float, _pos: object = None) -> str:
    """A tick label: whole numbers without decimals ('0', '40', '1,200'), others with one ('2.5')."""
    return f"{v:,.0f}" if abs(v - round(v)) < 1e-9 else f"{v:,.1f}"


def _heatmap(fig: Figure, ax, chart: Chart) -> None:  # noqa: ANN001
    df = chart.frame.astype(float)
    data = df.to_numpy()
    cmap = matplotlib.colormaps["Blues"]
    vmax = 1.0 if chart.percent else (np.nanmax(data) if data.size and np.isfinite(data).any() else 1.0)
    im = ax.imshow(np.ma.masked_invalid(data), aspect="auto", cmap=cmap, vmin=0, vmax=vmax or 1.0,
                   interpolation="nearest")
    ax.grid(False)
    rows = [WEEKDAYS[int(v)] if isinstance(v, (int, np.integer)) and 0 <= int(v) < 7 and len(df.index) == 7
            else _label(getattr(v, "strftime", lambda _f: v)("%Y-%m") if hasattr(v, "strftime") else v)
            for v in df.index]
    row_step = -(-len(rows) // 16)  # sixteen labels at most: 270 monthly cohorts printed over each other
    ax.set_yticks(np.arange(0, len(rows), row_step), rows[::row_step])
    step = max(1, len(df.columns) // 12)
    ax.set_xticks(np.arange(0, len(df.columns), step), [str(c) for c in df.columns][::step])
    if chart.percent and data.size <= 400:
        for (i, j), v in np.ndenumerate(data):
            if np.isfinite(v):
                ax.text(j, i, f"{v:.0%}", ha="center", va="center", fontsize=6.5,
                        color="white" if v > 0.55 else "#222222")
    # Counts are whole: with two at most, ticks at 0.25 apart read "0 0 0 1 1 1 2 2 2".
    fig.colorbar(im, ax=ax, shrink=0.85, ticks=None if chart.percent else MaxNLocator(nbins=5, integer=True),
                 format=FuncFormatter((lambda v, _: f"{v:.0%}") if chart.percent else (lambda v, _: f"{v:,.0f}")))


_GLYPH_MISSING = re.compile(r"Glyph (\d+) .*missing from font")


@contextmanager
def _glyphs_missing(missing: set[str]) -> Iterator[None]:
    """Collect the characters matplotlib found no glyph for (an emoji or a Chinese name in a
    legend) into ``missing``, instead of letting it warn on the terminal once per character; any
    other warning goes on as it came."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for w in caught:
        glyph = _GLYPH_MISSING.match(str(w.message))
        if glyph:
            missing.add(chr(int(glyph.group(1))))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


_SVG_HEAD = re.compile(r"^.*?(<svg\b)", re.S)
_SVG_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)


def to_svg(chart: Chart, **kw: float) -> str:
    """The chart as an ``<svg>`` element to place inline in HTML (no prolog, no metadata)."""
    with _LOCK, _glyphs_missing(set()):  # the text stays text: the browser's fonts draw it
        fig = draw(chart, **kw)
        buf = io.StringIO()
        with matplotlib.rc_context(RC):
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    svg = _SVG_HEAD.sub(r"\1", buf.getvalue(), count=1)
    return _SVG_METADATA.sub("", svg)


def _falling_back_to(fonts: Sequence[Path]) -> dict:
    """The charts' settings with ``fonts`` (files of the computer's) after DejaVu Sans, which
    matplotlib draws a character in when DejaVu has no glyph for it (a Chinese name in a legend)."""
    families = []
    for path in fonts:
        if str(path) not in _ADDED:
            font_manager.fontManager.addfont(str(path))
            _ADDED.add(str(path))
        families.append(font_manager.FontProperties(fname=str(path)).get_name())
    return {**RC, "font.family": [RC["font.family"], *dict.fromkeys(families)]}


_ADDED: set[str] = set()


def to_png(chart: Chart, *, dpi: int = 150, missing: set[str] | None = None, fonts: Sequence[Path] = (),
           **kw: float) -> bytes:
    """The chart as PNG bytes, in DejaVu Sans and, for what it has no glyph for, in ``fonts``; the
    characters no font of them could draw (drawn as boxes) are added to ``missing`` when given."""
    with _LOCK, _glyphs_missing(missing if missing is not None else set()):
        rc = _falling_back_to(fonts) if fonts else RC
        fig = draw(chart, rc=rc, **kw)
        buf = io.BytesIO()
        with matplotlib.rc_context(rc):
            fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()
