"""The window's tests read dates as ISO 8601 whatever the machine's locale (the C locale's way);
a test that looks at another locale sets it and puts it back."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _c_locale():
    from PySide6.QtCore import QLocale

    before = QLocale()
    QLocale.setDefault(QLocale.c())
    yield
    QLocale.setDefault(before)


@pytest.fixture(autouse=True)
def _no_key_left_held():
    """A test that types Ctrl+→ on a shortcut can leave Qt believing Ctrl is still held (the key's
    release went to the shortcut, not to a widget); the next test's clicks and selections would
    then toggle. Let the key go after every test, as a person's keyboard does."""
    yield
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QWidget

    if QApplication.instance() is None or QApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier:
        return
    w = QWidget()
    w.show()
    for key in (Qt.Key.Key_Control, Qt.Key.Key_Shift, Qt.Key.Key_Alt, Qt.Key.Key_Meta):
        QTest.keyRelease(w, key)
    w.close()
    w.deleteLater()
    assert QApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier
