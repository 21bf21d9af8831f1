"""Classic optimisation test functions with one global minimum.

Rosenbrock's curved valley, Beale's ridges and the Goldstein–Price
polynomial, whose values run from 3 to a million. Every critical point of
the plane is listed. Beale's and Goldstein–Price's are the
real roots of the resultant of the two gradient components (with, for
Beale, the line x = 0 on which one component vanishes identically), solved
to 40 digits and rounded to doubles.
"""

from __future__ import annotations

from lossviz_widgets.engine.catalogue._build import (
    Array,
    Pair,
    Params,
    Triple,
    build_surface,
)
from lossviz_widgets.engine.surface import CriticalPoint, Parameter, Surface

__all__ = ["beale", "goldstein_price", "rosenbrock"]


def _rosenbrock(x: Array, y: Array, p: Params) -> Array:
    """Value of Rosenbrock's function."""
    return (p["a"] - x) ** 2 + p["b"] * (y - x**2) ** 2


def _rosenbrock_grad(x: Array, y: Array, p: Params) -> Pair:
    """Gradient of Rosenbrock's function."""
    a, b = p["a"], p["b"]
    return -2 * (a - x) - 4 * b * x * (y - x**2), 2 * b * (y - x**2)


def _rosenbrock_hess(x: Array, y: Array, p: Params) -> Triple:
    """Hessian of Rosenbrock's function."""
    b = p["b"]
    return 2 - 4 * b * (y - x**2) + 8 * b * x**2, -4 * b * x, 2 * b


def _rosenbrock_minimum(p: Params) -> list[CriticalPoint]:
    """Return the only critical point, the minimum at ``(a, a²)``."""
    return [CriticalPoint(p["a"], p["a"] ** 2, 0.0, "minimum")]


_ROSENBROCK_PARAMETERS = (
    Parameter("a", 1.0, -1.5, 1.5, "linear", "the minimum sits at (a, a²)"),
    Parameter("b", 100.0, 1.0, 1000.0, "log", "steepness of the valley walls"),
)


def rosenbrock(**params: float) -> Surface:
    """Return Rosenbrock's valley ``(a − x)² + b(y − x²)²``.

    Parameters
    ----------
    **params : float
        ``a``, placing the minimum at ``(a, a²)`` (−1.5 to 1.5, default 1);
        ``b``, the steepness of the valley walls (1 to 1000, default 100).

    Returns
    -------
    Surface
        Not convex; its only critical point is the minimum.

    Examples
    --------
    >>> valley = rosenbrock()
    >>> valley.hessian(1.0, 1.0).tolist()
    [[802.0, -400.0], [-400.0, 200.0]]
    >>> rosenbrock(a=-0.5).critical_points[0]
    CriticalPoint(x=-0.5, y=0.25, value=0.0, kind='minimum')

    """
    return build_surface(
        "rosenbrock",
        _rosenbrock,
        _rosenbrock_grad,
        _rosenbrock_hess,
        domain=((-2.0, 2.0), (-1.0, 3.0)),
        parameters=_ROSENBROCK_PARAMETERS,
        params=params,
        critical_points=_rosenbrock_minimum,
        title="Rosenbrock",
        formula="(a − x)² + b(y − x²)²",
        description=(
            "The classic banana-shaped valley whose long, curved, nearly flat "
            "floor makes first-order methods slow."
        ),
        convex=False,
    )


# Beale's function is a sum of squares of c − x(1 − yⁱ) for i = 1, 2, 3.
_BEALE_TERMS = ((1, 1.5), (2, 2.25), (3, 2.625))


def _beale(x: Array, y: Array, p: Params) -> Array:
    """Value of Beale's function."""
    return sum((c - x + x * y**i) ** 2 for i, c in _BEALE_TERMS)


def _beale_grad(x: Array, y: Array, p: Params) -> Pair:
    """Gradient of Beale's function."""
    gx, gy = 0.0, 0.0
    for i, c in _BEALE_TERMS:
        residual = c - x + x * y**i
        gx = gx + 2 * residual * (y**i - 1)
        gy = gy + 2 * residual * i * x * y ** (i - 1)
    return gx, gy


def _beale_hess(x: Array, y: Array, p: Params) -> Triple:
    """Hessian of Beale's function."""
    hxx, hxy, hyy = 0.0, 0.0, 0.0
    for i, c in _BEALE_TERMS:
        residual = c - x + x * y**i
        along_x = y**i - 1
        along_y = i * x * y ** (i - 1)
        # Second derivative of x·yⁱ in y; written out to avoid y⁻¹ at i = 1.
        curl = i * (i - 1) * x * y ** (i - 2) if i > 1 else 0.0
        hxx = hxx + 2 * along_x**2
        hxy = hxy + 2 * (along_y * along_x + residual * i * y ** (i - 1))
        hyy = hyy + 2 * (along_y**2 + residual * curl)
    return hxx, hxy, hyy


def beale(**params: float) -> Surface:
    """Return Beale's function ``Σᵢ (cᵢ − x + xyⁱ)²`` with ``c = (1.5, 2.25, 2.625)``.

    Its three critical points are the minimum ``f(3, 0.5) = 0`` and two
    saddles, one at ``(0, 1)`` on the line ``x = 0`` where ``f`` is constant.

    Parameters
    ----------
    **params : float
        None are accepted: Beale's function has no parameters.

    Returns
    -------
    Surface
        Not convex.

    Examples
    --------
    >>> float(beale()(3.0, 0.5))
    0.0

    """
    return build_surface(
        "beale",
        _beale,
        _beale_grad,
        _beale_hess,
        domain=((-4.5, 4.5), (-4.5, 4.5)),
        params=params,
        critical_points=[
            CriticalPoint(3.0, 0.5, 0.0, "minimum"),
            CriticalPoint(0.0, 1.0, 14.203125, "saddle"),
            CriticalPoint(
                0.10053793732415836, -2.644513585023125, 9.86451228475556, "saddle"
            ),
        ],
        title="Beale",
        formula="(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
        description=(
            "Steep ridges toward the corners and a flat plateau in the middle, "
            "with a narrow valley leading to the minimum at (3, 0.5)."
        ),
        convex=False,
    )


def _goldstein_parts(x: Array, y: Array) -> tuple[Triple, Triple]:
    """Return the two factors of Goldstein–Price with their first two derivatives."""
    # The first factor depends on u = x + y only and the second on
    # t = 2x − 3y only, which keeps the derivatives short.
    u, t = x + y, 2 * x - 3 * y
    s = u + 1
    quadratic = 19 - 14 * u + 3 * u**2
    first = 1 + s**2 * quadratic
    first_1 = 2 * s * quadratic + s**2 * (6 * u - 14)
    first_2 = 2 * quadratic + 4 * s * (6 * u - 14) + 6 * s**2
    second = 30 + t**2 * (18 - 16 * t + 3 * t**2)
    second_1 = 36 * t - 48 * t**2 + 12 * t**3
    second_2 = 36 - 96 * t + 36 * t**2
    return (first, first_1, first_2), (second, second_1, second_2)


def _goldstein(x: Array, y: Array, p: Params) -> Array:
    """Value of the Goldstein–Price function."""
    (a, _, _), (b, _, _) = _goldstein_parts(x, y)
    return a * b


def _goldstein_grad(x: Array, y: Array, p: Params) -> Pair:
    """Gradient of the Goldstein–Price function."""
    (a, a1, _), (b, b1, _) = _goldstein_parts(x, y)
    return a1 * b + 2 * a * b1, a1 * b - 3 * a * b1


def _goldstein_hess(x: Array, y: Array, p: Params) -> Triple:
    """Hessian of the Goldstein–Price function."""
    (a, a1, a2), (b, b1, b2) = _goldstein_parts(x, y)
    hxx = a2 * b + 4 * a1 * b1 + 4 * a * b2
    hxy = a2 * b - a1 * b1 - 6 * a * b2
    hyy = a2 * b - 6 * a1 * b1 + 9 * a * b2
    return hxx, hxy, hyy


# All nine critical points of the plane have short decimal coordinates.
_GOLDSTEIN_CRITICAL_POINTS = (
    CriticalPoint(0.0, -1.0, 3.0, "minimum"),
    CriticalPoint(-0.6, -0.4, 30.0, "minimum"),
    CriticalPoint(1.8, 0.2, 84.0, "minimum"),
    CriticalPoint(1.2, 0.8, 840.0, "minimum"),
    CriticalPoint(-0.4, -0.6, 35.0, "saddle"),
    CriticalPoint(1.2, -0.2, 99.0, "saddle"),
    CriticalPoint(1.4, 0.6, 980.0, "saddle"),
    CriticalPoint(0.6, 0.4, 990.0, "saddle"),
    CriticalPoint(0.8, 0.2, 1155.0, "maximum"),
)


def goldstein_price(**params: float) -> Surface:
    """Return the Goldstein–Price function, with values from 3 to a million.

    ``[1 + (x + y + 1)²(19 − 14x + 3x² − 14y + 6xy + 3y²)] ·
    [30 + (2x − 3y)²(18 − 32x + 12x² + 48y − 36xy + 27y²)]``, with the
    global minimum ``f(0, −1) = 3``, three more minima, four saddles and a
    maximum.

    Parameters
    ----------
    **params : float
        None are accepted: Goldstein–Price has no parameters.

    Returns
    -------
    Surface
        Not convex.

    Examples
    --------
    >>> float(goldstein_price()(0.0, -1.0))
    3.0

    """
    return build_surface(
        "goldstein_price",
        _goldstein,
        _goldstein_grad,
        _goldstein_hess,
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        params=params,
        critical_points=_GOLDSTEIN_CRITICAL_POINTS,
        title="Goldstein–Price",
        formula=(
            "[1 + (x + y + 1)²(19 − 14x + 3x² − 14y + 6xy + 3y²)] · "
            "[30 + (2x − 3y)²(18 − 32x + 12x² + 48y − 36xy + 27y²)]"
        ),
        description=(
            "A polynomial whose values run from 3 to a million, with four minima "
            "and the global one at (0, −1) in a narrow, steep-walled basin."
        ),
        convex=False,
    )
