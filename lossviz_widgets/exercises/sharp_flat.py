"""Sharp against flat minima: which well keeps its runs when gradients are noisy.

Two wells of equal depth, one narrow and one wide, hold half of many runs
each. Every run then takes gradient steps with noise added, as minibatch
training does. A kick that throws a point out of the narrow well hardly
moves it in the wide one, so as the noise grows the runs leave the sharp
well and gather in the flat one.
"""

from __future__ import annotations

import logging
from typing import Any

import bqplot
import ipywidgets
import numpy as np
import traitlets
from traitlets import Float, observe, validate

from lossviz_widgets.engine import get_surface, stable_step_size
from lossviz_widgets.engine.optimizers import NoisyGD
from lossviz_widgets.exercises._concepts import (
    WellCounts,
    float32,
    settle_in_wells,
    well_starts,
)
from lossviz_widgets.exercises.base import Exercise, Verdict, verdict_from
from lossviz_widgets.model import MAX_STEPS, LandscapeModel
from lossviz_widgets.notices import guarded
from lossviz_widgets.views import ContourView

__all__ = ["MAJORITY", "NOISE_RANGE", "SharpFlatMinima"]

log = logging.getLogger(__name__)

#: The share of runs the flat well must hold for the answer to count.
MAJORITY = 2 / 3

#: The noise levels the slider offers, those of the engine's NoisyGD.
NOISE_RANGE = (0.0, 10.0)

#: The colour and legend of the ends of the runs by the well they settle in.
_ENDS = {
    "sharp": ("#f58518", "ends in the sharp well"),
    "flat": ("#4c78a8", "ends in the flat well"),
    "elsewhere": ("#bab0ac", "ends elsewhere"),
}
_ANSWERS = [("The sharp well", "sharp"), ("The flat well", "flat")]


def _whole(name: str, value: Any, low: int, high: int) -> int:
    """Return ``value`` if it is a whole number in ``[low, high]``, else raise."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        message = f"{name} must be a whole number, got {value!r}"
        raise TypeError(message)
    if not low <= value <= high:
        message = f"{name} must lie in [{low}, {high}], got {value}"
        raise ValueError(message)
    return int(value)


class SharpFlatMinima(Exercise):
    """Raise the gradient noise and count the runs left in each well.

    Parameters
    ----------
    noise : float
        The standard deviation of the gradient noise, in [0, 10].
    lr : float
        The learning rate, positive and below 2/λmax of the sharp well,
        where plain gradient descent would leave that well even without noise.
    steps : int
        Noisy steps of every run, from 10 to 5000.
    starts : int
        How many runs, from 2 to 200; every other one starts in the sharp well.
    seed : int
        Seed of the starts and of the noise, at least 0.
    locked : bool
        Disable the noise slider.
    width : int
        Width of the contour map in pixels, at least 200.

    Attributes
    ----------
    noise : float
        The noise of the runs shown; writable.
    noise_slider : ipywidgets.FloatSlider
        The noise.
    choice : ipywidgets.RadioButtons
        The student's answer: None, ``"sharp"`` or ``"flat"``.
    counts : WellCounts
        Where the runs ended and the well each settled in.
    tried : dict of float to float
        The share of runs in the flat well at each noise level tried.
    view : ContourView
        The wells, the starts and the ends coloured by well.
    trend : bqplot.Figure
        The share in the flat well against the noise levels tried.

    Examples
    --------
    >>> exercise = SharpFlatMinima(starts=20)
    >>> exercise.answer["sharp"], exercise.answer["flat"]
    (10, 10)
    >>> exercise.noise = 4.0
    >>> exercise.choice.value = "flat"
    >>> exercise.answer["sharp"] < 5, exercise.check().passed
    (True, True)
    """

    title = "Sharp against flat minima: which survives noise?"
    instruction = (
        "Two wells are equally deep: a sharp, narrow one on the left and a flat, "
        "wide one on the right. Half of the runs start in each and take noisy "
        "gradient steps, as minibatch training does. Raise the noise and watch "
        "where the runs end. Which well keeps its runs?"
    )

    noise = Float(0.0, help="Standard deviation of the gradient noise.")

    def __init__(
        self,
        noise: float = 0.0,
        *,
        lr: float = 0.05,
        steps: int = 400,
        starts: int = 40,
        seed: int = 0,
        locked: bool = False,
        width: int = 420,
    ) -> None:
        self.surface = get_surface("sharp_flat")
        sharp = min(self.surface.critical_points, key=lambda point: point.x)
        limit = float(stable_step_size(self.surface.hessian(sharp.x, sharp.y)))
        if isinstance(lr, bool) or not isinstance(lr, (int, float)):
            message = f"lr must be a number, got {lr!r}"
            raise TypeError(message)
        if not 0 < lr < limit:
            message = (
                f"lr must lie in (0, {limit:.4g}), below 2/λmax of the sharp "
                f"well, got {lr!r}"
            )
            raise ValueError(message)
        self.lr = float(lr)
        if isinstance(noise, bool) or not isinstance(noise, (int, float)):
            message = f"noise must be a number, got {noise!r}"
            raise TypeError(message)
        if not NOISE_RANGE[0] <= noise <= NOISE_RANGE[1]:
            message = f"noise must lie in {list(NOISE_RANGE)}, got {noise!r}"
            raise ValueError(message)
        self.steps = _whole("steps", steps, 10, MAX_STEPS)
        self.seed = _whole("seed", seed, 0, 2**32 - 1)
        self.starts = well_starts(self.surface, _whole("starts", starts, 2, 200), seed)
        self.tried: dict[float, float] = {}

        self.model = LandscapeModel(self.surface, runs=[])
        # A click on this map means nothing: the starts are the exercise's.
        self.view = ContourView(self.model, width=width, on_click=lambda x, y: None)
        self._build_marks()
        self._build_trend(width)
        self.noise_slider = ipywidgets.FloatSlider(
            value=noise, min=NOISE_RANGE[0], max=NOISE_RANGE[1], step=0.25,
            description="gradient noise", continuous_update=False,
            style={"description_width": "initial"},
        )  # fmt: skip
        self.choice = ipywidgets.RadioButtons(
            options=_ANSWERS, value=None, description="Which well survives noise?"
        )
        self.choice.style.description_width = "initial"
        self.tally = ipywidgets.HTML()
        pictures = ipywidgets.HBox(
            [self.view, self.trend], layout=ipywidgets.Layout(flex_flow="row wrap")
        )
        body = [self.noise_slider, self.tally, pictures, self.choice]
        super().__init__(body, locked=locked)

        self._experiment = guarded(self.notice, log, "running the noisy descent")(
            self._experiment
        )
        self.noise = noise
        if not self.tried:
            self._experiment()
        traitlets.link((self.noise_slider, "value"), (self, "noise"))
        self._lockable(self.noise_slider)

    # -- building ----------------------------------------------------------

    def _build_marks(self) -> None:
        """Add the starts and, one mark per well, the ends of the runs."""
        scales = self.view.scales
        x, y = float32(self.starts[:, 0]), float32(self.starts[:, 1])
        start_marks = bqplot.Scatter(
            x=x, y=y, scales=scales, colors=["#ffffff"], fill=False,
            default_size=24, labels=["starts"], display_legend=True,
        )  # fmt: skip
        style = {
            "scales": scales, "stroke": "#222222", "default_size": 48,
            "visible": False,
        }  # fmt: skip
        self.end_marks = {
            label: bqplot.Scatter(x=x, y=y, colors=[color], labels=[legend], **style)
            for label, (color, legend) in _ENDS.items()
        }
        self.view.add_marks(start_marks, *self.end_marks.values())

    def _build_trend(self, width: int) -> None:
        """Make the picture of the share in the flat well against the noise."""
        scales = {
            "x": bqplot.LinearScale(min=NOISE_RANGE[0], max=NOISE_RANGE[1]),
            "y": bqplot.LinearScale(min=0.0, max=1.0),
        }
        self.trend_line = bqplot.Lines(
            x=float32([0.0]), y=float32([0.5]), scales=scales,
            colors=[_ENDS["flat"][0]], marker="circle", marker_size=40,
        )  # fmt: skip
        goal = bqplot.Lines(
            x=float32(NOISE_RANGE), y=float32([MAJORITY, MAJORITY]),
            scales=scales, colors=["#888888"], line_style="dashed",
        )  # fmt: skip
        axes = [
            bqplot.Axis(scale=scales["x"], label="gradient noise"),
            bqplot.Axis(
                scale=scales["y"], label="share in the flat well",
                side="left", tick_format=".0%",
            ),
        ]  # fmt: skip
        self.trend = bqplot.Figure(
            marks=[goal, self.trend_line],
            axes=axes,
            title="Noise levels tried",
            animation_duration=0,
            fig_margin={"top": 36, "bottom": 40, "left": 56, "right": 12},
            layout=ipywidgets.Layout(width=f"{width}px", height=f"{width}px"),
        )

    # -- following the student ---------------------------------------------

    @validate("noise")
    def _valid_noise(self, proposal: dict[str, Any]) -> float:
        value = proposal["value"]
        if not NOISE_RANGE[0] <= value <= NOISE_RANGE[1]:
            message = f"noise must lie in {list(NOISE_RANGE)}, got {value!r}"
            raise traitlets.TraitError(message)
        return float(value)

    @observe("noise")
    def _noise_changed(self, change: dict[str, Any]) -> None:
        self._experiment()

    def _experiment(self) -> None:
        """Run every start with the current noise and show where the runs end."""
        optimizer = NoisyGD(lr=self.lr, noise=self.noise, seed=self.seed)
        self.counts: WellCounts = settle_in_wells(
            self.surface, optimizer, self.starts, self.steps
        )
        self.tried[self.noise] = self.counts.flat_share
        for label, mark in self.end_marks.items():
            ends = self.counts.ends[self.counts.labels == label]
            with mark.hold_sync():
                if len(ends):
                    mark.x, mark.y = float32(ends[:, 0]), float32(ends[:, 1])
                mark.visible = mark.display_legend = bool(len(ends))
        levels = sorted(self.tried)
        with self.trend_line.hold_sync():
            self.trend_line.x = float32(levels)
            self.trend_line.y = float32([self.tried[level] for level in levels])
        sharp, flat = self.counts.count("sharp"), self.counts.count("flat")
        elsewhere = self.counts.count("elsewhere")
        self.tally.value = (
            f"Noise {self.noise:g}: <b>{sharp}</b> runs ended in the sharp well, "
            f"<b>{flat}</b> in the flat well"
            + (f", {elsewhere} elsewhere." if elsewhere else ".")
        )

    # -- the answer ----------------------------------------------------------

    @property
    def answer(self) -> dict[str, Any]:
        """The noise, the runs in each well, the levels tried and the choice."""
        counts = self.counts
        return {
            "noise": float(self.noise),
            "sharp": counts.count("sharp"),
            "flat": counts.count("flat"),
            "elsewhere": counts.count("elsewhere"),
            "runs": len(counts.labels),
            "flat_share": counts.flat_share,
            "tried": [
                [float(level), self.tried[level]] for level in sorted(self.tried)
            ],
            "choice": self.choice.value,
        }

    def check(self) -> Verdict:
        """Check that the flat well holds most runs and the choice is the flat well."""
        answer = self.answer
        held = (
            f"At noise {answer['noise']:g} the flat well holds {answer['flat']} "
            f"of {answer['runs']} runs"
        )
        choice = answer["choice"]
        return verdict_from(
            [
                (
                    answer["flat_share"] >= MAJORITY,
                    f"{held}.",
                    f"{held}: raise the noise until it holds at least two thirds, "
                    "and watch which well the runs leave.",
                ),
                (
                    choice == "flat",
                    "The flat well survives noise: a kick that throws a point out "
                    "of the narrow well hardly moves it in the wide one.",
                    "Answer the question: which well survives noise?"
                    if choice is None
                    else "Look again: which well loses its runs as the noise grows?",
                ),
            ]
        )
