"""The demo workspace's report: its champion programme and recognitions, plainly and pseudonymized."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from workbench.demo import build_demo
from workbench.metrics.filters import Filters
from workbench.reports.build import prepare_report
from workbench.reports.pseudonymize import PseudonymKey
from workbench.store.models import ChampionStatus, Person, Recognition
from workbench.workspace import Workspace

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    ws = Workspace.open(path)
    build_demo(ws)
    yield ws
    ws.close()


def test_the_report_lists_the_programme_as_the_workspace_records_it(demo):
    report = prepare_report(demo)
    table = report.table("champion_programme").frame
    with demo.session() as s:
        last = select(func.max(ChampionStatus.id)).group_by(ChampionStatus.person_id)
        stages = dict(s.execute(select(ChampionStatus.person_id, ChampionStatus.stage)
                                .where(ChampionStatus.id.in_(last))).all())
        names = dict(s.execute(select(Person.id, Person.display_name)).all())
    assert len(stages) >= 4
    assert dict(zip(table["person_id"], table["stage"])) == stages
    assert set(table["name"]) == {names[p] for p in stages}
    assert list(table["stage"]).index("champion") == 0  # champions first


def test_recognitions_of_the_period_and_their_pseudonymized_form(demo):
    with demo.session() as s:
        first, last = s.execute(select(func.min(Recognition.given_at), func.max(Recognition.given_at))).one()
        notes = set(s.scalars(select(Recognition.note)))
    f = Filters(start=first.date(), end=last.date())
    plain = prepare_report(demo, f).table("recognitions").frame
    assert len(plain) >= 2 and set(plain["note"]) <= notes
    hidden = prepare_report(demo, f, key=PseudonymKey(b"k" * 32, "one-off")).table("recognitions").frame
    assert len(hidden) == len(plain)
    assert "note" not in hidden.columns and "person_id" not in hidden.columns
    assert all(n.startswith("Member ") for n in hidden["name"])
    assert not set(hidden["given_by"]) & set(plain["given_by"])


def test_who_helps_whom_in_the_report_and_pseudonymized_on_both_sides(demo):
    """The report's "Who helps whom" table and drawing are the Dashboard's (the top helpers' ties); pseudonymized, the
    helper and the person helped are both pseudonyms in both, each person the same one wherever
    they appear, and the drawing names them so."""
    from workbench.metrics.network import who_helps_whom
    from workbench.reports.charts import to_svg

    f = Filters.default_for(demo)
    report = prepare_report(demo, f)
    plain = report.table("who_helps_whom").frame
    drawing = report.chart("who_helps_whom")
    assert drawing.kind == "network" and len(drawing.frame) == 40
    svg = to_svg(drawing)
    busiest = (plain.groupby("helper")["replies"].sum().add(plain.groupby("helped")["replies"].sum(), fill_value=0)
               .sort_values(ascending=False))
    assert busiest.index[0] in svg and busiest.index[1] in svg  # the busiest are named on it
    ties = who_helps_whom(demo, f)
    assert len(plain) == len(ties) == 40
    assert plain[["helper", "helped", "replies", "newcomer_replies"]].equals(
        ties[["helper", "helped", "replies", "newcomer_replies"]])
    hidden = prepare_report(demo, f, key=PseudonymKey(b"k" * 32, "one-off")).table("who_helps_whom").frame
    assert list(hidden.columns) == ["helper", "helped", "replies", "newcomer_replies"]
    assert all(n.startswith("Member ") for n in [*hidden["helper"], *hidden["helped"]])
    pseudonym = {}
    pairs = [*zip(ties["helper_person_id"], hidden["helper"]), *zip(ties["helped_person_id"], hidden["helped"])]
    for pid, name in pairs:
        assert pseudonym.setdefault(pid, name) == name  # one person, one pseudonym, as helper or as helped
    assert len(set(pseudonym.values())) == len(pseudonym)
    hidden_drawing = prepare_report(demo, f, key=PseudonymKey(b"k" * 32, "one-off")).chart("who_helps_whom")
    assert list(hidden_drawing.frame["helper"]) == list(hidden["helper"])
    assert list(hidden_drawing.frame["helped"]) == list(hidden["helped"])
    hidden_svg = to_svg(hidden_drawing)
    assert "Member " in hidden_svg and not any(name in hidden_svg for name in [*plain["helper"], *plain["helped"]])


def test_a_report_or_pack_that_cannot_be_written_is_said_and_keeps_the_file_there(demo, tmp_path):
    """A full disk (a file-size limit stands in for it) or a device that takes nothing: one
    sentence naming the file, no half report under its name, and last month's report kept."""
    import os
    import resource
    import subprocess
    import sys

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (40_000, 40_000))

    out = tmp_path / "out"
    out.mkdir()
    kept = out / "report.html"
    kept.write_text("last month's report")
    for command, path, what in ((["report", "--format", "html"], kept, "report"),
                                (["report", "--format", "pdf"], out / "report.pdf", "report"),
                                (["pack"], out / "audit.wbpack", "audit pack")):
        proc = subprocess.run([sys.executable, "-m", "workbench", *command, "--workspace", demo.location,
                               "--out", str(path)], capture_output=True, text=True, env=os.environ.copy(),
                              preexec_fn=small_files, timeout=300)
        assert proc.returncode == 2, proc.stderr
        said = f"workbench: The {what} cannot be written to {path}: file too large; nothing was written."
        assert proc.stderr.strip() == said
    assert kept.read_text() == "last month's report"
    assert sorted(p.name for p in out.iterdir()) == ["report.html"]
    if os.path.exists("/dev/full"):  # a device: written to as it is, and its refusal said
        proc = subprocess.run([sys.executable, "-m", "workbench", "report", "--format", "html", "--workspace",
                               demo.location, "--out", "/dev/full"], capture_output=True, text=True, timeout=300)
        assert proc.returncode == 2
        assert proc.stderr.strip() == "workbench: The report cannot be written to /dev/full: no space left on device."


def test_the_champion_tables_keep_the_days_of_the_reporting_zone(tmp_path):
    """In Kiritimati (UTC+14) a swag given on 1 March (22:00 UTC on 29 February) is in a report of
    March and reads 1 March at noon; one given on 31 March is in it too, one of 1 April is not; a
    stage moved now reads the time it is there."""
    import datetime as dt
    import sys
    from pathlib import Path
    from zoneinfo import ZoneInfo

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "champions"))
    from champion_helpers import account, day_series, person_of, write

    from workbench.champions.programme import move
    from workbench.champions.recognition import add_recognition

    kiritimati = ZoneInfo("Pacific/Kiritimati")
    with Workspace.open(tmp_path / "w.db") as ws:
        write(ws, [account("ada"), *day_series("ada", "2024-03-01", 20)])
        ws.set_setting("reporting.timezone", "Pacific/Kiritimati")
        ada = person_of(ws, "ada")
        for day, kind in ((dt.date(2024, 3, 1), "swag"), (dt.date(2024, 3, 31), "badge"), (dt.date(2024, 4, 1), "role")):
            add_recognition(ws, [ada], kind=kind, given_at=day)
        move(ws, ada, "candidate")
        now = dt.datetime.now(kiritimati).replace(tzinfo=None)
        report = prepare_report(ws, Filters(start=dt.date(2024, 3, 1), end=dt.date(2024, 3, 31), tz="Pacific/Kiritimati"))
        given = report.table("recognitions").frame
        assert list(given["kind"]) == ["badge", "swag"]
        assert list(given["given_at"]) == [dt.datetime(2024, 3, 31, 12), dt.datetime(2024, 3, 1, 12)]
        today = prepare_report(ws, Filters(start=now.date(), end=now.date(), tz="Pacific/Kiritimati"))
        since = today.table("champion_programme").frame["since"].iloc[0]
        assert abs(since - now) < dt.timedelta(minutes=5)
