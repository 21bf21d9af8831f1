import json

import numpy as np
import pytest

from lossviz_widgets.engine import descend, get_surface
from lossviz_widgets.engine.optimizers import GD, Momentum, NoisyGD
from lossviz_widgets.exercises import EXERCISES
from lossviz_widgets.exercises._terrain import saddle_between_wells, saddle_visit
from lossviz_widgets.exercises.saddle_escape import SaddleEscape

START = (1.5, 1e-6)
RADIUS = 0.4


@pytest.fixture(scope="module")
def exercise() -> SaddleEscape:
    return SaddleEscape()


def distances(trajectory) -> np.ndarray:
    return np.hypot(*trajectory.points.T)


# -- the mathematics the exercise rests on --------------------------------------


def test_the_default_surface_has_a_saddle_between_two_wells():
    surface = saddle_between_wells()
    for point in surface.critical_points:
        assert np.allclose(surface.grad(point.x, point.y), 0.0)
        assert float(surface(point.x, point.y)) == point.value
    # Finite differences agree with the exact gradient and Hessian.
    x, y, h = 0.7, -0.4, 1e-6
    numeric = [
        (surface(x + h, y) - surface(x - h, y)) / (2 * h),
        (surface(x, y + h) - surface(x, y - h)) / (2 * h),
    ]
    assert np.allclose(surface.grad(x, y), numeric, atol=1e-8)
    gx = (surface.grad(x + h, y) - surface.grad(x - h, y)) / (2 * h)
    gy = (surface.grad(x, y + h) - surface.grad(x, y - h)) / (2 * h)
    assert np.allclose(surface.hessian(x, y), np.stack([gx, gy]), atol=1e-6)


def test_plain_descent_stays_near_the_saddle_for_most_steps():
    run = descend(saddle_between_wells(), GD(lr=0.01), START, steps=300)

    near = distances(run) <= RADIUS
    assert near.sum() > 150
    assert near[-1]
    assert run.values.min() > -0.1


@pytest.mark.parametrize(
    "optimizer",
    [Momentum(lr=0.01, momentum=0.9), NoisyGD(lr=0.01, noise=1.0)],
    ids=["momentum", "noise"],
)
def test_momentum_or_noise_leaves_the_saddle_for_a_well(optimizer):
    run = descend(saddle_between_wells(), optimizer, START, steps=300)

    assert distances(run)[-1] > RADIUS
    assert abs(abs(run.points[-1, 1]) - 1.0) < 0.1  # in one of the wells
    assert run.values[-1] < -0.4


def test_saddle_visit_counts_the_steps_near_and_finds_the_escape():
    surface = saddle_between_wells()
    saddle = surface.critical_points[-1]
    run = descend(surface, Momentum(lr=0.01, momentum=0.9), START, steps=300)

    visit = saddle_visit(run, saddle, radius=RADIUS, margin=0.1)

    assert visit["steps_near_saddle"] == int((distances(run) <= RADIUS).sum())
    step = visit["escape_step"]
    assert run.values[step] < -0.1 <= run.values[:step].min()
    assert visit["final_loss"] == run.values[-1]


# -- building and the answer --------------------------------------------------------


def test_the_registry_names_the_class():
    assert EXERCISES["SaddleEscape"] == "saddle_escape"


def test_defaults_build_two_runs_from_one_start(exercise):
    plain, yours = exercise.model.runs
    assert plain.optimizer == GD(lr=0.01)
    assert yours.optimizer == Momentum(lr=0.01, momentum=0.0)
    assert plain.start == yours.start == START
    assert exercise.contour.run_marks[plain].link is not None
    assert exercise.curves.links


def test_the_answer_is_plain_json_with_each_run(exercise):
    answer = exercise.answer

    assert json.loads(json.dumps(answer)) == answer
    assert answer["saddle"] == [0.0, 0.0]
    assert answer["start"] == list(START)
    assert (answer["lr"], answer["steps"]) == (0.01, 300)
    assert answer["radius"] == pytest.approx(RADIUS)
    assert answer["margin"] == pytest.approx(0.1)
    plain = answer["runs"][0]
    assert plain["optimizer"] == {"name": "GD", "lr": 0.01}
    assert not plain["escaped"]
    assert plain["escape_step"] is None


# -- the check -------------------------------------------------------------------


def test_without_momentum_the_check_fails_with_a_hint():
    exercise = SaddleEscape()

    verdict = exercise.check()

    assert not verdict.passed
    assert verdict.right[0].startswith("plain GD stalls: 235 of 301 points")
    assert verdict.wrong == (
        "your Momentum (momentum 0.00) never gets 0.1 below the saddle's loss: "
        "raise the momentum so a velocity builds up along the fall",
    )


def test_momentum_from_the_slider_passes():
    exercise = SaddleEscape()

    exercise.momentum_slider.value = 0.9

    assert exercise.answer["runs"][1]["escape_step"] == 129
    assert exercise.check().passed
    assert "escapes at step 129" in str(exercise.check())


def test_noise_from_the_controls_passes_and_no_noise_fails():
    exercise = SaddleEscape()
    exercise.choice.value = "noisy_gd"

    assert "raise the noise" in exercise.check().wrong[0]
    assert exercise.momentum_slider.layout.display == "none"

    exercise.noise_slider.value = 1.0

    assert exercise.model.runs[1].optimizer == NoisyGD(lr=0.01, noise=1.0, seed=0)
    assert exercise.answer["method"] == "noisy_gd"
    assert exercise.check().passed


def test_a_slider_change_sends_the_new_path(wire):
    exercise = SaddleEscape()
    marks = exercise.contour.run_marks[exercise.model.runs[1]]
    wire.reset()

    exercise.momentum_slider.value = 0.9

    sent = [m.state for m in wire.updates(marks.path) if "y" in m.state]
    assert len(sent) == 1
    assert np.abs(marks.path.y).max() > 0.9


def test_the_check_button_fills_the_feedback():
    exercise = SaddleEscape(momentum=0.9)

    exercise.check_button.click()

    assert exercise.feedback.value.startswith("<b>All correct.</b>")


def test_a_run_no_faster_than_plain_descent_fails():
    exercise = SaddleEscape(steps=1000, method="noisy_gd", noise=0.0)
    plain, yours = exercise.answer["runs"]
    assert plain["escape_step"] == yours["escape_step"]

    assert exercise.check().wrong == (
        "your Noisy GD (noise 0.00) escapes no sooner than plain GD (step "
        f"{plain['escape_step']}): raise the noise so its kicks knock the run off "
        "the stable line",
    )


def test_settings_that_let_plain_descent_escape_are_reported():
    exercise = SaddleEscape(lr=0.3, steps=100, momentum=0.9)

    assert exercise.check().wrong[0].startswith("plain GD did not stall")


# -- the author's settings ---------------------------------------------------------


def test_the_author_sets_every_setting():
    exercise = SaddleEscape(
        surface="linear_network", start=(1.0, -1.0), lr=0.02, steps=120,
        method="noisy_gd", noise=0.5, seed=3, radius=0.3, margin=0.2,
    )  # fmt: skip

    answer = exercise.answer
    assert answer["surface"] == "linear_network"
    assert exercise.model.runs[1].optimizer == NoisyGD(lr=0.02, noise=0.5, seed=3)
    assert exercise.model.runs[0].trajectory.points.shape == (121, 2)
    assert answer["start"] == [1.0, -1.0]
    assert (answer["radius"], answer["margin"]) == (0.3, 0.2)


def test_the_default_start_lies_on_the_stable_direction_of_another_saddle():
    exercise = SaddleEscape(surface=get_surface("saddle"))
    assert exercise.start == START


@pytest.mark.parametrize("locked", [True, False])
def test_locked_disables_the_controls(locked):
    exercise = SaddleEscape(locked=locked)
    controls = (exercise.choice, exercise.momentum_slider, exercise.noise_slider)
    assert [c.disabled for c in controls] == [locked] * 3
    assert not exercise.check_button.disabled


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"surface": "convex_bowl"}, ValueError, "has no saddle point"),
        ({"surface": 3}, TypeError, "surface must be a Surface or a catalogue"),
        ({"lr": 0}, ValueError, "lr must be positive, got 0"),
        ({"lr": "fast"}, TypeError, "lr must be a number, got 'fast'"),
        ({"lr": 2.0}, ValueError, r"lr must lie in \[0, 1\], got 2.0"),
        ({"steps": 2.5}, TypeError, "steps must be a whole number, got 2.5"),
        ({"steps": 5}, ValueError, r"steps must lie in \[10, 5000\], got 5"),
        ({"method": "adam"}, ValueError, "method must be one of"),
        ({"momentum": 1.0}, ValueError, r"momentum must lie in \[0, 0.99\]"),
        ({"noise": -1}, ValueError, r"noise must lie in \[0, 5\]"),
        ({"seed": -1}, ValueError, r"seed must lie in \[0, "),
        ({"start": (5, 5)}, ValueError, "start must lie in the domain"),
        ({"start": "ab"}, TypeError, r"start must be a point \(x, y\)"),
        ({"start": (0, 1.2)}, ValueError, "no saddle to escape"),
        ({"radius": 9.0}, ValueError, r"radius must lie in \[0, 4\]"),
        ({"margin": 0}, ValueError, "margin must be positive, got 0"),
        ({"radius": 0.0}, ValueError, "radius must be positive, got 0.0"),
        ({"locked": 1}, TypeError, "locked must be True or False, got 1"),
    ],
    ids=lambda value: str(value)[:24],
)
def test_bad_arguments_are_refused(kwargs, error, match):
    with pytest.raises(error, match=match):
        SaddleEscape(**kwargs)


def test_a_failing_callback_shows_in_the_notice(monkeypatch):
    exercise = SaddleEscape()

    def broken():
        raise RuntimeError("no optimizer")

    monkeypatch.setattr(exercise, "student_optimizer", broken)
    exercise.momentum_slider.value = 0.5

    assert exercise.notice.text == "Error while changing your run: no optimizer"
