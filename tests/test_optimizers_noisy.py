"""Gradient descent with Gaussian gradient noise, reproducible by seed."""

import numpy as np
import pytest

from lossviz_widgets.engine.optimizers import GD, NoisyGD

STARTS = np.array([[1.0, -1.0], [0.5, 2.0], [-1.5, 0.2], [0.0, 0.0]])


def path(optimizer, starts, steps=10):
    points = np.array(starts, dtype=float)
    state = optimizer.init(points)
    visited = []
    for _ in range(steps):
        points, state = optimizer.update(state, points, 2 * points)
        visited.append(points)
    return np.array(visited)


def test_the_same_seed_gives_the_same_path():
    first = path(NoisyGD(lr=0.1, noise=0.5, seed=11), STARTS)
    again = path(NoisyGD(lr=0.1, noise=0.5, seed=11), STARTS)
    np.testing.assert_array_equal(first, again)


def test_another_seed_gives_another_path():
    first = path(NoisyGD(lr=0.1, noise=0.5, seed=11), STARTS)
    other = path(NoisyGD(lr=0.1, noise=0.5, seed=12), STARTS)
    assert (np.abs(first - other) > 1e-6).all()


def test_the_noise_of_step_t_comes_from_the_seed_and_t():
    lr, noise, seed = 0.1, 0.5, 11
    optimizer = NoisyGD(lr=lr, noise=noise, seed=seed)
    points = STARTS.copy()
    state = optimizer.init(points)
    for t in range(3):
        xi = np.random.default_rng([seed, t]).standard_normal(points.shape)
        expected = points - lr * (2 * points + noise * xi)
        points, state = optimizer.update(state, points, 2 * points)
        np.testing.assert_array_equal(points, expected)
    assert state.step == 3


@pytest.mark.parametrize("size", [1, 2, 3], ids=lambda n: f"first-{n}")
def test_the_first_points_of_a_batch_ignore_the_points_after_them(size):
    whole = path(NoisyGD(lr=0.1, noise=0.5, seed=4), STARTS)
    part = path(NoisyGD(lr=0.1, noise=0.5, seed=4), STARTS[:size])
    np.testing.assert_array_equal(part, whole[:, :size])


def test_without_noise_it_is_gradient_descent():
    np.testing.assert_array_equal(
        path(NoisyGD(lr=0.1, noise=0.0), STARTS), path(GD(lr=0.1), STARTS)
    )


def test_the_noise_has_the_requested_scale():
    lr, noise = 0.1, 2.0
    flat = np.zeros((20_000, 2))
    optimizer = NoisyGD(lr=lr, noise=noise, seed=5)
    moved, _ = optimizer.update(optimizer.init(flat), flat, flat)
    xi = -moved / (lr * noise)
    assert abs(xi.mean()) < 0.02
    assert abs(xi.std() - 1.0) < 0.02
    assert abs(np.corrcoef(xi.T)[0, 1]) < 0.03


def test_a_replayed_state_repeats_its_noise():
    optimizer = NoisyGD(lr=0.1, noise=1.0, seed=2)
    points = STARTS.copy()
    state = optimizer.init(points)
    points, state = optimizer.update(state, points, 2 * points)
    first, _ = optimizer.update(state, points, 2 * points)
    second, _ = optimizer.update(state, points, 2 * points)
    np.testing.assert_array_equal(first, second)
