from __future__ import annotations

import json

import numpy as np
import pytest
import traitlets

from lossviz_widgets.engine import descend, stable_step_size
from lossviz_widgets.engine.optimizers import GD
from lossviz_widgets.exercises import step_size as step_size_module
from lossviz_widgets.exercises._concepts import descent_behaviour, quadratic_bowl
from lossviz_widgets.exercises.step_size import CurvatureStepSize

# -- the mathematics ---------------------------------------------------------------


@pytest.mark.parametrize("lr", [0.05, 0.15, 0.2, 0.21], ids=str)
def test_each_step_multiplies_the_distance_along_an_axis_by_one_minus_lr_lambda(lr):
    # On (λ₁x² + λ₂y²)/2 gradient descent gives x_k = (1 − lr·λ₁)^k x₀, and
    # the same along y with λ₂: past 2/λ₂ the y factor is below −1.
    surface = quadratic_bowl(1.0, 10.0)

    run = descend(surface, GD(lr=lr), (-2.5, 2.0), steps=40)

    k = np.arange(41)
    assert run.points[:, 0] == pytest.approx(-2.5 * (1 - lr) ** k, rel=1e-12)
    assert run.points[:, 1] == pytest.approx(2.0 * (1 - 10 * lr) ** k, rel=1e-12)


def test_the_quadratic_has_the_eigenvalues_it_is_given():
    surface = quadratic_bowl(3.0, 0.5)

    assert surface.hessian(1.0, -2.0).tolist() == [[3.0, 0.0], [0.0, 0.5]]
    assert surface.grad(1.0, -2.0).tolist() == [3.0, -1.0]
    assert float(surface(1.0, -2.0)) == 2.5
    assert stable_step_size(surface.hessian(0.0, 0.0)) == pytest.approx(2 / 3)
    assert surface.convex is True


@pytest.mark.parametrize(
    ("eigenvalues", "lr", "behaviour"),
    [
        ((1.0, 10.0), 0.1999, "converges"),
        ((1.0, 10.0), 0.2, "oscillates"),
        ((1.0, 10.0), 0.2001, "diverges"),
        ((50.0, 2.0), 0.0399, "converges"),
        ((50.0, 2.0), 0.04, "oscillates"),
        ((50.0, 2.0), 0.041, "diverges"),
        ((0.1, 0.1), 1e-3, "converges"),
    ],
    ids=[
        "below",
        "at",
        "above",
        "steep-x-below",
        "steep-x-at",
        "steep-x-above",
        "slow",
    ],
)
def test_the_behaviour_follows_the_steepest_direction(eigenvalues, lr, behaviour):
    surface = quadratic_bowl(*eigenvalues)

    run = descend(surface, GD(lr=lr), (-2.5, 2.0), steps=200)

    assert descent_behaviour(run, surface.hessian(0.0, 0.0), (0.0, 0.0)) == behaviour


def test_a_start_on_the_gentle_axis_is_followed_by_its_distance():
    surface = quadratic_bowl(1.0, 10.0)

    run = descend(surface, GD(lr=0.2), (-2.5, 0.0), steps=200)

    assert descent_behaviour(run, surface.hessian(0.0, 0.0), (0.0, 0.0)) == "converges"


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        (0.0, 1.0, "eigenvalue first must be a positive number, got 0.0"),
        (1.0, np.inf, "eigenvalue second must be a positive number, got inf"),
    ],
    ids=["zero", "infinite"],
)
def test_a_bad_eigenvalue_is_refused(first, second, message):
    with pytest.raises(ValueError, match=message):
        quadratic_bowl(first, second)


# -- the published fact through the widget --------------------------------------------


@pytest.mark.parametrize(
    ("lr", "behaviour", "status"),
    [
        (0.1, "converges", "converged"),
        (0.19, "converges", "converged"),
        (0.2, "oscillates", "moving"),
        (0.21, "diverges", "diverged"),
        (0.3, "diverges", "diverged"),
    ],
    ids=str,
)
def test_eigenvalues_1_and_10_converge_below_0_2_oscillate_at_it_diverge_above(
    lr, behaviour, status
):
    exercise = CurvatureStepSize(eigenvalues=(1.0, 10.0))

    exercise.lr_slider.value = lr

    answer = exercise.answer
    assert answer["stable_lr"] == 0.2
    assert answer["behaviour"] == behaviour
    assert answer["status"] == status
    assert f"the run <b>{behaviour}</b>" in exercise.summary.value
    if behaviour == "oscillates":
        steep = exercise.run.trajectory.points[:, 1]
        assert np.abs(steep) == pytest.approx(2.0, rel=1e-12)
        assert np.all(np.sign(steep[1:]) == -np.sign(steep[:-1]))
    if status == "diverged":
        assert "above 2/λmax = 0.2 at the start" in exercise.run.message
        assert exercise.run.message in exercise.summary.value


# -- building and the answer ------------------------------------------------------


def test_it_builds_with_defaults_and_the_answer_is_plain_data():
    exercise = CurvatureStepSize()

    answer = exercise.answer
    assert answer == json.loads(json.dumps(answer))
    assert answer == {
        "eigenvalues": [1.0, 10.0],
        "stable_lr": 0.2,
        "lr": 0.05,
        "status": exercise.run.trajectory.status,
        "behaviour": "converges",
    }
    assert "2/λmax = <b>0.2</b>" in exercise.summary.value
    assert exercise.model.steps == 200
    assert exercise.run.start == (-2.5, 2.0)
    assert exercise.view.run_marks[exercise.run].link is not None
    assert exercise.curves.links
    assert exercise.notice.text == ""


def test_the_sliders_set_the_curvatures_and_the_rate():
    exercise = CurvatureStepSize()

    exercise.curvature_sliders[0].value = 40.0
    exercise.lr_slider.value = 0.049

    assert exercise.eigenvalues == (40.0, 10.0)
    assert exercise.lr == 0.049
    assert exercise.run.optimizer.lr == 0.049
    assert exercise.model.surface.hessian(0.0, 0.0).tolist() == [
        [40.0, 0.0],
        [0.0, 10.0],
    ]
    assert exercise.answer["stable_lr"] == 0.05
    assert exercise.check().passed


def test_traits_set_from_code_move_the_sliders():
    exercise = CurvatureStepSize()

    exercise.eigenvalues = (2.0, 0.5)
    exercise.lr = 0.95

    assert [s.value for s in exercise.curvature_sliders] == [2.0, 0.5]
    assert exercise.lr_slider.value == 0.95
    assert exercise.answer["stable_lr"] == 1.0
    assert exercise.answer["behaviour"] == "converges"


def test_a_new_rate_sends_the_new_path_as_float32(wire):
    exercise = CurvatureStepSize()
    path = exercise.view.run_marks[exercise.run].path
    wire.reset()

    exercise.lr = 0.15

    sent = [m for m in wire.updates(path) if "x" in m.state]
    assert sent
    assert path.x.dtype == np.float32
    assert path.y[1] == pytest.approx(2.0 * (1 - 1.5), rel=1e-6)
    assert wire.updates(exercise.summary)


# -- checking ----------------------------------------------------------------------


def test_a_rate_just_below_the_limit_passes():
    exercise = CurvatureStepSize()
    exercise.lr = 0.19

    verdict = exercise.check()

    assert verdict.passed
    assert verdict.right == (
        "lr = 0.19 lies less than 10% below 2/λmax = 0.2.",
        "The run converges.",
    )


def test_a_rate_far_below_the_limit_fails():
    exercise = CurvatureStepSize()
    exercise.lr = 0.1

    verdict = exercise.check()

    assert verdict.right == ("The run converges.",)
    assert verdict.wrong == (
        "lr = 0.1 lies 50% below 2/λmax = 0.2: raise it until it lies less than 10% "
        "below.",
    )


@pytest.mark.parametrize(
    ("lr", "behaviour"), [(0.2, "oscillates"), (0.25, "diverges")], ids=str
)
def test_a_rate_at_or_above_the_limit_fails(lr, behaviour):
    exercise = CurvatureStepSize()
    exercise.lr = lr

    verdict = exercise.check()

    assert verdict.right == ()
    assert verdict.wrong[0].startswith(f"lr = {lr:g} is not below 2/λmax = 0.2")
    assert verdict.wrong[1] == f"The run {behaviour} instead of converging."


def test_the_check_button_fills_the_feedback():
    exercise = CurvatureStepSize()
    exercise.lr = 0.3

    exercise.check_button.click()

    assert exercise.feedback.value.startswith("<b>Not yet.</b>")
    assert "is not below 2/λmax" in exercise.feedback.value


# -- author settings ----------------------------------------------------------------


def test_the_author_sets_the_bowl_the_rate_the_steps_and_the_start():
    exercise = CurvatureStepSize(
        eigenvalues=(4.0, 0.5), lr=0.45, steps=500, start=(1.0, -1.0)
    )

    assert exercise.answer["eigenvalues"] == [4.0, 0.5]
    assert exercise.answer["stable_lr"] == 0.5
    assert exercise.answer["lr"] == 0.45
    assert exercise.model.steps == 500
    assert exercise.run.trajectory.points[0].tolist() == [1.0, -1.0]
    assert exercise.check().passed


def test_locked_fixes_the_curvatures_and_leaves_the_rate_open():
    exercise = CurvatureStepSize(locked=True)

    assert all(slider.disabled for slider in exercise.curvature_sliders)
    assert not exercise.lr_slider.disabled
    assert not any(s.disabled for s in CurvatureStepSize().curvature_sliders)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"eigenvalues": 10.0}, TypeError, r"eigenvalues must be a pair \(λ₁, λ₂\)"),
        ({"eigenvalues": (1.0, 500.0)}, ValueError, r"λ₂ must lie in \[0.1, 100\]"),
        ({"eigenvalues": ("1", 5.0)}, TypeError, "eigenvalue λ₁ must be a number"),
        ({"lr": 20.0}, ValueError, r"lr must lie in \[0.0001, 10\], got 20.0"),
        ({"lr": None}, TypeError, "lr must be a number, got None"),
        ({"steps": 2.5}, TypeError, "steps must be a whole number, got 2.5"),
        ({"steps": 5}, ValueError, r"steps must lie in \[10, 5000\], got 5"),
        ({"start": (4.0, 0.0)}, ValueError, r"start must lie in .*got \(4.0, 0.0\)"),
        ({"width": 100}, ValueError, "width must be a whole number of pixels >= 200"),
        ({"locked": "no"}, TypeError, "locked must be True or False"),
    ],
    ids=[
        "eigenvalues-number",
        "eigenvalue-large",
        "eigenvalue-text",
        "lr-large",
        "lr-none",
        "steps-fraction",
        "steps-few",
        "start-outside",
        "width",
        "locked",
    ],
)
def test_bad_arguments_are_refused_with_a_message(kwargs, error, message):
    with pytest.raises(error, match=message):
        CurvatureStepSize(**kwargs)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("lr", 0.0, r"lr must lie in \[0.0001, 10\], got 0.0"),
        ("eigenvalues", (0.05, 1.0), r"eigenvalue λ₁ must lie in \[0.1, 100\]"),
    ],
    ids=["lr", "eigenvalues"],
)
def test_bad_values_from_code_are_refused_with_a_message(name, value, message):
    exercise = CurvatureStepSize()

    with pytest.raises(traitlets.TraitError, match=message):
        setattr(exercise, name, value)


def test_an_error_while_describing_shows_in_the_notice(monkeypatch):
    exercise = CurvatureStepSize()

    def refuse(*args):
        raise ValueError("no behaviour today")

    monkeypatch.setattr(step_size_module, "descent_behaviour", refuse)
    exercise.lr = 0.1

    assert (
        exercise.notice.text == "Error while following the sliders: no behaviour today"
    )
    assert exercise.run.optimizer.lr == 0.1


def test_an_error_while_rerunning_shows_in_the_notice(monkeypatch):
    exercise = CurvatureStepSize()

    def refuse(lr):
        raise ValueError("no optimizer today")

    monkeypatch.setattr(step_size_module, "GD", refuse)
    exercise.lr_slider.value = 0.1

    assert exercise.lr == 0.1
    assert (
        exercise.notice.text == "Error while following the sliders: no optimizer today"
    )
