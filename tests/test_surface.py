import numpy as np
import pytest

from lossviz_widgets.engine.surface import CriticalPoint, Domain, Parameter, Surface


def quadratic(a_default: float = 1.0) -> Surface:
    return Surface(
        "quadratic",
        value=lambda x, y, p: p["a"] * x**2 + 3 * x * y + y**2,
        gradient=lambda x, y, p: (2 * p["a"] * x + 3 * y, 3 * x + 2 * y),
        hessian=lambda x, y, p: (2 * p["a"], 3.0, 2.0),
        domain=((-2, 2), (-1, 1)),
        parameters=[Parameter("a", a_default, 0.5, 8.0, "log", "x curvature")],
        critical_points=lambda p: [CriticalPoint(0, 0, 0, "saddle")],
    )


@pytest.mark.parametrize(
    ("x", "y", "shape"),
    [
        (1.0, 2.0, ()),
        (np.linspace(0, 1, 5), 0.5, (5,)),
        (np.ones((3, 4)), np.zeros((3, 4)), (3, 4)),
        (np.ones((3, 1)), np.ones((1, 4)), (3, 4)),
    ],
    ids=["scalar", "vector-broadcast", "matrix", "outer-broadcast"],
)
def test_shapes_follow_the_broadcast_of_the_inputs(x, y, shape):
    surface = quadratic()
    assert np.shape(surface.value(x, y)) == shape
    assert surface.grad(x, y).shape == (*shape, 2)
    assert surface.hessian(x, y).shape == (*shape, 2, 2)


def test_constant_derivatives_are_broadcast_and_writable_copies_are_not_shared():
    surface = quadratic()
    hessian = surface.hessian(np.zeros(3), np.zeros(3))
    np.testing.assert_array_equal(hessian[1], [[2.0, 3.0], [3.0, 2.0]])


def test_scalar_value_is_a_numpy_scalar_that_prints_plainly():
    value = quadratic().value(1.0, 0.0)
    assert isinstance(value, np.float64)
    assert str(value) == "1.0"


def test_points_methods_match_coordinate_methods():
    surface = quadratic()
    points = np.random.default_rng(1).normal(size=(4, 3, 2))
    np.testing.assert_array_equal(
        surface.value_at(points), surface.value(points[..., 0], points[..., 1])
    )
    np.testing.assert_array_equal(
        surface.grad_at(points), surface.grad(points[..., 0], points[..., 1])
    )
    assert surface.hessian_at(points).shape == (4, 3, 2, 2)


def test_with_params_returns_a_new_surface_and_leaves_the_old_one():
    surface = quadratic()
    steeper = surface.with_params(a=4.0)
    assert surface.params["a"] == 1.0
    assert steeper.params["a"] == 4.0
    assert float(steeper.value(1.0, 0.0)) == 4.0
    assert steeper.critical_points == (CriticalPoint(0.0, 0.0, 0.0, "saddle"),)


def test_params_are_read_only():
    with pytest.raises(TypeError):
        quadratic().params["a"] = 3.0  # type: ignore[index]


def test_with_domain_changes_only_the_domain():
    moved = quadratic().with_domain((0, 1, 0, 1))
    assert moved.domain == Domain(0, 1, 0, 1)
    assert float(moved.value(1.0, 0.0)) == 1.0


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"b": 1.0}, ValueError, "has no parameter 'b'; its parameters are: a"),
        ({"a": 100.0}, ValueError, r"'a' must lie in \[0.5, 8.0\], got 100.0"),
        ({"a": float("nan")}, ValueError, "'a' must be finite, got nan"),
        ({"a": "2"}, TypeError, "'a' must be a real number, got '2'"),
        ({"a": True}, TypeError, "must be a real number, got True"),
    ],
    ids=["unknown", "out-of-range", "nan", "string", "bool"],
)
def test_bad_parameter_values_are_refused(params, error, match):
    with pytest.raises(error, match=match):
        quadratic().with_params(**params)


@pytest.mark.parametrize(
    ("arguments", "match"),
    [
        (("1a", 0.0, 0.0, 1.0), "must be an identifier, got '1a'"),
        (("a", 2.0, 0.0, 1.0), r"default 2.0 lies outside \[0.0, 1.0\]"),
        (("a", 0.5, 0.0, 1.0, "log"), "a log scale needs low > 0"),
        (("a", 0.5, 0.0, 1.0, "cubic"), "scale must be 'linear' or 'log'"),
    ],
    ids=["name", "default", "log-needs-positive", "scale"],
)
def test_bad_parameter_descriptions_are_refused(arguments, match):
    with pytest.raises(ValueError, match=match):
        Parameter(*arguments)


def test_integer_parameters_refuse_fractions():
    count = Parameter("count", 3, 1, 9, integer=True)
    assert count.validate(4) == 4.0
    with pytest.raises(ValueError, match=r"must be a whole number, got 2\.5"):
        count.validate(2.5)


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ((1, 2, 3), "domain must be a Domain"),
        ("abc", "domain must be a Domain"),
        ((1, 0, 0, 1), "needs x_min < x_max"),
        ((0, 1, 0, float("inf")), "y_max must be finite"),
    ],
    ids=["three-numbers", "text", "reversed", "infinite"],
)
def test_bad_domains_are_refused(value, match):
    with pytest.raises(ValueError, match=match):
        Domain.coerce(value)


def test_domain_contains_and_clip():
    domain = Domain(-1, 1, 0, 2)
    assert domain.contains([0, 2], [1, 1]).tolist() == [True, False]
    x, y = domain.clip([5.0, -5.0], [-1.0, 1.0])
    assert x.tolist() == [1.0, -1.0]
    assert y.tolist() == [0.0, 1.0]


def test_critical_point_kind_is_checked():
    with pytest.raises(ValueError, match="kind must be one of"):
        CriticalPoint(0, 0, 0, "valley")


def himmelblau(x, y):
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def himmelblau_grad(x, y):
    a, b = x**2 + y - 11, x + y**2 - 7
    return 4 * x * a + 2 * b, 2 * a + 4 * y * b


def himmelblau_hessian(x, y):
    return (
        12 * x**2 + 4 * y - 42,
        4 * x + 4 * y,
        4 * x + 12 * y**2 - 26,
    )


@pytest.mark.parametrize(
    ("grad", "hessian", "grad_tol", "hessian_tol"),
    [
        (None, None, 1e-7, 1e-4),
        (himmelblau_grad, None, 0.0, 1e-7),
        (himmelblau_grad, himmelblau_hessian, 0.0, 0.0),
    ],
    ids=["differences-of-values", "differences-of-gradient", "exact"],
)
def test_from_function_derivatives_match_the_exact_ones(
    grad, hessian, grad_tol, hessian_tol
):
    surface = Surface.from_function(himmelblau, grad, hessian, domain=(-5, 5, -5, 5))
    points = np.random.default_rng(7).uniform(-4, 4, size=(50, 2))
    x, y = points.T
    exact_grad = np.stack(himmelblau_grad(x, y), axis=-1)
    hxx, hxy, hyy = himmelblau_hessian(x, y)
    exact_hessian = np.stack(
        [np.stack([hxx, hxy], -1), np.stack([hxy, hyy], -1)], axis=-2
    )
    scale = 1 + np.abs(exact_grad).max()
    np.testing.assert_allclose(surface.grad(x, y), exact_grad, atol=grad_tol * scale)
    np.testing.assert_allclose(
        surface.hessian(x, y), exact_hessian, atol=hessian_tol * (1 + scale)
    )


def test_from_function_accepts_array_shaped_derivatives():
    surface = Surface.from_function(
        lambda x, y: x * y,
        grad=lambda x, y: np.stack([y, x], axis=-1),
        hessian=lambda x, y: np.broadcast_to(
            [[0.0, 1.0], [1.0, 0.0]], (*x.shape, 2, 2)
        ),
    )
    assert surface.grad(2.0, 3.0).tolist() == [3.0, 2.0]
    assert surface.hessian([0.0, 1.0], 0.0)[1].tolist() == [[0.0, 1.0], [1.0, 0.0]]


def test_from_function_refuses_what_is_not_callable():
    with pytest.raises(TypeError, match="f must be callable as f"):
        Surface.from_function("x**2")  # type: ignore[arg-type]


def test_repr_names_the_surface_and_its_parameters():
    assert repr(quadratic()) == "<Surface 'quadratic' (a=1)>"
