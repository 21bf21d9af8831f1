"""Numpy programs computing sympy expressions, without generated code."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from lossviz_widgets.engine.formula import FormulaError
from lossviz_widgets.engine.formula_eval import compile_expressions
from lossviz_widgets.engine.formula_names import make_symbols

X, Y = make_symbols()["x"], make_symbols()["y"]


def test_programs_match_numpy_on_sums_products_and_powers():
    expressions = [
        -X - Y,
        X / Y / 2,
        1 / X,
        X**-2,
        sympy.sqrt(X),
        X ** sympy.Rational(-1, 2),
        X**3,
        3 - X,
    ]
    program = compile_expressions(expressions, [X, Y])
    x, y = np.array([0.5, 2.0, 3.0]), np.array([1.5, -1.0, 4.0])

    expected = [
        -x - y,
        x / y / 2,
        1 / x,
        x**-2.0,
        np.sqrt(x),
        1 / np.sqrt(x),
        x**3,
        3 - x,
    ]
    for value, reference in zip(program(x, y), expected, strict=True):
        np.testing.assert_allclose(value, reference, rtol=1e-15)


def test_programs_compute_constants_once_and_share_subexpressions():
    program = compile_expressions([sympy.sin(X) * sympy.exp(2), sympy.sin(X) + 1], [X])

    assert [step[1] for step in program.steps] == [np.sin, np.multiply, np.add]
    first, second = program(np.array([0.0, 1.0]))
    np.testing.assert_allclose(first, np.sin([0.0, 1.0]) * np.exp(2))
    np.testing.assert_allclose(second, np.sin([0.0, 1.0]) + 1)


@pytest.mark.parametrize(
    ("expression", "match"),
    [
        (
            sympy.I * X,
            r"'I' in the formula or its derivatives cannot be evaluated on real",
        ),
        (sympy.Heaviside(X), r"'Heaviside\(x\)' in the formula"),
        (sympy.Symbol("z") + X, r"'z' in the formula"),
        (
            sympy.Function("g")(*[X] * 30),
            r"'g\(x, x, x, x, x, x, x, x, x, x, x, x,\.\.\.' in the",
        ),
    ],
    ids=["imaginary", "heaviside", "unknown-symbol", "long-expression"],
)
def test_programs_refuse_what_numpy_cannot_compute(expression, match):
    with pytest.raises(FormulaError, match=match):
        compile_expressions([expression], [X])


def test_programs_stop_at_max_steps():
    with pytest.raises(FormulaError, match=r"needs more than 3 operations"):
        compile_expressions(
            [sympy.sin(sympy.cos(sympy.tan(sympy.exp(X))))], [X], max_steps=3
        )


def test_programs_check_their_inputs():
    program = compile_expressions([X * Y], [X, Y])

    with pytest.raises(TypeError, match=r"the program takes 2 inputs \(x, y\), got 1"):
        program(np.ones(3))


def test_programs_refuse_constants_without_a_finite_value():
    with sympy.evaluate(False):
        expression = sympy.log(-2) * X + sympy.Integer(1) / 3

    with pytest.raises(
        FormulaError,
        match=r"'log\(-2\)' in the formula or its derivatives has no finite",
    ):
        compile_expressions([expression], [X])


def test_programs_never_parse_strings():
    with pytest.raises(TypeError, match="expected a sympy expression or a number"):
        compile_expressions(["x + 1"], [X])


def test_programs_accept_expressions_left_unevaluated():
    with sympy.evaluate(False):
        expression = (X * 2 * Y - 3 * X) / (X**1 * 4) + sympy.exp(X) ** 2 - -X

    program = compile_expressions([expression], [X, Y])
    x, y = np.array([0.5, 2.0]), np.array([1.0, -3.0])
    expected = (x * 2 * y - 3 * x) / (x * 4) + np.exp(x) ** 2 + x
    np.testing.assert_allclose(program(x, y)[0], expected, rtol=1e-14)
