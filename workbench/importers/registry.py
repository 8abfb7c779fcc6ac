"""Every importer the workbench has, in sniffing order (the most specific first).

A module is listed here explicitly; ``tests/importers/test_registry.py`` checks that every module
in ``workbench/importers`` with an ``IMPORTERS`` list is registered.
"""
from __future__ import annotations

import importlib
from pathlib import Path

from .base import Importer

# Module names under workbench.importers, in sniffing order.
MODULES: list[str] = [
    "stackexchange",
    "github",
    "discourse",
    "mbox",
    "slack",
    "slack_api",
    "telegram",
    "telegram_bot",
    "discord",
    "discord_csv",
    "discord_html",
    "mattermost",
    "rocketchat",
    "gitter",
    "meetup",
    "irc",
    "csvfile",  # last: it claims any .csv or .tsv the formats above do not
]


def all_importers() -> list[Importer]:
    found: list[Importer] = []
    for name in MODULES:
        module = importlib.import_module(f"{__package__}.{name}")
        found.extend(module.IMPORTERS)
    return found


def by_name(name: str) -> Importer:
    # An importer is mostly named after its module ('discord-json' in discord, 'slack-api' in
    # slack_api): that module is looked in first, so that naming one (a run's format, in a report)
    # loads one module, not all seventeen.
    parts = name.replace("-", "_").split("_")
    for n in range(len(parts), 0, -1):
        module = "_".join(parts[:n])
        if module in MODULES:
            for imp in importlib.import_module(f"{__package__}.{module}").IMPORTERS:
                if imp.name == name:
                    return imp
    for imp in all_importers():
        if imp.name == name:
            return imp
    raise KeyError(name)


def format_name(name: str) -> str:
    """The format an importer reads, as a person calls it: its label without the parenthesis
    ('IRC channel logs', 'DiscordChatExporter JSON'); the name itself for an importer this version
    does not have (a run recorded by another version)."""
    try:
        return by_name(name).label.split(" (")[0]
    except KeyError:
        return name


def sniff(path: Path) -> Importer | None:
    """The first importer that claims ``path``, or None."""
    for imp in all_importers():
        try:
            if imp.sniff(path):
                return imp
        except (OSError, ValueError, UnicodeError):
            continue
    return None


def file_dialog_filter() -> str:
    """A Qt-style name filter string built from the registry (``Label (*.zip *.json);;...``)."""
    parts = []
    every: list[str] = []
    for imp in all_importers():
        if imp.patterns:
            parts.append(f"{imp.label} ({' '.join(imp.patterns)})")
            every.extend(p for p in imp.patterns if p not in every)
    return ";;".join([f"All supported exports ({' '.join(every)})", *parts, "All files (*)"])
