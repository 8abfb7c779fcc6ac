"""One palette for platforms everywhere (Okabe-Ito: told apart by colour-blind people)."""
from __future__ import annotations

from PySide6.QtGui import QColor

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

PLATFORM_COLOURS = {
    "slack": "#CC79A7",      # reddish purple
    "discord": "#0072B2",    # blue
    "telegram": "#56B4E9",   # sky blue
    "discourse": "#E69F00",  # orange
    "github": "#555555",     # grey (Okabe-Ito black, lightened for dark themes)
    "stackexchange": "#D55E00",  # vermillion
    "mbox": "#009E73",       # bluish green
    "mattermost": "#F0E442",  # yellow
    "rocketchat": "#B2182B",
    "gitter": "#7F7F7F",
    "csv": "#999999",
}


def platform_colour(platform: str) -> QColor:
    if platform in PLATFORM_COLOURS:
        return QColor(PLATFORM_COLOURS[platform])
    return QColor(OKABE_ITO[hash(platform) % len(OKABE_ITO)])


def series_colour(i: int) -> QColor:
    return QColor(OKABE_ITO[i % len(OKABE_ITO)])
