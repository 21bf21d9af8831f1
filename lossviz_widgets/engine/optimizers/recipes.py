"""The classic first-order methods as named settings of :class:`SGD`.

Gradient descent, heavy-ball momentum and Nesterov momentum are the methods
a course meets first. Each is :class:`SGD` with some options fixed, shown
under its own name and with only the knobs that matter to it. Their default
learning rate is ``0.01`` rather than torch's ``1e-3``, which crawls on the
built-in surfaces.
"""

from __future__ import annotations

import dataclasses
from abc import abstractmethod
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar

import numpy as np

from lossviz_widgets.engine.optimizers.base import Optimizer, State
from lossviz_widgets.engine.optimizers.hyperparameter import (
    Hyperparameter,
    check_within,
)
from lossviz_widgets.engine.optimizers.sgd import MOMENTUM, SGD, SGDState

__all__ = ["GD", "Momentum", "Nesterov"]

#: Default learning rate of the recipes, for paths that move visibly.
TEACHING_LR = 0.01

_RECIPE_MOMENTUM = dataclasses.replace(MOMENTUM, default=0.9)


class _SGDRecipe(Optimizer[SGDState]):
    """An optimizer that runs :class:`SGD` with settings of its own."""

    state_type: ClassVar[type[State]] = SGDState

    @abstractmethod
    def _settings(self) -> SGD:
        """Return the SGD this recipe stands for."""

    @cached_property
    def sgd(self) -> SGD:
        """The :class:`SGD` instance that does the work."""
        return self._settings()

    def _init(self, points: np.ndarray) -> SGDState:
        return self.sgd._init(points)

    def _update(
        self,
        state: SGDState,
        points: np.ndarray,
        grad: np.ndarray,
        hessian: np.ndarray | None,
    ) -> tuple[np.ndarray, SGDState]:
        return self.sgd._update(state, points, grad, hessian)


@dataclass(frozen=True)
class GD(_SGDRecipe):
    """Plain gradient descent, ``θ ← θ − lr · ∇f(θ)``.

    Parameters
    ----------
    lr : float
        Learning rate, ``>= 0``; ``0.01`` by default.

    Examples
    --------
    >>> gd = GD(lr=0.25)
    >>> x = np.array([[2.0, -4.0]])
    >>> x, _ = gd.update(gd.init(x), x, grad=2 * x)
    >>> x.tolist()
    [[1.0, -2.0]]

    """

    lr: float = TEACHING_LR

    name: ClassVar[str] = "GD"
    hyperparameters: ClassVar[tuple[Hyperparameter, ...]] = (
        Hyperparameter.learning_rate(TEACHING_LR),
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", self.sgd.lr)

    def _settings(self) -> SGD:
        return SGD(lr=self.lr)


@dataclass(frozen=True)
class Momentum(_SGDRecipe):
    """Heavy-ball momentum: a velocity that keeps a fraction of the last step.

    This is ``SGD(lr, momentum)``: ``b ← momentum · b + g`` (``b = g`` on
    the first step), then ``θ ← θ − lr · b``.

    Parameters
    ----------
    lr : float
        Learning rate, ``>= 0``; ``0.01`` by default.
    momentum : float
        Momentum factor, ``>= 0``; ``0.9`` by default.

    Examples
    --------
    >>> opt = Momentum(lr=0.1)
    >>> opt.sgd.momentum, opt.sgd.nesterov
    (0.9, False)

    """

    lr: float = TEACHING_LR
    momentum: float = 0.9

    name: ClassVar[str] = "Momentum"
    hyperparameters: ClassVar[tuple[Hyperparameter, ...]] = (
        Hyperparameter.learning_rate(TEACHING_LR),
        _RECIPE_MOMENTUM,
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", self.sgd.lr)
        object.__setattr__(self, "momentum", self.sgd.momentum)

    def _settings(self) -> SGD:
        return SGD(lr=self.lr, momentum=self.momentum)


@dataclass(frozen=True)
class Nesterov(_SGDRecipe):
    """Nesterov momentum: the step also looks ahead along the velocity.

    This is ``SGD(lr, momentum, nesterov=True)``: ``b`` as in
    :class:`Momentum`, then ``θ ← θ − lr · (g + momentum · b)``.

    Parameters
    ----------
    lr : float
        Learning rate, ``>= 0``; ``0.01`` by default.
    momentum : float
        Momentum factor, ``> 0``; ``0.9`` by default.

    Examples
    --------
    >>> opt = Nesterov(lr=0.1, momentum=0.5)
    >>> x = np.array([[1.0, 0.0]])
    >>> x, _ = opt.update(opt.init(x), x, grad=2 * x)
    >>> x.tolist()
    [[0.7, 0.0]]

    """

    lr: float = TEACHING_LR
    momentum: float = 0.9

    name: ClassVar[str] = "Nesterov"
    hyperparameters: ClassVar[tuple[Hyperparameter, ...]] = (
        Hyperparameter.learning_rate(TEACHING_LR),
        _RECIPE_MOMENTUM,
    )

    def __post_init__(self) -> None:
        momentum = check_within("momentum", self.momentum)
        if momentum == 0:
            message = f"Nesterov needs momentum > 0, got {momentum!r}"
            raise ValueError(message)
        object.__setattr__(self, "lr", self.sgd.lr)
        object.__setattr__(self, "momentum", self.sgd.momentum)

    def _settings(self) -> SGD:
        return SGD(lr=self.lr, momentum=self.momentum, nesterov=True)
