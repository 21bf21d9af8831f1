import json

import numpy as np
import pytest

from lossviz_widgets.engine import descend, get_surface, hessian_eigen
from lossviz_widgets.engine.optimizers import GD
from lossviz_widgets.exercises import EXERCISES
from lossviz_widgets.exercises._terrain import one_weight_loss
from lossviz_widgets.exercises.overparameterization import (
    DEFAULT_STARTS,
    Overparameterization,
)

OFF_DIAGONAL = [(2.0, 0.2), (0.3, 1.9), (-0.5, -1.5), (1.2, -0.4)]


def click(mark, x: float, y: float) -> None:
    """Deliver the message bqplot's Image view sends when clicked."""
    content = {"event": "element_click", "data": {"click_x": x, "click_y": y}}
    mark._handle_custom_msg(content, [])


def answered(exercise: Overparameterization) -> Overparameterization:
    exercise.one_weight_answer.value = "one"
    exercise.two_weight_answer.value = "infinitely many"
    return exercise


# -- the mathematics the exercise rests on --------------------------------------


@pytest.mark.parametrize("start", OFF_DIAGONAL, ids=str)
def test_the_product_of_the_two_weights_ends_at_the_one_weight_minimum(start):
    two = descend(get_surface("linear_network"), GD(lr=0.05), start, steps=400)
    one = descend(one_weight_loss(), GD(lr=0.05), (start[0] * start[1], 0.0), 400)

    w = one.points[-1, 0]
    assert np.allclose(one_weight_loss().grad(w, 0.0), 0.0, atol=1e-9)
    assert w == pytest.approx(1.0, abs=1e-9)
    assert np.prod(two.points[-1]) == pytest.approx(w, abs=1e-6)


def test_different_starts_end_at_different_points_of_the_valley():
    ends = [
        descend(get_surface("linear_network"), GD(lr=0.05), s, 400).points[-1]
        for s in OFF_DIAGONAL
    ]
    gaps = [np.hypot(*(a - b)) for i, a in enumerate(ends) for b in ends[i + 1 :]]
    assert min(gaps) > 0.5


@pytest.mark.parametrize("a", [0.5, 1.0, 2.0, -1.5])
def test_the_hessian_on_the_valley_is_flat_along_it(a):
    surface = get_surface("linear_network")
    values, vectors = hessian_eigen(surface.hessian(a, 1 / a))

    assert values[0] == pytest.approx(0.0, abs=1e-12)
    assert values[1] == pytest.approx(2 * (a**2 + 1 / a**2))
    # The flat direction is the tangent of the hyperbola w₁w₂ = 1 ...
    tangent = np.array([a, -1 / a]) / np.hypot(a, 1 / a)
    assert abs(vectors[:, 0] @ tangent) == pytest.approx(1.0)
    # ... along which the loss grows only at fourth order, by finite differences.
    h = 1e-3
    step = float(surface(a + h * tangent[0], 1 / a + h * tangent[1]))
    assert step < h**3


def test_the_one_weight_loss_has_one_minimum():
    loss = one_weight_loss()
    w = np.linspace(-4, 4, 801)
    values = loss.value(w, 0.0)
    assert np.count_nonzero(values == values.min()) == 1
    assert w[np.argmin(values)] == pytest.approx(1.0)


# -- building and the answer --------------------------------------------------------


def test_the_registry_names_the_class():
    assert EXERCISES["Overparameterization"] == "overparameterization"


def test_defaults_start_on_the_diagonal_and_all_end_at_one_one():
    exercise = Overparameterization()
    answer = exercise.answer

    assert json.loads(json.dumps(answer)) == answer
    assert answer["starts"] == [list(s) for s in DEFAULT_STARTS]
    assert np.allclose(answer["ends"], 1.0)
    assert np.allclose(answer["products"], 1.0)
    assert answer["one_weight_starts"] == pytest.approx([0.09, 0.64, 3.24])
    assert np.allclose(answer["one_weight_ends"], 1.0)
    assert (answer["lr"], answer["steps"]) == (0.05, 200)
    assert answer["minima_one_weight"] == answer["minima_two_weights"] == ""


def test_the_one_weight_figure_draws_each_path_to_w_one():
    exercise = Overparameterization()
    for mark, (w1, w2) in zip(exercise.one_weight_paths, DEFAULT_STARTS, strict=True):
        assert mark.x.dtype == np.float32
        assert mark.x[0] == pytest.approx(w1 * w2)
        assert mark.x[-1] == pytest.approx(1.0)
        assert np.allclose(mark.y, (mark.x.astype(float) - 1) ** 2, atol=1e-5)


# -- the check -------------------------------------------------------------------


def test_the_defaults_fail_with_hints():
    verdict = Overparameterization().check()

    assert verdict.right == ("3 runs reached the valley w₁w₂ = 1",)
    assert verdict.wrong[0] == (
        "every run on the valley ended near (1.000, 1.000): start a run off the "
        "diagonal w₁ = w₂ to land elsewhere on the valley"
    )
    assert verdict.wrong[1].startswith("how many minima has (w − 1)²?")
    assert verdict.wrong[2].startswith("how many minima has (w₁w₂ − 1)²?")


def test_sliders_move_the_chosen_run_and_the_check_passes():
    exercise = answered(Overparameterization())

    exercise.run_choice.value = 1
    exercise.w1_slider.value = 2.0
    exercise.w2_slider.value = 0.2

    assert exercise.model.runs[1].start == (2.0, 0.2)
    assert exercise.model.runs[0].start == DEFAULT_STARTS[0]
    end = exercise.answer["ends"][1]
    assert end[0] > 1.5
    verdict = exercise.check()
    assert verdict.passed
    assert "runs 1 and 2 end at different points" in verdict.right[1]


def test_a_click_moves_the_chosen_run_and_the_sliders_follow():
    exercise = Overparameterization()
    exercise.run_choice.value = 2
    assert exercise.model.selected == 2

    click(exercise.contour.surface_marks.image, -1.5, 0.5)

    assert exercise.starts[2] == (-1.5, 0.5)
    assert (exercise.w1_slider.value, exercise.w2_slider.value) == (-1.5, 0.5)


def test_wrong_answers_are_named():
    exercise = Overparameterization(starts=[(0.3, 0.3), (2.0, 0.2)])
    exercise.one_weight_answer.value = "two"
    exercise.two_weight_answer.value = "one"

    wrong = exercise.check().wrong
    assert len(wrong) == 2
    assert wrong[0].startswith("how many minima has (w − 1)²?")


def test_a_start_on_the_anti_diagonal_stalls_at_the_saddle():
    exercise = answered(Overparameterization(starts=[(0.3, 0.3), (0.5, -0.5)]))

    assert exercise.check().wrong == (
        "only 1 run(s) reached the valley w₁w₂ = 1: run 2 stalled at the saddle "
        "(0, 0), where starts on the line w₁ = −w₂ lead",
    )


def test_the_check_button_fills_the_feedback():
    exercise = answered(Overparameterization(starts=[(0.3, 0.3), (2.0, 0.2)]))

    exercise.check_button.click()

    assert exercise.feedback.value.startswith("<b>All correct.</b>")


# -- the author's settings ---------------------------------------------------------


def test_the_author_sets_starts_lr_and_steps():
    exercise = Overparameterization(starts=[(1, 1), (2, 0.5)], lr=0.02, steps=50)

    assert len(exercise.run_choice.options) == 2
    assert [run.optimizer for run in exercise.model.runs] == [GD(lr=0.02)] * 2
    assert exercise.model.runs[1].trajectory.points.shape == (51, 2)


def test_locked_fixes_the_starts_but_not_the_answers():
    exercise = Overparameterization(locked=True)
    assert exercise.run_choice.disabled
    assert exercise.w1_slider.disabled
    assert exercise.w2_slider.disabled
    assert not exercise.two_weight_answer.disabled

    click(exercise.contour.surface_marks.image, -1.5, 0.5)

    assert exercise.starts == list(DEFAULT_STARTS)
    assert exercise.notice.text == "The starts are fixed in this exercise."

    exercise.starts = [(0.3, 0.3), (2.0, 0.2), (1.8, 1.8)]
    assert exercise.starts[1] == (2.0, 0.2)


def test_unlocked_controls_are_enabled():
    exercise = Overparameterization()
    assert not any(
        w.disabled
        for w in (exercise.run_choice, exercise.w1_slider, exercise.w2_slider)
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"starts": "ab"}, TypeError, "starts must be a sequence of points"),
        ({"starts": [(1, 1)]}, ValueError, "starts must hold 2 to 6 points, got 1"),
        ({"starts": [(0, 0)] * 7}, ValueError, "starts must hold 2 to 6 points"),
        ({"starts": [(1, 1), (3, 0)]}, ValueError, r"starts\[1\] must lie in"),
        ({"starts": [(1, 1), "x"]}, TypeError, r"starts\[1\] must be a point"),
        ({"lr": 0}, ValueError, "lr must be positive, got 0"),
        ({"lr": 0.9}, ValueError, r"lr must lie in \[0, 0.5\], got 0.9"),
        ({"lr": None}, TypeError, "lr must be a number, got None"),
        ({"steps": 5}, ValueError, r"steps must lie in \[10, 5000\]"),
        ({"locked": "yes"}, TypeError, "locked must be True or False"),
    ],
    ids=lambda value: str(value)[:24],
)
def test_bad_arguments_are_refused(kwargs, error, match):
    with pytest.raises(error, match=match):
        Overparameterization(**kwargs)


def test_starts_from_code_must_match_the_runs():
    exercise = Overparameterization()
    with pytest.raises(ValueError, match="starts must hold 3 points, got 2"):
        exercise.starts = [(1, 1), (2, 0.5)]


def test_a_failing_callback_shows_in_the_notice(monkeypatch):
    exercise = Overparameterization()

    def broken():
        raise RuntimeError("no model")

    monkeypatch.setattr(exercise, "_one_weight_runs", broken)
    exercise.w1_slider.value = 1.5

    assert exercise.notice.text == "Error while drawing the runs: no model"
