"""The names a formula may use: variables, constants, parameters and functions.

``x`` and ``y`` are the variables, ``pi`` and ``e`` the constants, and the
functions are those of :data:`FUNCTIONS`, each of one argument. Parameter
names are chosen by whoever builds the surface and must not clash with
these. Every name stands for a real number, so that whatever sympy
simplifies needs no complex branches.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Iterable, Mapping

import sympy

from lossviz_widgets.engine.formula_text import FormulaError

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "RealAbs",
    "RealSign",
    "check_parameter_names",
    "make_symbols",
]

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


class RealAbs(sympy.Function):
    """``|u|`` for real ``u``, whose derivative is ``sign(u)`` almost everywhere.

    sympy's ``Abs`` differentiates to expressions in ``re`` and ``im`` when it
    cannot prove its argument real, and ``sign`` to a ``DiracDelta``; neither
    can be evaluated on arrays.

    Examples
    --------
    >>> x = sympy.Symbol("x", real=True)
    >>> RealAbs(sympy.log(x)).diff(x)
    sign(log(x))/x
    >>> RealAbs(-3)
    3

    """

    @classmethod
    def eval(cls, arg: sympy.Expr) -> sympy.Expr | None:
        """Simplify numbers and arguments of known sign."""
        if arg.is_Number:
            return abs(arg)
        if arg.is_extended_nonnegative:
            return arg
        if arg.is_extended_nonpositive:
            return -arg
        return None

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        """Return the derivative with respect to the argument: its sign."""
        return RealSign(self.args[0])

    def _eval_evalf(self, prec: int) -> sympy.Expr | None:
        argument = self.args[0]._evalf(prec)
        return abs(argument) if argument.is_Number else None

    def _eval_is_extended_real(self) -> bool | None:
        return self.args[0].is_extended_real

    def _sympystr(self, printer: sympy.printing.str.StrPrinter) -> str:
        return f"abs({printer._print(self.args[0])})"


class RealSign(sympy.Function):
    """The sign of a real ``u``, whose derivative is 0 almost everywhere.

    Examples
    --------
    >>> x = sympy.Symbol("x", real=True)
    >>> RealSign(x**2 + 1), RealSign(x).diff(x)
    (1, 0)

    """

    @classmethod
    def eval(cls, arg: sympy.Expr) -> sympy.Expr | None:
        """Simplify numbers and arguments of known sign."""
        if arg.is_Number or arg.is_extended_positive or arg.is_extended_negative:
            return sympy.sign(arg)
        return None

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        """Return the derivative with respect to the argument: zero."""
        return sympy.S.Zero

    def _eval_evalf(self, prec: int) -> sympy.Expr | None:
        argument = self.args[0]._evalf(prec)
        return sympy.sign(argument) if argument.is_Number else None

    def _eval_is_extended_real(self) -> bool | None:
        return self.args[0].is_extended_real

    def _sympystr(self, printer: sympy.printing.str.StrPrinter) -> str:
        return f"sign({printer._print(self.args[0])})"


def _sigmoid(u: sympy.Expr) -> sympy.Expr:
    """Return the logistic function ``1 / (1 + exp(-u))``, as written."""
    negated = sympy.Mul(sympy.S.NegativeOne, u, evaluate=False)
    return sympy.Pow(
        sympy.Add(1, sympy.exp(negated, evaluate=False), evaluate=False),
        -1,
        evaluate=False,
    )


def _logarithm(base: int) -> Callable[[sympy.Expr], sympy.Expr]:
    """Return the logarithm in ``base``, as ``log(u) / log(base)``."""

    def logarithm(u: sympy.Expr) -> sympy.Expr:
        inverse = sympy.Pow(sympy.log(base, evaluate=False), -1, evaluate=False)
        return sympy.Mul(sympy.log(u, evaluate=False), inverse, evaluate=False)

    return logarithm


#: Functions a formula may call, each with one argument, by the name typed.
FUNCTIONS: Mapping[str, Callable[[sympy.Expr], sympy.Expr]] = {
    "abs": RealAbs,
    "acos": sympy.acos,
    "acosh": sympy.acosh,
    "arccos": sympy.acos,
    "arccosh": sympy.acosh,
    "arcsin": sympy.asin,
    "arcsinh": sympy.asinh,
    "arctan": sympy.atan,
    "arctanh": sympy.atanh,
    "asin": sympy.asin,
    "asinh": sympy.asinh,
    "atan": sympy.atan,
    "atanh": sympy.atanh,
    "cos": sympy.cos,
    "cosh": sympy.cosh,
    "exp": sympy.exp,
    "log": sympy.log,
    "log10": _logarithm(10),
    "log2": _logarithm(2),
    "sigmoid": _sigmoid,
    "sin": sympy.sin,
    "sinh": sympy.sinh,
    "sqrt": sympy.sqrt,
    "tan": sympy.tan,
    "tanh": sympy.tanh,
}

#: Named constants a formula may use.
CONSTANTS: Mapping[str, sympy.Expr] = {"pi": sympy.pi, "e": sympy.E}


def make_symbols(parameters: Iterable[str] = ()) -> dict[str, sympy.Symbol]:
    """Real sympy symbols for ``x``, ``y`` and each parameter, by name.

    Examples
    --------
    >>> symbols = make_symbols(["a"])
    >>> list(symbols), symbols["a"].is_real
    (['x', 'y', 'a'], True)

    """
    names = ("x", "y", *parameters)
    return {name: sympy.Symbol(name, real=True) for name in names}


def check_parameter_names(names: Iterable[str]) -> tuple[str, ...]:
    """Return parameter names as a tuple, refusing any a formula could not use.

    A name is ASCII letters, digits and underscores starting with a letter,
    and is not ``x``, ``y``, a constant, a function or a Python keyword.

    Examples
    --------
    >>> check_parameter_names(["a", "width"])
    ('a', 'width')
    >>> try:
    ...     check_parameter_names(["sin"])
    ... except FormulaError as error:
    ...     print(error)
    parameter name 'sin' is the name of a function; choose another name

    """
    if isinstance(names, str):
        message = f"params must be a sequence of names, got the string {names!r}"
        raise TypeError(message)
    checked: list[str] = []
    for name in names:
        if not isinstance(name, str):
            message = f"parameter names must be strings, got {name!r}"
            raise TypeError(message)
        taken = _taken_by(name)
        if taken is None and name in checked:
            taken = "declared twice"
        if taken:
            message = f"parameter name {name!r} is {taken}; choose another name"
            raise FormulaError(message)
        checked.append(name)
    return tuple(checked)


def _taken_by(name: str) -> str | None:
    """Why ``name`` cannot name a parameter, or ``None`` if it can."""
    if not _NAME.match(name):
        return "not allowed: use ASCII letters, digits and _, starting with a letter"
    if name in ("x", "y"):
        return "a variable of the surface"
    if name in CONSTANTS:
        return "the name of a constant"
    if name in FUNCTIONS:
        return "the name of a function"
    if keyword.iskeyword(name):
        return "a Python keyword"
    return None
