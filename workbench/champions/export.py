"""``candidates.csv`` of ``workbench export-metrics``: the ranked champion candidates."""
from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from sqlalchemy import select

from ..reports.safe import cell
from ..store.models import Account
from .score import candidates

ACC = Account.__table__


def candidate_rows(ws) -> list[tuple[int, int, str, float, str]]:  # noqa: ANN001 - a Workspace
    """(rank, person_id, name, score, "platform:platform_id;...") of every candidate, best first."""
    frame = candidates(ws)
    accounts: dict[int, list[str]] = defaultdict(list)
    with ws.connect() as conn:
        for pid, platform, ext in conn.execute(select(ACC.c.person_id, ACC.c.platform, ACC.c.external_id)):
            accounts[int(pid)].append(f"{platform}:{ext}")
    return [(int(r.rank), int(r.person_id), str(r.name), float(r.score), ";".join(sorted(accounts.get(int(r.person_id), []))))
            for r in frame.itertuples(index=False)]


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.4f}".rstrip("0")


def write_candidates_csv(ws, out_dir: Path) -> Path:  # noqa: ANN001
    path = Path(out_dir) / "candidates.csv"
    rows = candidate_rows(ws)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["rank", "person_id", "name", "score", "accounts"])
        for rank, pid, name, score, accs in rows:
            w.writerow([rank, pid, cell(name), _num(score), accs])  # a name never runs as a formula
    return path
