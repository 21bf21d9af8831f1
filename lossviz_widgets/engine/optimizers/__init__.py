"""Optimizers with explicit state, run on a batch of points in the plane.

Every optimizer is a frozen dataclass of hyperparameters with an
``init``/``update`` pair (see :class:`Optimizer`). The first-order methods
follow ``torch.optim``'s keywords, defaults and update rules; :class:`GD`,
:class:`Momentum` and :class:`Nesterov` are named settings of :class:`SGD`;
:class:`Newton` uses the Hessian; :class:`NoisyGD` adds reproducible
gradient noise. :func:`make_optimizer` builds any of them by name.

Examples
--------
>>> import numpy as np
>>> from lossviz_widgets.engine.optimizers import make_optimizer
>>> opt = make_optimizer("momentum", lr=0.1)
>>> points = np.array([[1.0, 1.0], [-2.0, 0.5]])
>>> state = opt.init(points)
>>> for _ in range(100):
...     points, state = opt.update(state, points, grad=2 * points)
>>> bool(np.abs(points).max() < 0.05)
True

"""

from lossviz_widgets.engine.optimizers.adam import Adam, AdamState, AdamW
from lossviz_widgets.engine.optimizers.adaptive import (
    Adagrad,
    AdagradState,
    RMSprop,
    RMSpropState,
)
from lossviz_widgets.engine.optimizers.base import Optimizer, State
from lossviz_widgets.engine.optimizers.hyperparameter import Hyperparameter
from lossviz_widgets.engine.optimizers.nadam import NAdam, NAdamState
from lossviz_widgets.engine.optimizers.noisy import NoisyGD, NoisyGDState
from lossviz_widgets.engine.optimizers.recipes import GD, Momentum, Nesterov
from lossviz_widgets.engine.optimizers.registry import (
    OPTIMIZERS,
    make_optimizer,
    optimizer_names,
)
from lossviz_widgets.engine.optimizers.second_order import Newton, NewtonState
from lossviz_widgets.engine.optimizers.sgd import SGD, SGDState

__all__ = [
    "GD",
    "OPTIMIZERS",
    "SGD",
    "Adagrad",
    "AdagradState",
    "Adam",
    "AdamState",
    "AdamW",
    "Hyperparameter",
    "Momentum",
    "NAdam",
    "NAdamState",
    "Nesterov",
    "Newton",
    "NewtonState",
    "NoisyGD",
    "NoisyGDState",
    "Optimizer",
    "RMSprop",
    "RMSpropState",
    "SGDState",
    "State",
    "make_optimizer",
    "optimizer_names",
]
