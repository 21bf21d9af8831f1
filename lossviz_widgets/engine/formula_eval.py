"""Evaluating sympy expressions on numpy arrays, without generating code.

:func:`compile_expressions` turns expressions into a :class:`Program`: a
straight list of numpy ufunc calls over numbered slots, where every distinct
subexpression is computed once, constant parts are computed when compiling,
and sums and products become subtractions and divisions where they should.
Nothing is printed to source code and nothing is passed to ``eval``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

from lossviz_widgets.engine.formula_names import RealAbs, RealSign
from lossviz_widgets.engine.formula_text import FormulaError

__all__ = ["Program", "compile_expressions"]

_UFUNCS: dict[type, Callable[[Any], Any]] = {
    sympy.Abs: np.abs,
    RealAbs: np.abs,
    sympy.acos: np.arccos,
    sympy.acosh: np.arccosh,
    sympy.asin: np.arcsin,
    sympy.asinh: np.arcsinh,
    sympy.atan: np.arctan,
    sympy.atanh: np.arctanh,
    sympy.cos: np.cos,
    sympy.cosh: np.cosh,
    sympy.exp: np.exp,
    sympy.log: np.log,
    sympy.sign: np.sign,
    RealSign: np.sign,
    sympy.sin: np.sin,
    sympy.sinh: np.sinh,
    sympy.tan: np.tan,
    sympy.tanh: np.tanh,
}

Step = tuple[int, Callable[..., Any], tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True)
class Program:
    """Numpy operations computing some expressions from some inputs.

    Calling a program with one value per input (arrays of one shape, or
    floats) returns one value per expression. An expression that does not
    depend on the inputs comes back as a float, to be broadcast by the
    caller. Points outside an expression's domain give ``nan`` or ``inf``
    quietly: numpy's warnings are silenced while a program runs.

    Attributes
    ----------
    inputs : tuple of str
        Names of the inputs, in the order they are passed.
    slots : tuple
        Initial content of the slots: ``None`` for inputs and computed
        values, a float for constants.
    steps : tuple of (int, callable, tuple of int, tuple of int)
        Each step stores ``function(*slots[arguments])`` in its slot, then
        empties the slots that no later step reads, so that numpy can reuse
        their memory.
    outputs : tuple of int
        The slots holding the expressions' values.

    Examples
    --------
    >>> import numpy as np
    >>> x, y = sympy.symbols("x y")
    >>> program = compile_expressions([x**2 - y / 2, sympy.sin(x) ** 2], [x, y])
    >>> program.inputs, len(program.steps)
    (('x', 'y'), 5)
    >>> first, second = program(np.array([1.0, 2.0]), np.array([4.0, 0.0]))
    >>> first.tolist(), np.round(second, 4).tolist()
    ([-1.0, 4.0], [0.7081, 0.8268])

    """

    inputs: tuple[str, ...]
    slots: tuple[float | None, ...]
    steps: tuple[Step, ...]
    outputs: tuple[int, ...]

    def __call__(self, *values: Any) -> tuple[Any, ...]:
        """Evaluate the expressions at ``values``, one per input."""
        if len(values) != len(self.inputs):
            message = (
                f"the program takes {len(self.inputs)} inputs "
                f"({', '.join(self.inputs)}), got {len(values)}"
            )
            raise TypeError(message)
        slots: list[Any] = list(self.slots)
        slots[: len(values)] = values
        with np.errstate(all="ignore"):
            for slot, function, arguments, done in self.steps:
                slots[slot] = function(*[slots[i] for i in arguments])
                for i in done:
                    slots[i] = None
        # An expression that is just an input is copied, so that the caller
        # never holds its own array twice.
        inputs = len(self.inputs)
        return tuple(
            np.array(slots[i], dtype=float) if i < inputs else slots[i]
            for i in self.outputs
        )


def _as_expression(value: object) -> sympy.Expr:
    """Return a sympy expression or a plain number as sympy; refuse the rest."""
    if isinstance(value, sympy.Basic):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return sympy.Integer(value) if isinstance(value, int) else sympy.Float(value)
    message = f"expected a sympy expression or a number, got {value!r}"
    raise TypeError(message)


def compile_expressions(
    expressions: Iterable[sympy.Expr],
    inputs: Sequence[sympy.Symbol],
    *,
    max_steps: int | None = None,
) -> Program:
    """Compile sympy expressions into a :class:`Program` over ``inputs``.

    Parameters
    ----------
    expressions : iterable of sympy.Expr
        Built from numbers, the symbols of ``inputs``, ``+ - * / **`` and
        the elementary functions (trigonometric, hyperbolic and their
        inverses, ``exp``, ``log``, ``Abs``, ``sign``).
    inputs : sequence of sympy.Symbol
        The symbols whose values are passed when the program runs.
    max_steps : int, optional
        Most numpy operations allowed; more raise :class:`FormulaError`.

    Returns
    -------
    Program

    Raises
    ------
    FormulaError
        If an expression holds something else (another symbol, ``I``, an
        unevaluated derivative...), has a constant part that is not a finite
        real number (``log(-1)``), or needs too many steps.

    Examples
    --------
    >>> x = sympy.Symbol("x")
    >>> program = compile_expressions([sympy.exp(-x) / (1 + sympy.exp(-x)), 2], [x])
    >>> [float(v) for v in program(0.0)]
    [0.5, 2.0]

    """
    builder = _Builder(inputs, max_steps)
    outputs = tuple(builder.slot(_as_expression(e)) for e in expressions)
    names = tuple(symbol.name for symbol in inputs)
    steps = _with_releases(builder.steps, keep=set(outputs) | set(range(len(names))))
    return Program(names, tuple(builder.slots), steps, outputs)


def _with_releases(
    steps: Sequence[tuple[int, Callable[..., Any], tuple[int, ...]]], keep: set[int]
) -> tuple[Step, ...]:
    """Add to each step the computed slots read for the last time there."""
    last_read = {i: n for n, (_, _, arguments) in enumerate(steps) for i in arguments}
    computed = {slot for slot, _, _ in steps} - keep
    done: list[list[int]] = [[] for _ in steps]
    for slot in computed & last_read.keys():
        done[last_read[slot]].append(slot)
    return tuple(
        (slot, function, arguments, tuple(sorted(released)))
        for (slot, function, arguments), released in zip(steps, done, strict=True)
    )


class _Builder:
    """Emits the steps of a program, computing each subexpression once."""

    def __init__(self, inputs: Sequence[sympy.Symbol], max_steps: int | None) -> None:
        self.slots: list[float | None] = [None] * len(inputs)
        self.steps: list[tuple[int, Callable[..., Any], tuple[int, ...]]] = []
        self.constants: dict[int, float] = {}
        self.memo: dict[sympy.Expr, int] = {s: i for i, s in enumerate(inputs)}
        self.max_steps = max_steps

    def constant(self, value: float) -> int:
        """Return a new slot holding the constant ``value``."""
        self.slots.append(value)
        self.constants[len(self.slots) - 1] = value
        return len(self.slots) - 1

    def apply(self, function: Callable[..., Any], *arguments: int) -> int:
        """Return a slot for ``function(*arguments)``, computed now if constant."""
        if all(a in self.constants for a in arguments):
            with np.errstate(all="ignore"):
                return self.constant(
                    float(function(*map(self.constants.get, arguments)))
                )
        self.slots.append(None)
        self.steps.append((len(self.slots) - 1, function, arguments))
        if self.max_steps is not None and len(self.steps) > self.max_steps:
            message = (
                "formula too complex: evaluating it and its derivatives needs "
                f"more than {self.max_steps} operations"
            )
            raise FormulaError(message)
        return len(self.slots) - 1

    def slot(self, expression: sympy.Expr) -> int:
        """Return the slot of ``expression``, emitting its steps if needed."""
        if expression not in self.memo:
            slot = self.emit(expression)
            if not math.isfinite(self.constants.get(slot, 0.0)):
                raise _unevaluable(expression, "has no finite real value")
            self.memo[expression] = slot
        return self.memo[expression]

    def emit(self, expression: sympy.Expr) -> int:
        """Emit the steps computing ``expression``."""
        if expression.is_Number or expression.is_NumberSymbol:
            if not (expression.is_extended_real and expression.is_finite):
                raise _unevaluable(expression, "has no finite real value")
            exact = expression if expression.is_Float else expression.evalf(20)
            return self.constant(float(exact))
        if expression.is_Add:
            return self.sum(expression.args)
        if expression.is_Mul:
            return self.product(expression.args)
        if expression.is_Pow:
            return self.power(*expression.args)
        function = _UFUNCS.get(type(expression))
        if function is None or len(expression.args) != 1:
            raise _unevaluable(expression, "cannot be evaluated on real numbers")
        return self.apply(function, self.slot(expression.args[0]))

    def sum(self, terms: Sequence[sympy.Expr]) -> int:
        """Add the terms, subtracting those with a negative coefficient."""
        negated = [_negated(t) for t in terms]
        added = [t for t, n in zip(terms, negated, strict=True) if n is None]
        subtracted = [n for n in negated if n is not None]
        if added:
            result = self.slot(added[0])
            for term in added[1:]:
                result = self.apply(np.add, result, self.slot(term))
        else:
            result = self.apply(np.negative, self.slot(subtracted.pop(0)))
        for term in subtracted:
            result = self.apply(np.subtract, result, self.slot(term))
        return result

    def product(self, factors: Sequence[sympy.Expr]) -> int:
        """Multiply the factors, dividing by those with a negative exponent."""
        negate = sum(f == -1 for f in factors) % 2 == 1
        numerator, denominator = [], []
        for factor in factors:
            if factor == -1:
                continue
            if factor.is_Pow and factor.exp.is_Number and factor.exp.is_negative:
                denominator.append(_power(factor.base, -factor.exp))
            else:
                numerator.append(factor)
        result = self.chain(np.multiply, numerator) if numerator else None
        if denominator:
            below = self.chain(np.multiply, denominator)
            above = self.constant(1.0) if result is None else result
            result = self.apply(np.divide, above, below)
        if result is None:
            result = self.constant(1.0)
        return self.apply(np.negative, result) if negate else result

    def chain(self, function: Callable[..., Any], items: Sequence[sympy.Expr]) -> int:
        """Combine the items pairwise with a binary ufunc, left to right."""
        result = self.slot(items[0])
        for item in items[1:]:
            result = self.apply(function, result, self.slot(item))
        return result

    def power(self, base: sympy.Expr, exponent: sympy.Expr) -> int:
        """Emit ``base ** exponent``, spelling out squares, roots and reciprocals."""
        if base == sympy.E:
            return self.apply(np.exp, self.slot(exponent))
        if exponent.is_Number and exponent.is_negative:
            positive = self.slot(_power(base, -exponent))
            return self.apply(np.divide, self.constant(1.0), positive)
        if exponent == 1:
            return self.slot(base)
        if exponent.is_Number and float(exponent) == 0.5:
            return self.apply(np.sqrt, self.slot(base))
        if exponent.is_Number and float(exponent) == 2:
            return self.apply(np.square, self.slot(base))
        return self.apply(np.power, self.slot(base), self.slot(exponent))


def _negated(term: sympy.Expr) -> sympy.Expr | None:
    """Return ``-term`` if ``term`` has a negative coefficient, else None."""
    if term.is_Number and term.is_negative:
        return -term
    if not (term.is_Mul and term.args[0].is_Number and term.args[0].is_negative):
        return None
    coefficient, factors = -term.args[0], list(term.args[1:])
    if coefficient != 1:
        factors.insert(0, coefficient)
    return factors[0] if len(factors) == 1 else sympy.Mul(*factors, evaluate=False)


def _power(base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
    """Return ``base ** exponent`` as written, or ``base`` for an exponent of 1."""
    return base if exponent == 1 else sympy.Pow(base, exponent, evaluate=False)


def _unevaluable(expression: sympy.Expr, problem: str) -> FormulaError:
    """Build the error for a part of an expression that numpy cannot compute."""
    shown = str(expression)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    message = f"{shown!r} in the formula or its derivatives {problem}"
    return FormulaError(message)
