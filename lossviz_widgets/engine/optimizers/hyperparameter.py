"""Hyperparameters: how a panel presents them and how their values are checked.

A :class:`Hyperparameter` describes one knob of an optimizer well enough to
build a control for it (a slider with its range and scale, or a checkbox).
The functions below check a value given by a person and return it in its
canonical type, or raise an error that names the argument, shows the value
and says what is allowed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from lossviz_widgets.engine.numbers import check_real, shown

__all__ = [
    "MAXIMIZE",
    "SCALES",
    "WEIGHT_DECAY",
    "Hyperparameter",
    "check_flag",
    "check_pair",
    "check_real",
    "check_seed",
    "check_within",
]

#: How a control moves through a hyperparameter's range: a slider on a log
#: or linear scale, a checkbox, or a slider over whole numbers.
SCALES = ("log", "linear", "bool", "int")


def check_within(
    name: str,
    value: object,
    low: float = 0.0,
    high: float = math.inf,
    *,
    include_high: bool = True,
) -> float:
    """Return ``value`` as a float if it is a real number in ``[low, high]``.

    Parameters
    ----------
    name : str
        The argument's name, used in the error message.
    value : object
        What was given.
    low, high : float
        The allowed interval; ``high`` may be infinite.
    include_high : bool
        Whether ``high`` itself is allowed.

    Returns
    -------
    float

    Examples
    --------
    >>> check_within("eps", 1e-8)
    1e-08
    >>> check_within("beta1", 1.0, 0.0, 1.0, include_high=False)
    Traceback (most recent call last):
    ...
    ValueError: beta1 must lie in [0, 1), got 1.0
    >>> check_within("lr", -0.5)
    Traceback (most recent call last):
    ...
    ValueError: lr must be >= 0, got -0.5

    """
    number = check_real(name, value)
    above_low = number >= low
    below_high = number <= high if include_high else number < high
    if above_low and below_high:
        return number
    if math.isinf(high):
        message = f"{name} must be >= {low:g}, got {number!r}"
    else:
        bracket = "]" if include_high else ")"
        message = f"{name} must lie in [{low:g}, {high:g}{bracket}, got {number!r}"
    raise ValueError(message)


def check_flag(name: str, value: object) -> bool:
    """Return ``value`` if it is a bool (numpy's included).

    Examples
    --------
    >>> check_flag("nesterov", True)
    True
    >>> check_flag("nesterov", 1)
    Traceback (most recent call last):
    ...
    TypeError: nesterov must be True or False, got 1 (int)

    """
    if not isinstance(value, (bool, np.bool_)):
        message = f"{name} must be True or False, got {shown(value)}"
        raise TypeError(message)
    return bool(value)


def check_seed(name: str, value: object) -> int:
    """Return ``value`` if it is a whole number ``>= 0``, usable as a random seed.

    Examples
    --------
    >>> check_seed("seed", 7)
    7
    >>> check_seed("seed", -1)
    Traceback (most recent call last):
    ...
    ValueError: seed must be >= 0, got -1

    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        message = f"{name} must be a whole number, got {shown(value)}"
        raise TypeError(message)
    if value < 0:
        message = f"{name} must be >= 0, got {int(value)!r}"
        raise ValueError(message)
    return int(value)


def check_pair(name: str, value: object) -> tuple[Any, Any]:
    """Return ``value`` as a tuple if it is a pair (a tuple or list of two).

    Examples
    --------
    >>> check_pair("betas", [0.9, 0.999])
    (0.9, 0.999)
    >>> check_pair("betas", 0.9)
    Traceback (most recent call last):
    ...
    TypeError: betas must be a pair of numbers, got 0.9 (float)

    """
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        message = f"{name} must be a pair of numbers, got {shown(value)}"
        raise TypeError(message)
    return (value[0], value[1])


@dataclass(frozen=True)
class Hyperparameter:
    """One knob of an optimizer, described well enough to build a control.

    The range is where a slider moves; the optimizer itself may accept
    values beyond it (a learning rate of 0, for instance, which a log
    slider cannot show).

    Parameters
    ----------
    name : str
        Flat name under which a panel reads and sets the value, e.g.
        ``"lr"``, ``"beta1"`` or ``"nesterov"``.
    default : float or bool
        The optimizer's default value.
    low, high : float
        The slider's range, inclusive; ignored for bools.
    scale : {"log", "linear", "bool", "int"}
        How the control moves through the range.
    help : str
        One line saying what the hyperparameter means.

    Examples
    --------
    >>> lr = Hyperparameter("lr", 1e-3, 1e-5, 1.0, "log", "step size")
    >>> lr.scale, lr.low <= lr.default <= lr.high
    ('log', True)
    >>> Hyperparameter("lr", 0.0, 0.0, 1.0, "log", "step size")
    Traceback (most recent call last):
    ...
    ValueError: hyperparameter 'lr': a log scale needs low > 0, got low=0.0

    """

    name: str
    default: float | bool
    low: float
    high: float
    scale: str
    help: str

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            message = f"a hyperparameter name must be an identifier, got {self.name!r}"
            raise ValueError(message)
        if self.scale not in SCALES:
            message = (
                f"hyperparameter {self.name!r}: scale must be one of {SCALES}, "
                f"got {self.scale!r}"
            )
            raise ValueError(message)
        if self.scale == "bool":
            check_flag(f"hyperparameter {self.name!r}: default", self.default)
        else:
            self._check_range()

    @classmethod
    def flag(cls, name: str, help: str, default: bool = False) -> Hyperparameter:
        """Describe an on/off option, shown as a checkbox.

        Examples
        --------
        >>> Hyperparameter.flag("nesterov", "look ahead").scale
        'bool'

        """
        return cls(name, default, 0.0, 1.0, "bool", help)

    @classmethod
    def learning_rate(
        cls, default: float, low: float = 1e-5, high: float = 1.0
    ) -> Hyperparameter:
        """Describe the learning rate ``lr``, shown on a log slider.

        Examples
        --------
        >>> Hyperparameter.learning_rate(0.01).high
        1.0

        """
        return cls(
            "lr", default, low, high, "log", "step size: the factor on each step"
        )

    def _check_range(self) -> None:
        """Check that the range is ordered, fits the scale and holds the default."""
        prefix = f"hyperparameter {self.name!r}"
        low = check_real(f"{prefix}: low", self.low)
        high = check_real(f"{prefix}: high", self.high)
        default = check_real(f"{prefix}: default", self.default)
        if not low < high:
            message = f"{prefix}: low must be < high, got [{low}, {high}]"
            raise ValueError(message)
        if self.scale == "log" and low <= 0:
            message = f"{prefix}: a log scale needs low > 0, got low={low}"
            raise ValueError(message)
        if not low <= default <= high:
            message = f"{prefix}: default {default} lies outside [{low}, {high}]"
            raise ValueError(message)


#: The ``maximize`` option shared by the ``torch.optim`` algorithms.
MAXIMIZE = Hyperparameter.flag("maximize", "climb the surface instead of descending")

#: L2 weight decay added to the gradient, ``g + weight_decay · θ``.
WEIGHT_DECAY = Hyperparameter(
    "weight_decay", 0.0, 0.0, 1.0, "linear", "pull toward the origin, added to g"
)
