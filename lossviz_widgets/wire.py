"""Record what widgets send to the browser: message counts, traits and bytes.

Widgets talk to the browser through comms. :func:`recording` swaps in a
comm that keeps every message instead of sending it, so tests and
benchmarks can check how many updates a change causes, which traits they
carry and how many bytes they weigh, without a kernel or a browser.

Examples
--------
>>> import ipywidgets
>>> with recording() as wire:
...     slider = ipywidgets.IntSlider()
...     wire.reset()
...     slider.value = 3
>>> [m.state for m in wire.updates(slider)]
[{'value': 3}]
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import comm
from comm.base_comm import BaseComm

__all__ = ["Message", "Wire", "recording"]


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
        return len(text.encode()) + sum(b.nbytes for b in self.buffers)

    @property
    def method(self) -> str | None:
        """The widget-protocol method, such as ``"update"``."""
        return self.data.get("method")

    @property
    def state(self) -> dict[str, Any]:
        """The traits this message carries."""
        return self.data.get("state", {})


@dataclass
class Wire:
    """Every message sent by widgets while recording."""

    messages: list[Message] = field(default_factory=list)

    def reset(self) -> None:
        """Forget what was recorded so far."""
        self.messages.clear()

    def updates(self, widget: Any = None) -> list[Message]:
        """Return the state updates, for one widget or for all."""
        found = [m for m in self.messages if m.method == "update"]
        if widget is not None:
            found = [m for m in found if m.comm_id == widget.comm.comm_id]
        return found

    @property
    def size(self) -> int:
        """Bytes of every recorded message together."""
        return sum(m.size for m in self.messages)


class _RecordingComm(BaseComm):
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
        views = [memoryview(b).cast("B") for b in buffers or []]
        self.wire.messages.append(Message(self.comm_id, msg_type, data or {}, views))


@contextmanager
def recording() -> Iterator[Wire]:
    """Record the messages of every widget created inside the block."""
    wire = Wire()
    bound = type("BoundComm", (_RecordingComm,), {"wire": wire})
    original = comm.create_comm
    comm.create_comm = bound
    try:
        yield wire
    finally:
        comm.create_comm = original
