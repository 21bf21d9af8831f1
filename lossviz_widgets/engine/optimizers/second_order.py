"""Newton's method with the absolute Hessian, so that it never runs uphill.

Pure Newton steps to the critical point of the local quadratic model, which
is a maximum or a saddle as readily as a minimum. Here the Hessian's
eigenvalues are replaced by their absolute values plus a damping term
(the "saddle-free" Newton step, with Levenberg damping): along a direction of
positive curvature the step is Newton's, along one of negative curvature it
has the same length but goes downhill, and the damping bounds the step where
the curvature is nearly flat.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from lossviz_widgets.engine.optimizers.base import (
    Optimizer,
    State,
    divide_or_zero,
)
from lossviz_widgets.engine.optimizers.hyperparameter import (
    Hyperparameter,
    check_within,
)

__all__ = ["Newton", "NewtonState", "saddle_free_solve"]


def saddle_free_solve(
    hessian: np.ndarray, grad: np.ndarray, damping: float
) -> np.ndarray:
    """Solve ``(|H| + damping · I) d = g`` for a batch of symmetric 2×2 ``H``.

    ``|H|`` has the eigenvectors of ``H`` and the absolute values of its
    eigenvalues. The 2×2 eigen decomposition is in closed form: with
    ``λ± = mean ± radius``, the projector onto the eigenvector of ``λ+`` is
    ``P = (H − λ− I) / (2 · radius)``, and ``d = P g / w+ + (g − P g) / w−``
    with ``w± = |λ±| + damping``. Where some ``w`` is zero (a flat direction
    and no damping) that direction gets no step, as a pseudo-inverse gives.

    Parameters
    ----------
    hessian : ndarray, shape (N, 2, 2)
        Symmetric Hessians (only the upper triangle is read).
    grad : ndarray, shape (N, 2)
        Right-hand sides.
    damping : float
        Added to every absolute eigenvalue, ``>= 0``.

    Returns
    -------
    ndarray, shape (N, 2)

    Examples
    --------
    >>> H = np.array([[[2.0, 0.0], [0.0, -4.0]]])
    >>> saddle_free_solve(H, np.array([[2.0, 2.0]]), damping=0.0).tolist()
    [[1.0, 0.5]]

    """
    hxx, hxy, hyy = hessian[:, 0, 0], hessian[:, 0, 1], hessian[:, 1, 1]
    gx, gy = grad[:, 0], grad[:, 1]

    mean, half_gap = (hxx + hyy) / 2, (hxx - hyy) / 2
    radius = np.hypot(half_gap, hxy)
    weight_high = np.abs(mean + radius) + damping
    weight_low = np.abs(mean - radius) + damping

    # P g, with P = (H − λ− I) / (2 · radius); where radius is 0 both
    # eigenvalues are equal and any split of g works, so take half of it.
    twice = 2 * radius
    projected_x = (half_gap + radius) * gx + hxy * gy
    projected_y = hxy * gx + (radius - half_gap) * gy
    projected = np.stack([projected_x, projected_y], axis=-1)
    projected = np.divide(
        projected, twice[:, None], out=grad / 2, where=twice[:, None] != 0
    )

    high_part = divide_or_zero(projected, weight_high[:, None])
    low_part = divide_or_zero(grad - projected, weight_low[:, None])
    return high_part + low_part


@dataclass(frozen=True, eq=False)
class NewtonState(State):
    """The state of :class:`Newton`: only the step count.

    Examples
    --------
    >>> Newton().init(np.zeros((3, 2)))
    NewtonState(step=0)

    """


@dataclass(frozen=True)
class Newton(Optimizer[NewtonState]):
    """Damped Newton's method: ``θ ← θ − lr · (|H| + damping · I)⁻¹ ∇f``.

    ``|H|`` is the Hessian with its eigenvalues made positive (see
    :func:`saddle_free_solve`). On a convex quadratic with ``lr = 1`` and no
    damping it lands on the minimum in one step; at a saddle it moves away
    along the direction of negative curvature instead of toward the saddle.

    Parameters
    ----------
    lr : float
        Fraction of the Newton step taken, ``>= 0``.
    damping : float
        Added to each absolute eigenvalue, ``>= 0``; it caps the step at
        ``lr · |g| / damping`` where the surface is flat.

    Examples
    --------
    >>> opt = Newton(damping=0.0)
    >>> x = np.array([[3.0, -1.0]])
    >>> H = np.array([[[2.0, 0.0], [0.0, 8.0]]])  # f = x² + 4y²
    >>> x, state = opt.update(opt.init(x), x, grad=x @ H[0], hessian=H)
    >>> x.tolist()
    [[0.0, 0.0]]

    """

    lr: float = 1.0
    damping: float = 1e-3

    name: ClassVar[str] = "Newton"
    hyperparameters: ClassVar[tuple[Hyperparameter, ...]] = (
        Hyperparameter.learning_rate(1.0, low=1e-3, high=2.0),
        Hyperparameter(
            "damping", 1e-3, 1e-6, 10.0, "log", "added to each |eigenvalue| of H"
        ),
    )
    needs_hessian: ClassVar[bool] = True
    state_type: ClassVar[type[State]] = NewtonState

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", check_within("lr", self.lr))
        object.__setattr__(self, "damping", check_within("damping", self.damping))

    def _init(self, points: np.ndarray) -> NewtonState:
        return NewtonState(step=0)

    def _update(
        self,
        state: NewtonState,
        points: np.ndarray,
        grad: np.ndarray,
        hessian: np.ndarray | None,
    ) -> tuple[np.ndarray, NewtonState]:
        direction = saddle_free_solve(hessian, grad, self.damping)
        return points - self.lr * direction, NewtonState(step=state.step + 1)
