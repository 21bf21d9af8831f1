"""Stochastic gradient descent with momentum, as ``torch.optim.SGD`` defines it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from lossviz_widgets.engine.optimizers.base import Optimizer, State, descent_gradient
from lossviz_widgets.engine.optimizers.hyperparameter import (
    MAXIMIZE,
    WEIGHT_DECAY,
    Hyperparameter,
    check_flag,
    check_within,
)

__all__ = ["MOMENTUM", "SGD", "SGDState"]

#: The momentum coefficient, shared by SGD and its recipes.
MOMENTUM = Hyperparameter(
    "momentum", 0.0, 0.0, 0.999, "linear", "fraction of the last step kept"
)


@dataclass(frozen=True, eq=False)
class SGDState(State):
    """The state of :class:`SGD`.

    Attributes
    ----------
    step : int
        Number of updates taken so far.
    momentum_buffer : ndarray, shape (N, 2)
        The velocity ``b``; zeros until the first step sets it to the gradient.

    Examples
    --------
    >>> SGD(momentum=0.9).init(np.zeros((4, 2))).momentum_buffer.shape
    (4, 2)

    """

    momentum_buffer: np.ndarray


@dataclass(frozen=True)
class SGD(Optimizer[SGDState]):
    """Gradient descent with optional momentum, Nesterov look-ahead and decay.

    With ``g`` the gradient (negated when maximizing, plus
    ``weight_decay · θ``), each step is::

        b ← g                                     (first step)
        b ← momentum · b + (1 − dampening) · g    (later steps)
        d ← g + momentum · b if nesterov, else b  (d = g if momentum = 0)
        θ ← θ − lr · d

    The buffer starts as the raw gradient, not as zero, and the learning
    rate multiplies the whole buffer, exactly as in ``torch.optim.SGD``.

    Parameters
    ----------
    lr : float
        Learning rate, ``>= 0``. The default ``1e-3`` is torch's; the
        recipes :class:`GD`, :class:`Momentum` and :class:`Nesterov` start
        at ``0.01``, which moves visibly on the built-in surfaces.
    momentum : float
        Momentum factor, ``>= 0``.
    dampening : float
        Fraction of the new gradient held back from the buffer, in ``[0, 1]``.
    weight_decay : float
        L2 penalty coefficient, ``>= 0``.
    nesterov : bool
        Use Nesterov momentum; needs ``momentum > 0`` and ``dampening == 0``.
    maximize : bool
        Climb the surface instead of descending it.

    Examples
    --------
    >>> opt = SGD(lr=0.1, momentum=0.9)
    >>> x = np.array([[1.0, -1.0], [0.5, 0.0]])
    >>> state = opt.init(x)
    >>> x, state = opt.update(state, x, grad=2 * x)
    >>> x.tolist()
    [[0.8, -0.8], [0.4, 0.0]]
    >>> x, state = opt.update(state, x, grad=2 * x)
    >>> x.round(6).tolist()
    [[0.46, -0.46], [0.23, 0.0]]

    """

    lr: float = 1e-3
    momentum: float = 0.0
    dampening: float = 0.0
    weight_decay: float = 0.0
    nesterov: bool = False
    maximize: bool = False

    name: ClassVar[str] = "SGD"
    hyperparameters: ClassVar[tuple[Hyperparameter, ...]] = (
        Hyperparameter.learning_rate(1e-3),
        MOMENTUM,
        Hyperparameter(
            "dampening", 0.0, 0.0, 1.0, "linear", "fraction of g held back from b"
        ),
        WEIGHT_DECAY,
        Hyperparameter.flag("nesterov", "step from the look-ahead point g + μ·b"),
        MAXIMIZE,
    )
    state_type: ClassVar[type[State]] = SGDState

    def __post_init__(self) -> None:
        checked = {
            "lr": check_within("lr", self.lr),
            "momentum": check_within("momentum", self.momentum),
            "dampening": check_within("dampening", self.dampening, 0.0, 1.0),
            "weight_decay": check_within("weight_decay", self.weight_decay),
            "nesterov": check_flag("nesterov", self.nesterov),
            "maximize": check_flag("maximize", self.maximize),
        }
        for field, value in checked.items():
            object.__setattr__(self, field, value)
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            message = (
                "nesterov=True requires momentum > 0 and dampening == 0, got "
                f"momentum={self.momentum}, dampening={self.dampening}"
            )
            raise ValueError(message)

    def _init(self, points: np.ndarray) -> SGDState:
        return SGDState(step=0, momentum_buffer=np.zeros_like(points))

    def _update(
        self,
        state: SGDState,
        points: np.ndarray,
        grad: np.ndarray,
        hessian: np.ndarray | None,
    ) -> tuple[np.ndarray, SGDState]:
        grad = descent_gradient(points, grad, self.weight_decay, self.maximize)

        buffer = state.momentum_buffer
        direction = grad
        if self.momentum != 0:
            if state.step == 0:
                buffer = grad.copy()
            else:
                buffer = self.momentum * buffer + (1 - self.dampening) * grad
            direction = grad + self.momentum * buffer if self.nesterov else buffer

        new_points = points - self.lr * direction
        return new_points, SGDState(step=state.step + 1, momentum_buffer=buffer)
