"""Fixtures of the metric tests."""
from __future__ import annotations

import pytest
from metrics_builders import write


@pytest.fixture
def build(ws):
    def _build(records):
        write(ws, records)
        return ws
    return _build
