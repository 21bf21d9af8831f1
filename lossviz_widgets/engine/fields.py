"""What views draw of a surface: value grids and gradient arrows.

Everything here is plain data for a front end to send as it is: a
:class:`Grid` of values for a heat map or a 3D mesh, and a
:class:`GradientField` of arrows with the rotation that bqplot's
``Scatter(marker="arrow")`` expects. Contour levels and lines are in
:mod:`lossviz_widgets.engine.contours`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from lossviz_widgets.engine.surface import Domain, Surface

__all__ = ["GradientField", "Grid", "evaluate_grid", "gradient_field"]


def _resolution(value: object, low: int, high: int) -> tuple[int, int]:
    """Return ``(nx, ny)`` from an int or a pair, each in ``[low, high]``."""
    pair = value if isinstance(value, (tuple, list)) else (value, value)
    whole = all(
        isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in pair
    )
    if len(pair) != 2 or not whole:
        message = f"resolution must be an int or a pair (nx, ny) of ints, got {value!r}"
        raise TypeError(message)
    if not all(low <= n <= high for n in pair):
        message = (
            f"resolution must lie in [{low}, {high}] points per axis (at least "
            f"{low} to cover the domain, at most {high} to bound the work), "
            f"got {value!r}"
        )
        raise ValueError(message)
    return int(pair[0]), int(pair[1])


def _domain(surface: Surface, domain: Any) -> Domain:
    """Return the domain given, or the surface's own."""
    return surface.domain if domain is None else Domain.coerce(domain)


@dataclass(frozen=True)
class Grid:
    """Values of a surface on a rectangular grid, rows along ``y``.

    ``x (nx,)`` and ``y (ny,)`` are the coordinates, ``values (ny, nx)``
    holds ``f(x[j], y[i])`` at ``[i, j]`` (NaN or infinity where the surface
    is not defined), and ``grad (ny, nx, 2)`` the gradient, or ``None``.
    """

    x: np.ndarray
    y: np.ndarray
    values: np.ndarray
    grad: np.ndarray | None = None


def evaluate_grid(
    surface: Surface,
    resolution: int | tuple[int, int] = 200,
    *,
    domain: Any = None,
    derivatives: bool = False,
) -> Grid:
    """Evaluate a surface on an evenly spaced grid covering a domain, edges included.

    Parameters
    ----------
    surface : Surface
        The surface to evaluate.
    resolution : int or (int, int)
        Points per axis, or ``(nx, ny)``; each in [2, 2000].
    domain : Domain or sequence, optional
        The rectangle to cover; the surface's own domain by default.
    derivatives : bool
        Whether to evaluate the gradient too.

    Returns
    -------
    Grid

    Examples
    --------
    >>> bowl = Surface.from_function(lambda x, y: x**2 + y**2, domain=[-1, 1, 0, 2])
    >>> grid = evaluate_grid(bowl, (3, 2))
    >>> grid.x.tolist(), grid.y.tolist()
    ([-1.0, 0.0, 1.0], [0.0, 2.0])
    >>> grid.values.tolist()
    [[1.0, 0.0, 1.0], [5.0, 4.0, 5.0]]

    """
    nx, ny = _resolution(resolution, 2, 2000)
    box = _domain(surface, domain)
    x = np.linspace(box.x_min, box.x_max, nx)
    y = np.linspace(box.y_min, box.y_max, ny)
    X, Y = np.meshgrid(x, y)
    with np.errstate(all="ignore"):
        values = np.array(surface.value(X, Y), dtype=float)
        grad = np.array(surface.grad(X, Y), dtype=float) if derivatives else None
    return Grid(x, y, values, grad)


@dataclass(frozen=True)
class GradientField:
    """Arrows of a gradient field for a quiver plot, one per grid cell.

    All arrays have shape ``(M,)``: ``x`` and ``y`` are the cell centres,
    ``u`` and ``v`` the arrow components (``−∇f`` for the descent direction,
    ``∇f`` for ascent), ``magnitude`` is ``|∇f|`` and ``angle`` the rotation
    for an ``"arrow"`` marker of bqplot's ``Scatter``, see :meth:`rotation`.
    Components, magnitude and angle are NaN where the gradient is not finite.
    """

    x: np.ndarray
    y: np.ndarray
    u: np.ndarray
    v: np.ndarray
    magnitude: np.ndarray
    angle: np.ndarray

    def rotation(self, aspect: float = 1.0) -> np.ndarray:
        """Return degrees clockwise from up, as bqplot turns an ``"arrow"`` marker.

        bqplot draws the arrow marker pointing up and turns it clockwise on
        screen by its ``rotation`` in degrees, after mapping the value through
        the mark's rotation scale onto [0, 180]: give that channel
        ``LinearScale(min=0, max=180)`` and the values pass unchanged. The
        result lies in [0, 360), with 0 where the gradient vanishes.

        Parameters
        ----------
        aspect : float
            Screen length of one unit of ``y`` over that of one unit of
            ``x``; 1 (the ``angle`` field) when both axes have the same scale.

        Returns
        -------
        ndarray, shape (M,)

        Examples
        --------
        >>> one = [np.array([v]) for v in (0.0, 0.0, 1.0, 1.0, 2**0.5, 45.0)]
        >>> GradientField(*one).rotation(aspect=3**0.5).round(6).tolist()
        [30.0]

        """
        if not (isinstance(aspect, (int, float)) and 0 < aspect < np.inf):
            message = f"aspect must be a positive finite number, got {aspect!r}"
            raise ValueError(message)
        return _arrow_rotation(self.u, self.v, float(aspect))


def _arrow_rotation(u: np.ndarray, v: np.ndarray, aspect: float) -> np.ndarray:
    """Return the clockwise degrees from up of the direction ``(u, aspect·v)``."""
    with np.errstate(invalid="ignore", over="ignore"):
        heading = np.degrees(np.arctan2(v * aspect, u))
        turn = np.mod(90.0 - heading, 360.0)
    return np.where((u == 0) & (v == 0), 0.0, turn)


def gradient_field(
    surface: Surface,
    resolution: int | tuple[int, int] = 20,
    *,
    domain: Any = None,
    direction: Literal["descent", "ascent"] = "descent",
) -> GradientField:
    """Compute gradient arrows at the centres of a grid of cells over a domain.

    Parameters
    ----------
    surface : Surface
        The surface whose gradient is drawn.
    resolution : int or (int, int)
        Arrows per axis, or ``(nx, ny)``; each in [1, 200].
    domain : Domain or sequence, optional
        The rectangle to cover; the surface's own domain by default.
    direction : {"descent", "ascent"}
        Whether arrows point downhill, along ``−∇f`` (the way gradient
        descent moves), or uphill along ``∇f``.

    Returns
    -------
    GradientField

    Examples
    --------
    >>> bowl = Surface.from_function(
    ...     lambda x, y: x**2 + y**2, lambda x, y: (2 * x, 2 * y), domain=[0, 2, 0, 2]
    ... )
    >>> field = gradient_field(bowl, (2, 1))
    >>> field.x.tolist(), field.y.tolist()
    ([0.5, 1.5], [1.0, 1.0])
    >>> field.u.tolist(), field.v.tolist()
    ([-1.0, -3.0], [-2.0, -2.0])
    >>> gradient_field(bowl, 1, direction="ascent").angle.tolist()  # up-right
    [45.0]

    """
    if direction not in ("descent", "ascent"):
        message = f"direction must be 'descent' or 'ascent', got {direction!r}"
        raise ValueError(message)
    nx, ny = _resolution(resolution, 1, 200)
    box = _domain(surface, domain)
    x = box.x_min + (np.arange(nx) + 0.5) * (box.x_max - box.x_min) / nx
    y = box.y_min + (np.arange(ny) + 0.5) * (box.y_max - box.y_min) / ny
    X, Y = (axis.ravel() for axis in np.meshgrid(x, y))
    with np.errstate(all="ignore"):
        grad = surface.grad(X, Y) * (-1.0 if direction == "descent" else 1.0)
        finite = np.all(np.isfinite(grad), axis=-1)
        u = np.where(finite, grad[:, 0], np.nan)
        v = np.where(finite, grad[:, 1], np.nan)
        magnitude = np.hypot(u, v)
    finite = np.isfinite(magnitude)
    u, v = np.where(finite, u, np.nan), np.where(finite, v, np.nan)
    magnitude = np.where(finite, magnitude, np.nan)
    return GradientField(X, Y, u, v, magnitude, _arrow_rotation(u, v, 1.0))
