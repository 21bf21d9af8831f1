"""Loss surfaces over the plane: value, exact derivatives, domain and parameters.

A :class:`Surface` is the one object every other part of the engine works
with. It evaluates ``f(x, y)``, its gradient and its Hessian on arrays of
points of any shape, and carries what a user interface needs to present it:
the rectangle worth looking at, the parameters a slider may move, and the
critical points that are known in closed form.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

import numpy as np

__all__ = [
    "POINT_KINDS",
    "CriticalPoint",
    "Domain",
    "Parameter",
    "Surface",
]

#: The kinds a critical point can have, from the signs of the Hessian's
#: eigenvalues: both positive, both negative, mixed, or one of them zero.
POINT_KINDS = ("minimum", "maximum", "saddle", "degenerate")

ParamValues = Mapping[str, float]
ValueFunction = Callable[[np.ndarray, np.ndarray, ParamValues], Any]
GradFunction = Callable[[np.ndarray, np.ndarray, ParamValues], tuple[Any, Any]]
HessianFunction = Callable[[np.ndarray, np.ndarray, ParamValues], tuple[Any, Any, Any]]
CriticalFunction = Callable[[ParamValues], Iterable["CriticalPoint"]]


def _finite_float(name: str, value: object) -> float:
    """Return ``value`` as a float, or raise if it is not a finite real number."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        message = f"{name} must be a real number, got {value!r}"
        raise TypeError(message)
    number = float(value)
    if not math.isfinite(number):
        message = f"{name} must be finite, got {number!r}"
        raise ValueError(message)
    return number


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
            object.__setattr__(self, field, _finite_float(field, getattr(self, field)))
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
            number = _finite_float(f"{self.name}.{field}", getattr(self, field))
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
        number = _finite_float(f"parameter {self.name!r}", value)
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


def _as_arrays(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """Broadcast two coordinate inputs to float arrays of one shape."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.shape == y.shape:
        return x, y
    return np.broadcast_arrays(x, y)


def _filled(values: Any, shape: tuple[int, ...]) -> np.ndarray:
    """Broadcast a result (possibly a constant) to ``shape`` as a float array."""
    if (
        isinstance(values, np.ndarray)
        and values.shape == shape
        and values.dtype == np.float64
    ):
        return values
    return np.broadcast_to(np.asarray(values, dtype=float), shape)


class Surface:
    """A smooth function ``f(x, y)`` with its exact gradient and Hessian.

    Surfaces are immutable: :meth:`with_params` returns a new surface with
    other parameter values. Most users get one from the catalogue
    (:func:`~lossviz_widgets.engine.get_surface`), from a typed formula
    (:meth:`from_formula`) or from Python callables (:meth:`from_function`).

    Parameters
    ----------
    name : str
        Short identifier, e.g. ``"himmelblau"``.
    value : callable
        ``value(x, y, params)`` returning ``f`` on arrays ``x`` and ``y`` of one
        shape; ``params`` maps parameter names to their current values.
    gradient : callable
        ``gradient(x, y, params)`` returning ``(df/dx, df/dy)``.
    hessian : callable
        ``hessian(x, y, params)`` returning ``(d2f/dx2, d2f/dxdy, d2f/dy2)``.
    domain : Domain or sequence
        The rectangle worth looking at (see :meth:`Domain.coerce`).
    parameters : sequence of Parameter, optional
        What may be varied, with defaults and ranges.
    params : mapping, optional
        Values overriding the defaults.
    critical_points : sequence of CriticalPoint or callable, optional
        Critical points known in closed form; a callable receives the
        parameter values and returns them.
    title : str, optional
        Human-readable name; defaults to ``name``.
    formula : str, optional
        The formula as a person would write it, for display.
    description : str, optional
        A sentence on what the surface teaches.
    convex : bool or None, optional
        Whether the surface is convex everywhere, if known.

    Examples
    --------
    >>> bowl = Surface(
    ...     "bowl",
    ...     value=lambda x, y, p: p["a"] * x**2 + y**2,
    ...     gradient=lambda x, y, p: (2 * p["a"] * x, 2 * y),
    ...     hessian=lambda x, y, p: (2 * p["a"], 0.0, 2.0),
    ...     domain=((-2, 2), (-2, 2)),
    ...     parameters=[Parameter("a", 1.0, 0.1, 10.0, "log", "x curvature")],
    ... )
    >>> float(bowl(1.0, 2.0))
    5.0
    >>> bowl.grad([0.0, 1.0], [1.0, 1.0]).tolist()
    [[0.0, 2.0], [2.0, 2.0]]
    >>> bowl.with_params(a=3.0).hessian(0.0, 0.0).tolist()
    [[6.0, 0.0], [0.0, 2.0]]
    """

    def __init__(
        self,
        name: str,
        value: ValueFunction,
        gradient: GradFunction,
        hessian: HessianFunction,
        *,
        domain: Domain | Sequence[Any],
        parameters: Iterable[Parameter] = (),
        params: ParamValues | None = None,
        critical_points: Iterable[CriticalPoint] | CriticalFunction | None = None,
        title: str | None = None,
        formula: str = "",
        description: str = "",
        convex: bool | None = None,
    ) -> None:
        self._name = str(name)
        self._value = value
        self._gradient = gradient
        self._hessian = hessian
        self._domain = Domain.coerce(domain)
        self._parameters = tuple(parameters)
        self._params = MappingProxyType(self._resolve_params(params or {}))
        if critical_points is None or callable(critical_points):
            self._critical = critical_points
        else:
            self._critical = tuple(critical_points)
        self._title = title or self._name
        self._formula = formula
        self._description = description
        self._convex = convex

    def _resolve_params(self, overrides: ParamValues) -> dict[str, float]:
        """Merge ``overrides`` into the defaults, validating each value."""
        by_name = {p.name: p for p in self._parameters}
        unknown = sorted(set(overrides) - set(by_name))
        if unknown:
            allowed = ", ".join(by_name) or "none"
            message = (
                f"surface {self._name!r} has no parameter {unknown[0]!r}; "
                f"its parameters are: {allowed}"
            )
            raise ValueError(message)
        values = {p.name: p.default for p in self._parameters}
        for key, value in overrides.items():
            values[key] = by_name[key].validate(value)
        return values

    # -- description -----------------------------------------------------

    @property
    def name(self) -> str:
        """Short identifier of the surface."""
        return self._name

    @property
    def title(self) -> str:
        """Human-readable name."""
        return self._title

    @property
    def formula(self) -> str:
        """The formula as a person would write it (may be empty)."""
        return self._formula

    @property
    def description(self) -> str:
        """A sentence on what the surface shows."""
        return self._description

    @property
    def domain(self) -> Domain:
        """The rectangle worth looking at."""
        return self._domain

    @property
    def parameters(self) -> tuple[Parameter, ...]:
        """Descriptions of the parameters that may be varied."""
        return self._parameters

    @property
    def params(self) -> Mapping[str, float]:
        """Current parameter values, read-only."""
        return self._params

    @property
    def convex(self) -> bool | None:
        """``True`` if convex everywhere, ``False`` if not, ``None`` if unknown."""
        return self._convex

    @property
    def critical_points(self) -> tuple[CriticalPoint, ...]:
        """Critical points known in closed form for the current parameters."""
        if self._critical is None:
            return ()
        if callable(self._critical):
            return tuple(self._critical(self._params))
        return self._critical

    def with_params(self, **params: float) -> Surface:
        """Return a copy of this surface with some parameter values changed."""
        merged = {**self._params, **params}
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone._params = MappingProxyType(self._resolve_params(merged))
        return clone

    def with_domain(self, domain: Domain | Sequence[Any]) -> Surface:
        """Return a copy of this surface shown over another rectangle."""
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone._domain = Domain.coerce(domain)
        return clone

    # -- evaluation ------------------------------------------------------

    def value(self, x: Any, y: Any) -> np.ndarray:
        """Return ``f(x, y)``, shaped like the broadcast of ``x`` and ``y``."""
        x, y = _as_arrays(x, y)
        # ``[()]`` turns a 0-d result into a numpy scalar and leaves arrays be.
        return _filled(self._value(x, y, self._params), x.shape)[()]

    __call__ = value

    def grad(self, x: Any, y: Any) -> np.ndarray:
        """Return the gradient: shape ``(..., 2)`` for inputs of shape ``(...)``."""
        x, y = _as_arrays(x, y)
        gx, gy = self._gradient(x, y, self._params)
        # Filling a preallocated array is much cheaper than np.stack on the
        # small batches an optimizer loop evaluates at every step.
        out = np.empty((*x.shape, 2))
        out[..., 0] = gx
        out[..., 1] = gy
        return out

    def hessian(self, x: Any, y: Any) -> np.ndarray:
        """Return the Hessian: shape ``(..., 2, 2)`` for inputs of shape ``(...)``."""
        x, y = _as_arrays(x, y)
        hxx, hxy, hyy = self._hessian(x, y, self._params)
        out = np.empty((*x.shape, 2, 2))
        out[..., 0, 0] = hxx
        out[..., 0, 1] = hxy
        out[..., 1, 0] = hxy
        out[..., 1, 1] = hyy
        return out

    def value_at(self, points: Any) -> np.ndarray:
        """Return ``f`` at points of shape ``(..., 2)``; the result has shape ``(...)``.

        Examples
        --------
        >>> from lossviz_widgets.engine import get_surface
        >>> get_surface("convex_bowl").value_at([[1.0, 1.0], [2.0, 0.0]]).tolist()
        [1.0, 2.0]
        """
        points = np.asarray(points, dtype=float)
        return self.value(points[..., 0], points[..., 1])

    def grad_at(self, points: Any) -> np.ndarray:
        """Return the gradient at points of shape ``(..., 2)``, shaped ``(..., 2)``."""
        points = np.asarray(points, dtype=float)
        return self.grad(points[..., 0], points[..., 1])

    def hessian_at(self, points: Any) -> np.ndarray:
        """Return the Hessian at points ``(..., 2)``, shaped ``(..., 2, 2)``."""
        points = np.asarray(points, dtype=float)
        return self.hessian(points[..., 0], points[..., 1])

    # -- other ways to build one ----------------------------------------

    @classmethod
    def from_formula(
        cls,
        text: str,
        *,
        domain: Domain | Sequence[Any] = ((-3.0, 3.0), (-3.0, 3.0)),
        params: Mapping[str, Any] | None = None,
        name: str = "formula",
    ) -> Surface:
        """Build a surface from a formula in ``x`` and ``y`` typed by a person.

        The text is parsed against a whitelist and never executed; the
        derivatives are exact. See :func:`lossviz_widgets.engine.formula.parse_formula`
        for what is accepted. Anything refused raises
        :class:`~lossviz_widgets.engine.FormulaError`.

        Examples
        --------
        >>> s = Surface.from_formula("sin(3*x)*cos(y) + 0.1*(x**2 + y**2)")
        >>> round(float(s(0.0, 0.0)), 6)
        0.0
        >>> s.grad(0.0, 0.0).tolist()
        [3.0, 0.0]
        """
        from lossviz_widgets.engine.formula import surface_from_formula

        return surface_from_formula(text, domain=domain, params=params, name=name)

    @classmethod
    def from_function(
        cls,
        f: Callable[[np.ndarray, np.ndarray], Any],
        grad: Callable[[np.ndarray, np.ndarray], Any] | None = None,
        hessian: Callable[[np.ndarray, np.ndarray], Any] | None = None,
        *,
        domain: Domain | Sequence[Any] = ((-3.0, 3.0), (-3.0, 3.0)),
        name: str = "function",
        title: str | None = None,
        critical_points: Iterable[CriticalPoint] | None = None,
    ) -> Surface:
        """Build a surface from Python callables of ``(x, y)``.

        ``f`` must accept numpy arrays. ``grad`` returns ``(df/dx, df/dy)``
        (or an array of shape ``(..., 2)``), ``hessian`` returns
        ``(fxx, fxy, fyy)`` (or an array of shape ``(..., 2, 2)``). Derivatives
        that are not given are taken by central differences, with steps
        scaled to the size of the coordinates.

        Examples
        --------
        >>> import numpy as np
        >>> s = Surface.from_function(lambda x, y: np.cosh(x) + y**2)
        >>> np.round(s.grad(1.0, 1.0), 6).tolist()
        [1.175201, 2.0]
        >>> np.round(s.hessian(0.0, 0.0), 4).tolist()
        [[1.0, 0.0], [0.0, 2.0]]
        """
        if not callable(f):
            message = f"f must be callable as f(x, y), got {f!r}"
            raise TypeError(message)

        def value(x: np.ndarray, y: np.ndarray, _: ParamValues) -> Any:
            return f(x, y)

        gradient = _central_gradient(f) if grad is None else _split_gradient(grad)
        if hessian is None:
            second = _central_hessian(f, None if grad is None else gradient)
        else:
            second = _split_hessian(hessian)
        return cls(
            name,
            value,
            gradient,
            second,
            domain=domain,
            critical_points=critical_points,
            title=title,
        )

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v:g}" for k, v in self._params.items())
        return f"<Surface {self._name!r}{' (' + params + ')' if params else ''}>"


# Step sizes balancing truncation against rounding error: eps^(1/3) for a
# first central difference, eps^(1/4) for a second one.
_FIRST_STEP = np.finfo(float).eps ** (1 / 3)
_SECOND_STEP = np.finfo(float).eps ** (1 / 4)


def _step(u: np.ndarray, base: float) -> np.ndarray:
    """Finite-difference step for coordinates ``u``, relative where |u| > 1."""
    return base * np.maximum(1.0, np.abs(u))


def _central_gradient(f: Callable[..., Any]) -> GradFunction:
    """Gradient of ``f`` by central differences."""

    def gradient(x: np.ndarray, y: np.ndarray, _: ParamValues) -> tuple[Any, Any]:
        hx, hy = _step(x, _FIRST_STEP), _step(y, _FIRST_STEP)
        gx = (np.asarray(f(x + hx, y)) - np.asarray(f(x - hx, y))) / (2 * hx)
        gy = (np.asarray(f(x, y + hy)) - np.asarray(f(x, y - hy))) / (2 * hy)
        return gx, gy

    return gradient


def _central_hessian(
    f: Callable[..., Any], gradient: GradFunction | None
) -> HessianFunction:
    """Hessian by central differences of the gradient, or of ``f`` twice."""

    def from_gradient(x: np.ndarray, y: np.ndarray, p: ParamValues) -> tuple:
        hx, hy = _step(x, _FIRST_STEP), _step(y, _FIRST_STEP)
        gxp, gyp = gradient(x + hx, y, p)
        gxm, gym = gradient(x - hx, y, p)
        hxx = (np.asarray(gxp) - np.asarray(gxm)) / (2 * hx)
        hyx = (np.asarray(gyp) - np.asarray(gym)) / (2 * hx)
        gxp, gyp = gradient(x, y + hy, p)
        gxm, gym = gradient(x, y - hy, p)
        hxy = (np.asarray(gxp) - np.asarray(gxm)) / (2 * hy)
        hyy = (np.asarray(gyp) - np.asarray(gym)) / (2 * hy)
        return hxx, (hxy + hyx) / 2, hyy

    def from_values(x: np.ndarray, y: np.ndarray, _: ParamValues) -> tuple:
        hx, hy = _step(x, _SECOND_STEP), _step(y, _SECOND_STEP)
        f0 = np.asarray(f(x, y))
        hxx = (np.asarray(f(x + hx, y)) - 2 * f0 + np.asarray(f(x - hx, y))) / hx**2
        hyy = (np.asarray(f(x, y + hy)) - 2 * f0 + np.asarray(f(x, y - hy))) / hy**2
        corners = (
            np.asarray(f(x + hx, y + hy))
            - np.asarray(f(x + hx, y - hy))
            - np.asarray(f(x - hx, y + hy))
            + np.asarray(f(x - hx, y - hy))
        )
        return hxx, corners / (4 * hx * hy), hyy

    if gradient is None:
        return from_values
    return from_gradient


def _split_gradient(grad: Callable[..., Any]) -> GradFunction:
    """Adapt a user gradient returning a pair or a ``(..., 2)`` array."""

    def gradient(x: np.ndarray, y: np.ndarray, _: ParamValues) -> tuple[Any, Any]:
        result = grad(x, y)
        if isinstance(result, tuple | list):
            return result[0], result[1]
        array = np.asarray(result, dtype=float)
        return array[..., 0], array[..., 1]

    return gradient


def _split_hessian(hessian: Callable[..., Any]) -> HessianFunction:
    """Adapt a user Hessian returning a triple or a ``(..., 2, 2)`` array."""

    def second(x: np.ndarray, y: np.ndarray, _: ParamValues) -> tuple:
        result = hessian(x, y)
        if isinstance(result, tuple | list) and len(result) == 3:
            return result[0], result[1], result[2]
        array = np.asarray(result, dtype=float)
        return (
            array[..., 0, 0],
            (array[..., 0, 1] + array[..., 1, 0]) / 2,
            array[..., 1, 1],
        )

    return second
