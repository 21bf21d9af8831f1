"""The losses a trajectory records: f at every point, for one run or a large batch."""

from __future__ import annotations

import numpy as np
import pytest

from lossviz_widgets.engine import Surface, descend, get_surface
from lossviz_widgets.engine.optimizers import GD, Adam, Momentum


@pytest.mark.parametrize(
    "optimizer", [GD(lr=0.01), Momentum(lr=0.005), Adam(lr=0.05)], ids=repr
)
@pytest.mark.parametrize("name", ["himmelblau", "six_hump_camel", "waves"])
def test_every_recorded_value_is_f_at_the_recorded_point(name, optimizer):
    surface = get_surface(name)

    run = descend(surface, optimizer, (0.3, -0.4), steps=120)

    assert run.diverged_at is None
    np.testing.assert_array_equal(run.values, surface.value_at(run.points))
    # Each step used the gradient at the point before it: GD moves by lr·∇f.
    if isinstance(optimizer, GD):
        steps = np.diff(run.points, axis=0)
        gradients = surface.grad_at(run.points[:-1])
        np.testing.assert_allclose(steps, -0.01 * gradients, rtol=1e-9, atol=1e-15)


def test_a_batch_larger_than_one_evaluation_block_gets_every_value():
    surface = get_surface("convex_bowl")
    starts = np.random.default_rng(3).uniform(-2.0, 2.0, size=(70_000, 2))

    batch = descend(surface, GD(lr=0.1), starts, steps=3)

    assert batch.values.shape == (4, 70_000)
    np.testing.assert_array_equal(batch.values, surface.value_at(batch.points))
    # f = (x² + y²) / 2 shrinks by (1 − lr)² = 0.81 at every step of GD.
    np.testing.assert_allclose(batch.values[1:], 0.81 * batch.values[:-1])


def test_a_constant_surface_records_its_value_at_every_step():
    flat = Surface.from_function(lambda x, y: 2.5, name="flat")

    run = descend(flat, GD(lr=0.1), (0.5, 0.5), steps=4)

    assert run.values.tolist() == [2.5] * 5
    assert run.status == "converged"
