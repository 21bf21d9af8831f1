import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lossviz_widgets.engine.curvature import (
    classify_hessian,
    classify_point,
    condition_number,
    convex_mask,
    hessian_eigen,
    sharpness,
    stable_step_size,
)
from lossviz_widgets.engine.surface import Surface
from tests.surfaces import (
    cap,
    hand_written,
    himmelblau,
    monkey_saddle,
    rosenbrock,
    saddle,
    wave,
)

EPS = np.finfo(float).eps


ROSENBROCK = rosenbrock(domain=(-2, 2, -2, 2))
SADDLE = saddle()
CAP = cap()
MONKEY = monkey_saddle()
WAVE = wave()

HIMMELBLAU_POINTS = [
    ((3.0, 2.0), "minimum"),
    ((-2.805118, 3.131313), "minimum"),
    ((-3.779310, -3.283186), "minimum"),
    ((3.584428, -1.848127), "minimum"),
    ((-0.270845, -0.923039), "maximum"),
    ((3.385154, 0.073852), "saddle"),
    ((0.086678, 2.884255), "saddle"),
    ((-3.073026, -0.081353), "saddle"),
    ((-0.127961, -1.953715), "saddle"),
]


def rotation(angle: float) -> np.ndarray:
    return np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])


def quadratic_hessian(eigenvalues, angle=0.6) -> np.ndarray:
    turn = rotation(angle)
    return turn @ np.diag(eigenvalues) @ turn.T


def random_symmetric(count: int, seed: int = 0) -> np.ndarray:
    matrices = np.random.default_rng(seed).normal(size=(count, 2, 2))
    return matrices + np.swapaxes(matrices, -1, -2)


def assert_eigen_pairs(matrices, values, vectors, rtol=8 * EPS):
    scale = np.max(np.abs(values), axis=-1)[..., None, None]
    residual = matrices @ vectors - vectors * values[..., None, :]
    assert np.all(np.abs(residual) <= rtol * scale + 1e-300)
    gram = np.swapaxes(vectors, -1, -2) @ vectors
    np.testing.assert_allclose(
        gram, np.broadcast_to(np.eye(2), gram.shape), atol=4 * EPS
    )
    assert np.all(values[..., 0] <= values[..., 1])


# -- hessian_eigen -------------------------------------------------------------


@pytest.mark.parametrize(
    "scale", [1.0, 1e-150, 1e150, 1e-300, 1e300], ids=lambda s: f"scale={s:g}"
)
def test_eigen_agrees_with_eigh_on_random_symmetric_matrices(scale):
    matrices = random_symmetric(2000) * scale
    values, vectors = hessian_eigen(matrices)
    expected = np.linalg.eigh(matrices).eigenvalues
    largest = np.max(np.abs(expected), axis=-1, keepdims=True)
    assert np.all(np.abs(values - expected) <= 8 * EPS * largest)
    assert_eigen_pairs(matrices, values, vectors)


EDGE_CASES = {
    "diagonal": ([[3.0, 0.0], [0.0, -2.0]], [-2.0, 3.0]),
    "repeated": ([[5.0, 0.0], [0.0, 5.0]], [5.0, 5.0]),
    "zero": ([[0.0, 0.0], [0.0, 0.0]], [0.0, 0.0]),
    "rank_one": ([[1.0, 1.0], [1.0, 1.0]], [0.0, 2.0]),
    "tiny_off_diagonal": ([[1.0, 1e-300], [1e-300, 1.0]], [1.0, 1.0]),
    "tiny_eigenvalue_beside_a_large_one": ([[1e-20, 0.0], [0.0, 1.0]], [1e-20, 1.0]),
    "nearly_equal_eigenvalues": (
        [[1.0, 1e-9], [1e-9, 1.0 + 1e-12]],
        [1.0 + 5e-13 - np.hypot(5e-13, 1e-9), 1.0 + 5e-13 + np.hypot(5e-13, 1e-9)],
    ),
    "huge": (
        [[1e300, 1e300], [1e300, -1e300]],
        [-np.sqrt(2) * 1e300, np.sqrt(2) * 1e300],
    ),
    "tiny": ([[3e-300, 0.0], [0.0, 1e-300]], [1e-300, 3e-300]),
}


@pytest.mark.parametrize("case", EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_eigen_edge_cases(case):
    matrix, expected = np.array(case[0]), np.array(case[1])
    values, vectors = hessian_eigen(matrix)
    np.testing.assert_allclose(values, expected, rtol=4 * EPS, atol=0)
    assert_eigen_pairs(matrix, values, vectors)


def test_eigen_keeps_the_relative_accuracy_of_a_small_eigenvalue():
    hessian = quadratic_hessian([1e-12, 1.0], angle=0.0)
    values, _ = hessian_eigen(hessian)
    assert values[0] == pytest.approx(1e-12, rel=1e-12)


def test_eigen_of_a_diagonal_matrix_has_exact_axis_vectors():
    _, vectors = hessian_eigen([[2.0, 0.0], [0.0, 7.0]])
    assert np.abs(vectors).tolist() == [[1.0, 0.0], [0.0, 1.0]]


def test_eigen_reads_the_symmetric_part():
    values, _ = hessian_eigen([[1.0, 2.0], [0.0, 1.0]])
    np.testing.assert_allclose(values, [0.0, 2.0], atol=4 * EPS)


def test_eigen_broadcasts_over_leading_axes():
    matrices = random_symmetric(24).reshape(2, 3, 4, 2, 2)
    values, vectors = hessian_eigen(matrices)
    assert values.shape == (2, 3, 4, 2)
    assert vectors.shape == (2, 3, 4, 2, 2)
    np.testing.assert_allclose(values, np.linalg.eigh(matrices).eigenvalues, atol=1e-14)


def test_eigen_of_a_non_finite_matrix_is_nan_without_warnings():
    values, vectors = hessian_eigen(
        [[[np.nan, 0.0], [0.0, 1.0]], [[np.inf, 1], [1, 0]]]
    )
    assert np.isnan(values).all()
    assert np.isnan(vectors).all()


@pytest.mark.parametrize(
    "bad", [np.zeros(2), np.zeros((3, 3)), np.zeros((4, 2))], ids=["1d", "3x3", "4x2"]
)
def test_eigen_refuses_a_shape_that_is_not_two_by_two(bad):
    with pytest.raises(ValueError, match=r"hessian must have shape \(\.\.\., 2, 2\)"):
        hessian_eigen(bad)


symmetric_entries = st.floats(-1e6, 1e6, allow_nan=False)


@given(symmetric_entries, symmetric_entries, symmetric_entries)
def test_eigen_pairs_hold_for_any_symmetric_matrix(a, b, c):
    matrix = np.array([[a, b], [b, c]])
    values, vectors = hessian_eigen(matrix)
    assert_eigen_pairs(matrix, values, vectors)
    largest = max(abs(a), abs(b), abs(c))
    assert values.sum() == pytest.approx(a + c, abs=8 * EPS * largest)


# -- classification --------------------------------------------------------------


@pytest.mark.parametrize(
    ("point", "kind"),
    HIMMELBLAU_POINTS,
    ids=[f"{kind}@({x:g},{y:g})" for (x, y), kind in HIMMELBLAU_POINTS],
)
def test_himmelblau_critical_points_are_classified(point, kind):
    surface = himmelblau()
    assert classify_hessian(surface.hessian(*point)) == kind
    assert classify_point(surface, *point) == kind


@pytest.mark.parametrize(
    ("surface", "kind"),
    [
        (ROSENBROCK, "minimum"),
        (CAP, "maximum"),
        (SADDLE, "saddle"),
        (MONKEY, "degenerate"),
    ],
    ids=["rosenbrock_minimum", "cap_maximum", "saddle", "monkey_saddle"],
)
def test_classic_critical_points_are_classified(surface, kind):
    point = (1.0, 1.0) if surface is ROSENBROCK else (0.0, 0.0)
    assert classify_point(surface, *point) == kind


def test_classify_point_is_vectorised_and_describes_the_local_shape():
    x = np.array([[-1.5, 1.5], [0.0, np.pi / 2]])
    kinds = classify_point(WAVE, x, 0.0)
    assert kinds.shape == (2, 2)
    assert kinds.tolist() == [["minimum", "saddle"], ["degenerate", "saddle"]]


@pytest.mark.parametrize(
    ("eigenvalues", "tol", "kind"),
    [
        ((1e-7, 1.0), 1e-6, "degenerate"),
        ((1e-7, 1.0), 1e-8, "minimum"),
        ((-1e-7, 1.0), 1e-6, "degenerate"),
        ((-1e-7, 1.0), 1e-8, "saddle"),
        ((-3.0, -1e-3), 1e-6, "maximum"),
    ],
    ids=[
        "small_is_zero",
        "small_counts",
        "negative_small_is_zero",
        "saddle",
        "maximum",
    ],
)
def test_classification_uses_a_relative_tolerance(eigenvalues, tol, kind):
    assert classify_hessian(quadratic_hessian(eigenvalues), tol=tol) == kind


def test_classification_has_an_absolute_floor():
    tiny = quadratic_hessian((1e-11, 3e-11))
    assert classify_hessian(tiny) == "degenerate"
    assert classify_hessian(tiny, atol=0.0) == "minimum"


def test_classification_of_a_stack_is_an_array_of_strings():
    stack = np.stack([quadratic_hessian((1, 2)), quadratic_hessian((-1, 2))])
    kinds = classify_hessian(stack)
    assert isinstance(kinds, np.ndarray)
    assert kinds.tolist() == ["minimum", "saddle"]
    assert isinstance(classify_hessian(stack[0]), str)


def test_classification_refuses_non_finite_hessians():
    stack = np.array([np.eye(2), [[np.nan, 0.0], [0.0, 1.0]]])
    with pytest.raises(ValueError, match=r"hessian must hold finite numbers.*1 of 2"):
        classify_hessian(stack)


@pytest.mark.parametrize(
    ("keyword", "value", "message"),
    [
        ("tol", -1e-3, r"tol must be a number in \[0, 1\), got -0.001"),
        ("tol", 1.0, r"tol must be a number in \[0, 1\), got 1.0"),
        ("atol", -1.0, r"atol must be a finite number >= 0, got -1.0"),
        ("atol", np.inf, r"atol must be a finite number >= 0, got inf"),
    ],
    ids=["negative_tol", "tol_of_one", "negative_atol", "infinite_atol"],
)
def test_tolerances_are_validated(keyword, value, message):
    with pytest.raises(ValueError, match=message):
        classify_hessian(np.eye(2), **{keyword: value})
    with pytest.raises(ValueError, match=message):
        convex_mask(WAVE, 0.0, 0.0, **{keyword: value})


# -- step sizes and conditioning ------------------------------------------------


@pytest.mark.parametrize(
    "angle", [0.0, 0.3, np.pi / 4, 2.0], ids=lambda a: f"angle={a}"
)
def test_quadratic_with_eigenvalues_one_and_ten(angle):
    hessian = quadratic_hessian((1.0, 10.0), angle)
    assert condition_number(hessian) == pytest.approx(10.0, rel=1e-14)
    assert stable_step_size(hessian) == pytest.approx(0.2, rel=1e-14)
    assert sharpness(hessian) == pytest.approx(10.0, rel=1e-14)


def run_gradient_descent(hessian: np.ndarray, lr: float, steps: int = 400) -> float:
    point = np.array([1.0, 1.0])
    for _ in range(steps):
        point = point - lr * hessian @ point
    return float(np.linalg.norm(point))


def test_the_stable_step_size_separates_convergence_from_divergence():
    hessian = quadratic_hessian((1.0, 10.0), angle=0.7)
    limit = stable_step_size(hessian)
    assert run_gradient_descent(hessian, 0.95 * limit) < 1e-6
    assert run_gradient_descent(hessian, 1.05 * limit) > 1e6


def test_rosenbrock_minimum_curvature_matches_published_eigenvalues():
    hessian = ROSENBROCK.hessian(1.0, 1.0)
    values, _ = hessian_eigen(hessian)
    np.testing.assert_allclose(values, [0.399361, 1001.600639], rtol=1e-6)
    assert sharpness(hessian) == pytest.approx(1001.600639, rel=1e-9)
    assert condition_number(hessian) == pytest.approx(1001.600639 / 0.399361, rel=1e-6)


def test_condition_number_is_infinite_only_where_truly_singular():
    assert condition_number([[1.0, 1.0], [1.0, 1.0]]) == np.inf
    assert condition_number(np.zeros((2, 2))) == np.inf
    nearly = condition_number([[1.0, 0.0], [0.0, 1e-15]])
    assert np.isfinite(nearly)
    assert nearly == pytest.approx(1e15)
    assert condition_number([[-4.0, 0.0], [0.0, 2.0]]) == 2.0


def test_stable_step_size_is_unlimited_without_upward_curvature():
    stack = np.array([np.diag([-1.0, -2.0]), np.zeros((2, 2)), np.diag([-1.0, 4.0])])
    assert stable_step_size(stack).tolist() == [np.inf, np.inf, 0.5]


def test_scalar_measures_broadcast_over_a_grid():
    grid = np.linspace(-2, 2, 5)
    hessians = himmelblau().hessian(*np.meshgrid(grid, grid))
    for measure in (condition_number, stable_step_size, sharpness):
        assert measure(hessians).shape == (5, 5)
    values = np.linalg.eigh(hessians).eigenvalues
    np.testing.assert_allclose(sharpness(hessians), values[..., 1], rtol=1e-13)


def test_measures_of_a_nan_matrix_are_nan():
    nan = [[np.nan, 0.0], [0.0, 1.0]]
    assert np.isnan(condition_number(nan))
    assert np.isnan(stable_step_size(nan))
    assert np.isnan(sharpness(nan))


# -- convexity -----------------------------------------------------------------


def test_a_convex_surface_is_convex_everywhere():
    bowl = hand_written(
        "bowl",
        lambda x, y, p: x**4 + y**2,
        lambda x, y, p: (4 * x**3, 2 * y),
        lambda x, y, p: (12 * x**2, 0.0, 2.0),
    )
    grid = np.linspace(-2, 2, 41)
    assert convex_mask(bowl, *np.meshgrid(grid, grid)).all()


def test_the_convex_mask_matches_eigh_on_himmelblau():
    grid = np.linspace(-5, 5, 61)
    X, Y = np.meshgrid(grid, grid)
    mask = convex_mask(himmelblau(), X, Y)
    lowest = np.linalg.eigh(himmelblau().hessian(X, Y)).eigenvalues[..., 0]
    assert mask.shape == X.shape
    assert mask.any()
    assert not mask.all()
    np.testing.assert_array_equal(mask, lowest >= 0)


def test_the_convex_mask_of_a_wave_follows_the_sign_of_sine():
    x = np.linspace(-3, 3, 601)
    mask = convex_mask(WAVE, x, 0.0)
    np.testing.assert_array_equal(mask, np.sin(x) <= 1e-12)


def test_a_flat_direction_with_rounding_noise_stays_convex():
    noisy = quadratic_hessian((-1e-13, 2.0), angle=0.4)
    trough = Surface(
        "trough",
        lambda x, y, p: 0 * x,
        lambda x, y, p: (0 * x, 0 * y),
        lambda x, y, p: (noisy[0, 0], noisy[0, 1], noisy[1, 1]),
        domain=(-1, 1, -1, 1),
    )
    assert convex_mask(trough, 0.0, 0.0)
    assert not convex_mask(trough, 0.0, 0.0, tol=0.0, atol=0.0)


def test_the_convex_mask_is_false_where_the_hessian_is_undefined():
    root = Surface(
        "root",
        lambda x, y, p: np.sqrt(x) + y**2,
        lambda x, y, p: (0.5 / np.sqrt(x), 2 * y),
        lambda x, y, p: (-0.25 * x**-1.5, 0.0, 2.0),
        domain=(-1, 1, -1, 1),
    )
    assert convex_mask(root, [-1.0, 1.0], 0.0).tolist() == [False, False]
    assert convex_mask(MONKEY, [0.0], [0.0]).tolist() == [True]
