"""People: the member directory (search, filter chips, a paged sortable table, and the chosen
person's profile beside it, closed again with its button or Esc) and merge suggestions with their
reasons, Accept and Reject. Ctrl+Z undoes the last merge."""
from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ... import fmt
from .. import figures
from ...people import flags
from ...people import merge as merging
from ...people.merge import who
from ...people.directory import LEVELS, DirectoryFilter, platforms, tag_names
from ...people.identity import DEFAULT_MIN_CONFIDENCE, Suggestion, suggestions_for
from ..people_model import COLUMNS, SORTABLE, PeopleModel, PersonIdRole
from ..people_profile import ProfilePanel
from ..widgets import Banner, EmptyState, FlowLayout, Page, RoomLeft, make_copyable, remember_sizes, vbox

FLAG_MODES = [("People (no bots)", "hide", "include"), ("Everyone", "include", "include"),
              ("Bots only", "only", "include"), ("Staff only", "hide", "only"), ("Without staff", "hide", "hide")]


def _chip(text: str) -> QPushButton:
    b = QPushButton(text)
    b.setCheckable(True)
    b.setFlat(False)
    b.setStyleSheet("QPushButton { border: 1px solid palette(mid); border-radius: 10px; padding: 2px 10px; }"
                    "QPushButton:checked { background: #0072B2; color: white; border-color: #0072B2; }")
    return b


class PeoplePage(Page):
    title = "People"
    shortcut_key = "P"
    suggestions_loaded = Signal(int)
    staff_marked = Signal(int)
    merged = Signal(object)  # merge event id, or None after an undo

    def __init__(self, ctx, parent: QWidget | None = None) -> None:  # noqa: ANN001 - AppContext
        super().__init__(ctx, parent)
        self._chip_platforms: list[str] = []  # the platform chips shown, once read from the workspace
        lay = vbox(self)
        self.banner = Banner()
        lay.addWidget(self.banner)
        self.tabs = QTabWidget()
        lay.addWidget(self.tabs, 1)
        self.tabs.addTab(self._build_directory(), "Directory")
        self._suggestions: list[Suggestion] = []
        self.tabs.addTab(self._build_suggestions(), "Merge suggestions")
        self.tabs.currentChanged.connect(lambda _: self._load_suggestions() if self.tabs.currentIndex() == 1 else None)
        self._together: list[int] = []  # the merges of the last accept, undone together

    # -- directory ----------------------------------------------------------------------------
    def _build_directory(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(0, 6, 0, 0)
        top = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by name, handle or e-mail (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self._apply_filter)
        self.search.textChanged.connect(lambda _: self._debounce.start())
        self.flag_mode = QComboBox()
        for label, _, _ in FLAG_MODES:
            self.flag_mode.addItem(label)
        self.flag_mode.currentIndexChanged.connect(self._apply_filter)
        self.tag_filter = QComboBox()
        self.tag_filter.addItem("Any tag")
        self.tag_filter.currentIndexChanged.connect(self._apply_filter)
        self.tag_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.tag_filter.setMinimumContentsLength(10)
        self.count_label = QLabel()
        self.staff_button = QPushButton("Mark staff…")
        self.staff_button.setToolTip("Mark accounts as staff from a list of handles or e-mail addresses")
        self.staff_button.clicked.connect(self.mark_staff_dialog)
        top.addWidget(self.search, 2)
        top.addWidget(self.tag_filter)
        top.addWidget(self.flag_mode)
        top.addWidget(self.staff_button)
        top.addWidget(self.count_label, 1, Qt.AlignmentFlag.AlignRight)
        self.writes.add(self.staff_button)
        lay.addLayout(top)
        # Platform chips (filled once the workspace is read), a gap, then the level chips as one
        # group, wrapping onto a second line when there are more than the width holds.
        chips = self.chips = FlowLayout(spacing=4)
        chips.gap(16)
        self.level_chips: dict[str, QPushButton] = {}
        levels = QWidget()
        row = QHBoxLayout(levels)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        for level in reversed(LEVELS):
            chip = _chip(level)
            chip.toggled.connect(self._apply_filter)
            self.level_chips[level] = chip
            row.addWidget(chip)
        chips.addWidget(levels)
        lay.addLayout(chips)
        self.platform_chips: dict[str, QPushButton] = {}
        self._restore_filters()

        self.model = PeopleModel(self.ctx, self)
        self.model.loaded.connect(self._loaded)
        self.model.failed.connect(self.banner.show_error)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for col, width in ((1, 110), (2, 86), (3, 86), (4, 72), (5, 100), (6, 90)):
            self.table.setColumnWidth(col, width)
        self.name_room = RoomLeft(self.table, 0, least_chars=24)
        keys = [k for k, _ in COLUMNS]
        sort_key, descending = self._saved_sort()
        header.setSortIndicator(keys.index(sort_key),
                                Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(lambda *_: self._save_filters())
        self._choose_columns(header)
        make_copyable(self.table)
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.empty = EmptyState("No people yet. Import an export on the Imports page (Ctrl+I): every member "
                                "who wrote or joined appears here.")
        # The profile opens beside the table when a person is chosen and closes with its button or
        # Esc in the table: until then the directory has the page's whole width (at 1,024 px its
        # seven columns fit only so), and a closed profile gives it back.
        self.profile = ProfilePanel(self.ctx)
        self.profile.close_asked.connect(self.close_profile)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self.table, self.close_profile,
                  context=Qt.ShortcutContext.WidgetShortcut)
        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.empty)
        ll.addWidget(self.table)
        split.addWidget(left)
        split.addWidget(self.profile)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([840, 400])
        remember_sizes(split, self.ctx.settings, "people/split")
        # After the restore, which brings back the setting of the session that saved the sizes: a
        # profile dragged to nothing would stay open, unseen, and a person chosen would not show.
        split.setChildrenCollapsible(False)
        self.profile.setMinimumWidth(300)
        self.profile.hide()  # after the sizes are restored: shown again, it takes the width it was given
        self.split = split
        lay.addWidget(split, 1)
        self.empty.hide()
        return w

    def reload(self) -> None:
        ws = self.ctx.ws

        def choices(progress, cancel):  # noqa: ANN001, ARG001 - the chips' choices
            with ws.connect() as conn:
                return platforms(conn), tag_names(conn)

        self.ctx.run_task(choices, "Reading platforms and tags", on_done=lambda pt: self._fill_chips(*pt),
                          on_error=self.banner.show_error, reads_only=True)
        self.model.filter = self._filter()
        self.model.reload()
        if self.tabs.currentIndex() == 1:
            self._load_suggestions()
        if self.profile.person_id is not None:
            self.profile.show_person(self.profile.person_id)

    def _on_changed(self, what: str) -> None:
        if what == "people-directory":  # our own cache was brought in step: nothing new to show
            return
        if what == "workspace":  # another workspace: the person shown was one of the last one's,
            self.close_profile()
            self._together = []  # and so were the merges Ctrl+Z would undo together
        super()._on_changed(what)

    def _fill_chips(self, plats: list[str], tags: list[str]) -> None:
        before = self._filter()  # the chips' choice, or the last session's until there are chips
        if plats != self._chip_platforms:
            checked = set(before.platforms)
            for chip in self.platform_chips.values():
                chip.setParent(None)
            self.platform_chips = {}
            for i, p in enumerate(plats):
                chip = _chip(fmt.platform_name(p))
                chip.setChecked(p in checked)
                chip.toggled.connect(self._apply_filter)
                self.platform_chips[p] = chip
                self.chips.insertWidget(i, chip)
            self._chip_platforms = plats
            # Tab goes through the chips as they read, the platforms first (they are made last).
            chain = [self.staff_button, *self.platform_chips.values(), *self.level_chips.values(), self.table]
            for before_it, it in zip(chain, chain[1:]):
                QWidget.setTabOrder(before_it, it)
        current = before.tags[0] if before.tags else ""
        self._saved_tag = ""
        self.tag_filter.blockSignals(True)
        self.tag_filter.clear()
        self.tag_filter.addItem("Any tag")
        self.tag_filter.addItems(tags)
        if current in tags:
            self.tag_filter.setCurrentText(current)
        self.tag_filter.blockSignals(False)
        if self._filter() != before:  # a remembered platform or tag is back
            self._apply_filter()

    def _choose_columns(self, header: QHeaderView) -> None:
        """Right-click on the headings: show or hide any column but the name (on a small screen,
        First seen or Platforms can give their room to the rest). Remembered across sessions."""
        hidden = set(str(self.ctx.settings.value("people/hidden_columns", "") or "").split(","))
        for col, (key, _) in enumerate(COLUMNS):
            self.table.setColumnHidden(col, col > 0 and key in hidden)

        def menu(pos) -> None:  # noqa: ANN001 - a QPoint
            m = QMenu(header)
            m.addSection("Columns")
            for col, (key, title) in enumerate(COLUMNS[1:], start=1):
                act = m.addAction(title)
                act.setCheckable(True)
                act.setChecked(not self.table.isColumnHidden(col))
                act.toggled.connect(lambda on, col=col: self.show_column(col, on))
            m.exec(header.mapToGlobal(pos))

        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(menu)

    def show_column(self, column: int, shown: bool) -> None:
        self.table.setColumnHidden(column, not shown)
        hidden = [key for col, (key, _) in enumerate(COLUMNS) if self.table.isColumnHidden(col)]
        self.ctx.settings.setValue("people/hidden_columns", ",".join(hidden))

    # What the directory shows is remembered for the next session (not the search, which is for
    # the moment): platforms, levels, tag, bots and staff, and the sort.
    def _saved_sort(self) -> tuple[str, bool]:
        key, _, order = str(self.ctx.settings.value("people/sort", "") or "").partition(" ")
        return (key, order == "desc") if key in SORTABLE else ("last_seen", True)

    def _restore_filters(self) -> None:
        s = self.ctx.settings
        self._saved_platforms = set(filter(None, str(s.value("people/platforms", "") or "").split(",")))
        self._saved_tag = str(s.value("people/tag", "") or "")
        levels = set(str(s.value("people/levels", "") or "").split(","))
        for level, chip in self.level_chips.items():
            chip.blockSignals(True)
            chip.setChecked(level in levels)
            chip.blockSignals(False)
        self.flag_mode.blockSignals(True)
        self.flag_mode.setCurrentIndex(min(max(int(s.value("people/flags", 0) or 0), 0), len(FLAG_MODES) - 1))
        self.flag_mode.blockSignals(False)

    def _save_filters(self) -> None:
        if not self.isVisible():
            # What a person chose is saved as they choose it, on the page they see. A page that is
            # not shown (its window closed, another window's page) only reacts to loads, and must
            # not write its older choice over the one made since.
            return
        s = self.ctx.settings
        f = self._filter()
        s.setValue("people/platforms", ",".join(f.platforms))
        s.setValue("people/levels", ",".join(f.levels))
        s.setValue("people/tag", f.tags[0] if f.tags else "")
        s.setValue("people/flags", self.flag_mode.currentIndex())
        header = self.table.horizontalHeader()
        desc = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        s.setValue("people/sort", f"{COLUMNS[header.sortIndicatorSection()][0]} {'desc' if desc else 'asc'}")

    def _filter(self) -> DirectoryFilter:
        _, bots, staff = FLAG_MODES[max(0, self.flag_mode.currentIndex())]
        tag = self.tag_filter.currentText() if self.tag_filter.currentIndex() > 0 else self._saved_tag
        # Until the chips are read from the workspace, the remembered platforms stand for them.
        plats = [p for p, c in self.platform_chips.items() if c.isChecked()] if self._chip_platforms \
            else sorted(self._saved_platforms)
        return DirectoryFilter(search=self.search.text().strip(), platforms=tuple(plats),
                               levels=tuple(lv for lv, c in self.level_chips.items() if c.isChecked()),
                               tags=(tag,) if tag else (), bots=bots, staff=staff)

    def _apply_filter(self) -> None:
        self._save_filters()
        if self.ctx.ws is not None:
            self.model.set_filter(self._filter())

    def _loaded(self, total: int) -> None:
        filtered = self.model.filter != DirectoryFilter()
        noun = "person" if total == 1 else "people"
        verb = (" matches" if total == 1 else " match") if filtered else ""
        self.count_label.setText(f"{figures.number(total)} {noun}{verb}")
        nobody = total == 0 and not filtered
        self.empty.setVisible(nobody)
        self.table.setVisible(not nobody)

    def _selected(self, current, _previous=None) -> None:  # noqa: ANN001
        pid = self.model.data(current, PersonIdRole) if current.isValid() else None
        if pid is not None and (pid != self.profile.person_id or self.profile.isHidden()):
            self.profile.show_person(pid)
            self.profile.show()

    def open_person(self, person_id: int) -> None:
        """Opens a person's profile, asked for from another page, whoever the directory shows: the
        table's selection is cleared (the person may be filtered out of it or not read yet)."""
        self.tabs.setCurrentIndex(0)
        selection = self.table.selectionModel()
        selection.clearSelection()
        selection.setCurrentIndex(QModelIndex(), QItemSelectionModel.SelectionFlag.NoUpdate)
        self.profile.show_person(person_id)
        self.profile.show()

    def close_profile(self) -> None:
        """Hides the profile and gives the table the page's width; choosing a person opens it again."""
        if self.profile.isHidden():
            return
        had_focus = self.profile.isAncestorOf(self.focusWidget()) if self.focusWidget() else False
        self.profile.hide()
        self.profile.show_person(None)
        self.table.selectionModel().clearSelection()
        self.table.selectionModel().setCurrentIndex(QModelIndex(), QItemSelectionModel.SelectionFlag.NoUpdate)
        if had_focus:
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def select_row(self, row: int) -> None:
        self.table.selectionModel().setCurrentIndex(self.model.index(row, 0),
                                                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                                                    | QItemSelectionModel.SelectionFlag.Rows)

    def mark_staff_dialog(self) -> None:
        text, ok = QInputDialog.getMultiLineText(self, "Mark staff", "Handles or e-mail addresses of staff, one a line "
                                                 "(their accounts keep the flag across imports):")
        if ok and text.strip():
            self.mark_staff(text.splitlines())

    def mark_staff(self, items: list[str]) -> None:
        ws = self.ctx.ws

        def done(result) -> None:  # noqa: ANN001 - a StaffListResult
            text = f"Marked {figures.plural(len(result.marked), 'account')} as staff."
            if result.unknown:
                text += f" Not found: {', '.join(result.unknown[:10])}" + ("…" if len(result.unknown) > 10 else ".")
            self.banner.show_message(text, kind="info" if result.unknown else "success",
                                     details="\n".join(result.unknown))
            self.staff_marked.emit(len(result.marked))

        self.ctx.run_task(lambda p, c: flags.mark_staff_by_list(ws, items), "Marking staff", on_done=done, change=True,
                          on_error=self.banner.show_error)

    def focus_search(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # -- suggestions ---------------------------------------------------------------------------
    def _build_suggestions(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(0, 6, 0, 0)
        top = QHBoxLayout()
        top.addWidget(QLabel("Show suggestions at or above"))
        self.min_conf = QDoubleSpinBox()
        self.min_conf.setRange(0.3, 0.99)
        self.min_conf.setSingleStep(0.05)
        self.min_conf.setValue(DEFAULT_MIN_CONFIDENCE)
        self.min_conf.valueChanged.connect(lambda _: self._load_suggestions())
        top.addWidget(self.min_conf)
        self.sugg_label = QLabel()
        top.addWidget(self.sugg_label, 1)
        self.accept_button = QPushButton("Accept (merge)")
        self.accept_button.clicked.connect(self.accept_selected)
        self.reject_button = QPushButton("Reject")
        self.reject_button.clicked.connect(self.reject_selected)
        top.addWidget(self.accept_button)
        top.addWidget(self.reject_button)
        self.writes.add(self.accept_button, self.reject_button, when=lambda: bool(self._suggestions))
        lay.addLayout(top)
        lay.addWidget(QLabel("Accounts with the same e-mail address are merged automatically. Ctrl+Z undoes the "
                             "last merge; a rejected pair is never suggested again."))
        self.sugg_table = QTableWidget(0, 4)
        self.sugg_table.setHorizontalHeaderLabels(["Confidence", "Person A", "Person B", "Why"])
        self.sugg_table.verticalHeader().hide()
        self.sugg_table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.sugg_table.setWordWrap(True)
        make_copyable(self.sugg_table)
        # Several at once (Shift/Ctrl+click, Ctrl+A): a first import can bring hundreds of sure pairs.
        self.sugg_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.sugg_table.itemSelectionChanged.connect(self._name_buttons)
        self.sugg_table.doubleClicked.connect(lambda _: self.accept_selected())
        lay.addWidget(self.sugg_table, 1)
        return w

    def _load_suggestions(self) -> None:
        ws = self.ctx.ws
        if ws is None:
            return
        threshold = self.min_conf.value()
        self.sugg_label.setText("Looking for people who are the same human…")

        def work(progress, cancel):  # noqa: ANN001, ARG001
            return suggestions_for(ws, min_confidence=threshold, cancel=cancel)

        self.ctx.run_task(work, "Finding merge suggestions", on_done=self._fill_suggestions,
                          on_error=self.banner.show_error, reads_only=True)

    def _fill_suggestions(self, found: list[Suggestion]) -> None:
        self._suggestions = found
        self.sugg_table.clearSelection()  # the rows are other pairs now: a choice must not pass to them
        self.sugg_table.setRowCount(len(found))
        for i, s in enumerate(found):
            cells = [f"{s.confidence:.0%}", f"{s.a_name} (#{s.a}, {fmt.platform_names(s.a_platforms)})",
                     f"{s.b_name} (#{s.b}, {fmt.platform_names(s.b_platforms)})", "; ".join(s.reasons)]
            for c, text in enumerate(cells):
                it = QTableWidgetItem(text)
                it.setFlags(it.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.sugg_table.setItem(i, c, it)
        self.sugg_table.resizeColumnsToContents()
        self.sugg_table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.sugg_label.setText(figures.plural(len(found), "suggestion") if found else "No suggestions: nobody "
                                "else looks like the same human at this confidence.")
        self.writes.update()  # Accept and Reject, with suggestions to act on
        if found:
            self.sugg_table.selectRow(0)
        self.suggestions_loaded.emit(len(found))

    def _chosen(self) -> list[Suggestion]:
        rows = sorted({i.row() for i in self.sugg_table.selectedIndexes()})
        return [self._suggestions[r] for r in rows if r < len(self._suggestions)]

    def _name_buttons(self) -> None:
        n = len(self._chosen())
        self.accept_button.setText(f"Accept {figures.number(n)} (merge)" if n > 1 else "Accept (merge)")
        self.reject_button.setText(f"Reject {figures.number(n)}" if n > 1 else "Reject")

    def accept_selected(self) -> None:
        chosen = self._chosen()
        if not chosen or self.ctx.ws is None:
            return
        ws = self.ctx.ws
        pairs = [s.accepted for s in chosen]

        def done(events: list[int]) -> None:
            self._together = events  # what Ctrl+Z takes back at once
            if not events:  # joined meanwhile (another window, a terminal)
                text = "Nothing to merge: they are one person already."
            elif len(chosen) == 1:
                s = chosen[0]
                text = f"Merged {s.b_name} (#{s.b}) into {s.a_name} (#{s.a}). Ctrl+Z undoes it."
            else:
                passed = len(chosen) - len(events)
                text = (f"Merged {figures.plural(len(events), 'pair')} of people"
                        + (f" ({figures.number(passed)} more already joined by the others)" if passed else "")
                        + ". Ctrl+Z undoes them together.")
            self.banner.show_message(text, kind="success" if events else "info")  # nothing done: no success
            self.merged.emit(events[-1] if events else None)

        self.ctx.run_task(lambda p, c: merging.merge_many(ws, pairs, by=who("window")), "Merging",
                          change=True, on_done=done, on_error=self.banner.show_error)

    def reject_selected(self) -> None:
        chosen = self._chosen()
        if not chosen or self.ctx.ws is None:
            return
        ws = self.ctx.ws
        if len(chosen) == 1:
            s = chosen[0]
            text = f"{s.a_name} (#{s.a}) and {s.b_name} (#{s.b}) will not be suggested again."
        else:
            text = f"The {figures.number(len(chosen))} pairs will not be suggested again."
        self.ctx.run_task(lambda p, c: merging.reject_many(ws, [(s.a, s.b) for s in chosen], by=who("window")),
                          "Rejecting", change=True, on_done=lambda _: self.banner.show_message(text, kind="info"),
                          on_error=self.banner.show_error)

    # -- undo ---------------------------------------------------------------------------------
    def can_undo(self) -> bool:
        return self.ctx.ws is not None and not self.ctx.ws.readonly

    def undo(self) -> None:
        """Undo the last merge (Edit ▸ Undo, Ctrl+Z)."""
        if not self.can_undo():
            return
        ws = self.ctx.ws

        together, self._together = self._together, []

        def done(undone: list[int]) -> None:
            if not undone:
                self.banner.show_message("There is no merge to undo.", kind="info")
            elif len(undone) == 1:
                self.banner.show_message(f"Undid merge {undone[0]}: the people are apart again, as before.",
                                         kind="success")
            else:
                self.banner.show_message(f"Undid {figures.number(len(undone))} merges made together: the people are "
                                         "apart again, as before.", kind="success")
            self.merged.emit(None)

        self.ctx.run_task(lambda p, c: merging.undo_last_merges(ws, together, by=who("window")),
                          "Undoing the last merge", on_done=done, on_error=self.banner.show_error, change=True)
