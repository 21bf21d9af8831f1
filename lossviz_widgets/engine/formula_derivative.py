"""Exact derivatives of formulas, taken once per distinct subexpression.

``sympy.diff`` rebuilds and rescans its result at every level of an
expression and lets sympy simplify as it goes, which makes deep formulas
(power towers, nested hyperbolic functions) take seconds or minutes.
:func:`derivative` applies the same rules — sympy's own derivative of each
function, the product, power and chain rules — with sympy's automatic
evaluation turned off, and remembers the derivative of every subexpression
it meets, so shared parts are differentiated once. The derivative of
``sign`` is taken as 0, its value almost everywhere, where sympy would give
a ``DiracDelta``.
"""

from __future__ import annotations

from collections.abc import Iterable

import sympy

from lossviz_widgets.engine.formula_names import RealSign
from lossviz_widgets.engine.formula_text import FormulaError

__all__ = ["derivative", "expression_size"]

_FLAT = (sympy.sign, RealSign)


def derivative(
    expression: sympy.Expr,
    symbol: sympy.Symbol,
    memo: dict[sympy.Expr, sympy.Expr] | None = None,
) -> sympy.Expr:
    """Differentiate ``expression`` with respect to ``symbol``.

    Parameters
    ----------
    expression : sympy.Expr
        Built from numbers, symbols, sums, products, powers and functions of
        one or more arguments that sympy knows how to differentiate.
    symbol : sympy.Symbol
        The variable.
    memo : dict, optional
        Derivatives with respect to ``symbol`` already known, by
        subexpression; filled as the expression is walked. Pass one dict to
        several calls to share the work.

    Returns
    -------
    sympy.Expr
        Equal to ``sympy.diff(expression, symbol)``, except that the
        derivative of ``sign`` is 0, and left as built: sums and products of
        numbers are not carried out, zeros and ones are dropped.

    Raises
    ------
    FormulaError
        If a part of the expression cannot be differentiated.

    Examples
    --------
    >>> x, y = sympy.symbols("x y", real=True)
    >>> derivative(x**y * sympy.sin(x), x)
    x**y*cos(x) + x**(y - 1)*y*sin(x)
    >>> derivative(sympy.Abs(x - y), x), derivative(sympy.sign(x), x)
    (sign(x - y), 0)

    """
    memo = {} if memo is None else memo
    with sympy.evaluate(False):
        return _derivative(expression, symbol, memo)


def _derivative(expression: sympy.Expr, symbol: sympy.Symbol, memo: dict) -> sympy.Expr:
    """Return the memoised derivative of ``expression``."""
    if expression not in memo:
        memo[expression] = _rule(expression, symbol, memo)
    return memo[expression]


def _rule(expression: sympy.Expr, symbol: sympy.Symbol, memo: dict) -> sympy.Expr:
    """Apply the differentiation rule for the head of ``expression``."""
    if expression == symbol:
        return sympy.S.One
    if expression.is_Atom or isinstance(expression, _FLAT):
        return sympy.S.Zero
    if not (
        expression.is_Add
        or expression.is_Mul
        or expression.is_Pow
        or isinstance(expression, sympy.Function)
    ):
        shown = type(expression).__name__
        message = f"the formula cannot be differentiated: it holds {shown!r}"
        raise FormulaError(message)
    parts = [_derivative(arg, symbol, memo) for arg in expression.args]
    if expression.is_Add:
        return _sum(parts)
    if expression.is_Mul:
        factors = expression.args
        return _sum(
            [
                _product([*factors[:i], part, *factors[i + 1 :]])
                for i, part in enumerate(parts)
            ]
        )
    if expression.is_Pow:
        (base, exponent), (d_base, d_exponent) = expression.args, parts
        if d_exponent.is_zero:
            return _product([exponent, _power(base, _minus_one(exponent)), d_base])
        by_base = _product([exponent, d_base, _power(base, sympy.S.NegativeOne)])
        by_exponent = _product([d_exponent, sympy.log(base)])
        return _product([expression, _sum([by_exponent, by_base])])
    return _sum(
        [_product([expression.fdiff(i + 1), part]) for i, part in enumerate(parts)]
    )


def _sum(terms: list[sympy.Expr]) -> sympy.Expr:
    """Add the terms that are not zero, flattening sums into one."""
    terms = [a for t in terms for a in (t.args if t.is_Add else (t,))]
    terms = [t for t in terms if not (t.is_Number and t.is_zero)]
    if len(terms) < 2:
        return terms[0] if terms else sympy.S.Zero
    return sympy.Add(*terms)


def _product(factors: list[sympy.Expr]) -> sympy.Expr:
    """Multiply the factors that are not one (zero if one is zero), flattened."""
    factors = [a for f in factors for a in (f.args if f.is_Mul else (f,))]
    if any(f.is_Number and f.is_zero for f in factors):
        return sympy.S.Zero
    factors = [f for f in factors if f != 1]
    if len(factors) < 2:
        return factors[0] if factors else sympy.S.One
    return sympy.Mul(*factors)


def _power(base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
    """Raise to a power, without writing a power of one."""
    return base if exponent == 1 else sympy.Pow(base, exponent)


def _minus_one(exponent: sympy.Expr) -> sympy.Expr:
    """Return ``exponent - 1``, computed when the exponent is a number."""
    if exponent.is_Number:
        with sympy.evaluate(True):
            return exponent - 1
    return sympy.Add(exponent, sympy.S.NegativeOne)


def expression_size(expressions: Iterable[sympy.Expr], limit: int | None = None) -> int:
    """Count the operands in ``expressions``, each distinct subexpression once.

    This is about the number of numpy operations needed to evaluate them.
    Counting stops early once it passes ``limit``.

    Examples
    --------
    >>> x, y = sympy.symbols("x y")
    >>> expression_size([sympy.sin(x * y) + x * y])
    5
    """
    seen: set[sympy.Expr] = set()
    stack = list(expressions)
    size = 0
    while stack and (limit is None or size <= limit):
        expression = stack.pop()
        if expression not in seen:
            seen.add(expression)
            size += len(expression.args)
            stack.extend(expression.args)
    return size
