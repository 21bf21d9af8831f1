"""Flat and sharp regions: a plateau where descent crawls, sharp and flat minima."""

from __future__ import annotations

import numpy as np

from lossviz_widgets.engine.catalogue._build import (
    Array,
    Pair,
    Params,
    Triple,
    build_surface,
)
from lossviz_widgets.engine.surface import CriticalPoint, Parameter, Surface

__all__ = ["plateau", "sharp_flat"]


def _plateau_profile(x: Array, y: Array, p: Params) -> tuple[Array, Array, Array]:
    """Return ``tanh z``, ``sech² z`` and ``r²`` for ``z = r²/width²``."""
    r2 = x**2 + y**2
    z = r2 / p["width"] ** 2
    # sech² z = 4e/(1 + e)² with e = exp(−2z) keeps its tiny values on the
    # plateau, where 1 − tanh² z would round to zero; z is never negative.
    e = np.exp(-2 * z)
    return np.tanh(z), 4 * e / (1 + e) ** 2, r2


def _plateau(x: Array, y: Array, p: Params) -> Array:
    """Value of the plateau."""
    tanh, _, r2 = _plateau_profile(x, y, p)
    return tanh + p["slope"] * r2


def _plateau_grad(x: Array, y: Array, p: Params) -> Pair:
    """Gradient of the plateau."""
    _, sech2, _ = _plateau_profile(x, y, p)
    rate = sech2 / p["width"] ** 2 + p["slope"]
    return 2 * rate * x, 2 * rate * y


def _plateau_hess(x: Array, y: Array, p: Params) -> Triple:
    """Hessian of the plateau."""
    tanh, sech2, _ = _plateau_profile(x, y, p)
    width2 = p["width"] ** 2
    rate = sech2 / width2 + p["slope"]
    bend = -2 * sech2 * tanh / width2**2
    return 2 * rate + 4 * bend * x**2, 4 * bend * x * y, 2 * rate + 4 * bend * y**2


_PLATEAU_PARAMETERS = (
    Parameter("width", 1.0, 0.5, 1.5, "log", "radius of the basin in the middle"),
    Parameter("slope", 0.005, 0.0, 0.05, "linear", "how much the plateau leans inward"),
)


def plateau(**params: float) -> Surface:
    """Return a basin ringed by a wide, nearly flat plateau, ``tanh(r²/w²) + s·r²``.

    On the plateau the slope of the tanh term falls like ``exp(−2r²/w²)``
    and only the gentle bowl ``s·r²`` pulls toward the basin: with
    ``s = 0.005`` a gradient step of 0.1 moves a point by 0.1% of its
    distance to the centre, and with ``s = 0`` it hardly moves at all.

    Parameters
    ----------
    **params : float
        ``width``, ``w``, the radius of the basin (0.5 to 1.5, default 1);
        ``slope``, ``s``, the weight of the bowl ``s·r²`` under the plateau
        (0 to 0.05, default 0.005).

    Returns
    -------
    Surface
        Not convex; its only critical point is the minimum at the origin.

    Examples
    --------
    >>> flat = plateau()
    >>> float(flat(0.0, 0.0))
    0.0
    >>> flat.grad(3.0, 0.0).round(6).tolist()
    [0.03, 0.0]

    """
    return build_surface(
        "plateau",
        _plateau,
        _plateau_grad,
        _plateau_hess,
        domain=((-4.0, 4.0), (-4.0, 4.0)),
        parameters=_PLATEAU_PARAMETERS,
        params=params,
        critical_points=[CriticalPoint(0.0, 0.0, 0.0, "minimum")],
        title="Plateau",
        formula="tanh((x² + y²)/w²) + s(x² + y²)",
        description=(
            "A basin ringed by a wide, nearly flat plateau where gradients are "
            "tiny and gradient descent crawls while momentum gets through."
        ),
        convex=False,
    )


# Two Gaussian wells of depth 1 on a gentle bowl, on the x axis.
_SHARP_CENTER = -1.5
_FLAT_CENTER = 1.5
_BOWL = 0.05


def _wells(p: Params) -> tuple[tuple[float, float], ...]:
    """Return the centre and width of each well: the sharp one, then the flat one."""
    return (_SHARP_CENTER, p["sharp_width"]), (_FLAT_CENTER, p["flat_width"])


def _well(x: Array, y: Array, center: float, width: float) -> Pair:
    """Return the well's depth profile ``exp(−d²/2σ²)`` and the scaled offsets."""
    dx, dy = (x - center) / width, y / width
    return np.exp(-(dx**2 + dy**2) / 2), (dx, dy)


def _sharp_flat(x: Array, y: Array, p: Params) -> Array:
    """Value of the two wells on the bowl."""
    total = _BOWL * (x**2 + y**2)
    for center, width in _wells(p):
        depth, _ = _well(x, y, center, width)
        total = total - depth
    return total


def _sharp_flat_grad(x: Array, y: Array, p: Params) -> Pair:
    """Gradient of the two wells on the bowl."""
    gx, gy = 2 * _BOWL * x, 2 * _BOWL * y
    for center, width in _wells(p):
        depth, (dx, dy) = _well(x, y, center, width)
        gx = gx + depth * dx / width
        gy = gy + depth * dy / width
    return gx, gy


def _sharp_flat_hess(x: Array, y: Array, p: Params) -> Triple:
    """Hessian of the two wells on the bowl."""
    hxx, hxy, hyy = 2 * _BOWL, 0.0, 2 * _BOWL
    for center, width in _wells(p):
        depth, (dx, dy) = _well(x, y, center, width)
        scale = depth / width**2
        hxx = hxx + scale * (1 - dx**2)
        hxy = hxy - scale * dx * dy
        hyy = hyy + scale * (1 - dy**2)
    return hxx, hxy, hyy


def _sharp_flat_critical(p: Params) -> list[CriticalPoint]:
    """Find every critical point by bisection along the line of the wells."""
    # ∂f/∂y = y·(positive), so every critical point lies on the x axis, and
    # between the well centres, outside which ∂f/∂x has one sign.
    grid = np.linspace(_SHARP_CENTER, _FLAT_CENTER, 2049)
    slope, _ = _sharp_flat_grad(grid, np.zeros_like(grid), p)
    rising = (slope[:-1] < 0) & (slope[1:] >= 0)
    falling = (slope[:-1] > 0) & (slope[1:] <= 0)
    low, high = grid[:-1][rising | falling], grid[1:][rising | falling]
    sign_low = np.sign(slope[:-1][rising | falling])
    for _ in range(64):
        middle = (low + high) / 2
        value, _ = _sharp_flat_grad(middle, np.zeros_like(middle), p)
        same = np.sign(value) == sign_low
        low, high = np.where(same, middle, low), np.where(same, high, middle)
    roots = (low + high) / 2
    zeros = np.zeros_like(roots)
    values = _sharp_flat(roots, zeros, p)
    curvature, _, _ = _sharp_flat_hess(roots, zeros, p)
    return [
        CriticalPoint(x, 0.0, value, "minimum" if bend > 0 else "saddle")
        for x, value, bend in zip(roots, values, curvature, strict=True)
    ]


_SHARP_FLAT_PARAMETERS = (
    Parameter("sharp_width", 0.2, 0.05, 0.4, "log", "width of the left, sharp well"),
    Parameter("flat_width", 0.8, 0.5, 1.2, "log", "width of the right, flat well"),
)


def sharp_flat(**params: float) -> Surface:
    """Return two wells of equal depth, one sharp and one flat, on a gentle bowl.

    The sharp well is centred at ``(−1.5, 0)`` and the flat one at
    ``(1.5, 0)``. The bowl pulls each minimum slightly toward the origin and
    the other well's tail deepens it a little, so the two minima differ in
    value by less than 0.05. They and the saddle between them are found for
    the current widths by bisection on the x axis, where every critical
    point lies.

    Parameters
    ----------
    **params : float
        ``sharp_width``, ``σₛ``, the width of the sharp well (0.05 to 0.4,
        default 0.2); ``flat_width``, ``σ_f``, the width of the flat well
        (0.5 to 1.2, default 0.8).

    Returns
    -------
    Surface
        Not convex: two minima and a saddle.

    Examples
    --------
    >>> wells = sharp_flat()
    >>> [(round(c.x, 4), c.kind) for c in wells.critical_points]
    [(-1.4939, 'minimum'), (-0.883, 'saddle'), (1.4092, 'minimum')]

    """
    return build_surface(
        "sharp_flat",
        _sharp_flat,
        _sharp_flat_grad,
        _sharp_flat_hess,
        domain=((-3.0, 3.0), (-3.0, 3.0)),
        parameters=_SHARP_FLAT_PARAMETERS,
        params=params,
        critical_points=_sharp_flat_critical,
        title="Sharp and flat minima",
        formula=(
            "0.05(x² + y²) − exp(−((x + 1.5)² + y²)/2σₛ²) "
            "− exp(−((x − 1.5)² + y²)/2σ_f²)"
        ),
        description=(
            "Two minima of about equal depth, one narrow and one wide: the wide one "
            "tolerates large steps and perturbations, the narrow one does not."
        ),
        convex=False,
    )
