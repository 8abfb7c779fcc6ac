"""A workspace of many people, written fast by bulk insert, and a heartbeat on the GUI thread (for the
pages' scale tests)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QTimer

from workbench.workspace import Workspace

FIRST = ("Ana Ben Chen Dara Eli Femi Gus Hana Ivan Jo Kai Lena Marta Nia Omar Pia Quinn Ravi Sara Tomas Uma Vik "
         "Wen Xavi Yuki Zoë Ali Bea Cyd Dev Emre Fatma Goran Hugo Inès").split()
LAST = "Silva Okafor Nguyen Müller Kowalski Haddad Tanaka Novak Rossi García Ivanova Berg Costa Dubois Kim".split()
PLATFORMS = ("slack", "discord", "telegram")


def name_of(i: int) -> str:
    return f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]} {i}"


def platform_of(i: int) -> str:
    return PLATFORMS[i % 3]


def bulk_workspace(path: Path, people: int = 100_000, activities_per_person: int = 2) -> Path:
    ws = Workspace.open(path)
    t0 = dt.datetime(2024, 1, 1)
    with ws.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO import_run (id, started_at, status, app_version, read, added, updated, "
                             "unchanged, skipped, counts) VALUES (1, '2024-06-01', 'done', '', 0, 0, 0, 0, 0, '{}')")
        conn.exec_driver_sql("INSERT INTO person (id, display_name, created_at) VALUES (?, ?, ?)",
                             [(i, name_of(i), t0) for i in range(1, people + 1)])
        conn.exec_driver_sql(
            "INSERT INTO account (id, platform, external_id, person_id, original_person_id, handle, display_name, "
            "email, email_norm, is_bot, is_staff, is_deleted, flags_set_by_user, placeholder) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 0, 0, 0)",
            [(i, platform_of(i), f"ext{i}", i, i, f"user{i}", name_of(i), f"user{i}@example.org",
              f"user{i}@example.org", int(i % 1000 == 0)) for i in range(1, people + 1)])
        rows = []
        for i in range(1, people + 1):
            for k in range(activities_per_person):
                rows.append((i * 10 + k, platform_of(i), f"a{i}-{k}", i,
                             t0 + dt.timedelta(days=(i * 7 + k * 13) % 180, seconds=i % 86400), f"hello {k}", 1))
        conn.exec_driver_sql("INSERT INTO activity (id, platform, external_id, account_id, created_at, kind, text, "
                             "import_run_id, is_accepted, title, size, reaction_count) "
                             "VALUES (?, ?, ?, ?, ?, 'message', ?, ?, 0, '', 5, 0)", rows)
    ws.close()
    return path


class Heartbeat:
    """A 10 ms timer on the GUI thread: the longest gap between its ticks is the longest freeze."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.worst = 0
        self.last = 0

    def _tick(self) -> None:
        now = self.clock.elapsed()
        self.worst = max(self.worst, now - self.last)
        self.last = now

    def start(self) -> None:
        self.clock.start()
        self.last = 0
        self.timer.start()

    def stop(self) -> int:
        self.timer.stop()
        return self.worst
