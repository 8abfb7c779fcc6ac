"""Imports: drop or choose export files, watch the import run in the background, read the history."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QPalette
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...history import RunSummary, import_runs, run_problems
from ...importers.csvfile import NeedsCsvMapping, header_signature
from ...importers.telegram import NeedsTelegramZone
from ...importers import registry
from ...records import ADDED_KINDS
from ...removing import read_only_its_files, removal_refused, remove_run, to_bring_back
from .. import dates, figures
from ..context import IMPORT_TITLE
from ..csv_mapping import ask_csv_mapping
from ..tasks import Newest
from ..widgets import (Banner, EmptyState, Page, delete_key_clicks, make_copyable, remember_sizes, step_label,
                       vbox)
from ..zone_dialog import ask_zone

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

TELEGRAM_ZONE = "imports/telegram_zone"  # the zone given last for an older Telegram export's clock times

SAID_IN_BANNER = 3  # files left alone named in the banner after an import; all of them under Details


def _item(text: str, *, right: bool = False, data=None) -> QTableWidgetItem:  # noqa: ANN001
    it = QTableWidgetItem(text)
    it.setFlags(it.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if right:
        it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if data is not None:
        it.setData(Qt.ItemDataRole.UserRole, data)
    return it


class _SentenceStart(QStyledItemDelegate):
    """A sentence too long for its column is cut at its end, keeping how it starts ("3 files that
    are no part of…"), in a table that cuts paths at their start to keep the file's name."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:  # noqa: N802 - Qt's name
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideRight


def _said_table(what: str) -> QTableWidget:
    """A run's problems, or the files it left alone: file, where, and what was said."""
    t = QTableWidget(0, 3)
    t.setHorizontalHeaderLabels(["File", "Where", what])
    t.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
    t.verticalHeader().hide()
    t.setWordWrap(False)
    t.setTextElideMode(Qt.TextElideMode.ElideLeft)  # a long path keeps its file's name
    t.setItemDelegateForColumn(2, _SentenceStart(t))
    make_copyable(t)
    return t


def _fill_said(t: QTableWidget, rows: list[tuple[str, str, str]]) -> None:
    """Rows of (file, where, what), each cell's whole text its tooltip; the file and the place take
    what they need, up to two fifths of the width each, and what was said the rest."""
    t.setRowCount(len(rows))
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            it = _item(text)
            it.setToolTip(text)
            t.setItem(i, j, it)
    for column in (0, 1):
        t.resizeColumnToContents(column)
        t.setColumnWidth(column, min(t.columnWidth(column), max(t.viewport().width() * 2 // 5, 120)))


class DropZone(QFrame):
    """Where to drop exports, or choose them; while an import runs, its progress and Cancel in the
    same place, so that the history below does not move when an import starts."""

    clicked = Signal()
    INVITATION = ("Drop export files, folders or zips anywhere on the window — Slack, Discord, Telegram, IRC logs, "
                  "Discourse, GitHub, Stack Exchange, mailing lists, Meetup, CSV — or choose them.")

    def __init__(self, running: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dropzone")
        self.setStyleSheet("#dropzone { border: 2px dashed palette(mid); border-radius: 8px; }")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(16, 14, 16, 14)
        self.label = QLabel(self.INVITATION)
        self.label.setWordWrap(True)
        self.button = QPushButton("Import…")
        self.button.setDefault(True)
        self.button.clicked.connect(self.clicked.emit)
        self.running = running
        running.hide()
        lay.addWidget(self.label, 1)
        lay.addWidget(self.button)
        lay.addWidget(running, 1)

    def show_import(self, on: bool) -> None:
        """The import's progress in place of the invitation. The zone keeps the height it has (the
        invitation's two lines), so that nothing below it moves."""
        if on and self.isVisible():
            self.setFixedHeight(self.height())
        elif not on:
            self.setMinimumHeight(0)
            self.setMaximumHeight((1 << 24) - 1)  # Qt's QWIDGETSIZE_MAX: no bound
        self.label.setVisible(not on)
        self.button.setVisible(not on)
        self.running.setVisible(on)


class ImportsPage(Page):
    title = "Imports"
    import_finished = Signal(object)  # ImportResult, once the history shows its run
    history_loaded = Signal()
    import_cancelled = Signal()
    import_failed = Signal(object)
    run_removed = Signal(object)  # a Removal, once the history shows the run as removed
    run_refused = Signal(str)  # why the run asked to be removed cannot be yet

    def __init__(self, ctx, parent: QWidget | None = None) -> None:  # noqa: ANN001
        super().__init__(ctx, parent)
        lay = vbox(self)
        self.banner = Banner()
        lay.addWidget(self.banner)
        # The running import, shown in the drop zone.
        self.running = QFrame()
        rl = QHBoxLayout(self.running)
        rl.setContentsMargins(0, 0, 0, 0)
        self.progress_label = step_label()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_import)
        rl.addWidget(self.progress_label, 2)
        rl.addWidget(self.progress, 3)
        rl.addWidget(self.cancel_button)
        self.drop = DropZone(self.running)
        self.drop.clicked.connect(self.choose_files)
        self.writes.add(self.drop.button)
        ctx.workspace_opened.connect(self._invite)
        lay.addWidget(self.drop)
        self.task = None
        self._runs: list[RunSummary] = []

        # History of runs and the selected run's files and problems.
        self.empty = EmptyState("No imports yet. Drop a Slack export zip here, or File ▸ Import… (Ctrl+I).")
        self.runs = QTableWidget(0, 9)
        self.runs.setHorizontalHeaderLabels(["Run", "When", "Files", "Format", "Read", "Added", "Updated",
                                             "Skipped", "Problems"])
        self.runs.verticalHeader().hide()
        self.runs.setWordWrap(False)  # a run is one line; what does not fit ends in "…", whole on hover
        self._natural: dict[int, int] = {}  # what the files and the formats columns hold
        self.runs.viewport().installEventFilter(self)  # the files and formats share its width
        self.runs.setAlternatingRowColors(True)
        make_copyable(self.runs)
        self.runs.itemSelectionChanged.connect(self._show_selected)
        # The selected run: what became of it, and taking it back out of the workspace.
        self.run_bar = QWidget()
        bar = QHBoxLayout(self.run_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        self.run_state = QLabel()
        self.run_state.setWordWrap(True)
        self.remove_button = QPushButton("Remove this import…")
        self.remove_button.setToolTip("Take what this import brought back out of the workspace (Del)")
        self.remove_button.clicked.connect(self.remove_selected_run)
        delete_key_clicks(self.remove_button, self.runs)
        self.writes.add(self.remove_button, when=lambda: self._selected_run() is not None
                        and self._selected_run().removed_at is None and self.task is None)
        # A removed run: what it was given imported again (Edit ▸ Undo does it for the last one removed).
        self.bring_back_button = QPushButton("Bring back this import")
        self.bring_back_button.setToolTip("Import again what this run was given: its files, if they are still "
                                          "there as they were, with its options")
        self.bring_back_button.clicked.connect(lambda: self.bring_back(self._selected_run().id)
                                               if self._selected_run() is not None else None)
        self.writes.add(self.bring_back_button, when=lambda: self._selected_run() is not None
                        and self._selected_run().removed_at is not None
                        and self._selected_run().brought_back_by is None and self.task is None)
        self.bring_back_button.hide()
        bar.addWidget(self.run_state, 1)
        bar.addWidget(self.remove_button)
        bar.addWidget(self.bring_back_button)
        self.detail = QTabWidget()
        self.files = QTableWidget(0, 4)
        self.files.setHorizontalHeaderLabels(["File", "Size", "Format", "SHA-256"])
        # The file's name takes the room (its full path is its tooltip). The digest gives way when
        # the names would not fit, down to a third of the width, ending in "…" like a short git
        # hash; copying a row still copies the whole digest, which is also its tooltip. Names are
        # cut at the end: a DiscordChatExporter name keeps its channel ("… - general [1200…").
        header = self.files.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Fixed)
        self.files.viewport().installEventFilter(self)  # its width is the one to share out
        self.files.setWordWrap(False)
        self.files.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.files.verticalHeader().hide()
        make_copyable(self.files)
        self.problems = _said_table("What was wrong")
        self.left_alone = _said_table("Why")  # files with nothing to read: no problem, but said
        self.detail.addTab(self.files, "Files")
        self.detail.addTab(self.problems, "Problems")
        self.detail.addTab(self.left_alone, "Left alone")
        split = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.empty)
        tl.addWidget(self.runs)
        self.empty.hide()  # until the history is read and found empty
        split.addWidget(top)
        below = QWidget()
        bl = QVBoxLayout(below)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(self.run_bar)
        bl.addWidget(self.detail, 1)
        split.addWidget(below)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        remember_sizes(split, self.ctx.settings, "imports/split")
        self.split = split
        lay.addWidget(split, 1)
        self._newest = Newest()
        self._finished: list = []  # an import's result, told once the history shows it
        self._finished_removal = None  # a removal, told once the history shows it
        self._last_removed: int | None = None  # the run removed last from this page: Edit ▸ Undo brings it back

    # -- history ------------------------------------------------------------------------------
    def _invite(self) -> None:
        """Into a workspace, an invitation to drop exports; into an audit pack's copy, why not."""
        self.drop.label.setText(DropZone.INVITATION if self.ctx.writable() else self.ctx.read_only_reason())

    def reload(self) -> None:
        """Read the history in the background: years of daily imports are thousands of runs."""
        ws, only = self.ctx.ws, self._newest.next()
        self.ctx.run_task(lambda progress, cancel: import_runs(ws), "Reading the import history", reads_only=True,
                          on_done=only(self._show_runs), on_error=only(self._history_failed))

    def _history_failed(self, exc: BaseException) -> None:
        self.banner.show_error(exc)
        self._tell_finished()

    def _tell_finished(self) -> None:
        while self._finished:
            self.import_finished.emit(self._finished.pop(0))
        if self._finished_removal is not None:
            removal, self._finished_removal = self._finished_removal, None
            self.run_removed.emit(removal)

    def _show_runs(self, runs: list[RunSummary]) -> None:
        self._runs = runs
        has = bool(self._runs)
        self.empty.setVisible(not has)
        self.runs.setVisible(has)
        self.detail.setVisible(has)
        self.run_bar.setVisible(has)
        self.runs.setRowCount(len(self._runs))
        gone = QBrush(self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
        for row, r in enumerate(self._runs):
            formats, all_formats = _format_names(r)
            when = dates.moment(r.started_at, zone=True) + (" · removed" if r.removed_at else "")
            cells = [_item(str(r.id), right=True, data=r.id), _item(when),
                     _item(r.file_names), _item(formats), _item(figures.number(r.read), right=True),
                     _item(figures.number(r.added), right=True),
                     _item(figures.number(r.updated), right=True), _item(figures.number(r.skipped), right=True),
                     _item(figures.number(r.problem_count), right=True)]
            cells[2].setToolTip(_file_names_tip(r))
            cells[3].setToolTip(all_formats)
            cells[5].setToolTip(_added_tip(r.counts))
            if r.updated_by_kind:
                cells[6].setToolTip(f"Changed in what earlier imports brought: {figures.counts(r.updated_by_kind)}")
            if r.removed_at:  # still in the history, no longer in the workspace
                cells[1].setToolTip(_removal(r))
                for it in cells:
                    it.setForeground(gone)
            for col, it in enumerate(cells):
                self.runs.setItem(row, col, it)
        self.runs.resizeColumnsToContents()
        self._natural = {c: self.runs.columnWidth(c) for c in (2, 3)}
        self._fit_runs()
        if has and not self.runs.selectedItems():
            self.runs.selectRow(0)
        if has:  # the rows under the selection may be other runs now: show what is selected
            self._show_selected()
        self.history_loaded.emit()
        self._tell_finished()

    def _fit_digest(self) -> None:
        t = self.files
        metrics = t.fontMetrics()

        def widest(column: int) -> int:  # the text and the cell's margins
            return max((metrics.horizontalAdvance(t.item(r, column).text()) + 10 for r in range(t.rowCount())
                        if t.item(r, column) is not None), default=0)
        full, names = max(widest(3), metrics.horizontalAdvance("0" * 64) + 10), widest(0)
        left = t.viewport().width() - names - t.columnWidth(1) - t.columnWidth(2)
        t.horizontalHeader().resizeSection(3, max(t.viewport().width() // 3, min(full, left)))

    def _fit_runs(self) -> None:
        """The files and the formats take the width the figures leave: the formats as much as they
        hold and the files the rest when both fit, else each a share in proportion to what it
        holds, so that no run's line wraps and no figure goes out of view."""
        t, natural = self.runs, self._natural
        if not natural:
            return
        left = t.viewport().width() - sum(t.columnWidth(c) for c in range(t.columnCount()) if c not in natural)
        files, formats = natural[2], natural[3]
        if files + formats > left:
            formats = max(min(formats, left * formats // (files + formats)), 60)
        t.horizontalHeader().resizeSection(3, formats)
        t.horizontalHeader().resizeSection(2, max(left - formats, 60))

    def eventFilter(self, watched, event) -> bool:  # noqa: ANN001, N802
        if watched is self.files.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_digest()
        elif watched is self.runs.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_runs()
        return super().eventFilter(watched, event)

    def _selected_run(self) -> RunSummary | None:
        rows = {i.row() for i in self.runs.selectedIndexes()}
        return self._runs[min(rows)] if rows and min(rows) < len(self._runs) else None

    def _show_selected(self) -> None:
        run = self._selected_run()
        self.writes.update()
        if run is None:
            return
        self.remove_button.setVisible(run.removed_at is None)
        self.bring_back_button.setVisible(run.removed_at is not None)
        self.run_state.setText(_removal(run) or _what_it_did(run))
        self.files.setRowCount(len(run.files))
        for i, f in enumerate(run.files):
            self.files.setItem(i, 0, _item(f.name))
            self.files.item(i, 0).setToolTip(f.path)
            self.files.setItem(i, 1, _item(figures.number(f.size), right=True))
            self.files.setItem(i, 2, _item(registry.format_name(f.importer)))
            self.files.item(i, 2).setToolTip(f"{f.importer} {f.importer_version}")
            self.files.setItem(i, 3, _item(f.sha256))
            self.files.item(i, 3).setToolTip(f.sha256)
        self._fit_digest()
        for tab, (table, kind, title, n) in enumerate(((self.problems, "problem", "Problems", run.problem_count),
                                                       (self.left_alone, "note", "Left alone", run.note_count)), 1):
            _fill_said(table, run_problems(self.ctx.ws, run.id, kind=kind))
            self.detail.setTabText(tab, f"{title} ({figures.number(n)})")

    # -- removing -----------------------------------------------------------------------------
    def remove_selected_run(self) -> None:
        """Ask, then take the selected run's rows out of the workspace in the background (Cancel
        leaves everything as it was). A run a later one of its platform must go before is said, not
        asked about."""
        run = self._selected_run()
        if run is None or run.removed_at is not None or self.task is not None:
            return
        ws = self.ctx.ws
        self.ctx.run_task(lambda progress, cancel: removal_refused(ws, run.id), f"Checking import run {run.id}",
                          reads_only=True, on_done=lambda got: self._ask_to_remove(run, *got),
                          on_error=self.banner.show_error)

    def _ask_to_remove(self, run: RunSummary, refused: str, put_back: dict | None = None) -> None:
        if refused:
            self.banner.show_message(refused, kind="info")
            self.run_refused.emit(refused)
            return
        if self.task is not None:
            return
        brought = figures.counts(run.counts) or "nothing new"
        if put_back:
            changes = (f"What it changed in earlier imports' rows ({figures.counts(put_back)}) is put back as it "
                       "was. ")
        elif run.updated:
            changes = (f"The {figures.plural(run.updated, 'change')} it made to earlier imports' data "
                       f"{'stays' if run.updated == 1 else 'stay'}: it was imported before the workspace kept what an "
                       "import replaces. ")
        else:
            changes = ""
        question = (f"Remove import run {run.id} ({run.file_names}) from the workspace?\n\n"
                    f"What it brought ({brought}) leaves the workspace, except accounts that later imports "
                    f"or your merges, notes, tags and stages hold on to. {changes}The run stays in the history, "
                    "marked as removed; importing its files again brings it all back.")
        answer = QMessageBox.question(self, "Remove an import", question,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                                      QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            return
        ws, run_id = self.ctx.ws, run.id
        self.banner.hide()
        self.progress.setValue(0)
        self.progress_label.setText(f"Removing import run {run_id}…")
        self.cancel_button.setEnabled(True)
        self.drop.show_import(True)
        self.task = self.ctx.run_task(lambda progress, cancel: remove_run(ws, run_id, progress=progress, cancel=cancel),
                                      f"Removing import run {run_id}", on_done=self._removed,
                                      on_error=self._removal_failed, parent=self)
        self.task.progress.connect(self._progress)
        self.task.cancelled.connect(self._removal_cancelled)
        self.writes.update()

    def _removed(self, removal) -> None:  # noqa: ANN001 - a Removal
        self._finish()
        self.banner.show_message(removal.sentence(), kind="success")
        self._finished_removal = removal
        self._last_removed = removal.run_id
        self.refresh()

    def _removal_failed(self, exc: BaseException) -> None:
        self._finish()
        self.banner.show_error(exc)

    def _removal_cancelled(self) -> None:
        self._finish()
        self.banner.show_message("The removal was cancelled; the workspace is as it was.", kind="info")

    def undo(self) -> None:
        """Edit ▸ Undo (Ctrl+Z) on this page: bring back the import removed last."""
        if self._last_removed is None or not self.ctx.writable():
            self.banner.show_message("There is no removal of an import to undo.", kind="info")
            return
        self.bring_back(self._last_removed)

    def bring_back(self, run_id: int) -> None:
        """Import again what removed run ``run_id`` was given, once its files are found as they were
        (checked in the background); the import runs as any other, with progress and Cancel."""
        if self.task is not None:
            return
        ws = self.ctx.ws
        digests: dict = {}  # taken by the check, handed to the import: a large export is read once, not twice

        def check(progress, cancel):  # noqa: ANN001, ANN202
            return to_bring_back(ws, run_id, progress, cancel, digests=digests)

        def found(got: tuple[list[str], dict]) -> None:
            self._finish()
            if self._last_removed == run_id:
                self._last_removed = None
            self.import_paths(*got, before_commit=read_only_its_files(run_id), digests=digests)

        def refused(exc: BaseException) -> None:
            self._finish()
            self.banner.show_error(exc)

        def cancelled() -> None:
            self._finish()
            self.banner.show_message(f"The check of import run {run_id} was cancelled; nothing was imported.",
                                     kind="info")

        # Its files' digests are taken again first (seconds for a large export): shown as an import's
        # reading is, with Cancel.
        self._show_progress(f"Checking the files of import run {run_id}…")
        self.task = self.ctx.run_task(check, f"Checking import run {run_id}", reads_only=True, on_done=found,
                                      on_error=refused, parent=self)
        self.task.progress.connect(self._progress)
        self.task.cancelled.connect(cancelled)

    # -- importing ----------------------------------------------------------------------------
    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Import export files", self.ctx.settings.value("last_import_dir", ""),
                                                registry.file_dialog_filter())
        if paths:
            import os

            self.ctx.settings.setValue("last_import_dir", os.path.dirname(paths[0]))
            self.import_paths(paths)

    def is_importing(self) -> bool:
        return self.task is not None

    def import_paths(self, paths: list[str], options: dict | None = None, *,
                     before_commit: Callable[[Connection, Any], None] | None = None,
                     digests: dict | None = None) -> None:
        """Import in the background with progress and Cancel; the result shows in the history. A CSV
        whose columns are new, or a Telegram export of clock times only, is asked about, then imported.
        ``before_commit`` may refuse what was read before it is committed (``Workspace.import_paths``);
        ``digests`` are the files' digests taken just before (``removing.to_bring_back``)."""
        if self.task is not None:
            doing = "An import is" if self.task.title == IMPORT_TITLE else f"{self.task.title} is"
            self.banner.show_message(f"{doing} already running; wait for it or cancel it first.", kind="info")
            return
        options = dict(options or {})
        options["telegram"] = {"ask_zone": True, **options.get("telegram", {})}
        ws = self.ctx.ws
        self._show_progress(f"Importing {figures.plural(len(paths), 'item')}…")

        def work(progress, cancel):  # noqa: ANN001
            return ws.import_paths(paths, progress=progress, cancel=cancel, options=options,
                                   before_commit=before_commit, digests=digests)

        self.task = self.ctx.run_task(work, IMPORT_TITLE, on_done=self._done, on_error=self._failed, parent=self)
        self.task.progress.connect(self._progress)
        self.task.cancelled.connect(self._cancelled)
        self._paths = paths
        self._options = options
        self._before_commit = before_commit
        self._digests = digests

    def cancel_import(self) -> None:
        if self.task is not None:
            self.cancel_button.setEnabled(False)
            self.progress_label.setText("Cancelling… (the workspace stays as it was)")
            self.task.cancel()

    def _show_progress(self, label: str) -> None:
        """The drop area becomes the progress of the work starting (an import, the check before one)."""
        self.banner.hide()
        self.progress.setValue(0)
        self.progress_label.setText(label)
        self.cancel_button.setEnabled(True)
        self.drop.show_import(True)

    def _progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        if message and self.cancel_button.isEnabled():
            self.progress_label.setText(message)

    def _finish(self) -> None:
        self.task = None
        self.drop.show_import(False)
        self.cancel_button.setEnabled(True)
        self.writes.update()

    def _done(self, result) -> None:  # noqa: ANN001
        self._finish()
        kinds = figures.counts(result.by_kind) or "nothing new"
        text = (f"Imported {figures.plural(result.read, 'record')}: added {kinds}; "
                f"updated {figures.updated(result.updated, result.updated_by_kind)}.")
        if result.run_id is None:
            text = "Nothing new: the workspace already holds all of it, so it is unchanged and no import run was added."
            said = [*result.notes, *result.problems]
        else:
            if result.problem_count:
                # Not every problem is a record skipped: a time read as UTC is kept, and says so.
                text += f" {figures.plural(result.problem_count, 'problem')}: see Problems."
            said = result.notes
        text += "".join(f" {p.file}: {p.message}" for p in said[:SAID_IN_BANNER])
        details = ""
        if len(said) > SAID_IN_BANNER:  # the rest are kept nowhere else: all of them under Details
            text += f" And {figures.number(len(said) - SAID_IN_BANNER)} more (see Details)."
            details = "\n".join(map(str, said))
        self.banner.show_message(text, kind="success", details=details)
        self._finished.append(result)
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        if isinstance(exc, NeedsCsvMapping):  # a CSV whose columns are new: ask once, then import again
            mapping = ask_csv_mapping(self, exc.path)
            if mapping is not None:
                options = dict(getattr(self, "_options", None) or {})
                csv_options = dict(options.get("csv", {}))
                csv_options["mappings"] = {**csv_options.get("mappings", {}), header_signature(exc.headers): mapping}
                options["csv"] = csv_options
                self.import_paths(self._paths, options, before_commit=self._before_commit, digests=self._digests)
                return
        if isinstance(exc, NeedsTelegramZone):  # an older Telegram export's clock times: in which zone?
            tz = ask_zone(self, exc.file, exc.first, str(self.ctx.settings.value(TELEGRAM_ZONE, "") or ""))
            if tz is not None:
                self.ctx.settings.setValue(TELEGRAM_ZONE, tz)  # the chats of one computer are often imported one by one
                options = dict(getattr(self, "_options", None) or {})
                options["telegram"] = {**options.get("telegram", {}), "timezone": tz}
                self.import_paths(self._paths, options, before_commit=self._before_commit, digests=self._digests)
                return
        self.banner.show_error(exc)
        self.import_failed.emit(exc)

    def _cancelled(self) -> None:
        self._finish()
        self.banner.show_message("The import was cancelled; the workspace is as it was.", kind="info")
        self.import_cancelled.emit()


def _what_it_did(run: RunSummary) -> str:
    """A run in the workspace in words, as ``workbench runs N`` says it: 'Import run 2: 1 file;
    added nothing new; updated 3 (1 account, 2 activities). Activity from 01/03/2024 10:00 to
    01/03/2024 10:05 UTC.'"""
    updated = figures.updated(run.updated, run.updated_by_kind)
    text = (f"Import run {run.id}: {figures.plural(len(run.files), 'file')}; added "
            f"{figures.counts(run.counts) or 'nothing new'}; updated {updated}.")
    if run.first_activity_at and run.last_activity_at:
        text += (f" Activity from {dates.moment(run.first_activity_at, dt.timezone.utc)} to "
                 f"{dates.moment(run.last_activity_at, zone=True)}.")
    return text


def _removal(run: RunSummary) -> str:
    """What became of a run taken back out, as the page writes times and numbers: 'Removed
    04/12/2026 22:40 UTC: 8 accounts, 8 people, 19 activities.'; '' for a run in the workspace."""
    if run.removed_at is None:
        return ""
    left = figures.counts(run.removed) or "nothing was left of it"
    again = f" Brought back as run {run.brought_back_by}." if run.brought_back_by else ""
    return f"Removed {dates.moment(run.removed_at, zone=True)}: {left}.{again}"


def _format_names(run: RunSummary) -> tuple[str, str]:
    """The formats of a run as its row shows them, and all of them for the tooltip."""
    return run.formats_in_short, "\n".join(run.format_names)


def _file_names_tip(run: RunSummary, limit: int = 30) -> str:
    names = [f.name for f in run.files]
    more = len(names) - limit
    return "\n".join(names[:limit]) + (f"\n… and {more:,} more (the Files tab lists them)" if more > 0 else "")


def _added_tip(by_kind: dict[str, int]) -> str:
    """What a run's Added is made of, and what came with it: 'Added 372 accounts, 6,525 activities;
    with them 2 sources, 8 channels, 3,727 reactions'."""
    added = figures.counts({k: v for k, v in by_kind.items() if k in ADDED_KINDS})
    rest = figures.counts({k: v for k, v in by_kind.items() if k not in ADDED_KINDS})
    tip = f"Added {added}" if added else "No new accounts or activities"
    return f"{tip}; with them {rest}" if rest else tip
