"""The pages of the window, in sidebar order: "module:Class" under workbench.ui.pages.

A page is listed only when its feature is built.
"""
from __future__ import annotations

import importlib

PAGES: list[str] = [
    "dashboard:DashboardPage",
    "people:PeoplePage",
    "champions:ChampionsPage",
    "recognition:RecognitionPage",
    "imports:ImportsPage",
    "reports:ReportsPage",
]


def page_classes() -> list[type]:
    out = []
    for spec in PAGES:
        module, cls = spec.split(":")
        out.append(getattr(importlib.import_module(f"{__package__}.{module}"), cls))
    return out
