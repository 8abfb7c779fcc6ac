"""The Qt binding keeps Python's own objects alive.

PySide6 6.12.0 under Python 3.11 released a reference to None on every call of a method that
returns nothing (``setText``, ``setEnabled``, ``setDate``...). None is not immortal before Python
3.12, so a few tens of thousands of such calls, minutes of use, ended the app with "Fatal Python
error: none_dealloc". This test fails on any binding that does that again.
"""
from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QLabel, QPushButton

CALLS = 2000


def _counts() -> tuple[int, int, int]:
    gc.collect()
    return sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)


def test_calls_that_return_nothing_or_a_bool_leave_none_true_and_false_alone(qtbot):
    label, button, edit = QLabel(), QPushButton(), QDateEdit()
    for w in (label, button, edit):
        qtbot.addWidget(w)
    day = QDate(2024, 3, 1)
    before = _counts()
    for i in range(CALLS):
        label.setText("x")
        button.setEnabled(i % 2 == 0)
        edit.setDate(day)
        label.setVisible(False)
        button.isEnabled()
        label.isVisible()
    after = _counts()
    # A binding that drops one reference per call loses thousands here; a few either way is noise.
    lost = {name: b - a for name, b, a in zip(("None", "True", "False"), before, after)}
    assert all(n <= 20 for n in lost.values()), f"references lost over {CALLS:,} calls: {lost}"
