"""The numbers of a formula: typed literals, and the constants they fold into.

Typed numbers are bounded in size and digits. Every constant part of a
formula (``2^10``, ``sqrt(2)``, ``exp(-1)``) is replaced by its value as soon
as it is read: exactly for sums, products and integer powers of fractions,
numerically otherwise. A value that is undefined, complex or larger than
:data:`MAX_MAGNITUDE` is refused, so no later step meets a huge number or
computes with exact fractions of unbounded length.
"""

from __future__ import annotations

import re

import sympy

from lossviz_widgets.engine.formula_text import FormulaError

__all__ = ["MAX_DIGITS", "MAX_LITERAL", "MAX_MAGNITUDE", "fold", "gather", "literal"]

#: Largest number that may be typed, in absolute value.
MAX_LITERAL = 1e6
#: Most significant digits in a typed number.
MAX_DIGITS = 15
#: Largest magnitude of a number computed from a formula; an exact fraction
#: whose numerator or denominator is larger becomes a float.
MAX_MAGNITUDE = 10**100

_UNDEFINED = (sympy.nan, sympy.zoo, sympy.oo, -sympy.oo)


def literal(value: float | complex, text: str, column: int) -> sympy.Expr:
    """Return a typed number as an exact sympy number, within the bounds.

    Parameters
    ----------
    value : int, float or complex
        The number as Python read it.
    text : str
        The number as typed, e.g. ``"1e-3"``.
    column : int
        Where it was typed, for error messages.

    Examples
    --------
    >>> literal(0.1, "0.1", 0), literal(1000, "1_000", 0)
    (1/10, 1000)
    >>> try:
    ...     literal(1e7, "1e7", 4)
    ... except FormulaError as error:
    ...     print(str(error).split(";")[0])
    number '1e7' at column 4 is too large

    """
    if isinstance(value, complex):
        message = (
            f"imaginary number {text!r} at column {column} is not allowed; "
            "formulas are real-valued"
        )
        raise FormulaError(message, column)
    if any(c.isalpha() and c not in "eE" for c in text):
        message = f"number {text!r} at column {column} must be written in decimal"
        raise FormulaError(message, column)
    if not abs(value) <= MAX_LITERAL:
        message = (
            f"number {text!r} at column {column} is too large; typed numbers "
            "are at most 1e6 in absolute value (write 10**7 for more)"
        )
        raise FormulaError(message, column)
    digits = _significant_digits(text)
    if digits > MAX_DIGITS:
        message = (
            f"number {text!r} at column {column} has {digits} significant "
            f"digits; at most {MAX_DIGITS} are allowed"
        )
        raise FormulaError(message, column)
    if isinstance(value, int):
        return sympy.Integer(value)
    return sympy.Rational(repr(value))


def _significant_digits(text: str) -> int:
    """Count the significant digits of a typed number."""
    mantissa = re.split("[eE]", text)[0]
    return len(mantissa.replace("_", "").replace(".", "").strip("0"))


def gather(operation: type, items: list[sympy.Expr]) -> sympy.Expr:
    """Apply ``sympy.Add`` or ``sympy.Mul`` to ``items``, combining the numbers.

    Examples
    --------
    >>> x = sympy.Symbol("x")
    >>> with sympy.evaluate(False):
    ...     print(gather(sympy.Mul, [sympy.Integer(2), x, sympy.Rational(1, 4)]))
    x/2

    """
    with sympy.evaluate(True):
        number = operation(*(item for item in items if item.is_Number))
    if number.is_Rational and max(abs(number.p), number.q) > MAX_MAGNITUDE:
        number = sympy.Float(number, 15)
    others = [item for item in items if not item.is_Number]
    if number != operation.identity or not others:
        others.insert(0, number)
    return others[0] if len(others) == 1 else operation(*others)


def fold(result: sympy.Expr, text: str, column: int) -> sympy.Expr:
    """Check the numbers of ``result``, and replace it by its value if constant.

    ``result`` is one operation whose arguments have been folded already, so
    the work is a single step on numbers.

    Parameters
    ----------
    result : sympy.Expr
        The expression built for a part of the formula.
    text : str
        That part as typed.
    column : int
        Where it was typed, for error messages.

    Raises
    ------
    FormulaError
        If its value is undefined, complex or larger than
        :data:`MAX_MAGNITUDE`.

    Examples
    --------
    >>> with sympy.evaluate(False):
    ...     print(fold(sympy.Pow(2, 10), "2^10", 0), fold(sympy.sqrt(2), "sqrt(2)", 0))
    1024 1.41421356237310
    >>> try:
    ...     fold(sympy.log(0, evaluate=False), "log(0)", 3)
    ... except FormulaError as error:
    ...     print(error)
    'log(0)' at column 3 is undefined (infinite or 0/0)

    """
    if result.free_symbols:
        numbers = [arg for arg in result.args if arg.is_Number]
        if any(abs(number) > MAX_MAGNITUDE for number in numbers):
            raise FormulaError(_too_large(text, column), column)
        return result
    with sympy.evaluate(True):
        value = _exact(result)
        value = result.evalf(15) if value is None else value
        if value.has(*_UNDEFINED):
            message = f"{text!r} at column {column} is undefined (infinite or 0/0)"
            raise FormulaError(message, column)
        real, imaginary = value.as_real_imag()
    if imaginary != 0:
        message = f"{text!r} at column {column} is not a real number"
        raise FormulaError(message, column)
    if not real.is_Number or abs(real) > MAX_MAGNITUDE:
        raise FormulaError(_too_large(text, column), column)
    if real.is_Rational and max(abs(real.p), real.q) <= MAX_MAGNITUDE:
        return real
    return sympy.Float(real, 15)


def _exact(operation: sympy.Expr) -> sympy.Expr | None:
    """Compute a sum, product or integer power of exact fractions, else None."""
    if not all(arg.is_Rational for arg in operation.args):
        return None
    if operation.is_Add or operation.is_Mul:
        return operation.func(*operation.args)
    if operation.is_Pow and operation.exp.is_Integer:
        return operation.func(*operation.args)
    return None


def _too_large(text: str, column: int) -> str:
    """Say that a number built from the formula is too large."""
    return (
        f"{text!r} at column {column} is too large; numbers in a formula "
        "are at most 1e100 in absolute value"
    )
