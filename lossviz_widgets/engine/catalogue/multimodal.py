"""Polynomials with several minima: Himmelblau, six-hump camel, Styblinski–Tang.

Every critical point of the plane is listed. Himmelblau's and the camel's
were found as the real roots of the resultant of the two gradient
components, solved to 40 digits and rounded to doubles; Styblinski–Tang
separates, and its points come from the closed-form roots of a cubic.
"""

from __future__ import annotations

import itertools
import math

from lossviz_widgets.engine.catalogue._build import (
    Array,
    Pair,
    Params,
    Triple,
    build_surface,
)
from lossviz_widgets.engine.surface import CriticalPoint, Surface

__all__ = ["himmelblau", "six_hump_camel", "styblinski_tang"]


def _himmelblau_residuals(x: Array, y: Array) -> Pair:
    """Return the two residuals whose squares make Himmelblau's function."""
    return x**2 + y - 11, x + y**2 - 7


def _himmelblau(x: Array, y: Array, p: Params) -> Array:
    """Value of Himmelblau's function."""
    first, second = _himmelblau_residuals(x, y)
    return first**2 + second**2


def _himmelblau_grad(x: Array, y: Array, p: Params) -> Pair:
    """Gradient of Himmelblau's function."""
    first, second = _himmelblau_residuals(x, y)
    return 4 * x * first + 2 * second, 2 * first + 4 * y * second


def _himmelblau_hess(x: Array, y: Array, p: Params) -> Triple:
    """Hessian of Himmelblau's function."""
    first, second = _himmelblau_residuals(x, y)
    return 4 * first + 8 * x**2 + 2, 4 * x + 4 * y, 2 + 4 * second + 8 * y**2


_HIMMELBLAU_CRITICAL_POINTS = tuple(
    CriticalPoint(*row)
    for row in (
        (3.0, 2.0, 0.0, "minimum"),
        (-2.805118086952745, 3.131312518250573, 0.0, "minimum"),
        (-3.779310253377747, -3.2831859912861696, 0.0, "minimum"),
        (3.5844283403304917, -1.8481265269644036, 0.0, "minimum"),
        (3.385154183607021, 0.07385187983774928, 13.31192627040559, "saddle"),
        (0.08667750455539636, 2.884254701174776, 67.71915008752615, "saddle"),
        (-3.0730257507643897, -0.08135304428796751, 104.0151629175581, "saddle"),
        (-0.12796134673068008, -1.9537149802445763, 178.33723920192747, "saddle"),
        (-0.2708445906673476, -0.9230385564799815, 181.6165215225827, "maximum"),
    )
)


def himmelblau(**params: float) -> Surface:
    """Return Himmelblau's function ``(x² + y − 11)² + (x + y² − 7)²``.

    Parameters
    ----------
    **params : float
        None are accepted: Himmelblau's function has no parameters.

    Returns
    -------
    Surface
        Not convex: four minima of value 0, four saddles and a maximum.

    Examples
    --------
    >>> h = himmelblau()
    >>> float(h(3.0, 2.0))
    0.0
    >>> sorted({point.kind for point in h.critical_points})
    ['maximum', 'minimum', 'saddle']

    """
    return build_surface(
        "himmelblau",
        _himmelblau,
        _himmelblau_grad,
        _himmelblau_hess,
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        params=params,
        critical_points=_HIMMELBLAU_CRITICAL_POINTS,
        title="Himmelblau",
        formula="(x² + y − 11)² + (x + y² − 7)²",
        description=(
            "Four equally deep minima around a maximum, where the minimum "
            "that descent finds depends only on where it starts."
        ),
        convex=False,
    )


def _camel(x: Array, y: Array, p: Params) -> Array:
    """Value of the six-hump camel function."""
    return (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2


def _camel_grad(x: Array, y: Array, p: Params) -> Pair:
    """Gradient of the six-hump camel function."""
    return 8 * x - 8.4 * x**3 + 2 * x**5 + y, x - 8 * y + 16 * y**3


def _camel_hess(x: Array, y: Array, p: Params) -> Triple:
    """Hessian of the six-hump camel function."""
    return 8 - 25.2 * x**2 + 10 * x**4, 1.0, -8 + 48 * y**2


# One of each pair of points exchanged by the symmetry (x, y) → (−x, −y).
_CAMEL_HALF = (
    (0.08984201310031806, -0.7126564030207396, -1.0316284534898774, "minimum"),
    (1.703606714969981, -0.7960835686726251, -0.21546382438371764, "minimum"),
    (1.6071047529201972, 0.5686514548841314, 2.1042503103112584, "minimum"),
    (1.1092053368047865, -0.7682680925095399, 0.5437186009781851, "saddle"),
    (1.6380679841897785, 0.22867406904439408, 2.2293571975307147, "saddle"),
    (1.2960702671671092, 0.6050843880386585, 2.22947081802986, "saddle"),
    (1.2302298765166526, 0.16233458445899496, 2.496295351023577, "maximum"),
)
_CAMEL_CRITICAL_POINTS = (
    *(
        CriticalPoint(sign * x, sign * y, value, kind)
        for x, y, value, kind in _CAMEL_HALF
        for sign in (1.0, -1.0)
    ),
    CriticalPoint(0.0, 0.0, 0.0, "saddle"),
)


def six_hump_camel(**params: float) -> Surface:
    """Return the six-hump camel ``(4 − 2.1x² + x⁴/3)x² + xy + (−4 + 4y²)y²``.

    Parameters
    ----------
    **params : float
        None are accepted: the camel has no parameters.

    Returns
    -------
    Surface
        Not convex: six minima (two global, ``f = −1.0316284535`` at
        ``(±0.089842, ∓0.712656)``), seven saddles and two maxima.

    Examples
    --------
    >>> camel = six_hump_camel()
    >>> round(float(camel(0.089842, -0.712656)), 10)
    -1.0316284535
    >>> sum(point.kind == "minimum" for point in camel.critical_points)
    6

    """
    return build_surface(
        "six_hump_camel",
        _camel,
        _camel_grad,
        _camel_hess,
        domain=((-2.0, 2.0), (-1.0, 1.0)),
        params=params,
        critical_points=_CAMEL_CRITICAL_POINTS,
        title="Six-hump camel",
        formula="(4 − 2.1x² + x⁴/3)x² + xy + (−4 + 4y²)y²",
        description=(
            "Six local minima, two of them global, separated by saddles: a "
            "small test of where local descent ends up."
        ),
        convex=False,
    )


def _tang(x: Array, y: Array, p: Params) -> Array:
    """Value of the Styblinski–Tang function."""
    return ((x**4 - 16 * x**2 + 5 * x) + (y**4 - 16 * y**2 + 5 * y)) / 2


def _tang_grad(x: Array, y: Array, p: Params) -> Pair:
    """Gradient of the Styblinski–Tang function."""
    return 2 * x**3 - 16 * x + 2.5, 2 * y**3 - 16 * y + 2.5


def _tang_hess(x: Array, y: Array, p: Params) -> Triple:
    """Hessian of the Styblinski–Tang function."""
    return 6 * x**2 - 16, 0.0, 6 * y**2 - 16


def _tang_roots() -> tuple[float, ...]:
    """Return the roots of ``2t³ − 16t + 2.5`` by the trigonometric formula."""
    # t³ + pt + q with p = −8 and q = 1.25 has three real roots.
    linear, constant = -8.0, 1.25
    radius = 2 * math.sqrt(-linear / 3)
    turn = math.acos(3 * constant / (2 * linear) * math.sqrt(-3 / linear)) / 3
    return tuple(
        sorted(radius * math.cos(turn - 2 * math.pi * k / 3) for k in range(3))
    )


def _tang_critical_points() -> tuple[CriticalPoint, ...]:
    """Return the nine critical points, pairs of the three roots in x and in y."""
    # f is g(x) + g(y): each coordinate sits at a minimum of g where g'' > 0.
    kinds = ("maximum", "saddle", "minimum")
    points = []
    for x, y in itertools.product(_tang_roots(), repeat=2):
        bend_x, _, bend_y = _tang_hess(x, y, {})
        upward = int(bend_x > 0) + int(bend_y > 0)
        points.append(CriticalPoint(x, y, _tang(x, y, {}), kinds[upward]))
    return tuple(points)


_TANG_CRITICAL_POINTS = _tang_critical_points()


def styblinski_tang(**params: float) -> Surface:
    """Return the Styblinski–Tang function ``(x⁴ − 16x² + 5x + y⁴ − 16y² + 5y)/2``.

    Parameters
    ----------
    **params : float
        None are accepted: Styblinski–Tang has no parameters.

    Returns
    -------
    Surface
        Not convex: four minima of different depths, four saddles and a
        maximum; the deepest minimum is ``f = −78.332331`` at
        ``x = y = −2.903534``.

    Examples
    --------
    >>> best = min(styblinski_tang().critical_points, key=lambda c: c.value)
    >>> round(best.x, 6), round(best.y, 6), round(best.value, 6)
    (-2.903534, -2.903534, -78.332331)

    """
    return build_surface(
        "styblinski_tang",
        _tang,
        _tang_grad,
        _tang_hess,
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        params=params,
        critical_points=_TANG_CRITICAL_POINTS,
        title="Styblinski–Tang",
        formula="(x⁴ − 16x² + 5x + y⁴ − 16y² + 5y)/2",
        description=(
            "Four minima of different depths, one per quadrant, so that "
            "descent finds the deepest only from about a quarter of the starts."
        ),
        convex=False,
    )
