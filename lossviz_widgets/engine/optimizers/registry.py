"""The optimizers a panel offers, by snake_case name."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from lossviz_widgets.engine.optimizers.adam import Adam, AdamW
from lossviz_widgets.engine.optimizers.adaptive import Adagrad, RMSprop
from lossviz_widgets.engine.optimizers.base import Optimizer
from lossviz_widgets.engine.optimizers.nadam import NAdam
from lossviz_widgets.engine.optimizers.noisy import NoisyGD
from lossviz_widgets.engine.optimizers.recipes import GD, Momentum, Nesterov
from lossviz_widgets.engine.optimizers.second_order import Newton
from lossviz_widgets.engine.optimizers.sgd import SGD

__all__ = ["OPTIMIZERS", "make_optimizer", "optimizer_names"]

#: Every optimizer class by its snake_case name, in the order a menu shows them:
#: the classic methods first, then torch's, then those beyond first order.
OPTIMIZERS: MappingProxyType[str, type[Optimizer[Any]]] = MappingProxyType(
    {
        "gd": GD,
        "momentum": Momentum,
        "nesterov": Nesterov,
        "sgd": SGD,
        "adagrad": Adagrad,
        "rmsprop": RMSprop,
        "adam": Adam,
        "adamw": AdamW,
        "nadam": NAdam,
        "newton": Newton,
        "noisy_gd": NoisyGD,
    }
)


def optimizer_names() -> tuple[str, ...]:
    """Return the snake_case names :func:`make_optimizer` accepts, in menu order.

    Examples
    --------
    >>> optimizer_names()[:3]
    ('gd', 'momentum', 'nesterov')

    """
    return tuple(OPTIMIZERS)


def make_optimizer(name: str, **hyperparameters: Any) -> Optimizer[Any]:
    """Build an optimizer from its snake_case name and hyperparameters.

    Parameters
    ----------
    name : str
        One of :func:`optimizer_names`, e.g. ``"adam"``.
    **hyperparameters
        Values overriding the defaults, under the flat names of the
        optimizer's :attr:`~Optimizer.hyperparameters` (``beta1``) or under
        ``torch.optim``'s keywords (``betas``).

    Returns
    -------
    Optimizer

    Raises
    ------
    ValueError
        If the name is unknown, or a hyperparameter is unknown or out of range.
    TypeError
        If ``name`` is not a string, or a hyperparameter has the wrong type.

    Examples
    --------
    >>> adam = make_optimizer("adam", lr=0.05, beta1=0.8)
    >>> adam.lr, adam.betas
    (0.05, (0.8, 0.999))
    >>> make_optimizer("adamax")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: unknown optimizer 'adamax'; choose one of: gd, momentum, ...

    """
    if not isinstance(name, str):
        message = f"name must be a string, got {name!r} ({type(name).__name__})"
        raise TypeError(message)
    if name not in OPTIMIZERS:
        message = f"unknown optimizer {name!r}; choose one of: {', '.join(OPTIMIZERS)}"
        raise ValueError(message)
    return OPTIMIZERS[name]().replace(**hyperparameters)
