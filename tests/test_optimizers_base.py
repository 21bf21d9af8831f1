"""The optimizer interface: batches, purity, state and input checks."""

import dataclasses

import numpy as np
import pytest

from lossviz_widgets.engine.optimizers import (
    GD,
    SGD,
    Adam,
    AdamState,
    NAdam,
    Newton,
    NoisyGD,
    State,
    make_optimizer,
    optimizer_names,
)

STARTS = np.array([[1.2, -0.4], [-1.5, 0.9], [0.3, 0.3], [2.0, -1.7], [-0.1, 1.4]])


def gradient(points):
    """Gradient of f = x⁴/4 − x² + x y + y²/2, which has a saddle and two minima."""
    x, y = points[:, 0], points[:, 1]
    return np.stack([x**3 - 2 * x + y, x + y], axis=-1)


def hessian(points):
    x = points[:, 0]
    ones = np.ones_like(x)
    rows = [np.stack([3 * x**2 - 2, ones], -1), np.stack([ones, ones], -1)]
    return np.stack(rows, axis=-2)


def lively(name):
    """The optimizer ``name`` with options switched on and a visible step size."""
    options = {
        "gd": {"lr": 0.05},
        "momentum": {"lr": 0.05},
        "nesterov": {"lr": 0.05},
        "sgd": {"lr": 0.05, "momentum": 0.7, "dampening": 0.2, "weight_decay": 0.1},
        "adagrad": {"lr": 0.2, "lr_decay": 0.1},
        "rmsprop": {"lr": 0.02, "momentum": 0.5, "centered": True},
        "adam": {"lr": 0.05, "amsgrad": True},
        "adamw": {"lr": 0.05, "weight_decay": 0.2},
        "nadam": {"lr": 0.05, "decoupled_weight_decay": True, "weight_decay": 0.1},
        "newton": {"lr": 0.5, "damping": 0.1},
        "noisy_gd": {"lr": 0.05, "noise": 0.5},
    }
    return make_optimizer(name, **options[name])


def run(optimizer, starts, steps=8):
    points = np.array(starts, dtype=float)
    state = optimizer.init(points)
    for _ in range(steps):
        points, state = optimizer.update(
            state, points, gradient(points), hessian(points)
        )
    return points, state


DETERMINISTIC = [name for name in optimizer_names() if name != "noisy_gd"]


@pytest.mark.parametrize("name", DETERMINISTIC)
def test_a_batch_moves_each_point_as_if_it_were_alone(name):
    optimizer = lively(name)
    together, _ = run(optimizer, STARTS)
    alone = np.concatenate([run(optimizer, start[None, :])[0] for start in STARTS])
    np.testing.assert_array_equal(together, alone)
    assert not np.allclose(together, STARTS)


@pytest.mark.parametrize("name", optimizer_names())
def test_update_never_modifies_its_inputs(name):
    optimizer = lively(name)
    points = STARTS.copy()
    _, state = run(optimizer, points, steps=2)
    grad, second = gradient(points), hessian(points)
    before = {
        field.name: np.copy(getattr(state, field.name))
        for field in dataclasses.fields(state)
    }

    new_points, new_state = optimizer.update(state, points, grad, second)

    np.testing.assert_array_equal(points, STARTS)
    np.testing.assert_array_equal(grad, gradient(STARTS))
    np.testing.assert_array_equal(second, hessian(STARTS))
    for field, value in before.items():
        np.testing.assert_array_equal(getattr(state, field), value)
    assert new_state.step == state.step + 1
    assert new_points is not points


@pytest.mark.parametrize("name", optimizer_names())
def test_states_are_frozen_and_start_at_step_zero(name):
    optimizer = lively(name)
    state = optimizer.init(STARTS)
    assert isinstance(state, State)
    assert isinstance(state, optimizer.state_type)
    assert state.step == 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        state.step = 3


def test_a_state_can_be_replayed_to_branch_a_run():
    adam = Adam(lr=0.1)
    points, state = run(adam, STARTS, steps=3)
    first, _ = adam.update(state, points, gradient(points))
    again, _ = adam.update(state, points, gradient(points))
    np.testing.assert_array_equal(first, again)


def test_lists_are_accepted_as_points_and_gradients():
    points, _ = GD(lr=0.5).update(GD().init([[1.0, 2.0]]), [[1, 2]], [[2, 4]])
    assert points.tolist() == [[0.0, 0.0]]
    assert points.dtype == np.float64


def test_overflow_in_a_diverging_run_raises_no_warning():
    huge, huger = np.array([[1e200, -1e200]]), np.array([[1e300, -1e300]])
    # g² overflows to inf, so Adam's step m / √v is zero.
    points, _ = Adam().update(Adam().init(huge), huge, huger)
    np.testing.assert_array_equal(points, huge)
    points, _ = SGD(lr=1e10).update(SGD().init(huge), huge, huger)
    assert np.isinf(points).all()


def test_an_exactly_zero_gradient_with_zero_eps_does_not_move():
    origin = np.zeros((2, 2))
    for optimizer in (Adam(eps=0.0), NAdam(eps=0.0)):
        points, _ = optimizer.update(optimizer.init(origin), origin, origin)
        np.testing.assert_array_equal(points, origin)


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ([1.0, 2.0], r"points must have shape \(N, 2\), got shape \(2,\)"),
        (np.zeros((2, 3)), r"points must have shape \(N, 2\), got shape \(2, 3\)"),
        (np.zeros((1, 2, 2)), r"points must have shape \(N, 2\), got shape"),
    ],
    ids=["one-point", "three-columns", "three-axes"],
)
def test_init_rejects_points_of_the_wrong_shape(points, message):
    with pytest.raises(ValueError, match=message):
        Adam().init(points)


def test_update_rejects_a_gradient_of_another_shape():
    state = GD().init(STARTS)
    with pytest.raises(
        ValueError,
        match=r"grad must have shape \(5, 2\) like the points, got \(4, 2\)",
    ):
        GD().update(state, STARTS, gradient(STARTS[:4]))


def test_update_rejects_the_state_of_another_optimizer():
    with pytest.raises(
        TypeError,
        match=r"state must be the AdamState that Adam\.init returns, got SGDState",
    ):
        Adam().update(SGD().init(STARTS), STARTS, gradient(STARTS))


def test_update_rejects_the_state_of_another_batch():
    state = Adam().init(STARTS[:2])
    with pytest.raises(
        ValueError,
        match=r"state.exp_avg has shape \(2, 2\) but the points have shape \(5, 2\)",
    ):
        Adam().update(state, STARTS, gradient(STARTS))


def test_newton_asks_for_the_hessian():
    newton = Newton()
    state = newton.init(STARTS)
    with pytest.raises(
        ValueError, match=r"Newton needs the hessian, of shape \(N, 2, 2\)"
    ):
        newton.update(state, STARTS, gradient(STARTS))
    with pytest.raises(
        ValueError, match=r"hessian must have shape \(5, 2, 2\) like the points"
    ):
        newton.update(state, STARTS, gradient(STARTS), np.eye(2))


def test_only_newton_needs_the_hessian():
    needing = [name for name in optimizer_names() if make_optimizer(name).needs_hessian]
    assert needing == ["newton"]


def test_the_state_carries_the_arrays_of_its_optimizer():
    state = Adam().init(STARTS)
    assert isinstance(state, AdamState)
    assert {f.name for f in dataclasses.fields(state)} == {
        "step",
        "exp_avg",
        "exp_avg_sq",
        "max_exp_avg_sq",
    }
    assert NoisyGD().init(STARTS).step == 0
