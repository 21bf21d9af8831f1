"""The built-in surfaces, by name, in the order a course would meet them.

Each entry is a factory: called with parameter values (or none, for the
defaults) it returns a :class:`~lossviz_widgets.engine.surface.Surface`
with exact gradient and Hessian, a domain, described parameters and the
critical points known for it. The families live in their own modules:
:mod:`.course`, :mod:`.curvature`, :mod:`.wavy`, :mod:`.flatness`,
:mod:`.models`, :mod:`.multimodal`, :mod:`.benchmarks` and :mod:`.ripples`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from types import MappingProxyType

from lossviz_widgets.engine.catalogue.benchmarks import (
    beale,
    goldstein_price,
    rosenbrock,
)
from lossviz_widgets.engine.catalogue.course import banana, convex_bowl
from lossviz_widgets.engine.catalogue.curvature import (
    booth,
    ill_conditioned_bowl,
    monkey_saddle,
    saddle,
)
from lossviz_widgets.engine.catalogue.flatness import plateau, sharp_flat
from lossviz_widgets.engine.catalogue.models import linear_network, logistic_regression
from lossviz_widgets.engine.catalogue.multimodal import (
    himmelblau,
    six_hump_camel,
    styblinski_tang,
)
from lossviz_widgets.engine.catalogue.ripples import ackley, rastrigin
from lossviz_widgets.engine.catalogue.wavy import multi_waves, waves
from lossviz_widgets.engine.surface import Surface

__all__ = ["CATALOGUE", "get_surface", "surface_names"]

#: Every built-in surface factory by name, read-only, in teaching order:
#: convex bowls, valleys, saddles, non-convex terrain, flat and sharp
#: regions, small models, then the classic benchmark functions.
CATALOGUE: Mapping[str, Callable[..., Surface]] = MappingProxyType(
    {
        factory.__name__: factory
        for factory in (
            convex_bowl,
            ill_conditioned_bowl,
            banana,
            rosenbrock,
            saddle,
            monkey_saddle,
            waves,
            multi_waves,
            plateau,
            sharp_flat,
            linear_network,
            logistic_regression,
            himmelblau,
            six_hump_camel,
            booth,
            beale,
            goldstein_price,
            rastrigin,
            ackley,
            styblinski_tang,
        )
    }
)


def surface_names() -> tuple[str, ...]:
    """Return the names of the built-in surfaces, in teaching order.

    Returns
    -------
    tuple of str
        Names accepted by :func:`get_surface`, the round bowl first.

    Examples
    --------
    >>> surface_names()[:3]
    ('convex_bowl', 'ill_conditioned_bowl', 'banana')
    >>> len(surface_names())
    20

    """
    return tuple(CATALOGUE)


def get_surface(name: str, **params: float) -> Surface:
    """Return the built-in surface called ``name``, with some parameters set.

    Parameters
    ----------
    name : str
        One of :func:`surface_names`.
    **params : float
        Parameter values overriding the surface's defaults.

    Returns
    -------
    Surface
        A new surface; its :attr:`~Surface.parameters` describe what may be set.

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If no surface has that name (the message lists the names and
        suggests the closest one), or a parameter is unknown or out of range.

    Examples
    --------
    >>> valley = get_surface("rosenbrock", a=0.5)
    >>> valley.critical_points[0]
    CriticalPoint(x=0.5, y=0.25, value=0.0, kind='minimum')
    >>> get_surface("rosenbrok")
    Traceback (most recent call last):
    ...
    ValueError: unknown surface 'rosenbrok' (did you mean 'rosenbrock'?); ...

    """
    if not isinstance(name, str):
        message = f"name must be a string naming a surface, got {name!r}"
        raise TypeError(message)
    factory = CATALOGUE.get(name)
    if factory is None:
        raise ValueError(_unknown_name_message(name))
    return factory(**params)


def _unknown_name_message(name: str) -> str:
    """Say that ``name`` is unknown, suggest the closest name and list them all."""
    close = difflib.get_close_matches(name.lower(), CATALOGUE, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown surface {name!r}{hint}; the surfaces are: {', '.join(CATALOGUE)}"
