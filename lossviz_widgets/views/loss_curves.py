"""LossCurves: the loss and the gradient norm of every run, step by step.

Both are drawn on log scales, where steady convergence is a straight line.
A loss may be negative, so the left picture shows ``f − f_ref``, where
``f_ref`` lies a little below every value drawn: below the lowest value on
the surface, its known critical values and every run. A diverged run's
curves stop at its last good step. A marker on each curve follows playback
in the browser, and a dashed cursor marks ``model.frame`` when paused.
"""

from __future__ import annotations

import logging
import math
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import ipywidgets
import numpy as np
from bqplot import Axis, Figure, LinearScale, Lines, LogScale, Scatter

from lossviz_widgets.engine import Surface, evaluate_grid
from lossviz_widgets.model import LandscapeModel, Run
from lossviz_widgets.notices import Notice, guarded
from lossviz_widgets.views.playback import playback_steps

__all__ = ["GRADIENT_FLOOR", "LossCurves"]

log = logging.getLogger(__name__)

#: Values below this are drawn at it: a log scale has no zero. Losses stay
#: above it anyway, as f_ref lies below them by a share of the surface's range.
GRADIENT_FLOOR = 1e-12

# f_ref lies this share of the surface's range of values below the lowest value.
_MARGIN = 1e-6
# Larger values are drawn at this one, which float32 still holds.
_LARGEST = 1e38
# The decade of _LARGEST: the top of a log scale.
_TOP_DECADE = 38
_RUN_TRAITS = ["trajectory", "color", "visible", "label", "optimizer"]
_PLACEHOLDER = {"x": np.zeros(2, np.float32), "y": np.ones(2, np.float32)}
# Marks that neither answer the mouse nor set hovered_point themselves.
_QUIET = {"interactions": {}, "enable_hover": False}


def _positive(values: np.ndarray) -> np.ndarray:
    """Values for a log scale, as float32: from GRADIENT_FLOOR to 1e38, no NaN."""
    finite = np.nan_to_num(values, nan=GRADIENT_FLOOR, posinf=_LARGEST)
    return np.clip(finite, GRADIENT_FLOOR, _LARGEST).astype(np.float32)


def _held(*widgets: ipywidgets.Widget) -> ExitStack:
    """Hold the sync of every widget given until the stack closes."""
    stack = ExitStack()
    for widget in widgets:
        stack.enter_context(widget.hold_sync())
    return stack


#: How far, in decades, a value may miss a power of ten and still count as it.
_LOG_SLACK = 1e-6


def _decades(arrays: list[np.ndarray]) -> tuple[float, float]:
    """Whole decades around the positive values of the arrays, (1, 10) if none."""
    values = np.concatenate([a[np.isfinite(a) & (a > 0)] for a in arrays] or [[]])
    if values.size == 0:
        return (1.0, 10.0)
    # In float64, and with a little slack: a float32 power of ten such as
    # the gradient floor lies a hair off the power, and counts as it.
    logs = np.log10(values.astype(np.float64))
    low = int(np.floor(logs.min() + _LOG_SLACK))
    high = max(int(np.ceil(logs.max() - _LOG_SLACK)), low + 1)
    # Whole powers: a float32 power of ten overflows past 1e38, the largest drawn.
    high = min(high, _TOP_DECADE)
    low = min(low, high - 1)
    return (float(np.float32(10.0**low)), float(np.float32(10.0**high)))


@dataclass(frozen=True)
class _RunMarks:
    """The marks of one run: two curves and the markers that play on them."""

    loss: Lines
    gradient: Lines
    loss_marker: Scatter
    gradient_marker: Scatter

    @property
    def all(self) -> tuple[Lines | Scatter, ...]:
        """Every mark of the run."""
        return (self.loss, self.gradient, self.loss_marker, self.gradient_marker)

    @property
    def markers(self) -> tuple[Scatter, Scatter]:
        """The two markers."""
        return (self.loss_marker, self.gradient_marker)


class LossCurves(ipywidgets.VBox):
    """Loss and gradient norm against step for every run, on log scales.

    Parameters
    ----------
    model : LandscapeModel
        The runs to draw.

    Attributes
    ----------
    reference : float
        ``f_ref``, subtracted from every loss drawn.
    loss_figure, gradient_figure : bqplot.Figure
        The two pictures, sharing ``step_scale``.
    loss_scale, gradient_scale : bqplot.LogScale
        Their vertical scales, fitted to whole decades.
    loss_cursor, gradient_cursor : bqplot.Lines
        The dashed lines at ``model.frame``.
    notice : Notice
        The line for errors.

    Examples
    --------
    >>> from lossviz_widgets.model import LandscapeModel
    >>> model = LandscapeModel("styblinski_tang", steps=40)
    >>> curves = LossCurves(model)
    >>> run = model.runs[0]
    >>> bool(curves.reference < run.trajectory.values.min())
    True
    >>> curves.marks(run).loss.y.dtype.name, curves.marks(run).loss.y.shape
    ('float32', (41,))
    >>> model.frame = 7
    >>> curves.loss_cursor.x.tolist()
    [7.0, 7.0]
    """

    def __init__(self, model: LandscapeModel) -> None:
        if not isinstance(model, LandscapeModel):
            message = f"model must be a LandscapeModel, got {model!r}"
            raise TypeError(message)
        self.model = model
        self.notice = Notice()
        self.reference = 0.0
        self._surface: Surface | None = None
        self._floor = (0.0, 1.0)
        self._marks: dict[Run, _RunMarks] = {}
        self._play: ipywidgets.Play | None = None
        self._links: dict[Run, tuple[ipywidgets.Widget, ...]] = {}

        self.step_scale = LinearScale(min=0.0, max=float(model.steps))
        self.loss_scale = LogScale(min=1.0, max=10.0)
        self.gradient_scale = LogScale(min=1.0, max=10.0)
        self.loss_cursor = self._cursor(self.loss_scale)
        self.gradient_cursor = self._cursor(self.gradient_scale)
        self.loss_figure = self._figure("Loss", self.loss_scale, self.loss_cursor)
        self.gradient_figure = self._figure(
            "Gradient norm ‖∇f‖", self.gradient_scale, self.gradient_cursor
        )

        guard = guarded(self.notice, log, "drawing the loss curves")
        self._on_run = guard(self._run_changed)
        for run in model.runs:
            self._add(run)
        guard(self._draw_all)()
        model.observe(guard(lambda _: self._draw_all()), names=["surface", "steps"])
        model.observe(guard(lambda _: self._runs_changed()), names="runs")
        model.observe(guard(lambda _: self._draw_cursors()), names="frame")

        pictures = ipywidgets.HBox(
            [self.loss_figure, self.gradient_figure],
            layout=ipywidgets.Layout(width="100%", flex_flow="row wrap"),
        )
        super().__init__([pictures, self.notice])
        self.add_class("lossviz-loss-curves")

    def marks(self, run: Run) -> _RunMarks:
        """Return the marks of ``run``: ``loss``, ``gradient`` and their markers."""
        return self._marks[run]

    def follow(self, play: ipywidgets.Play) -> None:
        """Move the markers with ``play`` in the browser, without the kernel.

        ``play.value`` ``v`` shows frame ``v − 1``; runs added later follow
        too. Following another ``Play`` drops the links to the previous one.

        Parameters
        ----------
        play : ipywidgets.Play
            Usually ``PathPlayer(model).play``.

        Examples
        --------
        >>> import ipywidgets
        >>> from lossviz_widgets.model import LandscapeModel
        >>> curves = LossCurves(LandscapeModel("himmelblau", steps=20))
        >>> curves.follow(ipywidgets.Play(min=1, max=21))
        >>> curves.model.add_run("adam").name
        'Adam'
        >>> len(curves.links)  # a marker on each of two curves, for two runs
        4
        """
        if not isinstance(play, ipywidgets.Play):
            message = f"play must be an ipywidgets.Play, got {play!r}"
            raise TypeError(message)
        for run in list(self._links):
            self._unlink(run)
        self._play = play
        for run in self._marks:
            self._link(run)

    @property
    def links(self) -> tuple[ipywidgets.Widget, ...]:
        """The browser-side links made by :meth:`follow`."""
        return tuple(link for links in self._links.values() for link in links)

    # -- building --------------------------------------------------------

    def _cursor(self, scale: LogScale) -> Lines:
        """Return a dashed vertical line for the current frame."""
        return Lines(
            **_PLACEHOLDER, scales={"x": self.step_scale, "y": scale},
            colors=["#777777"], line_style="dashed", stroke_width=1.0,
            **_QUIET,
        )  # fmt: skip

    def _figure(self, title: str, scale: LogScale, cursor: Lines) -> Figure:
        """One picture of a quantity against step."""
        axes = [
            Axis(scale=self.step_scale, label="step"),
            Axis(scale=scale, side="left", tick_format=".0e", label_offset="62px"),
        ]
        return Figure(
            title=title, marks=[cursor], axes=axes, legend_location="top-right",
            fig_margin={"top": 40, "bottom": 40, "left": 80, "right": 20},
            layout=ipywidgets.Layout(flex="1 1 320px", height="280px"),
        )  # fmt: skip

    def _add(self, run: Run) -> None:
        """Create the marks of a run and follow its changes."""
        loss = {"x": self.step_scale, "y": self.loss_scale}
        gradient = {"x": self.step_scale, "y": self.gradient_scale}
        self._marks[run] = _RunMarks(
            Lines(**_PLACEHOLDER, scales=loss, display_legend=True),
            Lines(**_PLACEHOLDER, scales=gradient),
            self._marker(loss),
            self._marker(gradient),
        )
        run.observe(self._on_run, names=_RUN_TRAITS)
        if self._play is not None:
            self._link(run)

    def _marker(self, scales: dict[str, Any]) -> Scatter:
        """Return a marker showing one point at a time, picked by a ``Play``."""
        return Scatter(
            **_PLACEHOLDER, scales=scales, default_size=48,
            hovered_point=self.model.frame + 1, hovered_style={"opacity": 1},
            unhovered_style={"opacity": 0}, **_QUIET,
        )  # fmt: skip

    def _link(self, run: Run) -> None:
        """Link the run's markers to the followed ``Play``."""
        self._links[run] = tuple(
            ipywidgets.jslink((self._play, "value"), (marker, "hovered_point"))
            for marker in self._marks[run].markers
        )

    def _unlink(self, run: Run) -> None:
        """Drop the links of a run's markers."""
        for link in self._links.pop(run, ()):
            link.unlink()

    def _place_marks(self) -> None:
        """Put every run's marks on the figures, cursors first, markers last."""
        marks = [self._marks[run] for run in self.model.runs]
        self.loss_figure.marks = [
            self.loss_cursor,
            *(m.loss for m in marks),
            *(m.loss_marker for m in marks),
        ]
        self.gradient_figure.marks = [
            self.gradient_cursor,
            *(m.gradient for m in marks),
            *(m.gradient_marker for m in marks),
        ]

    # -- drawing ---------------------------------------------------------

    def _draw_all(self) -> None:
        """Redraw every run for the current surface and steps."""
        if self._surface is not self.model.surface:
            self._surface = self.model.surface
            self._floor = self._surface_floor()
        self.reference = self._reference()
        self._place_marks()
        for run in self.model.runs:
            self._draw_run(run)
        self._draw_limits()

    def _surface_floor(self) -> tuple[float, float]:
        """Return the lowest value known on the surface and its range of values."""
        values = evaluate_grid(self._surface, 100).values
        values = values[np.isfinite(values)]
        known = [p.value for p in self.model.critical if np.isfinite(p.value)]
        if values.size == 0:
            return (min(known, default=0.0), 1.0)
        # Python floats: a span past the largest float is inf, without a warning.
        span = float(values.max()) - float(values.min())
        low = float(min([values.min(), *known]))
        return (low, span if 0 < span < math.inf else 1.0)

    def _reference(self) -> float:
        """f_ref: a little below the surface's floor and every run's values."""
        low, span = self._floor
        for run in self.model.runs:
            if run.trajectory is not None and run.trajectory.last_good_step >= 0:
                shown = run.trajectory.values[: run.trajectory.last_good_step + 1]
                low = min(low, float(np.min(shown)))
        return low - _MARGIN * span

    def _draw_run(self, run: Run) -> None:
        """Send one run's curves and markers, up to its last good step."""
        marks, trajectory = self._marks[run], run.trajectory
        last = -1 if trajectory is None else trajectory.last_good_step
        visible = run.visible and last >= 0
        with _held(*marks.all):
            for mark in marks.all:
                mark.visible = visible
                mark.colors = [run.color]
            marks.loss.labels = [run.name]
            if not visible:
                return
            steps = np.arange(last + 1, dtype=np.float32)
            shown = playback_steps(trajectory)
            with np.errstate(over="ignore"):  # past the largest float: drawn at the top
                above = trajectory.values - self.reference
            pairs = (
                (marks.loss, marks.loss_marker, above),
                (marks.gradient, marks.gradient_marker, trajectory.grad_norms),
            )
            for line, marker, values in pairs:
                drawn = _positive(values[: last + 1])
                line.x, line.y = steps, drawn
                marker.x, marker.y = shown.astype(np.float32), drawn[shown]

    def _draw_limits(self) -> None:
        """Fit the scales to the visible curves, in whole decades."""
        shown = [m for m in self._marks.values() if m.loss.visible]
        for scale, cursor, name in (
            (self.loss_scale, self.loss_cursor, "loss"),
            (self.gradient_scale, self.gradient_cursor, "gradient"),
        ):
            low, high = _decades([getattr(m, name).y for m in shown])
            with scale.hold_sync(), cursor.hold_sync():
                scale.min, scale.max = low, high
                cursor.y = np.array([low, high], np.float32)
        self.step_scale.max = float(self.model.steps)
        self.loss_figure.axes[1].label = f"f − f_ref,  f_ref = {self.reference:.4g}"
        self._draw_cursors()

    def _draw_cursors(self) -> None:
        """Move both cursors to the current frame."""
        frame = np.full(2, self.model.frame, np.float32)
        self.loss_cursor.x = frame
        self.gradient_cursor.x = frame

    # -- following the model ---------------------------------------------

    def _run_changed(self, change: dict[str, Any]) -> None:
        """Redraw one run, unless a redraw of every run is on its way."""
        run, model = change["owner"], self.model
        # A new surface or number of steps reruns every run, one after the
        # other, and then redraws them all: the runs met on the way wait.
        if self._surface is not model.surface or run not in self._marks:
            return
        if any(r.trajectory and r.trajectory.steps != model.steps for r in model.runs):
            return
        if self._reference() != self.reference:
            self._draw_all()
            return
        self._draw_run(run)
        self._draw_limits()

    def _runs_changed(self) -> None:
        """Add marks for new runs and remove those of runs that left."""
        runs = self.model.runs
        for run in [r for r in self._marks if r not in runs]:
            run.unobserve(self._on_run, names=_RUN_TRAITS)
            self._unlink(run)
            for mark in self._marks.pop(run).all:
                mark.close()
        for run in [r for r in runs if r not in self._marks]:
            self._add(run)
        self._draw_all()
