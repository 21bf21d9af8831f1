from __future__ import annotations

import html
import math

import numpy as np
import pytest

from lossviz_widgets.engine import (
    Surface,
    classify_hessian,
    condition_number,
    hessian_eigen,
    stable_step_size,
)
from lossviz_widgets.engine.optimizers import GD, Adam
from lossviz_widgets.model import LandscapeModel, Run
from lossviz_widgets.views import readout as readout_module
from lossviz_widgets.views.readout import CurvatureReadout


@pytest.fixture
def model() -> LandscapeModel:
    runs = [Run(GD(lr=0.01), start=(0.5, 0.5)), Run(Adam(lr=0.1), start=(-4.0, 4.0))]
    return LandscapeModel("himmelblau", runs, steps=40)


def shown(readout, text):
    return html.escape(text) in readout.table.value


@pytest.mark.parametrize("frame", [0, 1, 17, 40])
def test_numbers_match_the_engine_at_the_current_point(model, frame):
    readout = CurvatureReadout(model)

    model.frame = frame

    surface, point = model.surface, model.runs[0].trajectory.points[frame]
    hessian = surface.hessian_at(point)
    eigenvalues, eigenvectors = hessian_eigen(hessian)
    values = readout.values
    assert values["step"] == frame
    assert values["point"] == tuple(point)
    assert values["value"] == pytest.approx(surface.value_at(point))
    assert values["gradient"] == pytest.approx(surface.grad_at(point))
    assert values["gradient_norm"] == pytest.approx(
        np.linalg.norm(surface.grad_at(point))
    )
    assert np.array(values["hessian"]) == pytest.approx(hessian)
    assert values["eigenvalues"] == pytest.approx(eigenvalues)
    assert pytest.approx(eigenvectors) == np.array(values["eigenvectors"]).T
    assert values["kind"] == classify_hessian(hessian)
    assert values["condition_number"] == pytest.approx(condition_number(hessian))
    assert values["stable_lr"] == pytest.approx(stable_step_size(hessian))
    assert values["lr"] == 0.01
    numbers = [values["value"], *values["eigenvalues"], values["stable_lr"]]
    for number in filter(math.isfinite, numbers):
        assert shown(readout, f"{number:.4g}")


def test_rosenbrock_minimum_has_the_published_curvature_and_overshoots():
    model = LandscapeModel("rosenbrock", [Run(GD(lr=0.01), start=(1.0, 1.0))])

    readout = CurvatureReadout(model)

    values = readout.values
    assert values["hessian"] == ((802.0, -400.0), (-400.0, 200.0))
    assert values["eigenvalues"] == pytest.approx((0.399361, 1001.600639), abs=1e-6)
    assert values["condition_number"] == pytest.approx(1001.600639 / 0.399361, 1e-6)
    assert values["stable_lr"] == pytest.approx(2 / 1001.600639)
    assert values["kind"] == "minimum"
    assert values["overshoots"] is True
    assert shown(readout, "Hessian H")
    assert shown(readout, "[[802, -400], [-400, 200]]")
    assert shown(readout, "λ₁ = 0.3994, λ₂ = 1002")
    assert shown(readout, "2/λmax = 0.001997 < learning rate 0.01")
    assert shown(readout, "steps overshoot along the sharpest direction")


def test_a_learning_rate_below_the_limit_is_said_to_be_safe():
    model = LandscapeModel("rosenbrock", [Run(GD(lr=0.001), start=(1.0, 1.0))])

    readout = CurvatureReadout(model)

    assert readout.values["overshoots"] is False
    assert shown(readout, "2/λmax = 0.001997 ≥ learning rate 0.001")
    assert not shown(readout, "overshoot along")


def test_a_flat_point_is_degenerate_with_infinite_condition_and_no_limit():
    model = LandscapeModel("monkey_saddle", [Run("gd", start=(0.0, 0.0))])

    readout = CurvatureReadout(model)

    values = readout.values
    assert values["hessian"] == ((0.0, 0.0), (0.0, 0.0))
    assert values["kind"] == "degenerate"
    assert values["condition_number"] == math.inf
    assert values["stable_lr"] == math.inf
    assert values["overshoots"] is False
    assert "condition number</th><td>∞</td>" in readout.table.value
    assert shown(readout, "no direction curves up")


def test_a_rank_one_hessian_counts_as_degenerate_with_infinite_condition():
    model = LandscapeModel(Surface.from_formula("x^2"), [Run("gd", start=(1.0, 1.0))])

    readout = CurvatureReadout(model)

    assert readout.values["eigenvalues"] == (0.0, 2.0)
    assert readout.values["kind"] == "degenerate"
    assert readout.values["condition_number"] == math.inf
    assert readout.values["stable_lr"] == 1.0


def test_a_maximum_sets_no_step_size_limit():
    surface = Surface.from_formula("-x^2 - 2*y^2")
    model = LandscapeModel(surface, [Run("gd", start=(0.0, 0.0))])

    readout = CurvatureReadout(model)

    assert readout.values["kind"] == "maximum"
    assert readout.values["eigenvalues"] == (-4.0, -2.0)
    assert readout.values["stable_lr"] == math.inf
    assert shown(readout, "λmax ≤ 0: no direction curves up")


def test_a_diverged_run_shows_its_last_good_point_and_the_reason():
    model = LandscapeModel("banana", [Run(GD(lr=0.2), start=(-1.2, 2.2))], steps=20)
    trajectory = model.runs[0].trajectory
    assert trajectory.diverged_at == 2
    readout = CurvatureReadout(model)

    model.frame = 15

    values = readout.values
    assert values["step"] == 1
    assert values["point"] == tuple(trajectory.points[1])
    assert values["diverged_at"] == 2
    assert values["message"].startswith("diverged at step 2")
    assert shown(readout, "diverged at step 2")
    assert shown(readout, "Showing its last good point, step 1.")
    assert all(np.isfinite(values["eigenvalues"]))


def test_before_diverging_the_point_is_read_as_usual_with_a_warning():
    model = LandscapeModel("banana", [Run(GD(lr=0.2), start=(-1.2, 2.2))], steps=20)
    readout = CurvatureReadout(model)

    assert readout.values["step"] == 0
    assert readout.values["point"] == (-1.2, 2.2)
    assert shown(readout, "diverged at step 2")
    assert not shown(readout, "last good point")


def test_no_runs_show_a_hint_and_no_numbers(model, wire):
    readout = CurvatureReadout(model)

    model.runs = []

    assert readout.values == {}
    assert shown(readout, "No run to read")
    assert "<table" not in readout.table.value


def test_selecting_another_run_reads_it(model):
    readout = CurvatureReadout(model)

    model.selected = 1

    assert readout.values["run"] == "Adam"
    assert readout.values["point"] == (-4.0, 4.0)
    assert readout.values["lr"] == 0.1


def test_a_new_learning_rate_of_the_selected_run_is_read(model):
    readout = CurvatureReadout(model)
    model.frame = 5

    model.runs[0].set_hyperparameter("lr", 0.02)

    assert readout.values["lr"] == 0.02
    assert readout.values["point"] == tuple(model.runs[0].trajectory.points[5])


def test_changes_to_another_run_send_nothing(model, wire):
    readout = CurvatureReadout(model)
    wire.reset()

    model.runs[1].set_hyperparameter("lr", 0.05)

    assert wire.updates(readout.table) == []


@pytest.mark.parametrize(
    "change",
    [
        lambda m: setattr(m, "frame", 9),
        lambda m: setattr(m, "surface", "booth"),
        lambda m: setattr(m, "selected", 1),
        lambda m: m.runs[0].set_hyperparameter("lr", 0.005),
    ],
    ids=["frame", "surface", "selected", "selected-run-lr"],
)
def test_each_change_updates_the_table_once(model, wire, change):
    readout = CurvatureReadout(model)
    before = readout.table.value
    wire.reset()

    change(model)

    updates = wire.updates(readout.table)
    assert len(updates) == 1
    assert updates[0].state["value"] == readout.table.value != before
    assert {m.comm_id for m in wire.updates()} == {readout.table.comm.comm_id}


def test_a_run_added_later_is_followed(model):
    readout = CurvatureReadout(model)
    model.add_run("momentum", start=(1.0, -1.0))

    model.selected = 2
    model.runs[2].label = "heavy ball"

    assert readout.values["run"] == "heavy ball"
    assert readout.values["point"] == (1.0, -1.0)


def test_text_is_escaped(model):
    readout = CurvatureReadout(model)

    model.runs[0].label = "<script>alert(1)</script>"

    assert "<script>" not in readout.table.value
    assert "&lt;script&gt;alert(1)&lt;/script&gt;, step 0" in readout.table.value


def test_values_are_plain_python_and_a_copy(model):
    readout = CurvatureReadout(model)

    values = readout.values
    values["lr"] = 123.0

    assert readout.values["lr"] == 0.01
    assert all(type(v) is float for v in readout.values["point"])
    assert type(readout.values["value"]) is float
    assert type(readout.values["kind"]) is str


def test_an_error_while_reading_is_shown_and_not_raised(model, monkeypatch):
    readout = CurvatureReadout(model)

    def broken(hessian):
        raise ArithmeticError("no eigenvalues today")

    monkeypatch.setattr(readout_module, "hessian_eigen", broken)
    model.frame = 3

    assert readout.notice.text == (
        "Error while reading the curvature: no eigenvalues today"
    )


def test_only_a_model_is_accepted():
    with pytest.raises(TypeError, match="model must be a LandscapeModel, got 3"):
        CurvatureReadout(3)
