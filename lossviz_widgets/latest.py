"""Latest-value-wins scheduling for work that follows a dragged slider.

Dragging a slider sends many changes a second. If every change triggered a
recompute that takes longer than the gap between changes, the kernel would
fall behind and the pictures would crawl after the slider stops. A
:class:`LatestWins` applies a change at once when it has been idle, and
otherwise keeps only the newest value and applies it a short pause after
the previous work ended, so a single click answers without delay, the last
value is always the one drawn and no backlog builds.

Inside a running event loop (a Jupyter or Voila kernel) the work is
deferred; with no loop running (scripts, tests) it runs at once, so code
that sets a value can read the result on the next line.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

__all__ = ["LatestWins"]

log = logging.getLogger(__name__)


class LatestWins:
    """Run ``work(value)`` for the newest value only, at most once per pause.

    Parameters
    ----------
    work : callable
        Receives the latest value submitted.
    delay : float
        Seconds that must pass after one run of the work before the next,
        when an event loop is running; values submitted meanwhile collapse
        into the newest.

    Examples
    --------
    >>> seen = []
    >>> apply = LatestWins(seen.append, delay=0.05)
    >>> apply(1); apply(2); apply(3)
    >>> seen  # no event loop runs here, so every value is applied at once
    [1, 2, 3]
    """

    def __init__(self, work: Callable[[Any], None], delay: float = 0.04) -> None:
        self._work = work
        self._delay = delay
        self._pending: list[Any] = []
        self._handle: asyncio.Handle | None = None
        self._finished = float("-inf")

    def __call__(self, value: Any) -> None:
        """Submit a value; the work runs for it unless a newer one arrives."""
        loop = _running_loop()
        if loop is None:
            self._work(value)
            return
        self._pending[:] = [value]
        if self._handle is not None:
            return  # a run is already due; it will take this newer value
        wait = self._finished + self._delay - loop.time()
        if wait <= 0:
            self._handle = loop.call_soon(self._flush)
        else:
            self._handle = loop.call_later(wait, self._flush)

    @property
    def waiting(self) -> bool:
        """Whether a value is waiting to be applied."""
        return self._handle is not None

    def flush(self) -> None:
        """Apply the waiting value now, if there is one."""
        if self._handle is not None:
            self._handle.cancel()
            self._flush()

    def _flush(self) -> None:
        """Run the work for the newest value."""
        self._handle = None
        if not self._pending:
            return
        value = self._pending.pop()
        try:
            self._work(value)
        except Exception:
            # A deferred callback has no caller to raise to: keep the error.
            log.exception("applying %r failed", value)
        finally:
            loop = _running_loop()
            self._finished = loop.time() if loop is not None else self._finished


def _running_loop() -> asyncio.AbstractEventLoop | None:
    """Return the event loop running in this thread, or ``None``."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
