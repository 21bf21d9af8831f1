from __future__ import annotations

import json

import numpy as np
import pytest

from lossviz_widgets.engine import descend, get_surface
from lossviz_widgets.engine.optimizers import GD
from lossviz_widgets.exercises import learning_rate
from lossviz_widgets.exercises.learning_rate import BananaLearningRates, behaviour

START = (-1.5, 1.5)


def gd(lr: float, steps: int = 200):
    return descend(get_surface("banana"), GD(lr=lr), START, steps)


def turns_back(trajectory) -> int:
    """Count consecutive steps whose directions differ by more than 90°."""
    steps = np.diff(trajectory.points, axis=0)
    return int(np.sum(np.sum(steps[1:] * steps[:-1], axis=1) < 0))


# -- the facts the exercise rests on --------------------------------------------


def test_a_small_rate_crawls_and_a_large_one_progresses_without_turning_back():
    small, large = gd(1e-4), gd(1e-2)

    assert small.values[-1] > small.values[0] / 10  # fell less than 10×
    assert large.values[-1] < large.values[0] / 10
    for run in (small, large):
        assert turns_back(run) == 0
        assert np.all(np.diff(run.values) <= 0)


def test_past_one_over_lambda_max_gd_zigzags_and_at_0_1_it_diverges():
    zigzag, blown = gd(0.05), gd(0.1)

    assert zigzag.status == "converged"
    assert turns_back(zigzag) >= 3
    assert np.any(np.diff(zigzag.values) > 0)
    assert blown.status == "diverged"


def test_behaviour_measures_what_the_paths_did():
    span = get_surface("banana").domain.span

    small, zigzag, blown = (behaviour(gd(lr), span) for lr in (1e-4, 0.05, 0.1))

    assert (small.overshoots, small.little_progress) == (False, True)
    assert (zigzag.overshoots, zigzag.little_progress) == (True, False)
    assert zigzag.turns == turns_back(gd(0.05))
    assert (blown.overshoots, blown.diverged) == (True, True)
    assert small.start_loss == pytest.approx(5.0625)


# -- building and the answer -----------------------------------------------------


def test_defaults_race_the_courses_two_rates_from_its_start():
    exercise = BananaLearningRates()

    runs = exercise.model.runs
    assert exercise.model.surface.name == "banana"
    assert [run.optimizer.lr for run in runs] == [1e-4, 1e-2]
    assert [run.start for run in runs] == [START, START]
    assert exercise.model.steps == 200
    assert [s.value for s in exercise.lr_sliders] == [1e-4, 1e-2]
    assert exercise.overshoot_question.value is None
    assert exercise.progress_question.value is None
    assert all(m.link is not None for m in exercise.contour.run_marks.values())
    assert len(exercise.curves.links) == 4


def test_the_answer_holds_rates_final_losses_and_choices():
    exercise = BananaLearningRates()
    exercise.overshoot_question.value = "neither"

    answer = exercise.answer

    assert json.loads(json.dumps(answer)) == answer
    assert (answer["lr_a"], answer["lr_b"], answer["steps"]) == (1e-4, 1e-2, 200)
    assert answer["final_loss_a"] == pytest.approx(gd(1e-4).values[-1], rel=1e-12)
    assert answer["final_loss_b"] == pytest.approx(gd(1e-2).values[-1], rel=1e-12)
    assert answer["overshoots"] == "neither"
    assert answer["little_progress"] is None


# -- the check -------------------------------------------------------------------


def test_the_check_passes_when_the_answers_match_the_runs():
    exercise = BananaLearningRates()
    exercise.overshoot_question.value = "neither"
    exercise.progress_question.value = "run A"

    verdict = exercise.check()

    assert verdict.passed, str(verdict)
    assert any("run A makes little progress" in item for item in verdict.right)


def test_the_check_names_a_wrong_overshoot_answer():
    exercise = BananaLearningRates()
    exercise.overshoot_question.value = "run B"
    exercise.progress_question.value = "run A"

    wrong = exercise.check().wrong

    assert len(wrong) == 1
    assert wrong[0].startswith("which run overshoots? 'run B' is not what the runs did")
    assert "2/λmax = 0.0173" in wrong[0]


def test_unanswered_questions_are_wrong():
    wrong = BananaLearningRates().check().wrong

    assert wrong == (
        "which run overshoots? Not answered yet: play the runs and watch for a "
        "step that turns back across the valley floor or a loss that rises; at "
        "the start 2/λmax = 0.0173",
        "which run makes little progress? Not answered yet: compare how far "
        "each loss curve falls: less than 10× is little",
    )


def test_a_larger_rate_set_on_the_slider_overshoots():
    exercise = BananaLearningRates()

    exercise.lr_sliders[1].value = 0.05
    exercise.overshoot_question.value = "run B"
    exercise.progress_question.value = "run A"

    run_b = exercise.model.runs[1]
    assert run_b.optimizer.lr == 0.05
    assert run_b.label == "B: lr 5.0e-02"
    verdict = exercise.check()
    assert verdict.passed, str(verdict)
    assert f"B turned back {turns_back(gd(0.05))}×" in verdict.right[1]


def test_a_diverging_run_both_overshoots_and_makes_little_progress():
    exercise = BananaLearningRates(lr_a=1e-3, lr_b=0.1)
    exercise.overshoot_question.value = "run B"
    exercise.progress_question.value = "run B"

    wrong = exercise.check().wrong

    assert exercise.model.runs[1].trajectory.status == "diverged"
    assert wrong == (
        "which run makes little progress? 'run B' is not what the runs did: "
        "compare how far each loss curve falls: less than 10× is little",
    )
    exercise.progress_question.value = "both"
    assert exercise.check().passed


def test_rates_less_than_ten_times_apart_are_refused():
    exercise = BananaLearningRates(lr_a=1e-3, lr_b=5e-3)

    wrong = exercise.check().wrong

    assert wrong[0] == (
        "the rates differ only 5×: make one at least 10× the other, e.g. 1e-4 and 1e-2"
    )


def test_the_check_button_fills_the_feedback():
    exercise = BananaLearningRates()

    exercise.check_button.click()
    assert exercise.feedback.value.startswith("<b>Not yet.</b>")

    exercise.overshoot_question.value = "neither"
    exercise.progress_question.value = "run A"
    exercise.check_button.click()
    assert exercise.feedback.value.startswith("<b>All correct.</b>")


# -- the author's settings -------------------------------------------------------


def test_the_author_sets_rates_and_steps():
    exercise = BananaLearningRates(lr_a=1e-3, lr_b=0.05, steps=100)

    assert exercise.model.steps == 100
    assert exercise.player.play.max == 101
    assert [s.value for s in exercise.lr_sliders] == [1e-3, 0.05]
    assert exercise.model.runs[0].trajectory.points.shape == (101, 2)


def test_locked_fixes_the_rates_but_not_the_questions():
    exercise = BananaLearningRates(locked=True)

    assert all(slider.disabled for slider in exercise.lr_sliders)
    assert not exercise.overshoot_question.disabled
    assert not exercise.progress_question.disabled
    assert not any(s.disabled for s in BananaLearningRates().lr_sliders)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"lr_a": "fast"}, TypeError, "lr_a must be a number, got 'fast'"),
        ({"lr_a": True}, TypeError, "lr_a must be a number, got True"),
        ({"lr_b": 1.0}, ValueError, r"lr_b must lie in \[1e-05, 0.1\], got 1.0"),
        ({"lr_b": float("nan")}, ValueError, r"lr_b must lie in .*, got nan"),
        ({"steps": 2.5}, TypeError, "steps must be a whole number, got 2.5"),
        ({"steps": 5}, ValueError, r"steps must lie in \[10, 2000\], got 5"),
        ({"locked": "yes"}, TypeError, "locked must be True or False, got 'yes'"),
    ],
    ids=["lr-text", "lr-bool", "lr-too-large", "lr-nan", "steps-float",
         "steps-few", "locked-text"],
)  # fmt: skip
def test_bad_settings_are_refused_with_a_message(kwargs, error, message):
    with pytest.raises(error, match=message):
        BananaLearningRates(**kwargs)


# -- the widgets -----------------------------------------------------------------


def test_a_new_rate_sends_the_new_path_to_the_map(wire):
    exercise = BananaLearningRates()
    run = exercise.model.runs[1]
    path = exercise.contour.run_marks[run].path
    wire.reset()

    exercise.lr_sliders[1].value = 3e-3

    sent = [m.state for m in wire.updates(path) if "x" in m.state]
    assert sent, "the path of run B was not sent"
    assert path.x.dtype == np.float32
    assert path.x[1] == pytest.approx(gd(3e-3, 1).points[1, 0], rel=1e-6)


def test_an_error_while_changing_the_rate_shows_in_the_notice(monkeypatch):
    exercise = BananaLearningRates()

    def refuse(lr: float) -> None:
        raise ValueError("no optimizer today")

    monkeypatch.setattr(learning_rate, "GD", refuse)
    exercise.lr_sliders[0].value = 1e-3

    assert exercise.notice.text == (
        "Error while changing the learning rate: no optimizer today"
    )
    assert exercise.model.runs[0].optimizer.lr == 1e-4
