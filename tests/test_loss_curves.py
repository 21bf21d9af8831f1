from __future__ import annotations

import json

import ipywidgets
import numpy as np
import pytest
from ipywidgets.widgets.widget_link import Link

from lossviz_widgets.engine import Surface
from lossviz_widgets.model import LandscapeModel, Run
from lossviz_widgets.views.loss_curves import (
    GRADIENT_FLOOR,
    LossCurves,
)
from lossviz_widgets.views.playback import playback_steps


@pytest.fixture
def model() -> LandscapeModel:
    runs = [Run("gd", start=(-1.0, -4.0)), Run("momentum", start=(4.0, 4.5))]
    return LandscapeModel("himmelblau", runs, steps=60)


def shared_widgets(curves):
    """The widgets that belong to no run."""
    return [
        curves.step_scale,
        curves.loss_scale,
        curves.gradient_scale,
        curves.loss_cursor,
        curves.gradient_cursor,
        curves.loss_figure,
        curves.gradient_figure,
        *curves.loss_figure.axes,
        *curves.gradient_figure.axes,
    ]


def updated(wire):
    """The comm ids of the widgets that sent an update."""
    return {m.comm_id for m in wire.updates()}


def ids(*widgets):
    return {w.comm.comm_id for w in widgets}


def test_curves_are_float32_positive_and_one_point_per_step(model):
    curves = LossCurves(model)

    for run in model.runs:
        marks = curves.marks(run)
        for line in (marks.loss, marks.gradient):
            assert line.x.dtype == line.y.dtype == np.float32
            assert line.x.shape == line.y.shape == (61,)
            assert np.all(np.isfinite(line.y))
            assert np.all(line.y > 0)
        np.testing.assert_array_equal(marks.loss.x, np.arange(61))
        expected = run.trajectory.values - curves.reference
        np.testing.assert_allclose(marks.loss.y, expected, rtol=1e-6)
        np.testing.assert_allclose(
            marks.gradient.y, np.maximum(run.trajectory.grad_norms, 1e-12), rtol=1e-6
        )
        assert marks.loss.colors == marks.loss_marker.colors == [run.color]
        assert marks.loss.labels == [run.name]


def test_markers_hold_the_start_twice_then_every_step(model):
    curves = LossCurves(model)
    marks = curves.marks(model.runs[0])

    pairs = ((marks.loss_marker, marks.loss), (marks.gradient_marker, marks.gradient))
    for marker, line in pairs:
        assert marker.x.dtype == np.float32
        np.testing.assert_array_equal(marker.x, [0, *range(61)])
        np.testing.assert_array_equal(marker.y, [line.y[0], *line.y])
        assert marker.hovered_point == model.frame + 1
        assert marker.hovered_style == {"opacity": 1}
        assert marker.unhovered_style == {"opacity": 0}
        assert marker.interactions == {}


def test_limits_are_finite_whole_decades_around_the_curves(model):
    curves = LossCurves(model)

    pairs = ((curves.loss_scale, "loss"), (curves.gradient_scale, "gradient"))
    for scale, name in pairs:
        values = np.concatenate([getattr(curves.marks(r), name).y for r in model.runs])
        assert 0 < scale.min <= values.min()
        assert values.max() <= scale.max < np.inf
        for limit in (scale.min, scale.max):
            assert np.log10(limit) == pytest.approx(round(np.log10(limit)))
    assert (curves.step_scale.min, curves.step_scale.max) == (0.0, 60.0)
    np.testing.assert_array_equal(
        curves.loss_cursor.y, [curves.loss_scale.min, curves.loss_scale.max]
    )


def test_negative_losses_are_drawn_above_a_reference_below_them():
    model = LandscapeModel("styblinski_tang", [Run("gd", start=(-4.0, -4.5))], steps=80)

    curves = LossCurves(model)

    values = model.runs[0].trajectory.values
    assert values.min() < -78.3  # at the global minimum, -78.332
    assert curves.reference < -78.332
    assert curves.reference > -78.34
    assert np.all(curves.marks(model.runs[0]).loss.y > 0)
    label = curves.loss_figure.axes[1].label
    assert label == f"f − f_ref,  f_ref = {curves.reference:.4g}"


def test_a_run_below_the_surface_moves_the_reference_and_redraws_all():
    model = LandscapeModel("saddle", [Run("gd", start=(0.1, 0.1))], steps=30)
    model.add_run("gd", start=(1.0, 0.0))
    curves = LossCurves(model)
    before = curves.reference

    model.runs[0].set_hyperparameter("lr", 0.2)  # runs down the open side

    assert curves.reference < before
    assert curves.reference < model.runs[0].trajectory.values[:30].min()
    for run in model.runs:
        loss = curves.marks(run).loss
        assert np.all(loss.y > 0)
        shown = loss.y.astype(float) + curves.reference
        float32 = 1e-6 * np.abs(loss.y).max()
        np.testing.assert_allclose(
            shown, run.trajectory.values[: len(shown)], atol=float32
        )


def test_a_learning_rate_change_sends_only_that_runs_marks(model, wire):
    curves = LossCurves(model)
    wire.reset()

    model.runs[1].set_hyperparameter("lr", 0.0105)

    first, second = (curves.marks(run) for run in model.runs)
    assert updated(wire) == ids(*second.all)
    assert updated(wire).isdisjoint(ids(*first.all, *shared_widgets(curves)))
    for mark in second.all:
        assert len(wire.updates(mark)) == 1


def test_a_frame_change_moves_only_the_cursors(model, wire):
    curves = LossCurves(model)
    wire.reset()

    model.frame = 25

    assert updated(wire) == ids(curves.loss_cursor, curves.gradient_cursor)
    assert [set(m.state) for m in wire.updates()] == [{"x"}, {"x"}]
    np.testing.assert_array_equal(curves.loss_cursor.x, [25, 25])
    np.testing.assert_array_equal(curves.gradient_cursor.x, [25, 25])


def test_a_diverged_run_stops_at_its_last_good_step():
    model = LandscapeModel("convex_bowl", [Run("gd", start=(1.0, 1.0))], steps=40)
    model.runs[0].set_hyperparameter("lr", 3.0)
    trajectory = model.runs[0].trajectory

    curves = LossCurves(model)

    marks = curves.marks(model.runs[0])
    assert trajectory.diverged_at == 9
    assert trajectory.last_good_step == 8
    assert marks.loss.x.tolist() == list(range(9))
    assert np.all(marks.loss_marker.y[9:] == marks.loss.y[8])
    assert curves.loss_scale.max >= marks.loss.y.max()


def test_a_run_at_the_minimum_draws_its_zero_gradient_on_the_floor():
    model = LandscapeModel("convex_bowl", [Run("gd", start=(0.0, 0.0))], steps=10)

    curves = LossCurves(model)

    marks = curves.marks(model.runs[0])
    np.testing.assert_array_equal(marks.gradient.y, np.float32(GRADIENT_FLOOR))
    assert np.all(marks.loss.y > 0)
    assert curves.gradient_scale.min == pytest.approx(1e-12)
    assert curves.gradient_scale.max == pytest.approx(1e-11)


def test_values_beyond_float32_are_drawn_at_its_edge():
    huge = Surface.from_function(
        lambda x, y: 1e40 * (x**2 + y**2), lambda x, y: (2 * x, 2 * y), name="huge"
    )
    model = LandscapeModel(huge, [Run("gd", start=(1.0, 1.0))], steps=5)

    curves = LossCurves(model)

    loss = curves.marks(model.runs[0]).loss.y
    assert np.all(np.isfinite(loss))
    assert loss.max() == np.float32(1e38)
    assert np.isfinite(curves.loss_scale.max)


def test_a_hidden_run_leaves_the_picture_and_the_limits(model):
    curves = LossCurves(model)
    model.runs[1].set_hyperparameter("lr", 0.001)
    high = curves.gradient_scale.max

    model.runs[1].visible = False

    marks = curves.marks(model.runs[1])
    assert not any(mark.visible for mark in marks.all)
    assert curves.gradient_scale.max <= high


def test_a_run_that_cannot_start_is_not_drawn():
    hole = Surface.from_function(lambda x, y: np.full_like(x, np.nan), name="hole")
    model = LandscapeModel(hole, steps=5)

    curves = LossCurves(model)

    assert not curves.marks(model.runs[0]).loss.visible
    assert (curves.loss_scale.min, curves.loss_scale.max) == (1.0, 10.0)
    assert curves.notice.text == ""


def test_runs_added_and_removed_get_and_lose_their_marks(model):
    curves = LossCurves(model)
    play = ipywidgets.Play(min=1, max=61)
    curves.follow(play)
    old = curves.marks(model.runs[1])

    run = model.add_run("adam")
    model.remove_run(1)

    assert curves.loss_figure.marks == [
        curves.loss_cursor,
        curves.marks(model.runs[0]).loss,
        curves.marks(run).loss,
        curves.marks(model.runs[0]).loss_marker,
        curves.marks(run).loss_marker,
    ]
    assert all(mark.comm is None for mark in old.all)
    assert len(curves.links) == 4
    targets = {link.target for link in curves.links}
    assert (curves.marks(run).gradient_marker, "hovered_point") in targets


def test_the_player_moves_the_markers_in_the_browser(model):
    curves = LossCurves(model)
    play = ipywidgets.Play(min=1, max=61)

    curves.follow(ipywidgets.Play())
    curves.follow(play)

    assert len(curves.links) == 4
    for link in curves.links:
        assert isinstance(link, Link)
        assert link.source == (play, "value")
        assert link.target[1] == "hovered_point"


def test_a_steps_change_stretches_the_step_axis(model):
    curves = LossCurves(model)

    model.steps = 120

    assert curves.notice.value == ""
    assert curves.step_scale.max == 120.0
    assert curves.marks(model.runs[0]).loss.y.shape == (121,)
    assert curves.marks(model.runs[0]).loss_marker.y.shape == (122,)


def test_a_surface_change_redraws_every_run(model, wire):
    curves = LossCurves(model)
    wire.reset()

    model.surface = "rosenbrock"

    for run in model.runs:
        marks = curves.marks(run)
        assert len(wire.updates(marks.loss)) == 1
        np.testing.assert_allclose(
            marks.loss.y, run.trajectory.values[: len(marks.loss.y)] - curves.reference,
            rtol=1e-5,
        )  # fmt: skip
    assert curves.reference == pytest.approx(-1e-6 * 2509, rel=0.01)


def test_playback_steps_repeat_the_start_and_hold_after_divergence():
    model = LandscapeModel("convex_bowl", [Run("gd", start=(1.0, 1.0))], steps=12)
    model.runs[0].set_hyperparameter("lr", 3.0)

    steps = playback_steps(model.runs[0].trajectory)

    assert steps.tolist() == [0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 8, 8, 8, 8]


def test_every_message_is_plain_json(model, wire):
    curves = LossCurves(model)
    model.surface = "styblinski_tang"
    model.add_run("adam")

    assert curves.notice.text == ""
    for message in wire.messages:
        json.dumps(message.data, allow_nan=False)


def test_an_error_while_drawing_is_shown_and_not_raised(model, monkeypatch):
    curves = LossCurves(model)

    def broken(run):
        raise ValueError("no ink")

    monkeypatch.setattr(curves, "_draw_run", broken)
    model.runs[0].set_hyperparameter("lr", 0.002)

    assert curves.notice.text == "Error while drawing the loss curves: no ink"


def test_only_a_model_and_a_play_are_accepted(model):
    with pytest.raises(TypeError, match="model must be a LandscapeModel"):
        LossCurves("himmelblau")
    with pytest.raises(TypeError, match=r"play must be an ipywidgets\.Play"):
        LossCurves(model).follow(ipywidgets.IntSlider())
