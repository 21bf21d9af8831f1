from __future__ import annotations

import json

import numpy as np
import pytest
import traitlets

from lossviz_widgets.engine import get_surface, sharpness
from lossviz_widgets.engine.optimizers import GD, NoisyGD
from lossviz_widgets.exercises import sharp_flat as sharp_flat_module
from lossviz_widgets.exercises._concepts import settle_in_wells, well_starts
from lossviz_widgets.exercises.sharp_flat import MAJORITY, SharpFlatMinima

WELLS = get_surface("sharp_flat")
SHARP, SADDLE, FLAT = WELLS.critical_points

# Small settings keep every experiment in this file quick.
QUICK = {"starts": 20, "steps": 300}

# -- the mathematics ---------------------------------------------------------------


def test_the_left_minimum_is_the_sharp_one():
    curvature = [sharpness(WELLS.hessian(p.x, p.y)) for p in (SHARP, FLAT)]

    assert (SHARP.kind, SADDLE.kind, FLAT.kind) == ("minimum", "saddle", "minimum")
    assert curvature[0] > 10 * curvature[1]
    assert abs(SHARP.value - FLAT.value) < 0.05


def test_starts_alternate_between_the_wells_close_to_each_minimum():
    starts = well_starts(WELLS, 200, seed=1)

    sharp, flat = starts[0::2], starts[1::2]
    # Half the width 1/√λmax of each well: about 0.1 around the sharp one.
    sharp_spread = np.linalg.norm(sharp - (SHARP.x, SHARP.y), axis=1).mean()
    flat_spread = np.linalg.norm(flat - (FLAT.x, FLAT.y), axis=1).mean()
    assert 0.08 < sharp_spread < 0.16
    assert 3 * sharp_spread < flat_spread < 0.6
    assert np.array_equal(starts, well_starts(WELLS, 200, seed=1))


def test_without_noise_every_run_stays_in_its_own_well():
    starts = well_starts(WELLS, 40, seed=0)

    counts = settle_in_wells(WELLS, GD(lr=0.05), starts, 300)

    assert counts.labels.tolist() == ["sharp", "flat"] * 20
    assert counts.flat_share == 0.5
    ends = counts.ends
    assert np.abs(ends[0::2] - (SHARP.x, SHARP.y)).max() < 1e-3
    assert np.abs(ends[1::2] - (FLAT.x, FLAT.y)).max() < 1e-3


@pytest.mark.parametrize("seed", [0, 1, 2], ids=lambda seed: f"seed-{seed}")
def test_more_noise_moves_runs_from_the_sharp_to_the_flat_well(seed):
    starts = well_starts(WELLS, 40, seed)

    counts = [
        settle_in_wells(WELLS, NoisyGD(lr=0.05, noise=noise, seed=seed), starts, 400)
        for noise in (0.0, 1.0, 4.0)
    ]

    sharp = [c.count("sharp") for c in counts]
    assert sharp[0] == 20
    assert sharp[1] >= 18
    assert sharp[2] <= 8
    assert counts[2].flat_share >= MAJORITY
    # The flat well loses no more than it gains: runs move one way.
    assert counts[2].count("flat") > counts[0].count("flat")


def test_a_run_that_diverged_ends_elsewhere():
    starts = np.array([[SHARP.x, SHARP.y], [FLAT.x, FLAT.y]])

    # Steps far above 2/λmax = 20 of the bowl under the wells throw every run
    # out of the domain.
    counts = settle_in_wells(WELLS, GD(lr=50.0), starts, 50)

    assert counts.labels.tolist() == ["elsewhere", "elsewhere"]
    assert counts.flat_share == 0.0


# -- building and the answer ------------------------------------------------------


def test_it_builds_with_defaults_and_the_answer_is_plain_data():
    exercise = SharpFlatMinima()

    answer = exercise.answer
    assert answer == json.loads(json.dumps(answer))
    assert answer == {
        "noise": 0.0,
        "sharp": 20,
        "flat": 20,
        "elsewhere": 0,
        "runs": 40,
        "flat_share": 0.5,
        "tried": [[0.0, 0.5]],
        "choice": None,
    }
    assert "<b>20</b> runs ended in the sharp well" in exercise.tally.value
    assert exercise.end_marks["sharp"].visible
    assert not exercise.end_marks["elsewhere"].visible
    assert exercise.end_marks["flat"].x.dtype == np.float32
    assert len(exercise.end_marks["flat"].x) == 20
    assert exercise.notice.text == ""


def test_the_slider_sets_the_noise_and_reruns_the_runs():
    exercise = SharpFlatMinima(**QUICK)

    exercise.noise_slider.value = 4.0

    answer = exercise.answer
    assert exercise.noise == 4.0
    assert answer["noise"] == 4.0
    assert answer["sharp"] + answer["flat"] + answer["elsewhere"] == 20
    assert answer["sharp"] < 10
    assert answer["tried"] == [[0.0, 0.5], [4.0, answer["flat_share"]]]
    assert exercise.trend_line.x.tolist() == [0.0, 4.0]


def test_noise_set_from_code_moves_the_slider():
    exercise = SharpFlatMinima(**QUICK)

    exercise.noise = 2.5

    assert exercise.noise_slider.value == 2.5
    assert exercise.answer["noise"] == 2.5


def test_only_wells_that_hold_runs_are_drawn(wire):
    exercise = SharpFlatMinima(starts=2, steps=100)
    wire.reset()

    exercise.noise = 0.5

    for label in ("sharp", "flat"):
        mark = exercise.end_marks[label]
        assert mark.visible
        assert len(mark.x) == 1
        assert mark.x.dtype == np.float32
    assert not exercise.end_marks["elsewhere"].visible
    assert len(exercise.end_marks["elsewhere"].x) > 0
    sent = [m for m in wire.updates(exercise.end_marks["flat"]) if "x" in m.state]
    assert sent
    assert all(b.nbytes == 4 for m in sent for b in m.buffers)


# -- checking ----------------------------------------------------------------------


def test_noise_that_empties_the_sharp_well_and_the_flat_answer_pass():
    exercise = SharpFlatMinima(noise=4.0)
    exercise.choice.value = "flat"

    verdict = exercise.check()

    assert verdict.passed
    flat = exercise.answer["flat"]
    assert verdict.right[0] == f"At noise 4 the flat well holds {flat} of 40 runs."
    assert verdict.right[1].startswith("The flat well survives noise")


def test_too_little_noise_fails_and_says_to_raise_it():
    exercise = SharpFlatMinima(**QUICK)
    exercise.choice.value = "flat"

    verdict = exercise.check()

    assert verdict.wrong == (
        "At noise 0 the flat well holds 10 of 20 runs: raise the noise until it "
        "holds at least two thirds, and watch which well the runs leave.",
    )


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        ("sharp", "Look again: which well loses its runs as the noise grows?"),
        (None, "Answer the question: which well survives noise?"),
    ],
    ids=["sharp", "unanswered"],
)
def test_the_wrong_or_no_choice_fails(choice, message):
    exercise = SharpFlatMinima(noise=4.0, **QUICK)
    exercise.choice.value = choice

    verdict = exercise.check()

    assert verdict.wrong == (message,)


def test_the_check_button_fills_the_feedback():
    exercise = SharpFlatMinima(**QUICK)

    exercise.check_button.click()

    assert exercise.feedback.value.startswith("<b>Not yet.</b>")
    assert "raise the noise" in exercise.feedback.value


# -- author settings ----------------------------------------------------------------


def test_the_author_sets_the_noise_the_rate_the_runs_and_the_seed():
    exercise = SharpFlatMinima(noise=3.0, lr=0.03, steps=200, starts=10, seed=5)

    starts = well_starts(WELLS, 10, 5)
    expected = settle_in_wells(WELLS, NoisyGD(lr=0.03, noise=3.0, seed=5), starts, 200)
    answer = exercise.answer
    assert answer["runs"] == 10
    assert answer["noise"] == 3.0
    assert answer["tried"] == [[3.0, expected.flat_share]]
    assert exercise.counts.labels.tolist() == expected.labels.tolist()
    assert exercise.noise_slider.value == 3.0


def test_locked_fixes_the_noise_and_leaves_the_answer_open():
    exercise = SharpFlatMinima(locked=True, **QUICK)

    assert exercise.noise_slider.disabled
    assert not exercise.choice.disabled


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"noise": -1.0}, ValueError, r"noise must lie in \[0.0, 10.0\], got -1.0"),
        ({"noise": "loud"}, TypeError, "noise must be a number, got 'loud'"),
        ({"lr": 0.1}, ValueError, r"lr must lie in \(0, 0.07971\), below 2/λmax"),
        ({"lr": 0.0}, ValueError, r"lr must lie in \(0, 0.07971\)"),
        ({"lr": "fast"}, TypeError, "lr must be a number, got 'fast'"),
        ({"steps": 5}, ValueError, r"steps must lie in \[10, 5000\], got 5"),
        ({"starts": 1}, ValueError, r"starts must lie in \[2, 200\], got 1"),
        ({"starts": 4.0}, TypeError, "starts must be a whole number, got 4.0"),
        ({"seed": -3}, ValueError, r"seed must lie in \[0, 4294967295\], got -3"),
        ({"width": 150}, ValueError, "width must be a whole number of pixels >= 200"),
    ],
    ids=[
        "noise-negative",
        "noise-text",
        "lr-unstable",
        "lr-zero",
        "lr-text",
        "steps",
        "starts-few",
        "starts-fraction",
        "seed",
        "width",
    ],
)
def test_bad_arguments_are_refused_with_a_message(kwargs, error, message):
    with pytest.raises(error, match=message):
        SharpFlatMinima(**kwargs)


def test_noise_out_of_range_from_code_is_refused_with_a_message():
    exercise = SharpFlatMinima(**QUICK)

    with pytest.raises(traitlets.TraitError, match=r"noise must lie in \[0.0, 10.0\]"):
        exercise.noise = 12.0


def test_an_error_while_running_shows_in_the_notice(monkeypatch):
    exercise = SharpFlatMinima(**QUICK)

    def refuse(*args):
        raise ValueError("no runs today")

    monkeypatch.setattr(sharp_flat_module, "settle_in_wells", refuse)
    exercise.noise = 1.0

    assert exercise.notice.text == (
        "Error while running the noisy descent: no runs today"
    )
