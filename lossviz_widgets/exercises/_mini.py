"""The parts the mini exercises of the course page are built from.

Checks of an author's settings, the learning-rate slider, the course's
start on the banana valley, the race layout (a contour map, a player and
the loss curves around one model, the markers following the player in the
browser), the picture of the gradient's length beside a contour map with
the points a student marked, and the geometry a check of those points
needs: which critical points are saddles, and which target is nearest.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Integral, Real
from typing import Any

import bqplot
import ipywidgets
import numpy as np

from lossviz_widgets.controls import PathPlayer
from lossviz_widgets.engine import CriticalPoint, Grid, Surface, evaluate_grid
from lossviz_widgets.model import LandscapeModel
from lossviz_widgets.views import ContourView, LossCurves
from lossviz_widgets.views.pictures import FlipImage
from lossviz_widgets.views.raster import surface_picture

__all__ = [
    "BANANA_START",
    "LR_RANGE",
    "MagnitudeMap",
    "check_number",
    "check_steps",
    "dots",
    "lr_slider",
    "nearest",
    "race_views",
    "saddle_points",
]

#: Where the course page starts gradient descent on the banana valley.
BANANA_START = (-1.5, 1.5)

#: The learning rates a slider offers: from crawling to diverging.
LR_RANGE = (1e-5, 1e-1)

#: Steps a race may take: enough to finish, few enough to play.
STEPS_RANGE = (10, 2000)


def check_number(
    name: str, value: Any, low: float, high: float, *, positive: bool = False
) -> float:
    """Return ``value`` as a float if it is a real number in ``[low, high]``.

    With ``positive``, zero is refused too.

    Raises
    ------
    TypeError
        If ``value`` is not a real number (a bool is refused too).
    ValueError
        If it is not finite or lies outside ``[low, high]``.

    Examples
    --------
    >>> check_number("lr", 0.01, 1e-5, 0.1)
    0.01
    >>> check_number("lr", 1.0, 1e-5, 0.1)
    Traceback (most recent call last):
    ...
    ValueError: lr must lie in [1e-05, 0.1], got 1.0
    >>> check_number("lr", 0, 0.0, 1.0, positive=True)
    Traceback (most recent call last):
    ...
    ValueError: lr must be positive, got 0
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        message = f"{name} must be a number, got {value!r}"
        raise TypeError(message)
    number = float(value)
    if not (math.isfinite(number) and low <= number <= high):
        message = f"{name} must lie in [{low:g}, {high:g}], got {value!r}"
        raise ValueError(message)
    if positive and number == 0:
        message = f"{name} must be positive, got {value!r}"
        raise ValueError(message)
    return number


def check_steps(steps: Any) -> int:
    """Return ``steps`` if it is a whole number in :data:`STEPS_RANGE`.

    Examples
    --------
    >>> check_steps(300)
    300
    >>> check_steps(2.5)
    Traceback (most recent call last):
    ...
    TypeError: steps must be a whole number, got 2.5
    """
    if isinstance(steps, bool) or not isinstance(steps, Integral):
        message = f"steps must be a whole number, got {steps!r}"
        raise TypeError(message)
    low, high = STEPS_RANGE
    if not low <= steps <= high:
        message = f"steps must lie in [{low}, {high}], got {steps!r}"
        raise ValueError(message)
    return int(steps)


def lr_slider(value: float, description: str) -> ipywidgets.FloatLogSlider:
    """Build a learning-rate slider on a log scale over :data:`LR_RANGE`.

    It has no step: a browser snaps a value to the steps when drawing it,
    and would send ``1e-2`` back as something else. It reports a new value
    only when released, so dragging reruns nothing.

    Examples
    --------
    >>> slider = lr_slider(1e-4, "lr A")
    >>> slider.value, slider.min, slider.max
    (0.0001, -5.0, -1.0)
    """
    low, high = LR_RANGE
    return ipywidgets.FloatLogSlider(
        value=value,
        min=math.log10(low),
        max=math.log10(high),
        step=None,
        base=10,
        description=description,
        readout_format=".1e",
        continuous_update=False,
        style={"description_width": "6em"},
        layout=ipywidgets.Layout(width="340px"),
    )


def race_views(
    model: LandscapeModel, *, width: int = 460
) -> tuple[ContourView, PathPlayer, LossCurves]:
    """Build a contour map, a player and loss curves that play together.

    The markers of the map and of the curves follow the player's ``Play``
    in the browser, so a race plays without the kernel.

    Examples
    --------
    >>> from lossviz_widgets.model import LandscapeModel
    >>> contour, player, curves = race_views(LandscapeModel("banana", steps=20))
    >>> player.play.max, len(curves.links)
    (21, 2)
    """
    contour = ContourView(model, width=width)
    player = PathPlayer(model)
    curves = LossCurves(model)
    contour.follow(player.play)
    curves.follow(player.play)
    return contour, player, curves


def saddle_points(
    surface: Surface, points: Iterable[CriticalPoint]
) -> list[CriticalPoint]:
    """Keep the critical points that are saddles, degenerate ones included.

    A degenerate point (a zero Hessian eigenvalue, as at the monkey saddle's
    centre) counts as a saddle when the surface lies both above and below
    it on a small circle around it.

    Parameters
    ----------
    surface : Surface
        The surface the points belong to.
    points : iterable of CriticalPoint
        Its critical points, e.g. ``surface.critical_points``.

    Examples
    --------
    >>> from lossviz_widgets.engine import get_surface
    >>> monkey = get_surface("monkey_saddle")
    >>> [(p.x, p.y) for p in saddle_points(monkey, monkey.critical_points)]
    [(0.0, 0.0)]
    >>> himmelblau = get_surface("himmelblau")
    >>> len(saddle_points(himmelblau, himmelblau.critical_points))
    4
    """
    radius = 1e-3 * surface.domain.span
    angles = np.linspace(0.0, 2 * np.pi, 24, endpoint=False)
    found = []
    for point in points:
        if not surface.domain.contains(point.x, point.y):
            continue
        if point.kind == "degenerate":
            ring = surface.value(
                point.x + radius * np.cos(angles), point.y + radius * np.sin(angles)
            )
            if ring.min() < point.value < ring.max():
                found.append(point)
        elif point.kind == "saddle":
            found.append(point)
    return found


def nearest(points: Any, targets: Any) -> tuple[np.ndarray, np.ndarray]:
    """Return, for each point, the index of the nearest target and its distance.

    Parameters
    ----------
    points : array_like, shape (N, 2)
    targets : array_like, shape (M, 2), M >= 1

    Returns
    -------
    index : ndarray of int, shape (N,)
    distance : ndarray, shape (N,)

    Examples
    --------
    >>> index, distance = nearest([[0.0, 1.0], [3.0, 0.0]], [[0.0, 0.0], [4.0, 0.0]])
    >>> index.tolist(), distance.tolist()
    ([0, 1], [1.0, 1.0])
    """
    here = np.asarray(points, dtype=float).reshape(-1, 2)
    there = np.asarray(targets, dtype=float).reshape(-1, 2)
    gaps = np.linalg.norm(here[:, None, :] - there[None, :, :], axis=-1)
    if gaps.size == 0:
        return np.zeros(len(here), dtype=int), np.full(len(here), np.inf)
    return gaps.argmin(axis=1), gaps.min(axis=1)


#: Pixels along each side of the picture of ‖∇f‖.
MAGNITUDE_PIXELS = 150


def dots(scales: dict[str, Any], center: tuple[float, float]) -> bqplot.Scatter:
    """Make the mark that shows a student's points, hidden until there are some.

    Examples
    --------
    >>> placeholder = dots({"x": bqplot.LinearScale(), "y": bqplot.LinearScale()},
    ...                    (0.0, 1.0))
    >>> placeholder.x.dtype.name, placeholder.y.tolist(), placeholder.visible
    ('float32', [1.0], False)
    """
    x, y = (np.array([v], dtype=np.float32) for v in center)
    return bqplot.Scatter(
        x=x, y=y, scales=scales, marker="circle", colors=["#00e5ff"],
        stroke="#111111", default_size=80, visible=False,
    )  # fmt: skip


class MagnitudeMap:
    """The picture of ``log₁₀ ‖∇f‖`` beside a contour map, same size and domain.

    Parameters
    ----------
    contour : ContourView
        The map whose surface, size and margins the picture takes.

    Attributes
    ----------
    figure : bqplot.Figure
        The picture, titled.
    image : bqplot.Image
        The colours, dark where the gradient vanishes; it takes clicks.
    dots : bqplot.Scatter
        Marked points over the picture.

    Examples
    --------
    >>> from lossviz_widgets.model import LandscapeModel
    >>> magnitude = MagnitudeMap(ContourView(LandscapeModel("saddle")))
    >>> magnitude.x_scale.min, magnitude.image.image.format
    (-2.0, 'png')
    """

    def __init__(self, contour: ContourView) -> None:
        domain = contour.model.surface.domain
        self.x_scale = bqplot.LinearScale(min=domain.x_min, max=domain.x_max)
        self.y_scale = bqplot.LinearScale(min=domain.y_min, max=domain.y_max)
        scales = {"x": self.x_scale, "y": self.y_scale}
        self._picture = FlipImage(scales, b"", visible=False)
        self.image = self._picture.mark
        self.dots = dots(scales, domain.center)
        shape = contour.figure
        self.figure = bqplot.Figure(
            marks=[self.image, self.dots],
            axes=[
                bqplot.Axis(scale=scale, label=label, side=side, grid_lines="none")
                for scale, label, side in (
                    (self.x_scale, "x", "bottom"),
                    (self.y_scale, "y", "left"),
                )
            ],
            title="‖∇f‖ in log colours: dark where it vanishes",
            title_style={"font-size": "14px"},
            padding_x=0.0,
            padding_y=0.0,
            fig_margin=dict(shape.fig_margin),
            animation_duration=0,
            min_aspect_ratio=shape.min_aspect_ratio,
            max_aspect_ratio=shape.max_aspect_ratio,
            layout=ipywidgets.Layout(
                width=shape.layout.width, height=shape.layout.height
            ),
        )
        self.show(contour.model.surface)

    def show(self, surface: Surface) -> None:
        """Colour ``log₁₀ ‖∇f‖`` of ``surface`` over its domain."""
        grid = evaluate_grid(surface, MAGNITUDE_PIXELS, derivatives=True)
        magnitude = np.hypot(grid.grad[..., 0], grid.grad[..., 1])
        picture = surface_picture(Grid(grid.x, grid.y, magnitude), "magma", log=True)
        domain = surface.domain
        self._picture.show(picture.png, picture.extent)
        for scale, (low, high) in ((self.x_scale, domain.x_range),
                                   (self.y_scale, domain.y_range)):  # fmt: skip
            with scale.hold_sync():
                scale.min, scale.max = low, high
