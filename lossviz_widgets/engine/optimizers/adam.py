"""Adam and AdamW: a bias-corrected momentum scaled by a bias-corrected RMS.

Adam divides a bias-corrected average of the gradients by the root of a
bias-corrected average of their squares, plus ``eps`` (added after the bias
correction, as in ``torch.optim``). AdamW decouples weight decay from the
gradient.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from lossviz_widgets.engine.optimizers.base import State, divide_or_zero
from lossviz_widgets.engine.optimizers.hyperparameter import (
    MAXIMIZE,
    WEIGHT_DECAY,
    Hyperparameter,
    check_flag,
)
from lossviz_widgets.engine.optimizers.moments import (
    BETA1,
    BETA2,
    EPSILON,
    MomentOptimizer,
    MomentState,
)

__all__ = ["Adam", "AdamState", "AdamW"]

_AMSGRAD = Hyperparameter.flag("amsgrad", "divide by the largest average of squares")


@dataclass(frozen=True, eq=False)
class AdamState(MomentState):
    """The state of :class:`Adam` and :class:`AdamW`.

    The step count and the averages ``m`` and ``v`` are those of
    :class:`~lossviz_widgets.engine.optimizers.moments.MomentState`.

    Attributes
    ----------
    max_exp_avg_sq : ndarray, shape (N, 2)
        Largest ``v`` so far (used when ``amsgrad``).

    Examples
    --------
    >>> Adam().init(np.zeros((5, 2))).exp_avg_sq.shape
    (5, 2)

    """

    max_exp_avg_sq: np.ndarray


@dataclass(frozen=True)
class Adam(MomentOptimizer):
    """Adam: a bias-corrected momentum scaled by a bias-corrected RMS.

    With ``g`` the gradient (negated when maximizing, plus
    ``weight_decay · θ``) and ``t`` the step number from 1::

        m ← beta1 · m + (1 − beta1) · g
        v ← beta2 · v + (1 − beta2) · g²        (v̂ = max(v̂, v) if amsgrad)
        θ ← θ − lr / (1 − beta1ᵗ) · m / (√v / √(1 − beta2ᵗ) + eps)

    Parameters
    ----------
    lr : float
        Learning rate, ``>= 0``.
    betas : (float, float)
        Decay rates ``(beta1, beta2)`` of the two averages, each in ``[0, 1)``.
    eps : float
        Added to the denominator, ``>= 0``.
    weight_decay : float
        L2 penalty coefficient, ``>= 0``.
    amsgrad : bool
        Divide by the largest second moment seen so far.
    maximize : bool
        Climb the surface instead of descending it.

    Examples
    --------
    >>> opt = Adam(lr=0.1, eps=0.0)
    >>> x = np.array([[1.0, -3.0]])
    >>> x, state = opt.update(opt.init(x), x, grad=2 * x)
    >>> x.round(12).tolist()  # the first step is lr · sign(g)
    [[0.9, -2.9]]

    """

    lr: float = 1e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    amsgrad: bool = False
    maximize: bool = False

    name: ClassVar[str] = "Adam"
    hyperparameters: ClassVar[tuple[Hyperparameter, ...]] = (
        Hyperparameter.learning_rate(1e-3),
        BETA1,
        BETA2,
        EPSILON,
        WEIGHT_DECAY,
        _AMSGRAD,
        MAXIMIZE,
    )
    state_type: ClassVar[type[State]] = AdamState
    # AdamW shrinks θ directly instead of adding weight_decay · θ to g.
    decoupled: ClassVar[bool] = False

    def __post_init__(self) -> None:
        self._check_fields(amsgrad=check_flag)

    def _init(self, points: np.ndarray) -> AdamState:
        zeros = np.zeros_like(points)
        return AdamState(0, exp_avg=zeros, exp_avg_sq=zeros, max_exp_avg_sq=zeros)

    def _update(
        self,
        state: AdamState,
        points: np.ndarray,
        grad: np.ndarray,
        hessian: np.ndarray | None,
    ) -> tuple[np.ndarray, AdamState]:
        step = state.step + 1
        beta1, beta2 = self.betas
        points, grad = self._decay(points, grad, decoupled=self.decoupled)

        exp_avg, exp_avg_sq = self._moments(state, grad)
        max_exp_avg_sq = state.max_exp_avg_sq
        if self.amsgrad:
            max_exp_avg_sq = np.maximum(max_exp_avg_sq, exp_avg_sq)
        second = max_exp_avg_sq if self.amsgrad else exp_avg_sq

        step_size = self.lr / (1 - beta1**step)
        denominator = np.sqrt(second) / (1 - beta2**step) ** 0.5 + self.eps
        new_points = points - step_size * divide_or_zero(exp_avg, denominator)
        return new_points, AdamState(step, exp_avg, exp_avg_sq, max_exp_avg_sq)


@dataclass(frozen=True)
class AdamW(Adam):
    """Adam with decoupled weight decay: ``θ ← θ · (1 − lr · weight_decay)``.

    The decay shrinks the point before the Adam step instead of entering the
    gradient, so it is not rescaled by the second moment. Parameters are
    those of :class:`Adam`; ``weight_decay`` defaults to ``0.01``.

    Examples
    --------
    >>> opt = AdamW(lr=0.1, weight_decay=0.5, eps=0.0)
    >>> x = np.array([[1.0, -3.0]])
    >>> x, state = opt.update(opt.init(x), x, grad=2 * x)
    >>> x.round(12).tolist()  # shrink by 0.95, then step by lr · sign(g)
    [[0.85, -2.75]]

    """

    weight_decay: float = 1e-2

    name: ClassVar[str] = "AdamW"
    hyperparameters: ClassVar[tuple[Hyperparameter, ...]] = (
        Hyperparameter.learning_rate(1e-3),
        BETA1,
        BETA2,
        EPSILON,
        dataclasses.replace(
            WEIGHT_DECAY, default=1e-2, help="shrink θ by lr·weight_decay each step"
        ),
        _AMSGRAD,
        MAXIMIZE,
    )
    decoupled: ClassVar[bool] = True
