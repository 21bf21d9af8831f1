"""Shared fixtures: a recording comm that stands in for a kernel's wire."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lossviz_widgets.wire import Wire, recording


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the slow browser tests last, after every quick one."""
    items.sort(key=lambda item: "tests/browser/" in item.nodeid)


@pytest.fixture
def wire() -> Iterator[Wire]:
    """Record every widget message sent during the test."""
    with recording() as recorded:
        yield recorded
