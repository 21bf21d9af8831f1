"""Surfaces from formulas typed by a person, parsed safely and never executed.

A formula in ``x`` and ``y`` is read by :func:`parse_formula`: the text is
checked character by character (:mod:`~lossviz_widgets.engine.formula_text`),
parsed into a Python syntax tree without running anything, and walked
against a whitelist that builds a sympy expression
(:mod:`~lossviz_widgets.engine.formula_grammar`). :func:`surface_from_formula`
differentiates it exactly, by sympy's rules
(:mod:`~lossviz_widgets.engine.formula_derivative`), and compiles the value,
the gradient and the Hessian into numpy programs
(:mod:`~lossviz_widgets.engine.formula_eval`). The whole compilation has a
time budget of :data:`COMPILE_SECONDS` and bounds on the size of the
derivatives (:data:`MAX_GRADIENT_SIZE`, :data:`MAX_OPERATIONS`).

What a formula may contain:

- numbers such as ``3``, ``0.5`` or ``1e-3`` (at most 1e6 and 15 digits);
- ``x``, ``y``, ``pi``, ``e`` and the parameters declared with it;
- ``+ - * /`` and powers, written ``**`` or ``^`` (constant exponents at
  most 20 in absolute value);
- the functions ``abs acos acosh arccos arccosh arcsin arcsinh arctan
  arctanh asin asinh atan atanh cos cosh exp log log10 log2 sigmoid sin
  sinh sqrt tan tanh``, each applied to one argument.

``abs`` is differentiated almost everywhere: its derivative is the sign of
its argument, and the derivative of that is 0. Where a formula is undefined
(the logarithm of a negative number, a division by zero, a fractional power
of a negative number) its value and derivatives are ``nan`` or ``inf``,
without warnings.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sympy

from lossviz_widgets.engine.formula_budget import time_budget
from lossviz_widgets.engine.formula_derivative import derivative, expression_size
from lossviz_widgets.engine.formula_eval import Program, compile_expressions
from lossviz_widgets.engine.formula_grammar import translate
from lossviz_widgets.engine.formula_names import check_parameter_names, make_symbols
from lossviz_widgets.engine.formula_text import FormulaError, read_formula
from lossviz_widgets.engine.surface import Domain, Parameter, ParamValues, Surface

__all__ = [
    "COMPILE_SECONDS",
    "MAX_GRADIENT_SIZE",
    "MAX_OPERATIONS",
    "FormulaError",
    "parse_formula",
    "surface_from_formula",
]

#: Time allowed to read, differentiate and compile one formula, in seconds.
COMPILE_SECONDS = 1.0
#: Most numpy operations in the program of the value, of the gradient or of
#: the Hessian; formulas whose derivatives grow past it are refused.
MAX_OPERATIONS = 2000
#: Largest gradient, in operations, that is differentiated again: the Hessian
#: of a larger one (a long product, say) would take long to build.
MAX_GRADIENT_SIZE = 1000


def parse_formula(text: str, *, params: Iterable[str] = ()) -> sympy.Expr:
    """Read a formula in ``x`` and ``y`` into a sympy expression, safely.

    The text is never executed: it is parsed into a syntax tree whose every
    node is checked against a whitelist (see the module documentation for
    what is accepted). Variables and parameters become real sympy symbols.
    The expression is kept as typed, except that constant parts are replaced
    by their values: sympy's automatic simplification is off, since on some
    formulas it takes minutes (``.doit()`` turns it back on).

    Parameters
    ----------
    text : str
        The formula, at most 500 characters; ``^`` is a power.
    params : iterable of str, optional
        Names of parameters the formula may use besides ``x`` and ``y``.

    Returns
    -------
    sympy.Expr

    Raises
    ------
    FormulaError
        If the text is not an allowed formula, or a parameter name is not
        allowed; the message says what is wrong and at which column.
    TypeError
        If ``text`` is not a string or ``params`` is not a sequence of names.

    Examples
    --------
    >>> parse_formula("sin(x)*cos(y) + 0.1*(x^2 + y^2)")
    (x**2 + y**2)/10 + sin(x)*cos(y)
    >>> parse_formula("2^10 * x + sqrt(2)")
    1024*x + 1.4142135623731
    >>> parse_formula("a*x**2 + y**2", params=["a"])
    a*x**2 + y**2
    >>> try:
    ...     parse_formula("x + 1)")
    ... except FormulaError as error:
    ...     print(error.position, "|", error)
    5 | unexpected ')' at column 5: no '(' before it matches it

    """
    names = check_parameter_names(params)
    with time_budget(COMPILE_SECONDS) as check_time:
        return _parse(text, names, check_time)


def _parse(
    text: str, names: tuple[str, ...], check_time: Callable[[str], None]
) -> sympy.Expr:
    """Read, check and translate a formula within the running time budget."""
    source = read_formula(text)
    check_time("reading the formula")
    return translate(source, make_symbols(names), check_time)


@dataclass(frozen=True)
class _Compiled:
    """The numpy programs of a formula's value, gradient and Hessian."""

    value: Program
    gradient: Program
    hessian: Program


@functools.lru_cache(maxsize=64)
def _compile(text: str, names: tuple[str, ...]) -> _Compiled:
    """Parse, differentiate and compile a formula (cached by text and names)."""
    symbols = make_symbols(names)
    x, y = symbols["x"], symbols["y"]
    inputs = list(symbols.values())
    with time_budget(COMPILE_SECONDS) as check_time:
        f = _parse(text, names, check_time)
        by_x: dict[sympy.Expr, sympy.Expr] = {}
        by_y: dict[sympy.Expr, sympy.Expr] = {}
        fx, fy = derivative(f, x, by_x), derivative(f, y, by_y)
        check_time("differentiating the formula")
        size = expression_size([fx, fy], limit=MAX_GRADIENT_SIZE)
        if size > MAX_GRADIENT_SIZE:
            message = (
                f"formula too complex: its gradient has more than {MAX_GRADIENT_SIZE} "
                "operations (a long product of terms in x and y?)"
            )
            raise FormulaError(message)
        fxx, fxy = derivative(fx, x, by_x), derivative(fx, y, by_y)
        fyy = derivative(fy, y, by_y)
        check_time("differentiating the formula twice")
        programs = []
        for group in ([f], [fx, fy], [fxx, fxy, fyy]):
            programs.append(
                compile_expressions(group, inputs, max_steps=MAX_OPERATIONS)
            )
            check_time("compiling the formula")
    return _Compiled(*programs)


def surface_from_formula(
    text: str,
    *,
    domain: Domain | Sequence[Any],
    params: Mapping[str, Parameter | float | tuple[float, float, float]] | None = None,
    name: str = "formula",
) -> Surface:
    """Build a :class:`~lossviz_widgets.engine.surface.Surface` from a typed formula.

    The value, gradient and Hessian are exact: the formula is differentiated
    symbolically, and each is compiled once into a vectorised numpy program.
    Compiled programs are cached by formula and parameter names.

    Parameters
    ----------
    text : str
        The formula in ``x`` and ``y`` (see :func:`parse_formula`).
    domain : Domain or sequence
        The rectangle worth looking at.
    params : mapping, optional
        The parameters the formula may use, by name. Each is a
        :class:`~lossviz_widgets.engine.surface.Parameter` (whose name must
        be the key), a number (its default; a slider then spans
        ``default ± max(|default|, 1)``, e.g. ``[0, 2]`` for 1 and ``[-1, 1]``
        for 0), or a tuple ``(default, low, high)``.
    name : str, optional
        Short identifier of the surface.

    Returns
    -------
    Surface
        With ``formula`` and ``title`` set to ``text``.

    Raises
    ------
    FormulaError
        If the formula or a parameter name is not allowed, or the formula is
        too complex to differentiate and compile within the time budget.
    TypeError, ValueError
        If ``params`` does not describe parameters as above.

    Examples
    --------
    >>> s = surface_from_formula(
    ...     "a*x^2 + abs(y)", domain=((-2, 2), (-2, 2)), params={"a": 1.0}
    ... )
    >>> [(p.name, p.default, p.low, p.high) for p in s.parameters]
    [('a', 1.0, 0.0, 2.0)]
    >>> s.value([1.0, 2.0], [-1.0, 0.5]).tolist()
    [2.0, 4.5]
    >>> s.with_params(a=2.0).grad(1.0, -1.0).tolist()
    [4.0, -1.0]
    >>> s.hessian(1.0, -1.0).tolist()
    [[2.0, 0.0], [0.0, 0.0]]

    """
    parameters = _coerce_parameters(params)
    names = tuple(p.name for p in parameters)
    if not isinstance(text, str):
        message = f"formula must be a str, got {type(text).__name__} {text!r:.40}"
        raise TypeError(message)
    compiled = _compile(text, names)

    def value(x: Any, y: Any, p: ParamValues) -> Any:
        return compiled.value(x, y, *(p[n] for n in names))[0]

    def gradient(x: Any, y: Any, p: ParamValues) -> tuple[Any, ...]:
        return compiled.gradient(x, y, *(p[n] for n in names))

    def hessian(x: Any, y: Any, p: ParamValues) -> tuple[Any, ...]:
        return compiled.hessian(x, y, *(p[n] for n in names))

    return Surface(
        name,
        value,
        gradient,
        hessian,
        domain=domain,
        parameters=parameters,
        title=text,
        formula=text,
    )


def _coerce_parameters(params: Mapping[str, Any] | None) -> tuple[Parameter, ...]:
    """Parameters from a mapping of names to Parameters, numbers or triples."""
    if params is None:
        return ()
    if not isinstance(params, Mapping):
        message = (
            "params must map names to a Parameter, a number or "
            f"(default, low, high), got {params!r}"
        )
        raise TypeError(message)
    check_parameter_names(params)
    return tuple(_coerce_parameter(key, spec) for key, spec in params.items())


def _coerce_parameter(key: str, spec: Any) -> Parameter:
    """One parameter from a Parameter, a default value or ``(default, low, high)``."""
    if isinstance(spec, Parameter):
        if spec.name != key:
            message = f"params[{key!r}] is a Parameter named {spec.name!r}; use {key!r}"
            raise ValueError(message)
        return spec
    if isinstance(spec, numbers.Real) and not isinstance(spec, bool):
        default = float(spec)
        if not math.isfinite(default):
            message = f"params[{key!r}] must be a finite number, got {spec!r}"
            raise ValueError(message)
        reach = max(abs(default), 1.0)
        return Parameter(key, default, default - reach, default + reach)
    if isinstance(spec, tuple) and len(spec) == 3:
        return Parameter(key, *spec)
    message = (
        f"params[{key!r}] must be a Parameter, a number or (default, low, high), "
        f"got {spec!r}"
    )
    raise TypeError(message)
