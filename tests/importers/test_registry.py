"""The registry knows every importer, and every real export sample is claimed by one of them."""
from __future__ import annotations

import importlib
import pkgutil

import pytest

import workbench.importers as package
from workbench.importers import registry


def test_every_importer_module_is_registered():
    found = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        if isinstance(getattr(module, "IMPORTERS", None), list):
            found.append(info.name)
    assert sorted(found) == sorted(registry.MODULES)
    names = [imp.name for imp in registry.all_importers()]
    assert len(names) == len(set(names)), "two importers share a name"


@pytest.mark.acceptance
def test_every_real_sample_is_claimed(real):
    """Each file of ../shared/fixtures/real (other than its notes) is an export some importer reads, or
    part of a folder one reads (a Stack Exchange dump's .dtd files)."""
    notes = {"SOURCES.md", "FORMATS.md", "MANIFEST.sha256"}
    unclaimed = [str(p.relative_to(real)) for p in sorted(real.rglob("*"))
                 if p.is_file() and p.name not in notes and registry.sniff(p) is None and registry.sniff(p.parent) is None]
    assert unclaimed == []
