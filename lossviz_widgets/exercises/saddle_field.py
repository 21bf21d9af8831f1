"""Find the saddle points of a surface from its gradient field.

The contour map shows the arrows of the descent direction; beside it, the
gradient's length ``‖∇f‖`` on a log scale, dark where it vanishes. At a
saddle the gradient vanishes too, but arrows arrive from two sides and
leave to the other two. The student clicks either picture to mark where
the saddles are; the check compares the marks with the surface's saddles.
"""

from __future__ import annotations

import logging
from typing import Any

import bqplot
import ipywidgets
import numpy as np
import traitlets
from traitlets import Float, List, Tuple

from lossviz_widgets.engine import get_surface
from lossviz_widgets.exercises._mini import (
    MagnitudeMap,
    check_number,
    dots,
    nearest,
    saddle_points,
)
from lossviz_widgets.exercises.base import Exercise, Verdict, verdict_from
from lossviz_widgets.model import LandscapeModel
from lossviz_widgets.notices import guarded
from lossviz_widgets.views import ContourView
from lossviz_widgets.views.clicks import clicked_point

__all__ = ["SADDLE_SURFACES", "SaddleField"]

log = logging.getLogger(__name__)

#: The surfaces offered, each with at least one saddle in its domain.
SADDLE_SURFACES = ("himmelblau", "waves", "six_hump_camel", "saddle", "monkey_saddle")

#: The most points a student may mark at once.
MAX_MARKS = 20


class SaddleField(Exercise):
    """Mark the saddle points of a surface, reading its gradient field.

    Parameters
    ----------
    surface : str
        One of :data:`SADDLE_SURFACES`, shown first.
    tolerance : float
        How near a saddle a mark must lie, as a share of the domain's longer
        side, in ``[0.001, 0.2]``.
    locked : bool
        Fix the surface; marking stays open.

    Attributes
    ----------
    marked : list of (float, float)
        The marked points; ``exercise.marked = [(3.4, 0.1)]`` sets them
        from code. A click on either picture adds one.
    surface_choice : ipywidgets.Dropdown
        The surface; ``surface_choice.value = "waves"`` changes it.
    clear_button : ipywidgets.Button
        Removes every mark.
    contour : ContourView
        The map with the descent arrows; its saddles are not drawn.
    magnitude : MagnitudeMap
        ``log₁₀ ‖∇f‖`` over the same domain.
    readout : ipywidgets.HTML
        The marks with ``‖∇f‖`` at each.

    Examples
    --------
    >>> exercise = SaddleField("saddle")
    >>> exercise.mark(0.01, -0.02)
    >>> exercise.answer["marks"][0]["distance"] < 0.03, exercise.check().passed
    (True, True)
    """

    title = "Saddle points in the gradient field"
    instruction = (
        "The arrows point downhill; the right picture shows the gradient's "
        "length, dark where it vanishes. Click where the saddle points are: "
        "the gradient vanishes there, and arrows arrive from two sides and "
        "leave to the other two."
    )

    marked = List(
        Tuple(Float(), Float()), help="The points the student marked, (x, y)."
    )

    def __init__(
        self,
        surface: str = "himmelblau",
        *,
        tolerance: float = 0.05,
        locked: bool = False,
    ) -> None:
        if not isinstance(surface, str):
            message = f"surface must be the name of a surface, got {surface!r}"
            raise TypeError(message)
        if surface not in SADDLE_SURFACES:
            names = ", ".join(SADDLE_SURFACES)
            message = f"surface must be one of {names}, got {surface!r}"
            raise ValueError(message)
        self.tolerance_share = check_number("tolerance", tolerance, 1e-3, 0.2)
        # No run: here a click on the map marks a point.
        self.model = LandscapeModel(surface, [], steps=1)
        self.contour = ContourView(
            self.model, quiver=True, width=400, on_click=self.mark
        )
        self.magnitude = MagnitudeMap(self.contour)
        self.mark_dots = (
            dots(self.contour.scales, self.model.surface.domain.center),
            self.magnitude.dots,
        )
        self.surface_choice = ipywidgets.Dropdown(
            options=[(get_surface(name).title, name) for name in SADDLE_SURFACES],
            value=surface,
            description="surface",
        )
        self.clear_button = ipywidgets.Button(description="Clear marks", icon="eraser")
        self.readout = ipywidgets.HTML()

        pictures = ipywidgets.HBox([self.contour, self.magnitude.figure])
        tools = ipywidgets.HBox([self.surface_choice, self.clear_button])
        super().__init__([pictures, tools, self.readout], locked=locked)
        self._lockable(self.surface_choice)

        guard = guarded(self.notice, log, "marking a point")
        self._on_click = guard(self._click)
        self.magnitude.image.on_element_click(self._on_click)
        self.clear_button.on_click(guard(lambda _: self.clear_marks()))
        self.surface_choice.observe(guard(self._choose), names="value")
        self.model.observe(guard(self._surface_changed), names="critical")
        self.observe(guard(self._draw_marks), names="marked")
        self.contour.add_marks(self.mark_dots[0])
        self._surface_changed()

    # -- building and drawing ------------------------------------------------

    def _surface_changed(self, change: dict[str, Any] | None = None) -> None:
        """Hide the saddles the map marks, redraw ‖∇f‖ and forget the marks."""
        for kind in ("saddle", "degenerate"):
            hidden = self.contour.critical_marks.by_kind[kind]
            with hidden.hold_sync():
                hidden.visible = hidden.display_legend = False
        self.saddles = saddle_points(self.model.surface, self.model.critical)
        self.magnitude.show(self.model.surface)
        self.marked = []

    def _draw_marks(self, change: dict[str, Any] | None = None) -> None:
        """Send the marks to both pictures and list them with ‖∇f‖."""
        points = np.array(self.marked, dtype=np.float32).reshape(-1, 2)
        for scatter in self.mark_dots:
            with scatter.hold_sync():
                if len(points):
                    scatter.x, scatter.y = points[:, 0], points[:, 1]
                scatter.visible = bool(len(points))
        rows = "".join(
            f"<tr><td>{i + 1}</td><td>{m['point'][0]:.3f}</td>"
            f"<td>{m['point'][1]:.3f}</td><td>{m['gradient_norm']:.3g}</td></tr>"
            for i, m in enumerate(self._measure())
        )
        head = "<tr><th>mark</th><th>x</th><th>y</th><th>‖∇f‖</th></tr>"
        self.readout.value = f"<table>{head}{rows}</table>" if rows else ""

    # -- what the student does -----------------------------------------------

    @traitlets.validate("marked")
    def _valid_marks(self, proposal: dict[str, Any]) -> list[tuple[float, float]]:
        points = [(float(x), float(y)) for x, y in proposal["value"]]
        domain = self.model.surface.domain
        outside = [p for p in points if not domain.contains(*p)]
        if outside or len(points) > MAX_MARKS:
            message = (
                f"marked must hold at most {MAX_MARKS} points inside the domain "
                f"{domain.x_range} × {domain.y_range}, got {proposal['value']!r}"
            )
            raise traitlets.TraitError(message)
        return points

    def mark(self, x: float, y: float) -> None:
        """Mark the point ``(x, y)``, moved onto the domain if outside it."""
        if len(self.marked) >= MAX_MARKS:
            self.notice.show(f"At most {MAX_MARKS} marks: clear them first.", "info")
            return
        domain = self.model.surface.domain
        # A pixel spans about 1/400 of the domain: digits beyond 1/1000 are noise.
        digits = max(0, int(np.ceil(3 - np.log10(domain.span))))
        cx, cy = (round(float(v), digits) for v in domain.clip(x, y))
        self.marked = [*self.marked, (cx, cy)]

    def clear_marks(self) -> None:
        """Remove every mark."""
        self.marked = []

    def _click(self, mark: bqplot.Image, content: dict[str, Any]) -> None:
        """Mark the point clicked."""
        x, y = clicked_point(content)
        self.mark(x, y)

    def _choose(self, change: dict[str, Any]) -> None:
        """Show the surface chosen."""
        self.model.surface = change["new"]

    # -- answer and check ----------------------------------------------------

    @property
    def tolerance(self) -> float:
        """How near a saddle a mark must lie, in the units of the domain."""
        return self.tolerance_share * self.model.surface.domain.span

    def _measure(self) -> list[dict[str, Any]]:
        """List each mark with its nearest saddle, the distance and ‖∇f‖ there."""
        saddles = np.array([(p.x, p.y) for p in self.saddles]).reshape(-1, 2)
        marks = np.array(self.marked, dtype=float).reshape(-1, 2)
        index, distance = nearest(marks, saddles)
        norms = np.linalg.norm(self.model.surface.grad_at(marks), axis=-1)
        return [
            {
                "point": [float(x), float(y)],
                "nearest_saddle": saddles[i].tolist(),
                "distance": float(d),
                "gradient_norm": float(g),
            }
            for (x, y), i, d, g in zip(marks, index, distance, norms, strict=True)
        ]

    @property
    def answer(self) -> dict[str, Any]:
        """The surface, each mark measured, and how many saddles are marked."""
        marks = self._measure()
        return {
            "surface": self.model.surface.name,
            "tolerance": self.tolerance,
            "marks": marks,
            "saddles": len(self.saddles),
            "saddles_marked": len(self.saddles) - self._missing(),
        }

    def _missing(self) -> int:
        """Count the saddles no mark lies near."""
        saddles = [(p.x, p.y) for p in self.saddles]
        _, distance = nearest(saddles, self.marked)
        return int(np.count_nonzero(distance > self.tolerance))

    def check(self) -> Verdict:
        """Require a mark near every saddle and no mark far from all of them."""
        marks = self._measure()
        missing, total = self._missing(), len(self.saddles)
        far = [i + 1 for i, m in enumerate(marks) if m["distance"] > self.tolerance]
        checks = [
            (
                bool(marks),
                f"{_count(len(marks), 'point')} marked",
                "no point is marked yet: click the map where the gradient "
                "vanishes and arrows arrive from two sides",
            ),
            (
                missing == 0,
                "the saddle is marked"
                if total == 1
                else f"all {total} saddles are marked",
                f"{missing} of {total} saddles are not marked yet: look for dark "
                "spots of ‖∇f‖ where arrows arrive from two sides and leave to "
                "the other two",
            ),
        ]
        if marks:
            checks.append(
                (
                    not far,
                    "every mark lies near a saddle",
                    f"{_which_marks(far)} farther than {self.tolerance:.3g} "
                    "from every saddle: ‖∇f‖ "
                    "also vanishes at minima and maxima, but there the arrows "
                    "all point in or all point out",
                )
            )
        return verdict_from(checks)


def _count(number: int, noun: str) -> str:
    """Say how many of ``noun`` there are, with the verb: "1 point is"."""
    return f"{number} {noun} is" if number == 1 else f"{number} {noun}s are"


def _which_marks(numbers: list[int]) -> str:
    """Name the marks by number, with the verb: "mark 3 lies", "marks 1, 2 lie"."""
    listed = ", ".join(map(str, numbers))
    return f"mark {listed} lies" if len(numbers) == 1 else f"marks {listed} lie"
