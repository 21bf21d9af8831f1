"""Derivatives by central differences, for surfaces given as Python callables.

:meth:`Surface.from_function <lossviz_widgets.engine.surface.Surface.from_function>`
uses these when a gradient or Hessian is not given, and adapts the ones
that are given to the ``(x, y, params)`` form the surface calls.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

__all__ = ["central_gradient", "central_hessian", "split_gradient", "split_hessian"]

ParamValues = Mapping[str, float]
GradFunction = Callable[[np.ndarray, np.ndarray, ParamValues], tuple[Any, Any]]
HessianFunction = Callable[[np.ndarray, np.ndarray, ParamValues], tuple[Any, Any, Any]]

# Step sizes balancing truncation against rounding error: eps^(1/3) for a
# first central difference, eps^(1/4) for a second one.
_FIRST_STEP = np.finfo(float).eps ** (1 / 3)
_SECOND_STEP = np.finfo(float).eps ** (1 / 4)


def _step(u: np.ndarray, base: float) -> np.ndarray:
    """Finite-difference step for coordinates ``u``, relative where |u| > 1."""
    return base * np.maximum(1.0, np.abs(u))


def central_gradient(f: Callable[..., Any]) -> GradFunction:
    """Return ``gradient(x, y, params)`` of ``f(x, y)`` by central differences.

    Steps are ``eps^(1/3)``, relative to the coordinates where they exceed
    one, which balances truncation against rounding error.

    Examples
    --------
    >>> gradient = central_gradient(lambda x, y: x**2 * y)
    >>> [round(float(g), 6) for g in gradient(np.array(1.0), np.array(3.0), {})]
    [6.0, 1.0]
    """

    def gradient(x: np.ndarray, y: np.ndarray, _: ParamValues) -> tuple[Any, Any]:
        hx, hy = _step(x, _FIRST_STEP), _step(y, _FIRST_STEP)
        gx = (np.asarray(f(x + hx, y)) - np.asarray(f(x - hx, y))) / (2 * hx)
        gy = (np.asarray(f(x, y + hy)) - np.asarray(f(x, y - hy))) / (2 * hy)
        return gx, gy

    return gradient


def central_hessian(
    f: Callable[..., Any], gradient: GradFunction | None
) -> HessianFunction:
    """Return ``hessian(x, y, params)`` as ``(fxx, fxy, fyy)`` by central differences.

    Differences of ``gradient`` when one is given (steps ``eps^(1/3)``),
    else second differences of ``f`` (steps ``eps^(1/4)``).

    Examples
    --------
    >>> hessian = central_hessian(lambda x, y: x**2 * y, None)
    >>> [round(float(h), 4) for h in hessian(np.array(1.0), np.array(3.0), {})]
    [6.0, 2.0, 0.0]
    """

    def from_gradient(x: np.ndarray, y: np.ndarray, p: ParamValues) -> tuple:
        hx, hy = _step(x, _FIRST_STEP), _step(y, _FIRST_STEP)
        gxp, gyp = gradient(x + hx, y, p)
        gxm, gym = gradient(x - hx, y, p)
        hxx = (np.asarray(gxp) - np.asarray(gxm)) / (2 * hx)
        hyx = (np.asarray(gyp) - np.asarray(gym)) / (2 * hx)
        gxp, gyp = gradient(x, y + hy, p)
        gxm, gym = gradient(x, y - hy, p)
        hxy = (np.asarray(gxp) - np.asarray(gxm)) / (2 * hy)
        hyy = (np.asarray(gyp) - np.asarray(gym)) / (2 * hy)
        return hxx, (hxy + hyx) / 2, hyy

    def from_values(x: np.ndarray, y: np.ndarray, _: ParamValues) -> tuple:
        hx, hy = _step(x, _SECOND_STEP), _step(y, _SECOND_STEP)
        f0 = np.asarray(f(x, y))
        hxx = (np.asarray(f(x + hx, y)) - 2 * f0 + np.asarray(f(x - hx, y))) / hx**2
        hyy = (np.asarray(f(x, y + hy)) - 2 * f0 + np.asarray(f(x, y - hy))) / hy**2
        corners = (
            np.asarray(f(x + hx, y + hy))
            - np.asarray(f(x + hx, y - hy))
            - np.asarray(f(x - hx, y + hy))
            + np.asarray(f(x - hx, y - hy))
        )
        return hxx, corners / (4 * hx * hy), hyy

    if gradient is None:
        return from_values
    return from_gradient


def split_gradient(grad: Callable[..., Any]) -> GradFunction:
    """Adapt ``grad(x, y)`` returning a pair or a ``(..., 2)`` array.

    Examples
    --------
    >>> gradient = split_gradient(lambda x, y: np.stack([y, x], axis=-1))
    >>> [float(g) for g in gradient(np.array(2.0), np.array(5.0), {})]
    [5.0, 2.0]
    """

    def gradient(x: np.ndarray, y: np.ndarray, _: ParamValues) -> tuple[Any, Any]:
        result = grad(x, y)
        if isinstance(result, tuple | list):
            return result[0], result[1]
        array = np.asarray(result, dtype=float)
        return array[..., 0], array[..., 1]

    return gradient


def split_hessian(hessian: Callable[..., Any]) -> HessianFunction:
    """Adapt ``hessian(x, y)`` returning a triple or a ``(..., 2, 2)`` array.

    The off-diagonal entry is the mean of the two given, so the result is
    symmetric.

    Examples
    --------
    >>> second = split_hessian(lambda x, y: np.array([[2.0, 1.0], [3.0, 4.0]]))
    >>> [float(h) for h in second(np.array(0.0), np.array(0.0), {})]
    [2.0, 2.0, 4.0]
    """

    def second(x: np.ndarray, y: np.ndarray, _: ParamValues) -> tuple:
        result = hessian(x, y)
        if isinstance(result, tuple | list) and len(result) == 3:
            return result[0], result[1], result[2]
        array = np.asarray(result, dtype=float)
        return (
            array[..., 0, 0],
            (array[..., 0, 1] + array[..., 1, 0]) / 2,
            array[..., 1, 1],
        )

    return second
