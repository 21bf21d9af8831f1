"""A view whose update fails: logged, shown in that view, and harmless to the rest.

An exception inside one view's callback is logged with its traceback,
shown in words in that view's notice, and never raised into the cell; the
other views keep following the model, and the failing view recovers on the
next update that works.
"""

from __future__ import annotations

import logging

import pytest

from lossviz_widgets import LandscapeExplorer
from lossviz_widgets.engine.optimizers import Adam, Momentum
from lossviz_widgets.views import readout as readout_module
from tests.widget_checks import assert_same_pictures, drawing_problems


def build(lr: float) -> LandscapeExplorer:
    """An explorer with an Adam run of learning rate ``lr`` and a momentum run."""
    runs = [
        {"optimizer": Adam(lr=lr), "start": (-1.0, 1.0)},
        {"optimizer": Momentum(lr=0.001), "start": (1.5, -0.5)},
    ]
    return LandscapeExplorer("himmelblau", runs=runs, steps=40, resolution=30)


def assert_same_view(ours: LandscapeExplorer, theirs: LandscapeExplorer, view: str):
    """One view of two explorers shows exactly the same things."""
    if view == "readout":
        assert ours.readout.values == theirs.readout.values
        assert ours.readout.table.value == theirs.readout.table.value
    else:
        assert_same_pictures(getattr(ours, view), getattr(theirs, view))


def boom(*args, **kwargs):
    """Stand in for a drawing step that fails."""
    message = "the drawing broke"
    raise RuntimeError(message)


# What each view says it was doing when it failed, and the logger it uses.
FAILURES = {
    "contour": ("drawing a run", "lossviz_widgets.views.contour"),
    "surface3d": ("drawing the 3D surface", "lossviz_widgets.views.surface3d"),
    "loss_curves": ("drawing the loss curves", "lossviz_widgets.views.loss_curves"),
    "readout": ("reading the curvature", "lossviz_widgets.views.readout"),
}


def break_view(explorer, view, monkeypatch):
    """Make the next update of one view's runs raise."""
    if view == "contour":
        for marks in explorer.contour.run_marks.values():
            monkeypatch.setattr(marks, "draw", boom)
    elif view == "surface3d":
        monkeypatch.setattr(explorer.surface3d, "_draw_run", boom)
    elif view == "loss_curves":
        monkeypatch.setattr(explorer.loss_curves, "_draw_run", boom)
    else:
        monkeypatch.setattr(readout_module, "read_point", boom)


@pytest.mark.parametrize("view", FAILURES)
def test_a_failing_view_is_logged_shown_and_isolated(view, monkeypatch, caplog):
    explorer, expected = build(0.01), build(0.05)
    break_view(explorer, view, monkeypatch)
    what, logger = FAILURES[view]

    with caplog.at_level(logging.ERROR):
        explorer.model.runs[0].optimizer = Adam(lr=0.05)  # raises nothing here

    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    # One error for each update that reached the broken step, none lost.
    assert errors
    for record in errors:
        assert (record.name, record.getMessage()) == (logger, f"error while {what}")
        assert record.exc_info[0] is RuntimeError
    notice = getattr(explorer, view).notice
    assert (notice.level, notice.text) == (
        "error",
        f"Error while {what}: the drawing broke",
    )
    for other in FAILURES:
        if other != view:
            assert_same_view(explorer, expected, other)
            assert getattr(explorer, other).notice.text == ""
    assert drawing_problems(explorer) == []

    monkeypatch.undo()
    explorer.model.runs[0].optimizer = Adam(lr=0.02)
    assert notice.text == ""
    recovered = build(0.02)
    for each in FAILURES:
        assert_same_view(explorer, recovered, each)


def test_a_failing_view_leaves_the_controls_working(monkeypatch, caplog):
    explorer = build(0.01)
    break_view(explorer, "loss_curves", monkeypatch)
    card = explorer.optimizer_panel.cards[0]

    card.controls["lr"].value = 0.05
    explorer.optimizer_panel.steps_slider.value = 60

    assert explorer.model.runs[0].optimizer.lr == 0.05
    assert explorer.model.runs[0].trajectory.steps == 60
    assert card.notice.text == ""
    assert explorer.optimizer_panel.notice.text == ""
    assert "loss curves" in explorer.loss_curves.notice.text
    assert explorer.player.play.max == 61
