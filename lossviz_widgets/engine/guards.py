"""When a run has diverged, and when it has converged.

A run leaves the finite world in one of three ways, checked after every
step: a number (a coordinate, the loss or the gradient) stops being finite,
the point goes farther than ``escape`` domain spans from the domain's
centre, or the loss grows past ``growth × (1 + |f₀|)`` above its start
value ``f₀``. A run has converged when its last step was tiny and its
gradient small. :class:`Guards` holds these thresholds and applies them to
one step of a batch or to a whole recorded history at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lossviz_widgets.engine.surface import Surface

__all__ = ["ESCAPED", "FINITE", "GROWN", "OK", "STATUSES", "Guards", "norm"]

#: The statuses of a run: stopped at a stationary point, left the finite
#: world, or neither when the steps ran out.
STATUSES = ("converged", "diverged", "moving")

#: Codes of :meth:`Guards.check`: which guard a step tripped, if any.
OK, FINITE, ESCAPED, GROWN = 0, 1, 2, 3

_REASONS = {
    OK: "",
    FINITE: "a coordinate, the loss or the gradient stopped being a finite number",
    ESCAPED: "the point went farther than {escape:g} domain spans from the "
    "domain's centre",
    GROWN: "the loss grew more than {growth:g} times its size at the start",
}


def norm(vectors: np.ndarray) -> np.ndarray:
    """Return the Euclidean length along the last axis, ``(..., 2) -> (...)``.

    Examples
    --------
    >>> norm(np.array([[3.0, 4.0], [0.0, 1.0]])).tolist()
    [5.0, 1.0]
    """
    return np.hypot(vectors[..., 0], vectors[..., 1])


def _positive(name: str, value: object) -> float:
    """Return ``value`` as a float if it is positive and finite, else raise."""
    number = float(value)  # type: ignore[arg-type]
    if not (np.isfinite(number) and number > 0):
        message = f"{name} must be a positive finite number, got {value!r}"
        raise ValueError(message)
    return number


@dataclass(frozen=True)
class Guards:
    """Thresholds for divergence and convergence, applied to runs on a surface.

    Parameters
    ----------
    escape : float
        A point farther than ``escape`` domain spans from the domain's centre
        has diverged.
    growth : float
        A loss above ``f₀ + growth × (1 + |f₀|)`` has diverged.
    gtol, xtol : float
        A run has converged when its gradient norm is at most
        ``gtol × max(1, |∇f₀|)`` and its last step moved it at most ``xtol``
        domain spans.

    Examples
    --------
    >>> from lossviz_widgets.engine import get_surface
    >>> guards = Guards()
    >>> bowl = get_surface("convex_bowl")
    >>> points = np.array([[1.0, 0.0], [1e4, 0.0], [np.nan, 0.0]])
    >>> values, grads = bowl.value_at(points), bowl.grad_at(points)
    >>> guards.check(bowl, points, values, grads, start_values=np.zeros(3)).tolist()
    [0, 2, 1]
    >>> guards.reason(2)
    "the point went farther than 100 domain spans from the domain's centre"
    """

    escape: float = 100.0
    growth: float = 1e6
    gtol: float = 1e-5
    xtol: float = 1e-7

    def __post_init__(self) -> None:
        for field in ("escape", "growth", "gtol", "xtol"):
            object.__setattr__(self, field, _positive(field, getattr(self, field)))

    def check(
        self,
        surface: Surface,
        points: np.ndarray,
        values: np.ndarray,
        grads: np.ndarray,
        start_values: np.ndarray,
    ) -> np.ndarray:
        """Return, per point, the first guard it trips (``OK`` if none).

        ``points (..., N, 2)``, ``values (..., N)``, ``grads (..., N, 2)`` may
        carry a leading step axis; ``start_values (N,)`` are the losses at
        the starts. Call inside ``np.errstate`` when values may overflow.
        """
        px, py = points[..., 0], points[..., 1]
        # A sum is finite only if every term is: one test covers all five.
        finite = np.isfinite(px + py + values + grads[..., 0] + grads[..., 1])
        center = surface.domain.center
        offset = np.maximum(np.abs(px - center[0]), np.abs(py - center[1]))
        escaped = finite & (offset > self.escape * surface.domain.span)
        limit = start_values + self.growth * (1 + np.abs(start_values))
        grown = finite & ~escaped & (values > limit)
        codes = np.where(finite, OK, FINITE)
        codes[escaped] = ESCAPED
        codes[grown] = GROWN
        return codes

    def statuses(
        self,
        surface: Surface,
        diverged: np.ndarray,
        grad_norms: np.ndarray,
        start_grad_norms: np.ndarray,
        last_steps: np.ndarray,
    ) -> np.ndarray:
        """Return "converged", "diverged" or "moving" for each run, as objects."""
        gtol = self.gtol * np.maximum(1.0, start_grad_norms)
        settled = (grad_norms <= gtol) & (last_steps <= self.xtol * surface.domain.span)
        status = np.where(settled, "converged", "moving")
        return np.where(diverged, "diverged", status).astype(object)

    def reason(self, code: int) -> str:
        """Say in words which guard a code stands for (empty for ``OK``)."""
        return _REASONS[int(code)].format(escape=self.escape, growth=self.growth)
