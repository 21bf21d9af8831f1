"""Small and large learning rates on the banana valley: progress or overshoot.

Two gradient-descent runs start where the course page starts them on
``x² + 5(y − x²)²``. Each has its own learning rate; the student plays
them, then says which run overshoots and which makes little progress.
The check compares the answers with what the paths measurably did.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import ipywidgets
import numpy as np

from lossviz_widgets.engine import Trajectory, stable_step_size
from lossviz_widgets.engine.optimizers import GD
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

__all__ = [
    "CHOICES",
    "PROGRESS_FACTOR",
    "BananaLearningRates",
    "RunBehaviour",
    "behaviour",
]

log = logging.getLogger(__name__)

#: The answers each question offers.
CHOICES = ("run A", "run B", "both", "neither")

#: A run makes progress when its loss falls by at least this factor.
PROGRESS_FACTOR = 10.0

# Steps shorter than this share of the domain, and loss rises smaller than
# this share of the loss, are rounding noise near a minimum, not overshoot.
_SHORT_STEP = 1e-9
_NOISE = 1e-12


@dataclass(frozen=True)
class RunBehaviour:
    """What one descent did: whether it overshot, and how far its loss fell.

    Attributes
    ----------
    turns : int
        Steps that turned back against the step before (a negative dot
        product): the path went past the lowest point along its direction.
    rises : int
        Steps after which the loss was higher than before.
    diverged : bool
        Whether the run left the finite world.
    start_loss, final_loss : float
        The loss at the start and at the last good step.

    Examples
    --------
    >>> crawl = RunBehaviour(0, 0, False, start_loss=5.0, final_loss=1.6)
    >>> crawl.overshoots, crawl.little_progress
    (False, True)
    """

    turns: int
    rises: int
    diverged: bool
    start_loss: float
    final_loss: float

    @property
    def loss_ratio(self) -> float:
        """The final loss over the start loss (1 when the start loss is 0)."""
        return self.final_loss / self.start_loss if self.start_loss > 0 else 1.0

    @property
    def overshoots(self) -> bool:
        """Whether the run turned back, climbed or diverged."""
        return self.diverged or self.turns > 0 or self.rises > 0

    @property
    def little_progress(self) -> bool:
        """Whether the loss fell by less than :data:`PROGRESS_FACTOR`."""
        return self.loss_ratio > 1 / PROGRESS_FACTOR


def behaviour(trajectory: Trajectory, span: float) -> RunBehaviour:
    """Measure overshoot and progress of a single run.

    Parameters
    ----------
    trajectory : Trajectory
        One run; a diverged run is measured up to its last good step.
    span : float
        The longer side of the domain: steps far shorter are ignored.

    Examples
    --------
    >>> from lossviz_widgets.engine import descend, get_surface
    >>> from lossviz_widgets.engine.optimizers import GD
    >>> bowl = get_surface("convex_bowl")
    >>> behaviour(descend(bowl, GD(lr=0.5), (1.0, 1.0), 10), 4.0).turns
    0
    >>> zigzag = behaviour(descend(bowl, GD(lr=1.5), (1.0, 1.0), 10), 4.0)
    >>> zigzag.turns, zigzag.overshoots, zigzag.little_progress
    (9, True, False)
    """
    end = trajectory.last_good_step + 1
    points, values = trajectory.points[:end], trajectory.values[:end]
    steps = np.diff(points, axis=0)
    long = np.hypot(steps[:, 0], steps[:, 1]) > _SHORT_STEP * span
    back = np.einsum("ij,ij->i", steps[1:], steps[:-1]) < 0
    turns = int(np.count_nonzero(back & long[1:] & long[:-1]))
    rise = np.diff(values) > _NOISE * (1 + np.abs(values[:-1]))
    diverged = trajectory.diverged_at is not None
    rises = int(np.count_nonzero(rise))
    return RunBehaviour(turns, rises, diverged, float(values[0]), float(values[-1]))


def _which(first: bool, second: bool) -> str:
    """Name the runs for which a statement holds, as the questions offer."""
    return {(1, 0): "run A", (0, 1): "run B", (1, 1): "both"}.get(
        (int(first), int(second)), "neither"
    )


class BananaLearningRates(Exercise):
    """Two learning rates on the banana valley: which overshoots, which crawls.

    Parameters
    ----------
    lr_a, lr_b : float
        The learning rates of runs A and B, in ``[1e-5, 0.1]``.
    steps : int
        Steps each run takes, in ``[10, 2000]``.
    locked : bool
        Fix the learning rates; the questions stay open.

    Attributes
    ----------
    model : LandscapeModel
        Run A is ``model.runs[0]``, run B ``model.runs[1]``.
    lr_sliders : tuple of ipywidgets.FloatLogSlider
        The learning rates of A and B; ``lr_sliders[1].value = 0.05`` sets
        B's from code.
    overshoot_question, progress_question : ipywidgets.RadioButtons
        The student's answers, one of ``"run A"``, ``"run B"``, ``"both"``,
        ``"neither"`` or ``None`` (unanswered).
    contour, player, curves : ContourView, PathPlayer, LossCurves
        The map, the player and the loss curves of both runs.

    Examples
    --------
    >>> exercise = BananaLearningRates()
    >>> exercise.answer["lr_a"], exercise.answer["lr_b"]
    (0.0001, 0.01)
    >>> exercise.progress_question.value = "run A"
    >>> exercise.overshoot_question.value = "neither"
    >>> exercise.check().passed
    True
    """

    title = "Learning rate: overshoot or progress?"
    instruction = (
        "Two gradient-descent runs start at (−1.5, 1.5) on the banana valley "
        "x² + 5(y − x²)². Play them with learning rates 1e-4 and 1e-2, then "
        "raise a rate towards 0.1 and play again. For the rates you leave set, "
        "say which run overshoots (turns back across the valley or climbs) "
        "and which makes little progress (its loss falls less than 10×)."
    )

    def __init__(
        self,
        lr_a: float = 1e-4,
        lr_b: float = 1e-2,
        *,
        steps: int = 200,
        locked: bool = False,
    ) -> None:
        rates = [
            check_number(name, lr, *LR_RANGE)
            for name, lr in (("lr_a", lr_a), ("lr_b", lr_b))
        ]
        runs = [
            Run(GD(lr=lr), start=BANANA_START, color=PALETTE[i], label=_label(i, lr))
            for i, lr in enumerate(rates)
        ]
        self.model = LandscapeModel("banana", runs, steps=check_steps(steps))
        self.contour, self.player, self.curves = race_views(self.model)
        self.lr_sliders = tuple(
            lr_slider(lr, f"lr {'AB'[i]}") for i, lr in enumerate(rates)
        )
        self.overshoot_question = _question("Which run overshoots?")
        self.progress_question = _question("Which run makes little progress?")

        questions = ipywidgets.VBox(
            [
                *self.lr_sliders,
                ipywidgets.HTML("<b>Which run overshoots?</b>"),
                self.overshoot_question,
                ipywidgets.HTML("<b>Which run makes little progress?</b>"),
                self.progress_question,
            ]
        )
        top = ipywidgets.HBox([self.contour, questions])
        super().__init__([top, self.player, self.curves], locked=locked)
        self._lockable(*self.lr_sliders)

        guard = guarded(self.notice, log, "changing the learning rate")
        for index, slider in enumerate(self.lr_sliders):
            slider.observe(guard(self._rate_changer(index)), names="value")

    def _rate_changer(self, index: int) -> Any:
        """Return the callback that gives run ``index`` a slider's rate."""

        def change_rate(change: dict[str, Any]) -> None:
            run = self.model.runs[index]
            with run.hold_trait_notifications():
                run.optimizer = GD(lr=float(change["new"]))
                run.label = _label(index, float(change["new"]))

        return change_rate

    def behaviours(self) -> tuple[RunBehaviour, RunBehaviour]:
        """Measure what runs A and B did, in that order."""
        span = self.model.surface.domain.span
        first, second = (behaviour(r.trajectory, span) for r in self.model.runs)
        return first, second

    @property
    def answer(self) -> dict[str, Any]:
        """Both rates, the steps, both final losses and the student's choices."""
        losses = [run.final_loss for run in self.behaviours()]
        return {
            "lr_a": float(self.lr_sliders[0].value),
            "lr_b": float(self.lr_sliders[1].value),
            "steps": int(self.model.steps),
            "final_loss_a": losses[0],
            "final_loss_b": losses[1],
            "overshoots": self.overshoot_question.value,
            "little_progress": self.progress_question.value,
        }

    def check(self) -> Verdict:
        """Require rates 10× apart and answers that match the measured runs."""
        low, high = sorted(slider.value for slider in self.lr_sliders)
        ratio = high / low
        first, second = self.behaviours()
        overshoot = _which(first.overshoots, second.overshoots)
        crawl = _which(first.little_progress, second.little_progress)
        hessian = self.model.surface.hessian_at(np.array(BANANA_START))
        limit = float(stable_step_size(hessian))
        return verdict_from(
            [
                (
                    ratio >= 10 * (1 - 1e-9),
                    f"the rates differ {ratio:.3g}×, enough to compare",
                    f"the rates differ only {ratio:.3g}×: make one at least 10× "
                    "the other, e.g. 1e-4 and 1e-2",
                ),
                _answered(
                    self.overshoot_question.value,
                    overshoot,
                    "which run overshoots",
                    f"{overshoot} overshoots: {_turns(first, second)}",
                    "play the runs and watch for a step that turns back across "
                    "the valley floor or a loss that rises; at the start "
                    f"2/λmax = {limit:.3g}",
                ),
                _answered(
                    self.progress_question.value,
                    crawl,
                    "which run makes little progress",
                    f"{crawl} makes little progress: {_ratios(first, second)}",
                    "compare how far each loss curve falls: less than 10× is little",
                ),
            ]
        )


def _label(index: int, lr: float) -> str:
    """Name a run in legends by its letter and rate."""
    return f"{'AB'[index]}: lr {lr:.1e}"


def _question(tooltip: str) -> ipywidgets.RadioButtons:
    """Offer the four answers, none chosen."""
    return ipywidgets.RadioButtons(options=CHOICES, value=None, tooltip=tooltip)


def _answered(
    choice: str | None, truth: str, question: str, right: str, hint: str
) -> tuple[bool, str, str]:
    """Judge one question: unanswered and wrong answers get the hint."""
    if choice is None:
        return (False, right, f"{question}? Not answered yet: {hint}")
    wrong = f"{question}? {choice!r} is not what the runs did: {hint}"
    return (choice == truth, right, wrong)


def _turns(first: RunBehaviour, second: RunBehaviour) -> str:
    """Say how often each run turned back, climbed or diverged."""
    parts = []
    for name, run in (("A", first), ("B", second)):
        said = f"{name} turned back {run.turns}× and climbed {run.rises}×"
        parts.append(said + (" before diverging" if run.diverged else ""))
    return "; ".join(parts)


def _ratios(first: RunBehaviour, second: RunBehaviour) -> str:
    """Say by how much each loss fell."""
    return "; ".join(
        f"{name}'s loss went from {run.start_loss:.3g} to {run.final_loss:.3g}"
        for name, run in (("A", first), ("B", second))
    )
