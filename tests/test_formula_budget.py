"""The time budget of compiling a formula: stage checks and the alarm."""

from __future__ import annotations

import concurrent.futures
import signal
import time

import pytest

from lossviz_widgets.engine import formula
from lossviz_widgets.engine.formula import (
    FormulaError,
    parse_formula,
    surface_from_formula,
)
from lossviz_widgets.engine.formula_budget import time_budget
from lossviz_widgets.engine.formula_derivative import derivative

DOMAIN = ((-2.0, 2.0), (-2.0, 2.0))


def slow(seconds: float):
    """The derivative, taking at least ``seconds``."""

    def slow_derivative(*args):
        time.sleep(seconds)
        return derivative(*args)

    return slow_derivative


def test_a_stage_past_the_deadline_is_refused(monkeypatch):
    monkeypatch.setattr(formula, "COMPILE_SECONDS", 0.0)

    with pytest.raises(
        FormulaError,
        match=r"^formula too complex: reading the formula took more than 0 s$",
    ):
        parse_formula("x + y")


def test_the_alarm_interrupts_a_stage_that_runs_too_long(monkeypatch):
    monkeypatch.setattr(formula, "COMPILE_SECONDS", 0.2)
    monkeypatch.setattr(formula, "derivative", slow(5.0))
    handler = signal.getsignal(signal.SIGALRM)
    start = time.perf_counter()

    with pytest.raises(
        FormulaError, match=r"^formula too complex: compiling it took more than 0.2 s$"
    ):
        surface_from_formula("x*y + 1", domain=DOMAIN)

    assert time.perf_counter() - start < 1.0
    assert signal.getsignal(signal.SIGALRM) is handler


def test_off_the_main_thread_each_stage_is_timed(monkeypatch):
    monkeypatch.setattr(formula, "COMPILE_SECONDS", 0.1)
    monkeypatch.setattr(formula, "derivative", slow(0.3))

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        future = pool.submit(surface_from_formula, "x*y + 2", domain=DOMAIN)
        with pytest.raises(
            FormulaError, match=r"differentiating the formula took more than 0.1 s"
        ):
            future.result()


@pytest.mark.parametrize(
    ("outer_seconds", "budget", "own_alarm"),
    [(30.0, 1.0, True), (3.0, 10.0, False)],
    ids=["outer-timer-later-than-the-budget", "outer-timer-sooner-than-the-budget"],
)
def test_a_running_timer_and_its_handler_are_left_as_they_were(
    monkeypatch, outer_seconds, budget, own_alarm
):
    fired: list[int] = []
    seen: list[object] = []

    def outer_handler(signum, frame):
        fired.append(signum)

    def watching_derivative(*args):
        seen.append(signal.getsignal(signal.SIGALRM))
        return derivative(*args)

    monkeypatch.setattr(formula, "COMPILE_SECONDS", budget)
    monkeypatch.setattr(formula, "derivative", watching_derivative)
    previous = signal.signal(signal.SIGALRM, outer_handler)
    outer = signal.setitimer(signal.ITIMER_REAL, outer_seconds)
    try:
        surface_from_formula(f"x*y + {outer_seconds}", domain=DOMAIN)
        handler = signal.getsignal(signal.SIGALRM)
        left = signal.getitimer(signal.ITIMER_REAL)[0]
    finally:
        signal.setitimer(signal.ITIMER_REAL, *outer)
        signal.signal(signal.SIGALRM, previous)

    assert handler is outer_handler
    assert 0 < left <= outer_seconds
    assert fired == []
    # Only a budget that ends before the outer timer sets an alarm of its own.
    assert (seen[0] is not outer_handler) == own_alarm


def test_time_budget_gives_the_stage_that_ran_late():
    with (
        pytest.raises(
            FormulaError, match=r"^formula too complex: compiling the formula took"
        ),
        time_budget(0.0) as check_time,
    ):
        check_time("compiling the formula")
