"""How numbers, durations and dates read, for every front end (window, terminal, reports)."""
from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable
from html import unescape


def number(n: float | int | None, digits: int = 0) -> str:
    """Thousands separators: 29358 -> '29,358'; None -> '—'."""
    if n is None or (isinstance(n, float) and math.isnan(n)):
        return "—"
    return f"{n:,.{digits}f}"


_KINDS = ("sources", "channels", "accounts", "people", "activities", "reactions", "memberships", "recognitions",
          "nick changes")
_ONE = {"activities": "activity", "people": "person", "rows put back": "row put back"}


def counts(by_kind: dict[str, int], *, write: Callable[[int], str] = number) -> str:
    """What an import run brought, kind by kind, from the largest container down:
    '1 source, 8 channels, 372 accounts, 6,525 activities' (zeros left out). ``write`` writes the
    numbers (the window passes the locale's)."""
    order = sorted(by_kind, key=lambda k: (_KINDS.index(k) if k in _KINDS else len(_KINDS), k))
    return ", ".join(f"{write(by_kind[k])} {_ONE.get(k, k.removesuffix('s')) if by_kind[k] == 1 else k}"
                     for k in order if by_kind[k])


def updated(n: int, by_kind: dict[str, int], *, write: Callable[[int], str] = number) -> str:
    """How many rows of earlier imports a run changed, and of what kind when that is known:
    '2 activities', '5 (1 channel, 2 accounts, 2 activities)', '0'."""
    if not n or sum(by_kind.values()) != n:
        return write(n)
    said = counts(by_kind, write=write)
    return said if len([k for k, v in by_kind.items() if v]) == 1 else f"{write(n)} ({said})"


def plural(n: int, one: str, many: str | None = None, *, write: Callable[[int], str] = number) -> str:
    """A count with its noun: '1 account', '2 accounts', '1,200 replies' (``many`` when not +s)."""
    return f"{write(n)} {one if n == 1 else (many or one + 's')}"


def percent(x: float | None, digits: int = 0, *, write: Callable[..., str] = number) -> str:
    """A fraction as a percentage: 0.684 -> '68%' (digits=1: '68.4%')."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{write(x * 100, digits)}%"


def duration(seconds: float | None) -> str:
    """Durations in words: 7800 -> '2h 10m'; 45 -> '45s'; 200000 -> '2d 7h'."""
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return "—"
    s = int(round(seconds))
    if s < 60:
        return f"{s}s"
    m, s = divmod(s, 60)
    if m < 60:
        return f"{m}m" if not s or m >= 10 else f"{m}m {s}s"
    h, m = divmod(m, 60)
    if h < 24:
        return f"{h}h {m}m" if m else f"{h}h"
    d, h = divmod(h, 24)
    return f"{d}d {h}h" if h else f"{d}d"


PLATFORM_NAMES = {"github": "GitHub", "stackexchange": "Stack Exchange", "mbox": "Mailing lists", "irc": "IRC",
                  "rocketchat": "Rocket.Chat", "csv": "CSV"}


def platform_name(platform: str) -> str:
    """A platform as people write it: 'GitHub', 'IRC', 'Stack Exchange', 'Slack'."""
    return PLATFORM_NAMES.get(platform, platform[:1].upper() + platform[1:])


RECOGNITION_SOURCES = {"manual": "by hand", "csv": "CSV file"}
# The channels that are people talking among themselves, by kind, as a reader calls them.
PRIVATE_CHANNELS = {"dm": "DM", "group_dm": "group DM"}
# The platforms whose channels people write with a '#' ("Slack #general"). Elsewhere a place is
# named as its platform names it: a Telegram group by its title, a GitHub repository by its path, a
# mailing list by its address.
HASH_CHANNELS = frozenset({"slack", "discord", "rocketchat", "irc"})
# What a place is, said before its name, where its name alone would not say it.
PLACE_WORDS = {"category": "category", "event": "event", **PRIVATE_CHANNELS}
# A platform's name before one of its places: "Mailing list ovs-dev", not "Mailing lists ovs-dev".
PLATFORM_OF_ONE = {"mbox": "Mailing list"}


def channel_label(platform: str, name: str, kind: str | None = "channel", *, with_platform: bool = True) -> str:
    """A channel as a list or a chart names it, as its platform shows it: 'Slack #general', 'IRC
    #ceph' (its name has its '#'), 'Telegram Golang Indonesia', 'GitHub chaoss/grimoirelab',
    'Mailing list ovs-dev', 'Discourse category Support', 'Meetup event SQL Saturday'; a direct
    message or group DM by the people in it: 'Slack DM jane.d, smith', 'Discord group DM a group
    chat'. Without the platform: '#general', 'DM Bob'. Without a channel: the platform, 'GitHub'."""
    if not name:
        return platform_name(platform) if with_platform else ""
    word = PLACE_WORDS.get(kind or "")
    if word:
        own = f"{word} {name}"
    elif platform in HASH_CHANNELS and not (platform == "irc" and name.startswith(("#", "&"))):
        own = f"#{name}"
    else:
        own = name
    return f"{PLATFORM_OF_ONE.get(platform) or platform_name(platform)} {own}" if with_platform else own


def channel_order(platform: str, name: str, kind: str | None) -> tuple:
    """Where a channel comes in a list of them: by platform, its channels, then its DMs, by name."""
    return platform, (kind or "") in PRIVATE_CHANNELS, name


def platform_names(platforms: str | Iterable[str] | None) -> str:
    """Platforms as people write them, "Discord, Slack": from a list (["discord", "slack"]) or as a
    table stores them ("discord, slack")."""
    items = platforms.split(",") if isinstance(platforms, str) else platforms or []
    return ", ".join(platform_name(p.strip()) for p in items if p.strip())


def recognition_source(source: str) -> str:
    """Where a recognition came from, as the log says it: 'by hand', 'CSV file', 'Stack Exchange'."""
    return RECOGNITION_SOURCES.get(source, platform_name(source)) if source else ""


DURATION_UNITS = (("minutes", 60.0), ("hours", 3600.0), ("days", 86400.0))


def duration_unit(top_seconds: float) -> tuple[str, float]:
    """The unit a chart of durations reads in, as (name, seconds): the largest one its highest value
    reaches twice over (minutes for a chat answered within the hour, days for a slow forum)."""
    return next((u for u in reversed(DURATION_UNITS) if top_seconds >= 2 * u[1]), DURATION_UNITS[0])


def _as_shown(x: float, digits: int) -> int:
    """``x`` as it reads with ``digits`` decimals, in units of its last digit: 0.146 (2) -> 15."""
    return int(f"{x:.{digits}f}".replace(".", ""))


def change(current: float | None, previous: float | None, kind: str = "count") -> tuple[str, int]:
    """The change against the previous period, as text and direction.

    Counts and durations change by a share of the previous figure ('▲ 8%', '▼ 3%', '= 0%'). A share
    (``kind`` 'percent', kept as 0-1) changes by percentage points ('▲ 6 points': 75% to 81%, which
    '▲ 8%' would leave ambiguous), and a ratio such as stickiness by its difference ('▲ 0.04'):
    a ratio that rises from 0.04 to 0.30 did not grow by '650%' in any sense a reader can use.
    Points and differences are those of the figures as they are shown (a whole percent, a ratio's
    two decimals), so that they add up beside them: 84.4% against 81.8% reads "84%", "82%" and
    "▲ 2 points", not "▲ 3 points".
    '—' where either figure is missing (or a count's previous figure is zero).
    """
    if current is None or previous is None or any(isinstance(v, float) and math.isnan(v) for v in (current, previous)):
        return "—", 0
    if kind == "percent":
        points = _as_shown(current * 100, 0) - _as_shown(previous * 100, 0)
        if not points:
            return "= 0 points", 0
        text = f"{abs(points)} point{'' if abs(points) == 1 else 's'}"
        return (f"▲ {text}", 1) if points > 0 else (f"▼ {text}", -1)
    if kind == "ratio":
        hundredths = _as_shown(current, 2) - _as_shown(previous, 2)
        if not hundredths:
            return "= 0.00", 0
        return (f"▲ {hundredths / 100:.2f}", 1) if hundredths > 0 else (f"▼ {-hundredths / 100:.2f}", -1)
    if previous == 0:
        return "—", 0
    pct = (current - previous) / abs(previous) * 100
    if abs(pct) < 0.5:
        return "= 0%", 0
    return (f"▲ {pct:.0f}%", 1) if pct > 0 else (f"▼ {-pct:.0f}%", -1)


def when(t: dt.datetime | None, tz: dt.tzinfo | None = None) -> str:
    """A timestamp in the reporting time zone, with the zone named: '2024-03-01 14:05 UTC'."""
    if t is None:
        return "—"
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.timezone.utc)
    tz = tz or dt.timezone.utc
    local = t.astimezone(tz)
    name = local.tzname() or str(tz)
    return f"{local:%Y-%m-%d %H:%M} {name}"


# -- text as a reader sees it ----------------------------------------------------------------------
TAG = re.compile(r"<!--.*?(?:-->|$)|</?([a-zA-Z][a-zA-Z0-9]*)(?:\s[^<>]*)?/?>", re.S)
BLOCKS = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "table"}
# What marks a text as HTML (a Stack Exchange post's body, a forum's cooked post, a mailing list's
# HTML part): the tags and entities such texts are made of, which a chat message hardly ever holds.
HTML_HINT = re.compile(r"</?(?:p|br|div|a|code|pre|em|strong|b|i|blockquote|ul|ol|li|span|img|h[1-6]|hr|table|tr|td)"
                       r"(?:\s[^<>]*)?/?>|&(?:nbsp|amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);", re.I)


def _tag_text(m: re.Match) -> str:
    name = (m.group(1) or "").lower()
    return "\n" if name == "br" else "\n\n" if name in BLOCKS else ""


def html_text(html: str) -> str:
    """HTML as the text a reader sees: tags and comments dropped, entities decoded, paragraphs and
    line breaks kept."""
    if "<" not in html and "&" not in html:
        return html.strip()
    text = unescape(TAG.sub(_tag_text, html))
    lines = [line.strip(" \t") for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def snippet(text: str | None, n: int = 160) -> str:
    """A text on one line, as a list shows it: HTML read as its text ("<p>Which tags&nbsp;…" reads
    "Which tags …"), whitespace run together, cut at ``n`` characters with "…". The stored text is
    kept exactly as the export wrote it; only what is shown changes."""
    t = text or ""
    if HTML_HINT.search(t):
        t = html_text(t)
    t = " ".join(t.split())
    return t if len(t) <= n else t[: n - 1] + "…"
