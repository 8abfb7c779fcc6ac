"""Long work off the GUI thread: a plain core function ``fn(progress, cancel)`` run on a thread pool.

``Task`` is the handle the window keeps: its signals arrive on the GUI thread (queued), progress
is throttled, and ``cancel()`` makes the function's ``cancel()`` return True so the core stops
and rolls back. No widget is touched off the GUI thread.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from ..errors import ImportCancelled

TaskFn = Callable[[Callable[[float, str], None], Callable[[], bool]], Any]


class Task(QObject):
    progress = Signal(float, str)
    finished = Signal(object)  # the function's result
    failed = Signal(object)  # the exception
    cancelled = Signal()
    ended = Signal()  # after any of the three above

    def __init__(self, fn: TaskFn, title: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.fn = fn
        self.title = title
        self._cancel = threading.Event()
        self._last_emit = 0.0
        self.running = False
        self.reads_only = False  # closing the window cancels a reading task without asking
        self.result: Any = None
        self.error: BaseException | None = None

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancel_requested(self) -> bool:
        return self._cancel.is_set()

    # called on the worker thread
    def _report(self, fraction: float, message: str) -> None:
        now = time.monotonic()
        if now - self._last_emit >= 0.05 or fraction >= 1.0:
            self._last_emit = now
            self.progress.emit(float(fraction), message)

    def _run(self) -> None:
        try:
            result = self.fn(self._report, self._cancel.is_set)
        except ImportCancelled:
            self.running = False
            self.cancelled.emit()
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread as a signal
            self.running = False
            self.error = exc
            if self._cancel.is_set():
                self.cancelled.emit()
            else:
                self.failed.emit(exc)
        else:
            self.running = False
            self.result = result
            # A change whose function returned is made (an import committed, a file written), even
            # when Cancel came too late to stop it: it is said as done. A read cancelled is dropped.
            if self._cancel.is_set() and self.reads_only:
                self.cancelled.emit()
            else:
                self.finished.emit(result)
        self.ended.emit()


class _Runnable(QRunnable):
    def __init__(self, task: Task) -> None:
        super().__init__()
        self.task = task
        self.setAutoDelete(True)

    def run(self) -> None:
        self.task._run()


def start(task: Task, pool: QThreadPool | None = None) -> Task:
    task.running = True
    (pool or QThreadPool.globalInstance()).start(_Runnable(task))
    return task


class Newest:
    """Of a series of background reads (a page read again as filters change), only the newest
    one's result is shown: a result that a newer read has overtaken is dropped.

    ``only = newest.next()`` before starting a read, then ``on_done=only(show)``: ``show`` is
    called only if no read was started since."""

    def __init__(self) -> None:
        self._n = 0

    def next(self) -> Callable[[Callable], Callable]:
        self._n += 1
        n = self._n

        def only(deliver: Callable) -> Callable:
            return lambda *args: deliver(*args) if n == self._n else None
        return only
