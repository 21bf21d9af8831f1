"""Loss surfaces over the plane: value, exact derivatives, domain and parameters.

A :class:`Surface` is the one object every other part of the engine works
with. It evaluates ``f(x, y)``, its gradient and its Hessian on arrays of
points of any shape, and carries what a user interface needs to present it:
the rectangle worth looking at, the parameters a slider may move, and the
critical points that are known in closed form.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np

from lossviz_widgets.engine.descriptions import (
    POINT_KINDS,
    CriticalPoint,
    Domain,
    Parameter,
)
from lossviz_widgets.engine.differences import (
    central_gradient,
    central_hessian,
    split_gradient,
    split_hessian,
)

__all__ = [
    "POINT_KINDS",
    "CriticalPoint",
    "Domain",
    "ParamValues",
    "Parameter",
    "Surface",
]

ParamValues = Mapping[str, float]
ValueFunction = Callable[[np.ndarray, np.ndarray, ParamValues], Any]
GradFunction = Callable[[np.ndarray, np.ndarray, ParamValues], tuple[Any, Any]]
HessianFunction = Callable[[np.ndarray, np.ndarray, ParamValues], tuple[Any, Any, Any]]
CriticalFunction = Callable[[ParamValues], Iterable["CriticalPoint"]]


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

        gradient = central_gradient(f) if grad is None else split_gradient(grad)
        if hessian is None:
            second = central_hessian(f, None if grad is None else gradient)
        else:
            second = split_hessian(hessian)
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
