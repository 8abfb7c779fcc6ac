"""The directory's table model: a window onto ``person_summary`` loaded page by page off the GUI
thread, so 100,000 people scroll, sort and filter without the window freezing.

``rowCount`` is the number of people the filter matches (counted in SQL); a row whose page is not
loaded yet shows "…" and asks for its page, which arrives by signal and fills the rows in place.
Only pages near what was last looked at are kept.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from ..metrics.filters import reporting_tz, zone
from .. import fmt
from ..people import directory
from ..people.directory import DirectoryFilter, flags_of
from . import dates, figures
from .tasks import Newest

PAGE = 200
KEEP_PAGES = 30
COLUMNS = [("name", "Name"), ("platforms", "Platforms"), ("first_seen", "First seen"), ("last_seen", "Last seen"),
           ("activities", "Activities"), ("level", "Engagement"), ("tags", "Tags")]
SORTABLE = {"name", "platforms", "first_seen", "last_seen", "activities", "level"}
PersonIdRole = Qt.ItemDataRole.UserRole + 1


class PeopleModel(QAbstractTableModel):
    loaded = Signal(int)  # total rows, after a (re)load
    page_loaded = Signal(int)  # page number
    failed = Signal(object)

    def __init__(self, ctx, parent=None) -> None:  # noqa: ANN001 - AppContext
        super().__init__(parent)
        self.ctx = ctx
        self.filter = DirectoryFilter()
        self.sort_key = "last_seen"
        self.descending = True
        self.total = 0
        self._pages: dict[int, list[dict]] = {}
        self._pending: set[int] = set()
        self._newest = Newest()
        self._only = self._newest.next()  # the current view's: its pages are shown, older ones' dropped
        self._shown: tuple | None = None  # (filter, sort, descending) of the rows on show
        self.loading = False
        self.tz: dt.tzinfo = dt.timezone.utc  # first and last seen are days of the reporting time zone

    # -- loading ------------------------------------------------------------------------------
    def reload(self) -> None:
        """Count the people the filter matches and load the first page (off the GUI thread)."""
        ws = self.ctx.ws
        if ws is None:
            return
        self._only = only = self._newest.next()
        f, sort, desc = self.filter, self.sort_key, self.descending
        self.loading = True

        def work(progress, cancel):  # noqa: ANN001, ARG001
            directory.ensure_summary(ws)
            tz = zone(reporting_tz(ws))
            with ws.connect() as conn:
                return directory.count(conn, f), directory.page(conn, f, sort=sort, descending=desc, limit=PAGE), tz

        self.ctx.run_task(work, "Reading people", on_done=only(lambda res: self._counted((f, sort, desc), res)),
                          on_error=self._failed, reads_only=True)

    def _failed(self, exc: BaseException) -> None:
        self.loading = False
        self.failed.emit(exc)

    def _counted(self, shape: tuple, result: tuple[int, list[dict], dt.tzinfo]) -> None:
        total, first, self.tz = result
        if shape == self._shown and total == self.total and total:
            # The same view after an edit elsewhere: refresh the rows in place, so the scroll
            # position and the selection stay where the person left them.
            self._pages = {0: first}
            self._pending = set()
            self.dataChanged.emit(self.index(0, 0), self.index(total - 1, len(COLUMNS) - 1))
        else:
            self.beginResetModel()
            self.total = total
            self._pages = {0: first}
            self._pending = set()
            self.endResetModel()
        self._shown = shape
        self.loading = False
        self.loaded.emit(total)

    def _request(self, page_no: int) -> None:
        if page_no in self._pending or page_no in self._pages or self.ctx.ws is None:
            return
        self._pending.add(page_no)
        ws, only, f, sort, desc = self.ctx.ws, self._only, self.filter, self.sort_key, self.descending

        def work(progress, cancel):  # noqa: ANN001, ARG001
            with ws.connect() as conn:
                return directory.page(conn, f, sort=sort, descending=desc, offset=page_no * PAGE, limit=PAGE)

        self.ctx.run_task(work, "Reading people", on_done=only(lambda rows: self._arrived(page_no, rows)),
                          on_error=self._failed, reads_only=True)

    def _arrived(self, page_no: int, rows: list[dict]) -> None:
        self._pending.discard(page_no)
        self._pages[page_no] = rows
        if len(self._pages) > KEEP_PAGES:  # forget the pages farthest from this one
            for far in sorted(self._pages, key=lambda p: -abs(p - page_no))[:len(self._pages) - KEEP_PAGES]:
                del self._pages[far]
        first = page_no * PAGE
        last = min(self.total, first + len(rows)) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))
        self.page_loaded.emit(page_no)

    def set_filter(self, f: DirectoryFilter) -> None:
        if f != self.filter:
            self.filter = f
            self.reload()

    def row(self, r: int) -> dict | None:
        """The loaded row ``r`` (None while its page is loading)."""
        rows = self._pages.get(r // PAGE)
        if rows is None or r % PAGE >= len(rows):
            return None
        return rows[r % PAGE]

    def loaded_rows(self) -> list[dict]:
        return [row for p in sorted(self._pages) for row in self._pages[p]]

    # -- the model ----------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self.total

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # noqa: ANN001
        if not index.isValid():
            return None
        row = self.row(index.row())
        if row is None:
            if role == Qt.ItemDataRole.DisplayRole:
                self._request(index.row() // PAGE)
                return "…" if index.column() == 0 else ""
            return None
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, key)
        if role == PersonIdRole:
            return row["person_id"]
        if role == Qt.ItemDataRole.ToolTipRole and key in ("platforms", "tags"):
            return self._text(row, key)
        if role == Qt.ItemDataRole.ToolTipRole and key == "name":
            flags = flags_of(row)
            return f"Person {row['person_id']}" + (f" ({', '.join(flags)})" if flags else "")
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "activities":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, row: dict, key: str) -> str:
        value = row.get(key)
        if key == "name":
            marks = "".join(f" [{flag}]" for flag in flags_of(row))
            return (value or f"Person {row['person_id']}") + marks
        if key == "platforms":
            return fmt.platform_names(value)
        if key == "tags":
            return ", ".join(value or [])
        if key in ("first_seen", "last_seen"):
            return dates.day(value, self.tz) if value else ""
        if key == "activities":
            return figures.number(value)
        return "" if value is None else str(value)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: ANN001, N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][1]
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:  # noqa: ANN001
        key = COLUMNS[column][0]
        if key not in SORTABLE:
            return
        desc = order == Qt.SortOrder.DescendingOrder
        if (key, desc) != (self.sort_key, self.descending):
            self.sort_key, self.descending = key, desc
            self.reload()
