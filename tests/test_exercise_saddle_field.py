from __future__ import annotations

import json

import bqplot
import numpy as np
import pytest
import traitlets

from lossviz_widgets.engine import CriticalPoint, Surface, get_surface, hessian_eigen
from lossviz_widgets.exercises._mini import nearest, saddle_points
from lossviz_widgets.exercises.saddle_field import (
    MAX_MARKS,
    SADDLE_SURFACES,
    SaddleField,
)

#: Himmelblau's saddles, as published.
HIMMELBLAU_SADDLES = [
    (3.385154, 0.073852),
    (0.086678, 2.884255),
    (-3.073026, -0.081353),
    (-0.127961, -1.953715),
]
HIMMELBLAU_MAXIMUM = (-0.270845, -0.923039)


def click(mark: bqplot.Image, x: float, y: float) -> None:
    """Deliver the message bqplot's Image view sends when clicked."""
    content = {"event": "element_click", "data": {"click_x": x, "click_y": y}}
    mark._handle_custom_msg(content, [])


# -- the saddles --------------------------------------------------------------------


def test_himmelblaus_saddles_are_the_published_ones_and_true_saddles():
    surface = get_surface("himmelblau")

    found = saddle_points(surface, surface.critical_points)

    points = np.array([(p.x, p.y) for p in found])
    _, distance = nearest(HIMMELBLAU_SADDLES, points)
    assert len(found) == 4
    assert distance.max() < 1e-5
    assert np.all(np.linalg.norm(surface.grad_at(points), axis=-1) < 1e-4)
    eigenvalues = hessian_eigen(surface.hessian_at(points))[0]
    assert np.all(eigenvalues.min(axis=-1) < 0)
    assert np.all(eigenvalues.max(axis=-1) > 0)


def test_a_degenerate_point_counts_as_a_saddle_only_if_the_surface_crosses_it():
    monkey = get_surface("monkey_saddle")
    flat_bottom = Surface.from_function(
        lambda x, y: x**4 + y**4,
        critical_points=[CriticalPoint(0.0, 0.0, 0.0, "degenerate")],
    )

    assert [p.kind for p in saddle_points(monkey, monkey.critical_points)] == [
        "degenerate"
    ]
    assert saddle_points(flat_bottom, flat_bottom.critical_points) == []


@pytest.mark.parametrize("name", SADDLE_SURFACES)
def test_every_surface_offered_has_a_saddle(name):
    surface = get_surface(name)

    assert saddle_points(surface, surface.critical_points)


def test_nearest_finds_the_closest_target_and_handles_no_targets():
    index, distance = nearest([[1.0, 1.0]], [[0.0, 0.0], [1.0, 2.0]])
    assert (index.tolist(), distance.tolist()) == ([1], [1.0])

    _, distance = nearest([[1.0, 1.0]], np.empty((0, 2)))
    assert distance.tolist() == [np.inf]


# -- building and the answer -----------------------------------------------------


def test_defaults_show_himmelblau_with_arrows_and_hide_its_saddles():
    exercise = SaddleField()

    assert exercise.model.surface.name == "himmelblau"
    assert exercise.contour.quiver
    assert exercise.contour.surface_marks.arrows.visible
    critical = exercise.contour.critical_marks.by_kind
    assert critical["minimum"].visible
    assert not critical["saddle"].visible
    assert not critical["saddle"].display_legend
    assert exercise.marked == []
    assert exercise.tolerance == pytest.approx(0.5)


def test_the_magnitude_picture_covers_the_domain():
    exercise = SaddleField()

    magnitude = exercise.magnitude
    assert (magnitude.x_scale.min, magnitude.x_scale.max) == (-5.0, 5.0)
    assert magnitude.image.image.value[1:4] == b"PNG"
    assert magnitude.image.x[0] < -5.0 < 5.0 < magnitude.image.x[1]
    assert magnitude.figure.layout.width == exercise.contour.figure.layout.width


def test_a_click_on_either_picture_marks_a_point():
    exercise = SaddleField()

    click(exercise.contour.surface_marks.image, 3.4, 0.1)
    click(exercise.contour.surface_marks.hatch, 0.1, 2.9)
    click(exercise.magnitude.image, -3.0, -0.1)

    assert exercise.marked == [(3.4, 0.1), (0.1, 2.9), (-3.0, -0.1)]
    assert exercise.contour.notice.text == ""
    for dots in exercise.mark_dots:
        assert dots.visible
        assert dots.x.dtype == np.float32
        assert dots.x.tolist() == pytest.approx([3.4, 0.1, -3.0])


def test_the_answer_measures_each_mark():
    exercise = SaddleField()
    exercise.marked = [(3.4, 0.1), (HIMMELBLAU_MAXIMUM)]
    surface = get_surface("himmelblau")

    answer = exercise.answer

    assert json.loads(json.dumps(answer)) == answer
    first, second = answer["marks"]
    assert first["point"] == [3.4, 0.1]
    assert first["nearest_saddle"] == pytest.approx(HIMMELBLAU_SADDLES[0], abs=1e-5)
    assert first["distance"] == pytest.approx(
        np.hypot(3.4 - 3.385154, 0.1 - 0.073852), abs=1e-5
    )
    assert first["gradient_norm"] == pytest.approx(
        np.linalg.norm(surface.grad(3.4, 0.1)), rel=1e-12
    )
    assert second["gradient_norm"] < 1e-4  # a maximum: the gradient vanishes too
    assert (answer["saddles"], answer["saddles_marked"]) == (4, 1)


def test_the_readout_lists_the_gradient_norm_at_each_mark():
    exercise = SaddleField("saddle")

    exercise.mark(0.5, 0.0)

    assert "<td>1</td><td>0.500</td><td>0.000</td><td>1</td>" in (
        exercise.readout.value
    )


# -- the check -------------------------------------------------------------------


def test_marking_every_saddle_passes():
    exercise = SaddleField()
    exercise.marked = [(x + 0.2, y - 0.2) for x, y in HIMMELBLAU_SADDLES]

    verdict = exercise.check()

    assert verdict.passed, str(verdict)
    assert verdict.right == (
        "4 points are marked",
        "all 4 saddles are marked",
        "every mark lies near a saddle",
    )


def test_nothing_marked_fails():
    assert SaddleField().check().wrong == (
        "no point is marked yet: click the map where the gradient vanishes and "
        "arrows arrive from two sides",
        "4 of 4 saddles are not marked yet: look for dark spots of ‖∇f‖ where "
        "arrows arrive from two sides and leave to the other two",
    )


def test_a_mark_on_the_maximum_is_far_from_every_saddle():
    exercise = SaddleField()
    exercise.marked = [*HIMMELBLAU_SADDLES[:2], HIMMELBLAU_MAXIMUM]

    wrong = exercise.check().wrong

    assert wrong[0].startswith("2 of 4 saddles are not marked yet")
    assert wrong[1] == (
        "mark 3 lies farther than 0.5 from every saddle: ‖∇f‖ also vanishes at "
        "minima and maxima, but there the arrows all point in or all point out"
    )


def test_a_mark_just_beyond_the_tolerance_misses():
    exercise = SaddleField("saddle", tolerance=0.05)  # 0.2 on a domain 4 wide

    exercise.marked = [(0.21, 0.0), (-1.0, 1.0)]
    assert (
        exercise.check()
        .wrong[1]
        .startswith("marks 1, 2 lie farther than 0.2 from every saddle")
    )
    exercise.marked = [(0.19, 0.0)]
    assert exercise.check().passed


def test_the_check_button_fills_the_feedback():
    exercise = SaddleField("monkey_saddle")

    exercise.check_button.click()
    assert exercise.feedback.value.startswith("<b>Not yet.</b>")

    exercise.mark(0.02, -0.03)
    exercise.check_button.click()
    assert exercise.feedback.value.startswith("<b>All correct.</b>")


# -- changing and clearing ---------------------------------------------------------


def test_the_clear_button_removes_every_mark():
    exercise = SaddleField()
    exercise.marked = HIMMELBLAU_SADDLES

    exercise.clear_button.click()

    assert exercise.marked == []
    assert not any(dots.visible for dots in exercise.mark_dots)
    assert exercise.readout.value == ""


def test_a_new_surface_redraws_both_pictures_and_forgets_the_marks():
    exercise = SaddleField()
    exercise.marked = HIMMELBLAU_SADDLES
    old_picture = exercise.magnitude.image.image

    exercise.surface_choice.value = "six_hump_camel"

    assert exercise.model.surface.name == "six_hump_camel"
    assert exercise.marked == []
    assert len(exercise.saddles) == 7
    assert (exercise.magnitude.y_scale.min, exercise.magnitude.y_scale.max) == (
        -1.0,
        1.0,
    )
    assert exercise.magnitude.image.image is not old_picture
    assert not exercise.contour.critical_marks.by_kind["saddle"].visible


def test_a_click_beyond_the_domain_is_clipped_and_rounded():
    exercise = SaddleField()

    click(exercise.magnitude.image, 5.3, -1.23456)

    assert exercise.marked == [(5.0, -1.23)]


def test_a_click_without_coordinates_is_reported_not_raised():
    exercise = SaddleField()

    exercise.magnitude.image._handle_custom_msg({"event": "element_click"}, [])

    assert exercise.notice.text.startswith(
        "Error while marking a point: a click must report finite click_x"
    )
    assert exercise.marked == []


def test_marks_beyond_the_limit_are_refused_in_words():
    exercise = SaddleField()
    exercise.marked = [(0.0, 0.0)] * MAX_MARKS

    exercise.mark(1.0, 1.0)

    assert len(exercise.marked) == MAX_MARKS
    assert exercise.notice.text == "At most 20 marks: clear them first."


def test_marks_set_from_code_must_lie_in_the_domain():
    exercise = SaddleField("saddle")

    with pytest.raises(traitlets.TraitError, match="inside the domain"):
        exercise.marked = [(3.0, 0.0)]


# -- the author's settings -------------------------------------------------------


def test_the_author_chooses_the_surface_and_the_tolerance():
    exercise = SaddleField("waves", tolerance=0.1)

    assert exercise.surface_choice.value == "waves"
    assert exercise.tolerance == pytest.approx(0.8)
    assert len(exercise.saddles) == 4


def test_locked_fixes_the_surface_but_not_the_marking():
    exercise = SaddleField(locked=True)

    assert exercise.surface_choice.disabled
    assert not exercise.clear_button.disabled
    click(exercise.magnitude.image, 1.0, 1.0)
    assert exercise.marked == [(1.0, 1.0)]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"surface": 3}, TypeError, "surface must be the name of a surface, got 3"),
        (
            {"surface": "banana"},
            ValueError,
            "surface must be one of himmelblau, waves, six_hump_camel, saddle, "
            "monkey_saddle, got 'banana'",
        ),
        ({"tolerance": 0.5}, ValueError, r"tolerance must lie in \[0.001, 0.2\]"),
        ({"tolerance": "near"}, TypeError, "tolerance must be a number, got 'near'"),
        ({"locked": None}, TypeError, "locked must be True or False, got None"),
    ],
    ids=["surface-type", "surface-name", "tolerance-range", "tolerance-type", "locked"],
)
def test_bad_settings_are_refused_with_a_message(kwargs, error, message):
    with pytest.raises(error, match=message):
        SaddleField(**kwargs)


# -- the wire --------------------------------------------------------------------


def test_a_click_sends_only_the_marks_and_the_readout(wire):
    exercise = SaddleField()
    wire.reset()

    click(exercise.contour.surface_marks.image, 3.4, 0.1)

    senders = {m.comm_id for m in wire.updates()}
    expected = {dots.comm.comm_id for dots in exercise.mark_dots}
    expected.add(exercise.readout.comm.comm_id)
    assert senders == expected
    assert exercise.model.runs == []  # a click marks; it starts no run
