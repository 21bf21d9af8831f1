"""What describes a surface besides its formula: domain, parameters, critical points.

Plain frozen data a user interface reads: the rectangle worth looking at
(:class:`Domain`), the numbers a slider may move (:class:`Parameter`) and
the points where the gradient vanishes (:class:`CriticalPoint`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from lossviz_widgets.engine.numbers import check_real

__all__ = ["POINT_KINDS", "CriticalPoint", "Domain", "Parameter"]

#: The kinds a critical point can have, from the signs of the Hessian's
#: eigenvalues: both positive, both negative, mixed, or one of them zero.
POINT_KINDS = ("minimum", "maximum", "saddle", "degenerate")


@dataclass(frozen=True)
class Domain:
    """The rectangle ``[x_min, x_max] × [y_min, y_max]`` where a surface is shown.

    Examples
    --------
    >>> domain = Domain(-2.0, 2.0, -1.0, 3.0)
    >>> domain.center, domain.span
    ((0.0, 1.0), 4.0)
    >>> bool(domain.contains(0.5, 2.5))
    True
    >>> Domain.coerce(((-1, 1), (-1, 1)))
    Domain(x_min=-1.0, x_max=1.0, y_min=-1.0, y_max=1.0)
    """

    x_min: float
    x_max: float
    y_min: float
    y_max: float

    def __post_init__(self) -> None:
        for field in ("x_min", "x_max", "y_min", "y_max"):
            object.__setattr__(self, field, check_real(field, getattr(self, field)))
        if not (self.x_min < self.x_max and self.y_min < self.y_max):
            message = (
                "a domain needs x_min < x_max and y_min < y_max, got "
                f"x in [{self.x_min}, {self.x_max}], y in [{self.y_min}, {self.y_max}]"
            )
            raise ValueError(message)

    @classmethod
    def coerce(cls, value: Domain | Sequence[Any]) -> Domain:
        """Build a domain from a ``Domain``, ``((x0, x1), (y0, y1))`` or 4 numbers.

        Examples
        --------
        >>> Domain.coerce([-3, 3, -2, 2]).y_max
        2.0
        """
        if isinstance(value, Domain):
            return value
        try:
            flat = np.asarray(value, dtype=float).ravel()
        except (TypeError, ValueError):
            flat = np.empty(0)
        if flat.size != 4:
            message = (
                "domain must be a Domain, ((x_min, x_max), (y_min, y_max)) or "
                f"(x_min, x_max, y_min, y_max), got {value!r}"
            )
            raise ValueError(message)
        return cls(*(float(v) for v in flat))

    @property
    def x_range(self) -> tuple[float, float]:
        """The interval of x, ``(x_min, x_max)``."""
        return (self.x_min, self.x_max)

    @property
    def y_range(self) -> tuple[float, float]:
        """The interval of y, ``(y_min, y_max)``."""
        return (self.y_min, self.y_max)

    @property
    def center(self) -> tuple[float, float]:
        """The middle of the rectangle."""
        return ((self.x_min + self.x_max) / 2, (self.y_min + self.y_max) / 2)

    @property
    def span(self) -> float:
        """The longer side of the rectangle."""
        return max(self.x_max - self.x_min, self.y_max - self.y_min)

    def contains(self, x: Any, y: Any) -> np.ndarray:
        """Whether each point lies in the closed rectangle (broadcast over arrays)."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        inside_x = (x >= self.x_min) & (x <= self.x_max)
        return inside_x & (y >= self.y_min) & (y <= self.y_max)

    def clip(self, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        """Move each point to the nearest point of the rectangle."""
        x = np.clip(np.asarray(x, dtype=float), self.x_min, self.x_max)
        y = np.clip(np.asarray(y, dtype=float), self.y_min, self.y_max)
        return x, y


@dataclass(frozen=True)
class Parameter:
    """A number that shapes a surface, described well enough to build a slider.

    Parameters
    ----------
    name : str
        Keyword under which the value is passed, e.g. ``"condition"``.
    default : float
        Value used when none is given.
    low, high : float
        The allowed range, inclusive; values outside it are refused.
    scale : {"linear", "log"}
        How a slider should move through the range.
    help : str
        One line saying what the parameter does to the surface.
    integer : bool
        Whether only whole numbers make sense.

    Examples
    --------
    >>> p = Parameter("condition", 10.0, 1.0, 1000.0, "log", "ratio of curvatures")
    >>> p.validate(50)
    50.0
    >>> p.validate(0.5)
    Traceback (most recent call last):
    ...
    ValueError: parameter 'condition' must lie in [1.0, 1000.0], got 0.5
    """

    name: str
    default: float
    low: float
    high: float
    scale: Literal["linear", "log"] = "linear"
    help: str = ""
    integer: bool = False

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            message = f"a parameter name must be an identifier, got {self.name!r}"
            raise ValueError(message)
        for field in ("default", "low", "high"):
            number = check_real(f"{self.name}.{field}", getattr(self, field))
            object.__setattr__(self, field, number)
        if self.scale not in ("linear", "log"):
            message = f"scale must be 'linear' or 'log', got {self.scale!r}"
            raise ValueError(message)
        if not self.low <= self.default <= self.high:
            message = (
                f"parameter {self.name!r}: default {self.default} lies outside "
                f"[{self.low}, {self.high}]"
            )
            raise ValueError(message)
        if self.scale == "log" and self.low <= 0:
            message = f"parameter {self.name!r}: a log scale needs low > 0"
            raise ValueError(message)

    def validate(self, value: object) -> float:
        """Return ``value`` as a float if it is allowed, else raise ``ValueError``."""
        number = check_real(f"parameter {self.name!r}", value)
        if not self.low <= number <= self.high:
            message = (
                f"parameter {self.name!r} must lie in [{self.low}, {self.high}], "
                f"got {number!r}"
            )
            raise ValueError(message)
        if self.integer and number != round(number):
            message = f"parameter {self.name!r} must be a whole number, got {number!r}"
            raise ValueError(message)
        return number


@dataclass(frozen=True)
class CriticalPoint:
    """A point where the gradient vanishes, with its value and kind.

    ``kind`` is one of ``"minimum"``, ``"maximum"``, ``"saddle"`` or
    ``"degenerate"`` (a zero eigenvalue: the second-order test cannot tell).

    Examples
    --------
    >>> CriticalPoint(1.0, 1.0, 0.0, "minimum").kind
    'minimum'
    """

    x: float
    y: float
    value: float
    kind: str

    def __post_init__(self) -> None:
        for field in ("x", "y", "value"):
            object.__setattr__(self, field, float(getattr(self, field)))
        if self.kind not in POINT_KINDS:
            message = f"kind must be one of {POINT_KINDS}, got {self.kind!r}"
            raise ValueError(message)
