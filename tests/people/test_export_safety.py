"""people.csv, candidates.csv and helper_network.csv open in a spreadsheet without running anything a
member wrote."""
from __future__ import annotations

import csv
import datetime as dt

from workbench.exports import write_metric_tables
from workbench.records import AccountRec, ActivityRec


def test_a_name_written_as_a_formula_stays_text(ws, tmp_path):
    from sqlalchemy import insert

    from workbench.importing import _post_import_steps
    from workbench.store.models import ImportRun
    from workbench.store.writer import Writer

    t0 = dt.datetime(2024, 3, 1, 12, tzinfo=dt.timezone.utc)
    with ws.write_conn() as conn:
        run = conn.execute(insert(ImportRun.__table__).values(status="done", counts={})).inserted_primary_key[0]
        w = Writer(conn, run)
        w.add(AccountRec("discord", "1", handle="evil", display_name='=HYPERLINK("http://x","y")'))
        w.add(AccountRec("discord", "2", handle="minus", display_name="-2+3"))
        w.add(ActivityRec("discord", "m1", "1", t0, channel_external_id="c", text="how do I?"))
        w.add(ActivityRec("discord", "m2", "2", t0 + dt.timedelta(minutes=5), channel_external_id="c",
                          parent_external_id="m1", text="like this"))
        w.flush()
        for step in _post_import_steps():  # the reply linked to its question, as an import does
            step(conn, run)
    write_metric_tables(ws, tmp_path)
    with open(tmp_path / "people.csv", encoding="utf-8") as f:
        names = {row["name"] for row in csv.DictReader(f)}
    assert names == {"'=HYPERLINK(\"http://x\",\"y\")", "'-2+3"}
    with open(tmp_path / "candidates.csv", encoding="utf-8") as f:
        cand = {row["name"] for row in csv.DictReader(f)}
    assert cand and all(n.startswith("'") for n in cand)
    with open(tmp_path / "helper_network.csv", encoding="utf-8") as f:
        ties = [(row["helper"], row["helped"], row["replies"]) for row in csv.DictReader(f)]
    assert ties == [("'-2+3", "'=HYPERLINK(\"http://x\",\"y\")", "1")]
