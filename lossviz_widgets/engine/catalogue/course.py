"""The course page's round bowl and banana valley.

They are evaluated in the course's own order of operations, so that the
values it prints (``1.0`` for both at ``(1, 1)``) and its gradient descent
path on the valley are reproduced to the last bit.
"""

from __future__ import annotations

from lossviz_widgets.engine.catalogue._build import (
    Array,
    Pair,
    Params,
    Triple,
    build_surface,
)
from lossviz_widgets.engine.surface import CriticalPoint, Surface

__all__ = ["banana", "convex_bowl"]


def _bowl(x: Array, y: Array, p: Params) -> Array:
    """Value of the round bowl."""
    return (x**2 + y**2) / 2


def _bowl_grad(x: Array, y: Array, p: Params) -> Pair:
    """Gradient of the round bowl."""
    return x, y


def _bowl_hess(x: Array, y: Array, p: Params) -> Triple:
    """Hessian of the round bowl."""
    return 1.0, 0.0, 1.0


def convex_bowl(**params: float) -> Surface:
    """Return the round bowl ``(x² + y²)/2``, equally curved in every direction.

    Parameters
    ----------
    **params : float
        None are accepted: the bowl has no parameters.

    Returns
    -------
    Surface
        Convex, with its only critical point, the minimum, at the origin.

    Examples
    --------
    >>> bowl = convex_bowl()
    >>> float(bowl(1.0, 1.0))
    1.0
    >>> bowl.hessian(0.3, -2.0).tolist()
    [[1.0, 0.0], [0.0, 1.0]]

    """
    return build_surface(
        "convex_bowl",
        _bowl,
        _bowl_grad,
        _bowl_hess,
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        params=params,
        critical_points=[CriticalPoint(0.0, 0.0, 0.0, "minimum")],
        title="Convex bowl",
        formula="(x² + y²)/2",
        description=(
            "A round bowl with one minimum and the same curvature everywhere, "
            "where gradient descent walks straight to the bottom."
        ),
        convex=True,
    )


def _banana(x: Array, y: Array, p: Params) -> Array:
    """Value of the banana valley."""
    return x**2 + 5 * (y - x**2) ** 2


def _banana_grad(x: Array, y: Array, p: Params) -> Pair:
    """Gradient of the banana valley, in the course's order of operations."""
    return 2 * x - 20 * x * (y - x**2), 10 * (y - x**2)


def _banana_hess(x: Array, y: Array, p: Params) -> Triple:
    """Hessian of the banana valley."""
    return 2 - 20 * y + 60 * x**2, -20 * x, 10.0


def banana(**params: float) -> Surface:
    """Return the course's banana valley ``x² + 5(y − x²)²``.

    The gradient is evaluated as ``2*x - 20*x*(y - x**2)`` and
    ``10*(y - x**2)``, exactly as the course writes it, so descent paths
    computed elsewhere from that formula agree bit for bit.

    Parameters
    ----------
    **params : float
        None are accepted: the valley has no parameters.

    Returns
    -------
    Surface
        Not convex; its only critical point is the minimum at the origin.

    Examples
    --------
    >>> valley = banana()
    >>> float(valley(1.0, 1.0))
    1.0
    >>> valley.grad(-1.5, 1.5).tolist()
    [-25.5, -7.5]

    """
    return build_surface(
        "banana",
        _banana,
        _banana_grad,
        _banana_hess,
        domain=((-2.0, 2.0), (-1.0, 3.0)),
        params=params,
        critical_points=[CriticalPoint(0.0, 0.0, 0.0, "minimum")],
        title="Banana valley",
        formula="x² + 5(y − x²)²",
        description=(
            "A curved valley whose walls are steeper than its floor, so the "
            "gradient points at the wall and plain gradient descent creeps."
        ),
        convex=False,
    )
