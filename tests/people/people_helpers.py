"""Hand-built workspaces for people tests: records written the way an import writes them."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import insert

from workbench.importing import _post_import_steps
from workbench.records import AccountRec, ActivityRec, ChannelRec, SourceRec
from workbench.store.models import ImportRun
from workbench.store.writer import Writer

T0 = dt.datetime(2024, 3, 4, 12, 0, tzinfo=dt.timezone.utc)


def write_records(ws, records) -> int:  # noqa: ANN001
    """One import run of ``records`` through the Writer and every post-import step."""
    with ws.write_conn("import") as conn:
        run_id = conn.execute(insert(ImportRun.__table__).values(status="done", counts={})).inserted_primary_key[0]
        w = Writer(conn, run_id)
        w.add_all(records)
        w.flush()
        for step in _post_import_steps():
            step(conn, run_id)
    return run_id


def member(platform: str, ext: str, *, handle: str = "", name: str = "", email: str | None = None,
           messages: int = 3, start: dt.datetime = T0, **flags) -> list:  # noqa: ANN003
    """An account and its messages, one a week from ``start``."""
    recs: list = [AccountRec(platform, ext, handle=handle, display_name=name, email=email,
                             source_external_id=f"{platform}-src", **flags)]
    recs += [ActivityRec(platform, f"{ext}-m{i}", ext, start + dt.timedelta(days=7 * i, hours=i),
                         channel_external_id=f"{platform}-general", source_external_id=f"{platform}-src",
                         text=f"message {i} from {name or handle}") for i in range(messages)]
    return recs


def base_records(platform: str) -> list:
    return [SourceRec(platform, f"{platform}-src", platform.capitalize()),
            ChannelRec(platform, f"{platform}-general", "general", source_external_id=f"{platform}-src")]
