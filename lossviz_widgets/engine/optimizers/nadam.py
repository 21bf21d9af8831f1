"""NAdam: Adam whose momentum looks one step ahead, as Nesterov's does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from lossviz_widgets.engine.optimizers.base import State, divide_or_zero
from lossviz_widgets.engine.optimizers.hyperparameter import (
    MAXIMIZE,
    WEIGHT_DECAY,
    Hyperparameter,
    check_flag,
    check_within,
)
from lossviz_widgets.engine.optimizers.moments import (
    BETA1,
    BETA2,
    EPSILON,
    MomentOptimizer,
    MomentState,
)

__all__ = ["NAdam", "NAdamState"]


@dataclass(frozen=True, eq=False)
class NAdamState(MomentState):
    """The state of :class:`NAdam`.

    The step count and the averages ``m`` and ``v`` are those of
    :class:`~lossviz_widgets.engine.optimizers.moments.MomentState`.

    Attributes
    ----------
    mu_product : float
        Product of the momentum coefficients ``μ₁ ⋯ μₜ`` so far.

    Examples
    --------
    >>> NAdam().init(np.zeros((1, 2))).mu_product
    1.0

    """

    mu_product: float


@dataclass(frozen=True)
class NAdam(MomentOptimizer):
    """NAdam: Adam whose first moment looks one step ahead, as Nesterov does.

    With ``g`` the gradient, ``t`` the step number from 1 and a momentum
    coefficient warmed up by ``momentum_decay``,
    ``μₜ = beta1 · (1 − 0.96^(t · momentum_decay) / 2)``::

        m ← beta1 · m + (1 − beta1) · g
        v ← beta2 · v + (1 − beta2) · g²
        d ← √(v / (1 − beta2ᵗ)) + eps
        θ ← θ − lr · (1 − μₜ) / (1 − μ₁⋯μₜ) · g / d
              − lr · μₜ₊₁ / (1 − μ₁⋯μₜ₊₁) · m / d

    Parameters
    ----------
    lr : float
        Learning rate, ``>= 0``.
    betas : (float, float)
        Decay rates ``(beta1, beta2)`` of the two averages, each in ``[0, 1)``.
    eps : float
        Added to the denominator, ``>= 0``.
    weight_decay : float
        Weight decay coefficient, ``>= 0``.
    momentum_decay : float
        How fast ``μₜ`` rises from about ``beta1 / 2`` to ``beta1``, ``>= 0``.
    decoupled_weight_decay : bool
        Shrink ``θ`` by ``lr · weight_decay`` (as AdamW) instead of adding
        ``weight_decay · θ`` to the gradient.
    maximize : bool
        Climb the surface instead of descending it.

    Examples
    --------
    >>> opt = NAdam(lr=0.1)
    >>> x = np.array([[1.0, -3.0]])
    >>> x, state = opt.update(opt.init(x), x, grad=2 * x)
    >>> x.round(4).tolist()  # lr · (1 + about 0.056 of look-ahead) · sign(g)
    [[0.8944, -2.8944]]

    """

    lr: float = 2e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    momentum_decay: float = 4e-3
    decoupled_weight_decay: bool = False
    maximize: bool = False

    name: ClassVar[str] = "NAdam"
    hyperparameters: ClassVar[tuple[Hyperparameter, ...]] = (
        Hyperparameter.learning_rate(2e-3),
        BETA1,
        BETA2,
        EPSILON,
        WEIGHT_DECAY,
        Hyperparameter(
            "momentum_decay", 4e-3, 0.0, 0.1, "linear", "warm-up rate of the momentum"
        ),
        Hyperparameter.flag(
            "decoupled_weight_decay", "shrink θ directly, as AdamW does"
        ),
        MAXIMIZE,
    )
    state_type: ClassVar[type[State]] = NAdamState

    def __post_init__(self) -> None:
        self._check_fields(
            momentum_decay=check_within, decoupled_weight_decay=check_flag
        )

    def _init(self, points: np.ndarray) -> NAdamState:
        zeros = np.zeros_like(points)
        return NAdamState(0, exp_avg=zeros, exp_avg_sq=zeros, mu_product=1.0)

    def _momentum(self, step: int) -> float:
        """Return the momentum coefficient ``μ`` of step ``step``."""
        return self.betas[0] * (1.0 - 0.5 * 0.96 ** (step * self.momentum_decay))

    def _update(
        self,
        state: NAdamState,
        points: np.ndarray,
        grad: np.ndarray,
        hessian: np.ndarray | None,
    ) -> tuple[np.ndarray, NAdamState]:
        step = state.step + 1
        points, grad = self._decay(points, grad, self.decoupled_weight_decay)

        mu, mu_next = self._momentum(step), self._momentum(step + 1)
        mu_product = state.mu_product * mu
        exp_avg, exp_avg_sq = self._moments(state, grad)
        denominator = np.sqrt(exp_avg_sq / (1 - self.beta2**step)) + self.eps

        # The current gradient's share, then the look-ahead momentum's share.
        grad_share = -self.lr * (1 - mu) / (1 - mu_product)
        momentum_share = -self.lr * mu_next / (1 - mu_product * mu_next)
        new_points = points + grad_share * divide_or_zero(grad, denominator)
        new_points = new_points + momentum_share * divide_or_zero(exp_avg, denominator)
        return new_points, NAdamState(step, exp_avg, exp_avg_sq, mu_product)
