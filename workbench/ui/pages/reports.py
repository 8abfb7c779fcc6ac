"""Reports: choose a period, platform, format and pseudonyms; preview; export; create and open audit packs.

Every report is built and written off the GUI thread (``ctx.run_task``); the preview is the same
HTML a browser gets, with its charts as images the window can show. The preview follows the
choices: it is made when the page has read the period, and again shortly after a choice changes;
Export, Create audit pack and Open audit pack pressed meanwhile take its place.
"""
from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

from PySide6.QtCore import QByteArray, QDate, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QImage, QPainter, QTextDocument
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QWidget,
)
from sqlalchemy import select

from ... import fmt
from ...errors import KeyringUnavailable, WorkbenchError
from ...store.models import Channel
from .. import dates
from ..tasks import Newest
from ..widgets import Banner, Page, open_link, step_label, vbox

PLACEHOLDER = "The report of the period and filters chosen above appears here as soon as it is made."
FORMATS = [("html", "HTML", "One page that opens in any browser, charts included"),
           ("pdf", "PDF", "Paginated, with a title page and page numbers"),
           ("xlsx", "Excel (XLSX)", "A workbook with a sheet per table"),
           ("csv", "CSV", "A folder with a file per table")]


def _qdate(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())


class ReportsPage(Page):
    title = "Reports"
    shortcut_key = "R"
    preview_ready = Signal()
    form_ready = Signal()  # the period, platforms and channels read from the workspace
    export_finished = Signal(str)  # the path written
    pack_opened = Signal(str)

    def __init__(self, ctx, parent: QWidget | None = None) -> None:  # noqa: ANN001
        super().__init__(ctx, parent)
        lay = vbox(self)
        self.banner = Banner()
        lay.addWidget(self.banner)
        row = QHBoxLayout()
        self.start = QDateEdit(calendarPopup=True)
        self.end = QDateEdit(calendarPopup=True)
        for w in (self.start, self.end):
            w.setDisplayFormat(dates.date_format())
        self.platform = QComboBox()
        # Filled once the workspace is read: as wide as its longest platform, not as its first showing.
        self.platform.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.channel = QComboBox()
        self.channel.setMinimumContentsLength(16)
        self.platform.currentIndexChanged.connect(self._fill_channels)
        self.format = QComboBox()
        for i, (key, label, tip) in enumerate(FORMATS):
            self.format.addItem(label, key)
            self.format.setItemData(i, tip, Qt.ItemDataRole.ToolTipRole)
        self.pseudonymize = QCheckBox("Pseudonymize")
        self.pseudonymize.setToolTip("Stable pseudonyms instead of names, handles, e-mails and platform ids; "
                                     "no message text. The key stays in your system keyring.")
        for label, w in (("From", self.start), ("to", self.end)):
            row.addWidget(QLabel(label))
            row.addWidget(w)
        row.addWidget(self.platform)
        row.addWidget(self.channel)
        row.addWidget(self.pseudonymize)
        row.addStretch(1)
        lay.addLayout(row)
        buttons = QHBoxLayout()
        self.preview_button = QPushButton("Preview")
        self.preview_button.clicked.connect(self.preview)
        self.export_button = QPushButton("Export…")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export_dialog)
        self.pack_button = QPushButton("Create audit pack…")
        self.pack_button.clicked.connect(self.pack_dialog)
        self.with_workspace = QCheckBox("with a copy of the workspace")
        self.with_workspace.setToolTip("Lets the client open the workspace read-only; never in a pseudonymized pack.")
        self.pseudonymize.toggled.connect(lambda on: self.with_workspace.setEnabled(not on))
        self.open_pack_button = QPushButton("Open audit pack…")
        self.open_pack_button.clicked.connect(lambda: open_audit_pack_dialog(self.window(), self))
        # The format belongs to Export, beside it (the period, filters and pseudonyms above apply to all).
        self.format.setToolTip("The format Export writes")
        for b in (self.preview_button, self.format, self.export_button, self.pack_button):
            buttons.addWidget(b)
        buttons.addWidget(self.with_workspace)
        buttons.addStretch(1)
        buttons.addWidget(self.open_pack_button)
        lay.addLayout(buttons)
        prog = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress_label = step_label()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        prog.addWidget(self.progress_label, 2)
        prog.addWidget(self.progress, 3)
        prog.addWidget(self.cancel_button)
        self.progress_row = QWidget()
        self.progress_row.setLayout(prog)
        self.progress_row.hide()
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setOpenExternalLinks(False)
        # A question's link (an unanswered one, to answer it there) opens in the browser, not in the preview.
        self.browser.anchorClicked.connect(lambda url: open_link(url.toString()))
        self.browser.setPlaceholderText(PLACEHOLDER)
        lay.addWidget(self.browser, 1)
        # The place kept when a new preview replaces one: its document is laid out in steps after it
        # is shown, and the scroll range grows with them, so the place is set again as it grows,
        # until the person scrolls.
        self._wanted_place: int | None = None
        bar = self.browser.verticalScrollBar()
        bar.rangeChanged.connect(self._keep_wanted_place)
        bar.actionTriggered.connect(self._forget_wanted_place)
        # Under the preview: a preview is made again a moment after every change, and its progress
        # shown above would push the report being read down the page each time.
        lay.addWidget(self.progress_row)
        self.task = None
        self._task_is_preview = False  # the task under way only previews (what any other action replaces)
        self._preview_failed = False  # the banner says why a preview failed: the next one shown clears it
        self._filling = False  # the form is being filled from the workspace, not changed by a person
        self.key_dialog: QMessageBox | None = None
        self._newest = Newest()
        self._newest_preview = Newest()
        self._showing_pack = False  # the browser shows an audit pack's own report, not a preview
        self._preview_owed = False  # the preview followed a change while the page was hidden: made when shown
        ctx.workspace_opened.connect(self._workspace_opened)
        # A choice changed: the preview follows once the choices have settled (a date typed digit
        # by digit, or arrowed through, makes one preview, not ten).
        self._choices_settled = QTimer(self, singleShot=True, interval=600)
        self._choices_settled.timeout.connect(self._preview_by_itself)
        for changed in (self.start.dateChanged, self.end.dateChanged, self.platform.currentIndexChanged,
                        self.channel.currentIndexChanged, self.pseudonymize.toggled):
            changed.connect(self._choice_changed)
        self._channels: list[tuple[int, str, str, str]] | None = None  # read in the background
        self._tz = "UTC"
        for b in (self.preview_button, self.export_button, self.pack_button):
            b.setEnabled(False)  # until the period is read from the workspace
        self._remember_choices()
        self._pack_dirs: list[tempfile.TemporaryDirectory] = []  # kept while the window lives

    # -- the form -----------------------------------------------------------------------------
    def _remember_choices(self) -> None:
        """The format, pseudonyms and the workspace copy stay as last chosen, across sessions (someone
        who always hands out pseudonymized reports need not remember to tick the box each time).
        The period follows the data."""
        s = self.ctx.settings
        self.format.setCurrentIndex(max(self.format.findData(str(s.value("reports/format", "html"))), 0))
        self.pseudonymize.setChecked(str(s.value("reports/pseudonymize", "false")).lower() == "true")
        self.with_workspace.setChecked(str(s.value("reports/with_workspace", "false")).lower() == "true")
        self.format.currentIndexChanged.connect(lambda _: s.setValue("reports/format", self.format.currentData()))
        self.pseudonymize.toggled.connect(lambda on: s.setValue("reports/pseudonymize", "true" if on else "false"))
        self.with_workspace.toggled.connect(lambda on: s.setValue("reports/with_workspace", "true" if on else "false"))

    def reload(self) -> None:
        """The period the data ends on, the platforms and the channels, read in the background (on a
        server these are round trips)."""
        from ...metrics.filters import Filters, reporting_tz

        ws, only = self.ctx.ws, self._newest.next()

        def work(progress, cancel):  # noqa: ANN001, ARG001
            f = Filters.default_for(ws)
            q = select(Channel.id, Channel.platform, Channel.name, Channel.kind)
            with ws.connect() as conn:
                channels = sorted(((int(cid), plat, name, kind) for cid, plat, name, kind in conn.execute(q)),
                                  key=lambda c: fmt.channel_order(*c[1:]))
            return f, channels, reporting_tz(ws)
        self.ctx.run_task(work, "Reading the period and channels", reads_only=True,
                          on_done=only(lambda got: self._fill_form(*got)), on_error=self.banner.show_error)

    def _fill_form(self, f, channels: list[tuple[int, str, str, str]], tz: str) -> None:  # noqa: ANN001 - a Filters
        self._channels, self._tz = channels, tz
        self._filling = True
        end = f.end or dt.date.today()
        start = f.start or end - dt.timedelta(days=89)
        self.start.setDate(_qdate(start))
        self.end.setDate(_qdate(end))
        current = self.platform.currentData()
        self.platform.blockSignals(True)
        self.platform.clear()
        self.platform.addItem("All platforms", "")
        for p in sorted({c[1] for c in channels}):
            self.platform.addItem(fmt.platform_name(p), p)
        self.platform.setCurrentIndex(max(self.platform.findData(current), 0))
        self.platform.blockSignals(False)
        self._fill_channels()
        self._filling = False
        for b in (self.preview_button, self.export_button, self.pack_button):
            b.setEnabled(True)
        self.form_ready.emit()
        self._preview_by_itself()

    def _choice_changed(self) -> None:
        if not self._filling and self._channels is not None:
            self._showing_pack = False  # a choice made over a pack's report asks for a preview
            self._choices_settled.start()

    def _preview_by_itself(self) -> None:
        """The preview of the current choices, made without being asked for: not over an audit
        pack's report being read, nor while an export or a pack is being made (it follows that),
        nor by asking for a pseudonym key (without a keyring, Preview asks)."""
        from ...reports.pseudonymize import load_key

        self._choices_settled.stop()
        if self.ctx.ws is None or self._showing_pack:
            return
        if not self.isVisible():
            self._preview_owed = True
            return
        if self.task is not None and self.task.running and not self._task_is_preview:
            self._choices_settled.start()  # after the export or the pack
            return
        key = None
        if self.pseudonymize.isChecked():
            try:
                key = load_key()
            except KeyringUnavailable:
                self.browser.clear()
                self.browser.setPlaceholderText("Press Preview to choose a pseudonym key; the pseudonymized "
                                                "report then appears here.")
                return
        self._preview_with(key)

    def _fill_channels(self) -> None:
        current = self.channel.currentData()
        self.channel.clear()
        self.channel.addItem("All channels", 0)
        platform = self.platform.currentData() or ""
        for cid, plat, name, kind in self._channels or []:
            if not platform or plat == platform:
                self.channel.addItem(fmt.channel_label(plat, name, kind, with_platform=not platform), cid)
        self.channel.setCurrentIndex(max(self.channel.findData(current), 0))

    def filters(self):  # noqa: ANN201 - a Filters
        from ...metrics.filters import Filters

        platform = self.platform.currentData() or ""
        channel = int(self.channel.currentData() or 0)
        return Filters(start=_pydate(self.start.date()), end=_pydate(self.end.date()),
                       platforms=(platform,) if platform else (), channels=(channel,) if channel else (),
                       tz=self._tz)

    def _with_key(self, then) -> None:  # noqa: ANN001
        """Call ``then(key)`` with the pseudonym key (None when not pseudonymizing); without a keyring,
        offer a one-off key for this report."""
        from ...reports.pseudonymize import load_key

        if not self.pseudonymize.isChecked():
            then(None)
            return
        try:
            key = load_key()
        except KeyringUnavailable as exc:
            box = QMessageBox(QMessageBox.Icon.Question, "Pseudonym key",
                              f"{exc.message} Use a one-off key for this report? Its pseudonyms will not match "
                              "those of other reports.", QMessageBox.StandardButton.Cancel, self)
            one_off = box.addButton("Use a one-off key", QMessageBox.ButtonRole.AcceptRole)
            box.setDetailedText(exc.details)
            box.buttonClicked.connect(lambda b: then(load_key(one_off=True)) if b is one_off else None)
            self.key_dialog = box
            box.open()
            return
        then(key)

    # -- background work ----------------------------------------------------------------------
    def _run(self, fn, title: str, on_done, *, reads_only: bool = False, preview: bool = False) -> None:  # noqa: ANN001
        if self.task is not None and self.task.running:
            if not self._task_is_preview:
                self.banner.show_message("A report is already being made; wait for it or cancel it.", kind="info")
                return
            self.task.cancel()  # a preview gives way to what was asked for now, without a word,
            owed = not preview  # and is made again once that is done
        else:
            owed = False
        if not preview:  # a preview leaves what the banner says (the export just written) in place
            self.banner.hide()
        self.progress_row.show()
        self.progress.setValue(0)
        self.progress_label.setText(title)
        task = self.task = self.ctx.run_task(fn, title, on_done=on_done, on_error=self._failed, parent=self,
                                             reads_only=reads_only)
        self._task_is_preview = preview
        task.progress.connect(lambda f, m: (self.progress.setValue(int(f * 1000)), self.progress_label.setText(m))
                              if self.task is task else None)
        task.ended.connect(lambda: self.progress_row.hide() if self.task is task else None)
        if owed:
            task.ended.connect(lambda: self._preview_by_itself() if self.task is task else None)
        task.cancelled.connect(lambda: self.banner.show_message("Cancelled; nothing was written.", kind="info")
                               if self.task is task else None)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _failed(self, exc: BaseException) -> None:
        self.banner.show_error(exc)
        self._preview_failed = self._task_is_preview

    def is_busy(self) -> bool:
        return self.task is not None and self.task.running

    # -- preview ------------------------------------------------------------------------------
    def preview(self) -> None:
        self._with_key(self._preview_with)

    def _preview_with(self, key) -> None:  # noqa: ANN001
        ws, f = self.ctx.ws, self.filters()
        self._choices_settled.stop()
        self._preview_owed = False
        self.browser.setPlaceholderText(PLACEHOLDER)
        only = self._newest_preview.next()  # a preview overtaken by a newer one is not shown

        def work(progress, cancel):  # noqa: ANN001, ANN202
            from ...reports.build import prepare_report
            from ...reports.charts import to_png
            from ...reports.render_html import render_html

            report = prepare_report(ws, f, key=key, progress=lambda x, m: progress(x * 0.7, m), cancel=cancel)
            progress(0.75, "Drawing the charts")
            images = {c.key: to_png(c, dpi=96) for c in report.charts}
            html = render_html(report, chart_markup=lambda c: f'<p><img src="chart:{c.key}" width="720"></p>',
                               simple=True)
            return html, images
        self._run(work, "Making the preview", only(self._show_preview), reads_only=True, preview=True)

    def _workspace_opened(self) -> None:
        """Another workspace is open: the report shown, or being made, was of the one before, and so
        was the channel chosen (its number is another channel's, or none, in this one)."""
        self._newest_preview.next()
        if not self._showing_pack:
            self.browser.clear()
        self.channel.blockSignals(True)
        self.channel.clear()
        self.channel.addItem("All channels", 0)
        self.channel.blockSignals(False)

    def showEvent(self, event) -> None:  # noqa: ANN001, N802
        reads = self._stale  # a page to read again reads, and previews once it has
        super().showEvent(event)
        if self._preview_owed and not reads:
            self._preview_by_itself()

    def _show_preview(self, result) -> None:  # noqa: ANN001
        html, images = result
        # A preview that replaces a preview keeps the place being read (a channel chosen while
        # reading its unanswered questions); one that replaces a pack's report starts at its top.
        keep_place = not self._showing_pack
        self._showing_pack = False
        if self._preview_failed:
            self.banner.hide()
            self._preview_failed = False
        self.show_html(html, images, keep_place=keep_place)
        self.preview_ready.emit()

    def show_html(self, html: str, images: dict[str, bytes] | None = None, *, keep_place: bool = False) -> None:
        doc = QTextDocument(self.browser)
        for key, png in (images or {}).items():
            doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"chart:{key}"), QImage.fromData(png))
        doc.setHtml(html)
        bar = self.browser.verticalScrollBar()
        place = bar.value() if keep_place else 0
        self._wanted_place = None
        self.browser.setDocument(doc)
        bar.setValue(place)
        self._wanted_place = place or None

    def _keep_wanted_place(self, _low: int, high: int) -> None:
        if self._wanted_place is not None:
            self.browser.verticalScrollBar().setValue(min(self._wanted_place, high))

    def _forget_wanted_place(self, _action: int) -> None:
        self._wanted_place = None

    def preview_text(self) -> str:
        return self.browser.toPlainText()

    # -- export -------------------------------------------------------------------------------
    def export_dialog(self) -> None:
        fmt = self.format.currentData()
        if fmt == "csv":
            path = QFileDialog.getExistingDirectory(self, "Folder for the report's CSV files")
        else:
            path, _ = QFileDialog.getSaveFileName(self, "Export report", f"community-report.{fmt}",
                                                  f"{fmt.upper()} files (*.{fmt})")
        if path:
            self.export_to(path, fmt)

    def export_to(self, path: str, fmt: str) -> None:
        from ...reports.formats import format_for, get_format, named_format

        suffix = get_format(fmt).suffix
        if suffix and named_format(path) is None:  # "report" typed in the dialog: "report.pdf"
            path += suffix
        try:
            format_for(path, fmt)
        except WorkbenchError as exc:
            self.banner.show_error(exc)
            return
        self._with_key(lambda key: self._export_with(path, fmt, key))

    def _export_with(self, path: str, fmt: str, key) -> None:  # noqa: ANN001
        ws, f = self.ctx.ws, self.filters()

        def work(progress, cancel):  # noqa: ANN001, ANN202
            from ...reports.build import export_report
            from ...reports.formats import unshown_note

            report, written = export_report(ws, f, fmt, path, key=key, progress=progress, cancel=cancel)
            return str(written), unshown_note(report)
        self._run(work, f"Exporting the report as {fmt.upper()}", lambda got: self._exported(*got))

    def _exported(self, path: str, note: str = "") -> None:
        self.banner.show_message(f"The report was written to {path}." + (f" {note}" if note else ""),
                                 kind="info" if note else "success")
        self.export_finished.emit(path)

    # -- audit packs --------------------------------------------------------------------------
    def pack_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Create audit pack", "audit.wbpack", "Audit packs (*.wbpack)")
        if path:
            if not path.endswith(".wbpack"):
                path += ".wbpack"
            self.create_pack(path, with_workspace=self.with_workspace.isChecked())

    def create_pack(self, path: str, *, with_workspace: bool = False) -> None:
        self._with_key(lambda key: self._pack_with(path, with_workspace and key is None, key))

    def _pack_with(self, path: str, with_workspace: bool, key) -> None:  # noqa: ANN001
        ws, f = self.ctx.ws, self.filters()

        def work(progress, cancel):  # noqa: ANN001, ANN202
            from ...reports.build import export_pack

            _, result = export_pack(ws, f, path, key=key, with_workspace=with_workspace, progress=progress,
                                    cancel=cancel)
            return str(result.path)
        self._run(work, "Creating the audit pack", self._exported)

    def open_pack(self, path: str) -> None:
        """Check and open an audit pack: its workspace copy read-only, or else its report here."""
        folder = tempfile.TemporaryDirectory(prefix="wbpack-open-")
        self._pack_dirs.append(folder)
        dest = folder.name

        def work(progress, cancel):  # noqa: ANN001, ANN202
            from ...reports.pack import extract_pack

            progress(0.1, "Checking the audit pack")
            return extract_pack(path, dest)
        self._run(work, "Opening the audit pack", lambda opened: self._pack_ready(path, opened))

    def _pack_ready(self, path: str, opened) -> None:  # noqa: ANN001
        from ...reports.pack import pack_summary

        window = self.window()
        if opened.workspace is not None:
            self.ctx.open_workspace(str(opened.workspace), readonly=True, shown_as=f"Audit pack {Path(path).name}",
                                    name=_copied_from(opened.manifest))
            if hasattr(window, "pages") and "DashboardPage" in window.pages:
                window.show_page("DashboardPage")
        else:
            html, images = svg_to_images(opened.report_html)
            self._newest_preview.next()  # a preview under way is not shown over the pack's report
            self._showing_pack = True  # until a preview is asked for (Preview, or a choice changed)
            self.show_html(html, images)
            if hasattr(window, "pages") and "ReportsPage" in window.pages:
                window.show_page("ReportsPage")
        message = f"{Path(path).name}: every file matches its manifest. " + pack_summary(opened.manifest)
        if opened.workspace is None:
            current = Path(self.ctx.ws.location).name if self.ctx.ws is not None else "no workspace"
            why = opened.note or "The pack holds no copy of the workspace, so its report is shown below as it was made."
            message += f" {why} The other pages still show {current}."
        self.banner.show_message(message, kind="success")
        self.pack_opened.emit(path)


def _copied_from(manifest: dict) -> str | None:
    """The name of the workspace an audit pack's copy was made from, as its manifest says."""
    name = manifest.get("workspace")
    if not isinstance(name, str):  # a manifest written by hand may say anything
        return None
    return name.strip() or None


_SVG = re.compile(r"<svg\b.*?</svg>", re.S)


def svg_to_images(html: str, width: int = 720) -> tuple[str, dict[str, bytes]]:
    """Inline SVG charts as images a QTextBrowser can show (it does not draw SVG itself)."""
    images: dict[str, bytes] = {}

    def repl(m: re.Match) -> str:
        renderer = QSvgRenderer(QByteArray(m.group(0).encode("utf-8")))
        size = renderer.defaultSize()
        h = int(width * size.height() / max(1, size.width())) if size.width() > 0 else width // 2
        img = QImage(QSize(width, max(1, h)), QImage.Format.Format_ARGB32)
        img.fill(Qt.GlobalColor.white)
        p = QPainter(img)
        renderer.render(p)
        p.end()
        key = f"svg{len(images)}"
        buf = QByteArray()
        from PySide6.QtCore import QBuffer, QIODevice

        b = QBuffer(buf)
        b.open(QIODevice.OpenModeFlag.WriteOnly)
        img.save(b, "PNG")
        images[key] = bytes(buf.data())
        return f'<p><img src="chart:{key}" width="{width}"></p>'
    return _SVG.sub(repl, html), images


def open_audit_pack_dialog(window, page: ReportsPage | None = None) -> None:  # noqa: ANN001
    """File > Open audit pack…: choose a .wbpack and open it read-only."""
    path, _ = QFileDialog.getOpenFileName(window, "Open audit pack", "", "Audit packs (*.wbpack);;All files (*)")
    if not path:
        return
    if page is None:
        page = getattr(window, "pages", {}).get("ReportsPage")
    if page is None:
        QMessageBox.information(window, "Community Workbench", "The Reports page is not available in this window.")
        return
    page.open_pack(path)
