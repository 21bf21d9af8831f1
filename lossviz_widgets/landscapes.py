"""The functions of the Day-6 course page, as thin faces over the engine.

The lesson "Convexity, Curvature & Loss Landscapes" calls these names; they
keep its calls and its printed outputs working while the work is done by
the catalogue surfaces and the engine's optimizers.

Examples
--------
>>> print('Convex bowl at (1,1) =', convex_bowl(1.0, 1.0))
Convex bowl at (1,1) = 1.0
>>> print('Banana valley at (1,1) =', banana(1.0, 1.0))
Banana valley at (1,1) = 1.0
>>> print('Waves at (1,1) =', waves(1.0, 1.0))
Waves at (1,1) = 0.6546487134128409
>>> config = GDConfig(lr=1e-3, steps=100)
>>> path = gd_path([-1.5, 1.5], banana_grad, config)
>>> print('GD path tail on banana valley:', path[-3:])
GD path tail on banana valley: [[-1.19588247  1.5148514 ]
 [-1.19551692  1.51400423]
 [-1.19515214  1.5131568 ]]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from lossviz_widgets.engine.catalogue import get_surface
from lossviz_widgets.engine.optimizers import SGD

__all__ = ["GDConfig", "banana", "banana_grad", "convex_bowl", "gd_path", "waves"]

_CONVEX_BOWL = get_surface("convex_bowl")
_BANANA = get_surface("banana")
_WAVES = get_surface("waves")


def convex_bowl(x: Any, y: Any) -> Any:
    """Return the convex bowl ``(x² + y²) / 2`` at ``(x, y)``.

    Examples
    --------
    >>> float(convex_bowl(1.0, 1.0))
    1.0
    """
    return _CONVEX_BOWL.value(x, y)


def banana(x: Any, y: Any) -> Any:
    """Return the banana valley ``x² + 5(y − x²)²`` at ``(x, y)``.

    Examples
    --------
    >>> float(banana(1.0, 1.0))
    1.0
    """
    return _BANANA.value(x, y)


def waves(x: Any, y: Any) -> Any:
    """Return the wavy surface ``sin x · cos y + 0.1(x² + y²)`` at ``(x, y)``.

    Examples
    --------
    >>> float(waves(0.0, 0.0))
    0.0
    """
    return _WAVES.value(x, y)


def banana_grad(point: Any, y: Any = None) -> np.ndarray:
    """Return the gradient of :func:`banana`, shaped like the point(s) given.

    Call it with one array of points of shape ``(..., 2)``, or with ``x`` and
    ``y`` separately.

    Examples
    --------
    >>> banana_grad([1.0, 1.0]).tolist()
    [2.0, 0.0]
    >>> banana_grad(0.0, 1.0).tolist()
    [0.0, 10.0]
    """
    if y is not None:
        return _BANANA.grad(point, y)
    return _BANANA.grad_at(point)


@dataclass(frozen=True)
class GDConfig:
    """Settings of :func:`gd_path`: learning rate, number of steps, momentum.

    ``momentum`` is that of ``torch.optim.SGD`` (0 gives plain gradient
    descent); it serves the course's exercise on adding momentum.

    Examples
    --------
    >>> GDConfig(lr=1e-3, steps=100)
    GDConfig(lr=0.001, steps=100, momentum=0.0)
    """

    lr: float = 1e-3
    steps: int = 100
    momentum: float = 0.0

    def __post_init__(self) -> None:
        if isinstance(self.steps, bool) or not isinstance(self.steps, int | np.integer):
            message = f"steps must be a whole number, got {self.steps!r}"
            raise TypeError(message)
        if self.steps < 0:
            message = f"steps must be >= 0, got {self.steps}"
            raise ValueError(message)
        # The optimizer validates lr and momentum with its own messages.
        SGD(lr=self.lr, momentum=self.momentum)


def gd_path(
    start: Any,
    grad_fn: Callable[[np.ndarray], Any],
    config: GDConfig | None = None,
) -> np.ndarray:
    """Follow gradient descent from ``start`` and return every point visited.

    Parameters
    ----------
    start : array_like, shape (2,)
        The first point.
    grad_fn : callable
        ``grad_fn(point)`` returning the gradient at a point of shape ``(2,)``.
    config : GDConfig, optional
        Learning rate, number of steps and momentum.

    Returns
    -------
    numpy.ndarray, shape (steps + 1, 2)
        The path, starting with ``start``. A path that overflows stops at its
        last finite point and stays there.

    Examples
    --------
    >>> gd_path([1.0, 1.0], lambda p: 2 * p, GDConfig(lr=0.25, steps=2)).tolist()
    [[1.0, 1.0], [0.5, 0.5], [0.25, 0.25]]
    """
    config = config or GDConfig()
    point = np.array(start, dtype=float)
    if point.shape != (2,) or not np.all(np.isfinite(point)):
        message = f"start must be a finite point (x, y), got {start!r}"
        raise ValueError(message)

    optimizer = SGD(lr=config.lr, momentum=config.momentum)
    path = np.empty((config.steps + 1, 2))
    path[0] = point
    state = optimizer.init(point[np.newaxis])
    with np.errstate(all="ignore"):
        for step in range(1, config.steps + 1):
            grad = np.asarray(grad_fn(path[step - 1]), dtype=float).reshape(1, 2)
            moved, state = optimizer.update(state, path[step - 1][np.newaxis], grad)
            finite = np.all(np.isfinite(moved))
            path[step] = moved[0] if finite else path[step - 1]
    return path
