"""The palette (``workbench.palette``) as Qt colours."""
from __future__ import annotations

from PySide6.QtGui import QColor

from ..palette import MOVEMENT_COLOURS, OKABE_ITO, OTHER_HEX, PLATFORM_COLOURS, platform_hex

__all__ = ["MOVEMENT_COLOURS", "OTHER_COLOUR", "PLATFORM_COLOURS", "platform_colour", "series_colour"]

OTHER_COLOUR = QColor(OTHER_HEX)  # "other channels"


def platform_colour(platform: str) -> QColor:
    return QColor(platform_hex(platform))


def series_colour(i: int) -> QColor:
    return QColor(OKABE_ITO[i % len(OKABE_ITO)])
