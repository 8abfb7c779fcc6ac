"""Recognition: the log, the gap (strong contributors not thanked in 180 days), and the impact."""
from __future__ import annotations

import datetime as dt
import math

import pandas as pd
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ... import fmt
from ...champions.programme import resolve_person
from ...champions.recognition import (
    add_recognition,
    delete_recognitions,
    deleted_count,
    edit_recognition,
    gap_of,
    kinds_in_use,
    recognition_impact,
    recognition_log,
    undo_delete,
)
from ...champions.score import DEFAULT_DAYS, component_frame, load_weights
from ...metrics.filters import activity_days, reporting_tz, zone
from .. import dates, figures
from ..as_of import AsOfDay
from ..champions_dialogs import RecognitionDialog
from ..tasks import Newest
from ..widgets import (Banner, DataFrameModel, EmptyState, Page, delete_key_clicks, make_copyable, opens_profiles,
                       remember_sizes, size_from_few_rows, vbox)


def _day(v, tz: dt.tzinfo) -> str:  # noqa: ANN001 - a time, or nothing
    """A time's day in ``tz`` (the reporting zone), or "never"."""
    return "never" if v is None or v is pd.NaT or (isinstance(v, float) and math.isnan(v)) else \
        dates.day(pd.Timestamp(v), tz)


def _pct(v) -> str:  # noqa: ANN001
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    return f"{'+' if round(v) > 0 else ''}{figures.number(v)}%"


def _py(df: pd.DataFrame) -> pd.DataFrame:
    """Integer columns as Python ints (shown with separators, right-aligned)."""
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_integer_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c]):
            out[c] = pd.Series([int(v) for v in out[c]], index=out.index, dtype=object)
    return out


def _table(model: DataFrameModel, *, multi: bool = False, stretch: str | None = None) -> QTableView:
    """A table sized to its contents; the ``stretch`` column (the free text, or the name) takes the
    room left, so that figures stay beside their headings (else the last column does)."""
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().hide()
    view.setAlternatingRowColors(True)
    view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    view.setSortingEnabled(True)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi
                          else QAbstractItemView.SelectionMode.SingleSelection)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    size_from_few_rows(view)
    header.setStretchLastSection(stretch is None)
    if stretch is not None:
        def fit() -> None:
            columns = list(model.frame().columns)
            if stretch in columns:
                header.setSectionResizeMode(columns.index(stretch), QHeaderView.ResizeMode.Stretch)
        model.modelReset.connect(fit)
    make_copyable(view)
    return view


class RecognitionPage(Page):
    title = "Recognition"
    shortcut_key = "G"
    loaded = Signal()

    def __init__(self, ctx, parent: QWidget | None = None) -> None:  # noqa: ANN001
        super().__init__(ctx, parent)
        lay = vbox(self)
        self.banner = Banner()
        lay.addWidget(self.banner)
        self.tabs = QTabWidget()
        lay.addWidget(self.tabs, 1)
        self.dialog: RecognitionDialog | None = None

        # The gap.
        gap = QWidget()
        gl = QVBoxLayout(gap)
        gl.setContentsMargins(0, 6, 0, 0)
        self._zone: dt.tzinfo = dt.timezone.utc  # the reporting zone, read with the page's tables
        self.gap_as_of = AsOfDay(f"Champion scores over the {DEFAULT_DAYS} days")
        self.gap_as_of.chosen.connect(self.reload)
        gl.addWidget(self.gap_as_of)
        self.gap_label = QLabel()
        self.gap_label.setWordWrap(True)
        gl.addWidget(self.gap_label)
        self.gap_model = DataFrameModel(headers={"name": "Name", "platforms": "Platforms", "score": "Champion score",
                                                 "last_active": "Last active", "last_recognized": "Last recognized",
                                                 "person_id": "Person"},
                                        # One decimal for every score, so they align, as on Champions.
                                        formatters={"person_id": str,
                                                    "last_recognized": self._local_day,
                                                    "last_active": self._local_day,
                                                    "score": lambda x: figures.number(x, 1),
                                                    "platforms": fmt.platform_names})
        # The names take the room left, so that the dates stay beside their headings.
        self.gap_view = _table(self.gap_model, multi=True, stretch="name")
        opens_profiles(self.gap_view, ctx)  # who is this? a double-click shows their profile
        self.gap_empty = EmptyState("Nobody is forgotten: every strong contributor was recognized in the last 180 days.")
        self.gap_empty.hide()  # until the workspace is read (a large one takes a moment)
        gl.addWidget(self.gap_empty, 1)  # the room goes to the table, or to what to do when there is none
        gl.addWidget(self.gap_view, 1)
        row = QHBoxLayout()
        self.recognize_button = QPushButton("Recognize selected…")
        self.recognize_button.clicked.connect(self.recognize_selected)
        self.select_all_button = QPushButton("Select all")
        self.select_all_button.clicked.connect(self.gap_view.selectAll)
        row.addWidget(self.select_all_button)
        row.addWidget(self.recognize_button)
        row.addStretch(1)
        gl.addLayout(row)
        self._gap_empty = True  # until the gap is read
        self.writes.add(self.recognize_button, when=lambda: not self._gap_empty)
        self.tabs.addTab(gap, "&Gap")

        # The log.
        log = QWidget()
        ll = QVBoxLayout(log)
        ll.setContentsMargins(0, 6, 0, 0)
        self.log_model = DataFrameModel(headers={"given_at": "Date", "name": "Person", "platforms": "Platforms",
                                                 "kind": "Kind", "note": "Note", "given_by": "Given by",
                                                 "source": "Source"},
                                        formatters={"given_at": self._local_day,
                                                    "source": fmt.recognition_source,
                                                    "platforms": fmt.platform_names})
        self.log_view = _table(self.log_model, multi=True, stretch="note")  # several lines deleted at once
        self.log_view.doubleClicked.connect(lambda _i: self.edit_selected())
        self.log_empty = EmptyState("No recognitions yet. Add one here, recognize people from the Gap tab, or import a "
                                    "CSV of past recognitions (File ▸ Import…).")
        self.log_empty.hide()
        # Thousands of Stack Exchange badges, or years of shout-outs: a search narrows the log.
        top = QHBoxLayout()
        self.log_search = QLineEdit()
        self.log_search.setPlaceholderText("Search by person, platform, kind, note or who gave it (Ctrl+F)")
        self.log_search.setClearButtonEnabled(True)
        self._search_text: pd.Series | None = None  # each row's searchable words, lower-cased once per load
        self._debounce = QTimer(self)  # typing a word in a log of 100,000 badges reads it once
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self._show_log)
        self.log_search.textChanged.connect(lambda _: self._debounce.start())
        self.log_count = QLabel()
        top.addWidget(self.log_search, 1)
        top.addWidget(self.log_count)
        ll.addLayout(top)
        ll.addWidget(self.log_empty)
        ll.addWidget(self.log_view, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton("Add…")
        self.edit_button = QPushButton("Edit…")
        self.delete_button = QPushButton("Delete")
        self.add_button.clicked.connect(self.add_one)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.delete_button.setToolTip("Delete the selected recognitions (Del); Edit ▸ Undo brings them back")
        delete_key_clicks(self.delete_button, self.log_view)
        for b in (self.add_button, self.edit_button, self.delete_button):
            row.addWidget(b)
        row.addStretch(1)
        self.writes.add(self.add_button, self.edit_button, self.delete_button)
        ll.addLayout(row)
        self.tabs.addTab(log, "&Log")

        # The impact.
        impact = QWidget()
        il = QVBoxLayout(impact)
        il.setContentsMargins(0, 6, 0, 0)
        note = QLabel("Activities in the 60 days after each recognition against the 60 days before. "
                      "A recognition is measured when both windows lie inside the data of the platforms "
                      "its person is on.")
        note.setWordWrap(True)
        il.addWidget(note)
        split = QSplitter(Qt.Orientation.Vertical)
        self.kind_model = DataFrameModel(headers={"kind": "Kind", "recognitions": "Recognitions", "measured": "Measured",
                                                  "before": "Before (60 days)", "after": "After (60 days)",
                                                  "change_pct": "Change", "median_change_pct": "Median change"},
                                         formatters={"change_pct": _pct, "median_change_pct": _pct})
        self.kind_view = _table(self.kind_model, stretch="kind")
        self.impact_model = DataFrameModel(headers={"given_at": "Date", "name": "Person", "platforms": "Platforms",
                                                    "kind": "Kind", "before": "Before (60 days)",
                                                    "after": "After (60 days)", "change_pct": "Change",
                                                    "measured": "Measured"},
                                           formatters={"given_at": self._local_day,
                                                       "change_pct": _pct,
                                                       "platforms": fmt.platform_names,
                                                       "measured": lambda v: "yes" if v else "not yet"})
        self.impact_view = _table(self.impact_model, stretch="name")
        split.addWidget(self.kind_view)
        split.addWidget(self.impact_view)
        split.setStretchFactor(1, 2)
        remember_sizes(split, self.ctx.settings, "recognition/impact_split")
        il.addWidget(split, 1)
        self.tabs.addTab(impact, "&Impact")
        self._newest = Newest()
        self._log = pd.DataFrame()

    # -- loading ------------------------------------------------------------------------------
    def _on_changed(self, what: str) -> None:
        if what == "workspace":  # the day chosen was the last workspace's: the latest day of data, here
            self.gap_as_of.forget()
        super()._on_changed(what)

    def reload(self) -> None:
        ws = self.ctx.ws
        only = self._newest.next()
        as_of = self.gap_as_of.day

        def work(progress, cancel):  # noqa: ANN001
            progress(0.1, "Reading the log")
            log = recognition_log(ws)
            progress(0.3, "Scoring contributors")
            tz = reporting_tz(ws)
            frame = component_frame(ws, as_of=as_of)
            gap = gap_of(ws, frame, load_weights(ws))
            span = activity_days(ws, tz)
            progress(0.7, "Measuring the impact")
            per, kinds = recognition_impact(ws)
            return {"log": log, "gap": gap, "span": span, "per": per, "kinds": kinds, "tz": zone(tz)}

        self.ctx.run_task(work, "Recognition", on_done=only(self._loaded),
                          on_error=self.banner.show_error, parent=self, reads_only=True)

    def _loaded(self, r: dict) -> None:
        self._zone = r["tz"]  # every day on the page is a day in the reporting zone
        self._log, self._search_text = r["log"], None
        self._show_log()
        gap: pd.DataFrame = r["gap"]
        period = gap.attrs.get("period")
        frame = pd.DataFrame({"name": gap["name"], "platforms": gap["platforms"], "score": gap["score"],
                              "last_active": gap["last_active_at"], "last_recognized": gap["last_recognized_at"],
                              "person_id": gap["person_id"]})
        self.gap_model.set_frame(frame)
        # The person id: for selection, not for reading.
        self.gap_view.setColumnHidden(frame.columns.get_loc("person_id"), True)
        top = gap.attrs.get("top_decile", 0)
        self.gap_as_of.show_days(period.end if period else None, *r["span"])
        # Up to a day in the past, the 180 days are those up to it, and so are the recognitions counted.
        past = period is not None and self.gap_as_of.day is not None
        within = f"the 180 days up to {dates.day(period.end)}" if past else "180 days"
        self.gap_label.setText(
            f"Strong contributors not thanked in {within}: {figures.number(len(gap))} of the "
            f"{figures.plural(top, 'person', 'people')} in the top tenth by champion score "
            f"({dates.period(period.start, period.end)}). Double-click one for their profile." if period else "")
        self.gap_label.setVisible(bool(top))  # with nobody in the period, the empty state says it alone
        if top:
            empty = ("Nobody is forgotten: every strong contributor was recognized in "
                     f"{within if past else 'the last 180 days'}.")
        elif past:
            empty = (f"No contributors in the {DEFAULT_DAYS} days up to {dates.day(period.end)}. Choose another "
                     "day, or the latest day.")
        else:
            empty = ("No contributors in the period yet. Import a community's exports (File ▸ Import…, Ctrl+I) to find "
                     "the people who carry it.")
        self.gap_empty.setText(empty)
        self.gap_empty.setVisible(gap.empty)
        self.gap_view.setVisible(not gap.empty)
        self._gap_empty = gap.empty
        self.writes.update()  # Recognize selected…, with people to recognize
        self.select_all_button.setEnabled(not gap.empty)
        self.kind_model.set_frame(_py(r["kinds"]))
        per = r["per"]
        self.impact_model.set_frame(_py(per[["given_at", "name", "platforms", "kind", "before", "after", "change_pct",
                                             "measured"]])
                                    if not per.empty else per)
        self.loaded.emit()

    def _show_log(self) -> None:
        """The log, narrowed to the rows whose person, platforms, kind, note or giver hold every word
        searched."""
        log = self._log
        words = self.log_search.text().lower().split()
        if words and not log.empty:
            if self._search_text is None:
                text = log["name"].fillna("")
                for column in ("platforms", "kind", "note", "given_by"):
                    text = text + " " + log[column].fillna("")
                self._search_text = text.str.lower()
            keep = pd.Series(True, index=log.index)
            for w in words:
                keep &= self._search_text.str.contains(w, regex=False)
            log = log[keep]
        shown = ["given_at", "name", "platforms", "kind", "note", "given_by", "source", "id"]
        self.log_model.set_frame(log[shown] if not self._log.empty else log)
        if not self._log.empty:
            self.log_view.setColumnHidden(shown.index("id"), True)  # for editing, not for reading
        total = len(self._log)
        self.log_count.setText(figures.plural(total, "recognition") if len(log) == total
                               else f"{figures.number(len(log))} of {figures.plural(total, 'recognition')}")
        self.log_empty.setVisible(self._log.empty)
        self.log_view.setVisible(not self._log.empty)
        self.log_search.setVisible(not self._log.empty)
        self.log_count.setVisible(not self._log.empty)

    def focus_search(self) -> None:
        """Edit ▸ Find (Ctrl+F): the log's search."""
        self.tabs.setCurrentIndex(1)
        self.log_search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.log_search.selectAll()

    def _local_day(self, v) -> str:  # noqa: ANN001 - a time, or nothing
        return _day(v, self._zone)

    # -- the gap ------------------------------------------------------------------------------
    def gap_selected(self) -> list[tuple[int, str]]:
        frame = self.gap_model.frame()
        rows = sorted({i.row() for i in self.gap_view.selectionModel().selectedRows()})
        return [(int(frame["person_id"].iloc[r]), str(frame["name"].iloc[r])) for r in rows]

    def recognize_selected(self) -> None:
        chosen = self.gap_selected()
        if not chosen:
            self.banner.show_message("Select the people to recognize first (Ctrl+A selects them all).", kind="info")
            return
        dlg = self._dialog([n for _, n in chosen], title=f"Recognize {figures.number(len(chosen))} people" if len(chosen) > 1
                           else f"Recognize {chosen[0][1]}")
        dlg.accepted.connect(lambda: self._add([p for p, _ in chosen], dlg.values()))
        dlg.open()

    def _dialog(self, names: list[str], **kw) -> RecognitionDialog:  # noqa: ANN003
        ws = self.ctx.ws
        self.dialog = RecognitionDialog(names, kinds=kinds_in_use(ws),
                                        given_by=str(self.ctx.settings.value("recognition/given_by", "") or ""),
                                        tz=self._zone, parent=self, **kw)
        return self.dialog

    def _add(self, person_ids: list[int], v: dict) -> None:
        ws = self.ctx.ws
        self.ctx.settings.setValue("recognition/given_by", v["given_by"])

        def recorded(ids: list[int]) -> None:
            self.banner.show_message(f"Recorded {figures.plural(len(ids), 'recognition')}: {v['kind']}.",
                                     kind="success")
        self.ctx.run_task(lambda progress, cancel: add_recognition(ws, person_ids, kind=v["kind"], note=v["note"],
                                                                   given_at=v["given_at"], given_by=v["given_by"]),
                          "Recording a recognition", change=True, on_done=recorded, on_error=self.banner.show_error)

    # -- the log ------------------------------------------------------------------------------
    def add_one(self) -> None:
        dlg = self._dialog([], ask_person=True, title="Add a recognition")

        def done() -> None:
            try:
                pid = resolve_person(self.ctx.ws, dlg.person.text())
            except Exception as exc:  # noqa: BLE001
                self.banner.show_error(exc)
                return
            self._add([pid], dlg.values())
        dlg.accepted.connect(done)
        dlg.open()

    def _selected_logs(self) -> list[dict]:
        """The log's selected lines, top first."""
        frame = self.log_model.frame()
        rows = sorted(r for r in {i.row() for i in self.log_view.selectionModel().selectedRows()} if r < len(frame))
        return [{"id": int(rec["id"]), "kind": rec["kind"], "given_at": dates.in_zone(rec["given_at"], self._zone),
                 "note": rec["note"], "given_by": rec["given_by"], "name": rec["name"]}
                for rec in (frame.iloc[r] for r in rows)]

    def _selected_log(self) -> dict | None:
        chosen = self._selected_logs()
        return chosen[0] if chosen else None

    def edit_selected(self) -> None:
        rec = self._selected_log()
        if rec is None:
            return
        if not self.ctx.writable():  # a double-click on the log of an audit pack's copy
            self.banner.show_message(self.ctx.read_only_reason(), kind="info")
            return
        dlg = self._dialog([rec["name"]], initial=rec, title="Edit the recognition")

        def done() -> None:
            v, ws = dlg.values(), self.ctx.ws
            self.ctx.run_task(lambda progress, cancel: edit_recognition(ws, rec["id"], kind=v["kind"], note=v["note"],
                                                                        given_at=v["given_at"], given_by=v["given_by"]),
                              "Changing a recognition", change=True, on_error=self.banner.show_error)
        dlg.accepted.connect(done)
        dlg.open()

    def delete_selected(self) -> None:
        """Delete the selected lines of the log (one Edit ▸ Undo brings them all back)."""
        chosen = self._selected_logs()
        if not chosen:
            return
        ws, ids = self.ctx.ws, [rec["id"] for rec in chosen]
        said = (f"the {chosen[0]['kind']} of {chosen[0]['name']} (Edit ▸ Undo brings it back)" if len(chosen) == 1
                else f"{figures.number(len(chosen))} recognitions (Edit ▸ Undo brings them back)")
        self.ctx.run_task(lambda progress, cancel: delete_recognitions(ws, ids), "Deleting recognitions",
                          change=True, on_error=self.banner.show_error,
                          on_done=lambda _: self.banner.show_message(f"Deleted {said}.", kind="info"))

    def can_undo(self) -> bool:
        return self.ctx.ws is not None and deleted_count(self.ctx.ws) > 0

    def undo(self) -> None:
        """Bring back the recognition deleted last (Edit ▸ Undo, Ctrl+Z)."""
        if not self.ctx.writable():
            self.banner.show_message(self.ctx.read_only_reason(), kind="info")
            return
        ws = self.ctx.ws
        self.ctx.run_task(lambda progress, cancel: undo_delete(ws), "Bringing back a recognition", change=True,
                          on_done=self._undone, on_error=self.banner.show_error)

    def _undone(self, back: list[dict]) -> None:
        if not back:
            self.banner.show_message("No recognition was deleted: there is nothing to bring back.", kind="info")
            return
        what = " and ".join(f"the {b['kind']} of {b['name']}" for b in back[:3])
        more = f" and {figures.number(len(back) - 3)} more" if len(back) > 3 else ""
        self.banner.show_message(f"Brought back {what}{more}.", kind="info")
