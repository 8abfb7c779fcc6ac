"""``people.csv`` of ``workbench export-metrics``: every person and the accounts that are theirs."""
from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from sqlalchemy import select

from ..reports.safe import cell
from ..store.models import Account, Person

ACC = Account.__table__
PER = Person.__table__


def people_rows(conn) -> list[tuple[int, str, str]]:  # noqa: ANN001 - a Connection
    """(person_id, name, "platform:platform_id;...") of every person, by id."""
    accounts: dict[int, list[str]] = defaultdict(list)
    for pid, platform, ext in conn.execute(select(ACC.c.person_id, ACC.c.platform, ACC.c.external_id)):
        accounts[int(pid)].append(f"{platform}:{ext}")
    q = select(PER.c.id, PER.c.display_name).where(PER.c.merged_into_id.is_(None)).order_by(PER.c.id)
    return [(int(pid), cell(name or ""), ";".join(sorted(accounts.get(int(pid), []))))  # never a formula
            for pid, name in conn.execute(q) if int(pid) in accounts]


def write_people_csv(ws, out_dir: Path) -> Path:  # noqa: ANN001 - a Workspace
    path = Path(out_dir) / "people.csv"
    with ws.connect() as conn:
        rows = people_rows(conn)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["person_id", "name", "accounts"])
        w.writerows(rows)
    return path
