"""Gradient descent with Gaussian gradient noise: a stand-in for minibatch SGD.

On a fixed surface the gradient is exact; real training sees it through a
minibatch, which scatters it around the truth. Adding Gaussian noise of a
chosen scale shows how such scatter shakes a path near a minimum and can
knock it off a saddle. The noise is reproducible: the same seed gives the
same path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from lossviz_widgets.engine.optimizers.base import Optimizer, State
from lossviz_widgets.engine.optimizers.hyperparameter import (
    Hyperparameter,
    check_seed,
    check_within,
)

__all__ = ["NoisyGD", "NoisyGDState"]


@dataclass(frozen=True, eq=False)
class NoisyGDState(State):
    """The state of :class:`NoisyGD`: the step count, which also picks the noise.

    Examples
    --------
    >>> NoisyGD().init(np.zeros((3, 2)))
    NoisyGDState(step=0)

    """


@dataclass(frozen=True)
class NoisyGD(Optimizer[NoisyGDState]):
    """Gradient descent on ``∇f + noise · ξ``, with ``ξ`` standard normal.

    The step from a state with step count ``t`` draws ``ξ`` of shape
    ``(N, 2)`` from ``numpy.random.default_rng([seed, t])``. The noise of a
    step therefore depends only on the seed, the step count and the row of
    the point in the batch: replaying a run gives the same path, and the
    first ``k`` points of a batch follow the same paths whatever points come
    after them.

    Parameters
    ----------
    lr : float
        Learning rate, ``>= 0``.
    noise : float
        Standard deviation of the noise added to each gradient coordinate,
        ``>= 0``; with ``0`` this is plain gradient descent.
    seed : int
        Seed of the noise, a whole number ``>= 0``.

    Examples
    --------
    >>> opt = NoisyGD(lr=0.1, noise=0.5, seed=3)
    >>> x = np.array([[1.0, 1.0]])
    >>> a, _ = opt.update(opt.init(x), x, grad=2 * x)
    >>> b, _ = opt.update(opt.init(x), x, grad=2 * x)
    >>> bool((a == b).all()), bool((a != 0.8).all())
    (True, True)

    """

    lr: float = 0.01
    noise: float = 0.1
    seed: int = 0

    name: ClassVar[str] = "Noisy GD"
    hyperparameters: ClassVar[tuple[Hyperparameter, ...]] = (
        Hyperparameter.learning_rate(0.01),
        Hyperparameter(
            "noise", 0.1, 0.0, 10.0, "linear", "standard deviation of gradient noise"
        ),
        Hyperparameter(
            "seed", 0, 0, 1000, "int", "seed of the noise; same seed, same path"
        ),
    )
    state_type: ClassVar[type[State]] = NoisyGDState

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", check_within("lr", self.lr))
        object.__setattr__(self, "noise", check_within("noise", self.noise))
        object.__setattr__(self, "seed", check_seed("seed", self.seed))

    def _init(self, points: np.ndarray) -> NoisyGDState:
        return NoisyGDState(step=0)

    def _update(
        self,
        state: NoisyGDState,
        points: np.ndarray,
        grad: np.ndarray,
        hessian: np.ndarray | None,
    ) -> tuple[np.ndarray, NoisyGDState]:
        generator = np.random.default_rng([self.seed, state.step])
        noisy_grad = grad + self.noise * generator.standard_normal(points.shape)
        return points - self.lr * noisy_grad, NoisyGDState(step=state.step + 1)
