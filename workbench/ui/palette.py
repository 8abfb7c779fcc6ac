"""The palette (``workbench.palette``) as Qt colours."""
from __future__ import annotations

from PySide6.QtGui import QColor

from ..palette import MOVEMENT_COLOURS, OKABE_ITO, PLATFORM_COLOURS, platform_hex

__all__ = ["MOVEMENT_COLOURS", "PLATFORM_COLOURS", "platform_colour", "series_colour"]


def platform_colour(platform: str) -> QColor:
    return QColor(platform_hex(platform))


def series_colour(i: int) -> QColor:
    return QColor(OKABE_ITO[i % len(OKABE_ITO)])
