"""Champions: candidates with their score in parts, a weights panel for a what-if, the programme board."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSlider,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ... import fmt
from ...champions import NO_STAGE, programme
from ...champions.score import (
    COMPONENTS,
    DEFAULT_DAYS,
    DEFAULT_WEIGHTS,
    LABELS,
    breakdown,
    candidates_from,
    component_frame,
    evidence,
    load_weights,
    save_weights,
)
from ...metrics.filters import activity_days, reporting_tz, zone
from .. import dates, figures
from ..as_of import AsOfDay
from ..champions_board import ProgrammeBoard
from ..tasks import Newest
from ..widgets import (
    Banner,
    DataFrameModel,
    EmptyState,
    Page,
    RoomForText,
    link_actions,
    make_copyable,
    opens_profiles,
    remember_sizes,
    vbox,
)

NOTHING_IMPORTED = ("No candidates yet. Import a community's exports (File ▸ Import…, Ctrl+I): the people who answer "
                    "others' questions and welcome newcomers show up here.")
CHOOSE = "Select a candidate to see the score in its parts and the evidence."
# Two-word headings on two lines, so that the names keep their room beside nine columns.
HEADERS = {"rank": "#", "name": "Name", "platforms": "Platforms", "score": "Score", "answers": "Answers",
           "newcomer_replies": "Newcomer\nreplies", "people_helped": "People\nhelped", "reactions": "Reactions",
           "active_days": "Active\ndays"}
SHOWN = ["rank", "name", "platforms", "score", *COMPONENTS]
SLIDER_STEPS = 20  # slider units per weight unit


def _item(text: str, *, right: bool = False) -> QTableWidgetItem:
    it = QTableWidgetItem(text)
    it.setFlags(it.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if right:
        it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return it


class _WeightsSplit(QSplitter):
    """The weights above the evidence. Until the handle is dragged, the weights get their full
    height only while the evidence keeps ``EVIDENCE_ROOM``; on a short screen they scroll."""

    EVIDENCE_ROOM = 360

    def __init__(self) -> None:
        super().__init__(Qt.Orientation.Vertical)
        self.setChildrenCollapsible(True)
        self.dragged = False
        self.splitterMoved.connect(self._dragged)

    def _dragged(self, *_args) -> None:  # noqa: ANN002
        self.dragged = True

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802
        super().resizeEvent(event)
        if not self.dragged and self.count() == 2:
            total = self.height() - self.handleWidth()
            weights: QScrollArea = self.widget(0)
            wanted = weights.widget().sizeHint().height()  # the panel inside its scroll area
            evidence = max(total - wanted, min(self.EVIDENCE_ROOM, total * 2 // 3))
            self.setSizes([total - evidence, evidence])


class WeightsPanel(QGroupBox):
    """A slider and a spin box per component; ``changed`` on every edit (the what-if)."""

    changed = Signal(dict)
    state_changed = Signal()  # what-if or saved: Save weights has something to save, or not

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Weights (what-if)", parent)
        grid = QGridLayout(self)
        self.spins: dict[str, QDoubleSpinBox] = {}
        self.sliders: dict[str, QSlider] = {}
        for row, c in enumerate(COMPONENTS):
            label = QLabel(LABELS[c])
            slider = QSlider(Qt.Orientation.Horizontal)
            slider.setRange(0, 10 * SLIDER_STEPS)
            spin = QDoubleSpinBox()
            spin.setRange(0, 100)
            spin.setSingleStep(0.25)
            spin.setDecimals(2)
            spin.setObjectName(f"weight_{c}")
            label.setBuddy(spin)
            slider.valueChanged.connect(lambda v, s=spin: s.setValue(v / SLIDER_STEPS))
            spin.valueChanged.connect(lambda v, c=c: self._spin_changed(c, v))
            grid.addWidget(label, row, 0)
            grid.addWidget(slider, row, 1)
            grid.addWidget(spin, row, 2)
            self.spins[c], self.sliders[c] = spin, slider
        self.state = QLabel()
        self.state.setWordWrap(True)
        grid.addWidget(self.state, len(COMPONENTS), 0, 1, 3)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("Save weights")
        self.revert_button = QPushButton("Revert")
        self.revert_button.setToolTip("Back to the saved weights")
        self.defaults_button = QPushButton("Defaults")
        for b in (self.save_button, self.revert_button, self.defaults_button):
            buttons.addWidget(b)
        grid.addLayout(buttons, len(COMPONENTS) + 1, 0, 1, 3)
        self.defaults_button.clicked.connect(lambda: self.set_weights(DEFAULT_WEIGHTS))
        self.saved: dict[str, float] = dict(DEFAULT_WEIGHTS)
        self._quiet = False
        self.set_weights(DEFAULT_WEIGHTS, emit=False)

    def _spin_changed(self, c: str, v: float) -> None:
        slider = self.sliders[c]
        slider.blockSignals(True)
        slider.setValue(round(v * SLIDER_STEPS))
        slider.blockSignals(False)
        self._update_state()
        if not self._quiet:
            self.changed.emit(self.weights())

    def weights(self) -> dict[str, float]:
        return {c: float(s.value()) for c, s in self.spins.items()}

    def set_weights(self, w: dict[str, float], *, emit: bool = True) -> None:
        self._quiet = True
        for c, s in self.spins.items():
            s.setValue(float(w.get(c, DEFAULT_WEIGHTS[c])))
        self._quiet = False
        self._update_state()
        if emit:
            self.changed.emit(self.weights())

    def set_saved(self, w: dict[str, float]) -> None:
        self.saved = dict(w)
        self._update_state()

    def is_what_if(self) -> bool:
        return any(abs(self.weights()[c] - self.saved.get(c, 0)) > 1e-9 for c in COMPONENTS)

    def _update_state(self) -> None:
        what_if = self.is_what_if()
        self.state.setText("What-if: these weights are not saved; the saved ones rank the reports and the "
                           "command line." if what_if else "These are the workspace's saved weights.")
        self.revert_button.setEnabled(what_if)
        self.state_changed.emit()


class ChampionsPage(Page):
    title = "Champions"
    shortcut_key = "C"
    loaded = Signal()  # candidates shown after a reload
    reranked = Signal()  # candidates shown again for other weights

    def __init__(self, ctx, parent: QWidget | None = None) -> None:  # noqa: ANN001
        super().__init__(ctx, parent)
        lay = vbox(self)
        self.banner = Banner()
        lay.addWidget(self.banner)
        self.tabs = QTabWidget()
        lay.addWidget(self.tabs, 1)

        self.tabs.addTab(self._build_candidates(), "&Candidates")
        self.tabs.addTab(self._build_board(), "&Programme")
        self._frame: pd.DataFrame | None = None
        self._champions: set[int] = set()
        self._shown: pd.DataFrame = pd.DataFrame(columns=[*SHOWN, "person_id"])
        self._newest = Newest()
        self._full = True
        self._evidence_for: int | None = None

    def _fit_parts(self) -> None:
        """The score's parts are a handful of rows: the table is no taller than they are, and the
        evidence below gets the rest."""
        t = self.parts
        rows = max(t.rowCount(), len(COMPONENTS))
        row = t.verticalHeader().defaultSectionSize()
        top = t.horizontalHeader().sizeHint().height() + 2 * t.frameWidth()
        height = top + sum(t.rowHeight(i) for i in range(t.rowCount())) + row * (rows - t.rowCount())
        t.setMaximumHeight(height + 2)
        t.setMinimumHeight(top + 2 * row)  # on a short screen it scrolls rather than overlap

    def _build_candidates(self) -> QWidget:
        """The ranked table, the weights, the selected person's score in parts and the evidence."""
        cand = QWidget()
        cl = QVBoxLayout(cand)
        cl.setContentsMargins(0, 6, 0, 0)
        self.as_of = AsOfDay(f"Scores over the {DEFAULT_DAYS} days")
        self.as_of.chosen.connect(self._as_of_chosen)
        cl.addWidget(self.as_of)
        self.period_label = QLabel()
        self.period_label.setWordWrap(True)
        cl.addWidget(self.period_label)
        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        self.empty = EmptyState(NOTHING_IMPORTED)
        # Every score with one decimal, so they align: 17.0 over 16.5.
        self.model = DataFrameModel(headers=HEADERS, formatters={"score": lambda x: figures.number(x, 1),
                                                                 "platforms": fmt.platform_names})
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        make_copyable(self.table)
        opens_profiles(self.table, self.ctx)  # a candidate's whole profile: a double-click (or Enter) away
        # The names keep a quarter of the table however narrow the window: the figures scroll first.
        self.name_room = RoomForText(self.table, "name", share=0.25)
        self.table.selectionModel().selectionChanged.connect(self._show_selected)
        self.empty.hide()  # until the scores are read (a large workspace takes a moment)
        ll.addWidget(self.empty)
        ll.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.add_candidate_button = QPushButton("Add to the programme as candidate")
        self.nominate_button = QPushButton("Nominate")
        self.add_candidate_button.clicked.connect(lambda: self._move_selected_candidates("candidate"))
        self.nominate_button.clicked.connect(lambda: self._move_selected_candidates("nominated"))
        buttons.addWidget(self.add_candidate_button)
        buttons.addWidget(self.nominate_button)
        buttons.addStretch(1)
        self.writes.add(self.add_candidate_button, self.nominate_button)
        ll.addLayout(buttons)
        split.addWidget(left)
        # Right: the weights above the selected person's score and evidence, with a handle
        # between them to give the evidence more room (or fold the weights away) on a small screen.
        right = _WeightsSplit()
        self.right_split = right
        self.weights = WeightsPanel()
        self.weights.changed.connect(self.rerank)
        self.weights.save_button.clicked.connect(self.save_weights)
        self.writes.add(self.weights.save_button, when=self.weights.is_what_if)
        self.weights.state_changed.connect(self.writes.update)
        self.weights.revert_button.clicked.connect(lambda: self.weights.set_weights(self.weights.saved))
        holder = QScrollArea()  # the weights scroll when the handle is dragged up
        holder.setWidget(self.weights)
        holder.setWidgetResizable(True)
        holder.setFrameShape(QFrame.Shape.NoFrame)
        right.addWidget(holder)
        details = QWidget()
        rl = QVBoxLayout(details)
        rl.setContentsMargins(0, 4, 0, 0)
        self.person_label = QLabel(CHOOSE)
        self.person_label.setWordWrap(True)
        self.person_label.setStyleSheet("font-weight: 600;")
        rl.addWidget(self.person_label)
        self.parts = QTableWidget(0, 4)
        self.parts.setHorizontalHeaderLabels(["Component", "Value", "Weight", "Points"])
        self.parts.verticalHeader().hide()
        self.parts.verticalHeader().setDefaultSectionSize(24)
        self.parts.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        make_copyable(self.parts)
        rl.addWidget(self.parts)
        self._fit_parts()
        self.evidence_label = QLabel()
        self.evidence_label.setWordWrap(True)
        rl.addWidget(self.evidence_label)
        self.replies = QTableWidget(0, 4)
        self.replies.setHorizontalHeaderLabels(["When", "To", "Why it counts", "Reply"])
        self.replies.verticalHeader().hide()
        self.replies.verticalHeader().setDefaultSectionSize(24)
        self.replies.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.replies.setWordWrap(False)
        self._reply_links: list[tuple[str, str]] = []  # each row's link and platform ("" for none)
        make_copyable(self.replies, row_actions=self._reply_actions)
        self.replies.activated.connect(lambda index: self._open_reply(index.row()))  # double-click, Enter
        self.replies.currentCellChanged.connect(lambda row, *_: self._show_reply(row))
        rl.addWidget(self.replies, 1)
        # The chosen reply in full: the table's column is narrow beside the candidates.
        self.reply_text = QLabel()
        self.reply_text.setWordWrap(True)
        self.reply_text.setTextFormat(Qt.TextFormat.PlainText)
        self.reply_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        rl.addWidget(self.reply_text)
        right.addWidget(details)
        right.setStretchFactor(0, 0)
        right.setStretchFactor(1, 1)
        right.setCollapsible(1, False)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        remember_sizes(split, self.ctx.settings, "champions/split")
        right.dragged = remember_sizes(right, self.ctx.settings, "champions/weights_split")
        self.split, self.weights_split = split, right
        cl.addWidget(split, 1)
        return cand


    def _build_board(self) -> QWidget:
        """The programme board."""
        self.board = ProgrammeBoard()
        self.board.move_requested.connect(self.move_people)
        self.board.undo_requested.connect(self.undo)
        self.board.person_selected.connect(self._show_history)
        b = self.board
        self.writes.add(b.back_button, b.forward_button, b.remove_button, b.undo_button)
        board_page = QWidget()
        bl = QVBoxLayout(board_page)
        bl.setContentsMargins(0, 6, 0, 0)
        how = QLabel("Drag people between the columns, or select them and use the buttons (Ctrl+Left / "
                     "Ctrl+Right). Every move is kept with its date and reason; Ctrl+Z undoes the last one.")
        how.setWordWrap(True)
        bl.addWidget(how)
        bl.addWidget(self.board, 1)
        return board_page


    # -- loading ------------------------------------------------------------------------------
    def _on_changed(self, what: str) -> None:
        # Moves, recognitions and saved weights leave the scores as they are: no need to read them
        # again. Another setting may not (what a question contains makes the answers, the reporting
        # zone the period's days).
        self._full = self._full or what not in ("champions", "recognition", "weights")
        if what == "workspace":  # the person chosen was the last workspace's: its first candidate is, here
            self.table.clearSelection()
            self.as_of.forget()  # and its days are not this one's: the latest day of data, here
        super()._on_changed(what)

    def reload(self) -> None:
        ws = self.ctx.ws
        light = self._frame is not None and not self._full
        self._full = False
        only = self._newest.next()
        as_of = self.as_of.day

        def work(progress, cancel):  # noqa: ANN001
            frame, span = None, None
            if not light:
                tz = reporting_tz(ws)
                frame, span = component_frame(ws, as_of=as_of), activity_days(ws, tz)
            stages = programme.current_stages(ws)
            return {"frame": frame, "span": span, "stages": stages, "weights": load_weights(ws)}

        self.ctx.run_task(work, "Champion scores", on_done=only(self._loaded),
                          on_error=self.banner.show_error, parent=self, reads_only=True)

    def _as_of_chosen(self) -> None:
        self._full = True  # another period: every score is read again
        self.reload()

    def _loaded(self, result: dict) -> None:
        if result["frame"] is not None:
            self._frame = result["frame"]
            self._evidence_for = None  # the data changed (an import, another workspace): read it again
            period = self._frame.attrs.get("period")
            self.as_of.show_days(period.end if period else None, *result["span"])
        stages: pd.DataFrame = result["stages"]
        self._champions = set(int(p) for p in stages.loc[stages["stage"] == "champion", "person_id"])
        saved = result["weights"]
        what_if = self.weights.is_what_if()
        self.weights.set_saved(saved)
        if not what_if:
            self.weights.set_weights(saved, emit=False)
        self.board.set_stages(stages, self._zone())
        period = self._frame.attrs.get("period") if self._frame is not None else None
        self.period_label.setText(
            f"Champion candidates over {dates.period(period.start, period.end)} ({period.tz}): people "
            "who are not bots, not staff, not deleted accounts and not already champions, ranked by their "
            "score. Select one to see why; double-click for their profile."
            if period else "")
        self._fill()
        self.loaded.emit()

    # -- ranking ------------------------------------------------------------------------------
    def _fill(self) -> None:
        if self._frame is None:
            return
        selected = self.selected_ids()
        self._shown = candidates_from(self._frame, self.weights.weights(), self._champions)[[*SHOWN, "person_id"]]
        shown = self._shown.copy()
        for c in ["rank", *COMPONENTS]:
            shown[c] = pd.Series([int(v) for v in shown[c]], index=shown.index, dtype=object)
        self.model.set_frame(shown)
        self.table.setColumnHidden(len(SHOWN), True)
        self.name_room.fit()
        has = not self._shown.empty
        period = self._frame.attrs.get("period")
        self.empty.setText(NOTHING_IMPORTED if self.as_of.latest is None or period is None else
                           f"No candidates in the {DEFAULT_DAYS} days up to {dates.day(period.end)}: nobody outside "
                           "staff, bots, deleted accounts and current champions scores above zero"
                           + (" then. Choose another day, or the latest day." if self.as_of.day else "."))
        self.empty.setVisible(not has)
        self.table.setVisible(has)
        if selected:
            self._select_ids(selected)
        if has and not self.selected_ids():  # nobody chosen, or no one chosen is a candidate now
            self.table.selectRow(0)
        if not self.selected_ids():  # no candidate left: the last one's score and evidence go with them
            self._show_selected()

    def rerank(self, _weights: dict | None = None) -> None:
        """The what-if: rank again with the panel's weights (arithmetic on the frame held)."""
        self._fill()
        self._show_selected()
        self.reranked.emit()

    def save_weights(self) -> None:
        ws, weights = self.ctx.ws, self.weights.weights()
        self.ctx.run_task(lambda progress, cancel: save_weights(ws, weights), "Saving the weights", change=True,
                          on_done=self._weights_saved, on_error=self.banner.show_error)

    def _weights_saved(self, saved: dict[str, float]) -> None:
        self.weights.set_saved(saved)
        self.banner.show_message("Saved the weights: reports and the command line now rank with them.", kind="success")

    def candidate_names(self) -> list[str]:
        return [str(n) for n in self.model.frame()["name"]] if not self.model.frame().empty else []

    # -- selection, score in parts, evidence ----------------------------------------------------
    def selected_ids(self) -> list[int]:
        frame = self.model.frame()
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [int(frame["person_id"].iloc[r]) for r in rows if r < len(frame)] if "person_id" in frame else []

    def _select_ids(self, ids: list[int]) -> None:
        frame = self.model.frame()
        sel = self.table.selectionModel()
        sel.clearSelection()
        for r, pid in enumerate(frame["person_id"]):
            if int(pid) in ids:
                sel.select(self.model.index(r, 0), QItemSelectionModel.SelectionFlag.Select
                           | QItemSelectionModel.SelectionFlag.Rows)

    def _show_selected(self, *_args) -> None:  # noqa: ANN002
        ids = self.selected_ids()
        if not ids or self._frame is None:  # nobody chosen (or no candidate left): no one's score or evidence
            self.person_label.setText(CHOOSE if not self._shown.empty else "")
            self.parts.setRowCount(0)
            self.evidence_label.setText("")
            self.replies.setRowCount(0)
            self._reply_links = []
            self.reply_text.setText("")
            self._evidence_for = None
            return
        pid = ids[0]
        row = self._frame.set_index("person_id").loc[pid]
        w = self.weights.weights()
        parts = breakdown(row, w)
        total = float(parts["points"].sum())
        shown = self.model.frame().set_index("person_id")
        rank = int(shown.loc[pid, "rank"]) if pid in shown.index else None
        self.person_label.setText(f"{row['name']} — score {figures.short(total)}" + (f", rank {rank}" if rank else ""))
        self.parts.setRowCount(len(parts))
        for i, p in enumerate(parts.itertuples(index=False)):
            for c, it in enumerate([_item(p.label), _item(figures.number(p.value), right=True),
                                    _item(f"× {figures.short(p.weight)}", right=True), _item(figures.short(p.points), right=True)]):
                self.parts.setItem(i, c, it)
        self.parts.resizeColumnsToContents()
        self.parts.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self._fit_parts()
        if pid != self._evidence_for:
            self._load_evidence(pid)

    def _load_evidence(self, pid: int) -> None:
        ws = self.ctx.ws
        self._evidence_for = pid
        period = self._frame.attrs.get("period") if self._frame is not None else None
        as_of = period.end if period else None
        self.evidence_label.setText("Reading the evidence…")
        self.ctx.run_task(lambda p, c: evidence(ws, pid, as_of=as_of), "Evidence",
                          on_done=lambda e: self._show_evidence(pid, e), on_error=self.banner.show_error, parent=self,
                          reads_only=True)

    def _show_evidence(self, pid: int, e) -> None:  # noqa: ANN001 - an Evidence
        if pid != self._evidence_for:
            return
        helped = e.helped
        names = ", ".join(f"{n} ({r})" for n, r in zip(helped["name"].head(8), helped["replies"].head(8)))
        more = f" and {figures.number(len(helped) - 8)} more" if len(helped) > 8 else ""
        self.evidence_label.setText(f"Helped {figures.plural(len(helped), 'person', 'people')}: {names}{more}."
                                    if len(helped) else "No replies to others in the period.")
        tz = self._zone()
        self.replies.setRowCount(len(e.replies))
        self._reply_links = list(zip(e.replies["link"], e.replies["platform"]))
        for i, r in enumerate(e.replies.itertuples(index=False)):
            reasons = [(short, long) for short, long, on in (
                ("answer", "an answer to a question", r.answer), ("newcomer", "a reply to a newcomer", r.to_newcomer),
                (f"{r.reactions} reactions", f"{r.reactions} reactions received", r.reactions > 0)) if on]
            why = _item(" · ".join(s for s, _ in reasons) or "reply")
            why.setToolTip("; ".join(long for _, long in reasons).capitalize() or "A reply to someone else")
            text = _item(r.text + (f"  ↳ to “{r.question}”" if r.question else ""))
            text.setToolTip(text.text())
            for c, it in enumerate([_item(dates.day(r.at, tz)), _item(r.replied_to), why, text]):
                self.replies.setItem(i, c, it)
        self.replies.resizeColumnsToContents()
        if len(e.replies):
            self.replies.setCurrentCell(0, 3)
        self._show_reply(self.replies.currentRow())
        self.replies.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

    def _open_reply(self, row: int) -> None:
        for _title, act in self._reply_actions(row):
            act()

    def _reply_actions(self, row: int) -> list[tuple[str, Callable[[], None]]]:
        """Where the reply can be read (a Discord message, a GitHub comment...), when its export says."""
        link, platform = self._reply_links[row] if 0 <= row < len(self._reply_links) else ("", "")
        return link_actions(link, platform, self.banner)

    def _show_reply(self, row: int) -> None:
        item = self.replies.item(row, 3) if row >= 0 else None
        self.reply_text.setText(f"To {self.replies.item(row, 1).text()}: {item.text()}" if item is not None else "")
        self.reply_text.setVisible(item is not None)

    # -- the programme --------------------------------------------------------------------------
    def _move_selected_candidates(self, stage: str) -> None:
        ids = self.selected_ids()
        if ids:
            self.move_people(ids, stage, "From the champion candidates")

    def move_people(self, ids: list[int], stage: str, reason: str = "") -> None:
        ws, by = self.ctx.ws, self._user()

        def work(progress, cancel):  # noqa: ANN001, ARG001
            done, errors = [], []
            for pid in ids:
                try:
                    programme.move(ws, pid, stage, reason=reason, by=by)
                    done.append(pid)
                except Exception as exc:  # noqa: BLE001 - reported as sentences below
                    errors.append(str(exc))
            return done, errors
        self.ctx.run_task(work, "Moving people in the programme", change=True,
                          on_done=lambda result: self._moved(stage, *result), on_error=self.banner.show_error)

    def _moved(self, stage: str, done: list[int], errors: list[str]) -> None:
        if errors:
            self.banner.show_message(errors[0] if len(errors) == 1 else f"{figures.number(len(errors))} moves were refused.",
                                     kind="error", details="\n".join(errors))
        elif done:
            where = "out of the programme" if stage == NO_STAGE else f"to {stage}"
            self.banner.show_message(f"Moved {figures.plural(len(done), 'person', 'people')} {where}. "
                                     "Ctrl+Z undoes the last move.", kind="success")
            self.board.reason.clear()
            if len(done) == 1:
                self._show_history(done[0])

    def _user(self) -> str:
        return str(self.ctx.settings.value("user_name", "") or "")

    def _zone(self) -> dt.tzinfo:
        """The reporting zone, read with the candidates: the days of the page are its days."""
        period = self._frame.attrs.get("period") if self._frame is not None else None
        return zone(period.tz) if period else dt.timezone.utc

    def _show_history(self, pid: int) -> None:
        rows = programme.history(self.ctx.ws, pid)
        if not rows:
            self.board.history.setText("Not in the programme, and never was.")
            return
        tz = self._zone()
        lines = [f"{dates.day(r['changed_at'], tz)}: {r['previous_stage'] or 'outside'} → {r['stage']}"
                 + (f" — {r['reason']}" if r["reason"] else "") + (f" (by {r['changed_by']})" if r["changed_by"] else "")
                 for r in rows[:6]]
        self.board.history.setText("History: " + " · ".join(lines))

    def can_undo(self) -> bool:
        return self.ctx.ws is not None and programme.last_move(self.ctx.ws) is not None

    def undo(self) -> None:
        ws = self.ctx.ws
        self.ctx.run_task(lambda progress, cancel: programme.undo_last_move(ws), "Undoing the last move", change=True,
                          on_done=self._undone, on_error=self.banner.show_error)

    def _undone(self, undone: dict | None) -> None:
        if undone is None:
            self.banner.show_message("There is no move to undo.", kind="info")
            return
        back = undone["previous_stage"] or "outside the programme"
        back = back if back != NO_STAGE else "outside the programme"
        self.banner.show_message(f"Undid the move of {undone['name'] or 'person ' + str(undone['person_id'])} to "
                                 f"{undone['stage']}: back to {back}.", kind="info")
