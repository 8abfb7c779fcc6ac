"""Reports in every format, from a workspace full of hostile names: they open offline, show their
charts, escape every value, and no spreadsheet cell starts a formula."""
from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook

from workbench.reports.build import prepare_report
from workbench.reports.formats import write_report
from workbench.reports.safe import FORMULA_STARTS, display
from workbench.workspace import Workspace

from .helpers import HOSTILE_NAMES, pdf_text, write_han_font

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rendered(hostile_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    ws = Workspace.open(hostile_db, readonly=True)
    try:
        report = prepare_report(ws)
    finally:
        ws.close()
    paths = {f: write_report(report, f, out / ("tables" if f == "csv" else f"report.{f}"))
             for f in ("html", "pdf", "xlsx", "csv")}
    return report, paths


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v or "") for k, v in attrs]
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        (self.styles if self._in_style else self.text).append(data)


def _formula_cells(values):
    bad = []
    for v in values:
        if isinstance(v, str) and v and v[0] in FORMULA_STARTS:
            try:
                float(v)
            except ValueError:
                bad.append(v)
    return bad


def test_the_html_asks_for_nothing_outside_the_file_and_runs_no_script(rendered):
    report, paths = rendered
    page = paths["html"].read_text(encoding="utf-8")
    p = _Collect()
    p.feed(page)
    assert "script" not in p.tags and "iframe" not in p.tags and "object" not in p.tags
    assert "img" not in p.tags  # hostile <img onerror> names are text, charts are inline SVG
    assert not [a for a in p.attrs if a[1].lower().startswith("on")]
    import re
    # A question's link (<a href>) is followed when a reader chooses to, in a tab of its own: it asks
    # for nothing when the page opens. Nothing else names a place outside the file.
    links = [v for tag, k, v in p.attrs if tag == "a" and k.lower() == "href"]
    assert links and all(re.fullmatch(r"https://(discord\.com/channels|t\.me/c|slack\.com/app_redirect)[^\s\"'<>]+", u)
                         for u in links), links
    assert ('a', 'target', '_blank') in p.attrs and ('a', 'rel', 'noopener noreferrer') in p.attrs
    urls = [v for tag, k, v in p.attrs if k.lower() in ("src", "href", "xlink:href", "action", "poster")
            and not (tag == "a" and k.lower() == "href")]
    urls += re.findall(r"url\(([^)]*)\)", page)
    assert not [u for u in urls if re.match(r"\s*['\"]?\s*(https?:)?//", u)], urls
    assert p.tags.count("svg") >= 6  # the charts
    assert "default-src 'none'" in page


def test_hostile_names_are_shown_as_the_text_they_are(rendered):
    report, paths = rendered
    p = _Collect()
    p.feed(paths["html"].read_text(encoding="utf-8"))
    shown = "".join(p.text)
    helpers = report.table("top_helpers").frame
    planted = [n for n in HOSTILE_NAMES if n in set(helpers["name"])]
    assert len(planted) >= 8
    for name in planted:
        assert display(name).strip() in shown
    assert "evil name" in shown and "\u202e" not in paths["html"].read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in paths["html"].read_text(encoding="utf-8")


def test_no_xlsx_cell_starts_a_formula_and_the_names_are_kept(rendered):
    report, paths = rendered
    wb = load_workbook(paths["xlsx"])
    values = []
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for c in row:
                assert c.data_type != "f", (sheet.title, c.coordinate, c.value)
                values.append(c.value)
    assert not _formula_cells(values)
    assert "'=HYPERLINK(\"http://evil.example\",\"click\")" in values
    assert '<script>alert("x")</script>' in values
    assert {"Summary", "Top helpers", "Unanswered questions", "Retention cohorts", "Active people"} <= set(wb.sheetnames)


def test_no_csv_cell_starts_a_formula(rendered):
    report, paths = rendered
    files = sorted(paths["csv"].glob("*.csv"))
    assert {f.name for f in files} >= {"figures.csv", "top_helpers.csv", "unanswered.csv", "dau_wau_mau.csv"}
    values = []
    for f in files:
        with open(f, encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh):
                values += row
    assert not _formula_cells(values)
    assert "'+cmd|' /C calc'!A0" in values


def test_the_xlsx_holds_the_report_numbers(rendered):
    report, paths = rendered
    wb = load_workbook(paths["xlsx"])
    rows = list(wb["Summary"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[:2] == ("figure", "label"))
    sheet = {r[0]: (r[2], r[3]) for r in rows[start + 1:] if r[0]}
    for f in report.figures:
        assert sheet[f.key] == pytest.approx((f.value, f.previous), rel=1e-12)  # spreadsheets keep 15 digits
    dau = report.table("dau_wau_mau").frame
    got = list(wb["Active people"].iter_rows(values_only=True))
    assert list(got[0]) == list(dau.columns)
    assert [r[1] for r in got[1:]] == dau["dau"].tolist()


def test_the_xlsx_sheets_are_named_for_a_reader_and_listed_in_its_contents(rendered):
    """A client opening the workbook reads "Active people", not "dau_wau_mau"; the Contents list
    every sheet with what it holds and its file among the CSV exports."""
    report, paths = rendered
    wb = load_workbook(paths["xlsx"])
    assert wb.sheetnames == ["Summary", "Contents", "Active people", "New people", "Activity by platform", "Activity by channel",
                             "Hour and weekday", "Retention cohorts", "First response by week", "Unanswered questions",
                             "Top helpers", "Who helps whom", "Level movement", "Champion candidates",
                             "Recognition gap", "Champion programme", "Recognitions", "Import runs", "Definitions"]
    assert all("_" not in name and len(name) <= 31 for name in wb.sheetnames)
    rows = list(wb["Contents"].iter_rows(values_only=True))
    assert rows[0] == ("sheet", "holds", "csv file")
    listed = rows[1:]
    assert [r[0] for r in listed] == [n for n in wb.sheetnames if n != "Contents"]
    assert listed[1] == ("Active people", "Daily, weekly and monthly active people", "dau_wau_mau.csv")
    assert listed[-1] == ("Definitions", "What each figure and column means", "definitions.csv")
    assert {r[2] for r in listed} <= {f.name for f in paths["csv"].glob("*.csv")}


def test_the_pdf_has_a_title_page_page_numbers_and_the_tables(rendered):
    report, paths = rendered
    data = paths["pdf"].read_bytes()
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    pages = text.split("\f")
    assert "Community health report" in pages[0] and "Headline figures" in pages[0]
    assert f"page 2 of {len([p for p in pages if p.strip()])}" in pages[1]
    assert "Top helpers" in text and "Unanswered questions" in text
    noted = [c for c in report.charts if c.description]
    assert noted, "the period ends mid-week: its weekly charts leave part weeks out, and say so"
    for chart in noted:  # the weekly charts say which part weeks they leave out
        assert " ".join(chart.description.split()[:4]) in " ".join(text.split()), chart.description


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="pdftoppm (poppler-utils) is not installed")
def test_the_pdf_renders_to_pages_with_charts(rendered, tmp_path):
    from PIL import Image

    report, paths = rendered
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(paths["pdf"]), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) >= 5
    assert _blue_pixels(Image.open(pages[1])) > 200  # the charts of page 2, in the palette's blue


def _blue_pixels(img) -> int:
    import numpy as np

    px = np.asarray(img.convert("RGB"), dtype=int).reshape(-1, 3)
    return int((np.abs(px - np.array([0x00, 0x72, 0xB2])) < 40).all(axis=1).sum())


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(not CHROMIUM, reason="Chromium is not installed")
def test_chromium_shows_the_charts_and_the_page_requests_nothing(rendered, tmp_path):
    import json

    from PIL import Image

    report, paths = rendered
    shot, netlog = tmp_path / "r.png", tmp_path / "net.json"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run",
                    f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,2400", f"--log-net-log={netlog}",
                    f"--screenshot={shot}", paths["html"].as_uri()], capture_output=True, timeout=120, check=True)
    assert _blue_pixels(Image.open(shot)) > 2000
    log = json.loads(netlog.read_text())
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    # Requests the page makes carry its origin as initiator; the browser's own carry "not an origin".
    from_page = [e["params"]["url"] for e in log["events"] if e["type"] == start_job
                 and e.get("params", {}).get("url") and e["params"].get("initiator") != "not an origin"]
    assert from_page == []


def test_numeric_columns_are_headed_over_their_figures(rendered):
    import re

    report, paths = rendered
    page = paths["html"].read_text(encoding="utf-8")
    table = page.split('<h3 id="t-retention">', 1)[1].split("</thead>", 1)[0]
    headings = re.findall(r"<th( class=\"num\")?>([^<]*)</th>", table)
    assert [h for cls, h in headings if not cls] == ["Cohort"]  # text, left as its cells
    assert {"Size", "+0", "+1"} <= {h for cls, h in headings if cls}  # right, as the figures below


def test_chart_axes_count_people_in_whole_numbers():
    import pandas as pd

    from workbench.reports.charts import draw
    from workbench.reports.data import Chart

    weeks = pd.date_range("2026-09-07", periods=8, freq="W-MON")
    few = Chart("newcomers", "New people per week", "trends", "bar",
                pd.DataFrame({"people": [2, 6, 1, 3, 0, 5, 4, 2]}, index=weeks), y_label="people")
    fig = draw(few)
    fig.canvas.draw()
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert labels and labels[0] == "0" and all(s.isdigit() for s in labels), labels  # never '0.0' or '2.5'
    # Eight weeks of September to November: the corner under the day ticks names the year alone.
    assert ax.xaxis.get_offset_text().get_text() == "2026"
    hours = Chart("ttfr", "Time to first response", "support", "line",
                  pd.DataFrame({"median": [0.5, 1.25, 0.75, 1.0]}, index=weeks[:4]), y_label="hours")
    fig = draw(hours)
    fig.canvas.draw()
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels() if t.get_text()]
    assert "0" in labels and any("." in s for s in labels), labels  # fractions of an hour keep a decimal


def _lab(hex_colour: str) -> tuple[float, float, float]:
    """sRGB (D65) to CIELAB."""
    srgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in srgb)
    xyz = ((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b,
           (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883)
    x, y, z = (t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in xyz)
    return 116 * y - 16, 500 * (x - y), 200 * (y - z)


def test_no_two_platforms_share_a_colour_that_people_confuse():
    """A chart of every platform tells each apart: no two platform colours are closer than 25 in
    CIELAB (Gitter's grey and CSV's were 10 apart, one grey to the eye)."""
    import itertools
    import math

    from workbench.palette import PLATFORM_COLOURS

    closest = min((math.dist(_lab(PLATFORM_COLOURS[a]), _lab(PLATFORM_COLOURS[b])), a, b)
                  for a, b in itertools.combinations(PLATFORM_COLOURS, 2))
    assert closest[0] >= 25, closest
    assert len(set(PLATFORM_COLOURS.values())) == len(PLATFORM_COLOURS)


def test_level_movement_reads_the_same_in_the_report_as_in_the_window():
    from workbench.palette import MOVEMENT_COLOURS, PLATFORM_COLOURS, platform_hex
    from workbench.reports.charts import colours

    # The report's columns are moved_up, held, moved_down: up green, held grey, down vermillion.
    assert colours(["moved_up", "held", "moved_down"]) == \
        [MOVEMENT_COLOURS["moved up"], MOVEMENT_COLOURS["held"], MOVEMENT_COLOURS["moved down"]]
    assert MOVEMENT_COLOURS["moved up"] != MOVEMENT_COLOURS["moved down"]
    assert colours(["slack", "discord"]) == [PLATFORM_COLOURS["slack"], PLATFORM_COLOURS["discord"]]
    # The chart names platforms as people write them, and each keeps its colour.
    assert colours(["Stack Exchange", "Mailing lists", "Rocket.Chat", "IRC"]) == \
        [PLATFORM_COLOURS[p] for p in ("stackexchange", "mbox", "rocketchat", "irc")]
    # A platform the palette does not name keeps its colour from one run to the next.
    import subprocess
    import sys
    ask = "from workbench.palette import platform_hex; print(platform_hex('zulip'))"
    runs = {subprocess.run([sys.executable, "-c", ask], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(runs) == 1 and runs.pop().strip() == platform_hex("zulip")  # and the same in this process


def test_a_percentage_reads_as_one():
    from workbench.reports.render_html import cell_text

    assert cell_text("percent", 68.42105263) == "68.4%"  # retention: out of 100 already
    assert cell_text("percent", 100.0) == "100%"
    assert cell_text("answered_rate", 0.85) == "85%"  # a share
    assert cell_text("retained", 26) == "26"
    assert [cell_text("score", s) for s in (51.5, 49.0, 43.7)] == ["51.5", "49.0", "43.7"]  # aligned, as on screen


def test_a_platform_reads_as_people_write_it_in_the_html_and_pdf_tables():
    from workbench.reports.render_html import cell_text

    assert [cell_text("platform", p) for p in ("stackexchange", "irc", "slack")] == ["Stack Exchange", "IRC", "Slack"]
    assert cell_text("channel", "irc") == "irc"  # a channel named so stays as it is
    # A person's platforms (champion candidates, the recognition gap): two people of one name tell apart.
    assert cell_text("platforms", "discord, stackexchange") == "Discord, Stack Exchange"


def test_the_champion_tables_name_each_persons_platforms(rendered):
    html = rendered[1]["html"].read_text(encoding="utf-8")
    for title in ("Champion candidates", "Recognition gap"):
        table = html[html.index(f">{title}"):]
        table = table[:table.index("</table>")]
        assert "<th>Platforms</th>" in table, title
        assert re.search(r"<td>(Discord|Slack|Telegram)(, (Discord|Slack|Telegram))*</td>", table), title


def test_answers_within_minutes_are_charted_in_minutes_with_a_lone_week_shown(tmp_path):
    """An IRC channel answers in minutes: the report's time-to-first-response chart says minutes,
    and its one week of answers is a dot within a month of dates, whole under the frame's top."""
    import datetime as dt
    from pathlib import Path

    import numpy as np

    from workbench.metrics import Filters
    from workbench.metrics.support import ttfr_weekly
    from workbench.reports.charts import draw

    path = tmp_path / "irc.db"
    with Workspace.open(path) as ws:
        ws.import_paths([Path(__file__).resolve().parent.parent / "data" / "irc" / "ChannelLogger"])
        f = Filters(start=dt.date(2024, 4, 1), end=dt.date(2024, 5, 31))
        report = prepare_report(ws, f)
        weekly = ttfr_weekly(ws, f)
    chart = next(c for c in report.charts if c.key == "ttfr_weekly")
    assert (chart.title, chart.y_label) == ("Time to first response by week (minutes)", "minutes")
    assert list(chart.frame.columns) == ["median", "90th percentile"]  # the legend, as the figures say it
    assert chart.frame["median"].iloc[0] == pytest.approx(weekly["median_s"].iloc[0] / 60)
    fig = draw(chart)
    fig.canvas.draw()
    ax = fig.axes[0]
    assert [list(line.get_markevery()) for line in ax.get_lines()] == [[0], [0]]  # each series a dot
    assert [line.get_linestyle() for line in ax.get_lines()] == ["-", "--"]  # the 90th percentile dashed
    assert ax.get_ylim()[1] > np.nanmax(chart.frame.to_numpy())
    low, high = ax.get_xlim()
    assert 20 <= high - low <= 40  # days


def test_a_period_ending_mid_week_says_which_days_the_weekly_charts_leave_out():
    """The weekly charts draw whole weeks only, and say which part weeks are left out; when the part
    weeks hold all there is (three messages on the period's last Wednesday) the days are drawn, not
    an empty chart with its axis reading '0.0, 0.0, 0.0'."""
    import pandas as pd

    from workbench.reports.build import weekly
    from workbench.reports.charts import draw
    from workbench.reports.data import Chart

    days = pd.date_range("2026-03-27", "2026-06-24", freq="D")  # a Friday to a Wednesday: 90 days
    busy = pd.DataFrame({"discord": range(len(days))}, index=days)
    frame, unit, note = weekly(busy)
    assert unit == "week" and frame.index[0] == pd.Timestamp("2026-03-30") and frame.index[-1] == pd.Timestamp("2026-06-15")
    assert frame["discord"].iloc[0] == sum(range(3, 10))  # 30 March to 5 April
    assert note == ("Whole weeks, Monday to Sunday; the part weeks 2026-03-27 to 2026-03-29 and "
                    "2026-06-22 to 2026-06-24 are left out.")
    quiet = pd.DataFrame({"discord": [0] * (len(days) - 1) + [11]}, index=days)
    frame, unit, note = weekly(quiet)
    assert (unit, note, len(frame), int(frame["discord"].sum())) == ("day", "", len(days), 11)
    assert weekly(pd.DataFrame({"discord": [0] * len(days)}, index=days))[1:] == ("week", "")
    # Over a long period the metrics give a value per week already: drawn as it is, per week (it
    # was summed again into 'whole weeks' of one value each, none whole, and the charts vanished).
    mondays = pd.date_range("2002-01-07", "2026-06-22", freq="W-MON")
    per_week = pd.DataFrame({"discord": range(len(mondays))}, index=mondays)
    frame, unit, note = weekly(per_week)
    assert (unit, note) == ("week", "") and frame.equals(per_week)

    zeros = Chart("new_people", "New people per week", "trends", "bar",
                  pd.DataFrame({"people": [0, 0, 0, 0]}, index=days[:4]), y_label="people")
    fig = draw(zeros)
    fig.canvas.draw()
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels() if t.get_text()]
    assert labels[0] == "0" and "0.0" not in labels, labels


def test_the_report_shows_a_charts_note_under_its_title(tmp_path):
    import pandas as pd

    from workbench.reports.data import Chart
    from workbench.reports.render_html import chart_html

    chart = Chart("new_people", "New people per week", "trends", "bar", pd.DataFrame({"people": [1]}),
                  description="Whole weeks, Monday to Sunday; the part week 2026-06-22 to 2026-06-24 is left out.")
    html = chart_html(chart, lambda c: "<svg></svg>")
    assert '<figcaption>New people per week</figcaption><p class="meta">Whole weeks, Monday to Sunday; ' in html


def test_other_channels_are_not_ranked_among_the_busiest():
    """"other channels" is the rest together: in the report's busiest channels it comes last, in
    grey, and the chart says what it is, even when it holds more than the sixth busiest."""
    import pandas as pd
    from matplotlib.colors import to_hex

    from workbench.palette import OTHER_HEX
    from workbench.reports.build import make_charts
    from workbench.reports.charts import draw

    days = pd.date_range("2026-11-01", periods=2, freq="D")
    names = ["Slack #help", "Discord #help", "Slack #general", "Slack #showcase", "Slack #random",
             "Discord #show-and-tell", "other channels"]
    counts = [780, 400, 360, 350, 340, 220, 420]
    by_channel = pd.DataFrame([{"date": d, "channel": n, "activities": c // 2} for d in days
                               for n, c in zip(names, counts)])
    empty = pd.DataFrame()
    frames = {"dau_wau_mau": empty, "new_people": empty, "activity_by_platform": empty, "activity_by_channel": by_channel,
              "hour_weekday": empty, "retention": empty, "ttfr_weekly": empty, "level_movement": empty}
    chart = next(c for c in make_charts(frames) if c.key == "activity_by_channel")
    assert list(chart.frame.index[::-1]) == names  # the biggest first, the rest together last
    assert chart.description == "The 6 busiest, then “other channels”: all the rest together."
    fig = draw(chart)
    bars = fig.axes[0].patches
    assert to_hex(bars[0].get_facecolor()) == OTHER_HEX and to_hex(bars[-1].get_facecolor()) != OTHER_HEX


def test_chart_labels_print_names_as_written_and_movement_in_words():
    """A channel's name is printed as the channel is named (its underscores kept), without a
    right-to-left override or a tab; the metric tables' own column names are printed as words."""
    import pandas as pd

    from workbench.reports.build import make_charts
    from workbench.reports.charts import draw

    days = pd.date_range("2026-11-01", periods=2, freq="D")
    names = ["Slack #dev_help", "Discord #\u202eplh\u202c-off", "Slack #tab\there"]
    by_channel = pd.DataFrame([{"date": d, "channel": n, "activities": 10 * (i + 1)} for d in days
                               for i, n in enumerate(names)])
    movement = pd.DataFrame({"level": ["Leading", "Exploring"], "moved_up": [3, 1], "held": [5, 2],
                             "moved_down": [1, 4]})
    empty = pd.DataFrame()
    frames = {"dau_wau_mau": empty, "new_people": empty, "activity_by_platform": empty, "activity_by_channel": by_channel,
              "hour_weekday": empty, "retention": empty, "ttfr_weekly": empty, "level_movement": movement}
    charts = {c.key: c for c in make_charts(frames)}
    fig = draw(charts["activity_by_channel"])
    fig.canvas.draw()
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert sorted(ticks) == ["Discord #plh-off", "Slack #dev_help", "Slack #tab here"], ticks
    fig = draw(charts["level_movement"])
    fig.canvas.draw()
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["moved up", "held", "moved down"], legend


def test_a_legend_of_twelve_platforms_stays_on_the_page():
    import pandas as pd

    from workbench import fmt
    from workbench.reports.charts import draw
    from workbench.reports.data import Chart

    plats = ["discord", "discourse", "github", "gitter", "irc", "mattermost", "mbox", "meetup", "rocketchat",
             "slack", "stackexchange", "telegram"]
    weeks = pd.date_range("2024-01-01", periods=10, freq="W-MON")
    chart = Chart("activity_by_platform", "Activity by platform (per week)", "trends", "area",
                  pd.DataFrame({fmt.platform_name(p): range(10) for p in plats}, index=weeks), y_label="activities")
    fig = draw(chart)
    fig.canvas.draw()
    box = fig.axes[0].get_legend().get_window_extent()
    assert box.x1 <= fig.bbox.width and box.x0 >= 0, "the legend runs off the page"
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "Stack Exchange" in labels


def test_a_years_report_keeps_its_weekly_charts(hostile_db):
    """Over a period longer than 120 days the metrics count by week; the report drew neither "New
    people per week" nor "Activity by platform" for a year."""
    import datetime as dt

    from workbench.metrics import Filters
    from workbench.metrics.filters import last_activity_day

    ws = Workspace.open(hostile_db, readonly=True)
    try:
        end = last_activity_day(ws)
        report = prepare_report(ws, Filters(start=end - dt.timedelta(days=364), end=end))
    finally:
        ws.close()
    charts = {c.key: c for c in report.charts}
    assert charts["new_people"].title == "New people per week"
    assert charts["activity_by_platform"].title == "Activity by platform (per week)"
    steps = charts["new_people"].frame.index.to_series().diff().dropna().dt.days
    assert len(steps) > 45 and set(steps) == {7} and charts["new_people"].frame.to_numpy().sum() > 0


def test_a_heatmap_of_many_cohorts_labels_rows_it_has_room_for():
    import pandas as pd

    from workbench.reports.charts import draw
    from workbench.reports.data import Chart

    cohorts = [f"{2002 + i // 12}-{i % 12 + 1:02d}" for i in range(270)]
    frame = pd.DataFrame([[0.5] * 12 for _ in cohorts], index=cohorts, columns=range(12))
    fig = draw(Chart("retention", "Retention", "retention", "heatmap", frame, percent=True))
    fig.canvas.draw()
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert 8 <= len(labels) <= 16 and labels[0] == "2002-01"
    few = draw(Chart("retention", "Retention", "retention", "heatmap", frame.iloc[:5], percent=True))
    assert [t.get_text() for t in few.axes[0].get_yticklabels()] == cohorts[:5]


def test_pdf_table_columns_are_as_wide_as_what_they_hold():
    """The unanswered questions' text gets the room and a count only its own: with equal widths a
    question ran one word a line beside a wide column of platform names."""
    from workbench.reports.render_pdf import _widths

    head = ["Platform", "Channel", "Asked at", "Author", "Excerpt", "Waiting days"]
    rows = [["Mailing lists", "perceval-api", "2014-12-17 22:04", "updates+owner",
             "New Feature: Wiki Hello, We continue to improve Groups.io and today we're happy to announce", "4,207"]] * 5
    widths = _widths(head, rows, 126)
    excerpt, waiting, platform = widths[4], widths[5], widths[0]
    assert excerpt == max(widths) and excerpt >= 3 * waiting
    assert waiting >= len("Waiting") + 2 and platform >= len("Mailing lists")


def test_pdf_table_columns_that_do_not_fit_squeeze_their_text_not_their_numbers():
    """The import runs' table wants more than a page: the file names and formats wrap, the counts
    and their headings stay whole (they read '25,73' over '9' and 'Adde' over 'd')."""
    from workbench.reports.render_pdf import _widths

    head = ["Run", "Started", "Files", "File names", "Formats", "Read", "Added", "Updated"]
    rows = [["1", "2026-12-01 22:23", "6", "AI Builders - Text Channels - general [1100000000000000100].json, " * 3,
             "DiscordChatExporter JSON, Slack workspace export, Telegram Desktop export", "25,739", "20,862", "0"]]
    room = 126.0  # characters of 7.5 pt across an A4 page
    widths = _widths(head, rows, room)
    assert sum(widths) == pytest.approx(room)
    read, added, updated = widths[5:]
    assert read >= len("25,739") + 2 and added >= len("Added") + 3 and updated >= len("Updated") + 3
    assert widths[0] >= len("Run") + 3 and widths[1] >= len("2026-12-01") + 2
    assert widths[3] > widths[4] > read  # the text columns share what is left


def test_the_provenance_and_gap_tables_read_in_words(rendered):
    """Formats as people call them, and 'never' for a strong contributor nobody thanked yet."""
    html = rendered[1]["html"].read_text(encoding="utf-8")
    runs = html[html.index(">Import runs"):]
    runs = runs[:runs.index("</table>")]
    assert "DiscordChatExporter JSON" in runs and "discord-json" not in runs
    gap = html[html.index(">Recognition gap"):]
    gap = gap[:gap.index("</table>")]
    assert "<td>never</td>" in gap
    # The day each was last active and last thanked, in one form for every row.
    head = gap[:gap.index("</thead>")]
    assert head.index("Last active<") < head.index("Last recognized<")
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", gap[gap.index("<tbody>"):])
    days = cells[3::5] + cells[4::5]  # after the name, the platforms and the score
    assert days and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}|never", d) for d in days), days


def test_a_heatmap_of_few_activities_reads_its_colours_in_whole_numbers():
    """A small community's "when people are active": two activities at most in an hour. The colour
    scale read "0 0 0 1 1 1 2 2 2" (ticks a quarter apart, printed whole); now 0, 1, 2."""
    import pandas as pd

    from workbench.reports.charts import draw
    from workbench.reports.data import Chart

    grid = pd.DataFrame(0, index=range(7), columns=range(24))
    grid.loc[1, 13] = grid.loc[4, 16] = 1
    grid.loc[1, 19] = grid.loc[4, 22] = 2
    fig = draw(Chart("hour_weekday", "When people are active", "trends", "heatmap", grid))
    fig.canvas.draw()
    scale = [t.get_text() for t in fig.axes[1].get_yticklabels() if t.get_text()]
    assert scale == ["0", "1", "2"], scale


def test_a_period_with_no_question_answered_draws_no_empty_response_time_chart():
    """Time to first response by week with no answer in any week: no chart of nothing (an empty
    frame between axes); a week with an answer draws it."""
    import numpy as np
    import pandas as pd

    from workbench.reports.build import make_charts

    weeks = pd.date_range("2022-04-25", periods=4, freq="W-MON")
    empty = pd.DataFrame()
    frames = {"dau_wau_mau": empty, "new_people": empty, "activity_by_platform": empty, "activity_by_channel": empty,
              "hour_weekday": empty, "retention": empty, "level_movement": empty,
              "ttfr_weekly": pd.DataFrame({"week": weeks, "questions": 1, "answered": 0, "within_24h": 0.0,
                                           "median_s": np.nan, "p90_s": np.nan})}
    assert "ttfr_weekly" not in {c.key for c in make_charts(frames)}
    frames["ttfr_weekly"].loc[2, ["answered", "within_24h", "median_s", "p90_s"]] = [1, 1.0, 1860.0, 1860.0]
    assert "ttfr_weekly" in {c.key for c in make_charts(frames)}


def test_the_retention_cohorts_read_as_a_grid_of_the_newest_cohorts(tmp_path, monthly_newcomers):
    """The retention cohorts were a row per cohort and month, cut after 50 rows (40 in the PDF): a
    year's report showed its oldest cohorts alone, and a report of all time its first cohort's first
    months. HTML and PDF now show a cohort a row and a month a column: the 13 newest cohorts, up to
    12 months after each, saying what they leave out; the CSV and XLSX keep every row."""
    import datetime as dt

    from workbench.metrics import Filters

    path = tmp_path / "cohorts.db"
    with Workspace.open(path) as ws:
        ws.import_paths([monthly_newcomers(tmp_path / "general.json", 20)])
        report = prepare_report(ws, Filters(start=dt.date(2024, 1, 1), end=dt.date(2025, 8, 31)))
    long = next(t for t in report.tables if t.key == "retention").frame
    assert len(long) == 20 * 21 // 2  # every cohort, every month it lived through
    html = write_report(report, "html", tmp_path / "r.html").read_text(encoding="utf-8")
    table = html.split('<h3 id="t-retention">', 1)[1].split("</table>", 1)[0]
    assert re.findall(r"<th[^>]*>([^<]*)</th>", table) == ["Cohort", "Size"] + [f"+{k}" for k in range(13)]
    rows = [re.findall(r"<td[^>]*>([^<]*)</td>", r) for r in re.findall(r"<tr><td>.*?</tr>", table)]
    newest = [f"{2024 + k // 12}-{k % 12 + 1:02d}" for k in range(7, 20)]  # 2024-08 to 2025-08
    assert [r[0] for r in rows] == newest
    assert rows[0] == ["2024-08", "1", "100%", "100%"] + ["0%"] * 11  # a year and more: +0 to +12
    assert rows[-2] == ["2025-07", "1", "100%", "100%"] + [""] * 11  # the months after the period: empty
    assert rows[-1] == ["2025-08", "1", "100%"] + [""] * 12
    assert ("Showing the 13 newest of 20 cohorts and months +0 to +12 (of +0 to +19); the XLSX and CSV "
            "exports hold every cohort and month.") in html
    chart = next(c for c in report.charts if c.key == "retention")
    assert list(chart.frame.index) == newest and chart.frame.loc["2024-08", "+1"] == 1.0

    pdf = pdf_text(write_report(report, "pdf", tmp_path / "r.pdf").read_bytes())
    grid = pdf.split("Retention cohorts", 1)[1]
    assert "the 13 newest of 20 cohorts" in " ".join(grid.split()[:30])
    heading = next(line.split() for line in grid.splitlines() if line.strip().startswith("Cohort"))
    assert heading == ["Cohort", "Size"] + [f"+{k}" for k in range(13)]  # all 15 columns on the page
    assert "2025-08" in grid.split("Support", 1)[0] and "columns" not in grid.split("Support", 1)[0]

    folder = write_report(report, "csv", tmp_path / "tables")
    with open(folder / "retention.csv", encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == len(long)


def test_the_import_runs_are_listed_newest_first(tmp_path, monthly_newcomers):
    """A workspace imported week after week has more runs than a report shows (50 in HTML, 40 in
    PDF): they were listed oldest first, so the latest imports were the ones cut."""
    path = tmp_path / "weekly.db"
    with Workspace.open(path) as ws:
        for k in range(3):
            ws.import_paths([monthly_newcomers(tmp_path / f"week{k}.json", k + 2)])
        report = prepare_report(ws)
    runs = next(t for t in report.tables if t.key == "import_runs")
    assert runs.title == "Import runs (newest first)" and list(runs.frame["run"]) == [3, 2, 1]
    html = write_report(report, "html", tmp_path / "r.html").read_text(encoding="utf-8")
    table = html.split('<h3 id="t-import_runs">', 1)[1].split("</table>", 1)[0]
    first = re.findall(r"<td[^>]*>([^<]*)</td>", table.split("<tbody>", 1)[1].split("</tr>", 1)[0])
    assert (first[0], first[-1]) == ("3", "week2.json")  # the newest run, its file named last


def test_the_hours_of_the_day_chart_names_the_zone_its_hours_are_in(tmp_path, monthly_newcomers):
    """A report's 'When people are active' chart, saved into a slide, said no zone: its hours are
    the reporting zone's (the Dashboard's says it); 12:00 UTC is 17:30 in Kolkata."""
    import datetime as dt

    from workbench.metrics import Filters

    path = tmp_path / "zone.db"
    with Workspace.open(path) as ws:
        ws.import_paths([monthly_newcomers(tmp_path / "general.json", 2)])  # 10 Jan and 10 Feb 2024, 12:00 UTC
        report = prepare_report(ws, Filters(start=dt.date(2024, 1, 1), end=dt.date(2024, 2, 29), tz="Asia/Kolkata"))
    chart = next(c for c in report.charts if c.key == "hour_weekday")
    assert chart.title == "When people are active (hour of day by weekday, Asia/Kolkata)"
    busy = chart.frame.stack()  # 10 January 2024: a Wednesday
    assert {(day, int(hour)) for day, hour in busy[busy > 0].index} == {("Wed", 17), ("Sat", 17)}


def test_the_pdf_shows_each_import_runs_problems(rendered):
    """The PDF shows 8 columns of a table: the import runs' problems and the files they left alone
    were not on the page an auditor reads, while the file names were. The counts and the problems
    come first, the long file names last (they are in the XLSX, the CSV and a pack's manifest)."""
    report, paths = rendered
    pdf = pdf_text(paths["pdf"].read_bytes())
    runs = pdf.split("Import runs (newest first)", 1)[1]
    heading = " ".join(runs.split()[:9])  # "Left alone" wraps, one word above the others and one below
    assert heading == "Left Run Started Formats Read Added Updated Problems alone", heading


def test_every_format_carries_the_definitions_under_the_names_a_reader_knows(rendered):
    """A client who gets only the spreadsheet or the CSV files reads what each figure means too, and
    no format names one by its key ("Ttfr")."""
    report, paths = rendered
    html = paths["html"].read_text(encoding="utf-8")
    terms = re.findall(r"<dt>(.*?)</dt>", html)
    assert "Time to first response" in terms and "Contributor absence factor" in terms
    assert "Ttfr" not in terms and len(terms) == len(report.definitions)
    pdf = pdf_text(paths["pdf"].read_bytes()).split("\f")
    definitions_page = next(p for p in pdf if "Definitions" in p and "Time to first response\n" in p)
    assert "Ttfr" not in definitions_page
    rows = list(load_workbook(paths["xlsx"])["Definitions"].iter_rows(values_only=True))
    assert rows[0] == ("term", "definition") and [r[0] for r in rows[1:]] == terms
    assert dict(rows[1:])["Time to first response"] == report.definitions["ttfr"]
    with open(paths["csv"] / "definitions.csv", encoding="utf-8-sig", newline="") as f:
        assert [tuple(r) for r in csv.reader(f)] == [tuple(r) for r in rows]


def test_the_xlsx_shows_each_headline_figure_as_the_report_does(rendered):
    """84% and 82% with "▲ 2 points" beside them, not 0.8443 and 0.8178: the cell keeps the exact
    figure, its format shows it as the report does."""
    report, paths = rendered
    rows = list(load_workbook(paths["xlsx"])["Summary"].iter_rows())
    start = next(i for i, r in enumerate(rows) if r[0].value == "figure")
    shown = {r[0].value: (r[2].number_format, r[3].number_format) for r in rows[start + 1:] if r[0].value}
    kinds = {f.key: f.kind for f in report.figures}
    assert {"percent", "ratio", "count", "duration"} <= set(kinds.values())
    for key, kind in kinds.items():
        assert shown[key] == ({"percent": "0%", "ratio": "0.00"}.get(kind, "#,##0"),) * 2, key


def test_a_pdf_says_once_which_characters_of_the_data_its_font_cannot_draw(cli, tmp_path, beyond_the_font):
    """Chinese names and emoji have no glyph in the PDF's font: `workbench report` says so in one
    sentence listing them, instead of a Python warning per character from the chart and PDF
    libraries; the HTML, drawn by the reader's fonts, needs no such sentence."""
    ws = tmp_path / "w.db"
    assert cli("import", "-w", ws, beyond_the_font(tmp_path / "ai.json")).code == 0
    r = cli("report", "-w", ws, "--out", tmp_path / "r.pdf")
    assert r.code == 0 and r.err == "", r
    note = r.out.splitlines()[1]
    assert note.startswith("No font of this computer's has a glyph for 4 characters of the data, which the PDF "
                           "draws as empty boxes: "), r.out
    assert {"李 (U+674E)", "明 (U+660E)", "🚀 (U+1F680)", "🤖 (U+1F916)"} <= set(re.findall(r"\S+ \(U\+\w+\)", note))
    r = cli("report", "-w", ws, "--out", tmp_path / "r.html")
    assert r.code == 0 and r.err == "" and len(r.out.splitlines()) == 1, r


def test_a_pdf_draws_a_chinese_name_in_a_font_of_the_computer_that_has_it(cli, tmp_path, beyond_the_font,
                                                                            monkeypatch):
    """DejaVu Sans has no Chinese: a computer with a font that has (here a small one in the user's
    fonts folder, as Noto Sans CJK or Microsoft YaHei would be) gets 李明 drawn in it, as text a
    reader can copy; only the emoji, which no font here has, are said to be boxes."""
    home = tmp_path / "home"
    write_han_font(home / ".local" / "share" / "fonts" / "WorkbenchTestHan.ttf", "李明")
    monkeypatch.setenv("HOME", str(home))
    ws = tmp_path / "w.db"
    assert cli("import", "-w", ws, beyond_the_font(tmp_path / "ai.json")).code == 0
    r = cli("report", "-w", ws, "--out", tmp_path / "r.pdf")
    assert r.code == 0 and r.err == "", r
    assert r.out.splitlines()[1] == (
        "No font of this computer's has a glyph for 2 characters of the data, which the PDF draws as empty boxes: "
        "🚀 (U+1F680), 🤖 (U+1F916). The HTML report shows them with the reader's own fonts."), r.out
    assert "李明" in pdf_text((tmp_path / "r.pdf").read_bytes())


def test_a_pdf_chart_draws_a_chinese_channel_name_in_a_font_of_the_computer_that_has_it(cli, tmp_path, monkeypatch):
    """The busiest channels' chart of a Chinese community names 技术讨论 ("tech talk"). The PDF's
    charts were drawn in DejaVu Sans alone: the name was four boxes there, and the report said so,
    although the computer had a font that draws it (the PDF's text already used that font)."""
    import json

    home = tmp_path / "home"
    write_han_font(home / ".local" / "share" / "fonts" / "WorkbenchTestHan.ttf", "技术讨论")
    monkeypatch.setenv("HOME", str(home))
    exports = tmp_path / "exports"
    exports.mkdir()
    for cid, name in (("2", "技术讨论"), ("3", "general")):
        messages = [{"id": f"{cid}{k:03d}", "type": "Default", "timestamp": f"2024-03-{k + 1:02d}T12:00:00+00:00",
                     "content": "hello?", "author": {"id": author, "name": author}} for k, author in
                    enumerate(["mei", "ana"] * 5)]
        (exports / f"{name}.json").write_text(json.dumps({"guild": {"id": "1", "name": "Guild"}, "channel": {
            "id": cid, "type": "GuildTextChat", "name": name}, "messages": messages}), encoding="utf-8")
    ws = tmp_path / "w.db"
    assert cli("import", "-w", ws, exports).code == 0
    r = cli("report", "-w", ws, "--out", tmp_path / "r.pdf")
    assert r.code == 0 and r.err == "", r
    assert "No font of this computer's" not in r.out, r.out  # it named 论 (U+8BBA), 讨 (U+8BA8), 技, 术
    assert "技术讨论" in pdf_text((tmp_path / "r.pdf").read_bytes())  # the table of channels, in text


def test_the_fonts_characters_are_read_once_and_again_when_a_font_changes(tmp_path, monkeypatch):
    """Reading the character maps of every font of the computer took 4.5 s for 496 fonts, at each PDF
    with an emoji or a Chinese name: they are kept in the cache folder, read again only for a font
    file that changed, and a cache file that is not one is read anew."""
    from matplotlib import font_manager

    from workbench.reports import fonts as render_fonts
    from workbench.store.db import cache_dir

    fonts = tmp_path / "fonts"
    write_han_font(fonts / "WorkbenchTestHan.ttf", "李")
    # A font folder more where matplotlib looks (it reads the home's folders once, when first loaded).
    monkeypatch.setattr(font_manager, "X11FontDirectories", [*font_manager.X11FontDirectories, str(fonts)])
    read: list[str] = []
    characters_of = render_fonts._characters_of
    monkeypatch.setattr(render_fonts, "_characters_of", lambda path: read.append(path) or characters_of(path))

    assert render_fonts.fonts_with({"李", "明"}) == [fonts / "WorkbenchTestHan.ttf"]
    first = len(read)
    assert any(p.endswith("WorkbenchTestHan.ttf") for p in read)
    assert render_fonts.fonts_with({"明"}) == [] and len(read) == first  # not one font read again

    write_han_font(fonts / "WorkbenchTestHan.ttf", "李明")  # the font updated: it has 明 now
    assert render_fonts.fonts_with({"明"}) == [fonts / "WorkbenchTestHan.ttf"]
    assert read[first:] == [str(fonts / "WorkbenchTestHan.ttf")]

    (cache_dir() / render_fonts.FONT_CACHE).write_text("[1, 2", encoding="utf-8")
    assert render_fonts.fonts_with({"明"}) == [fonts / "WorkbenchTestHan.ttf"]


def test_the_packs_manifest_says_what_each_run_changed_in_earlier_imports(tmp_path):
    """An auditor reads in the manifest that the second export renamed a member and edited two
    messages the first had brought, not only that it "updated 3"."""
    from workbench.reports.pack import import_provenance

    def chat(folder: str, name: str, edited: bool) -> Path:
        edit = ', "edited": "2024-03-02T10:00:00", "edited_unixtime": "1709373600"' if edited else ""
        messages = [f'{{"id": {i}, "type": "message", "date": "2024-03-01T10:0{i}:00", "date_unixtime": '
                    f'"{1709287200 + 60 * i}", "from": "{who}", "from_id": "user{i}", "text": "{text}"{edit}}}'
                    for i, (who, text) in enumerate(((name, "How do I batch?"), ("Omar", "Use the endpoint.")), 1)]
        if edited:
            messages = [m.replace('?"', ' embeddings?"').replace('endpoint."', 'batch endpoint."') for m in messages]
        path = tmp_path / folder / "result.json"
        path.parent.mkdir()
        path.write_text('{"name": "Builders", "type": "public_supergroup", "id": 77, "messages": ['
                        + ", ".join(messages) + "]}", encoding="utf-8")
        return path

    with Workspace.open(tmp_path / "w.db") as ws:
        ws.import_paths([chat("march", "Nia", False)])
        later = ws.import_paths([chat("april", "Nia K", True)])
        manifest = import_provenance(ws)
    assert later.updated == 3
    assert [(r["run"], r["updated"], r["updated_by_kind"]) for r in manifest] == [
        (1, 0, {}), (2, 3, {"accounts": 1, "activities": 2})]


def test_a_run_taken_back_out_is_said_in_the_reports_runs_and_the_packs_manifest(tmp_path, monthly_newcomers):
    """An auditor sees that the workspace once held an import that was removed, and when."""
    from workbench.reports.pack import import_provenance
    from workbench.removing import remove_run

    with Workspace.open(tmp_path / "w.db") as ws:
        for k in range(2):
            ws.import_paths([monthly_newcomers(tmp_path / f"week{k}.json", k + 2)])
        plain = next(t for t in prepare_report(ws).tables if t.key == "import_runs").frame
        assert "removed" not in plain.columns  # no column of blanks when no run was removed
        remove_run(ws, 2)
        runs = next(t for t in prepare_report(ws).tables if t.key == "import_runs").frame
        manifest = import_provenance(ws)
    assert list(runs.columns[:4]) == ["run", "started", "removed", "formats"]
    assert runs["removed"].notna().tolist() == [True, False]
    assert [(r["run"], r["status"], bool(r["removed_at"])) for r in manifest] == [(1, "done", False),
                                                                                 (2, "removed", True)]
    assert manifest[1]["removed"]["activities"] == manifest[1]["counts"]["activities"] > 0
