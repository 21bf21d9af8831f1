from __future__ import annotations

import json

import numpy as np
import pytest

from lossviz_widgets.engine import descend, get_surface
from lossviz_widgets.engine.optimizers import GD, Momentum
from lossviz_widgets.exercises import momentum_race
from lossviz_widgets.exercises.momentum_race import MomentumRace, steps_to_reach

START = (-1.5, 1.5)


def banana_run(optimizer, steps: int = 400):
    return descend(get_surface("banana"), optimizer, START, steps)


def first_settled(trajectory, tolerance: float):
    """The first step after which every point lies within ``tolerance`` of 0."""
    distance = np.hypot(trajectory.points[:, 0], trajectory.points[:, 1])
    for step in range(len(distance)):
        if np.all(distance[step:] <= tolerance):
            return step
    return None


# -- the facts the exercise rests on --------------------------------------------


def test_momentum_reaches_the_banana_minimum_in_fewer_steps_than_gd():
    plain = banana_run(GD(lr=1e-2))
    heavy = banana_run(Momentum(lr=1e-2, momentum=0.9))

    assert first_settled(plain, 0.05) == 318
    assert first_settled(heavy, 0.05) == 68
    assert np.hypot(*heavy.points[68]) <= 0.05 < np.hypot(*heavy.points[67])


def test_too_much_momentum_never_settles():
    wild = banana_run(Momentum(lr=1e-2, momentum=0.99))

    assert first_settled(wild, 0.05) is None


@pytest.mark.parametrize(
    ("lr", "momentum"), [(1e-2, 0.9), (1e-3, 0.9), (2e-2, 0.5), (1e-2, 0.99)]
)
def test_steps_to_reach_agrees_with_a_direct_count(lr, momentum):
    run = banana_run(Momentum(lr=lr, momentum=momentum))

    assert steps_to_reach(run, (0.0, 0.0), 0.05) == first_settled(run, 0.05)


def test_a_diverged_run_never_arrives():
    blown = descend(get_surface("convex_bowl"), GD(lr=3.0), (1.0, 1.0), 40)

    assert blown.diverged_at is not None
    assert steps_to_reach(blown, (0.0, 0.0), 100.0) is None


# -- building and the answer -----------------------------------------------------


def test_defaults_race_gd_against_momentum_at_the_same_rate():
    race = MomentumRace(momentum=0.9)

    gd_run, momentum_run = race.model.runs
    assert race.model.surface.name == "banana"
    assert (gd_run.optimizer.name, momentum_run.optimizer.name) == ("GD", "Momentum")
    assert gd_run.optimizer.lr == momentum_run.optimizer.lr == 1e-2
    assert momentum_run.optimizer.momentum == 0.9
    assert gd_run.start == momentum_run.start == START
    assert race.model.steps == 400
    assert all(m.link is not None for m in race.contour.run_marks.values())


def test_the_answer_holds_settings_arrivals_and_winner():
    answer = MomentumRace(momentum=0.9).answer

    assert json.loads(json.dumps(answer)) == answer
    assert answer == {
        "lr": 1e-2,
        "momentum": 0.9,
        "steps": 400,
        "tolerance": 0.05,
        "gd_steps": 318,
        "momentum_steps": 68,
        "winner": "momentum",
    }


def test_the_board_says_who_arrived_when():
    board = MomentumRace(momentum=0.9).board.value

    assert "GD: within 0.05 of the minimum from step 318" in board
    assert "Momentum: within 0.05 of the minimum from step 68" in board
    assert "Momentum wins." in board


# -- the check -------------------------------------------------------------------


def test_the_check_passes_when_momentum_wins():
    verdict = MomentumRace(momentum=0.9).check()

    assert verdict.passed, str(verdict)
    assert "momentum won by 250 steps (68 against 318)" in verdict.right


def test_no_momentum_is_a_tie_and_fails():
    race = MomentumRace(momentum=0.9)

    race.momentum_slider.value = 0.0

    assert race.answer["winner"] == "tie"
    assert race.check().wrong == (
        "momentum is 0, so the second run is plain gradient descent: give it "
        "momentum, e.g. 0.9",
        "momentum did not win: GD within 0.05 of the minimum from step 318, "
        "momentum within 0.05 of the minimum from step 318; a momentum near 0.9 "
        "with a rate near 1e-2 lets the velocity build up along the valley floor",
    )


def test_too_much_momentum_loses_the_race():
    race = MomentumRace(momentum=0.9)

    race.momentum_slider.value = 0.99

    assert race.answer["winner"] == "gd"
    wrong = race.check().wrong
    assert wrong[0].startswith(
        "the momentum run never settles within 0.05 of the minimum in 400 steps"
    )
    assert wrong[1].startswith("momentum did not win")


def test_at_a_small_rate_only_momentum_arrives():
    race = MomentumRace(momentum=0.9)

    race.lr_slider.value = 1e-3

    assert [run.optimizer.lr for run in race.model.runs] == [1e-3, 1e-3]
    assert race.answer["gd_steps"] is None
    expected = first_settled(banana_run(Momentum(lr=1e-3, momentum=0.9)), 0.05)
    assert race.answer["momentum_steps"] == expected
    verdict = race.check()
    assert verdict.passed
    assert f"momentum won: it arrived at step {expected}, GD never did" in (
        verdict.right
    )


def test_the_check_button_fills_the_feedback():
    race = MomentumRace(momentum=0.0)

    race.check_button.click()
    assert race.feedback.value.startswith("<b>Not yet.</b>")

    race.momentum_slider.value = 0.9
    race.check_button.click()
    assert race.feedback.value.startswith("<b>All correct.</b>")


# -- the author's settings -------------------------------------------------------


def test_the_author_sets_rate_momentum_steps_and_tolerance():
    race = MomentumRace(lr=2e-2, momentum=0.8, steps=300, tolerance=0.1)

    answer = race.answer
    assert (answer["lr"], answer["momentum"], answer["steps"]) == (2e-2, 0.8, 300)
    heavy = banana_run(Momentum(lr=2e-2, momentum=0.8), 300)
    assert answer["momentum_steps"] == first_settled(heavy, 0.1)
    assert race.player.play.max == 301


def test_locked_disables_both_sliders():
    race = MomentumRace(locked=True)

    assert race.lr_slider.disabled
    assert race.momentum_slider.disabled


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"lr": "1e-2"}, TypeError, "lr must be a number, got '1e-2'"),
        ({"lr": 0.0}, ValueError, r"lr must lie in \[1e-05, 0.1\], got 0.0"),
        ({"momentum": 1.0}, ValueError, r"momentum must lie in \[0, 0.99\], got 1.0"),
        ({"momentum": None}, TypeError, "momentum must be a number, got None"),
        ({"tolerance": 2}, ValueError, r"tolerance must lie in \[0.0001, 0.5\]"),
        ({"steps": 5000}, ValueError, r"steps must lie in \[10, 2000\], got 5000"),
        ({"locked": 1}, TypeError, "locked must be True or False, got 1"),
    ],
    ids=["lr-text", "lr-zero", "momentum-one", "momentum-none", "tolerance",
         "steps", "locked"],
)  # fmt: skip
def test_bad_settings_are_refused_with_a_message(kwargs, error, message):
    with pytest.raises(error, match=message):
        MomentumRace(**kwargs)


# -- the widgets -----------------------------------------------------------------


def test_new_momentum_reruns_only_the_momentum_run(wire):
    race = MomentumRace(momentum=0.9)
    gd_run, momentum_run = race.model.runs
    gd_path = race.contour.run_marks[gd_run].path
    momentum_path = race.contour.run_marks[momentum_run].path
    wire.reset()

    race.momentum_slider.value = 0.5

    assert momentum_run.optimizer.momentum == 0.5
    assert any("x" in m.state for m in wire.updates(momentum_path))
    assert not wire.updates(gd_path)
    assert "Momentum: within 0.05 of the minimum from step" in race.board.value


def test_an_error_while_changing_the_race_shows_in_the_notice(monkeypatch):
    race = MomentumRace(momentum=0.9)

    def refuse(**kwargs: float) -> None:
        raise ValueError("no momentum today")

    monkeypatch.setattr(momentum_race, "Momentum", refuse)
    race.momentum_slider.value = 0.5

    assert race.notice.text == "Error while changing the race: no momentum today"


def test_by_default_the_student_still_has_to_add_momentum():
    race = MomentumRace()

    verdict = race.check()

    assert race.answer["momentum"] == 0.0
    assert race.answer["winner"] == "tie"
    assert not verdict.passed
    assert any("give it momentum" in item for item in verdict.wrong)
    race.momentum_slider.value = 0.9
    assert race.check().passed
