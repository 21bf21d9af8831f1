"""Exact derivatives of formulas, one rule per kind of expression."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from lossviz_widgets.engine.formula import FormulaError, parse_formula
from lossviz_widgets.engine.formula_derivative import derivative, expression_size
from lossviz_widgets.engine.formula_eval import compile_expressions
from lossviz_widgets.engine.formula_names import make_symbols

X, Y = make_symbols()["x"], make_symbols()["y"]


@pytest.mark.parametrize(
    "text",
    [
        "sin(x)*cos(y) + 0.1*(x**2 + y**2)",
        "x**y + y**x",
        "exp(x*exp(y*exp(x)))",
        "log(1 + x**2)/(1 + y**2)**3",
        "atan(x/y) + acosh(x**2 + 2) + tan(x*y)",
        "(x + y)**(x - y)",
    ],
)
def test_derivative_agrees_with_sympy_diff(text):
    f = parse_formula(text)
    pairs = [(derivative(f, s), sympy.diff(f, s)) for s in (X, Y)]
    pairs += [(derivative(derivative(f, X), Y), sympy.diff(f, X, Y))]
    program = compile_expressions([e for pair in pairs for e in pair], [X, Y])
    rng = np.random.default_rng(4)
    x, y = rng.uniform(0.1, 2.0, size=(2, 25))

    values = program(x, y)
    for mine, theirs in zip(values[::2], values[1::2], strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12)


def test_derivative_of_sign_is_zero_and_work_is_shared():
    memo: dict = {}
    first = derivative(sympy.sin(X) * sympy.sign(X * Y), X, memo)

    assert first.doit() == sympy.cos(X) * sympy.sign(X * Y)
    assert sympy.sin(X) in memo
    assert derivative(sympy.sin(X) + X, X, memo).doit() == sympy.cos(X) + 1


def test_derivative_refuses_what_it_cannot_differentiate():
    unknown = sympy.Derivative(sympy.Function("g")(X), X)

    with pytest.raises(
        FormulaError,
        match=r"the formula cannot be differentiated: it holds 'Derivative'",
    ):
        derivative(unknown, X)


def test_expression_size_counts_shared_parts_once_and_stops_early():
    shared = sympy.sin(X * Y)

    assert expression_size([shared + 1, shared * 2]) == 2 + 2 + 1 + 2
    waves = sympy.Add(*(sympy.sin(i * X) for i in range(1, 100)))
    assert 10 < expression_size([waves], limit=10) < expression_size([waves])
