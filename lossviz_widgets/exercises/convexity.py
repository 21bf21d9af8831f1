"""Convexity: the chord between two points never dips below a convex surface.

A surface is convex when every chord, the straight line between two points
of its graph, lies on or above it. The student drags two points over the
contour map and reads, on a second plot, the surface along the segment
against the chord; where the chord dips below the surface the surface is
not convex, and that chord proves it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import bqplot
import ipywidgets
import numpy as np
import traitlets
from traitlets import Float, Tuple, Unicode, observe, validate

from lossviz_widgets.engine import get_surface
from lossviz_widgets.exercises._concepts import (
    ChordGap,
    as_point,
    chord_gap,
    crossing_tolerance,
    float32,
    send,
)
from lossviz_widgets.exercises.base import Exercise, Verdict, verdict_from
from lossviz_widgets.model import LandscapeModel
from lossviz_widgets.notices import guarded
from lossviz_widgets.views import ContourView

__all__ = ["SURFACES", "ConvexityChord"]

log = logging.getLogger(__name__)

#: The surfaces offered by default: convex ones first, then non-convex ones.
SURFACES = (
    "convex_bowl",
    "ill_conditioned_bowl",
    "booth",
    "logistic_regression",
    "banana",
    "waves",
    "himmelblau",
)

_ANSWERS = [("Convex", "convex"), ("Not convex", "not convex")]
# What to say to a wrong verdict, without giving the right one away.
_MISTAKES = {
    "convex": (
        "Not right: a surface is convex only if no chord anywhere dips below "
        "it. Try chords across hills, ridges and valleys."
    ),
    "not convex": (
        "Not right: a surface fails to be convex only where some chord dips "
        "below it. Have you found one?"
    ),
}
_DIP = "#e45756"


def _surface_names(surfaces: Any) -> tuple[str, ...]:
    """Check that ``surfaces`` is a non-empty list of catalogue names."""
    if isinstance(surfaces, str) or not isinstance(surfaces, Sequence):
        message = f"surfaces must be a list of surface names, got {surfaces!r}"
        raise TypeError(message)
    if not surfaces:
        message = "surfaces must name at least one surface, got an empty list"
        raise ValueError(message)
    for name in surfaces:
        get_surface(name)  # every catalogue surface says whether it is convex
    return tuple(surfaces)


class ConvexityChord(Exercise):
    """Drag two points and compare the surface between them with the chord.

    Parameters
    ----------
    surface : str
        The surface shown first, one of ``surfaces``.
    surfaces : sequence of str
        The catalogue surfaces the student may pick, each convex or not.
    a, b : (float, float), optional
        Where A and B start; by default on either side of the lowest point
        of the surface, where no chord dips below it.
    hint : bool
        Hatch the regions where the surface is not convex (this shows the
        answer).
    locked : bool
        Disable the choice of surface.
    width : int
        Width of each of the two pictures in pixels, at least 200.

    Attributes
    ----------
    surface : str
        The name of the surface shown; writable, like ``surface_picker.value``.
    point_a, point_b : (float, float)
        The two points, kept inside the domain; writable.
    choice : ipywidgets.RadioButtons
        The student's verdict: None, ``"convex"`` or ``"not convex"``.
    chord : ChordGap
        The surface along the segment and the chord.
    view, profile : ContourView, bqplot.Figure
        The map, where a click moves the nearer point, and the chord picture.

    Examples
    --------
    >>> exercise = ConvexityChord(surface="himmelblau")
    >>> exercise.answer["crosses"]
    False
    >>> exercise.point_a, exercise.point_b = (-2.5, 0.0), (2.5, 0.0)
    >>> exercise.choice.value = "not convex"
    >>> round(exercise.answer["max_gap"], 4), exercise.check().passed
    (92.1875, True)
    """

    title = "Convexity: does a chord dip below the surface?"
    instruction = (
        "Drag A and B on the map, or click to move the nearer one. The right "
        "picture shows the surface along the segment from A to B against the "
        "chord, the straight line from f(A) to f(B); red marks where the chord "
        "dips below the surface. Is this surface convex? If it is not, find a "
        "chord that proves it."
    )

    surface = Unicode(help="Name of the surface shown.")
    point_a = Tuple(Float(), Float(), default_value=(0.0, 0.0), help="Point A, (x, y).")
    point_b = Tuple(Float(), Float(), default_value=(0.0, 0.0), help="Point B, (x, y).")

    def __init__(
        self,
        surface: str = "convex_bowl",
        *,
        surfaces: Sequence[str] = SURFACES,
        a: tuple[float, float] | None = None,
        b: tuple[float, float] | None = None,
        hint: bool = False,
        locked: bool = False,
        width: int = 400,
    ) -> None:
        names = _surface_names(surfaces)
        if surface not in names:
            message = f"surface must be one of {list(names)}, got {surface!r}"
            raise ValueError(message)
        if not isinstance(hint, bool):
            message = f"hint must be True or False, got {hint!r}"
            raise TypeError(message)
        self.model = LandscapeModel(surface, runs=[])
        self._sending = False
        domain = self.model.surface.domain
        for name, point in (("a", a), ("b", b)):
            if point is not None and not bool(domain.contains(*as_point(name, point))):
                message = f"{name} must lie in the domain {domain}, got {point!r}"
                raise ValueError(message)
        self.view = ContourView(
            self.model, on_click=self._move_nearer, convexity=hint, width=width
        )
        self._build_marks()
        self._build_profile(width)
        self.surface_picker = ipywidgets.Dropdown(
            options=[(get_surface(name).title, name) for name in names],
            value=surface,
            description="surface",
        )
        self.choice = ipywidgets.RadioButtons(
            options=_ANSWERS, value=None, description="Is it convex?"
        )
        self.readout = ipywidgets.HTML()
        pictures = ipywidgets.HBox(
            [self.view, self.profile], layout=ipywidgets.Layout(flex_flow="row wrap")
        )
        body = [self.surface_picker, pictures, self.readout, self.choice]
        super().__init__(body, locked=locked)

        self._redraw = guarded(self.notice, log, "drawing the chord")(self._redraw)
        self._dragged = guarded(self.notice, log, "moving a point")(self._dragged)
        self.surface = surface
        defaults = self._default_points()
        with self.hold_trait_notifications():
            self.point_a = defaults[0] if a is None else a
            self.point_b = defaults[1] if b is None else b
        self._redraw()
        traitlets.link((self.surface_picker, "value"), (self, "surface"))
        self.ends.observe(self._dragged, names=["x", "y"])
        self._lockable(self.surface_picker)

    # -- building ----------------------------------------------------------

    def _build_marks(self) -> None:
        """Add the segment, its part below the surface and the two points."""
        scales, centre = self.view.scales, float32([0.0, 0.0])
        self.segment = bqplot.Lines(
            x=centre, y=centre, scales=scales, colors=["#ffffff"], stroke_width=2.5
        )
        self.dip_on_map = bqplot.Lines(
            x=centre, y=centre, scales=scales, colors=[_DIP], stroke_width=5,
            visible=False,
        )  # fmt: skip
        self.ends = bqplot.Scatter(
            x=centre, y=centre, scales=scales, names=["A", "B"], display_names=True,
            colors=["#ffffff"], stroke="#222222", default_size=120,
            enable_move=True, interactions={}, names_unique=True,
        )  # fmt: skip
        self.view.add_marks(self.segment, self.dip_on_map, self.ends)

    def _build_profile(self, width: int) -> None:
        """Make the picture of the surface along the segment against the chord."""
        self.t_scale = bqplot.LinearScale(min=0.0, max=1.0, allow_padding=False)
        self.f_scale = bqplot.LinearScale(min=0.0, max=1.0)
        scales, t = {"x": self.t_scale, "y": self.f_scale}, float32([0.0, 1.0])
        self.curve = bqplot.Lines(
            x=t, y=t, scales=scales, colors=["#4c78a8"], stroke_width=2.5
        )
        self.chord_line = bqplot.Lines(
            x=t, y=t, scales=scales, colors=["#222222"], line_style="dashed"
        )
        self.dip = bqplot.Lines(
            x=t, y=t, scales=scales, colors=[_DIP], stroke_width=5, visible=False
        )
        axes = [
            bqplot.Axis(scale=self.t_scale, label="from A (0) to B (1)"),
            bqplot.Axis(scale=self.f_scale, label="f", side="left"),
        ]
        self.profile = bqplot.Figure(
            marks=[self.curve, self.chord_line, self.dip],
            axes=axes,
            title="f from A to B (blue) against the chord (dashed)",
            animation_duration=0,
            fig_margin={"top": 36, "bottom": 40, "left": 56, "right": 12},
            layout=ipywidgets.Layout(width=f"{width}px", height=f"{width}px"),
        )

    def _default_points(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """Put A and B a tenth of the width either side of the lowest grid point."""
        grid, domain = self.model.grid, self.model.surface.domain
        row, column = np.unravel_index(np.nanargmin(grid.values), grid.values.shape)
        x, y = float(grid.x[column]), float(grid.y[row])
        step = (domain.x_max - domain.x_min) / 10
        ends = [domain.clip(x + offset, y) for offset in (-step, step)]
        return tuple((float(px), float(py)) for px, py in ends)  # type: ignore[return-value]

    # -- following the student ---------------------------------------------

    @validate("surface")
    def _valid_surface(self, proposal: dict[str, Any]) -> str:
        names = [value for _, value in self.surface_picker.options]
        if proposal["value"] not in names:
            message = f"surface must be one of {names}, got {proposal['value']!r}"
            raise traitlets.TraitError(message)
        return proposal["value"]

    @validate("point_a", "point_b")
    def _valid_point(self, proposal: dict[str, Any]) -> tuple[float, float]:
        x, y = proposal["value"]
        if not (np.isfinite(x) and np.isfinite(y)):
            name = proposal["trait"].name
            message = f"{name} must be a finite point (x, y), got {proposal['value']!r}"
            raise traitlets.TraitError(message)
        cx, cy = self.model.surface.domain.clip(x, y)
        return (float(cx), float(cy))

    @observe("surface")
    def _surface_changed(self, change: dict[str, Any]) -> None:
        if self.model.surface.name == change["new"]:
            return
        self.model.surface = change["new"]
        self.choice.value = None
        with self.hold_trait_notifications():
            self.point_a, self.point_b = self._default_points()

    @observe("point_a", "point_b")
    def _points_changed(self, change: dict[str, Any]) -> None:
        self._redraw()

    def _dragged(self, change: dict[str, Any]) -> None:
        """Take the points where the browser left them after a drag."""
        if self._sending:
            return
        x, y = np.asarray(self.ends.x, float), np.asarray(self.ends.y, float)
        if x.shape != (2,) or y.shape != (2,):
            message = f"expected the two points A and B, got x={x!r}, y={y!r}"
            raise ValueError(message)
        # Plain floats: a value equal to the current one is stored unvalidated.
        with self.hold_trait_notifications():
            self.point_a = (float(x[0]), float(y[0]))
            self.point_b = (float(x[1]), float(y[1]))

    def _move_nearer(self, x: float, y: float) -> None:
        """Move the point nearer to a click onto it."""
        a, b = np.array(self.point_a), np.array(self.point_b)
        nearer_a = np.hypot(*(a - (x, y))) <= np.hypot(*(b - (x, y)))
        if nearer_a:
            self.point_a = (x, y)
        else:
            self.point_b = (x, y)

    # -- drawing -------------------------------------------------------------

    def _redraw(self) -> None:
        """Measure the chord and send the segment, the points and the profile."""
        self.chord: ChordGap = chord_gap(self.model.surface, self.point_a, self.point_b)
        self.tolerance = crossing_tolerance(self.model.grid.values)
        chord, below = self.chord, self.chord.gap > self.tolerance
        xs, ys = float32(chord.points[[0, -1], 0]), float32(chord.points[[0, -1], 1])
        send(self.segment, x=xs, y=ys)
        if not (np.array_equal(self.ends.x, xs) and np.array_equal(self.ends.y, ys)):
            # Points set from code or clipped: move the marks, which must not
            # read their own coordinates back as a drag.
            self._sending = True
            try:
                send(self.ends, x=xs, y=ys)
            finally:
                self._sending = False
        if below.any():
            hidden = float32(np.where(below[:, np.newaxis], chord.points, np.nan))
            send(self.dip_on_map, x=hidden[:, 0], y=hidden[:, 1])
            send(
                self.dip,
                x=float32(chord.t),
                y=float32(np.where(below, chord.values, np.nan)),
            )
        self.dip_on_map.visible = self.dip.visible = bool(below.any())
        t = float32(chord.t)
        send(self.curve, x=t, y=float32(chord.values))
        send(self.chord_line, x=t, y=float32(chord.chord))
        low = float(min(chord.values.min(), chord.chord.min()))
        high = float(max(chord.values.max(), chord.chord.max()))
        margin = 0.05 * (high - low) or 0.5
        send(self.f_scale, min=low - margin, max=high + margin)
        gap = chord.max_gap
        self.readout.value = (
            f"The chord dips below the surface by up to <b>{gap:.4g}</b>."
            if gap > self.tolerance
            else "The chord stays on or above the surface all the way from A to B."
        )

    # -- the answer ----------------------------------------------------------

    @property
    def answer(self) -> dict[str, Any]:
        """The surface, A, B, the largest gap, whether it crosses, the verdict."""
        return {
            "surface": self.surface,
            "a": [float(v) for v in self.point_a],
            "b": [float(v) for v in self.point_b],
            "max_gap": self.chord.max_gap,
            "crosses": self.chord.max_gap > self.tolerance,
            "verdict": self.choice.value,
        }

    def check(self) -> Verdict:
        """Check the verdict and, for a surface that is not convex, the witness."""
        answer, surface = self.answer, self.model.surface
        verdict, gap = answer["verdict"], answer["max_gap"]
        if verdict is None:
            return Verdict(wrong=("Answer the question: is this surface convex?",))
        truth = "convex" if surface.convex else "not convex"
        checks = [(verdict == truth, f"{surface.title} is {truth}: right.", "")]
        if verdict != truth:
            checks[0] = (False, "", _MISTAKES[verdict])
        elif truth == "convex":
            checks.append(
                (
                    not answer["crosses"],
                    "Your chord stays above the surface, as every chord of a "
                    "convex surface does.",
                    f"Your chord dips below the surface by {gap:.4g}.",
                )
            )
        else:
            checks.append(
                (
                    answer["crosses"],
                    f"Your chord dips below the surface by {gap:.4g}: it proves "
                    "that the surface is not convex.",
                    "Now prove it: drag A and B until the chord dips below the "
                    "surface and red appears.",
                )
            )
        return verdict_from(checks)
