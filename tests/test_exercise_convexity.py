from __future__ import annotations

import json

import bqplot
import numpy as np
import pytest
import traitlets

from lossviz_widgets.engine import get_surface
from lossviz_widgets.exercises import convexity as convexity_module
from lossviz_widgets.exercises._concepts import (
    CROSSING_SHARE,
    chord_gap,
    crossing_tolerance,
)
from lossviz_widgets.exercises.convexity import SURFACES, ConvexityChord
from lossviz_widgets.model import LandscapeModel
from lossviz_widgets.views import ContourView

CONVEX = [name for name in SURFACES if get_surface(name).convex]
NOT_CONVEX = [name for name in SURFACES if not get_surface(name).convex]

#: A chord across a hill of each surface that is not convex.
WITNESSES = {
    "banana": ((-1.0, 1.0), (1.0, 1.0)),  # f = 1 at both ends, 5 halfway
    "waves": ((-2.0, 0.0), (2.0, 0.0)),
    "himmelblau": ((-2.5, 0.0), (2.5, 0.0)),  # f(0, 0) = 170 over a chord of 77.8
}


def click(mark: bqplot.Image, x: float, y: float) -> None:
    """Deliver the message bqplot's Image view sends when clicked."""
    content = {"event": "element_click", "data": {"click_x": x, "click_y": y}}
    mark._handle_custom_msg(content, [])


def drag(scatter: bqplot.Scatter, x: list[float], y: list[float]) -> None:
    """Deliver the state a browser sends when a point of ``scatter`` is dropped."""

    def array(values: list[float]) -> dict:
        data = np.asarray(values, dtype=np.float32)
        return {
            "value": memoryview(data.tobytes()),
            "dtype": "float32",
            "shape": [len(data)],
        }

    scatter.set_state({"x": array(x), "y": array(y)})


# -- the mathematics ---------------------------------------------------------------


@pytest.mark.parametrize("name", CONVEX)
def test_no_chord_of_a_convex_surface_lies_below_it(name):
    surface = get_surface(name)
    domain = surface.domain
    rng = np.random.default_rng(7)
    low = np.array([domain.x_min, domain.y_min])
    high = np.array([domain.x_max, domain.y_max])
    ends = low + (high - low) * rng.random((200, 2, 2))

    gaps = [chord_gap(surface, a, b).max_gap for a, b in ends]
    scale = np.abs([chord_gap(surface, a, b).values for a, b in ends]).max()

    # The gap is zero at both ends, and rounding is all that may lift it.
    assert min(gaps) == 0.0
    assert max(gaps) <= 1e-12 * scale


def test_the_gap_on_the_round_bowl_is_the_parabola_under_the_chord():
    # On (x² + y²)/2 the chord exceeds f by t(1 − t)|b − a|²/2 exactly.
    a, b = np.array([-1.5, 0.5]), np.array([1.0, -1.25])

    chord = chord_gap(get_surface("convex_bowl"), a, b, samples=11)

    expected = -chord.t * (1 - chord.t) * np.sum((b - a) ** 2) / 2
    assert chord.gap == pytest.approx(expected, abs=1e-14)
    assert chord.points[5] == pytest.approx((a + b) / 2)


def test_the_gap_on_himmelblau_matches_its_values():
    chord = chord_gap(get_surface("himmelblau"), (-2.5, 0.0), (2.5, 0.0), samples=5)

    assert chord.values.tolist() == [
        112.8125,
        157.12890625,
        170.0,
        122.12890625,
        42.8125,
    ]
    assert chord.chord.tolist() == [112.8125, 95.3125, 77.8125, 60.3125, 42.8125]
    assert chord.max_gap == 92.1875


@pytest.mark.parametrize("name", NOT_CONVEX)
def test_every_surface_offered_that_is_not_convex_has_a_crossing_chord(name):
    surface = get_surface(name)
    exercise = ConvexityChord(name)

    chord = chord_gap(surface, *WITNESSES[name])

    assert chord.max_gap > exercise.tolerance > 0


def test_the_crossing_tolerance_is_a_share_of_the_range_of_values():
    assert crossing_tolerance([[1.0, 3.0], [np.inf, 201.0]]) == 200 * CROSSING_SHARE
    assert crossing_tolerance([[2.0, 2.0]]) == CROSSING_SHARE


@pytest.mark.parametrize(
    ("a", "b", "samples", "message"),
    [
        ((0.0, np.nan), (1.0, 1.0), 5, r"a must be a finite point \(x, y\)"),
        ((0.0, 0.0), (1.0, 1.0, 1.0), 5, r"b must be a finite point \(x, y\)"),
        ((0.0, 0.0), (1.0, 1.0), 1, "samples must be a whole number >= 2, got 1"),
    ],
    ids=["a-nan", "b-three-numbers", "one-sample"],
)
def test_a_bad_chord_is_refused(a, b, samples, message):
    with pytest.raises(ValueError, match=message):
        chord_gap(get_surface("convex_bowl"), a, b, samples=samples)


# -- building and the answer ------------------------------------------------------


def test_it_builds_with_defaults_and_the_answer_is_plain_data():
    exercise = ConvexityChord()

    answer = exercise.answer
    assert answer == json.loads(json.dumps(answer))
    assert answer["surface"] == "convex_bowl"
    assert answer["verdict"] is None
    assert answer["crosses"] is False
    assert answer["max_gap"] == 0.0
    assert exercise.segment.x.dtype == np.float32
    assert exercise.curve.y.dtype == np.float32
    assert exercise.segment.x.tolist() == pytest.approx(
        [answer["a"][0], answer["b"][0]]
    )
    assert exercise.notice.text == ""
    assert exercise.surface_picker.options[0] == ("Convex bowl", "convex_bowl")


@pytest.mark.parametrize("name", SURFACES)
def test_the_first_chord_of_every_surface_stays_above_it(name):
    # The student has to look: the chord A and B start with proves nothing.
    exercise = ConvexityChord(name)

    assert exercise.answer["crosses"] is False
    assert bool(exercise.model.surface.domain.contains(*exercise.point_a))
    assert bool(exercise.model.surface.domain.contains(*exercise.point_b))


def test_points_set_from_code_are_measured_and_drawn():
    exercise = ConvexityChord("himmelblau")

    exercise.point_a, exercise.point_b = WITNESSES["himmelblau"]

    answer = exercise.answer
    assert answer["a"] == [-2.5, 0.0]
    assert answer["b"] == [2.5, 0.0]
    assert answer["max_gap"] == pytest.approx(
        chord_gap(get_surface("himmelblau"), (-2.5, 0.0), (2.5, 0.0)).max_gap
    )
    assert answer["crosses"] is True
    assert exercise.dip.visible
    assert exercise.dip_on_map.visible
    below = ~np.isnan(exercise.dip.y)
    assert exercise.chord.gap[below].min() > exercise.tolerance
    assert "dips below the surface by up to <b>92.19</b>" in exercise.readout.value
    assert exercise.f_scale.min < 42.8125
    assert exercise.f_scale.max > 170.0


def test_a_point_outside_the_domain_is_moved_onto_its_edge():
    exercise = ConvexityChord("convex_bowl")

    exercise.point_a = (7.0, -0.5)

    assert exercise.point_a == (2.0, -0.5)


def test_dragging_a_point_in_the_browser_moves_it():
    exercise = ConvexityChord("himmelblau")

    drag(exercise.ends, [-9.0, 2.5], [0.0, 0.0])

    assert exercise.point_a == (-5.0, 0.0)
    assert exercise.point_b == (2.5, 0.0)
    assert all(type(v) is float for v in exercise.point_a + exercise.point_b)
    assert exercise.ends.x.tolist() == [-5.0, 2.5]
    assert exercise.answer["crosses"] is True


def test_a_click_moves_the_nearer_point():
    exercise = ConvexityChord("convex_bowl", a=(-1.0, 0.0), b=(1.0, 0.0))

    click(exercise.view.surface_marks.image, 1.5, 1.5)

    assert exercise.point_a == (-1.0, 0.0)
    assert exercise.point_b == (1.5, 1.5)
    assert exercise.view.notice.text == ""


def test_a_map_with_a_click_callback_gets_the_point_and_starts_no_run():
    clicked = []
    model = LandscapeModel("convex_bowl", runs=[])
    view = ContourView(model, on_click=lambda x, y: clicked.append((x, y)))

    click(view.surface_marks.hatch, 0.5, 0.5)
    click(view.surface_marks.image, 50.0, -0.5)  # outside: moved onto the edge

    assert clicked == [(0.5, 0.5), (model.surface.domain.x_max, -0.5)]
    assert view.notice.text == ""
    assert model.runs == []


def test_a_new_surface_moves_the_points_and_clears_the_verdict():
    exercise = ConvexityChord("convex_bowl")
    exercise.choice.value = "convex"

    exercise.surface_picker.value = "himmelblau"

    assert exercise.surface == "himmelblau"
    assert exercise.model.surface.name == "himmelblau"
    assert exercise.choice.value is None
    assert exercise.view.x_scale.max == 5.0
    # Either side of the lowest point of Himmelblau's grid, near (3.58, −1.85).
    assert exercise.point_a[0] < 3.58 < exercise.point_b[0]
    assert exercise.point_a[1] == pytest.approx(-1.85, abs=0.05)


def test_points_sent_to_the_browser_are_float32_and_never_nan_only(wire):
    exercise = ConvexityChord("waves")
    wire.reset()

    exercise.point_a, exercise.point_b = WITNESSES["waves"]

    sent = [m for m in wire.updates(exercise.dip) if "y" in m.state]
    assert sent
    assert all(b.nbytes == 4 * 161 for m in sent for b in m.buffers)
    assert not np.isnan(exercise.dip.y).all()
    assert wire.updates(exercise.segment)


# -- checking ----------------------------------------------------------------------


def test_a_witness_and_the_right_verdict_pass():
    exercise = ConvexityChord("himmelblau")
    exercise.point_a, exercise.point_b = WITNESSES["himmelblau"]
    exercise.choice.value = "not convex"

    verdict = exercise.check()

    assert verdict.passed
    assert verdict.right == (
        "Himmelblau is not convex: right.",
        "Your chord dips below the surface by 92.19: it proves that the surface "
        "is not convex.",
    )


def test_the_right_verdict_without_a_witness_fails():
    exercise = ConvexityChord("waves")
    exercise.choice.value = "not convex"

    verdict = exercise.check()

    assert verdict.right == ("Waves is not convex: right.",)
    assert verdict.wrong == (
        "Now prove it: drag A and B until the chord dips below the surface and "
        "red appears.",
    )


def test_a_convex_surface_called_convex_passes():
    exercise = ConvexityChord("booth")
    exercise.choice.value = "convex"

    verdict = exercise.check()

    assert verdict.passed
    assert verdict.right[1] == (
        "Your chord stays above the surface, as every chord of a convex surface does."
    )


@pytest.mark.parametrize(
    ("name", "said", "hint"),
    [
        ("convex_bowl", "not convex", "some chord dips below it. Have you found one?"),
        ("banana", "convex", "Try chords across hills, ridges and valleys."),
    ],
    ids=["convex-called-not-convex", "not-convex-called-convex"],
)
def test_a_wrong_verdict_fails_without_giving_the_answer_away(name, said, hint):
    exercise = ConvexityChord(name)
    exercise.choice.value = said

    verdict = exercise.check()

    assert verdict.right == ()
    assert len(verdict.wrong) == 1
    assert verdict.wrong[0].startswith("Not right: ")
    assert verdict.wrong[0].endswith(hint)
    assert exercise.model.surface.title not in verdict.wrong[0]


def test_no_verdict_asks_for_one():
    verdict = ConvexityChord().check()

    assert verdict.wrong == ("Answer the question: is this surface convex?",)


def test_the_check_button_fills_the_feedback():
    exercise = ConvexityChord("convex_bowl")
    exercise.choice.value = "convex"

    exercise.check_button.click()

    assert exercise.feedback.value.startswith("<b>All correct.</b>")


# -- author settings ----------------------------------------------------------------


def test_the_author_sets_the_surfaces_the_points_and_the_hint():
    exercise = ConvexityChord(
        "waves",
        surfaces=["convex_bowl", "waves"],
        a=(-2.0, 0.0),
        b=(2.0, 0.0),
        hint=True,
    )

    assert [value for _, value in exercise.surface_picker.options] == [
        "convex_bowl",
        "waves",
    ]
    assert exercise.answer["a"] == [-2.0, 0.0]
    assert exercise.answer["crosses"] is True
    assert exercise.view.convexity is True


def test_locked_fixes_the_surface_and_leaves_the_answer_open():
    exercise = ConvexityChord("waves", locked=True)

    assert exercise.surface_picker.disabled
    assert not exercise.choice.disabled
    assert exercise.ends.enable_move
    assert not ConvexityChord("waves").surface_picker.disabled


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"surface": "hill"}, ValueError, r"surface must be one of \['convex_bowl'"),
        ({"surfaces": "waves"}, TypeError, "surfaces must be a list of surface names"),
        ({"surfaces": []}, ValueError, "surfaces must name at least one surface"),
        ({"surfaces": ["convex_bowl", "bowl"]}, ValueError, "unknown surface 'bowl'"),
        ({"hint": "yes"}, TypeError, "hint must be True or False, got 'yes'"),
        ({"a": (3.0, 0.0)}, ValueError, r"a must lie in the domain .*got \(3.0, 0.0\)"),
        ({"b": (0.0, -2.5)}, ValueError, r"b must lie in the domain"),
        ({"b": "corner"}, ValueError, r"b must be a finite point \(x, y\)"),
        ({"width": 120}, ValueError, "width must be a whole number of pixels >= 200"),
        ({"locked": 1}, TypeError, "locked must be True or False, got 1"),
    ],
    ids=[
        "unknown-surface",
        "surfaces-string",
        "no-surfaces",
        "surfaces-unknown",
        "hint",
        "a-outside",
        "b-outside",
        "b-text",
        "width",
        "locked",
    ],
)
def test_bad_arguments_are_refused_with_a_message(kwargs, error, message):
    with pytest.raises(error, match=message):
        ConvexityChord(**kwargs)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("surface", "rastrigin", r"surface must be one of \["),
        ("point_a", (np.nan, 0.0), r"point_a must be a finite point \(x, y\)"),
        ("point_b", (0.0, np.inf), r"point_b must be a finite point \(x, y\)"),
    ],
    ids=["surface", "point_a", "point_b"],
)
def test_bad_values_from_code_are_refused_with_a_message(name, value, message):
    exercise = ConvexityChord()

    with pytest.raises(traitlets.TraitError, match=message):
        setattr(exercise, name, value)


def test_an_error_while_drawing_shows_in_the_notice(monkeypatch):
    exercise = ConvexityChord()

    def refuse(*args, **kwargs):
        raise ValueError("no chord today")

    monkeypatch.setattr(convexity_module, "chord_gap", refuse)
    exercise.point_a = (0.5, 0.5)

    assert exercise.notice.text == "Error while drawing the chord: no chord today"


def test_a_drag_that_loses_a_point_shows_in_the_notice():
    exercise = ConvexityChord()

    drag(exercise.ends, [0.0, 0.5, 1.0], [0.0, 0.5, 1.0])

    assert exercise.notice.text.startswith(
        "Error while moving a point: expected the two points A and B"
    )
