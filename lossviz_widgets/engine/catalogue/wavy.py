"""The course page's wavy landscape, and the same with several frequencies.

The waves are evaluated in the course's own order of operations, so that
the value it prints at ``(1, 1)``, ``0.6546487134128409``, is reproduced to
the last bit. Stacking frequencies is the course's exercise.
"""

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

__all__ = ["multi_waves", "waves"]


def _waves(x: Array, y: Array, p: Params) -> Array:
    """Value of the waves, in the course's order of operations."""
    return np.sin(x) * np.cos(y) + 0.1 * (x**2 + y**2)


def _waves_grad(x: Array, y: Array, p: Params) -> Pair:
    """Gradient of the waves."""
    return np.cos(x) * np.cos(y) + 0.2 * x, -np.sin(x) * np.sin(y) + 0.2 * y


def _waves_hess(x: Array, y: Array, p: Params) -> Triple:
    """Hessian of the waves."""
    diagonal = 0.2 - np.sin(x) * np.cos(y)
    return diagonal, -np.cos(x) * np.sin(y), diagonal


# In the coordinates s = x + y and d = x − y the waves separate into
# h(s) + h(d) with h(t) = sin(t)/2 + t²/20, because sin x cos y equals
# (sin s + sin d)/2. The critical points are therefore the pairs of roots of
# cos t = −t/5, which has exactly three: every one in the plane is listed.
# The roots were found to 40 digits and the points rounded to doubles.
_WAVES_CRITICAL_POINTS = tuple(
    CriticalPoint(*row)
    for row in (
        (-1.306440008369511, 0.0, -0.7945823375615283, "minimum"),
        (1.2655135490647689, 2.57195355743428, 0.018488110193108774, "minimum"),
        (1.2655135490647689, -2.57195355743428, 0.018488110193108774, "minimum"),
        (3.837467106499049, 0.0, 0.8315585579477459, "minimum"),
        (0.335471510479665, 1.641911518849176, 0.2574490383957677, "saddle"),
        (0.335471510479665, -1.641911518849176, 0.2574490383957677, "saddle"),
        (2.907425067913945, 0.9300420385851038, 1.0705194861504048, "saddle"),
        (2.907425067913945, -0.9300420385851038, 1.0705194861504048, "saddle"),
        (1.977383029328841, 0.0, 1.3094804143530638, "maximum"),
    )
)


def waves(**params: float) -> Surface:
    """Return the course's wavy landscape ``sin x · cos y + 0.1(x² + y²)``.

    All nine critical points of the plane are known, from the roots of
    ``cos t = −t/5`` (the surface separates along the diagonals); they lie in
    the domain ``[−4, 4]²``.

    Parameters
    ----------
    **params : float
        None are accepted: the waves have no parameters.

    Returns
    -------
    Surface
        Not convex: four minima, four saddles and a maximum.

    Examples
    --------
    >>> landscape = waves()
    >>> float(landscape(1.0, 1.0))
    0.6546487134128409
    >>> [point.kind for point in landscape.critical_points][:4]
    ['minimum', 'minimum', 'minimum', 'minimum']

    """
    return build_surface(
        "waves",
        _waves,
        _waves_grad,
        _waves_hess,
        domain=((-4.0, 4.0), (-4.0, 4.0)),
        params=params,
        critical_points=_WAVES_CRITICAL_POINTS,
        title="Waves",
        formula="sin x · cos y + 0.1(x² + y²)",
        description=(
            "Waves on a gentle bowl, with several minima, saddles and a "
            "maximum, where the start point decides where descent ends."
        ),
        convex=False,
    )


def _octaves(p: Params) -> list[tuple[float, float]]:
    """Return the amplitude and frequency of each octave, the first being (1, 1)."""
    count = int(p["octaves"])
    amplitude, frequency = p["amplitude_ratio"], p["frequency_ratio"]
    return [(amplitude**k, frequency**k) for k in range(count)]


def _multi_waves(x: Array, y: Array, p: Params) -> Array:
    """Value of the waves with several frequencies."""
    total = np.zeros_like(x)
    for amplitude, frequency in _octaves(p):
        total = total + amplitude * np.sin(frequency * x) * np.cos(frequency * y)
    return total + 0.1 * (x**2 + y**2)


def _multi_waves_grad(x: Array, y: Array, p: Params) -> Pair:
    """Gradient of the waves with several frequencies."""
    gx, gy = 0.2 * x, 0.2 * y
    for amplitude, frequency in _octaves(p):
        u, v = frequency * x, frequency * y
        gx = gx + amplitude * frequency * np.cos(u) * np.cos(v)
        gy = gy - amplitude * frequency * np.sin(u) * np.sin(v)
    return gx, gy


def _multi_waves_hess(x: Array, y: Array, p: Params) -> Triple:
    """Hessian of the waves with several frequencies."""
    diagonal, cross = np.full_like(x, 0.2), np.zeros_like(x)
    for amplitude, frequency in _octaves(p):
        u, v = frequency * x, frequency * y
        weight = amplitude * frequency**2
        diagonal = diagonal - weight * np.sin(u) * np.cos(v)
        cross = cross - weight * np.cos(u) * np.sin(v)
    return diagonal, cross, diagonal


_MULTI_WAVES_PARAMETERS = (
    Parameter("octaves", 3, 1, 4, "linear", "how many frequencies are stacked", True),
    Parameter(
        "frequency_ratio", 2.0, 1.0, 3.0, "linear", "each frequency over the previous"
    ),
    Parameter(
        "amplitude_ratio", 0.5, 0.0, 1.0, "linear", "each amplitude over the previous"
    ),
)


def multi_waves(**params: float) -> Surface:
    """Return the waves with several frequencies, ``Σ aᵏ sin(bᵏx) cos(bᵏy)``.

    Octave ``k`` (from 0) has amplitude ``aᵏ`` and frequency ``bᵏ``; with one
    octave the surface is :func:`waves`, value for value. Its critical points
    move and multiply with the parameters and none are listed.

    Parameters
    ----------
    **params : float
        ``octaves``, the number of frequencies (a whole number, 1 to 4,
        default 3); ``frequency_ratio``, ``b``, each frequency over the
        previous one (1 to 3, default 2); ``amplitude_ratio``, ``a``, each
        amplitude over the previous one (0 to 1, default 0.5).

    Returns
    -------
    Surface
        Not convex.

    Examples
    --------
    >>> rough = multi_waves(octaves=2, frequency_ratio=3.0)
    >>> round(float(rough(1.0, 1.0)), 6)
    0.584795
    >>> float(multi_waves(octaves=1)(1.0, 1.0))
    0.6546487134128409

    """
    return build_surface(
        "multi_waves",
        _multi_waves,
        _multi_waves_grad,
        _multi_waves_hess,
        domain=((-4.0, 4.0), (-4.0, 4.0)),
        parameters=_MULTI_WAVES_PARAMETERS,
        params=params,
        title="Waves of several frequencies",
        formula="Σₖ aᵏ sin(bᵏx) cos(bᵏy) + 0.1(x² + y²),  k = 0 … n − 1",
        description=(
            "Waves of several frequencies on a bowl: each added octave makes "
            "the landscape rougher and adds local minima that trap descent."
        ),
        convex=False,
    )
