"""Shapes that show what the Hessian says: stretched bowls and saddles."""

from __future__ import annotations

import math

from lossviz_widgets.engine.catalogue._build import (
    Array,
    Pair,
    Params,
    Triple,
    build_surface,
)
from lossviz_widgets.engine.surface import CriticalPoint, Parameter, Surface

__all__ = ["booth", "ill_conditioned_bowl", "monkey_saddle", "saddle"]


def _bowl_coefficients(p: Params) -> tuple[float, float, float]:
    """Hessian entries ``(hxx, hxy, hyy)`` of the rotated, stretched bowl."""
    gentle = p["curvature"]
    steep = gentle * p["condition"]
    angle = math.radians(p["angle"])
    c, s = math.cos(angle), math.sin(angle)
    # Eigenvector (c, s) carries the gentle curvature, (−s, c) the steep one.
    return (
        gentle * c * c + steep * s * s,
        (gentle - steep) * c * s,
        gentle * s * s + steep * c * c,
    )


def _stretched(x: Array, y: Array, p: Params) -> Array:
    """Value of the stretched bowl."""
    hxx, hxy, hyy = _bowl_coefficients(p)
    return 0.5 * (hxx * x**2 + 2 * hxy * x * y + hyy * y**2)


def _stretched_grad(x: Array, y: Array, p: Params) -> Pair:
    """Gradient of the stretched bowl."""
    hxx, hxy, hyy = _bowl_coefficients(p)
    return hxx * x + hxy * y, hxy * x + hyy * y


def _stretched_hess(x: Array, y: Array, p: Params) -> Triple:
    """Hessian of the stretched bowl, the same everywhere."""
    return _bowl_coefficients(p)


_BOWL_PARAMETERS = (
    Parameter("condition", 10.0, 1.0, 1000.0, "log", "steep over gentle curvature"),
    Parameter("angle", 30.0, -90.0, 90.0, "linear", "turn of the valley, in degrees"),
    Parameter("curvature", 1.0, 0.1, 10.0, "log", "gentle curvature, along the valley"),
)


def ill_conditioned_bowl(**params: float) -> Surface:
    """Return a quadratic bowl stretched by its condition number and turned.

    The Hessian is the same everywhere, with eigenvalues ``curvature`` along
    the direction ``(cos θ, sin θ)`` and ``curvature · condition`` across
    it. Gradient descent on it converges for learning rates below
    ``2 / (curvature · condition)``, oscillates at that value and diverges
    above it.

    Parameters
    ----------
    **params : float
        ``condition``, the steep curvature over the gentle one (1 to 1000,
        default 10); ``angle``, the angle θ of the valley floor from the x
        axis in degrees (−90 to 90, default 30); ``curvature``, the gentle
        curvature (0.1 to 10, default 1).

    Returns
    -------
    Surface
        Convex, with its minimum at the origin.

    Examples
    --------
    >>> import numpy as np
    >>> bowl = ill_conditioned_bowl(condition=10.0, angle=0.0)
    >>> float(bowl(1.0, 1.0))
    5.5
    >>> turned = ill_conditioned_bowl(condition=100.0, angle=45.0)
    >>> np.linalg.eigvalsh(turned.hessian(0.0, 0.0)).round(9).tolist()
    [1.0, 100.0]

    """
    return build_surface(
        "ill_conditioned_bowl",
        _stretched,
        _stretched_grad,
        _stretched_hess,
        domain=((-3.0, 3.0), (-3.0, 3.0)),
        parameters=_BOWL_PARAMETERS,
        params=params,
        critical_points=[CriticalPoint(0.0, 0.0, 0.0, "minimum")],
        title="Ill-conditioned bowl",
        formula="(λ₁u² + λ₂v²)/2,  u = x cos θ + y sin θ,  v = y cos θ − x sin θ",
        description=(
            "A bowl much steeper across than along its valley, where gradient "
            "descent zigzags and any step above 2/λmax diverges."
        ),
        convex=True,
    )


def _booth_residuals(x: Array, y: Array) -> Pair:
    """Return the two linear residuals whose squares make Booth's function."""
    return x + 2 * y - 7, 2 * x + y - 5


def _booth(x: Array, y: Array, p: Params) -> Array:
    """Value of Booth's function."""
    first, second = _booth_residuals(x, y)
    return first**2 + second**2


def _booth_grad(x: Array, y: Array, p: Params) -> Pair:
    """Gradient of Booth's function."""
    first, second = _booth_residuals(x, y)
    return 2 * first + 4 * second, 4 * first + 2 * second


def _booth_hess(x: Array, y: Array, p: Params) -> Triple:
    """Hessian of Booth's function, the same everywhere."""
    return 10.0, 8.0, 10.0


def booth(**params: float) -> Surface:
    """Return Booth's function ``(x + 2y − 7)² + (2x + y − 5)²``, a tilted quadratic.

    Parameters
    ----------
    **params : float
        None are accepted: Booth's function has no parameters.

    Returns
    -------
    Surface
        Convex, with eigenvalues 2 and 18 and the minimum at ``(1, 3)``.

    Examples
    --------
    >>> float(booth()(1.0, 3.0))
    0.0

    """
    return build_surface(
        "booth",
        _booth,
        _booth_grad,
        _booth_hess,
        domain=((-4.0, 6.0), (-2.0, 8.0)),
        params=params,
        critical_points=[CriticalPoint(1.0, 3.0, 0.0, "minimum")],
        title="Booth",
        formula="(x + 2y − 7)² + (2x + y − 5)²",
        description=(
            "A tilted, elongated quadratic bowl, the easiest benchmark and a "
            "first check for any optimizer."
        ),
        convex=True,
    )


def _saddle(x: Array, y: Array, p: Params) -> Array:
    """Value of the saddle."""
    return x**2 - y**2


def _saddle_grad(x: Array, y: Array, p: Params) -> Pair:
    """Gradient of the saddle."""
    return 2 * x, -2 * y


def _saddle_hess(x: Array, y: Array, p: Params) -> Triple:
    """Hessian of the saddle."""
    return 2.0, 0.0, -2.0


def saddle(**params: float) -> Surface:
    """Return the saddle ``x² − y²``: a minimum along x and a maximum along y.

    Parameters
    ----------
    **params : float
        None are accepted: the saddle has no parameters.

    Returns
    -------
    Surface
        Not convex; its only critical point is the saddle at the origin.

    Examples
    --------
    >>> s = saddle()
    >>> s.grad(1.0, 1.0).tolist(), s.hessian(1.0, 1.0).tolist()
    ([2.0, -2.0], [[2.0, 0.0], [0.0, -2.0]])

    """
    return build_surface(
        "saddle",
        _saddle,
        _saddle_grad,
        _saddle_hess,
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        params=params,
        critical_points=[CriticalPoint(0.0, 0.0, 0.0, "saddle")],
        title="Saddle",
        formula="x² − y²",
        description=(
            "The simplest saddle point, where the gradient vanishes although "
            "the surface still falls away along y."
        ),
        convex=False,
    )


def _monkey(x: Array, y: Array, p: Params) -> Array:
    """Value of the monkey saddle."""
    return x**3 - 3 * x * y**2


def _monkey_grad(x: Array, y: Array, p: Params) -> Pair:
    """Gradient of the monkey saddle."""
    return 3 * x**2 - 3 * y**2, -6 * x * y


def _monkey_hess(x: Array, y: Array, p: Params) -> Triple:
    """Hessian of the monkey saddle."""
    return 6 * x, -6 * y, -6 * x


def monkey_saddle(**params: float) -> Surface:
    """Return the monkey saddle ``x³ − 3xy²``, with three valleys around a flat centre.

    Its Hessian vanishes at the origin, so the second-order test cannot
    classify that critical point: it is listed as ``"degenerate"``.

    Parameters
    ----------
    **params : float
        None are accepted: the monkey saddle has no parameters.

    Returns
    -------
    Surface
        Not convex.

    Examples
    --------
    >>> m = monkey_saddle()
    >>> bool((m.hessian(0.0, 0.0) == 0).all())
    True
    >>> m.critical_points[0].kind
    'degenerate'

    """
    return build_surface(
        "monkey_saddle",
        _monkey,
        _monkey_grad,
        _monkey_hess,
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        params=params,
        critical_points=[CriticalPoint(0.0, 0.0, 0.0, "degenerate")],
        title="Monkey saddle",
        formula="x³ − 3xy²",
        description=(
            "A critical point with three valleys around it where the Hessian "
            "is zero and the second-order test says nothing."
        ),
        convex=False,
    )
