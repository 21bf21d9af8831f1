"""Surfaces from typed formulas: values, exact derivatives, parameters, errors."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from lossviz_widgets.engine import formula
from lossviz_widgets.engine.formula import (
    FormulaError,
    parse_formula,
    surface_from_formula,
)
from lossviz_widgets.engine.formula_names import (
    FUNCTIONS,
    RealAbs,
    check_parameter_names,
    make_symbols,
)
from lossviz_widgets.engine.surface import Parameter, Surface

DOMAIN = ((-2.0, 2.0), (-2.0, 2.0))
X, Y = make_symbols()["x"], make_symbols()["y"]


def random_points(count: int = 25, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    points = rng.uniform(-2.0, 2.0, size=(count, 2))
    return points[:, 0], points[:, 1]


def central_gradient(surface: Surface, x, y, h: float = 1e-6) -> np.ndarray:
    gx = (surface.value(x + h, y) - surface.value(x - h, y)) / (2 * h)
    gy = (surface.value(x, y + h) - surface.value(x, y - h)) / (2 * h)
    return np.stack([gx, gy], axis=-1)


def central_hessian(surface: Surface, x, y, h: float = 1e-6) -> np.ndarray:
    """Central differences of the exact gradient."""
    dx = (surface.grad(x + h, y) - surface.grad(x - h, y)) / (2 * h)
    dy = (surface.grad(x, y + h) - surface.grad(x, y - h)) / (2 * h)
    return np.stack([dx, dy], axis=-2)


def sigmoid(u):
    return 1 / (1 + np.exp(-u))


# id, formula, the same in numpy, parameters, points to avoid (kinks)
VALID = [
    (
        "course",
        "sin(x)*cos(y) + 0.1*(x**2 + y**2)",
        lambda x, y: np.sin(x) * np.cos(y) + 0.1 * (x**2 + y**2),
        None,
    ),
    (
        "multi-frequency-waves",
        "sin(3*x)*cos(y) + 0.5*sin(x)*cos(2*y)",
        lambda x, y: np.sin(3 * x) * np.cos(y) + 0.5 * np.sin(x) * np.cos(2 * y),
        None,
    ),
    ("saddle-with-caret", "x^2 - y^2", lambda x, y: x**2 - y**2, None),
    (
        "parameters",
        "a*x**2 + b*y**2 + a*b*x*y",
        lambda x, y: 2.0 * x**2 + 0.5 * y**2 + 1.0 * x * y,
        {"a": 2.0, "b": (0.5, 0.0, 1.0)},
    ),
    (
        "abs",
        "abs(x - 1) + abs(x*y) + y^2",
        lambda x, y: np.abs(x - 1) + np.abs(x * y) + y**2,
        None,
    ),
    ("constant-in-y", "x**3 - 2*x", lambda x, y: x**3 - 2 * x, None),
    ("log", "log(x**2 + 1)", lambda x, y: np.log(x**2 + 1), None),
    (
        "rosenbrock",
        "(1 - x)^2 + 100*(y - x^2)^2",
        lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
        None,
    ),
    (
        "division",
        "x / (2 + sin(y)) - 1/(1 + x**2 + y**2)**2",
        lambda x, y: x / (2 + np.sin(y)) - 1 / (1 + x**2 + y**2) ** 2,
        None,
    ),
    (
        "variable-exponent",
        "(x**2 + 1)**y + 2^x",
        lambda x, y: (x**2 + 1) ** y + 2**x,
        None,
    ),
    (
        "roots-and-logs",
        "sqrt(x**2 + y**2 + 1) + log10(x**2 + 1) + log2(y**2 + 2)",
        lambda x, y: np.sqrt(x**2 + y**2 + 1) + np.log10(x**2 + 1) + np.log2(y**2 + 2),
        None,
    ),
    (
        "inverse-trigonometric",
        "atan(x*y) + asin(tanh(x)) + arccos(tanh(y)) + arctan(y)",
        lambda x, y: (
            np.arctan(x * y)
            + np.arcsin(np.tanh(x))
            + np.arccos(np.tanh(y))
            + np.arctan(y)
        ),
        None,
    ),
    (
        "hyperbolic",
        "sinh(x/2) + cosh(y/2) + asinh(x) + acosh(y^2 + 2) + atanh(tanh(x)/2)",
        lambda x, y: (
            np.sinh(x / 2)
            + np.cosh(y / 2)
            + np.arcsinh(x)
            + np.arccosh(y**2 + 2)
            + np.arctanh(np.tanh(x) / 2)
        ),
        None,
    ),
    (
        "sigmoid-and-tan",
        "sigmoid(2*x - y) + tan(x/4)*exp(-y^2)",
        lambda x, y: sigmoid(2 * x - y) + np.tan(x / 4) * np.exp(-(y**2)),
        None,
    ),
    (
        "constants",
        "e**(x/pi) - e*pi*y",
        lambda x, y: np.e ** (x / np.pi) - np.e * np.pi * y,
        None,
    ),
]


def valid_surface(text: str, params) -> Surface:
    return surface_from_formula(text, domain=DOMAIN, params=params)


@pytest.mark.parametrize(
    ("text", "reference", "params"), [v[1:] for v in VALID], ids=[v[0] for v in VALID]
)
def test_value_matches_numpy(text, reference, params):
    x, y = random_points()
    surface = valid_surface(text, params)

    np.testing.assert_allclose(
        surface.value(x, y), reference(x, y), rtol=1e-12, atol=1e-12
    )


@pytest.mark.parametrize(
    ("text", "reference", "params"), [v[1:] for v in VALID], ids=[v[0] for v in VALID]
)
def test_gradient_matches_central_differences(text, reference, params):
    x, y = random_points(seed=1)
    surface = valid_surface(text, params)

    scale = 1 + np.max(np.abs(surface.value(x, y)))
    np.testing.assert_allclose(
        surface.grad(x, y),
        central_gradient(surface, x, y),
        rtol=1e-6,
        atol=1e-7 * scale,
    )


@pytest.mark.parametrize(
    ("text", "reference", "params"), [v[1:] for v in VALID], ids=[v[0] for v in VALID]
)
def test_hessian_matches_central_differences(text, reference, params):
    x, y = random_points(seed=2)
    surface = valid_surface(text, params)

    hessian = surface.hessian(x, y)
    scale = 1 + np.max(np.abs(surface.grad(x, y)))
    np.testing.assert_allclose(
        hessian, central_hessian(surface, x, y), rtol=1e-6, atol=1e-7 * scale
    )
    np.testing.assert_array_equal(hessian[..., 0, 1], hessian[..., 1, 0])


# -- published values -----------------------------------------------------

KNOWN_VALUES = [
    # id, formula, point, value, tolerance
    (
        "course-waves",
        "sin(x)*cos(y) + 0.1*(x**2 + y**2)",
        (1.0, 1.0),
        0.6546487134128409,
        1e-15,
    ),
    ("rosenbrock-minimum", "(1 - x)^2 + 100*(y - x^2)^2", (1.0, 1.0), 0.0, 0.0),
    ("himmelblau-minimum", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", (3.0, 2.0), 0.0, 0.0),
    (
        "himmelblau-other-minimum",
        "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        (-2.805118, 3.131313),
        0.0,
        1e-8,
    ),
    (
        "himmelblau-maximum",
        "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        (-0.270845, -0.923039),
        181.6165,
        1e-4,
    ),
    (
        "six-hump-camel",
        "(4 - 2.1*x^2 + x^4/3)*x^2 + x*y + (-4 + 4*y^2)*y^2",
        (0.089842, -0.712656),
        -1.0316284535,
        1e-8,
    ),
    (
        "beale",
        "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2",
        (3.0, 0.5),
        0.0,
        0.0,
    ),
    ("booth", "(x + 2*y - 7)^2 + (2*x + y - 5)^2", (1.0, 3.0), 0.0, 0.0),
    (
        "goldstein-price",
        "(1 + (x + y + 1)^2*(19 - 14*x + 3*x^2 - 14*y + 6*x*y + 3*y^2))"
        "*(30 + (2*x - 3*y)^2*(18 - 32*x + 12*x^2 + 48*y - 36*x*y + 27*y^2))",
        (0.0, -1.0),
        3.0,
        1e-12,
    ),
    (
        "rastrigin",
        "20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)",
        (0.0, 0.0),
        0.0,
        0.0,
    ),
    (
        "styblinski-tang",
        "(x^4 - 16*x^2 + 5*x + y^4 - 16*y^2 + 5*y)/2",
        (-2.903534, -2.903534),
        2 * -39.166166,
        1e-5,
    ),
]


@pytest.mark.parametrize(
    ("text", "point", "expected", "tolerance"),
    [v[1:] for v in KNOWN_VALUES],
    ids=[v[0] for v in KNOWN_VALUES],
)
def test_published_values(text, point, expected, tolerance):
    surface = surface_from_formula(text, domain=((-5, 5), (-5, 5)))

    assert float(surface.value(*point)) == pytest.approx(expected, abs=tolerance)


def test_rosenbrock_hessian_at_its_minimum_is_exact():
    surface = surface_from_formula("(1 - x)^2 + 100*(y - x^2)^2", domain=DOMAIN)

    assert surface.grad(1.0, 1.0).tolist() == [0.0, 0.0]
    assert surface.hessian(1.0, 1.0).tolist() == [[802.0, -400.0], [-400.0, 200.0]]
    eigenvalues = np.linalg.eigvalsh(surface.hessian(1.0, 1.0))
    np.testing.assert_allclose(eigenvalues, [0.399361, 1001.600639], atol=1e-6)


def test_styblinski_tang_minimum_is_stationary():
    surface = surface_from_formula(
        "(x^4 - 16*x^2 + 5*x + y^4 - 16*y^2 + 5*y)/2", domain=DOMAIN
    )

    np.testing.assert_allclose(
        surface.grad(-2.903534, -2.903534), [0.0, 0.0], atol=1e-4
    )


# -- the Surface built ------------------------------------------------------


def test_surface_carries_text_domain_and_parameters():
    surface = surface_from_formula(
        "a*x^2 + y^2", domain=[-1, 1, -3, 3], params={"a": 2.0}, name="bowl"
    )

    assert (surface.name, surface.title, surface.formula) == (
        "bowl",
        "a*x^2 + y^2",
        "a*x^2 + y^2",
    )
    assert surface.domain.y_range == (-3.0, 3.0)
    assert surface.params == {"a": 2.0}
    assert float(surface.with_params(a=3.0).value(1.0, 1.0)) == 4.0


def test_surface_from_formula_is_what_the_surface_class_builds():
    direct = surface_from_formula("x*y", domain=((-3.0, 3.0), (-3.0, 3.0)))
    through_class = Surface.from_formula("x*y")

    assert through_class.domain == direct.domain
    assert through_class.hessian(0.5, 2.0).tolist() == direct.hessian(0.5, 2.0).tolist()


@pytest.mark.parametrize(
    ("text", "value", "gradient", "hessian"),
    [
        ("x + 2*y", None, [1.0, 2.0], [[0.0, 0.0], [0.0, 0.0]]),
        ("pi", np.pi, [0.0, 0.0], [[0.0, 0.0], [0.0, 0.0]]),
        ("x*y", None, None, [[0.0, 1.0], [1.0, 0.0]]),
    ],
    ids=["linear", "constant", "bilinear"],
)
def test_constant_parts_are_broadcast_to_the_input_shape(
    text, value, gradient, hessian
):
    surface = surface_from_formula(text, domain=DOMAIN)
    x, y = np.meshgrid(np.linspace(-1, 1, 4), np.linspace(-1, 1, 3))

    assert surface.value(x, y).shape == (3, 4)
    assert surface.grad(x, y).shape == (3, 4, 2)
    assert surface.hessian(x, y).shape == (3, 4, 2, 2)
    if value is not None:
        assert np.all(surface.value(x, y) == value)
    if gradient is not None:
        assert np.all(surface.grad(x, y) == gradient)
    assert np.all(surface.hessian(x, y) == hessian)


def test_value_never_hands_back_the_callers_array():
    surface = surface_from_formula("x", domain=DOMAIN)
    x = np.array([1.0, 2.0])

    value = surface.value(x, np.zeros(2))
    value[0] = 99.0

    assert x.tolist() == [1.0, 2.0]


@pytest.mark.parametrize(
    ("text", "point", "value"),
    [
        ("log(x)", (-1.0, 0.0), np.nan),
        ("1/x", (0.0, 0.0), np.inf),
        ("sqrt(x - 2)", (1.0, 0.0), np.nan),
        ("x**(1/3)", (-8.0, 0.0), np.nan),
        ("exp(x*1000)", (1.0, 0.0), np.inf),
    ],
    ids=[
        "log-negative",
        "divide-by-zero",
        "sqrt-negative",
        "fractional-power",
        "overflow",
    ],
)
def test_undefined_points_give_nan_or_inf_without_warnings(text, point, value):
    surface = surface_from_formula(text, domain=DOMAIN)

    np.testing.assert_equal(float(surface.value(*point)), value)
    surface.grad(*point)
    surface.hessian(*point)


def test_abs_is_differentiated_almost_everywhere():
    surface = surface_from_formula("abs(x)*y + abs(log(y))", domain=DOMAIN)

    # d/dy = |x| + sign(log y) / y; at the kink x = 0, sign(0) = 0.
    assert surface.grad(-2.0, 0.5).tolist() == [-0.5, 2.0 - 2.0]
    assert surface.hessian(3.0, 0.5).tolist() == [[0.0, 1.0], [1.0, 4.0]]
    assert surface.hessian(0.0, 2.0).tolist() == [[0.0, 0.0], [0.0, -0.25]]


def test_compiled_programs_are_cached_by_text_and_parameter_names():
    formula._compile.cache_clear()
    surface_from_formula("x*y + a", domain=DOMAIN, params={"a": 1.0})
    surface_from_formula("x*y + a", domain=DOMAIN, params={"a": (0.0, -5.0, 5.0)})

    assert formula._compile.cache_info().hits == 1


# -- parameters --------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (1.0, (1.0, 0.0, 2.0)),
        (0, (0.0, -1.0, 1.0)),
        (-3.0, (-3.0, -6.0, 0.0)),
        (np.float32(0.5), (0.5, -0.5, 1.5)),
        ((2.0, 1.0, 4.0), (2.0, 1.0, 4.0)),
        (Parameter("a", 0.3, 0.1, 1.0, "log"), (0.3, 0.1, 1.0)),
    ],
    ids=["one", "zero", "negative", "numpy-number", "triple", "parameter"],
)
def test_parameter_specifications(spec, expected):
    surface = surface_from_formula("a*x", domain=DOMAIN, params={"a": spec})

    (parameter,) = surface.parameters
    assert (parameter.name, parameter.default, parameter.low, parameter.high) == (
        "a",
        *expected,
    )


def test_a_declared_parameter_may_go_unused():
    surface = surface_from_formula("x*y", domain=DOMAIN, params={"unused": 1.0})

    assert [p.name for p in surface.parameters] == ["unused"]


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        (
            [("a", 1.0)],
            TypeError,
            r"params must map names to a Parameter.*got \[\('a', 1\.0\)\]",
        ),
        (
            {"a": "big"},
            TypeError,
            r"params\['a'\] must be a Parameter, a number or \(default, low, high\), "
            r"got 'big'",
        ),
        ({"a": (1.0, 2.0)}, TypeError, r"params\['a'\] must be .* got \(1\.0, 2\.0\)"),
        ({"a": True}, TypeError, r"params\['a'\] must be .* got True"),
        (
            {"a": float("nan")},
            ValueError,
            r"params\['a'\] must be a finite number, got nan",
        ),
        (
            {"a": Parameter("b", 1.0, 0.0, 2.0)},
            ValueError,
            r"params\['a'\] is a Parameter named 'b'; use 'a'",
        ),
        (
            {"a": (5.0, 0.0, 1.0)},
            ValueError,
            r"parameter 'a': default 5\.0 lies outside \[0\.0, 1\.0\]",
        ),
        ({1: 1.0}, TypeError, r"parameter names must be strings, got 1"),
        (
            {"x": 1.0},
            FormulaError,
            r"parameter name 'x' is a variable of the surface; choose another name",
        ),
        ({"pi": 1.0}, FormulaError, r"parameter name 'pi' is the name of a constant"),
        ({"exp": 1.0}, FormulaError, r"parameter name 'exp' is the name of a function"),
        ({"lambda": 1.0}, FormulaError, r"parameter name 'lambda' is a Python keyword"),
        (
            {"1a": 1.0},
            FormulaError,
            r"parameter name '1a' is not allowed: use ASCII letters, digits and _",
        ),
        ({"_a": 1.0}, FormulaError, r"parameter name '_a' is not allowed"),
        ({"α": 1.0}, FormulaError, r"parameter name 'α' is not allowed"),
    ],
    ids=[
        "not-a-mapping",
        "string",
        "pair",
        "bool",
        "nan",
        "name-mismatch",
        "default-outside",
        "non-string-name",
        "variable",
        "constant",
        "function",
        "keyword",
        "leading-digit",
        "leading-underscore",
        "non-ascii",
    ],
)
def test_bad_parameters_are_refused(params, error, match):
    with pytest.raises(error, match=match):
        surface_from_formula("x", domain=DOMAIN, params=params)


def test_parameter_names_for_parse_formula():
    with pytest.raises(FormulaError, match=r"parameter name 'a' is declared twice"):
        parse_formula("a*x", params=["a", "a"])
    with pytest.raises(
        TypeError, match=r"params must be a sequence of names, got the string 'ab'"
    ):
        parse_formula("a*x", params="ab")
    assert check_parameter_names(iter(["a", "b2"])) == ("a", "b2")


# -- reading formulas ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x^2 + 1", X**2 + 1),
        ("2^3^2", sympy.Integer(512)),
        ("-x^2", -(X**2)),
        ("x ** -2", X**-2),
        ("  x +\n\ty\r\n", X + Y),
        ("0.1*x", X / 10),
        ("1e-3 + 2.5e2*y", sympy.Rational(1, 1000) + 250 * Y),
        ("e**x", sympy.exp(X)),
        ("pi*x", sympy.pi * X),
        ("sqrt(x**2)", sympy.Abs(X)),
        ("abs(x)", RealAbs(X)),
        ("log10(x)", sympy.log(X) / sympy.log(10)),
        ("sigmoid(x)", 1 / (1 + sympy.exp(-X))),
        ("(3/7)^2", sympy.Rational(9, 49)),
        ("1_000*x", 1000 * X),
    ],
    ids=[
        "caret-binds-tighter-than-plus",
        "caret-is-right-associative",
        "minus-applies-after-power",
        "negative-exponent",
        "whitespace-and-line-breaks",
        "decimal-is-exact",
        "exponent-notation",
        "e-is-euler",
        "pi",
        "real-symbols",
        "abs",
        "log10",
        "sigmoid",
        "fraction",
        "underscore-in-number",
    ],
)
def test_parse_formula_builds_the_expression(text, expected):
    assert parse_formula(text).doit() == expected


def test_parse_formula_keeps_the_expression_as_typed_but_folds_constants():
    assert str(parse_formula("x + x - 2^3*y")) == "x + x - 8*y"
    assert str(parse_formula("cosh(sinh(x))")) == "cosh(sinh(x))"
    assert parse_formula("sin(pi/6)*x").args[0] == pytest.approx(0.5, abs=1e-15)


def test_parse_formula_with_parameters():
    expression = parse_formula("a*x + b", params=("a", "b"))

    assert {s.name for s in expression.free_symbols} == {"a", "b", "x"}
    assert all(s.is_real for s in expression.free_symbols)


def test_abs_prints_as_typed():
    assert str(parse_formula("abs(x - y)")) == "abs(x - y)"
    assert str(RealAbs(X).diff(X)) == "sign(x)"


def test_long_fractions_become_floats():
    expression = parse_formula("(0.123456789)^20 * x")
    (coefficient,) = expression.atoms(sympy.Float)

    assert float(coefficient) == pytest.approx(0.123456789**20, rel=1e-14)


def test_every_function_is_accepted_and_evaluated():
    arguments = {"acosh": "2 + x^2", "arccosh": "2 + x^2", "log": "1 + x^2"}
    arguments |= dict.fromkeys(("log10", "log2", "sqrt"), "1 + x^2")
    arguments |= dict.fromkeys(("asin", "arcsin", "acos", "arccos"), "x/3")
    arguments |= dict.fromkeys(("atanh", "arctanh"), "x/3")
    x, y = random_points(seed=3)
    for name in FUNCTIONS:
        surface = surface_from_formula(
            f"{name}({arguments.get(name, 'x')})*y", domain=DOMAIN
        )
        scale = 1 + np.max(np.abs(surface.value(x, y)))
        np.testing.assert_allclose(
            surface.grad(x, y),
            central_gradient(surface, x, y),
            atol=1e-7 * scale,
            err_msg=name,
        )


# -- random formulas from the grammar ------------------------------------------------

NUMBERS = st.one_of(
    st.integers(0, 9).map(str),
    st.floats(0.05, 3.0).map(lambda v: f"{v:.2f}"),
)
LEAVES = st.one_of(st.sampled_from(["x", "y", "a", "pi", "e"]), NUMBERS)
SMOOTH = [
    "sin",
    "cos",
    "exp",
    "atan",
    "arctan",
    "sinh",
    "cosh",
    "tanh",
    "asinh",
    "sigmoid",
    "abs",
]
# Functions defined on part of the line get an argument inside their domain.
GUARDED = {
    "log": "log(1 + ({})^2)",
    "log10": "log10(2 + sin({}))",
    "log2": "log2(1 + exp({}))",
    "sqrt": "sqrt(1 + ({})^2)",
    "asin": "asin(tanh({})/2)",
    "arccos": "arccos(tanh({})/2)",
    "acosh": "acosh(2 + ({})^2)",
    "atanh": "atanh(tanh({})/2)",
    "tan": "tan(atan({})/2)",
}


def _grow(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(children, st.sampled_from(["+", "-", "*"]), children)
    return st.one_of(
        binary.map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(children, children).map(lambda t: f"{t[0]} / (2 + cos({t[1]}))"),
        st.tuples(children, st.sampled_from(["2", "3", "-2", "0.5"])).map(
            lambda t: f"(1 + ({t[0]})^2)^{t[1]}"
        ),
        st.tuples(children, st.integers(1, 3)).map(lambda t: f"({t[0]})**{t[1]}"),
        st.tuples(st.sampled_from(SMOOTH), children).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(st.sampled_from(sorted(GUARDED)), children).map(
            lambda t: GUARDED[t[0]].format(t[1])
        ),
    )


VALID_FORMULAS = st.recursive(LEAVES, _grow, max_leaves=8).filter(
    lambda t: len(t) <= 500
)


def differences_agree(exact: np.ndarray, step: float, evaluate) -> np.ndarray:
    """Compare ``exact`` to central differences where steps h and 2h agree."""
    fine, coarse = evaluate(step), evaluate(2 * step)
    scale = 1 + np.abs(exact)
    smooth = (
        np.isfinite(fine)
        & np.isfinite(coarse)
        & (np.abs(fine - coarse) <= 1e-6 * scale)
    )
    np.testing.assert_allclose(
        exact[smooth], fine[smooth], rtol=1e-5, atol=1e-5 * scale[smooth].max(initial=1)
    )
    return smooth


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=VALID_FORMULAS, a=st.floats(-2.0, 2.0))
def test_random_valid_formulas_have_the_derivatives_of_their_values(text, a):
    try:
        surface = surface_from_formula(
            text, domain=DOMAIN, params={"a": (a, -2.0, 2.0)}
        )
    except FormulaError as error:
        refusal = str(error)
    else:
        refusal = None
    # A constant part may overflow, like exp(exp(5)): that is refused by design.
    if refusal is not None and "is too large" in refusal:
        reject()
    assert refusal is None, refusal
    x, y = random_points(count=12, seed=5)

    value, gradient, hessian = (
        surface.value(x, y),
        surface.grad(x, y),
        surface.hessian(x, y),
    )
    finite = np.isfinite(value) & np.all(np.isfinite(hessian), axis=(-1, -2))
    x, y, gradient, hessian = x[finite], y[finite], gradient[finite], hessian[finite]
    for axis, (dx, dy) in enumerate([(1.0, 0.0), (0.0, 1.0)]):
        differences_agree(
            gradient[:, axis],
            1e-5,
            lambda h, dx=dx, dy=dy: (
                (
                    surface.value(x + h * dx, y + h * dy)
                    - surface.value(x - h * dx, y - h * dy)
                )
                / (2 * h)
            ),
        )
        differences_agree(
            hessian[:, axis, :].ravel(),
            1e-5,
            lambda h, dx=dx, dy=dy: (
                (
                    surface.grad(x + h * dx, y + h * dy)
                    - surface.grad(x - h * dx, y - h * dy)
                )
                / (2 * h)
            ).ravel(),
        )


def test_abs_of_a_constant_of_unprovable_sign():
    surface = surface_from_formula("abs(sin(1)^2 + cos(1)^2 - 1)*x + x", domain=DOMAIN)

    assert surface.grad(0.5, 0.5).tolist() == pytest.approx([1.0, 0.0], abs=1e-15)


def test_the_documented_functions_are_the_accepted_ones():
    listed = formula.__doc__.split("the functions ``")[1].split("``")[0].split()

    assert listed == sorted(FUNCTIONS)
