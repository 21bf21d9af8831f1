"""Overparameterization: a two-weight network against its one-weight version.

The network ``x ↦ w₁w₂x`` fitted to the input 1 with the target 1 has the
loss ``(w₁w₂ − 1)²``: every point of the hyperbola ``w₁w₂ = 1`` is a
minimum, all of them the same function. The one-weight model ``x ↦ wx``
fitted to the same data has the loss ``(w − 1)²``, a parabola with one
minimum. Gradient descent on the two weights lands somewhere on the valley,
where depends on the start; on the one weight it always lands at ``w = 1``.
"""

from __future__ import annotations

import html
import logging
from typing import Any

import bqplot
import ipywidgets
import numpy as np
import traitlets

from lossviz_widgets.engine import descend, get_surface
from lossviz_widgets.engine.optimizers import GD
from lossviz_widgets.exercises._mini import check_number
from lossviz_widgets.exercises._terrain import (
    one_weight_loss,
    points_in,
    whole_number_in,
)
from lossviz_widgets.exercises.base import Exercise, Verdict, verdict_from
from lossviz_widgets.model import MAX_STEPS, PALETTE, LandscapeModel, Run
from lossviz_widgets.notices import guarded
from lossviz_widgets.views import ContourView

__all__ = ["Overparameterization"]

log = logging.getLogger(__name__)

#: Starts on the diagonal w₁ = w₂: every run from them ends at (1, 1).
DEFAULT_STARTS = ((0.3, 0.3), (0.8, 0.8), (1.8, 1.8))
#: What the student may answer to "how many minima?".
COUNTS = ("one", "two", "infinitely many")
#: A run whose final loss is below this has reached the valley of minima.
VALLEY_LOSS = 1e-6
#: End points closer than this count as the same point, and products closer
#: than this as the same function.
SAME_POINT = 0.1
SAME_PRODUCT = 1e-3


def _point(point: Any) -> str:
    """Write a point with three decimals."""
    return f"({point[0]:.3f}, {point[1]:.3f})"


def _table(rows: list[tuple[str, ...]]) -> str:
    """Write rows of text as an HTML table, the first row as its header."""
    tags = ["th"] + ["td"] * (len(rows) - 1)
    cells = [
        "".join(f"<{tag}>{html.escape(cell)}</{tag}>" for cell in row)
        for tag, row in zip(tags, rows, strict=True)
    ]
    return "<table>" + "".join(f"<tr>{row}</tr>" for row in cells) + "</table>"


class Overparameterization(Exercise):
    """Many minima with two weights, one with one weight: run GD and compare.

    Parameters
    ----------
    starts : sequence of (float, float)
        Where the runs on the two weights start, 2 to 6 of them, inside
        ``[−2, 2]²``; by default three points of the diagonal, which all
        end at ``(1, 1)``.
    lr : float
        Learning rate of every run, in (0, 0.5].
    steps : int
        Steps of every run, in [10, 5000].
    locked : bool
        Fix the starts: the sliders, the run picker and clicks on the map
        no longer move them. The answers stay open.

    Attributes
    ----------
    model : LandscapeModel
        The two-weight loss and its runs; ``model.runs[i].start`` is
        writable from code, and so is :attr:`starts`.
    run_choice : ipywidgets.ToggleButtons
        Which run the sliders and clicks move (its index).
    w1_slider, w2_slider : ipywidgets.FloatSlider
        The start of the chosen run.
    one_weight_answer, two_weight_answer : ipywidgets.Dropdown
        How many minima each model has: one of :data:`COUNTS`, or ``""``.
    contour : ContourView
        The map of the two-weight loss.
    one_weight_figure : bqplot.Figure
        The one-weight loss with the path of GD from the product ``w₁w₂``
        of each start.

    Examples
    --------
    >>> exercise = Overparameterization()
    >>> answer = exercise.answer
    >>> np.round(answer["ends"], 6).tolist(), np.round(answer["one_weight_ends"], 6)
    ([[1.0, 1.0], [1.0, 1.0], [1.0, 1.0]], array([1., 1., 1.]))
    >>> exercise.starts = [(0.3, 0.3), (2.0, 0.2), (-0.5, -1.5)]
    >>> [round(p, 6) for p in exercise.answer["products"]]
    [1.0, 1.0, 1.0]
    >>> exercise.one_weight_answer.value = "one"
    >>> exercise.two_weight_answer.value = "infinitely many"
    >>> exercise.check().passed
    True
    """

    title = "Overparameterization: one weight or two"
    instruction = (
        "Left: the loss (w₁w₂ − 1)² of a two-weight linear network. Right: "
        "the loss (w − 1)² of the one-weight model w·x fitted to the same "
        "data. Move the starts (pick a run, then click the map or use the "
        "sliders) until two runs end at different points with the same "
        "product w₁w₂, say how many minima each model has, and press Check."
    )

    def __init__(
        self,
        *,
        starts: Any = DEFAULT_STARTS,
        lr: float = 0.05,
        steps: int = 200,
        locked: bool = False,
    ) -> None:
        lr = check_number("lr", lr, 0.0, 0.5, positive=True)
        steps = whole_number_in("steps", steps, 10, MAX_STEPS)
        surface = get_surface("linear_network")
        points = points_in("starts", starts, surface, 2, 6)
        runs = [
            Run(GD(lr=lr), start=p, color=PALETTE[i], label=f"run {i + 1}")
            for i, p in enumerate(points)
        ]
        self.model = LandscapeModel(surface, runs, steps=steps, resolution=120)
        self._fixed, self._syncing = list(points), False

        self.run_choice = ipywidgets.ToggleButtons(
            options=[(f"run {i + 1}", i) for i in range(len(points))],
            description="move",
            style={"button_width": "60px"},
        )
        slider = {"min": -2.0, "max": 2.0, "step": 0.01, "continuous_update": False}
        w1, w2 = points[0]
        self.w1_slider = ipywidgets.FloatSlider(w1, description="start w₁", **slider)
        self.w2_slider = ipywidgets.FloatSlider(w2, description="start w₂", **slider)
        answers = {"options": [("choose…", ""), *zip(COUNTS, COUNTS, strict=True)]}
        answers["style"] = {"description_width": "initial"}
        self.one_weight_answer, self.two_weight_answer = (
            ipywidgets.Dropdown(description=text, **answers)
            for text in ("Minima of w·x:", "Minima of w₁w₂·x:")
        )
        self.contour = ContourView(self.model, width=400)
        self._build_one_weight_figure()
        self.table = ipywidgets.HTML()
        super().__init__(
            [
                ipywidgets.HBox([self.run_choice, self.w1_slider, self.w2_slider]),
                ipywidgets.HBox([self.contour, self.one_weight_figure]),
                self.table,
                ipywidgets.HBox([self.one_weight_answer, self.two_weight_answer]),
            ],
            locked=locked,
        )
        self._lockable(self.run_choice, self.w1_slider, self.w2_slider)
        self._connect()
        self._redraw()

    def _build_one_weight_figure(self) -> None:
        """Draw the parabola (w − 1)² with one path per run."""
        box = one_weight_loss().domain
        self._w_scale = bqplot.LinearScale(min=box.x_min - 0.2, max=box.x_max + 0.2)
        self._f_scale = bqplot.LinearScale(min=-0.5, max=(box.x_min - 1) ** 2 + 1)
        scales = {"x": self._w_scale, "y": self._f_scale}
        w = np.linspace(box.x_min, box.x_max, 161, dtype=np.float32)
        curve = bqplot.Lines(
            x=w, y=(w - 1) ** 2, scales=scales, colors=["#555555"], stroke_width=1.5
        )
        self.one_weight_paths = [
            bqplot.Lines(x=w[:2], y=w[:2], scales=scales, colors=[run.color],
                         marker="circle", marker_size=12, labels=[run.label])
            for run in self.model.runs
        ]  # fmt: skip
        axes = [
            bqplot.Axis(scale=self._w_scale, label="w"),
            bqplot.Axis(scale=self._f_scale, label="(w − 1)²", side="left"),
        ]
        self.one_weight_figure = bqplot.Figure(
            marks=[curve, *self.one_weight_paths],
            axes=axes,
            title="One weight: GD from w = w₁w₂ of each start",
            animation_duration=0,
            layout=ipywidgets.Layout(width="360px", height="360px"),
            fig_margin={"top": 36, "bottom": 40, "left": 48, "right": 12},
        )

    def _connect(self) -> None:
        """Follow the run picker, the sliders, the clicks and the runs."""
        guard = guarded(self.notice, log, "moving a start")
        self._link = traitlets.link(
            (self.run_choice, "value"), (self.model, "selected")
        )
        self.run_choice.observe(guard(self._show_start), names="value")
        for slider in (self.w1_slider, self.w2_slider):
            slider.observe(guard(self._on_slider), names="value")
        redraw = guarded(self.notice, log, "drawing the runs")(self._redraw)
        for run in self.model.runs:
            run.observe(guard(self._on_start), names="start")
            run.observe(redraw, names="trajectory")

    # -- following the student -------------------------------------------------

    @property
    def starts(self) -> list[tuple[float, float]]:
        """The start of every run; assign a list of points to move them all."""
        return [run.start for run in self.model.runs]

    @starts.setter
    def starts(self, points: Any) -> None:
        count = len(self.model.runs)
        self._fixed = points_in("starts", points, self.model.surface, count, count)
        for run, point in zip(self.model.runs, self._fixed, strict=True):
            run.start = point

    def _on_slider(self, change: dict[str, Any]) -> None:
        """Move the chosen run's start to the sliders."""
        if not self._syncing:
            run = self.model.runs[self.run_choice.value]
            run.start = (self.w1_slider.value, self.w2_slider.value)

    def _on_start(self, change: dict[str, Any]) -> None:
        """Keep a locked start in place; otherwise show it on the sliders."""
        index = self.model.runs.index(change["owner"])
        if self.locked and change["new"] != self._fixed[index]:
            change["owner"].start = self._fixed[index]
            self.notice.show("The starts are fixed in this exercise.", "info")
            return
        self._fixed[index] = change["new"]
        self._show_start()

    def _show_start(self, change: dict[str, Any] | None = None) -> None:
        """Set the sliders to the chosen run's start without moving it."""
        self._syncing = True
        try:
            start = self.model.runs[self.run_choice.value].start
            self.w1_slider.value, self.w2_slider.value = start
        finally:
            self._syncing = False

    def _one_weight_runs(self) -> Any:
        """Run GD on the one weight from the product w₁w₂ of each start."""
        starts = [(w1 * w2, 0.0) for w1, w2 in self.starts]
        run = self.model.runs[0]
        return descend(one_weight_loss(), run.optimizer, starts, self.model.steps)

    def _redraw(self, change: dict[str, Any] | None = None) -> None:
        """Draw the one-weight paths and list where every run ended."""
        batch = self._one_weight_runs()
        for index, mark in enumerate(self.one_weight_paths):
            with mark.hold_sync():
                mark.x = batch.points[:, index, 0].astype(np.float32)
                mark.y = batch.values[:, index].astype(np.float32)
        header = ("run", "start (w₁, w₂)", "end", "w₁w₂", "loss", "one weight ends")
        rows = [
            (run.label, _point(run.start), _point(end), f"{end[0] * end[1]:.4f}",
             f"{run.trajectory.values[-1]:.2e}", f"w = {batch.points[-1, i, 0]:.4f}")
            for i, run in enumerate(self.model.runs)
            for end in [run.trajectory.points[-1]]
        ]  # fmt: skip
        self.table.value = _table([header, *rows])

    # -- answer and check ------------------------------------------------------

    @property
    def answer(self) -> dict[str, Any]:
        """The starts, where each run ended, and the student's two answers."""
        ends = [run.trajectory.points[-1] for run in self.model.runs]
        batch = self._one_weight_runs()
        return {
            "lr": self.model.runs[0].optimizer.lr,
            "steps": self.model.steps,
            "starts": [list(start) for start in self.starts],
            "ends": [end.tolist() for end in ends],
            "products": [float(end[0] * end[1]) for end in ends],
            "losses": [float(run.trajectory.values[-1]) for run in self.model.runs],
            "one_weight_starts": batch.points[0, :, 0].tolist(),
            "one_weight_ends": batch.points[-1, :, 0].tolist(),
            "minima_one_weight": self.one_weight_answer.value,
            "minima_two_weights": self.two_weight_answer.value,
        }

    def check(self) -> Verdict:
        """Ask for two runs ending apart on the valley, and both answers right."""
        answer = self.answer
        ends, products = np.array(answer["ends"]), answer["products"]
        valley = [i for i, f in enumerate(answer["losses"]) if f < VALLEY_LOSS]
        missed = [
            f"run {i + 1} stalled at the saddle (0, 0), where starts on the line "
            "w₁ = −w₂ lead"
            if np.hypot(*ends[i]) < SAME_POINT
            else f"run {i + 1} has not settled in {answer['steps']} steps"
            for i in range(len(ends))
            if i not in valley
        ]
        checks = [
            (
                len(valley) >= 2,
                f"{len(valley)} runs reached the valley w₁w₂ = 1",
                f"only {len(valley)} run(s) reached the valley w₁w₂ = 1: "
                + "; ".join(missed),
            )
        ]
        apart = [
            (i, j)
            for i in valley
            for j in valley
            if i < j
            and np.hypot(*(ends[i] - ends[j])) > SAME_POINT
            and abs(products[i] - products[j]) < SAME_PRODUCT
        ]
        if len(valley) >= 2:
            i, j = apart[0] if apart else (valley[0], valley[0])
            checks.append(
                (
                    bool(apart),
                    f"runs {i + 1} and {j + 1} end at different points, "
                    f"{_point(ends[i])} and {_point(ends[j])}, with the same "
                    f"product w₁w₂ = {products[i]:.4f}: the same function",
                    f"every run on the valley ended near {_point(ends[i])}: start a "
                    "run off the diagonal w₁ = w₂ to land elsewhere on the valley",
                )
            )
        return verdict_from(
            [
                *checks,
                (
                    answer["minima_one_weight"] == "one",
                    "the one-weight model has one minimum, w = 1",
                    "how many minima has (w − 1)²? Every one-weight run ends at "
                    "the same w",
                ),
                (
                    answer["minima_two_weights"] == "infinitely many",
                    "the two-weight network has infinitely many minima: every "
                    "point of the hyperbola w₁w₂ = 1",
                    "how many minima has (w₁w₂ − 1)²? Every point with w₁w₂ = 1 "
                    "has loss 0",
                ),
            ]
        )
