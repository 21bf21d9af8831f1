"""Shared fixtures: a recording comm that stands in for a kernel's wire."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lossviz_widgets.wire import Wire, recording


@pytest.fixture
def wire() -> Iterator[Wire]:
    """Record every widget message sent during the test."""
    with recording() as recorded:
        yield recorded
