"""The whitelist of formulas: which numbers and operations become sympy objects.

A parsed formula (see :mod:`lossviz_widgets.engine.formula_text`) is walked
node by node. Numbers, the names of :mod:`~lossviz_widgets.engine.formula_names`,
``+ - * / **`` and calls of whitelisted functions become sympy objects;
every other node is refused with its column. Sizes are bounded as the tree
is walked (parts, nesting, typed numbers, exponents and the constants they
fold into) so that nothing accepted can take long to build or differentiate.

The expression is built as typed, with sympy's automatic evaluation turned
off: on some formulas (nested hyperbolic functions, say) sympy's questions
about signs and reality take minutes. Each constant part is replaced by its
value instead (see :mod:`~lossviz_widgets.engine.formula_numbers`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping

import sympy

from lossviz_widgets.engine.formula_names import CONSTANTS, FUNCTIONS
from lossviz_widgets.engine.formula_numbers import fold, gather, literal
from lossviz_widgets.engine.formula_text import FormulaError, FormulaSource

__all__ = ["MAX_DEPTH", "MAX_EXPONENT", "MAX_PARTS", "translate"]

#: Most numbers, names and operations in a formula.
MAX_PARTS = 400
#: Deepest nesting of calls, powers and operations; a chain such as
#: ``a + b - c`` or ``a * b / c`` is one level.
MAX_DEPTH = 20
#: Largest constant exponent, in absolute value.
MAX_EXPONENT = 20

_REFUSED = {
    ast.Attribute: "attribute access",
    ast.BoolOp: "'and' and 'or'",
    ast.Compare: "a comparison",
    ast.GeneratorExp: "a generator expression",
    ast.IfExp: "a conditional expression",
    ast.Starred: "unpacking with *",
    ast.Tuple: "a tuple (commas only separate the arguments of a function)",
}


def translate(
    source: FormulaSource,
    symbols: Mapping[str, sympy.Symbol],
    check_time: Callable[[str], None] = lambda stage: None,
) -> sympy.Expr:
    """Build the sympy expression of a parsed formula, refusing what is not allowed.

    Parameters
    ----------
    source : FormulaSource
        The formula read by :func:`~lossviz_widgets.engine.formula_text.read_formula`.
    symbols : mapping of str to sympy.Symbol
        The names allowed besides the constants: ``x``, ``y`` and parameters.
    check_time : callable, optional
        Called with a stage name between steps; raises when time is up.

    Returns
    -------
    sympy.Expr

    Raises
    ------
    FormulaError
        At the first part of the formula that is not allowed.

    Examples
    --------
    >>> from lossviz_widgets.engine.formula_names import make_symbols
    >>> from lossviz_widgets.engine.formula_text import read_formula
    >>> translate(read_formula("x^2 - 3*y/2"), make_symbols())
    x**2 - 3*y/2

    """
    parts = sum(isinstance(node, ast.expr) for node in ast.walk(source.tree))
    if parts > MAX_PARTS:
        message = (
            f"formula has {parts} parts (numbers, names and operations); "
            f"at most {MAX_PARTS} are allowed"
        )
        raise FormulaError(message)
    with sympy.evaluate(False):
        return _Translator(source, symbols, check_time).expression(source.tree.body, 1)


def _chain(node: ast.expr, kinds: tuple[type, ...]) -> list[tuple[object, ast.expr]]:
    """Operands of a left-leaning chain of operators ``kinds``, with their operator."""
    items: list[tuple[object, ast.expr]] = []
    while isinstance(node, ast.BinOp) and isinstance(node.op, kinds):
        items.append((node.op, node.right))
        node = node.left
    items.append((None, node))
    return items[::-1]


class _Translator:
    """Walks a formula's syntax tree and builds its sympy expression."""

    def __init__(
        self,
        source: FormulaSource,
        symbols: Mapping[str, sympy.Symbol],
        check_time: Callable[[str], None],
    ) -> None:
        self.source = source
        self.symbols = symbols
        self.check_time = check_time

    def expression(self, node: ast.expr, depth: int) -> sympy.Expr:
        """Translate ``node``, found ``depth`` levels deep."""
        column = self.source.start(node)
        if depth > MAX_DEPTH:
            message = (
                f"formula is nested more than {MAX_DEPTH} levels deep "
                f"at column {column}"
            )
            raise FormulaError(message, column)
        self.check_time("reading the formula")
        if isinstance(node, ast.Constant):
            return self.number(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            result = -self.expression(node.operand, depth + 1)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd):
            result = self.expression(node.operand, depth + 1)
        elif isinstance(node, ast.BinOp):
            result = self.operation(node, depth)
        elif isinstance(node, ast.Call):
            result = self.call(node, depth)
        else:
            raise self.refusal(node)
        return self.settle(result, node)

    def refusal(self, node: ast.expr) -> FormulaError:
        """Build the error for a kind of node that formulas do not have."""
        column = self.source.start(node)
        if isinstance(node, ast.Attribute):
            dot = self.source.code.index(".", node.value.end_col_offset or 0)
            column = self.source.column(dot)
        what = _REFUSED.get(type(node))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            what = "'not'"
        if what is None:
            what = repr(self.source.excerpt(node))
        message = (
            f"{what} at column {column} is not allowed; a formula uses numbers, "
            "x, y, pi, e, parameters, + - * / ^ and functions such as sin(x)"
        )
        return FormulaError(message, column)

    def number(self, node: ast.Constant) -> sympy.Expr:
        """Translate a typed number, within the bounds on size and digits."""
        if isinstance(node.value, bool) or not isinstance(
            node.value, int | float | complex
        ):
            raise self.refusal(node)
        return literal(node.value, self.source.excerpt(node), self.source.start(node))

    def name(self, node: ast.Name) -> sympy.Expr:
        """Translate a variable, a parameter or a constant."""
        name, column = node.id, self.source.start(node)
        if name in self.symbols:
            return self.symbols[name]
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in FUNCTIONS:
            message = (
                f"function {name!r} at column {column} needs an argument in "
                f"parentheses, like {name}(x)"
            )
            raise FormulaError(message, column)
        names = ["x", "y", "pi", "e"]
        parameters = [n for n in self.symbols if n not in ("x", "y")]
        if parameters:
            kind = "parameters" if len(parameters) > 1 else "parameter"
            allowed = f"{', '.join(names)} or the {kind} {', '.join(parameters)}"
        else:
            allowed = f"{', '.join(names[:-1])} or {names[-1]}"
        message = f"name {name!r} at column {column} is not allowed; use {allowed}"
        lowered = name.lower()
        if lowered != name and (lowered in self.symbols or lowered in CONSTANTS):
            message += " (names are case-sensitive)"
        raise FormulaError(message, column)

    def operation(self, node: ast.BinOp, depth: int) -> sympy.Expr:
        """Translate a sum, a product or a power; a chain is one level."""
        if isinstance(node.op, ast.Add | ast.Sub):
            terms = []
            for op, operand in _chain(node, (ast.Add, ast.Sub)):
                term = self.expression(operand, depth + 1)
                terms.append(-term if isinstance(op, ast.Sub) else term)
            return gather(sympy.Add, terms)
        if isinstance(node.op, ast.Mult | ast.Div):
            factors = []
            for op, operand in _chain(node, (ast.Mult, ast.Div)):
                factor = self.expression(operand, depth + 1)
                if isinstance(op, ast.Div):
                    factor = self.reciprocal(factor, operand)
                factors.append(factor)
            return gather(sympy.Mul, factors)
        if isinstance(node.op, ast.Pow):
            return self.power(node, depth)
        start = node.left.end_col_offset or node.left.col_offset
        between = self.source.code[start : node.right.col_offset]
        symbol = between.strip().strip("()").strip()
        column = self.source.column(start + between.find(symbol))
        message = (
            f"operator {symbol!r} at column {column} is not allowed; use + - * / ^"
        )
        raise FormulaError(message, column)

    def reciprocal(self, divisor: sympy.Expr, node: ast.expr) -> sympy.Expr:
        """Return ``1 / divisor``, refusing a division by a constant zero."""
        if divisor.is_Number and divisor.is_zero:
            column = self.source.start(node)
            excerpt = self.source.excerpt(node)
            message = f"division by zero at column {column}: {excerpt!r} is 0"
            raise FormulaError(message, column)
        if divisor.is_Number:
            with sympy.evaluate(True):
                return 1 / divisor
        return sympy.Pow(divisor, -1)

    def power(self, node: ast.BinOp, depth: int) -> sympy.Expr:
        """Translate ``base ** exponent``, bounding a constant exponent."""
        base = self.expression(node.left, depth + 1)
        exponent = self.expression(node.right, depth + 1)
        if not exponent.free_symbols and abs(float(exponent)) > MAX_EXPONENT:
            column = self.source.start(node.right)
            message = (
                f"exponent {self.source.excerpt(node.right)!r} at column {column} "
                f"is too large; constant exponents are at most {MAX_EXPONENT} "
                "in absolute value"
            )
            raise FormulaError(message, column)
        if base == sympy.E:
            return sympy.exp(exponent)
        return sympy.Pow(base, exponent)

    def call(self, node: ast.Call, depth: int) -> sympy.Expr:
        """Translate a whitelisted function applied to one argument."""
        column = self.source.start(node)
        function = node.func
        if not isinstance(function, ast.Name):
            self.expression(function, depth + 1)
            message = (
                f"{self.source.excerpt(function)!r} at column {column} cannot be "
                "called like a function; write a product with *"
            )
            raise FormulaError(message, column)
        name = function.id
        if name in self.symbols or name in CONSTANTS:
            message = (
                f"{name!r} at column {column} is not a function; "
                f"write a product with *, like {name}*(x + 1)"
            )
            raise FormulaError(message, column)
        if name not in FUNCTIONS:
            known = ", ".join(FUNCTIONS)
            message = (
                f"function {name!r} at column {column} is not allowed; "
                f"the functions are {known}"
            )
            raise FormulaError(message, column)
        if node.keywords or len(node.args) != 1:
            count = len(node.args) + len(node.keywords)
            message = (
                f"{name}() at column {column} takes one argument without a name, "
                f"got {count}"
            )
            raise FormulaError(message, column)
        return FUNCTIONS[name](self.expression(node.args[0], depth + 1))

    def settle(self, result: sympy.Expr, node: ast.expr) -> sympy.Expr:
        """Check the numbers of ``result``; return its value if it is constant."""
        if result.is_Atom:
            return result
        return fold(result, self.source.excerpt(node), self.source.start(node))
