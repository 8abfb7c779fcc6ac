"""The day a page's scores are read up to: the latest day of data, followed as exports are
imported, unless another is chosen (who carried the community, or who was forgotten, up to the end
of a quarter), as ``--as-of`` chooses it on the command line."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import QDateEdit, QHBoxLayout, QLabel, QPushButton, QWidget

from . import dates


class AsOfDay(QWidget):
    """'<what> up to [day] [Latest day]'. ``day`` is the day chosen, None for the latest day of
    data; ``chosen`` says it changed (a date typed digit by digit is one change)."""

    chosen = Signal()

    def __init__(self, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.day: dt.date | None = None
        self.latest: dt.date | None = None  # the latest day of data (None: no data)
        self.edit = QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat(dates.date_format())
        self.edit.setAccessibleName(f"{what} up to")
        self.latest_button = QPushButton("Latest day")
        self.latest_button.setToolTip("Read up to the latest day of data, and follow it as exports are imported")
        self.latest_button.setEnabled(False)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(self._typed)
        self.edit.dateChanged.connect(lambda _: self._timer.start())
        self.latest_button.clicked.connect(lambda: self.choose(None))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(f"{what} up to"))
        row.addWidget(self.edit)
        row.addWidget(self.latest_button)
        row.addStretch(1)

    def _typed(self) -> None:
        day = self.edit.date().toPython()
        self.choose(None if day == self.latest else day)

    def choose(self, day: dt.date | None) -> None:
        """Read up to ``day`` (None: up to the latest day of data)."""
        self._timer.stop()
        if day == self.day:
            return
        self.day = day
        self.latest_button.setEnabled(day is not None)
        self.chosen.emit()

    def forget(self) -> None:
        """Back to the latest day, unsaid (another workspace opened: its days are not the last one's)."""
        self._timer.stop()
        self.day = None
        self.latest_button.setEnabled(False)

    def show_days(self, end: dt.date | None, first: dt.date | None, latest: dt.date | None) -> None:
        """The period read ends on ``end``; the days of data run from ``first`` to ``latest``."""
        self.latest = latest
        was = self.edit.blockSignals(True)
        if first is not None and latest is not None:
            self.edit.setDateRange(QDate(first), QDate(latest))
        if end is not None:
            self.edit.setDate(QDate(end))
        self.edit.blockSignals(was)
        self.latest_button.setEnabled(self.day is not None)
