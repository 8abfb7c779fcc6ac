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
