"""Checks of the numbers callers give: finite real numbers, and how to show them.

Surfaces, their parameters and domains, and the optimizers' hyperparameters
all take numbers from code and from widgets; they refuse what is not a
finite real number with the same messages, made here.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["check_real", "shown"]


def shown(value: object) -> str:
    """Show a value with its type, as error messages do.

    Examples
    --------
    >>> shown("fast")
    "'fast' (str)"
    """
    return f"{value!r} ({type(value).__name__})"


def check_real(name: str, value: object) -> float:
    """Return ``value`` as a float if it is a finite real number.

    Parameters
    ----------
    name : str
        The argument's name, used in the error message.
    value : object
        What was given.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``value`` is not a real number (a bool is not one).
    ValueError
        If ``value`` is infinite or NaN.

    Examples
    --------
    >>> check_real("lr", 1)
    1.0
    >>> check_real("lr", "fast")
    Traceback (most recent call last):
    ...
    TypeError: lr must be a real number, got 'fast' (str)

    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        message = f"{name} must be a real number, got {shown(value)}"
        raise TypeError(message)
    number = float(value)
    if not math.isfinite(number):
        message = f"{name} must be finite, got {number!r}"
        raise ValueError(message)
    return number
