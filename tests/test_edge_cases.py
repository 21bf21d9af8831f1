"""Hostile formulas typed in the widget, and the corners of the input space.

Typed in the explorer's formula box, every hostile formula is refused with
its message while the last good surface stays and the next good formula
works. Starts outside the domain, empty run lists, zero steps, surfaces
without critical points and formulas constant in x or y each give a
sensible result that the views still draw.
"""

from __future__ import annotations

import html

import numpy as np
import pytest
import traitlets

from lossviz_widgets import LandscapeExplorer
from lossviz_widgets.engine import Surface, descend, get_surface
from lossviz_widgets.engine.optimizers import GD, Adam
from lossviz_widgets.model import LandscapeModel, Run
from tests.hostile_corpus import HOSTILE
from tests.widget_checks import drawing_problems, logged_errors, shown_errors

STEPS = 30
RESOLUTION = 30

# -- hostile formulas typed in the widget ---------------------------------------

# Text that a page would take for markup, on top of the engine's corpus.
MARKUP = [
    ("script-tag", "<script>alert(1)</script>", "LESS-THAN SIGN"),
    ("image-tag", "x<img src=x onerror=alert(1)>", "LESS-THAN SIGN"),
    ("entity", "x &amp; y", "AMPERSAND"),
]
GOOD = ("x^2 + 3*y^2", "(x - 1)^2 + y^2")


@pytest.fixture(scope="module")
def explorer():
    """An explorer whose formula box takes every hostile formula in turn."""
    return LandscapeExplorer(
        "himmelblau", runs=["gd", "adam"], steps=STEPS, resolution=RESOLUTION
    )


@pytest.mark.parametrize(
    ("index", "text", "fragment"),
    [(i, text, fragment) for i, (_, text, fragment) in enumerate(HOSTILE + MARKUP)],
    ids=[name for name, _, _ in HOSTILE + MARKUP],
)
def test_a_hostile_formula_is_explained_and_the_explorer_keeps_working(
    explorer, index, text, fragment, caplog
):
    selector, model = explorer.surface_selector, explorer.model
    good = GOOD[index % 2]
    selector.formula_box.value = good
    last_good = model.surface

    selector.formula_box.value = text

    notice = selector.notice
    assert notice.level == "error"
    assert notice.text.startswith("Formula not used: ")
    if fragment is not None:
        assert fragment in notice.text
    assert html.escape(notice.text) in notice.value  # shown as text, never markup
    assert model.surface is last_good
    assert [run.trajectory.steps for run in model.runs] == [STEPS, STEPS]

    selector.formula_box.value = GOOD[(index + 1) % 2]
    assert model.surface.formula == GOOD[(index + 1) % 2]
    assert notice.text == ""
    assert GOOD[(index + 1) % 2] in explorer.contour.figure.title
    assert all(run.trajectory.status != "diverged" for run in model.runs)
    assert shown_errors(explorer) == []
    assert logged_errors(caplog) == []


def test_the_whole_corpus_reaches_the_widget():
    assert len(HOSTILE) >= 80


def test_the_views_draw_after_the_whole_corpus(explorer):
    assert drawing_problems(explorer) == []


def test_apply_after_a_refusal_says_it_again(explorer):
    selector = explorer.surface_selector
    selector.formula_box.value = "__import__('os')"
    first = selector.notice.text
    selector.notice.clear()
    selector.apply_button.click()
    assert selector.notice.text == first


# -- starts outside the domain --------------------------------------------------


def test_a_run_added_outside_the_domain_starts_on_its_edge():
    model = LandscapeModel("himmelblau", [Run("gd", start=(100.0, -7.0))], steps=5)
    assert model.runs[0].start == (5.0, -5.0)
    assert model.runs[0].trajectory.points[0].tolist() == [5.0, -5.0]


def test_a_start_set_outside_the_domain_from_code_is_moved_onto_its_edge():
    model = LandscapeModel("himmelblau", steps=5)
    run = model.runs[0]
    seen = []
    run.observe(seen.append, names="trajectory")

    run.start = (1e300, 2.0)

    assert run.start == (5.0, 2.0)
    assert run.trajectory.points[0].tolist() == [5.0, 2.0]
    assert len(seen) == 1  # computed once, from the point on the edge


def test_a_smaller_domain_moves_the_starts_onto_it():
    model = LandscapeModel("himmelblau", [Run("gd", start=(4.0, -4.0))], steps=5)
    model.surface = "six_hump_camel"
    assert model.runs[0].start == (2.0, -1.0)


def test_a_start_typed_outside_the_domain_is_moved_and_explained(caplog):
    explorer = LandscapeExplorer("banana", steps=STEPS, resolution=RESOLUTION)
    card = explorer.optimizer_panel.cards[0]

    card.start_x.value = -1e300

    run = explorer.model.runs[0]
    assert run.start[0] == -2.0
    assert card.notice.level == "warning"
    assert "lies outside the surface, x in [-2, 2] and y in [-1, 3]" in (
        card.notice.text
    )
    assert card.start_x.value == -2.0
    assert drawing_problems(explorer) == []
    assert logged_errors(caplog) == []


@pytest.mark.parametrize("start", [(np.nan, 0.0), (0.0, np.inf)])
def test_a_start_that_is_not_a_number_is_refused(start):
    with pytest.raises(traitlets.TraitError, match="start must be a finite point"):
        Run("gd", start=start)


def test_a_start_where_the_surface_is_infinite_stops_at_once_and_draws(caplog):
    surface = Surface.from_formula("1/(x^2 + y^2)")
    explorer = LandscapeExplorer(
        surface,
        runs=[{"optimizer": "gd", "start": (0.0, 0.0)}, "adam"],
        steps=STEPS,
        resolution=RESOLUTION,
    )
    run = explorer.model.runs[0]
    assert run.trajectory.diverged_at == 0
    assert run.trajectory.last_good_step == -1
    assert run.message == (
        "diverged at step 0: a coordinate, the loss or the gradient stopped "
        "being a finite number"
    )
    assert explorer.readout.values["kind"] == "unknown"
    assert not explorer.loss_curves.marks(run).loss.visible
    assert drawing_problems(explorer) == []
    assert logged_errors(caplog) == []


# -- empty run lists ------------------------------------------------------------


def test_an_explorer_without_runs_draws_and_says_what_to_do(caplog):
    explorer = LandscapeExplorer(
        "himmelblau", runs=[], steps=STEPS, resolution=RESOLUTION
    )
    assert explorer.model.runs == []
    assert explorer.model.selected_run is None
    assert "No run to read: add a run" in explorer.readout.table.value
    assert (
        explorer.loss_curves.loss_scale.min,
        explorer.loss_curves.loss_scale.max,
    ) == (
        1.0,
        10.0,
    )
    explorer.player.forward.click()
    assert explorer.model.frame == 1
    assert drawing_problems(explorer) == []

    explorer.optimizer_panel.add_button.click()
    assert len(explorer.model.runs) == 1
    assert drawing_problems(explorer) == []

    explorer.optimizer_panel.cards[0].remove_button.click()
    assert explorer.model.runs == []
    assert "No run to read" in explorer.readout.table.value
    assert drawing_problems(explorer) == []
    assert shown_errors(explorer) == []
    assert logged_errors(caplog) == []


def test_a_click_on_the_map_without_runs_asks_for_one():
    explorer = LandscapeExplorer("himmelblau", runs=[], steps=5, resolution=RESOLUTION)
    handler = explorer.contour._handlers["click"]
    handler(
        explorer.contour.surface_marks.image, {"data": {"click_x": 1, "click_y": 2}}
    )
    assert explorer.contour.notice.text == (
        "Add a run first: a click sets where it starts."
    )


def test_replacing_every_run_at_once_redraws_every_view(caplog):
    explorer = LandscapeExplorer(
        "himmelblau", runs=["gd", "adam"], steps=STEPS, resolution=RESOLUTION
    )
    explorer.model.runs = [Run("momentum", start=(1.0, 1.0)), Run(Adam(lr=0.1))]
    assert [card.run for card in explorer.optimizer_panel.cards] == (
        explorer.model.runs
    )
    assert set(explorer.contour.run_marks) == set(explorer.model.runs)
    assert drawing_problems(explorer) == []
    assert shown_errors(explorer) == []
    assert logged_errors(caplog) == []


# -- zero steps -----------------------------------------------------------------


def test_zero_steps_from_code_are_refused_with_a_reason():
    model = LandscapeModel("himmelblau", steps=STEPS)
    with pytest.raises(traitlets.TraitError, match="a run takes at least one step"):
        model.steps = 0
    assert model.steps == STEPS
    with pytest.raises(traitlets.TraitError, match="a run takes at least one step"):
        LandscapeExplorer("himmelblau", steps=0)


def test_zero_steps_on_the_slider_become_one_step_and_say_why(caplog):
    explorer = LandscapeExplorer("himmelblau", steps=STEPS, resolution=RESOLUTION)
    panel = explorer.optimizer_panel

    panel.steps_slider.value = 0

    assert explorer.model.steps == 1
    assert explorer.model.runs[0].trajectory.points.shape == (2, 2)
    assert panel.notice.text == "steps 0 clamped to 1: a run takes at least one step"
    assert explorer.player.play.max == 2
    assert drawing_problems(explorer) == []
    assert logged_errors(caplog) == []


def test_the_engine_takes_zero_steps_as_the_start_alone():
    trajectory = descend(get_surface("himmelblau"), GD(), (1.0, 2.0), steps=0)
    assert trajectory.points.tolist() == [[1.0, 2.0]]
    assert trajectory.step_sizes.shape == (0,)
    assert trajectory.values.tolist() == [float(get_surface("himmelblau")(1.0, 2.0))]


# -- surfaces without critical points, and formulas constant in x or y ------------


def formula_explorer(text: str, start=(1.0, 2.0)) -> LandscapeExplorer:
    """An explorer of a typed formula with one gradient-descent run, lr 0.01."""
    return LandscapeExplorer(
        Surface.from_formula(text),
        runs=[{"optimizer": GD(lr=0.01), "start": start}],
        steps=STEPS,
        resolution=RESOLUTION,
    )


@pytest.mark.parametrize("text", ["x + y", "x", "2*y - 3"])
def test_a_surface_without_critical_points_walks_at_constant_speed(text, caplog):
    explorer = formula_explorer(text)
    model = explorer.model
    assert model.critical == ()
    assert not any(mark.visible for mark in explorer.contour.critical_marks.marks)

    surface = model.surface
    gradient = surface.grad(1.0, 2.0)
    expected = np.array([1.0, 2.0]) - STEPS * 0.01 * gradient
    trajectory = model.runs[0].trajectory
    np.testing.assert_allclose(trajectory.points[-1], expected, rtol=1e-12)
    assert trajectory.status == "moving"
    assert explorer.readout.values["kind"] == "degenerate"
    assert explorer.readout.values["stable_lr"] == np.inf
    assert "no direction curves up" in explorer.readout.table.value
    assert drawing_problems(explorer) == []
    assert shown_errors(explorer) == []
    assert logged_errors(caplog) == []


@pytest.mark.parametrize(
    ("text", "moving", "fixed"), [("y^2", 1, 0), ("x^2", 0, 1)], ids=["in-x", "in-y"]
)
def test_a_formula_constant_along_one_axis_keeps_that_coordinate(
    text, moving, fixed, caplog
):
    explorer = formula_explorer(text, start=(2.0, 2.0))
    trajectory = explorer.model.runs[0].trajectory

    # Gradient descent on t² multiplies t by 1 − 2·lr at every step.
    assert (trajectory.points[:, fixed] == 2.0).all()
    assert trajectory.points[-1, moving] == pytest.approx(2.0 * 0.98**STEPS)
    critical = explorer.model.critical
    assert critical
    assert {point.kind for point in critical} == {"degenerate"}
    assert max(abs(getattr(point, "xy"[moving])) for point in critical) < 1e-6
    assert explorer.readout.values["eigenvalues"] == (0.0, 2.0)
    assert drawing_problems(explorer) == []
    assert logged_errors(caplog) == []


def test_a_constant_formula_stops_at_once_and_draws_a_flat_picture(caplog):
    explorer = formula_explorer("1")
    trajectory = explorer.model.runs[0].trajectory
    assert trajectory.status == "converged"
    assert (trajectory.points == [1.0, 2.0]).all()
    assert (trajectory.grad_norms == 0).all()
    assert not explorer.contour.surface_marks.contours.visible
    assert {point.kind for point in explorer.model.critical} == {"degenerate"}
    assert drawing_problems(explorer) == []
    assert shown_errors(explorer) == []
    assert logged_errors(caplog) == []
