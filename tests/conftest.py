"""Shared fixtures: a recording comm that stands in for a kernel's wire."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import comm
import pytest
from comm.base_comm import BaseComm


@dataclass
class Message:
    """One message a widget sent towards the browser."""

    comm_id: str
    msg_type: str
    data: dict[str, Any]
    buffers: list[memoryview]

    @property
    def size(self) -> int:
        """Bytes on the wire: the JSON part plus the binary buffers."""
        text = json.dumps(self.data, default=str)
        return len(text.encode()) + sum(memoryview(b).nbytes for b in self.buffers)

    @property
    def method(self) -> str | None:
        """``"update"``, ``"echo_update"`` or another widget-protocol method."""
        return self.data.get("method")

    @property
    def state(self) -> dict[str, Any]:
        """The traits this message carries."""
        return self.data.get("state", {})


@dataclass
class Wire:
    """Every message sent by widgets while the fixture is active."""

    messages: list[Message] = field(default_factory=list)

    def reset(self) -> None:
        """Forget what was recorded so far."""
        self.messages.clear()

    def updates(self, widget: Any = None) -> list[Message]:
        """State updates, for one widget or for all."""
        found = [m for m in self.messages if m.method == "update"]
        if widget is not None:
            found = [m for m in found if m.comm_id == widget.comm.comm_id]
        return found

    @property
    def size(self) -> int:
        """Bytes of every recorded message together."""
        return sum(m.size for m in self.messages)


class RecordingComm(BaseComm):
    """A comm that keeps what it would publish instead of sending it."""

    wire: Wire

    def publish_msg(
        self,
        msg_type: str,
        data: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        buffers: list[Any] | None = None,
        **keys: Any,
    ) -> None:
        """Record the message."""
        views = [memoryview(b) for b in buffers or []]
        self.wire.messages.append(Message(self.comm_id, msg_type, data or {}, views))


@pytest.fixture
def wire(monkeypatch: pytest.MonkeyPatch) -> Wire:
    """Record every widget message sent during the test."""
    recorded = Wire()

    class Bound(RecordingComm):
        wire = recorded

    monkeypatch.setattr(comm, "create_comm", Bound)
    return recorded
