"""Per-coordinate step sizes from past squared gradients: Adagrad and RMSprop.

Both divide the gradient by the root of an accumulated square, so a steep
coordinate takes small steps and a flat one large steps. Adagrad sums every
square it has seen; RMSprop keeps a moving average. As in ``torch.optim``,
``eps`` is added outside the square root.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from lossviz_widgets.engine.optimizers.base import (
    Optimizer,
    State,
    descent_gradient,
    divide_or_zero,
)
from lossviz_widgets.engine.optimizers.hyperparameter import (
    MAXIMIZE,
    WEIGHT_DECAY,
    Hyperparameter,
    check_flag,
    check_within,
)
from lossviz_widgets.engine.optimizers.sgd import MOMENTUM

__all__ = ["Adagrad", "AdagradState", "RMSprop", "RMSpropState"]


def _epsilon(default: float) -> Hyperparameter:
    """Describe ``eps`` with the given default."""
    return Hyperparameter(
        "eps", default, 1e-12, 0.1, "log", "added to the denominator for stability"
    )


@dataclass(frozen=True, eq=False)
class AdagradState(State):
    """The state of :class:`Adagrad`.

    Attributes
    ----------
    step : int
        Number of updates taken so far.
    sum : ndarray, shape (N, 2)
        Sum of the squared gradients, from ``initial_accumulator_value``.

    Examples
    --------
    >>> Adagrad(initial_accumulator_value=0.5).init(np.zeros((1, 2))).sum.tolist()
    [[0.5, 0.5]]

    """

    sum: np.ndarray


@dataclass(frozen=True)
class Adagrad(Optimizer[AdagradState]):
    """Adagrad: divide each coordinate's step by the root of its summed squares.

    With ``g`` the gradient (negated when maximizing, plus
    ``weight_decay · θ``) and ``t`` the step number from 1::

        s ← s + g²
        θ ← θ − lr / (1 + (t − 1) · lr_decay) · g / (√s + eps)

    Parameters
    ----------
    lr : float
        Learning rate, ``>= 0``.
    lr_decay : float
        Learning-rate decay per step, ``>= 0``.
    weight_decay : float
        L2 penalty coefficient, ``>= 0``.
    initial_accumulator_value : float
        Starting value of ``s``, ``>= 0``.
    eps : float
        Added to the denominator, ``>= 0``.
    maximize : bool
        Climb the surface instead of descending it.

    Examples
    --------
    >>> opt = Adagrad(lr=0.5, eps=0.0)
    >>> x = np.array([[1.0, -3.0]])
    >>> x, state = opt.update(opt.init(x), x, grad=2 * x)
    >>> x.tolist()  # the first step is lr · sign(g) in every coordinate
    [[0.5, -2.5]]

    """

    lr: float = 1e-2
    lr_decay: float = 0.0
    weight_decay: float = 0.0
    initial_accumulator_value: float = 0.0
    eps: float = 1e-10
    maximize: bool = False

    name: ClassVar[str] = "Adagrad"
    hyperparameters: ClassVar[tuple[Hyperparameter, ...]] = (
        Hyperparameter.learning_rate(1e-2, high=10.0),
        Hyperparameter(
            "lr_decay", 0.0, 0.0, 1.0, "linear", "lr is divided by 1 + (t−1)·lr_decay"
        ),
        WEIGHT_DECAY,
        Hyperparameter(
            "initial_accumulator_value",
            0.0,
            0.0,
            10.0,
            "linear",
            "starting sum of squared gradients",
        ),
        _epsilon(1e-10),
        MAXIMIZE,
    )
    state_type: ClassVar[type[State]] = AdagradState

    def __post_init__(self) -> None:
        for field in ("lr", "lr_decay", "weight_decay", "initial_accumulator_value"):
            object.__setattr__(self, field, check_within(field, getattr(self, field)))
        object.__setattr__(self, "eps", check_within("eps", self.eps))
        object.__setattr__(self, "maximize", check_flag("maximize", self.maximize))

    def _init(self, points: np.ndarray) -> AdagradState:
        start = np.full_like(points, self.initial_accumulator_value)
        return AdagradState(step=0, sum=start)

    def _update(
        self,
        state: AdagradState,
        points: np.ndarray,
        grad: np.ndarray,
        hessian: np.ndarray | None,
    ) -> tuple[np.ndarray, AdagradState]:
        step = state.step + 1
        grad = descent_gradient(points, grad, self.weight_decay, self.maximize)
        clr = self.lr / (1 + (step - 1) * self.lr_decay)

        squares = state.sum + grad * grad
        scaled = divide_or_zero(grad, np.sqrt(squares) + self.eps)
        return points - clr * scaled, AdagradState(step=step, sum=squares)


@dataclass(frozen=True, eq=False)
class RMSpropState(State):
    """The state of :class:`RMSprop`.

    Attributes
    ----------
    step : int
        Number of updates taken so far.
    square_avg : ndarray, shape (N, 2)
        Moving average of the squared gradients.
    grad_avg : ndarray, shape (N, 2)
        Moving average of the gradients (used when ``centered``).
    momentum_buffer : ndarray, shape (N, 2)
        Velocity of the scaled steps (used when ``momentum > 0``).

    Examples
    --------
    >>> RMSprop().init(np.zeros((2, 2))).square_avg.shape
    (2, 2)

    """

    square_avg: np.ndarray
    grad_avg: np.ndarray
    momentum_buffer: np.ndarray


@dataclass(frozen=True)
class RMSprop(Optimizer[RMSpropState]):
    """RMSprop: divide each coordinate's step by a moving root mean square.

    With ``g`` the gradient (negated when maximizing, plus
    ``weight_decay · θ``)::

        v ← alpha · v + (1 − alpha) · g²
        m ← alpha · m + (1 − alpha) · g        (centered only)
        r ← √(v − m²) if centered, else √v
        b ← momentum · b + g / (r + eps)       (b starts at zero)
        θ ← θ − lr · b

    Parameters
    ----------
    lr : float
        Learning rate, ``>= 0``.
    alpha : float
        Smoothing constant of the moving averages, in ``[0, 1]``.
    eps : float
        Added to the denominator, ``>= 0``.
    weight_decay : float
        L2 penalty coefficient, ``>= 0``.
    momentum : float
        Momentum factor, ``>= 0``.
    centered : bool
        Divide by an estimate of the gradient's variance instead of its
        second moment.
    maximize : bool
        Climb the surface instead of descending it.

    Examples
    --------
    >>> opt = RMSprop(lr=0.01, alpha=0.75, eps=0.0)
    >>> x = np.array([[1.0, -3.0]])
    >>> x, state = opt.update(opt.init(x), x, grad=2 * x)
    >>> x.tolist()  # the first step is lr / √(1 − alpha) · sign(g)
    [[0.98, -2.98]]

    """

    lr: float = 1e-2
    alpha: float = 0.99
    eps: float = 1e-8
    weight_decay: float = 0.0
    momentum: float = 0.0
    centered: bool = False
    maximize: bool = False

    name: ClassVar[str] = "RMSprop"
    hyperparameters: ClassVar[tuple[Hyperparameter, ...]] = (
        Hyperparameter.learning_rate(1e-2),
        Hyperparameter(
            "alpha", 0.99, 0.0, 0.9999, "linear", "decay of the mean of squares"
        ),
        _epsilon(1e-8),
        WEIGHT_DECAY,
        MOMENTUM,
        Hyperparameter.flag("centered", "divide by the variance, not the mean square"),
        MAXIMIZE,
    )
    state_type: ClassVar[type[State]] = RMSpropState

    def __post_init__(self) -> None:
        checked = {
            "lr": check_within("lr", self.lr),
            "alpha": check_within("alpha", self.alpha, 0.0, 1.0),
            "eps": check_within("eps", self.eps),
            "weight_decay": check_within("weight_decay", self.weight_decay),
            "momentum": check_within("momentum", self.momentum),
            "centered": check_flag("centered", self.centered),
            "maximize": check_flag("maximize", self.maximize),
        }
        for field, value in checked.items():
            object.__setattr__(self, field, value)

    def _init(self, points: np.ndarray) -> RMSpropState:
        zeros = np.zeros_like(points)
        return RMSpropState(0, square_avg=zeros, grad_avg=zeros, momentum_buffer=zeros)

    def _update(
        self,
        state: RMSpropState,
        points: np.ndarray,
        grad: np.ndarray,
        hessian: np.ndarray | None,
    ) -> tuple[np.ndarray, RMSpropState]:
        grad = descent_gradient(points, grad, self.weight_decay, self.maximize)
        square_avg = self.alpha * state.square_avg + (1 - self.alpha) * (grad * grad)

        grad_avg = state.grad_avg
        if self.centered:
            grad_avg = grad_avg + (1 - self.alpha) * (grad - grad_avg)
            # v − m² ≥ 0 in exact arithmetic; rounding may dip below zero.
            variance = np.maximum(square_avg - grad_avg * grad_avg, 0.0)
            root = np.sqrt(variance)
        else:
            root = np.sqrt(square_avg)
        scaled = divide_or_zero(grad, root + self.eps)

        buffer = state.momentum_buffer
        if self.momentum > 0:
            buffer = self.momentum * buffer + scaled
            scaled = buffer

        new_state = RMSpropState(state.step + 1, square_avg, grad_avg, buffer)
        return points - self.lr * scaled, new_state
