"""The programme board: four columns (candidate, nominated, champion, alumni) of people.

People move by drag and drop between columns, by the buttons under the board, or from the
keyboard (Ctrl+Right forward, Ctrl+Left back, Delete out of the programme). Ctrl+C copies the
selected people, the context menu the whole programme or a CSV file of it. The board only asks
for a move (``move_requested``); the page records it and the board is filled again from the
workspace.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QPainter, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from .. import fmt
from ..champions import NO_STAGE, STAGES
from . import dates, figures
from .widgets import copy_menu

TITLES = {"candidate": "Candidates", "nominated": "Nominated", "champion": "Champions", "alumni": "Alumni"}
ID = Qt.ItemDataRole.UserRole
ROW_HEIGHT = 24  # px, as the tables' rows
SINCE = Qt.ItemDataRole.UserRole + 1  # the day the person entered the stage, as the locale writes it
EMPTY = {"candidate": "Nobody yet. Add people from the Candidates tab, or drag them here.",
         "nominated": "Nobody nominated. Drag candidates here.",
         "champion": "No champions yet. Drag nominated people here.",
         "alumni": "No alumni. Champions who step back are kept here."}


class _PersonDelegate(QStyledItemDelegate):
    """The person's name, and on the right, muted, since when they are in the stage (so a long
    wait in one stage shows at a glance)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        since = index.data(SINCE)
        if not since:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        name, opt.text = opt.text, ""
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        rect = opt.rect.adjusted(4, 0, -4, 0)
        room = opt.fontMetrics.horizontalAdvance(since) + 12
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setPen(opt.palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text))
        align = Qt.AlignmentFlag.AlignVCenter
        painter.drawText(rect.adjusted(0, 0, -room, 0), align | Qt.AlignmentFlag.AlignLeft,
                         opt.fontMetrics.elidedText(name, Qt.TextElideMode.ElideRight, max(rect.width() - room, 0)))
        if not selected:
            painter.setPen(opt.palette.color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(rect, align | Qt.AlignmentFlag.AlignRight, since)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        hint = super().sizeHint(option, index)
        return QSize(hint.width(), max(hint.height(), ROW_HEIGHT))


class StageList(QListWidget):
    """One column; a drop from another column asks for a move of the dragged people."""

    dropped = Signal(list, str)  # person ids, stage

    def __init__(self, stage: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stage = stage
        self.setObjectName(f"stage_{stage}")
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setAlternatingRowColors(True)
        self.setItemDelegate(_PersonDelegate(self))
        self.empty_text = EMPTY[stage]

    def paintEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt's name
        super().paintEvent(event)
        if self.count() == 0:  # what the column is for, where there is nobody in it
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.viewport().rect().adjusted(12, 12, -12, -12),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
                             self.empty_text)
            painter.end()

    def person_ids(self, *, selected: bool = False) -> list[int]:
        items = self.selectedItems() if selected else [self.item(i) for i in range(self.count())]
        return [int(it.data(ID)) for it in items]

    def dropEvent(self, event) -> None:  # noqa: ANN001, N802
        src = event.source()
        if isinstance(src, StageList) and src is not self:
            ids = src.person_ids(selected=True)
            event.setDropAction(Qt.DropAction.IgnoreAction)
            event.accept()
            if ids:
                self.dropped.emit(ids, self.stage)
        else:
            event.ignore()


class ProgrammeBoard(QFrame):
    move_requested = Signal(list, str, str)  # person ids, stage (or "(none)"), reason
    undo_requested = Signal()
    person_selected = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        cols = QHBoxLayout()
        self.lists: dict[str, StageList] = {}
        self.headers: dict[str, QLabel] = {}
        for stage in STAGES:
            box = QVBoxLayout()
            head = QLabel(TITLES[stage])
            head.setStyleSheet("font-weight: 600;")
            lst = StageList(stage)
            lst.dropped.connect(lambda ids, st: self.move_requested.emit(ids, st, self.reason.text().strip()))
            lst.itemSelectionChanged.connect(lambda lst=lst: self._selected(lst))
            head.setBuddy(lst)
            copy_menu(lst, lambda selection_only: self.programme_rows(selection_only=selection_only),
                      selected="Copy selected people", whole="Copy the whole programme",
                      export_as="Export the programme as CSV…", file_name="programme.csv")
            box.addWidget(head)
            box.addWidget(lst, 1)
            cols.addLayout(box, 1)
            self.lists[stage] = lst
            self.headers[stage] = head
        lay.addLayout(cols, 1)
        row = QHBoxLayout()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Reason for the move (kept in the person's history)")
        self.back_button = QPushButton("◀ Back")
        self.back_button.setToolTip("Move the selected people one stage back (Ctrl+Left)")
        self.forward_button = QPushButton("Forward ▶")
        self.forward_button.setToolTip("Move the selected people one stage forward (Ctrl+Right)")
        self.remove_button = QPushButton("Take out")
        self.remove_button.setToolTip("Take the selected people out of the programme (Delete)")
        self.undo_button = QPushButton("Undo last move")
        self.undo_button.setToolTip("Ctrl+Z")
        self.back_button.clicked.connect(lambda: self.step(-1))
        self.forward_button.clicked.connect(lambda: self.step(+1))
        self.remove_button.clicked.connect(self.take_out)
        self.undo_button.clicked.connect(self.undo_requested.emit)
        row.addWidget(QLabel("Reason:"))
        row.addWidget(self.reason, 1)
        for b in (self.back_button, self.forward_button, self.remove_button, self.undo_button):
            row.addWidget(b)
        lay.addLayout(row)
        self.history = QLabel("Select a person to see their history in the programme.")
        self.history.setWordWrap(True)
        self.history.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.history)
        for keys, slot in (("Ctrl+Right", lambda: self.step(+1)), ("Ctrl+Left", lambda: self.step(-1)),
                           (QKeySequence.StandardKey.Delete, self.take_out)):
            sc = QShortcut(QKeySequence(keys), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)

    # -- filling ------------------------------------------------------------------------------
    def set_stages(self, stages: pd.DataFrame, tz: dt.tzinfo = dt.timezone.utc) -> None:
        """Everyone in the programme, each in their stage's column, since the day (in ``tz``, the
        reporting zone) of their last move."""
        keep = {st: set(lst.person_ids(selected=True)) for st, lst in self.lists.items()}
        # A name two people on the board bear says whose it is: "Alice Ng (Discord)", "Alice Ng (Slack)".
        shared = set(stages["name"][stages["name"].duplicated(keep=False)]) if "name" in stages else set()
        for stage, lst in self.lists.items():
            rows = stages[stages["stage"] == stage].sort_values("name", key=lambda s: s.str.lower())
            lst.blockSignals(True)
            lst.clear()
            for r in rows.itertuples(index=False):
                where = fmt.platform_names(getattr(r, "platforms", ""))
                name = r.name or f"Person {r.person_id}"
                it = QListWidgetItem(f"{name} ({where})" if r.name in shared and where else name)
                it.setData(ID, int(r.person_id))
                since = dates.day(r.since, tz) if pd.notna(r.since) else ""
                it.setData(SINCE, since)
                it.setToolTip(f"Person {r.person_id}" + (f" ({where})" if where else "")
                              + f"; {stage} since {since}")  # "candidate since", not "candidates since"
                lst.addItem(it)
                if int(r.person_id) in keep[stage]:
                    it.setSelected(True)
            lst.blockSignals(False)
            self.headers[stage].setText(f"{TITLES[stage]} ({figures.number(len(rows))})")

    def programme_rows(self, *, selection_only: bool = False) -> list[list[str]]:
        """The programme as a table, headers first: each person's stage, name, day they entered it
        and person id; only the selected people when ``selection_only`` and someone is selected."""
        def items(lst: StageList, selected: bool) -> list[QListWidgetItem]:
            return lst.selectedItems() if selected else [lst.item(i) for i in range(lst.count())]
        chosen = selection_only and any(lst.selectedItems() for lst in self.lists.values())
        return [["Stage", "Person", "Since", "Person id"]] + [
            [stage, it.text(), it.data(SINCE) or "", str(it.data(ID))]
            for stage, lst in self.lists.items() for it in items(lst, chosen)]

    def names(self, stage: str) -> list[str]:
        lst = self.lists[stage]
        return [lst.item(i).text() for i in range(lst.count())]

    def select(self, person_id: int) -> bool:
        for lst in self.lists.values():
            for i in range(lst.count()):
                if int(lst.item(i).data(ID)) == person_id:
                    lst.setCurrentRow(i)
                    lst.setFocus()
                    return True
        return False

    # -- moving -------------------------------------------------------------------------------
    def _selected(self, lst: StageList) -> None:
        if lst.selectedItems():
            for other in self.lists.values():
                if other is not lst:
                    other.blockSignals(True)
                    other.clearSelection()
                    other.blockSignals(False)
            self.person_selected.emit(int(lst.selectedItems()[0].data(ID)))

    def selection(self) -> tuple[str, list[int]] | None:
        for stage, lst in self.lists.items():
            ids = lst.person_ids(selected=True)
            if ids:
                return stage, ids
        return None

    def step(self, by: int) -> None:
        sel = self.selection()
        if sel is None:
            return
        stage, ids = sel
        i = STAGES.index(stage) + by
        if 0 <= i < len(STAGES):
            self.move_requested.emit(ids, STAGES[i], self.reason.text().strip())

    def take_out(self) -> None:
        sel = self.selection()
        if sel is not None:
            self.move_requested.emit(sel[1], NO_STAGE, self.reason.text().strip())
