"""How every surface of the catalogue is assembled."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import numpy as np

from lossviz_widgets.engine.surface import Surface

# What the inner functions of a surface receive and return: coordinates as
# float arrays of one shape, parameter values by name, then a value, a
# gradient pair (gx, gy) or a Hessian triple (hxx, hxy, hyy), where any entry
# may be a constant that broadcasts.
Array = np.ndarray
Params = Mapping[str, float]
Pair = tuple[Any, Any]
Triple = tuple[Any, Any, Any]


def _quiet(function: Any) -> Any:
    """Wrap an inner function so overflow far from the domain gives inf or nan."""

    @functools.wraps(function)
    def quiet(x: np.ndarray, y: np.ndarray, params: Any) -> Any:
        # A diverging optimizer visits huge coordinates on purpose; it reads
        # the inf or nan that results, so numpy need not warn about it.
        with np.errstate(over="ignore", invalid="ignore"):
            return function(x, y, params)

    return quiet


def build_surface(
    name: str, value: Any, gradient: Any, hessian: Any, **details: Any
) -> Surface:
    """Make a :class:`Surface` whose three functions never raise numpy warnings."""
    return Surface(name, _quiet(value), _quiet(gradient), _quiet(hessian), **details)
