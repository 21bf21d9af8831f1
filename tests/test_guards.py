import numpy as np
import pytest

from lossviz_widgets.engine import get_surface
from lossviz_widgets.engine.guards import ESCAPED, FINITE, GROWN, OK, Guards, norm


@pytest.fixture
def bowl():
    return get_surface("convex_bowl")  # domain spans 4 around the origin


def test_each_guard_has_its_code(bowl):
    guards = Guards(escape=10.0, growth=100.0)
    points = np.array([[1.0, 1.0], [41.0, 0.0], [0.0, np.inf], [15.0, 15.0]])
    values, grads = bowl.value_at(points), bowl.grad_at(points)
    start = np.ones(4)
    codes = guards.check(bowl, points, values, grads, start)
    # (15, 15) is within 40 of the centre but its loss 225 > 1 + 100 × 2.
    assert codes.tolist() == [OK, ESCAPED, FINITE, GROWN]


def test_checks_work_on_a_whole_history_at_once(bowl):
    guards = Guards()
    history = np.zeros((5, 3, 2))
    history[3, 1] = [np.nan, 0.0]
    values, grads = bowl.value_at(history), bowl.grad_at(history)
    codes = guards.check(bowl, history, values, grads, values[0])
    assert codes.shape == (5, 3)
    assert codes[3, 1] == FINITE
    assert np.count_nonzero(codes) == 1


def test_statuses(bowl):
    guards = Guards(gtol=1e-3, xtol=1e-3)
    status = guards.statuses(
        bowl,
        diverged=np.array([False, False, True]),
        grad_norms=np.array([1e-5, 1.0, 1e-9]),
        start_grad_norms=np.array([1.0, 1.0, 1.0]),
        last_steps=np.array([1e-6, 1e-6, 0.0]),
    )
    assert status.tolist() == ["converged", "moving", "diverged"]


def test_reasons_are_sentences_with_the_thresholds():
    guards = Guards(escape=5.0, growth=1e3)
    assert guards.reason(OK) == ""
    assert "5 domain spans" in guards.reason(ESCAPED)
    assert "1000 times" in guards.reason(GROWN)
    assert "finite number" in guards.reason(FINITE)


@pytest.mark.parametrize("name", ["escape", "growth", "gtol", "xtol"])
@pytest.mark.parametrize("value", [0.0, -1.0, float("inf"), float("nan")])
def test_thresholds_must_be_positive_and_finite(name, value):
    with pytest.raises(ValueError, match=f"{name} must be a positive finite number"):
        Guards(**{name: value})


def test_norm_is_the_length_of_the_last_axis():
    vectors = np.random.default_rng(0).normal(size=(4, 3, 2))
    np.testing.assert_allclose(norm(vectors), np.linalg.norm(vectors, axis=-1))
