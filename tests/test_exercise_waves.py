from __future__ import annotations

import json

import numpy as np
import pytest

from lossviz_widgets.engine import evaluate_grid, get_surface, hessian_eigen
from lossviz_widgets.exercises import waves
from lossviz_widgets.exercises.waves import (
    SINGLE_WAVE_MINIMA,
    WaveFrequencies,
    wave_surface,
)

# -- the surface ------------------------------------------------------------------


def test_one_wave_is_the_courses_waves_bit_for_bit():
    course, ours = get_surface("waves"), wave_surface([1.0, 0.0], [1.0, 0.7])

    assert float(ours(1.0, 1.0)) == 0.6546487134128409
    grid_course, grid_ours = evaluate_grid(course, 41), evaluate_grid(ours, 41)
    assert np.array_equal(grid_course.values, grid_ours.values)


def test_two_octaves_match_the_catalogues_multi_waves():
    stacked = wave_surface([1.0, 2.0], [1.0, 0.5])
    octaves = get_surface("multi_waves", octaves=2)
    x, y = np.meshgrid(np.linspace(-4, 4, 9), np.linspace(-4, 4, 9))

    assert np.allclose(stacked.value(x, y), octaves.value(x, y), rtol=0, atol=1e-12)


def test_gradient_and_hessian_match_central_differences():
    surface = wave_surface([1.0, 2.5, 3.75], [1.0, 0.4, 0.3])
    h = 1e-5
    for x, y in [(0.3, -1.2), (2.1, 3.3), (-3.5, 0.7)]:
        numeric = [
            (surface(x + h, y) - surface(x - h, y)) / (2 * h),
            (surface(x, y + h) - surface(x, y - h)) / (2 * h),
        ]
        assert np.allclose(surface.grad(x, y), numeric, atol=1e-7)
        columns = [
            (surface.grad(x + h, y) - surface.grad(x - h, y)) / (2 * h),
            (surface.grad(x, y + h) - surface.grad(x, y - h)) / (2 * h),
        ]
        assert np.allclose(surface.hessian(x, y), np.array(columns).T, atol=1e-6)


def test_the_title_names_the_frequencies_in_use():
    assert wave_surface([1.0, 3.0, 2.0], [1.0, 0.5, 0.0]).title == (
        "Waves of frequencies 1, 3"
    )
    assert wave_surface([0.0], [1.0]).title == "Waves of frequencies none"


# -- building and the answer -----------------------------------------------------


def test_defaults_show_the_courses_single_wave():
    exercise = WaveFrequencies()

    assert len(exercise.frequency_sliders) == len(exercise.amplitude_sliders) == 3
    assert [s.value for s in exercise.frequency_sliders] == [1.0, 0.0, 0.0]
    assert [s.value for s in exercise.amplitude_sliders] == [1.0, 0.5, 0.25]
    assert exercise.contour.figure.title.startswith("Waves of frequencies 1")
    assert SINGLE_WAVE_MINIMA == 4
    assert "Local minima in the domain: <b>4</b>" in exercise.minima_readout.value


def test_the_answer_holds_the_waves_in_use_and_the_minima():
    exercise = WaveFrequencies()
    exercise.frequency_sliders[2].value = 2.0

    answer = exercise.answer

    assert json.loads(json.dumps(answer)) == answer
    assert answer["frequencies"] == [1.0, 2.0]
    assert answer["amplitudes"] == [1.0, 0.25]
    assert answer["minima"] == exercise.minima
    assert answer["single_wave_minima"] == 4


def test_the_minima_counted_are_true_and_distinct_minima():
    exercise = WaveFrequencies()
    exercise.frequency_sliders[1].value = 3.0
    surface = exercise.model.surface

    found = [p for p in exercise.model.critical if p.kind == "minimum"]

    assert len(found) == exercise.answer["minima"] > 4
    points = np.array([(p.x, p.y) for p in found])
    assert np.all(np.linalg.norm(surface.grad_at(points), axis=-1) < 1e-6)
    assert np.all(hessian_eigen(surface.hessian_at(points))[0] > 0)
    gaps = np.linalg.norm(points[:, None] - points[None], axis=-1)
    assert gaps[~np.eye(len(points), dtype=bool)].min() > 0.1
    assert np.all(surface.domain.contains(points[:, 0], points[:, 1]))


# -- the check -------------------------------------------------------------------


def test_the_single_wave_fails_both_requirements():
    wrong = WaveFrequencies().check().wrong

    assert wrong == (
        "waves of two frequencies are needed, in use: 1; give another row a "
        "different frequency and a non-zero amplitude",
        "the surface has 4 local minima, no more than the single wave's 4: "
        "raise the amplitude or the frequency of an added wave",
    )


def test_a_second_frequency_with_more_minima_passes():
    exercise = WaveFrequencies()

    exercise.frequency_sliders[1].value = 3.0

    verdict = exercise.check()
    assert verdict.passed, str(verdict)
    assert verdict.right[0] == "waves of 2 frequencies are stacked: 1, 3"


def test_a_second_frequency_too_weak_to_add_minima_fails():
    exercise = WaveFrequencies()

    exercise.frequency_sliders[1].value = 1.5

    assert exercise.answer["minima"] == 4
    assert exercise.check().wrong == (
        "the surface has 4 local minima, no more than the single wave's 4: "
        "raise the amplitude or the frequency of an added wave",
    )
    exercise.amplitude_sliders[1].value = 1.0
    assert exercise.answer["minima"] > 4
    assert exercise.check().passed


def test_the_same_frequency_twice_is_one_frequency():
    exercise = WaveFrequencies(frequencies=(1.0, 1.0), amplitudes=(1.0, 1.0))

    assert (
        exercise.check()
        .wrong[0]
        .startswith("waves of two frequencies are needed, in use: 1;")
    )


def test_a_wave_of_zero_amplitude_is_not_in_use():
    exercise = WaveFrequencies(frequencies=(1.0, 3.0), amplitudes=(1.0, 0.0))

    assert exercise.answer["frequencies"] == [1.0]


def test_the_check_button_fills_the_feedback():
    exercise = WaveFrequencies()

    exercise.check_button.click()
    assert exercise.feedback.value.startswith("<b>Not yet.</b>")

    exercise.frequency_sliders[1].value = 3.0
    exercise.check_button.click()
    assert exercise.feedback.value.startswith("<b>All correct.</b>")


# -- the author's settings -------------------------------------------------------


def test_the_author_sets_the_rows():
    exercise = WaveFrequencies(frequencies=[1, 2, 4, 0], amplitudes=[1, 0.5, 0.25, 0])

    assert len(exercise.frequency_sliders) == 4
    assert exercise.answer["frequencies"] == [1.0, 2.0, 4.0]
    assert exercise.check().passed


def test_locked_disables_every_slider():
    exercise = WaveFrequencies(locked=True)

    sliders = (*exercise.frequency_sliders, *exercise.amplitude_sliders)
    assert all(slider.disabled for slider in sliders)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"frequencies": "123"}, TypeError, "frequencies must be a list of numbers"),
        ({"amplitudes": 1.0}, TypeError, "amplitudes must be a list of numbers"),
        (
            {"frequencies": (1.0, 2.0)},
            ValueError,
            "frequencies and amplitudes must have the same length, 1 to 5, got 2 and 3",
        ),
        (
            {"frequencies": (1.0,) * 6, "amplitudes": (1.0,) * 6},
            ValueError,
            "must have the same length, 1 to 5, got 6 and 6",
        ),
        (
            {"frequencies": (5.0, 0.0, 0.0)},
            ValueError,
            r"frequencies must lie in \[0, 4\], got 5.0",
        ),
        (
            {"amplitudes": (1.0, -0.5, 0.0)},
            ValueError,
            r"amplitudes must lie in \[0, 1\], got -0.5",
        ),
        (
            {"amplitudes": (1.0, "big", 0.0)},
            TypeError,
            "amplitudes must be a number, got 'big'",
        ),
    ],
    ids=["text", "scalar", "lengths", "rows", "frequency", "amplitude", "type"],
)
def test_bad_settings_are_refused_with_a_message(kwargs, error, message):
    with pytest.raises(error, match=message):
        WaveFrequencies(**kwargs)


# -- the widgets -----------------------------------------------------------------


def test_a_new_frequency_redraws_the_map(wire):
    exercise = WaveFrequencies()
    image = exercise.contour.surface_marks.image
    before = image.image.value
    wire.reset()

    exercise.frequency_sliders[1].value = 2.0

    assert any("image" in m.state for m in wire.updates(image))
    assert image.image.value != before
    assert exercise.contour.figure.title.startswith("Waves of frequencies 1, 2")
    assert f"<b>{exercise.minima}</b>" in exercise.minima_readout.value


def test_an_error_while_stacking_shows_in_the_notice(monkeypatch):
    exercise = WaveFrequencies()

    def refuse(frequencies, amplitudes) -> None:
        raise ValueError("no waves today")

    monkeypatch.setattr(waves, "wave_surface", refuse)
    exercise.frequency_sliders[1].value = 2.0

    assert exercise.notice.text == "Error while stacking the waves: no waves today"
