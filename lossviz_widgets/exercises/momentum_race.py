"""Gradient descent racing momentum to the minimum of the banana valley.

Both runs start where the course page starts its descent, with the same
learning rate; one of them keeps a velocity. The student sets the rate and
the momentum so that momentum wins the race to the minimum, and plays it.
"""

from __future__ import annotations

import html
import logging
from typing import Any

import ipywidgets
import numpy as np

from lossviz_widgets.engine import Trajectory
from lossviz_widgets.engine.optimizers import GD, Momentum
from lossviz_widgets.exercises._mini import (
    BANANA_START,
    LR_RANGE,
    check_number,
    check_steps,
    lr_slider,
    race_views,
)
from lossviz_widgets.exercises.base import Exercise, Verdict, verdict_from
from lossviz_widgets.model import PALETTE, LandscapeModel, Run
from lossviz_widgets.notices import guarded

__all__ = ["MOMENTUM_RANGE", "MomentumRace", "steps_to_reach"]

log = logging.getLogger(__name__)

#: The momentum a slider offers; 1 would never forget a step.
MOMENTUM_RANGE = (0.0, 0.99)

#: The minimum of the banana valley, the finish line.
FINISH = (0.0, 0.0)

#: Tolerances an author may set, as distances in the plane.
TOLERANCE_RANGE = (1e-4, 0.5)


def steps_to_reach(trajectory: Trajectory, point: Any, tolerance: float) -> int | None:
    """Return the first step from which a run stays within ``tolerance`` of ``point``.

    Parameters
    ----------
    trajectory : Trajectory
        One run.
    point : array_like, shape (2,)
        The target, usually a minimum.
    tolerance : float
        The distance that counts as arrived.

    Returns
    -------
    int or None
        ``None`` when the run is not within ``tolerance`` at its last step, or
        diverged.

    Examples
    --------
    >>> from lossviz_widgets.engine import descend, get_surface
    >>> from lossviz_widgets.engine.optimizers import GD
    >>> bowl = get_surface("convex_bowl")
    >>> run = descend(bowl, GD(lr=0.5), (1.0, 0.0), steps=10)
    >>> steps_to_reach(run, (0.0, 0.0), 0.1)  # 1, 0.5, 0.25, 0.125, 0.0625
    4
    >>> steps_to_reach(run, (0.0, 0.0), 1e-6) is None
    True
    """
    if trajectory.diverged_at is not None:
        return None
    gaps = trajectory.points - np.asarray(point, dtype=float)
    outside = np.flatnonzero(np.hypot(gaps[:, 0], gaps[:, 1]) > tolerance)
    if outside.size == 0:
        return 0
    last = int(outside[-1])
    return None if last == trajectory.steps else last + 1


class MomentumRace(Exercise):
    """Race gradient descent against momentum to the banana valley's minimum.

    A run has arrived at the first step from which it stays within
    ``tolerance`` of the minimum ``(0, 0)`` until its last step.

    Parameters
    ----------
    lr : float
        The learning rate of both runs, in ``[1e-5, 0.1]``.
    momentum : float
        The momentum of the second run, in ``[0, 0.99]``; 0 by default, so
        that both runs start as plain gradient descent until the student
        gives the second one momentum.
    steps : int
        Steps each run takes, in ``[10, 2000]``.
    tolerance : float
        How close to the minimum counts as arrived, in ``[1e-4, 0.5]``.
    locked : bool
        Fix the learning rate and the momentum.

    Attributes
    ----------
    model : LandscapeModel
        ``model.runs[0]`` is gradient descent, ``model.runs[1]`` momentum.
    lr_slider, momentum_slider : ipywidgets.FloatLogSlider, ipywidgets.FloatSlider
        The settings; ``momentum_slider.value = 0.5`` sets it from code.
    board : ipywidgets.HTML
        Where each run arrived, and who won.
    contour, player, curves : ContourView, PathPlayer, LossCurves
        The map, the player and the loss curves of both runs.

    Examples
    --------
    >>> race = MomentumRace(momentum=0.9)
    >>> race.answer["gd_steps"], race.answer["momentum_steps"]
    (318, 68)
    >>> race.answer["winner"], race.check().passed
    ('momentum', True)
    >>> race.momentum_slider.value = 0.0
    >>> race.answer["winner"]
    'tie'
    """

    title = "Momentum race on the banana valley"
    instruction = (
        "Gradient descent and SGD with momentum start at (−1.5, 1.5) with the "
        "same learning rate. Set the learning rate and the momentum so that "
        "momentum reaches the minimum first, and play the race."
    )

    def __init__(
        self,
        lr: float = 1e-2,
        momentum: float = 0.0,
        *,
        steps: int = 400,
        tolerance: float = 0.05,
        locked: bool = False,
    ) -> None:
        lr = check_number("lr", lr, *LR_RANGE)
        momentum = check_number("momentum", momentum, *MOMENTUM_RANGE)
        self.tolerance = check_number("tolerance", tolerance, *TOLERANCE_RANGE)
        runs = [
            Run(GD(lr=lr), start=BANANA_START, color=PALETTE[1], label="GD"),
            Run(
                Momentum(lr=lr, momentum=momentum),
                start=BANANA_START,
                color=PALETTE[0],
                label="Momentum",
            ),
        ]
        self.model = LandscapeModel("banana", runs, steps=check_steps(steps))
        self.contour, self.player, self.curves = race_views(self.model)
        self.lr_slider = lr_slider(lr, "lr")
        self.momentum_slider = ipywidgets.FloatSlider(
            value=momentum,
            min=MOMENTUM_RANGE[0],
            max=MOMENTUM_RANGE[1],
            step=0.01,
            description="momentum",
            continuous_update=False,
            style={"description_width": "6em"},
            layout=ipywidgets.Layout(width="340px"),
        )
        self.board = ipywidgets.HTML()

        settings = ipywidgets.VBox([self.lr_slider, self.momentum_slider, self.board])
        top = ipywidgets.HBox([self.contour, settings])
        super().__init__([top, self.player, self.curves], locked=locked)
        self._lockable(self.lr_slider, self.momentum_slider)

        guard = guarded(self.notice, log, "changing the race")
        self.lr_slider.observe(guard(self._settings_changed), names="value")
        self.momentum_slider.observe(guard(self._settings_changed), names="value")
        for run in self.model.runs:
            run.observe(guard(self._draw_board), names="trajectory")
        self._draw_board()

    def _settings_changed(self, change: dict[str, Any]) -> None:
        """Give both runs the rate, and the second the momentum, from the sliders."""
        lr, momentum = float(self.lr_slider.value), float(self.momentum_slider.value)
        gd_run, momentum_run = self.model.runs
        gd_run.optimizer = GD(lr=lr)
        momentum_run.optimizer = Momentum(lr=lr, momentum=momentum)

    def arrivals(self) -> tuple[int | None, int | None]:
        """Return the steps at which GD and momentum arrived, or None."""
        gd_steps, momentum_steps = (
            steps_to_reach(run.trajectory, FINISH, self.tolerance)
            for run in self.model.runs
        )
        return gd_steps, momentum_steps

    def _draw_board(self, change: dict[str, Any] | None = None) -> None:
        """Say where each run arrived and who won."""
        rows = [
            f"<li>{html.escape(run.name)}: {_arrival(steps, self.tolerance)}</li>"
            for run, steps in zip(self.model.runs, self.arrivals(), strict=True)
        ]
        winner = _WINNERS[_winner(*self.arrivals())]
        self.board.value = f"<ul>{''.join(rows)}</ul><b>{html.escape(winner)}</b>"

    @property
    def answer(self) -> dict[str, Any]:
        """The settings, the step at which each run arrived, and the winner."""
        gd_steps, momentum_steps = self.arrivals()
        return {
            "lr": float(self.lr_slider.value),
            "momentum": float(self.momentum_slider.value),
            "steps": int(self.model.steps),
            "tolerance": self.tolerance,
            "gd_steps": gd_steps,
            "momentum_steps": momentum_steps,
            "winner": _winner(gd_steps, momentum_steps),
        }

    def check(self) -> Verdict:
        """Require momentum, and a momentum run that arrives before GD."""
        answer = self.answer
        gd_steps, momentum_steps = answer["gd_steps"], answer["momentum_steps"]
        arrived = momentum_steps is not None
        return verdict_from(
            [
                (
                    answer["momentum"] > 0,
                    f"the second run keeps a velocity: momentum {answer['momentum']}",
                    "momentum is 0, so the second run is plain gradient descent: "
                    "give it momentum, e.g. 0.9",
                ),
                (
                    arrived,
                    f"momentum arrived at step {momentum_steps}",
                    f"the momentum run never settles within {self.tolerance:g} of "
                    f"the minimum in {answer['steps']} steps: if it zigzags, lower "
                    "the momentum or the learning rate; if it crawls, raise them",
                ),
                (
                    answer["winner"] == "momentum",
                    _won(gd_steps, momentum_steps),
                    "momentum did not win: "
                    f"GD {_arrival(gd_steps, self.tolerance)}, momentum "
                    f"{_arrival(momentum_steps, self.tolerance)}; a momentum "
                    "near 0.9 with a rate near 1e-2 lets the velocity build up "
                    "along the valley floor",
                ),
            ]
        )


_WINNERS = {
    "momentum": "Momentum wins.",
    "gd": "Gradient descent wins.",
    "tie": "A tie.",
    "none": "Neither run arrived.",
}


def _winner(gd_steps: int | None, momentum_steps: int | None) -> str:
    """Name who arrived first: ``"momentum"``, ``"gd"``, ``"tie"`` or ``"none"``."""
    if gd_steps is None and momentum_steps is None:
        return "none"
    if gd_steps == momentum_steps:
        return "tie"
    if gd_steps is None:
        return "momentum"
    if momentum_steps is None or gd_steps < momentum_steps:
        return "gd"
    return "momentum"


def _arrival(steps: int | None, tolerance: float) -> str:
    """Say when a run arrived, in words."""
    if steps is None:
        return f"not within {tolerance:g} of the minimum by the end"
    return f"within {tolerance:g} of the minimum from step {steps}"


def _won(gd_steps: int | None, momentum_steps: int | None) -> str:
    """Say by how much momentum won."""
    if gd_steps is None:
        return f"momentum won: it arrived at step {momentum_steps}, GD never did"
    margin = gd_steps - (momentum_steps or 0)
    return f"momentum won by {margin} steps ({momentum_steps} against {gd_steps})"
