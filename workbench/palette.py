"""One palette everywhere, window and reports alike (Okabe-Ito: told apart by colour-blind people)."""
from __future__ import annotations

import zlib

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
    "gitter": "#AA4499",      # purple (Tol); its grey was all but CSV's (10 apart in CIELAB)
    "irc": "#999933",         # olive (Paul Tol's muted set, beside Okabe-Ito)
    "meetup": "#882255",      # wine
    "csv": "#999999",
}

# "other channels", the channels after the busiest together: grey beside the named ones, in the
# window's charts and the report's alike.
OTHER_HEX = "#9a9a9a"

# Engagement level movement: up is good, down is a warning, holding is neutral.
MOVEMENT_COLOURS = {"moved up": "#009E73", "held": "#999999", "moved down": "#D55E00"}

# Who helps whom: people who help, people helped, and the ties that mostly welcome a newcomer.
NETWORK_COLOURS = {"helper": "#0072B2", "helped": "#9a9a9a", "tie": "#9a9a9a", "newcomer tie": "#E69F00"}


def platform_hex(platform: str) -> str:
    """A platform's colour; one the palette does not know gets the same colour in every run."""
    if platform in PLATFORM_COLOURS:
        return PLATFORM_COLOURS[platform]
    return OKABE_ITO[zlib.crc32(platform.encode("utf-8")) % len(OKABE_ITO)]
