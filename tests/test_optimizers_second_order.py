"""Newton's method with the absolute Hessian, and the 2×2 solve behind it."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lossviz_widgets.engine.optimizers import Newton
from lossviz_widgets.engine.optimizers.second_order import saddle_free_solve

# Rosenbrock's Hessian at its minimum (eigenvalues 0.399361 and 1001.600639).
ROSENBROCK_AT_MINIMUM = [[802.0, -400.0], [-400.0, 200.0]]

QUADRATICS = {
    "round": [[2.0, 0.0], [0.0, 2.0]],
    "axis-aligned": [[1.0, 0.0], [0.0, 10.0]],
    "rotated": [[3.0, 1.5], [1.5, 2.0]],
    "rosenbrock-at-minimum": ROSENBROCK_AT_MINIMUM,
}


def eigen_solve(hessian, grad, damping):
    """Reference: V diag(1 / (|λ| + damping)) Vᵀ g by numpy's eigh."""
    eigenvalues, vectors = np.linalg.eigh(hessian)
    coordinates = np.einsum("nij,ni->nj", vectors, grad)
    weights = np.abs(eigenvalues) + damping
    scaled = np.divide(
        coordinates, weights, out=np.zeros_like(coordinates), where=weights > 0
    )
    return np.einsum("nij,nj->ni", vectors, scaled)


def newton_step(optimizer, points, grad, hessian):
    state = optimizer.init(points)
    new_points, _ = optimizer.update(state, points, grad, hessian)
    return new_points


@pytest.mark.parametrize("A", QUADRATICS.values(), ids=QUADRATICS.keys())
def test_one_undamped_step_lands_on_a_quadratics_minimum(A):
    A = np.array(A)
    center = np.array([0.7, -1.3])
    starts = np.array([[3.0, 2.0], [-2.5, 0.4], [0.7, 5.0]])
    grad = (starts - center) @ A
    hessian = np.broadcast_to(A, (3, 2, 2))
    landed = newton_step(Newton(lr=1.0, damping=0.0), starts, grad, hessian)
    np.testing.assert_allclose(landed, np.broadcast_to(center, (3, 2)), atol=1e-12)


def test_the_rosenbrock_hessian_has_its_published_eigenvalues():
    # |H| = H for a positive definite H, so the solve inverts H; its
    # eigen-directions are scaled by 1 / 0.399361 and 1 / 1001.600639.
    H = np.array([ROSENBROCK_AT_MINIMUM])
    eigenvalues, vectors = np.linalg.eigh(H[0])
    np.testing.assert_allclose(eigenvalues, [0.399361, 1001.600639], atol=1e-6)
    for value, vector in zip(eigenvalues, vectors.T, strict=True):
        solved = saddle_free_solve(H, vector[None, :], damping=0.0)
        np.testing.assert_allclose(solved[0], vector / value, rtol=1e-9)


def test_at_a_saddle_it_moves_away_along_the_negative_curvature():
    # f = x² − y²: pure Newton would jump to the saddle at the origin.
    newton = Newton(lr=1.0, damping=0.0)
    points = np.array([[0.5, 0.1], [-0.3, -0.2]])
    hessian = np.broadcast_to(np.diag([2.0, -2.0]), (2, 2, 2))
    state = newton.init(points)
    for _ in range(5):
        grad = np.stack([2 * points[:, 0], -2 * points[:, 1]], axis=-1)
        points, state = newton.update(state, points, grad, hessian)
    np.testing.assert_allclose(points[:, 0], 0.0, atol=1e-15)
    np.testing.assert_allclose(points[:, 1], [0.1 * 2**5, -0.2 * 2**5])


def test_on_a_concave_bowl_it_descends_instead_of_climbing_to_the_top():
    # f = −(x² + y²): the step goes away from the maximum at the origin.
    points = np.array([[1.0, -2.0]])
    hessian = np.array([np.diag([-2.0, -2.0])])
    moved = newton_step(Newton(damping=0.0), points, -2 * points, hessian)
    np.testing.assert_allclose(moved, 2 * points)


def test_damping_matches_a_levenberg_solve_for_a_positive_definite_hessian():
    A = np.array([[3.0, 1.5], [1.5, 2.0]])
    grad = np.array([[1.0, -2.0]])
    damped = saddle_free_solve(A[None], grad, damping=0.5)
    np.testing.assert_allclose(damped[0], np.linalg.solve(A + 0.5 * np.eye(2), grad[0]))


@pytest.mark.parametrize(
    ("hessian", "grad", "expected"),
    [
        ([[2.0, 0.0], [0.0, 0.0]], [2.0, 3.0], [1.0, 0.0]),
        ([[0.0, 0.0], [0.0, 0.0]], [2.0, 3.0], [0.0, 0.0]),
        ([[1.0, 1.0], [1.0, 1.0]], [1.0, 1.0], [0.5, 0.5]),
        ([[4.0, 0.0], [0.0, 4.0]], [2.0, -1.0], [0.5, -0.25]),
    ],
    ids=["flat-direction", "zero-hessian", "singular-rotated", "equal-eigenvalues"],
)
def test_flat_directions_get_no_step_without_damping(hessian, grad, expected):
    solved = saddle_free_solve(np.array([hessian]), np.array([grad]), damping=0.0)
    np.testing.assert_allclose(solved[0], expected, atol=1e-15)


def test_the_step_scales_with_the_learning_rate():
    points = np.array([[1.0, 1.0], [2.0, -1.0]])
    grad = np.array([[0.5, 2.0], [-1.0, 0.3]])
    hessian = np.broadcast_to([[3.0, 1.0], [1.0, -2.0]], (2, 2, 2))
    full = points - newton_step(Newton(lr=1.0), points, grad, hessian)
    fifth = points - newton_step(Newton(lr=0.2), points, grad, hessian)
    np.testing.assert_allclose(fifth, 0.2 * full, rtol=1e-14)


symmetric_entries = arrays(
    np.float64,
    (16, 3),
    elements=st.floats(-1e3, 1e3, allow_nan=False, allow_subnormal=False),
)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(entries=symmetric_entries, damping=st.sampled_from([1e-3, 0.1, 10.0]))
def test_the_closed_form_agrees_with_an_eigen_decomposition(entries, damping):
    hxx, hxy, hyy = entries.T
    hessian = np.stack([np.stack([hxx, hxy], -1), np.stack([hxy, hyy], -1)], axis=-2)
    grad = np.stack([np.ones(16), np.linspace(-2, 2, 16)], axis=-1)
    expected = eigen_solve(hessian, grad, damping)
    error = np.abs(saddle_free_solve(hessian, grad, damping) - expected).max(axis=-1)
    # Both eigenvalue routes err by a few ulps of ‖H‖, and 1 / (|λ| + damping)
    # turns an error δ into δ / damping²: that is the conditioning of the solve.
    size = np.abs(entries).max(axis=-1) + damping
    bound = 16 * np.finfo(float).eps * size * np.abs(grad).max(axis=-1) / damping**2
    assert (error <= bound + 1e-15).all()
