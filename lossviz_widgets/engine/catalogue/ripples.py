"""Bowls covered in ripples: Rastrigin's grid of minima and Ackley's funnel."""

from __future__ import annotations

import math

import numpy as np

from lossviz_widgets.engine.catalogue._build import (
    Array,
    Pair,
    Params,
    Triple,
    build_surface,
)
from lossviz_widgets.engine.surface import CriticalPoint, Parameter, Surface

__all__ = ["ackley", "rastrigin"]

_TURN = 2 * np.pi


def _rastrigin(x: Array, y: Array, p: Params) -> Array:
    """Value of Rastrigin's function; exactly 0 at the origin."""
    a = p["amplitude"]
    return 2 * a + (x**2 - a * np.cos(_TURN * x)) + (y**2 - a * np.cos(_TURN * y))


def _rastrigin_grad(x: Array, y: Array, p: Params) -> Pair:
    """Gradient of Rastrigin's function."""
    a = p["amplitude"]
    return 2 * x + _TURN * a * np.sin(_TURN * x), 2 * y + _TURN * a * np.sin(_TURN * y)


def _rastrigin_hess(x: Array, y: Array, p: Params) -> Triple:
    """Hessian of Rastrigin's function."""
    bend = _TURN**2 * p["amplitude"]
    return 2 + bend * np.cos(_TURN * x), 0.0, 2 + bend * np.cos(_TURN * y)


_RASTRIGIN_PARAMETERS = (
    Parameter("amplitude", 10.0, 0.1, 20.0, "log", "A, the height of the ripples"),
)


def rastrigin(**params: float) -> Surface:
    """Return Rastrigin's function ``2A + Σ (xᵢ² − A cos 2πxᵢ)``.

    Near every point of the integer grid lies a local minimum; the global
    one is ``f(0, 0) = 0`` for every amplitude. The local minima move with
    ``A`` and are not listed.

    Parameters
    ----------
    **params : float
        ``amplitude``, ``A``, the height of the ripples (0.1 to 20, default
        10); the surface is never convex in that range.

    Returns
    -------
    Surface
        Not convex.

    Examples
    --------
    >>> float(rastrigin()(0.0, 0.0))
    0.0
    >>> round(float(rastrigin(amplitude=1.0)(0.5, 0.5)), 6)
    4.5

    """
    return build_surface(
        "rastrigin",
        _rastrigin,
        _rastrigin_grad,
        _rastrigin_hess,
        domain=((-5.12, 5.12), (-5.12, 5.12)),
        parameters=_RASTRIGIN_PARAMETERS,
        params=params,
        critical_points=[CriticalPoint(0.0, 0.0, 0.0, "minimum")],
        title="Rastrigin",
        formula="2A + (x² − A cos 2πx) + (y² − A cos 2πy)",
        description=(
            "A bowl covered in a regular grid of ripples whose many local "
            "minima trap gradient descent far from the global one."
        ),
        convex=False,
    )


# The cone −20 exp(−0.2 r/√2) decays at this rate per unit of r = |(x, y)|.
_CONE_RATE = 0.2 / math.sqrt(2)
# Below the smallest normal float, a radius counts as the origin.
_ORIGIN_RADIUS = np.finfo(float).tiny


def _cone(x: Array, y: Array) -> tuple[Array, Array, Array, Array]:
    """Return a safe ``r``, the direction ``(ux, uy)`` (0 at 0) and ``e^(−kr)``."""
    r = np.hypot(x, y)
    at_origin = r < _ORIGIN_RADIUS
    safe_r = np.where(at_origin, 1.0, r)
    ux = np.where(at_origin, 0.0, x / safe_r)
    uy = np.where(at_origin, 0.0, y / safe_r)
    return safe_r, ux, uy, np.exp(-_CONE_RATE * r)


def _ripple(x: Array, y: Array) -> Array:
    """Return ``exp((cos 2πx + cos 2πy)/2)``."""
    return np.exp((np.cos(_TURN * x) + np.cos(_TURN * y)) / 2)


def _ackley(x: Array, y: Array, p: Params) -> Array:
    """Value of Ackley's function; exactly 0 at the origin."""
    # 20(1 − e^(−kr)) + e(1 − e^(c − 1)), c = (cos 2πx + cos 2πy)/2, with expm1:
    # both terms are exactly 0 at the origin and accurate near it.
    cone = -20 * np.expm1(-_CONE_RATE * np.hypot(x, y))
    ripple = -math.e * np.expm1((np.cos(_TURN * x) + np.cos(_TURN * y)) / 2 - 1)
    return cone + ripple


def _ackley_grad(x: Array, y: Array, p: Params) -> Pair:
    """Gradient of Ackley's function, zero at the origin."""
    _, ux, uy, decay = _cone(x, y)
    slope = 20 * _CONE_RATE * decay
    ripple = _TURN / 2 * _ripple(x, y)
    gx = slope * ux + ripple * np.sin(_TURN * x)
    gy = slope * uy + ripple * np.sin(_TURN * y)
    return gx, gy


def _ackley_hess(x: Array, y: Array, p: Params) -> Triple:
    """Hessian of Ackley's function; at the origin, of the ripple term alone."""
    r, ux, uy, decay = _cone(x, y)
    # Along the radius the cone bends by h''(r), across it by h'(r)/r; at the
    # origin ux = uy = 0 drops both.
    radial = -20 * _CONE_RATE**2 * decay
    across = 20 * _CONE_RATE * decay / r
    ripple = _TURN**2 / 2 * _ripple(x, y)
    sx, sy = np.sin(_TURN * x), np.sin(_TURN * y)
    hxx = radial * ux**2 + across * uy**2 + ripple * (np.cos(_TURN * x) - sx**2 / 2)
    hxy = (radial - across) * ux * uy - ripple * sx * sy / 2
    hyy = radial * uy**2 + across * ux**2 + ripple * (np.cos(_TURN * y) - sy**2 / 2)
    return hxx, hxy, hyy


def ackley(**params: float) -> Surface:
    """Return Ackley's function, a rippled plain around a sharp funnel at the origin.

    ``−20 exp(−0.2 √((x² + y²)/2)) − exp((cos 2πx + cos 2πy)/2) + e + 20``,
    evaluated so that ``f(0, 0)`` is exactly 0. The first term is a cone:
    it has no derivative at the origin. There the gradient is taken as
    zero, the smallest of its subgradients (the origin is the minimum), and
    the Hessian as that of the second term alone, ``2π²e`` times the
    identity; off the origin the cone adds a curvature that grows like
    ``1/r``. Points nearer the origin than the smallest normal float count
    as the origin, so no value is ever infinite or NaN.

    Parameters
    ----------
    **params : float
        None are accepted: Ackley's function has no parameters.

    Returns
    -------
    Surface
        Not convex; the global minimum is the only critical point listed.

    Examples
    --------
    >>> funnel = ackley()
    >>> float(funnel(0.0, 0.0)), funnel.grad(0.0, 0.0).tolist()
    (0.0, [0.0, 0.0])
    >>> round(float(funnel.hessian(0.0, 0.0)[0, 0]), 6)
    53.656733

    """
    return build_surface(
        "ackley",
        _ackley,
        _ackley_grad,
        _ackley_hess,
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        params=params,
        critical_points=[CriticalPoint(0.0, 0.0, 0.0, "minimum")],
        title="Ackley",
        formula="−20 exp(−0.2 √((x² + y²)/2)) − exp((cos 2πx + cos 2πy)/2) + e + 20",
        description=(
            "A nearly flat, rippled plain around a deep and sharp funnel whose "
            "tip at the global minimum has no gradient at all."
        ),
        convex=False,
    )
