"""Contour levels and lines of a grid, and values put on a log scale.

:func:`contour_levels` chooses levels (linear, log or quantile spacing),
:func:`contour_lines` traces them into :class:`ContourLevel` lines ready for
one line mark per level (separate lines joined by NaN gaps, never empty,
never infinite), and :func:`log_values` prepares values spanning many
decades for a colour map.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import contourpy
import numpy as np

from lossviz_widgets.engine.fields import Grid

__all__ = ["ContourLevel", "contour_levels", "contour_lines", "log_floor", "log_values"]

SPACINGS = ("linear", "log", "quantile")

# Log-spaced levels and log_values span this many decades below the full
# range of values: finer detail is invisible next to the rest...
_DECADES = 6
# ...unless more than this share of the heights lies below them, as on a
# surface such as exp(x² + y²): then they reach down to that share.
_PINNED = 0.05


def log_floor(heights: Any, decades: float = _DECADES) -> float:
    """Return the lowest height a log scale shows, for heights ``f − min f > 0``.

    That is ``decades`` below the top, or lower when more than 5 % of the
    heights lie below it: then their 5th percentile, so that a surface
    spanning many more decades keeps its shape.

    Parameters
    ----------
    heights : array_like
        Positive heights above the minimum, not empty.
    decades : float
        How far below the top a log scale reaches at the least.

    Examples
    --------
    >>> log_floor([1e-9, 1.0, 2.0, 5.0, 10.0], decades=3)
    0.01
    >>> log_floor(np.logspace(-20, 0, 101), decades=3)  # the 5th percentile
    1e-19
    """
    array = np.asarray(heights, dtype=float)
    top = float(array.max())
    return min(top * 10.0**-decades, float(np.quantile(array, _PINNED)))


def _spacing(spacing: object) -> str:
    """Return ``spacing`` if it names a known spacing of levels, else raise."""
    if spacing not in SPACINGS:
        message = f"spacing must be one of {SPACINGS}, got {spacing!r}"
        raise ValueError(message)
    return str(spacing)


def contour_levels(
    values: Any,
    count: int = 15,
    spacing: Literal["linear", "log", "quantile"] = "linear",
) -> np.ndarray:
    """Choose up to ``count`` contour levels strictly inside the range of values.

    NaN and infinite values are ignored. ``"linear"`` spaces the levels
    evenly; ``"log"`` spaces their height above the minimum evenly in
    log scale, over at most 6 decades (and never below the smallest positive
    height on the grid), which suits surfaces spanning many decades, such as
    Rosenbrock's, whatever the sign of their minimum; ``"quantile"`` puts an
    equal share of the values between consecutive levels.

    Parameters
    ----------
    values : array_like
        Surface values of any shape, e.g. ``Grid.values``.
    count : int
        The most levels wanted, in [1, 1000].
    spacing : {"linear", "log", "quantile"}
        How the levels are spread, as described above.

    Returns
    -------
    ndarray, shape (k,)
        Sorted, distinct and finite, ``k <= count``. Empty when fewer than two
        distinct finite values exist: a flat surface has no contour lines.

    Examples
    --------
    >>> contour_levels([0.0, 10.0], count=4).tolist()
    [2.0, 4.0, 6.0, 8.0]
    >>> contour_levels([-1.0, -0.9, 99.0], count=3, spacing="log").tolist()
    [-0.9, 0.0, 9.0]
    >>> contour_levels([np.nan, 3.0, 3.0]).size
    0

    """
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)):
        message = f"count must be a whole number of levels, got {count!r}"
        raise TypeError(message)
    if not 1 <= count <= 1000:
        message = f"count must lie in [1, 1000], got {count}"
        raise ValueError(message)
    spacing = _spacing(spacing)
    array = np.asarray(values, dtype=float)
    finite = array[np.isfinite(array)]
    if finite.size == 0 or finite.min() == finite.max():
        return np.empty(0)

    low, high = finite.min(), finite.max()
    with np.errstate(over="ignore", invalid="ignore"):
        if spacing == "linear":
            levels = np.linspace(low, high, count + 2)[1:-1]
        elif spacing == "quantile":
            levels = np.quantile(finite, np.linspace(0, 1, count + 2)[1:-1])
        else:
            heights = finite - low
            positive = heights[heights > 0]
            bottom = max(positive.min(), log_floor(positive))
            levels = low + np.geomspace(bottom, high - low, count + 1)[:-1]
    inside = np.isfinite(levels) & (levels > low) & (levels < high)
    return np.unique(levels[inside])


def log_values(values: Any) -> np.ndarray:
    """Put values on a log scale for colouring: ``log10(f − min f + floor)``.

    ``floor`` is ``1e-6`` times the range of the finite values (1 for a flat
    surface), so the result spans about 6 decades and the minimum stays
    finite; when more than 5 % of the heights ``f − min f`` lie below that,
    ``floor`` is their 5th percentile instead, so a surface spanning many
    more decades still shows its shape. Non-finite values give NaN.

    Parameters
    ----------
    values : array_like
        Surface values of any shape.

    Returns
    -------
    ndarray
        Same shape as ``values``.

    Examples
    --------
    >>> log_values([0.0, 1.0, 1e6]).round(3).tolist()
    [0.0, 0.301, 6.0]
    >>> exponential = np.exp(np.linspace(0.0, 100.0, 11))  # 43 decades
    >>> round(float(np.ptp(log_values(exponential))))
    35

    """
    array = np.asarray(values, dtype=float)
    finite = np.isfinite(array)
    if not finite.any():
        return np.full(array.shape, np.nan)
    low, high = array[finite].min(), array[finite].max()
    heights = array[finite] - low
    floor = log_floor(heights[heights > 0]) if high > low else 1.0
    with np.errstate(invalid="ignore", over="ignore"):
        logs = np.log10(np.where(finite, array - low, 0.0) + floor)
    return np.where(finite, logs, np.nan)


@dataclass(frozen=True)
class ContourLevel:
    """All contour lines of one level, as one pair of coordinate arrays.

    ``x (K,)`` and ``y (K,)`` hold the separate lines one after another with
    a single NaN between consecutive lines, never at either end; closed lines
    repeat their first point at the end. ``K >= 2`` and no value is infinite.
    """

    level: float
    x: np.ndarray
    y: np.ndarray

    @property
    def line_count(self) -> int:
        """The number of separate lines."""
        return int(np.count_nonzero(np.isnan(self.x))) + 1


def _joined(lines: list[np.ndarray]) -> np.ndarray:
    """Stack lines of shape ``(n_i, 2)`` into one array with NaN rows between."""
    gap = np.full((1, 2), np.nan)
    pieces = [part for line in lines for part in (gap, line)][1:]
    return np.concatenate(pieces)


def _finite_contour_lines(grid: Grid, levels: np.ndarray) -> tuple[ContourLevel, ...]:
    """Contour lines of a grid without NaN or inf, already joined by contourpy.

    Gives the same arrays as :func:`_masked_contour_lines`, which must drop
    non-finite points line by line, in about two thirds of the time: a
    surface change draws these on every update.
    """
    generator = contourpy.contour_generator(
        grid.x, grid.y, grid.values, line_type=contourpy.LineType.ChunkCombinedNan
    )
    result = []
    for level in levels:
        points = generator.lines(level)[0][0]
        if points is not None and len(points) >= 2:
            result.append(ContourLevel(float(level), points[:, 0], points[:, 1]))
    return tuple(result)


def contour_lines(grid: Grid, levels: Any) -> tuple[ContourLevel, ...]:
    """Trace the contour lines of a grid at the given levels, with contourpy.

    NaN and infinite values of the grid are masked: lines stop at their
    edge. A level that crosses no part of the grid is left out of the
    result, so a view never receives an empty array.

    Parameters
    ----------
    grid : Grid
        Values from :func:`evaluate_grid`.
    levels : array_like, shape (L,)
        Finite levels, e.g. from :func:`contour_levels`.

    Returns
    -------
    tuple of ContourLevel
        In the order of ``levels``, without the levels that have no lines.

    Examples
    --------
    >>> from lossviz_widgets.engine import Surface, evaluate_grid
    >>> cone = Surface.from_function(lambda x, y: np.hypot(x, y), domain=[-2, 2, -2, 2])
    >>> rings = contour_lines(evaluate_grid(cone, 101), [1.0, 9.0])
    >>> len(rings), rings[0].level, rings[0].line_count
    (1, 1.0, 1)
    >>> bool(np.allclose(np.hypot(rings[0].x, rings[0].y), 1.0, atol=1e-3))
    True

    """
    wanted = np.atleast_1d(np.asarray(levels, dtype=float))
    if wanted.ndim != 1 or not np.all(np.isfinite(wanted)):
        message = f"levels must be a 1-D sequence of finite numbers, got {levels!r}"
        raise ValueError(message)

    if np.isfinite(grid.values).all():
        return _finite_contour_lines(grid, wanted)
    return _masked_contour_lines(grid, wanted)


def _masked_contour_lines(grid: Grid, levels: np.ndarray) -> tuple[ContourLevel, ...]:
    """Contour lines of any grid, dropping non-finite points line by line."""
    generator = contourpy.contour_generator(
        grid.x, grid.y, grid.values, line_type=contourpy.LineType.Separate
    )
    result = []
    for level in levels:
        lines = [
            line[np.all(np.isfinite(line), axis=1)] for line in generator.lines(level)
        ]
        lines = [line for line in lines if len(line) >= 2]
        if lines:
            joined = _joined(lines)
            result.append(ContourLevel(float(level), joined[:, 0], joined[:, 1]))
    return tuple(result)
