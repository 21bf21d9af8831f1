import warnings

import numpy as np
import pytest

from lossviz_widgets.engine.optimizers import GD, SGD, Adam, Newton
from lossviz_widgets.engine.surface import Surface
from lossviz_widgets.engine.trajectory import MAX_STEPS, descend, endpoints


def stiff_quadratic() -> Surface:
    """f = (x² + 10 y²) / 2: Hessian eigenvalues 1 and 10, so 2/λmax = 0.2."""
    return Surface(
        "stiff",
        value=lambda x, y, p: (x**2 + 10 * y**2) / 2,
        gradient=lambda x, y, p: (x, 10 * y),
        hessian=lambda x, y, p: (1.0, 0.0, 10.0),
        domain=(-2, 2, -2, 2),
    )


def banana() -> Surface:
    return Surface(
        "banana",
        value=lambda x, y, p: x**2 + 5 * (y - x**2) ** 2,
        gradient=lambda x, y, p: (2 * x - 20 * x * (y - x**2), 10 * (y - x**2)),
        hessian=lambda x, y, p: (2 - 20 * y + 60 * x**2, -20 * x, 10.0),
        domain=(-2, 2, -1, 3),
    )


def test_single_run_shapes_and_first_point():
    run = descend(stiff_quadratic(), GD(lr=0.05), (1.0, 1.0), steps=30)
    assert run.points.shape == (31, 2)
    assert run.values.shape == run.grad_norms.shape == (31,)
    assert run.step_sizes.shape == (30,)
    assert run.points[0].tolist() == [1.0, 1.0]
    assert run.steps == 30
    assert len(run) == 1
    assert not run.batched


@pytest.mark.parametrize("lr", [0.01, 0.1, 0.19], ids=lambda lr: f"lr={lr}")
def test_gradient_descent_on_a_quadratic_follows_the_closed_form(lr):
    run = descend(stiff_quadratic(), GD(lr=lr), (1.0, -1.0), steps=25)
    k = np.arange(26)
    expected = np.stack([(1 - lr) ** k, -((1 - 10 * lr) ** k)], axis=-1)
    np.testing.assert_allclose(run.points, expected, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(
        run.values, (expected[:, 0] ** 2 + 10 * expected[:, 1] ** 2) / 2, rtol=1e-12
    )
    np.testing.assert_allclose(
        run.step_sizes, np.linalg.norm(np.diff(expected, axis=0), axis=-1), rtol=1e-9
    )


def test_the_stable_step_size_separates_convergence_oscillation_and_divergence():
    surface = stiff_quadratic()
    below = descend(surface, GD(lr=0.19), (0.0, 1.0), steps=2000)
    at = descend(surface, GD(lr=0.2), (0.0, 1.0), steps=2000)
    above = descend(surface, GD(lr=0.21), (0.0, 1.0), steps=2000)

    assert below.status == "converged"
    assert at.status == "moving"
    np.testing.assert_allclose(np.abs(at.points[:, 1]), 1.0)
    assert np.all(np.sign(at.points[1:, 1]) == -np.sign(at.points[:-1, 1]))
    assert above.status == "diverged"
    assert above.diverged_at is not None


def test_a_diverging_run_stops_cleanly_before_anything_overflows():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = descend(banana(), GD(lr=0.1), (-1.5, 1.5), steps=200)
    assert run.status == "diverged"
    assert 2 <= run.diverged_at <= 3
    assert "grew more than" in run.reason
    for array in (run.points, run.values, run.grad_norms, run.step_sizes):
        assert np.all(np.isfinite(array))
    held = run.points[run.diverged_at - 1]
    np.testing.assert_array_equal(
        run.points[run.diverged_at :],
        held[None].repeat(run.steps - run.diverged_at + 1, axis=0),
    )
    assert np.all(run.step_sizes[run.diverged_at - 1 :] == 0)


def test_escaping_the_domain_counts_as_divergence():
    drift = Surface(
        "drift",
        value=lambda x, y, p: -x,
        gradient=lambda x, y, p: (-1.0, 0.0),
        hessian=lambda x, y, p: (0.0, 0.0, 0.0),
        domain=(-1, 1, -1, 1),
    )
    run = descend(drift, GD(lr=1.0), (0.0, 0.0), steps=1000, escape=10.0)
    # The domain spans 2, so the run escapes past 20 units from the centre.
    assert run.diverged_at == 21
    assert run.points[-1].tolist() == [20.0, 0.0]
    assert "farther than 10 domain spans" in run.reason


def test_a_start_where_the_surface_is_undefined_is_diverged_at_step_zero():
    logarithm = Surface.from_function(
        lambda x, y: np.log(x) + y**2, domain=(0, 2, -1, 1)
    )
    run = descend(logarithm, GD(lr=0.1), (-1.0, 0.5), steps=5)
    assert run.diverged_at == 0
    assert "finite number" in run.reason
    assert np.all(np.isfinite(run.values))


def test_a_run_into_undefined_territory_is_held_at_its_last_finite_point():
    logarithm = Surface.from_function(lambda x, y: -np.log(x), domain=(0, 2, -1, 1))
    run = descend(logarithm, GD(lr=1.0), (0.5, 0.0), steps=5)
    # x grows by 1/x each step, so it never leaves the real line: no divergence.
    assert run.diverged_at is None
    sink = Surface.from_function(lambda x, y: np.log(x), domain=(0, 2, -1, 1))
    run = descend(sink, GD(lr=1.0), (0.5, 0.0), steps=5)
    assert run.diverged_at == 1
    assert run.points[-1].tolist() == [0.5, 0.0]


def test_a_batch_equals_its_runs_taken_one_at_a_time():
    surface = banana()
    starts = np.array([[-1.5, 1.5], [0.5, 2.0], [1.8, -0.5], [0.0, 0.0]])
    batch = descend(surface, Adam(lr=0.3), starts, steps=60)
    assert batch.points.shape == (61, 4, 2)
    assert len(batch) == 4
    for i, start in enumerate(starts):
        alone = descend(surface, Adam(lr=0.3), start, steps=60)
        np.testing.assert_array_equal(batch[i].points, alone.points)
        np.testing.assert_array_equal(batch[i].values, alone.values)
        assert batch[i].status == alone.status
        assert batch.diverged_at[i] == alone.diverged_at


def test_a_batch_mixing_diverging_and_converging_runs():
    batch = descend(stiff_quadratic(), GD(lr=0.15), [[0.0, 1.0], [1.0, 0.0]], 400)
    assert batch.status == ("converged", "converged")
    batch = descend(stiff_quadratic(), GD(lr=0.25), [[0.0, 1.0], [1.0, 0.0]], 400)
    assert batch.status == ("diverged", "converged")
    assert batch.diverged_at[1] is None
    assert isinstance(batch.diverged_at[0], int)
    assert batch.reason[1] == ""


def test_zero_steps_returns_the_start_alone():
    run = descend(stiff_quadratic(), GD(lr=0.1), (1.0, 1.0), steps=0)
    assert run.points.tolist() == [[1.0, 1.0]]
    assert run.step_sizes.shape == (0,)
    assert run.values.tolist() == [5.5]


def test_newton_receives_the_hessian():
    run = descend(stiff_quadratic(), Newton(lr=1.0, damping=0.0), (1.0, 1.0), 3)
    np.testing.assert_allclose(run.points[1], [0.0, 0.0], atol=1e-15)
    assert run.status == "converged"


def test_a_start_outside_the_domain_still_runs():
    run = descend(stiff_quadratic(), GD(lr=0.1), (5.0, 0.0), steps=200)
    assert run.status == "converged"
    np.testing.assert_allclose(run.points[-1], [0.0, 0.0], atol=1e-8)


def test_endpoints_agree_with_the_last_row_of_descend():
    surface = banana()
    starts = np.random.default_rng(3).uniform(-2, 2, size=(50, 2))
    full = descend(surface, SGD(lr=0.01, momentum=0.9), starts, steps=150)
    ends = endpoints(surface, SGD(lr=0.01, momentum=0.9), starts, steps=150)
    np.testing.assert_array_equal(ends.points, full.points[-1])
    np.testing.assert_array_equal(ends.values, full.values[-1])
    np.testing.assert_array_equal(ends.grad_norms, full.grad_norms[-1])
    assert tuple(ends.status) == full.status
    expected = [-1 if d is None else d for d in full.diverged_at]
    assert ends.diverged_at.tolist() == expected


@pytest.mark.parametrize(
    ("start", "match"),
    [
        ((1.0,), r"one point \(x, y\) or an array of shape \(N, 2\)"),
        ([[1.0, 2.0, 3.0]], r"array of shape \(N, 2\)"),
        (np.empty((0, 2)), "N >= 1"),
        ("origin", r"one point \(x, y\)"),
        ((np.nan, 0.0), "must hold finite numbers"),
    ],
    ids=["one-number", "three-columns", "empty", "text", "nan"],
)
def test_bad_starts_are_refused(start, match):
    with pytest.raises(ValueError, match=match):
        descend(stiff_quadratic(), GD(lr=0.1), start, steps=3)


@pytest.mark.parametrize(
    ("steps", "error", "match"),
    [
        (-1, ValueError, rf"steps must lie in \[0, {MAX_STEPS}\], got -1"),
        (MAX_STEPS + 1, ValueError, "steps must lie in"),
        (2.5, TypeError, "steps must be a whole number, got 2.5"),
        (True, TypeError, "steps must be a whole number, got True"),
    ],
    ids=["negative", "too-many", "fraction", "bool"],
)
def test_bad_step_counts_are_refused(steps, error, match):
    with pytest.raises(error, match=match):
        descend(stiff_quadratic(), GD(lr=0.1), (1.0, 1.0), steps=steps)


def test_bad_surfaces_optimizers_and_tolerances_are_refused():
    with pytest.raises(TypeError, match="surface must be a Surface"):
        descend("banana", GD(lr=0.1), (1.0, 1.0))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"optimizer must be an Optimizer such as GD"):
        endpoints(banana(), "adam", [(1.0, 1.0)])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="escape must be a positive finite number"):
        descend(banana(), GD(lr=0.1), (1.0, 1.0), escape=0)
    with pytest.raises(ValueError, match="gtol must be a positive finite number"):
        descend(banana(), GD(lr=0.1), (1.0, 1.0), gtol=float("nan"))


def test_only_batches_can_be_indexed():
    run = descend(stiff_quadratic(), GD(lr=0.1), (1.0, 1.0), steps=2)
    with pytest.raises(TypeError, match="only a batch of runs can be indexed"):
        run[0]


def test_the_last_good_step_of_a_run():
    surface = stiff_quadratic()
    assert descend(surface, GD(lr=0.1), (1.0, 1.0), steps=7).last_good_step == 7
    diverged = descend(surface, GD(lr=0.5), (0.0, 1.0), steps=50)
    assert diverged.last_good_step == diverged.diverged_at - 1
    undefined = Surface.from_function(lambda x, y: np.log(x), domain=(0, 2, -1, 1))
    assert descend(undefined, GD(lr=0.1), (-1.0, 0.0), 5).last_good_step == -1
    batch = descend(surface, GD(lr=0.1), [[1.0, 1.0], [0.0, 1.0]], steps=3)
    with pytest.raises(TypeError, match="index the batch first"):
        _ = batch.last_good_step
