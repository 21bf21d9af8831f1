"""A time budget for compiling a formula.

The static bounds on formulas keep their compilation short; the budget is
the guarantee behind them. Between stages the time spent is checked, and on
the main thread of a POSIX system a ``SIGALRM`` timer also interrupts a stage
that runs past the deadline. A timer already running (a test runner's
timeout, say) is left to fire when it would have.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

from lossviz_widgets.engine.formula_text import FormulaError

__all__ = ["time_budget"]


class _OutOfTime(BaseException):
    """Raised by the alarm; a BaseException so that no ``except Exception`` eats it."""


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """Signal handler of the alarm."""
    raise _OutOfTime


@contextmanager
def time_budget(seconds: float) -> Iterator[Callable[[str], None]]:
    """Run a block within ``seconds``, or raise :class:`FormulaError`.

    The block receives ``check_time(stage)``, which raises if the deadline
    has passed; ``stage`` names what took too long in the message.

    Examples
    --------
    >>> with time_budget(1.0) as check_time:
    ...     check_time("reading the formula")
    >>> try:
    ...     with time_budget(0.0) as check_time:
    ...         check_time("reading the formula")
    ... except FormulaError as error:
    ...     print(error)
    formula too complex: reading the formula took more than 0 s

    """
    deadline = time.perf_counter() + seconds

    def check_time(stage: str) -> None:
        if time.perf_counter() > deadline:
            message = f"formula too complex: {stage} took more than {seconds:g} s"
            raise FormulaError(message)

    try:
        with _alarm(seconds):
            yield check_time
    except _OutOfTime:
        message = f"formula too complex: compiling it took more than {seconds:g} s"
        raise FormulaError(message) from None


def _alarm_usable() -> bool:
    """Whether a ``SIGALRM`` timer can be set and its handler restored here."""
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGALRM) is not None
    )


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """Raise ``_OutOfTime`` in the block after ``seconds``, where possible."""
    if not _alarm_usable():
        yield
        return
    outer_delay, outer_interval = signal.getitimer(signal.ITIMER_REAL)
    if 0 < outer_delay <= seconds:
        yield
        return
    started = time.perf_counter()
    previous = signal.signal(signal.SIGALRM, _interrupt)
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds)
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        # Even if the alarm fired during the line above, this still runs.
        signal.signal(signal.SIGALRM, previous)
        if outer_delay:
            left = outer_delay - (time.perf_counter() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3), outer_interval)
