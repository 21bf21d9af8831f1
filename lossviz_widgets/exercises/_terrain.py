"""Surfaces, measures and pictures of the saddle, valley and basin exercises.

A saddle with two wells beyond it, a start that stalls at a saddle and
how long a run stayed there; the one-weight model beside the two-weight
network; basin maps coloured as PNG; and checks of an author's settings,
with messages that say what is allowed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lossviz_widgets.engine import (
    DIVERGED,
    UNSETTLED,
    BasinMap,
    Surface,
    Trajectory,
    hessian_eigen,
)
from lossviz_widgets.engine.descriptions import CriticalPoint
from lossviz_widgets.model import PALETTE
from lossviz_widgets.views.raster import encode_png

__all__ = [
    "DIVERGED_COLOR",
    "UNSETTLED_COLOR",
    "basin_picture",
    "find_saddle",
    "one_weight_loss",
    "point_in",
    "points_in",
    "saddle_between_wells",
    "saddle_start",
    "saddle_visit",
    "whole_number_in",
]

#: Colour of the starts whose run diverged, and of those that settled nowhere.
DIVERGED_COLOR = "#3a3a3a"
UNSETTLED_COLOR = "#d9d9d9"

# Basin colours are the run palette mixed with this much white, so that
# paths and markers drawn in the palette stand out on them.
_WASH = 0.35


def saddle_between_wells() -> Surface:
    """Return ``x² − y² + y⁴/2``: a saddle at the origin between two wells.

    The wells at ``(0, ±1)`` reach ``−1/2``: a run that escapes the saddle
    along ``y`` settles in one of them instead of running off.

    Returns
    -------
    Surface
        Over ``[−2, 2]²``, with its three critical points listed.

    Examples
    --------
    >>> surface = saddle_between_wells()
    >>> [(p.x, p.y, p.value, p.kind) for p in surface.critical_points][-1]
    (0.0, 0.0, 0.0, 'saddle')
    >>> surface.hessian(0.0, 0.0).tolist()
    [[2.0, 0.0], [0.0, -2.0]]
    """
    return Surface(
        "saddle_between_wells",
        lambda x, y, p: x**2 - y**2 + y**4 / 2,
        lambda x, y, p: (2 * x, 2 * y**3 - 2 * y),
        lambda x, y, p: (2.0, 0.0, 6 * y**2 - 2),
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        critical_points=[
            CriticalPoint(0.0, -1.0, -0.5, "minimum"),
            CriticalPoint(0.0, 1.0, -0.5, "minimum"),
            CriticalPoint(0.0, 0.0, 0.0, "saddle"),
        ],
        title="Saddle between two wells",
        formula="x² − y² + y⁴/2",
        description=(
            "A saddle at the origin with a well on either side of it along y: "
            "plain descent stalls at the saddle, a push sends it into a well."
        ),
        convex=False,
    )


# The default start lies this share of the domain's span from the saddle,
# along the stable direction, and this far off it along the falling one.
_START_DISTANCE = 0.375
_START_OFFSET = 1e-6


def saddle_visit(
    trajectory: Trajectory, saddle: Any, *, radius: float, margin: float
) -> dict[str, Any]:
    """Say how long a run stayed near a saddle and when it escaped.

    A point within ``radius`` of the ``saddle`` (a ``CriticalPoint``)
    counts as near it; the run of ``trajectory`` escaped at the first step
    whose loss lies more than ``margin`` below the saddle's.

    Returns
    -------
    dict
        ``steps_near_saddle`` (int), ``escaped`` (bool), ``escape_step``
        (int or None) and ``final_loss`` (float).

    Examples
    --------
    >>> from lossviz_widgets.engine import descend
    >>> from lossviz_widgets.engine.optimizers import GD, Momentum
    >>> surface = saddle_between_wells()
    >>> saddle = surface.critical_points[-1]
    >>> run = descend(surface, GD(lr=0.01), (1.5, 1e-6), steps=300)
    >>> saddle_visit(run, saddle, radius=0.4, margin=0.1)["escaped"]
    False
    >>> run = descend(surface, Momentum(lr=0.01), (1.5, 1e-6), steps=300)
    >>> saddle_visit(run, saddle, radius=0.4, margin=0.1)["escape_step"]
    129
    """
    distance = np.hypot(
        trajectory.points[:, 0] - saddle.x, trajectory.points[:, 1] - saddle.y
    )
    below = np.flatnonzero(trajectory.values < saddle.value - margin)
    return {
        "steps_near_saddle": int(np.count_nonzero(distance <= radius)),
        "escaped": bool(below.size),
        "escape_step": int(below[0]) if below.size else None,
        "final_loss": float(trajectory.values[-1]),
    }


def find_saddle(surface: Surface, critical: tuple[Any, ...]) -> Any:
    """Return the saddle of ``critical`` nearest the domain's centre, or raise.

    Examples
    --------
    >>> surface = saddle_between_wells()
    >>> find_saddle(surface, surface.critical_points).kind
    'saddle'
    """
    saddles = [p for p in critical if p.kind == "saddle"]
    if not saddles:
        message = (
            f"surface {surface.name!r} has no saddle point in its domain; "
            "choose one with a saddle, such as 'saddle' or 'himmelblau'"
        )
        raise ValueError(message)
    cx, cy = surface.domain.center
    return min(saddles, key=lambda p: np.hypot(p.x - cx, p.y - cy))


def saddle_start(surface: Surface, saddle: Any) -> tuple[float, float]:
    """Return a start on the saddle's stable direction, a hair off it.

    The start lies 0.375 domain spans from the saddle along the eigenvector
    of the positive Hessian eigenvalue (closer if the surface there is
    lower than the saddle), and ``1e-6`` along the other eigenvector.

    Examples
    --------
    >>> surface = saddle_between_wells()
    >>> saddle_start(surface, surface.critical_points[-1])
    (1.5, 1e-06)
    """
    _, vectors = hessian_eigen(surface.hessian(saddle.x, saddle.y))
    falling, stable = vectors[:, 0], vectors[:, 1]
    stable = stable if stable[np.argmax(np.abs(stable))] > 0 else -stable
    centre = np.array([saddle.x, saddle.y])
    reach = _START_DISTANCE * surface.domain.span
    # Far from the saddle the stable line may lead downhill into another
    # valley; come closer until the start lies above the saddle.
    for _ in range(12):
        point = centre + reach * stable + _START_OFFSET * falling
        x, y = (float(v) for v in surface.domain.clip(*point))
        if surface.value(x, y) > saddle.value:
            break
        reach /= 2
    return (x, y)


def one_weight_loss() -> Surface:
    """Return ``(w − 1)²``, the loss of the one-weight model ``w·x``, as a surface.

    It fits the data of the catalogue's ``linear_network`` (the input 1,
    the target 1). The weight is ``x`` and ``y`` is ignored; the domain
    ``[−4, 4] × [−1, 1]`` holds every product ``w₁w₂`` of that network's.

    Examples
    --------
    >>> loss = one_weight_loss()
    >>> float(loss(3.0, 0.0)), loss.grad(3.0, 0.5).tolist()
    (4.0, [4.0, 0.0])
    """
    return Surface(
        "one_weight_network",
        lambda x, y, p: (x - 1) ** 2,
        lambda x, y, p: (2 * (x - 1), 0.0),
        lambda x, y, p: (2.0, 0.0, 0.0),
        domain=((-4.0, 4.0), (-1.0, 1.0)),
        critical_points=[CriticalPoint(1.0, 0.0, 0.0, "degenerate")],
        title="One-weight linear model",
        formula="(w − 1)²,  x = w",
        convex=True,
    )


def _rgb(color: str) -> np.ndarray:
    """Return the RGB of ``#rrggbb`` as three floats."""
    return np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)


def basin_picture(basin_map: BasinMap) -> tuple[bytes, Any]:
    """Colour a basin map by the minimum each start reached, as a PNG.

    Parameters
    ----------
    basin_map : BasinMap
        Labels from :func:`~lossviz_widgets.engine.basins`.

    Returns
    -------
    png : bytes
        One pixel per start: a washed-out colour of the run palette for
        minimum ``i`` (``PALETTE[i]``), :data:`DIVERGED_COLOR` or
        :data:`UNSETTLED_COLOR`.
    extent : ((float, float), (float, float))
        Where the picture's edges go, half a cell beyond the outer starts,
        so each pixel is centred on its start.

    Examples
    --------
    >>> from lossviz_widgets.engine import get_surface, basins
    >>> from lossviz_widgets.engine.optimizers import GD
    >>> basin_map = basins(get_surface("himmelblau"), GD(), resolution=20)
    >>> png, extent = basin_picture(basin_map)
    >>> png[1:4], [round(edge, 4) for edge in extent[0]]
    (b'PNG', [-5.2632, 5.2632])
    """
    count = len(basin_map.minima)
    colors = [*(PALETTE[i % len(PALETTE)] for i in range(count))]
    colors += [DIVERGED_COLOR, UNSETTLED_COLOR]
    table = np.array([_rgb(c) for c in colors])
    table[:count] += _WASH * (255 - table[:count])
    labels = basin_map.labels
    index = np.where(labels == DIVERGED, count, labels)
    index = np.where(labels == UNSETTLED, count + 1, index)

    rgba = np.full((*labels.shape, 4), 255, dtype=np.uint8)
    rgba[..., :3] = table[index].round().astype(np.uint8)
    extent = tuple(
        (float(axis[0] - half), float(axis[-1] + half))
        for axis in (basin_map.x, basin_map.y)
        for half in [(axis[-1] - axis[0]) / (len(axis) - 1) / 2]
    )
    return encode_png(rgba), extent


def whole_number_in(name: str, value: Any, low: int, high: int) -> int:
    """Return ``value`` if it is a whole number in ``[low, high]``, else raise.

    Examples
    --------
    >>> whole_number_in("steps", 300, 10, 5000)
    300
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        message = f"{name} must be a whole number, got {value!r}"
        raise TypeError(message)
    if not low <= value <= high:
        message = f"{name} must lie in [{low}, {high}], got {value!r}"
        raise ValueError(message)
    return int(value)


def point_in(name: str, value: Any, surface: Surface) -> tuple[float, float]:
    """Return ``value`` as a point ``(x, y)`` of the surface's domain, else raise.

    Examples
    --------
    >>> point_in("start", (1, 0.5), saddle_between_wells())
    (1.0, 0.5)
    >>> point_in("start", (9.0, 0.0), saddle_between_wells())
    Traceback (most recent call last):
    ...
    ValueError: start must lie in the domain x in [-2, 2], y in [-2, 2], got (9.0, 0.0)
    """
    try:
        x, y = (float(v) for v in value)
    except (TypeError, ValueError):
        message = f"{name} must be a point (x, y) of two numbers, got {value!r}"
        raise TypeError(message) from None
    box = surface.domain
    if not (np.isfinite([x, y]).all() and bool(box.contains(x, y))):
        message = (
            f"{name} must lie in the domain x in [{box.x_min:g}, {box.x_max:g}], "
            f"y in [{box.y_min:g}, {box.y_max:g}], got {value!r}"
        )
        raise ValueError(message)
    return (x, y)


def points_in(
    name: str, values: Any, surface: Surface, fewest: int, most: int
) -> list[tuple[float, float]]:
    """Return ``fewest`` to ``most`` points of the surface's domain, else raise.

    Examples
    --------
    >>> points_in("starts", [(0, 1), (1, 0)], saddle_between_wells(), 2, 6)
    [(0.0, 1.0), (1.0, 0.0)]
    """
    if isinstance(values, str) or not hasattr(values, "__len__"):
        message = f"{name} must be a sequence of points (x, y), got {values!r}"
        raise TypeError(message)
    if not fewest <= len(values) <= most:
        wanted = f"{fewest}" if fewest == most else f"{fewest} to {most}"
        message = f"{name} must hold {wanted} points, got {len(values)}"
        raise ValueError(message)
    return [point_in(f"{name}[{i}]", v, surface) for i, v in enumerate(values)]
