"""A person's profile beside the directory: accounts, weekly activity sparkline, champion stage,
recognitions, tags, notes, the timeline across platforms, and the bot/staff flags and unmerge."""
from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .. import fmt
from ..metrics.filters import reporting_tz, zone
from ..people import flags, merge, profile
from ..people.merge import who
from ..people.profile import Profile
from ..permalinks import action as link_action
from . import dates, figures
from .palette import platform_colour
from .widgets import Banner, RowActions, link_actions, make_copyable


def _item(text: str, *, right: bool = False) -> QTableWidgetItem:
    it = QTableWidgetItem(text)
    it.setFlags(it.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if right:
        it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return it


def _table(headers: list[str], stretch: int | None, row_actions: RowActions | None = None) -> QTableWidget:
    """A read-only table; ``stretch``, the column that takes the room left (None: the caller sizes them)."""
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().hide()
    if stretch is not None:
        t.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    make_copyable(t, row_actions=row_actions)
    return t


class TextFirst(QObject):
    """A table's text column takes the room the other columns leave, and when they leave too little,
    the room the columns before it leave (at least ``LEAST`` pixels): the columns after it are
    pushed out of view (the table scrolls sideways to them) before the text is. Refitted when the
    table is resized, and by ``fit()`` after a refill."""

    LEAST = 120

    def __init__(self, table: QTableWidget, text: int) -> None:
        super().__init__(table)
        self.table, self.text = table, text
        header = table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.viewport().installEventFilter(self)

    def fit(self) -> None:
        t = self.table
        t.resizeColumnsToContents()
        width = t.viewport().width()
        before = sum(t.columnWidth(c) for c in range(self.text))
        after = sum(t.columnWidth(c) for c in range(self.text + 1, t.columnCount()))
        room = width - before - after
        t.setColumnWidth(self.text, room if room >= self.LEAST else max(width - before, self.LEAST))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize and self.table.rowCount():
            self.fit()
        return False


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)  # a long heading wraps in a narrow panel instead of widening it past its edge
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


class ProfilePanel(QScrollArea):
    """Shows one person; edits go through the core and the workspace's ``changed`` signal."""

    loaded = Signal(int)  # person id
    close_asked = Signal()  # the close button: the page hides the panel and gives the table its room

    def __init__(self, ctx, parent: QWidget | None = None) -> None:  # noqa: ANN001 - AppContext
        super().__init__(parent)
        self.ctx = ctx
        self.person_id: int | None = None
        self.current: Profile | None = None
        self.setWidgetResizable(True)
        # Long lines wrap and tables scroll inside themselves: the panel itself never scrolls sideways.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer = QWidget()
        outer_lay = QVBoxLayout(outer)
        outer_lay.setContentsMargins(0, 0, 0, 0)
        self.banner = Banner()
        outer_lay.addWidget(self.banner)
        self.hint = QLabel("Reading the profile…")  # until the first person's profile is read
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setStyleSheet("color: palette(mid); padding: 30px;")
        outer_lay.addWidget(self.hint)
        body = QWidget()
        body.hide()  # shown with the first person: nothing to lay out or paint before
        self.body = body
        outer_lay.addWidget(body, 1)
        lay = QVBoxLayout(body)
        lay.setContentsMargins(10, 8, 10, 8)
        self.name = QLabel()
        self.name.setWordWrap(True)
        self.name.setTextFormat(Qt.TextFormat.PlainText)
        self.name.setStyleSheet("font-size: 17px; font-weight: 600;")
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QToolButton()
        self.close_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton))
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Close the profile (Esc in the table)")
        self.close_button.setAccessibleName("Close the profile")
        self.close_button.clicked.connect(self.close_asked)
        head = QHBoxLayout()
        head.addWidget(self.name, 1)
        head.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        lay.addLayout(head)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        row = QHBoxLayout()
        self.bot = QCheckBox("Bot")
        self.staff = QCheckBox("Staff")
        self.bot.clicked.connect(lambda on: self._set_flag(bot=on))
        self.staff.clicked.connect(lambda on: self._set_flag(staff=on))
        self.unmerge_button = QPushButton("Unmerge")
        self.unmerge_button.setToolTip("Split this person back into the people merged into it")
        self.unmerge_button.clicked.connect(self._unmerge)
        row.addWidget(self.bot)
        row.addWidget(self.staff)
        row.addStretch(1)
        row.addWidget(self.unmerge_button)
        lay.addLayout(row)

        self.spark = pg.PlotWidget(background=None)
        self.spark.setFixedHeight(70)
        self.spark.hideAxis("left")
        self.spark.hideAxis("bottom")
        self.spark.setMouseEnabled(False, False)
        self.spark.hideButtons()
        self.spark_curve = self.spark.plot([], [], pen=pg.mkPen("#0072B2", width=2), fillLevel=0,
                                           brush=pg.mkBrush(0, 114, 178, 50))
        lay.addWidget(_heading("Activity per week (last 52 weeks)"))
        lay.addWidget(self.spark)
        self.spark_note = QLabel()  # what the line shows, in words: a flat line can mean years of silence
        self.spark_note.setWordWrap(True)
        self.spark_note.setStyleSheet("color: palette(placeholder-text);")
        lay.addWidget(self.spark_note)

        lay.addWidget(_heading("Accounts"))
        self.accounts = _table(["Platform", "Handle", "Name", "E-mail", "Activities", "First", "Last", "Flags"], 2)
        self.accounts.setMaximumHeight(150)
        self.accounts.itemSelectionChanged.connect(self._account_chosen)
        lay.addWidget(self.accounts)
        arow = QHBoxLayout()
        arow.addWidget(QLabel("Selected account:"))
        self.account_bot = QCheckBox("Bot")
        self.account_staff = QCheckBox("Staff")
        self.account_bot.clicked.connect(lambda on: self._set_account_flag(bot=on))
        self.account_staff.clicked.connect(lambda on: self._set_account_flag(staff=on))
        arow.addWidget(self.account_bot)
        arow.addWidget(self.account_staff)
        arow.addStretch(1)
        lay.addLayout(arow)

        self.champion = QLabel()
        self.champion.setWordWrap(True)
        self.champion.setTextFormat(Qt.TextFormat.PlainText)
        lay.addWidget(self.champion)
        lay.addWidget(_heading("Recognitions"))
        self.recognitions = QLabel()
        self.recognitions.setWordWrap(True)
        self.recognitions.setTextFormat(Qt.TextFormat.PlainText)
        lay.addWidget(self.recognitions)

        lay.addWidget(_heading("Helping (all time)"))
        # Whom they reply to and who replies to them; a name opens that person's profile.
        self.helping = QLabel()
        self.helping.setWordWrap(True)
        self.helping.setTextFormat(Qt.TextFormat.RichText)
        self.helping.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                             | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.helping.linkActivated.connect(self._person_link)
        lay.addWidget(self.helping)
        lay.addWidget(_heading("Tags"))
        trow = QHBoxLayout()
        self.tags = QLabel()
        self.tags.setWordWrap(True)
        self.tags.setTextFormat(Qt.TextFormat.PlainText)
        self.tag_edit = QLineEdit()
        self.tag_edit.setPlaceholderText("Add a tag (Enter); prefix with - to remove")
        self.tag_edit.returnPressed.connect(self._tag)
        trow.addWidget(self.tags, 1)
        trow.addWidget(self.tag_edit, 1)
        lay.addLayout(trow)

        lay.addWidget(_heading("Notes"))
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.PlainText)
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.notes)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setPlaceholderText("Write a note about this person…")
        self.note_edit.setMaximumHeight(60)
        self.add_note_button = QPushButton("Add note")
        self.add_note_button.clicked.connect(self._note)
        lay.addWidget(self.note_edit)
        lay.addWidget(self.add_note_button, 0, Qt.AlignmentFlag.AlignRight)

        lay.addWidget(_heading("Merge history"))
        self.history = QLabel()
        self.history.setWordWrap(True)
        self.history.setTextFormat(Qt.TextFormat.PlainText)
        lay.addWidget(self.history)

        lay.addWidget(_heading("Timeline across platforms (latest first; double-click to open)"))
        # A row opens where it was written (Enter, a double-click or its context menu), when its export says.
        # What was written comes before where: in a narrow panel the text keeps its room and "Where"
        # is the column that scrolls into view (it pushed the text out of view).
        self.timeline = _table(["When", "What", "Where"], None, row_actions=self._timeline_actions)
        self.timeline_room = TextFirst(self.timeline, text=1)
        self.timeline.setWordWrap(False)  # one line a message, cut with "…"; its tooltip holds it whole
        self.timeline.activated.connect(lambda index: self._open_activity(index.row()))
        self.timeline.setMinimumHeight(200)
        lay.addWidget(self.timeline, 1)
        self.setWidget(outer)
        self._set_enabled(False)

    def _set_enabled(self, on: bool) -> None:
        for w in (self.bot, self.staff, self.unmerge_button, self.tag_edit, self.note_edit, self.add_note_button,
                  self.account_bot, self.account_staff):
            w.setEnabled(on and self.ctx.ws is not None and not self.ctx.ws.readonly)

    # -- loading ------------------------------------------------------------------------------
    def show_person(self, person_id: int | None) -> None:
        self.person_id = person_id
        if person_id is None or self.ctx.ws is None:
            self.current = None
            self._set_enabled(False)
            self.body.hide()  # the next person opens on "Reading…", not on the last one's profile
            self.hint.show()
            return
        ws = self.ctx.ws

        def work(progress, cancel):  # noqa: ANN001, ARG001
            tz = zone(reporting_tz(ws))  # every day and time of the profile, as the Dashboard shows times
            with ws.connect() as conn:
                return profile.profile(conn, person_id, tz=tz), tz

        self.ctx.run_task(work, "Reading a profile", on_done=lambda got: self._fill(person_id, *got),
                          on_error=self.banner.show_error, reads_only=True)

    def _fill(self, asked: int, p: Profile, tz: dt.tzinfo = dt.timezone.utc) -> None:
        if asked != self.person_id:
            return
        self.current = p
        self.person_id = p.person_id
        self.hint.hide()
        self.body.show()
        self.banner.hide()
        self._set_enabled(True)
        self.name.setText(p.name or f"Person {p.person_id}")
        total = sum(a["activities"] for a in p.accounts)
        platforms = sorted({a["platform"] for a in p.accounts})
        self.summary.setText(f"Person {p.person_id} · {figures.plural(len(p.accounts), 'account')} "
                             f"on {fmt.platform_names(platforms)} · "
                             f"{figures.number(total)} activities")
        self.bot.setChecked(p.is_bot)
        self.staff.setChecked(p.is_staff)
        self.unmerge_button.setVisible(any(h["action"] == "merge" and h["undone_by_id"] is None for h in p.history))
        x = np.arange(len(p.weekly), dtype=float)
        self.spark_curve.setData(x, np.array([n for _, n in p.weekly], dtype=float))
        last = max((a["last"] for a in p.accounts if a["last"] is not None), default=None)
        self.spark_note.setText(_spark_note(p.weekly, dates.in_zone(last, tz) if last else None))
        self.accounts.setRowCount(len(p.accounts))
        for i, a in enumerate(p.accounts):
            plat = _item(fmt.platform_name(a["platform"]))
            plat.setForeground(platform_colour(a["platform"]))
            marks = ", ".join(w for w, on in (("bot", a["is_bot"]), ("staff", a["is_staff"]),
                                              ("deleted", a["is_deleted"]), ("set by hand", a["flags_set_by_user"])) if on)
            for c, it in enumerate([plat, _item(a["handle"] or ""), _item(a["display_name"] or ""),
                                    _item(a["email"] or ""), _item(figures.number(a["activities"]), right=True),
                                    _item(_day(a["first"], tz)), _item(_day(a["last"], tz)), _item(marks)]):
                self.accounts.setItem(i, c, it)
        self.accounts.resizeColumnsToContents()
        if p.accounts:
            self.accounts.selectRow(0)
        moves = [f"{_day(m['changed_at'], tz)} · {m['stage']}" + (f" — {m['reason']}" if m["reason"] else "")
                 + (f" (by {m['changed_by']})" if m["changed_by"] else "") for m in p.programme[:10]]
        self.champion.setText((f"Champion programme: {p.champion_stage}" if p.champion_stage
                               else "Champion programme: not in the programme")
                              + "".join(f"\n  {line}" for line in moves))
        self.recognitions.setText("\n".join(
            f"{_day(r['given_at'], tz)} · {r['kind']}" + (f" — {r['note']}" if r["note"] else "")
            + (f" (by {r['given_by']})" if r["given_by"] else "") for r in p.recognitions) or "None yet.")
        self.helping.setText(helping_html(p))
        self.tags.setText(", ".join(p.tags) or "No tags.")
        self.notes.setText("\n\n".join(f"{_day(n['created_at'], tz)}{' · ' + n['author'] if n['author'] else ''}: {n['text']}"
                                       for n in p.notes) or "No notes.")
        self.history.setText("\n".join(_history_line(h, p.person_id, tz) for h in p.history[:20]) or "Never merged.")
        self.timeline.setRowCount(len(p.timeline))
        for i, t in enumerate(p.timeline):
            text = fmt.snippet(t["text"], 200)
            where = _item(t["where"])
            where.setForeground(platform_colour(t["platform"]))
            what = _item(text)
            # The whole text, wrapped: rich text whose every character is escaped, so that a message's
            # own markup stays text.
            tip = "<p>" + html.escape(fmt.snippet(t["text"], 2000)) + "</p>"
            if t["link"]:
                tip += f"<p><i>{html.escape(link_action(t['platform'], t['link']))}: double-click or Enter</i></p>"
            what.setToolTip(tip)
            for c, it in enumerate([_item(dates.moment(t["at"], tz, zone=True)), what, where]):
                self.timeline.setItem(i, c, it)
        self.timeline_room.fit()
        self.loaded.emit(p.person_id)

    def _person_link(self, link: str) -> None:
        if link.startswith("person:") and link[7:].isdigit():
            self.ctx.person_asked.emit(int(link[7:]))

    def _timeline_actions(self, row: int) -> list[tuple[str, Callable[[], None]]]:
        """Where an activity of the timeline can be seen ("Open in Discord"), when its export says."""
        rows = self.current.timeline if self.current is not None else []
        if not 0 <= row < len(rows):
            return []
        return link_actions(rows[row]["link"], rows[row]["platform"], self.banner)

    def _open_activity(self, row: int) -> None:
        for _title, act in self._timeline_actions(row):
            act()

    # -- edits --------------------------------------------------------------------------------
    def _run(self, fn, title: str) -> None:  # noqa: ANN001
        if self.ctx.ws is None or self.person_id is None:
            return
        self.ctx.run_task(lambda progress, cancel: fn(), title, on_error=self.banner.show_error, change=True)

    def _set_flag(self, **change: bool) -> None:
        ws, pid = self.ctx.ws, self.person_id
        self._run(lambda: flags.set_person_flags(ws, pid, **change), "Setting a flag")

    def _account(self) -> dict | None:
        rows = sorted({i.row() for i in self.accounts.selectedIndexes()})
        if self.current is None or not rows or rows[0] >= len(self.current.accounts):
            return None
        return self.current.accounts[rows[0]]

    def _account_chosen(self) -> None:
        a = self._account()
        if a is not None:
            self.account_bot.setChecked(bool(a["is_bot"]))
            self.account_staff.setChecked(bool(a["is_staff"]))
            self.account_bot.setToolTip(f"{fmt.platform_name(a['platform'])} account {a['handle'] or a['external_id']}: a bot "
                                        "(imports will not change flags set here)")

    def _set_account_flag(self, **change: bool) -> None:
        a = self._account()
        if a is None:
            return
        ws, aid = self.ctx.ws, a["id"]
        self._run(lambda: flags.set_account_flags(ws, aid, **change), "Setting an account flag")

    def _tag(self) -> None:
        text = self.tag_edit.text().strip()
        self.tag_edit.clear()
        if not text:
            return
        ws, pid = self.ctx.ws, self.person_id
        if text.startswith("-"):
            self._run(lambda: profile.remove_tag(ws, pid, text[1:].strip()), "Removing a tag")
        else:
            self._run(lambda: profile.add_tag(ws, pid, text), "Adding a tag")

    def _note(self) -> None:
        text = self.note_edit.toPlainText().strip()
        if not text:
            return
        self.note_edit.clear()
        ws, pid = self.ctx.ws, self.person_id
        self._run(lambda: profile.add_note(ws, pid, text, author=who("window")), "Adding a note")

    def _unmerge(self) -> None:
        ws, pid = self.ctx.ws, self.person_id
        self._run(lambda: merge.unmerge(ws, pid, by=who("window")), "Unmerging")


NAMED_HELPING = 5  # people named in each line of Helping; the rest are counted


def helping_html(p: Profile) -> str:
    """The profile's Helping lines: whom the person replied to and who replied to them, the most
    often first, each name a link to that person's profile (names escaped: markup stays text)."""
    def names(people: list[dict]) -> str:
        shown = [f"<a href='person:{x['person_id']}'>{html.escape(x['name'] or 'Person ' + str(x['person_id']))}</a>"
                 f" ({figures.number(x['replies'])})" for x in people[:NAMED_HELPING]]
        more = len(people) - NAMED_HELPING
        return ", ".join(shown) + (f" and {figures.plural(more, 'other', 'others')}" if more > 0 else "")

    def line(people: list[dict], some: str, none: str) -> str:
        if not people:
            return none
        total = sum(x["replies"] for x in people)
        return (f"{some} {figures.plural(len(people), 'person', 'people')} "
                f"({figures.plural(total, 'reply', 'replies')}): {names(people)}.")
    return (line(p.helps, "Replied to", "Has not replied to anyone.") + "<br>"
            + line(p.helped_by, "Got replies from", "No one has replied to them."))


def _history_line(h: dict, person_id: int, tz: dt.tzinfo) -> str:
    return f"{_day(h['at'], tz)} · {profile.history_text(h, person_id)}"


def _spark_note(weekly: list[tuple[dt.date, int]], last: dt.datetime | None) -> str:
    """The weekly line in words: '84 activities in the 52 weeks since 2025-06-30; the busiest week,
    from 2026-05-04, had 12.' or, for a flat line, when the person was last active."""
    if not weekly:
        return ""
    total = sum(n for _, n in weekly)
    span = f"the {len(weekly)} weeks since {dates.day(weekly[0][0])}"
    if not total:
        since = f"; last active {_day(last)}" if last else ""
        return f"No activity in {span}{since}."
    week, most = max(weekly, key=lambda w: (w[1], w[0]))
    return (f"{figures.plural(total, 'activity', 'activities')} in {span}; the busiest week, from "
            f"{dates.day(week)}, had {figures.number(most)}.")


def _day(t: dt.datetime | None, tz: dt.tzinfo | None = None) -> str:
    """A time's day in ``tz`` (the reporting zone), or nothing."""
    return dates.day(t, tz) if t else ""
