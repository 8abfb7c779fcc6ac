"""Small widgets every page uses: a message banner, an empty state, a DataFrame table model, and
copy/export of any table."""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
import numbers
import zoneinfo
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSettings,
    QSize,
    Qt,
    QUrl,
)
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLayoutItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QSizePolicy,
    QSpacerItem,
    QVBoxLayout,
    QWidget,
    QWidgetItem,
)

from ..errors import WorkbenchError
from ..permalinks import SLACK_CHANNEL
from ..permalinks import action as link_action  # 'Open in Discord'
from . import dates, figures


class Banner(QFrame):
    """A one-sentence message across the top of a page, with Details and a close button."""

    STYLES = {
        "error": "background:#fbe3e0; color:#5a1a12; border:1px solid #e0a49b;",
        "info": "background:#e3f0fb; color:#123a5a; border:1px solid #9bc1e0;",
        "success": "background:#e2f5ea; color:#14452a; border:1px solid #9bd0b3;",
    }

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details_button = QPushButton("Details…")
        self.details_button.setFlat(True)
        self.details_button.clicked.connect(self._show_details)
        close = QPushButton("✕")
        close.setFlat(True)
        close.setFixedWidth(28)
        close.setToolTip("Dismiss")
        close.clicked.connect(self.hide)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.details_button)
        lay.addWidget(close)
        self._details = ""
        self.hide()

    def show_message(self, text: str, *, kind: str = "info", details: str = "") -> None:
        self.setStyleSheet(f"#banner {{{self.STYLES.get(kind, self.STYLES['info'])} border-radius:4px;}}")
        self.label.setText(text)
        self._details = details
        self.details_button.setVisible(bool(details))
        self.show()

    def show_error(self, exc: BaseException) -> None:
        if isinstance(exc, WorkbenchError):
            self.show_message(exc.message, kind="error", details=exc.details)
        else:
            import traceback

            self.show_message(f"Something went wrong: {exc.__class__.__name__}: {exc}", kind="error",
                              details="".join(traceback.format_exception(exc)))

    def text(self) -> str:
        return self.label.text()

    def _show_details(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "Details", self.label.text(), QMessageBox.StandardButton.Ok, self)
        box.setDetailedText(self._details)
        box.open()


class ElidedLabel(QLabel):
    """One line of text that gives way when space is short: it ends in "…" rather than widening
    the layout, and the whole text is its tooltip."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setMinimumWidth(0)
        self.setToolTip(text)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        self.setToolTip(text)

    def minimumSizeHint(self):  # noqa: ANN201, N802
        hint = super().minimumSizeHint()
        hint.setWidth(0)
        return hint

    def shown_text(self) -> str:
        """The text as it fits the label's width now."""
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, self.contentsRect().width())

    def paintEvent(self, event) -> None:  # noqa: ANN001, N802
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.setFont(self.font())
        painter.drawText(self.contentsRect(), int(self.alignment() | Qt.AlignmentFlag.AlignVCenter), self.shown_text())
        painter.end()


def step_label() -> ElidedLabel:
    """The words beside a progress bar: they take the share the layout gives them and end in "…"
    (whole on hover), so the bar keeps its place and width whatever the step says (a channel
    file's long name, then "Counting the activity of each day")."""
    label = ElidedLabel()
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


class EmptyState(QLabel):
    """What to do next, where there is nothing to show yet."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setStyleSheet("color: palette(mid); font-size: 15px; padding: 40px;")


def _is_number(value: Any) -> bool:
    """An int or a float, numpy's included (a DataFrame cell is ``numpy.int64``), not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _missing(value: Any) -> bool:
    """An empty cell: None, pandas' NaT, or a NaN."""
    return value is None or value is pd.NaT or (
        _is_number(value) and not isinstance(value, numbers.Integral) and math.isnan(value))


def _display(value: Any) -> str:
    if _missing(value):
        return ""
    if isinstance(value, dt.datetime):  # pandas' Timestamp too
        return dates.moment(value)
    if isinstance(value, dt.date):
        return dates.day(value)
    if not _is_number(value):
        return str(value)
    if isinstance(value, numbers.Integral):
        return figures.number(value)
    return figures.number(value, 2)


TIP_AFTER = 30  # characters: a longer text in a table cell also shows whole on hover
# The roles a DataFrameModel answers; a view asks for a dozen more per cell (font, colour, check
# state, size...), which are answered before any cell is looked up.
_ROLES = frozenset((Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.UserRole,
                    Qt.ItemDataRole.TextAlignmentRole))


class DataFrameModel(QAbstractTableModel):
    """A read-only table model over an already aggregated DataFrame (a list of candidates may
    hold every member: tens of thousands of rows). A view sizing its columns asks for thousands of
    cells at once, each in a dozen roles: the cells are read from plain lists kept beside the frame
    (pandas' own cell access, ``iat``, took two thirds of the time), and the roles not answered
    return before any lookup."""

    def __init__(self, df: pd.DataFrame | None = None, *, headers: dict[str, str] | None = None,
                 formatters: dict[str, Any] | None = None, tips: dict[str, tuple[str, Any]] | None = None,
                 hidden: tuple[str, ...] = (), parent=None) -> None:
        """``tips`` maps a column to ``(another column, format)``: its cells' tooltip is the other
        column's value in the row, formatted (what a column pushed out of view says, on hover).
        ``hidden`` columns stay in ``frame()``, sorted with the rows, but are not the model's columns
        (a row's person id, to open their profile)."""
        super().__init__(parent)
        self._headers = headers or {}
        self._formatters = formatters or {}
        self._tips = tips or {}
        self._hidden = set(hidden)
        self._keep(df if df is not None else pd.DataFrame())

    def _keep(self, df: pd.DataFrame) -> None:
        self._df = df
        shown = [i for i, c in enumerate(df.columns) if c not in self._hidden]
        self._names = [df.columns[i] for i in shown]
        self._cells = [df.iloc[:, i].tolist() for i in shown]

    def set_frame(self, df: pd.DataFrame) -> None:
        self.beginResetModel()
        self._keep(df.reset_index(drop=True))
        self.endResetModel()

    def frame(self) -> pd.DataFrame:
        return self._df

    def column(self, name: str) -> int:
        """The model's column that shows the frame's column ``name`` (-1: none, or hidden); the
        frame's own position differs once a column before it is hidden."""
        return self._names.index(name) if name in self._names else -1

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._df)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._names)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # noqa: ANN001
        if role not in _ROLES or not index.isValid():
            return None
        value = self._cells[index.column()][index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            fmt = self._formatters.get(self._names[index.column()])
            return fmt(value) if fmt else _display(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = self._tips.get(self._names[index.column()])
            if tip is not None and tip[0] in self._names:
                other = self._cells[self._names.index(tip[0])][index.row()]
                return None if _missing(other) else tip[1](other)
            if isinstance(value, str) and len(value) > TIP_AFTER:
                return value  # a long text (a note, a question's title) whole, where the column cuts it short
            return None
        if role == Qt.ItemDataRole.UserRole:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole and _is_number(value):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: ANN001
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            col = str(self._names[section])
            return self._headers.get(col, col.replace("_", " ").capitalize())
        return str(section + 1)

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:  # noqa: ANN001
        if self._df.empty:
            return
        col = self._names[column]
        self.layoutAboutToBeChanged.emit()
        self._keep(self._df.sort_values(col, ascending=order == Qt.SortOrder.AscendingOrder,
                                        kind="stable").reset_index(drop=True))
        self.layoutChanged.emit()


def overlay_note(text: str, parent: QWidget) -> QLabel:
    """A muted sentence laid over a view that has nothing to show (a table without rows, a chart
    without data), centred and wrapped, letting the mouse through to the view."""
    label = QLabel(text, parent)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setStyleSheet("color: palette(placeholder-text);")
    label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    return label


class EmptyText(QObject):
    """A sentence in the middle of a table while it has no rows ("No unanswered questions in this
    period."), so that an empty list reads as an answer rather than as a table still loading."""

    def __init__(self, view: QTableView, text: str) -> None:
        super().__init__(view)
        self.view = view
        self.label = overlay_note(text, view.viewport())
        model = view.model()
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.layoutChanged):
            signal.connect(self.update)
        view.viewport().installEventFilter(self)
        self.update()

    def update(self) -> None:
        self.label.setGeometry(self.view.viewport().rect().adjusted(8, 8, -8, -8))
        self.label.setVisible(self.view.model().rowCount() == 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize:
            self.update()
        return False


SIZED_ROWS = 200


def size_from_few_rows(view: QTableView) -> None:
    """Columns sized to their contents measure the rows in view and ``SIZED_ROWS`` more around them,
    not Qt's thousand: with 17,000 candidates that took a third of a second at each refill, with the
    window held up. A longer cell further down elides and shows whole on hover."""
    view.horizontalHeader().setResizeContentsPrecision(SIZED_ROWS)


class RoomForText(QObject):
    """Gives the column a person reads (a question, say) the width the other columns leave, and at
    least ``share`` of the table however wide they are (or all it holds, when that is less: short
    names leave the figures beside them their room). When that leaves too little for the rest,
    the ``shrink`` columns (where, who: text that elides and shows whole on hover) give up width,
    down to ``SHRUNK`` pixels, before any column is pushed out of view; figures and dates keep
    theirs. Refitted when the table is resized; ``fit()`` after a refill."""

    SHRUNK = 90

    def __init__(self, view: QTableView, column: str, share: float = 0.45, shrink: tuple[str, ...] = ()) -> None:
        super().__init__(view)
        self.view, self.column, self.share, self.shrink = view, column, share, shrink
        size_from_few_rows(view)
        self.natural: dict[int, int] = {}
        view.viewport().installEventFilter(self)

    def fit(self, *, refilled: bool = True) -> None:
        model = self.view.model()
        columns = [str(c) for c in model.frame().columns] if isinstance(model, DataFrameModel) else []
        if self.column not in columns:
            return
        c = columns.index(self.column)
        header = self.view.horizontalHeader()
        shown = [i for i in range(len(columns)) if not self.view.isColumnHidden(i)]
        if refilled or list(self.natural) != shown:  # what each shown column's contents want
            self.natural = {i: max(self.view.sizeHintForColumn(i), header.sectionSizeHint(i)) for i in shown}
        width = self.view.viewport().width()
        text = min(int(width * self.share), self.natural[c])
        shrinkable = [i for i, name in enumerate(columns) if name in self.shrink]
        fixed = sum(w for i, w in self.natural.items() if i != c and i not in shrinkable)
        wanted = sum(self.natural[i] for i in shrinkable)
        room = max(width - text - fixed, 0)
        for i, natural in self.natural.items():
            if i in shrinkable and wanted > room:
                # Each gives up width in proportion to what it wants, never below SHRUNK.
                natural = max(min(natural, self.SHRUNK), natural * room // wanted)
            if i != c:
                header.resizeSection(i, natural)
        others = sum(self.view.columnWidth(i) for i in self.natural if i != c)
        header.resizeSection(c, max(text, width - others))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize:
            self.fit(refilled=False)
        return False


class RoomLeft(QObject):
    """Gives a column (the names) the width the other columns leave, and never less than
    ``least_chars`` average characters: on a narrow window the other columns scroll sideways rather
    than the names out of sight. (A stretched column shrinks to nothing instead: at 1,024 px the
    directory's names read "…".) Refitted when the table or another column is resized."""

    def __init__(self, view: QTableView, column: int, least_chars: int) -> None:
        super().__init__(view)
        self.view, self.column, self.least_chars = view, column, least_chars
        header = view.horizontalHeader()
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.sectionResized.connect(lambda index, *_: index != self.column and self.fit())
        view.viewport().installEventFilter(self)

    def fit(self) -> None:
        others = sum(self.view.columnWidth(i) for i in range(self.view.model().columnCount())
                     if i != self.column and not self.view.isColumnHidden(i))
        least = self.view.fontMetrics().averageCharWidth() * self.least_chars
        self.view.horizontalHeader().resizeSection(self.column, max(least, self.view.viewport().width() - others))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False


def zone_combo(current: str = "UTC", name: str = "timezone") -> QComboBox:
    """A time zone chooser: UTC, then every IANA zone by name; editable, so a zone is typed as well
    as picked (its name, or an offset like +02:00)."""
    combo = QComboBox(objectName=name)
    combo.setEditable(True)
    combo.addItems(["UTC", *sorted(zoneinfo.available_timezones() - {"UTC"})])
    combo.setCurrentText(current)
    return combo


def warn(parent: QWidget, text: str) -> QMessageBox:
    """One sentence in a box over ``parent``, which does not hold up the window's events."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Community Workbench", text, QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def rows_text(rows: list[list[str]]) -> str:
    """Rows (headers first) as tab-separated text, as spreadsheets paste it."""
    out = io.StringIO()
    csv.writer(out, delimiter="\t", lineterminator="\n").writerows(rows)
    return out.getvalue()


def write_rows_csv(rows: list[list[str]], path: str) -> None:
    """Rows (headers first) as a CSV file a spreadsheet opens, no cell read as a formula."""
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        csv.writer(f).writerows([[_safe_cell(v) for v in row] for row in rows])


def table_rows(view: QTableView, *, selection_only: bool = True) -> list[list[str]]:
    """The table's shown columns (or its selected rows) as text, headers first (a heading set on two
    lines is one line here)."""
    model = view.model()
    if model is None:
        return []
    rows = sorted({i.row() for i in view.selectedIndexes()}) if selection_only else []
    if not rows:
        rows = list(range(model.rowCount()))
    cols = [c for c in range(model.columnCount()) if not view.isColumnHidden(c)]
    return [[" ".join(str(model.headerData(c, Qt.Orientation.Horizontal)).split()) for c in cols]] + \
        [[model.index(r, c).data() or "" for c in cols] for r in rows]


def table_text(view: QTableView, *, selection_only: bool = True) -> str:
    """The table (or its selected cells) as tab-separated text, headers first."""
    return rows_text(table_rows(view, selection_only=selection_only))


def _safe_cell(value: str) -> str:
    """Neutralise a cell a spreadsheet would read as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


RowActions = Callable[[int], Sequence[tuple[str, Callable[[], None]]]]


def copy_menu(view: QWidget, rows: Callable[[bool], list[list[str]]], *,
              selected: str | None = "Copy selected rows", whole: str = "Copy whole table",
              export_as: str = "Export as CSV…", file_name: str = "table.csv",
              more: Sequence[tuple[str, Callable[[], None]]] = (), row_actions: RowActions | None = None) -> None:
    """Ctrl+C copies ``rows(True)`` (the selection, headers first); the context menu copies the
    selection or ``rows(False)``, the whole, or exports the whole as a formula-safe CSV file, then
    offers ``more`` (title, action). Without ``selected`` there is no selection: Ctrl+C copies the
    whole. ``row_actions(row)`` gives what the row under the pointer offers first ("Open in Discord")."""
    def copy(selection_only: bool) -> None:
        QGuiApplication.clipboard().setText(rows_text(rows(selection_only)))

    action = QAction("Copy", view)
    action.setShortcut(QKeySequence.StandardKey.Copy)
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.triggered.connect(lambda: copy(selected is not None))
    view.addAction(action)

    def export() -> None:
        path, _ = QFileDialog.getSaveFileName(view, export_as.rstrip("…"), file_name, "CSV files (*.csv)")
        if path:
            try:
                write_rows_csv(rows(False), path)
            except OSError as exc:
                warn(view, f"{path} cannot be written: {(exc.strerror or str(exc)).lower()}.")

    def menu(pos) -> None:  # noqa: ANN001 - a QPoint
        if getattr(view, "context_menu", None) is not None:
            view.context_menu.deleteLater()  # the one offered last time
        m = QMenu(view)
        if row_actions is not None and hasattr(view, "indexAt"):
            index = view.indexAt(pos)
            for title, act in row_actions(index.row()) if index.isValid() else ():
                m.addAction(title, act)
            if not m.isEmpty():
                m.addSeparator()
        if selected is not None:
            m.addAction(selected, lambda: copy(True))
        m.addAction(whole, lambda: copy(False))
        m.addSeparator()
        m.addAction(export_as, export)
        for title, act in more:
            m.addAction(title, act)
        view.context_menu = m  # what was last offered (tests read it)
        area = view.viewport() if hasattr(view, "viewport") else view
        m.popup(area.mapToGlobal(pos))

    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    view.customContextMenuRequested.connect(menu)
    view.export_rows = export  # the same as the menu's Export…, for a button beside the view


def delete_key_clicks(button: QAbstractButton, view: QWidget) -> QShortcut:
    """The Del key on ``view`` (a list whose selected lines ``button`` deletes or removes) clicks the
    button when it is enabled: never on an audit pack's copy, which takes no changes, nor on a
    selection the button cannot take."""
    return QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), view,
                     lambda: button.click() if button.isEnabled() else None, context=Qt.ShortcutContext.WidgetShortcut)


def make_copyable(view: QTableView, file_name: str = "table.csv", row_actions: RowActions | None = None) -> None:
    """Ctrl+C copies the selected rows; the context menu copies or exports the whole table (to
    ``file_name``, as the save dialog first offers it), after what ``row_actions`` offers. The arrow
    keys move within the table; Tab leaves it for the next control (a table of rows is read, not
    filled in cell by cell: Tab went from cell to cell, five presses a row)."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setTabKeyNavigation(False)
    copy_menu(view, lambda selection_only: table_rows(view, selection_only=selection_only), file_name=file_name,
              row_actions=row_actions)


def open_link(url: str) -> bool:
    """Open a web link (https only) in the system's browser, or the app that claims its address."""
    link = QUrl(url)
    return link.isValid() and link.scheme() == "https" and QDesktopServices.openUrl(link)


SLACK_ADDRESS_HINT = ("Slack opened the channel: give the Slack workspace's address once (Workspace ▸ "
                      "Settings…) and each question or reply opens at its message.")


def link_actions(link: str, platform: str, banner: Banner | None = None) -> list[tuple[str, Callable[[], None]]]:
    """What a row with ``link`` offers ("Open in Discord"), as (title, action); none without a link.
    A Slack link that can only open the channel says in ``banner`` how to open the message."""
    def go() -> None:
        if open_link(link) and banner is not None and link.startswith(SLACK_CHANNEL):
            banner.show_message(SLACK_ADDRESS_HINT, kind="info")
    return [(link_action(platform, link), go)] if link else []


class RowLinks(QObject):
    """A table whose rows can be seen on their platform: the row's ``column`` holds its link ("" for
    none; the column is hidden) and ``platform`` its platform. Double-click or Enter opens it; the
    context menu offers "Open in Discord" ("Open the channel in Slack") for the row under the pointer."""

    def __init__(self, view: QTableView, file_name: str, column: str = "link", platform: str = "platform",
                 banner: Banner | None = None) -> None:
        super().__init__(view)
        self.view, self.column, self.platform, self.banner = view, column, platform, banner
        make_copyable(view, file_name, row_actions=self.actions)
        view.activated.connect(lambda index: self.open(index.row()))
        view.model().modelReset.connect(self.hide_columns)

    def hide_columns(self) -> None:
        columns = [str(c) for c in self.view.model().frame().columns]
        for i, name in enumerate(columns):
            self.view.setColumnHidden(i, name in (self.column, self.platform))

    def link(self, row: int) -> tuple[str, str]:
        """The row's link and platform ("" and "" when it has none)."""
        frame = self.view.model().frame()
        if not 0 <= row < len(frame) or self.column not in frame.columns:
            return "", ""
        link = frame[self.column].iat[row]
        platform = str(frame[self.platform].iat[row]) if self.platform in frame.columns else ""
        return (link if isinstance(link, str) else ""), platform

    def open(self, row: int) -> None:
        for _title, act in self.actions(row):
            act()

    def actions(self, row: int) -> list[tuple[str, Callable[[], None]]]:
        return link_actions(*self.link(row), self.banner)


def opens_profiles(view: QTableView, ctx) -> None:  # noqa: ANN001 - AppContext
    """A row of ``view`` (its model's frame has ``person_id``) opens that person's profile on the
    People page: double-click or Enter, however the table is sorted."""
    def ask(index) -> None:  # noqa: ANN001 - a QModelIndex
        frame = view.model().frame()
        if "person_id" in frame.columns and 0 <= index.row() < len(frame):
            ctx.person_asked.emit(int(frame["person_id"].iat[index.row()]))
    view.activated.connect(ask)


def remember_sizes(splitter: QSplitter, settings: QSettings, key: str) -> bool:
    """Where the person drags the splitter's handle is where it is in the next session. Returns
    whether sizes were restored (the layout's own first guess stands otherwise)."""
    splitter.splitterMoved.connect(lambda *_: settings.setValue(key, splitter.saveState()))
    state = settings.value(key)
    return isinstance(state, QByteArray) and not state.isEmpty() and splitter.restoreState(state)


class WriteControls(QObject):
    """The controls of a page that change the workspace. While it is open read-only (an audit pack's
    copy) they are disabled and their tooltips say why; otherwise each is enabled when its own
    condition (``when``) holds: call ``update()`` when that may have changed."""

    def __init__(self, ctx, parent: QObject) -> None:  # noqa: ANN001 - AppContext
        super().__init__(parent)
        self.ctx = ctx
        self._controls: list[tuple[QWidget, Callable[[], bool] | None, str]] = []
        ctx.workspace_opened.connect(self.update)

    def add(self, *widgets: QWidget, when: Callable[[], bool] | None = None) -> None:
        self._controls += [(w, when, w.toolTip()) for w in widgets]
        self.update()

    def update(self) -> None:
        writable = self.ctx.writable()
        why = "" if writable else self.ctx.read_only_reason()
        for w, when, tip in self._controls:
            w.setEnabled(writable and (when is None or bool(when())))
            w.setToolTip(tip if writable else why)


class Page(QWidget):
    """Base of every page: a title, a lazy refresh when the workspace changes, optional hooks.

    Subclasses implement ``reload()`` (read the workspace and fill the widgets; long reads go
    through ``ctx.run_task``). ``undo()``, ``focus_search()`` and ``import_paths()`` are optional.
    """

    title = ""

    def __init__(self, ctx, parent: QWidget | None = None) -> None:  # noqa: ANN001 - AppContext
        super().__init__(parent)
        self.ctx = ctx
        self._stale = True
        self.writes = WriteControls(ctx, self)  # the page's controls that change the workspace
        ctx.changed.connect(self._on_changed)

    def _on_changed(self, what: str) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:  # noqa: ANN001, N802
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        self._stale = False
        if self.ctx.ws is not None:
            self.reload()

    def reload(self) -> None:
        """Read the workspace and fill the page."""

    def can_undo(self) -> bool:
        return False


def vbox(widget: QWidget, margins: int = 12, spacing: int = 8) -> QVBoxLayout:
    lay = QVBoxLayout(widget)
    lay.setContentsMargins(margins, margins, margins, margins)
    lay.setSpacing(spacing)
    return lay


class FlowLayout(QLayout):
    """Widgets side by side, wrapping onto the next line when the width runs out (filter chips:
    a workspace of fourteen platforms has more chips than one line holds, and a chip must never be
    clipped). ``gap(width)`` adds a space between groups."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 4) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt's name
        self._items.append(item)

    def insertWidget(self, index: int, widget: QWidget) -> None:  # noqa: N802
        self.addChildWidget(widget)
        self._items.insert(index, QWidgetItem(widget))
        self.invalidate()

    def gap(self, width: int) -> None:
        self.addItem(QSpacerItem(width, 1, QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Minimum))

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        """Place the items in lines within ``rect`` (or only measure); the height they take."""
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, line = area.x(), area.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            if item.widget() is not None and item.widget().isHidden():
                continue
            if x > area.x() and x + hint.width() > area.right() + 1:
                x, y, line = area.x(), y + line + self.spacing(), 0
                if item.spacerItem() is not None:  # a gap does not start a line
                    continue
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self.spacing()
            line = max(line, hint.height())
        return y + line - rect.y() + m.bottom()
