"""Numbers in the window as the person's locale writes them.

Thousands grouped and decimals marked the locale's way: 29,358 and 1,234.5 (en_US), 29.358 and
1.234,5 (de_DE), 29 358 (fr_FR), 29'358 (de_CH), 12,34,567 (en_IN), as the window's number fields
already do. Without a locale preference (the C locale) they read as in English, 29,358, as on the
command line and in reports, which travel and keep one way of writing numbers.
"""
from __future__ import annotations

import math
from numbers import Integral

from PySide6.QtCore import QLocale

from workbench import fmt


def _locale() -> QLocale | None:
    loc = QLocale()  # the default: the system's, unless the application set another
    return None if loc.language() == QLocale.Language.C else loc


def number(n: float | int | None, digits: int = 0) -> str:
    """29358 -> '29.358' in de_DE; 1234.56 with one digit -> '1.234,6'; None -> '—'."""
    loc = _locale()
    if loc is None or n is None or (isinstance(n, float) and math.isnan(n)):
        return fmt.number(n, digits)
    if isinstance(n, Integral) and not digits:
        return loc.toString(int(n))
    return loc.toString(float(n), "f", digits)


def short(x: float) -> str:
    """A whole number without decimals, any other with one: '17', '16.5'."""
    return number(x) if float(x).is_integer() else number(x, 1)


def plural(n: int, one: str, many: str | None = None) -> str:
    return fmt.plural(n, one, many, write=number)


def counts(by_kind: dict[str, int]) -> str:
    return fmt.counts(by_kind, write=number)


def updated(n: int, by_kind: dict[str, int]) -> str:
    return fmt.updated(n, by_kind, write=number)


def percent(x: float | None, digits: int = 0) -> str:
    return fmt.percent(x, digits, write=number)
