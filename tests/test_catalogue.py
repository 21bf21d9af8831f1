"""The surface catalogue: derivatives, critical points and published values."""

import math
import warnings
import zlib

import numpy as np
import pytest

from lossviz_widgets.engine.catalogue import CATALOGUE, get_surface, surface_names
from lossviz_widgets.engine.catalogue.models import FEATURES, LABELS
from lossviz_widgets.engine.surface import POINT_KINDS, Domain, Surface

NAMES = surface_names()
EPS = np.finfo(float).eps


def _settings():
    """Each surface at its defaults, then with every parameter at each end."""
    cases = []
    for name in NAMES:
        cases.append(pytest.param(name, {}, id=f"{name}-default"))
        parameters = get_surface(name).parameters
        if parameters:
            low = {p.name: p.low for p in parameters}
            high = {p.name: p.high for p in parameters}
            cases.append(pytest.param(name, low, id=f"{name}-low"))
            cases.append(pytest.param(name, high, id=f"{name}-high"))
    return cases


SETTINGS = _settings()


def _sample(surface, count=20):
    """Seeded random points of the domain, plus one close to each critical point."""
    rng = np.random.default_rng(zlib.crc32(surface.name.encode()))
    domain = surface.domain
    x = rng.uniform(domain.x_min, domain.x_max, count)
    y = rng.uniform(domain.y_min, domain.y_max, count)
    for point in surface.critical_points:
        dx, dy = rng.normal(scale=0.01 * domain.span, size=2)
        x, y = np.append(x, point.x + dx), np.append(y, point.y + dy)
    return x, y


# -- derivatives against central differences ---------------------------------
#
# A central difference with step h errs by h²/6·f''' (truncation) plus the
# rounding noise σ of the two values divided by the step (rounding). The
# truncation is estimated by Richardson's rule from a second difference with
# step 2h, which errs four times as much: error(h) ≈ |D(2h) − D(h)|/3. The
# noise σ is measured, not guessed, because near a critical point a
# derivative is a small difference of large terms: sixth differences of
# values a few thousand ulps apart cancel the smooth part of the function and
# leave the rounding, magnified by √924 (Moré and Wild's noise estimate). The
# tolerance is ten times truncation plus rounding, plus a few roundings of the
# exact derivative. With h = eps^(1/3)·max(1, |coordinate|) both parts are
# near eps^(2/3) ≈ 4e-11 relative, so a slip of one part in 10⁷ in a single
# coefficient is caught.

SAFETY = 10.0


def _shifted(function, x, y, axis, shift):
    """Evaluate ``function`` with coordinate ``axis`` moved by ``shift``."""
    return function(x + shift, y) if axis == 0 else function(x, y + shift)


def _rounding_noise(function, x, y, axis):
    """Standard deviation of the rounding noise of ``function``, shape (n, k)."""
    delta = 1e-11 * np.maximum(1.0, np.abs((x, y)[axis]))
    values = np.stack([_shifted(function, x, y, axis, j * delta) for j in range(13)])
    sixth = np.diff(values, n=6, axis=0)
    measured = np.sqrt(np.mean(sixth**2, axis=0) / 924)
    return np.maximum(measured, EPS * np.abs(values[0]))


def _central(function, x, y, axis, h):
    """Central difference of ``function`` along ``axis``, shape (n, k)."""
    plus = _shifted(function, x, y, axis, h)
    minus = _shifted(function, x, y, axis, -h)
    coordinate = (x, y)[axis]
    step = (coordinate + h) - (coordinate - h)
    return (plus - minus) / step[:, None]


def _check_derivative(function, derivative, x, y):
    """Assert ``derivative`` (n, k, 2) matches differences of ``function`` (n, k)."""
    exact = derivative(x, y)
    for axis in (0, 1):
        h = EPS ** (1 / 3) * np.maximum(1.0, np.abs((x, y)[axis]))
        near = _central(function, x, y, axis, h)
        far = _central(function, x, y, axis, 2 * h)
        truncation = np.abs(far - near) / 3
        rounding = _rounding_noise(function, x, y, axis) / h[:, None]
        along = exact[..., axis]
        tolerance = SAFETY * (truncation + rounding) + 8 * EPS * np.abs(along)
        error = np.abs(near - along)
        worst = np.unravel_index(np.argmax(error / tolerance), error.shape)
        message = (
            f"axis {axis} at ({x[worst[0]]}, {y[worst[0]]}): exact {along[worst]}, "
            f"difference {near[worst]}, tolerance {tolerance[worst]}"
        )
        assert np.all(error <= tolerance), message


@pytest.mark.parametrize(("name", "params"), SETTINGS)
def test_gradient_matches_central_differences(name, params):
    surface = get_surface(name, **params)
    x, y = _sample(surface)
    _check_derivative(
        lambda x, y: surface.value(x, y)[:, None],
        lambda x, y: surface.grad(x, y)[:, None, :],
        x,
        y,
    )


@pytest.mark.parametrize(("name", "params"), SETTINGS)
def test_hessian_matches_central_differences(name, params):
    surface = get_surface(name, **params)
    x, y = _sample(surface)
    _check_derivative(surface.grad, surface.hessian, x, y)


def test_difference_check_catches_a_small_slip():
    slipped = Surface(
        "slipped",
        lambda x, y, p: np.sin(x) * np.cos(y) + 0.1 * (x**2 + y**2),
        lambda x, y, p: (np.cos(x) * np.cos(y) + 0.2000001 * x, 0.2 * y),
        lambda x, y, p: (0.2, 0.0, 0.2),
        domain=((-4, 4), (-4, 4)),
    )
    x, y = _sample(slipped)
    with pytest.raises(AssertionError, match="axis 0"):
        _check_derivative(
            lambda x, y: slipped.value(x, y)[:, None],
            lambda x, y: slipped.grad(x, y)[:, None, :],
            x,
            y,
        )


# -- shapes ------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(), (5,), (3, 4)], ids=["scalar", "5", "3x4"])
@pytest.mark.parametrize("name", NAMES)
def test_shapes_follow_the_input(name, shape):
    surface = get_surface(name)
    rng = np.random.default_rng(7)
    domain = surface.domain
    x = rng.uniform(domain.x_min, domain.x_max, shape)
    y = rng.uniform(domain.y_min, domain.y_max, shape)

    value, grad, hessian = (
        surface.value(x, y),
        surface.grad(x, y),
        surface.hessian(x, y),
    )

    assert value.shape == shape
    assert grad.shape == (*shape, 2)
    assert hessian.shape == (*shape, 2, 2)
    points = np.stack([x, y], axis=-1)
    np.testing.assert_allclose(surface.value_at(points), value, rtol=1e-15)
    np.testing.assert_allclose(surface.grad_at(points), grad, rtol=1e-15)
    np.testing.assert_allclose(surface.hessian_at(points), hessian, rtol=1e-15)
    for index in np.ndindex(shape):
        single = surface.grad(float(x[index]), float(y[index]))
        np.testing.assert_allclose(single, grad[index], rtol=1e-12, atol=1e-12)


# -- critical points ---------------------------------------------------------


def _kind_of(eigenvalues):
    """Classify a critical point from the eigenvalues of its Hessian."""
    if np.min(np.abs(eigenvalues)) <= 1e-9 * max(1.0, np.max(np.abs(eigenvalues))):
        return "degenerate"
    if np.all(eigenvalues > 0):
        return "minimum"
    if np.all(eigenvalues < 0):
        return "maximum"
    return "saddle"


@pytest.mark.parametrize(("name", "params"), SETTINGS)
def test_critical_points_are_flat_with_their_value_and_kind(name, params):
    surface = get_surface(name, **params)
    for point in surface.critical_points:
        gradient = surface.grad(point.x, point.y)
        hessian = surface.hessian(point.x, point.y)

        # Points are accurate to a few units in the last place, which leaves
        # a gradient of about |H|·eps·|p|; 1e-9 leaves a wide margin and stays
        # far inside the 1e-5 asked of any listed point.
        reach = max(1.0, abs(point.x), abs(point.y))
        flat = 1e-9 * (1 + np.linalg.norm(hessian, 2) * reach)
        assert np.linalg.norm(gradient) <= flat, (point, gradient)
        value = float(surface(point.x, point.y))
        assert value == pytest.approx(point.value, rel=1e-12, abs=1e-12), point
        assert _kind_of(np.linalg.eigvalsh(hessian)) == point.kind, point
        assert surface.domain.contains(point.x, point.y), point


@pytest.mark.parametrize("name", NAMES)
def test_every_surface_but_multi_waves_lists_critical_points(name):
    points = get_surface(name).critical_points

    assert bool(points) == (name != "multi_waves")
    assert len(set(points)) == len(points)
    assert all(point.kind in POINT_KINDS for point in points)


def _roots_of(function, low, high, count=20001):
    """All simple roots of a scalar function on [low, high], by bisection."""
    grid = np.linspace(low, high, count)
    values = function(grid)
    brackets = np.flatnonzero(np.sign(values[:-1]) != np.sign(values[1:]))
    a, b = grid[brackets], grid[brackets + 1]
    for _ in range(80):
        middle = (a + b) / 2
        left = np.sign(function(middle)) == np.sign(function(a))
        a, b = np.where(left, middle, a), np.where(left, b, middle)
    return (a + b) / 2


def test_waves_list_every_critical_point_of_the_plane():
    # sin x cos y + 0.1(x² + y²) = h(x + y) + h(x − y), h(t) = sin(t)/2 + t²/20;
    # h'(t) = 0 means cos t = −t/5, whose roots all lie in [−5, 5].
    roots = _roots_of(lambda t: np.cos(t) + t / 5, -6.0, 6.0)
    expected = sorted(((s + d) / 2, (s - d) / 2) for s in roots for d in roots)
    listed = sorted((p.x, p.y) for p in get_surface("waves").critical_points)

    assert len(roots) == 3
    np.testing.assert_allclose(listed, expected, atol=1e-12)


# -- published values --------------------------------------------------------

HIMMELBLAU = [
    (3.0, 2.0, 0.0, "minimum"),
    (-2.805118, 3.131313, 0.0, "minimum"),
    (-3.779310, -3.283186, 0.0, "minimum"),
    (3.584428, -1.848127, 0.0, "minimum"),
    (-0.270845, -0.923039, 181.6165, "maximum"),
    (3.385154, 0.073852, None, "saddle"),
    (0.086678, 2.884255, None, "saddle"),
    (-3.073026, -0.081353, None, "saddle"),
    (-0.127961, -1.953715, None, "saddle"),
]


@pytest.mark.parametrize(
    ("x", "y", "value", "kind"), HIMMELBLAU, ids=[f"{x},{y}" for x, y, *_ in HIMMELBLAU]
)
def test_himmelblau_matches_published_critical_points(x, y, value, kind):
    points = get_surface("himmelblau").critical_points
    match = [p for p in points if abs(p.x - x) <= 5e-7 and abs(p.y - y) <= 5e-7]

    assert len(match) == 1
    assert match[0].kind == kind
    if value is not None:
        assert match[0].value == pytest.approx(value, abs=5e-5)
    assert len(points) == len(HIMMELBLAU)


def test_rosenbrock_hessian_at_its_minimum():
    hessian = get_surface("rosenbrock").hessian(1.0, 1.0)

    assert hessian.tolist() == [[802.0, -400.0], [-400.0, 200.0]]
    np.testing.assert_allclose(
        np.linalg.eigvalsh(hessian), [0.399361, 1001.600639], atol=5e-7
    )


def test_six_hump_camel_minima():
    camel = get_surface("six_hump_camel")
    minima = [p for p in camel.critical_points if p.kind == "minimum"]
    best = sorted(minima, key=lambda p: (p.value, p.x))[:2]

    assert len(minima) == 6
    assert [round(p.x, 6) for p in best] == [-0.089842, 0.089842]
    assert [round(p.y, 6) for p in best] == [0.712656, -0.712656]
    assert [p.value for p in best] == pytest.approx([-1.0316284535] * 2, abs=5e-11)
    assert all(p.value > best[0].value + 0.5 for p in minima if p not in best)


@pytest.mark.parametrize(
    ("name", "x", "y", "value"),
    [
        ("beale", 3.0, 0.5, 0.0),
        ("booth", 1.0, 3.0, 0.0),
        ("goldstein_price", 0.0, -1.0, 3.0),
        ("rastrigin", 0.0, 0.0, 0.0),
        ("ackley", 0.0, 0.0, 0.0),
    ],
    ids=["beale", "booth", "goldstein_price", "rastrigin", "ackley"],
)
def test_published_global_minima_are_exact(name, x, y, value):
    surface = get_surface(name)
    best = min(surface.critical_points, key=lambda p: p.value)

    assert float(surface(x, y)) == value
    assert (best.x, best.y, best.value) == (x, y, value)


def test_styblinski_tang_minimum():
    surface = get_surface("styblinski_tang")
    best = min(surface.critical_points, key=lambda p: p.value)

    assert best.x == best.y == pytest.approx(-2.903534, abs=5e-7)
    assert best.value / 2 == pytest.approx(-39.166166, abs=5e-7)
    assert float(surface(-2.903534, -2.903534)) == pytest.approx(-78.332331, abs=1e-6)


# -- the course's values -------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [("convex_bowl", 1.0), ("banana", 1.0), ("waves", 0.6546487134128409)],
    ids=["convex_bowl", "banana", "waves"],
)
def test_course_values_at_one_one(name, expected):
    assert float(get_surface(name)(1.0, 1.0)) == expected


def test_banana_gradient_is_the_course_expression_bit_for_bit():
    rng = np.random.default_rng(3)
    x, y = rng.uniform(-2, 2, 100), rng.uniform(-1, 3, 100)

    grad = get_surface("banana").grad(x, y)

    assert np.array_equal(grad[:, 0], 2 * x - 20 * x * (y - x**2))
    assert np.array_equal(grad[:, 1], 10 * (y - x**2))


def test_course_descent_path_on_the_banana():
    valley = get_surface("banana")
    point = np.array([-1.5, 1.5])
    path = [point]
    for _ in range(100):
        point = point - 1e-3 * valley.grad_at(point)
        path.append(point)

    printed = [
        [-1.19588247, 1.5148514],
        [-1.19551692, 1.51400423],
        [-1.19515214, 1.5131568],
    ]
    np.testing.assert_allclose(path[-3:], printed, atol=5e-9)


def test_one_octave_of_multi_waves_is_the_waves_bit_for_bit():
    rng = np.random.default_rng(5)
    x, y = rng.uniform(-4, 4, 200), rng.uniform(-4, 4, 200)
    single, waves = get_surface("multi_waves", octaves=1), get_surface("waves")

    assert np.array_equal(single.value(x, y), waves.value(x, y))
    assert np.array_equal(single.grad(x, y), waves.grad(x, y))
    assert np.array_equal(single.hessian(x, y), waves.hessian(x, y))


def test_more_octaves_make_the_waves_rougher():
    grid = np.linspace(-4, 4, 201)
    x, y = np.meshgrid(grid, grid)
    roughness = [
        np.mean(np.abs(get_surface("multi_waves", octaves=n).hessian(x, y)))
        for n in (1, 2, 3, 4)
    ]

    assert roughness == sorted(roughness)


# -- parameters ----------------------------------------------------------------


@pytest.mark.parametrize("a", [-1.5, -0.5, 0.0, 0.5, 1.5])
def test_rosenbrock_minimum_follows_a(a):
    valley = get_surface("rosenbrock", a=a)
    (minimum,) = valley.critical_points

    assert (minimum.x, minimum.y, minimum.value) == (a, a**2, 0.0)
    assert valley.grad(a, a**2).tolist() == [0.0, 0.0]
    assert float(valley(a, a**2)) == 0.0


@pytest.mark.parametrize("condition", [1.0, 10.0, 1000.0])
@pytest.mark.parametrize("angle", [-90.0, 0.0, 30.0, 90.0])
@pytest.mark.parametrize("curvature", [0.1, 1.0])
def test_stretched_bowl_eigenvalues_follow_its_parameters(condition, angle, curvature):
    bowl = get_surface(
        "ill_conditioned_bowl", condition=condition, angle=angle, curvature=curvature
    )
    eigenvalues, vectors = np.linalg.eigh(bowl.hessian(0.7, -1.3))

    np.testing.assert_allclose(
        eigenvalues, [curvature, curvature * condition], rtol=1e-12
    )
    if condition > 1:
        theta = math.radians(angle)
        steep = abs(vectors[:, 1] @ [-math.sin(theta), math.cos(theta)])
        assert steep == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("angle", [0.0, 30.0, -75.0])
def test_gradient_descent_changes_regime_at_two_over_the_top_eigenvalue(angle):
    # Eigenvalues 1 and 10: each step multiplies the distance along the steep
    # axis (−sin θ, cos θ) by 1 − 10·rate, which is −1 at rate 2/λmax = 0.2,
    # and the distance along the gentle axis by 1 − rate.
    bowl = get_surface("ill_conditioned_bowl", condition=10.0, angle=angle)
    theta = math.radians(angle)
    steep_share = 5 * (math.cos(theta) - math.sin(theta)) ** 2

    def loss_after(rate):
        point = np.array([1.0, 1.0])
        for _ in range(300):
            point = point - rate * bowl.grad_at(point)
        return float(bowl.value_at(point))

    assert loss_after(0.19) < 1e-20
    assert loss_after(0.2) == pytest.approx(steep_share, rel=1e-9)
    assert loss_after(0.21) > 1e20


@pytest.mark.parametrize("sharp_width", [0.05, 0.2, 0.4])
@pytest.mark.parametrize("flat_width", [0.5, 0.8, 1.2])
def test_sharp_flat_has_a_sharp_and_a_flat_minimum(sharp_width, flat_width):
    wells = get_surface("sharp_flat", sharp_width=sharp_width, flat_width=flat_width)
    sharp, between, flat = wells.critical_points

    assert (sharp.kind, between.kind, flat.kind) == ("minimum", "saddle", "minimum")
    assert sharp.x < between.x < flat.x
    assert sharp.y == between.y == flat.y == 0.0
    # At a well's centre the curvature is 1/σ², plus 0.1 from the bowl; the
    # offset of the minimum and the other well's tail change it by under 2%.
    for point, width in ((sharp, sharp_width), (flat, flat_width)):
        top = np.linalg.eigvalsh(wells.hessian(point.x, point.y))[1]
        assert top == pytest.approx(1 / width**2 + 0.1, rel=0.02)
    assert abs(sharp.value - flat.value) < 0.05


def test_a_narrower_well_is_sharper():
    tops = []
    for width in (0.05, 0.1, 0.2, 0.4):
        sharp = get_surface("sharp_flat", sharp_width=width).critical_points[0]
        tops.append(get_surface("sharp_flat", sharp_width=width).hessian(sharp.x, 0.0))

    assert [h[0, 0] for h in tops] == sorted((h[0, 0] for h in tops), reverse=True)


@pytest.mark.parametrize("slope", [0.0, 0.005, 0.05])
def test_plateau_gradient_is_the_gentle_slope_alone(slope):
    flat = get_surface("plateau", slope=slope)
    r = np.array([3.0, 3.5, 4.0])

    gradient = flat.grad(r, 0 * r)

    # On the plateau the tanh term adds 2r·sech²(r²) < 1e-6 to 2·slope·r.
    np.testing.assert_allclose(gradient[:, 0], 2 * slope * r, atol=1e-6)
    assert gradient[:, 1].tolist() == [0.0, 0.0, 0.0]


def test_logistic_data_overlap():
    positives, negatives = FEATURES[LABELS > 0], FEATURES[LABELS < 0]

    assert positives.min() < negatives.max()
    assert negatives.min() < positives.max()
    assert set(LABELS.tolist()) == {-1.0, 1.0}


def test_logistic_minimum_matches_a_high_precision_solution():
    # Solved to 40 digits by multiprecision Newton iterations.
    (best,) = get_surface("logistic_regression").critical_points

    assert best.x == pytest.approx(1.3534115217109623254, abs=1e-14)
    assert best.y == pytest.approx(-1.6917644021387029067, abs=1e-14)
    assert best.value == pytest.approx(0.43351114373346952491, abs=1e-15)


@pytest.mark.parametrize("decay", [0.0, 0.001, 0.1, 1.0])
def test_weight_decay_pulls_the_logistic_minimum_in(decay):
    plain = get_surface("logistic_regression").critical_points[0]
    loss = get_surface("logistic_regression", weight_decay=decay)
    (best,) = loss.critical_points

    assert np.abs(loss.grad(best.x, best.y)).max() <= 1e-14
    assert math.hypot(best.x, best.y) <= math.hypot(plain.x, plain.y)
    if decay > 0:
        assert math.hypot(best.x, best.y) < math.hypot(plain.x, plain.y)


# -- convexity -----------------------------------------------------------------


@pytest.mark.parametrize(("name", "params"), SETTINGS)
def test_convex_flag_matches_the_hessian(name, params):
    surface = get_surface(name, **params)
    domain = surface.domain
    x, y = np.meshgrid(
        np.linspace(domain.x_min, domain.x_max, 61),
        np.linspace(domain.y_min, domain.y_max, 61),
    )
    eigenvalues = np.linalg.eigvalsh(surface.hessian(x, y))
    lowest = eigenvalues[..., 0].min()
    scale = np.abs(eigenvalues).max()

    if surface.convex:
        assert lowest >= -1e-12 * scale
    else:
        assert lowest < -1e-6 * scale


# -- edge cases ----------------------------------------------------------------


def test_ackley_at_its_tip():
    funnel = get_surface("ackley")

    assert funnel.grad(0.0, 0.0).tolist() == [0.0, 0.0]
    np.testing.assert_allclose(
        funnel.hessian(0.0, 0.0), 2 * np.pi**2 * np.e * np.eye(2), rtol=1e-14
    )


@pytest.mark.parametrize(
    ("x", "y"),
    [(5e-324, 0.0), (1e-310, -1e-310), (1e-300, 0.0), (0.0, 1e-8)],
    ids=["smallest", "subnormal", "tiny", "close"],
)
def test_ackley_next_to_its_tip_stays_finite(x, y):
    funnel = get_surface("ackley")

    grad, hessian = funnel.grad(x, y), funnel.hessian(x, y)

    assert np.all(np.isfinite(grad))
    assert np.all(np.isfinite(hessian))
    assert float(funnel(x, y)) == pytest.approx(0.0, abs=1e-7)


def test_ackley_curvature_grows_like_one_over_r_near_the_tip():
    funnel = get_surface("ackley")
    cone_slope = 20 * 0.2 / math.sqrt(2)

    for r in (1e-6, 1e-8):
        across = np.linalg.eigvalsh(funnel.hessian(r, 0.0))[1]
        # r·λ = slope·e^(−kr) + r·2π²e: within 1e-4 of the slope for r ≤ 1e-6.
        assert r * across == pytest.approx(cone_slope, rel=1e-4)


@pytest.mark.parametrize("name", NAMES)
def test_far_points_raise_no_numpy_warning(name):
    surface = get_surface(name)
    far = np.array([[1e200, -1e200], [1e300, 1e300], [-1e155, 3e154], [1e-320, 0]])

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        shapes = [
            surface.value_at(far).shape,
            surface.grad_at(far).shape,
            surface.hessian_at(far).shape,
        ]

    assert shapes == [(4,), (4, 2), (4, 2, 2)]


# -- the registry and its descriptions -----------------------------------------


def test_names_in_teaching_order():
    names = surface_names()

    assert names == tuple(CATALOGUE)
    assert names[:3] == ("convex_bowl", "ill_conditioned_bowl", "banana")
    assert len(names) == len(set(names)) == 20
    assert set(names) >= {"rosenbrock", "himmelblau", "six_hump_camel", "ackley"}


def test_catalogue_is_read_only():
    with pytest.raises(TypeError, match="does not support item assignment"):
        CATALOGUE["bowl"] = CATALOGUE["convex_bowl"]


@pytest.mark.parametrize("name", NAMES)
def test_surface_describes_itself(name):
    surface = get_surface(name)

    assert isinstance(surface, Surface)
    assert surface is not get_surface(name)
    assert surface.name == name
    assert surface.title
    assert surface.title != name
    assert surface.formula
    assert surface.description.endswith(".")
    assert ". " not in surface.description
    assert len(surface.description) <= 160
    assert isinstance(surface.domain, Domain)
    assert isinstance(surface.convex, bool)
    for parameter in surface.parameters:
        assert parameter.help
        assert len(parameter.help) <= 50
        assert parameter.low < parameter.high


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (
            lambda: get_surface("bananna"),
            ValueError,
            r"^unknown surface 'bananna' \(did you mean 'banana'\?\); the surfaces "
            r"are: convex_bowl, ill_conditioned_bowl, banana, ",
        ),
        (
            lambda: get_surface("Rosenbrock"),
            ValueError,
            r"^unknown surface 'Rosenbrock' \(did you mean 'rosenbrock'\?\)",
        ),
        (
            lambda: get_surface("mountain"),
            ValueError,
            r"^unknown surface 'mountain'; the surfaces are: convex_bowl, .*, "
            r"styblinski_tang$",
        ),
        (
            lambda: get_surface(3),
            TypeError,
            r"^name must be a string naming a surface, got 3$",
        ),
        (
            lambda: get_surface("rosenbrock", c=1.0),
            ValueError,
            r"^surface 'rosenbrock' has no parameter 'c'; its parameters are: a, b$",
        ),
        (
            lambda: get_surface("convex_bowl", width=2.0),
            ValueError,
            r"^surface 'convex_bowl' has no parameter 'width'; its parameters are: "
            r"none$",
        ),
        (
            lambda: get_surface("ill_conditioned_bowl", condition=0.5),
            ValueError,
            r"^parameter 'condition' must lie in \[1\.0, 1000\.0\], got 0\.5$",
        ),
        (
            lambda: get_surface("multi_waves", octaves=2.5),
            ValueError,
            r"^parameter 'octaves' must be a whole number, got 2\.5$",
        ),
        (
            lambda: get_surface("rastrigin", amplitude="10"),
            TypeError,
            r"^parameter 'amplitude' must be a real number, got '10' \(str\)$",
        ),
    ],
    ids=[
        "misspelt",
        "capitalised",
        "unknown",
        "not-a-string",
        "unknown-parameter",
        "no-parameters",
        "out-of-range",
        "not-whole",
        "not-a-number",
    ],
)
def test_errors_name_the_problem(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()
