"""What Adam and its variants share: moving averages with decay rates ``betas``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from lossviz_widgets.engine.optimizers.base import (
    Optimizer,
    State,
    descent_gradient,
)
from lossviz_widgets.engine.optimizers.hyperparameter import (
    Hyperparameter,
    check_flag,
    check_pair,
    check_within,
)

__all__ = [
    "BETA1",
    "BETA2",
    "EPSILON",
    "MomentOptimizer",
    "MomentState",
    "check_betas",
]

#: Decay rate of the moving average of gradients.
BETA1 = Hyperparameter(
    "beta1", 0.9, 0.0, 0.999, "linear", "decay of the average of gradients"
)
#: Decay rate of the moving average of squared gradients.
BETA2 = Hyperparameter(
    "beta2", 0.999, 0.0, 0.9999, "linear", "decay of the average of squared gradients"
)
#: The ``eps`` added to the denominator of Adam-like steps.
EPSILON = Hyperparameter(
    "eps", 1e-8, 1e-12, 0.1, "log", "added to the denominator for stability"
)


def check_betas(betas: Any) -> tuple[float, float]:
    """Return ``betas`` as two floats in ``[0, 1)``, or raise.

    Examples
    --------
    >>> check_betas([0.9, 0.99])
    (0.9, 0.99)
    >>> check_betas((0.9, 1.0))
    Traceback (most recent call last):
    ...
    ValueError: beta2 must lie in [0, 1), got 1.0

    """
    beta1, beta2 = check_pair("betas", betas)
    low, high = 0.0, 1.0
    return (
        check_within("beta1", beta1, low, high, include_high=False),
        check_within("beta2", beta2, low, high, include_high=False),
    )


@dataclass(frozen=True, eq=False)
class MomentState(State):
    """The moving averages that Adam, AdamW and NAdam keep between steps.

    Each optimizer's state extends it with what only that optimizer needs
    (``AdamState``, ``NAdamState``).

    Attributes
    ----------
    step : int
        Number of updates taken so far.
    exp_avg : ndarray, shape (N, 2)
        Moving average of the gradients, ``m``.
    exp_avg_sq : ndarray, shape (N, 2)
        Moving average of the squared gradients, ``v``.

    Examples
    --------
    >>> from lossviz_widgets.engine.optimizers import NAdam
    >>> state = NAdam().init(np.zeros((4, 2)))
    >>> state.step, state.exp_avg.shape, state.exp_avg_sq.shape
    (0, (4, 2), (4, 2))

    """

    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray


class MomentOptimizer(Optimizer[Any]):
    """Base of the optimizers that keep moving averages of ``g`` and ``g²``.

    It holds what Adam, AdamW and NAdam share: ``betas``, shown to a panel
    as ``beta1`` and ``beta2``, the update of the two moving averages, and
    weight decay applied either to the gradient or, decoupled, to the point
    itself. The bias corrections stay with each optimizer: as in
    ``torch.optim``, NAdam corrects ``m`` through its momentum products and
    takes the root of ``v`` after the correction, Adam before it.

    Examples
    --------
    >>> from lossviz_widgets.engine.optimizers import NAdam
    >>> NAdam(betas=(0.8, 0.99)).beta2
    0.99

    """

    betas: tuple[float, float]
    eps: float
    weight_decay: float
    maximize: bool
    _flat_entries: ClassVar[dict[str, tuple[str, int]]] = {
        "beta1": ("betas", 0),
        "beta2": ("betas", 1),
    }

    @property
    def beta1(self) -> float:
        """Decay rate of the first moment, ``betas[0]``."""
        return self.betas[0]

    @property
    def beta2(self) -> float:
        """Decay rate of the second moment, ``betas[1]``."""
        return self.betas[1]

    def _decay(
        self, points: np.ndarray, grad: np.ndarray, decoupled: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        """Apply ``maximize`` and weight decay: to θ if decoupled, else to g."""
        if not decoupled:
            grad = descent_gradient(points, grad, self.weight_decay, self.maximize)
            return points, grad
        if self.weight_decay != 0:
            points = points * (1 - self.lr * self.weight_decay)
        return points, descent_gradient(points, grad, 0.0, self.maximize)

    def _moments(
        self, state: MomentState, grad: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return ``m`` and ``v`` moved towards ``g`` and ``g²`` by ``betas``."""
        beta1, beta2 = self.betas
        exp_avg = state.exp_avg + (1 - beta1) * (grad - state.exp_avg)
        exp_avg_sq = beta2 * state.exp_avg_sq + (1 - beta2) * (grad * grad)
        return exp_avg, exp_avg_sq

    def _check_fields(self, **fields: Any) -> None:
        """Validate the shared fields and the given ones; store them canonically."""
        checks = {
            "lr": check_within,
            "eps": check_within,
            "weight_decay": check_within,
            **fields,
            "maximize": check_flag,
        }
        object.__setattr__(self, "betas", check_betas(self.betas))
        for name, check in checks.items():
            object.__setattr__(self, name, check(name, getattr(self, name)))
