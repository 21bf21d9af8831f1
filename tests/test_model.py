import numpy as np
import pytest
import traitlets

import lossviz_widgets.model as model_module
from lossviz_widgets.engine import Surface, get_surface, surface_names
from lossviz_widgets.engine.optimizers import GD, Adam
from lossviz_widgets.model import (
    MAX_RUNS,
    PALETTE,
    LandscapeModel,
    Run,
    default_start,
)


@pytest.fixture
def calls(monkeypatch):
    """Count the engine work the model asks for."""
    counts = {"grid": 0, "descend": 0, "critical": 0}

    def counting(name, function):
        def wrapper(*args, **kwargs):
            counts[name] += 1
            return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(
        model_module, "evaluate_grid", counting("grid", model_module.evaluate_grid)
    )
    monkeypatch.setattr(
        model_module, "descend", counting("descend", model_module.descend)
    )
    monkeypatch.setattr(
        model_module,
        "critical_points",
        counting("critical", model_module.critical_points),
    )
    return counts


def test_a_new_model_holds_one_run_and_a_grid(calls):
    model = LandscapeModel("himmelblau", steps=120, resolution=60)
    assert len(model.runs) == 1
    assert model.runs[0].trajectory.points.shape == (121, 2)
    assert model.grid.values.shape == (60, 60)
    assert len(model.critical) == 9
    assert calls == {"grid": 1, "descend": 1, "critical": 0}


def test_surface_by_name_or_object_and_a_clear_error_for_a_bad_name():
    model = LandscapeModel("banana")
    model.surface = get_surface("rosenbrock", a=0.5)
    assert model.surface.params["a"] == 0.5
    with pytest.raises(traitlets.TraitError, match="unknown surface 'bananna'"):
        model.surface = "bananna"
    with pytest.raises(traitlets.TraitError, match="surface must be a Surface"):
        model.surface = 42
    assert model.surface.name == "rosenbrock"


def test_a_surface_change_recomputes_grid_critical_points_and_every_run(calls):
    model = LandscapeModel("himmelblau", steps=50)
    model.add_run("adam")
    calls.update(grid=0, descend=0, critical=0)
    model.surface = "multi_waves"  # no critical points known in closed form
    assert calls == {"grid": 1, "descend": 2, "critical": 1}
    assert model.runs[0].trajectory.values[0] == pytest.approx(
        float(model.surface.value(*model.runs[0].start))
    )


def test_a_learning_rate_change_recomputes_that_run_alone(calls):
    model = LandscapeModel("himmelblau", steps=50)
    model.add_run("adam")
    untouched = model.runs[0].trajectory
    calls.update(grid=0, descend=0, critical=0)
    model.runs[1].set_hyperparameter("lr", 0.2)
    assert calls == {"grid": 0, "descend": 1, "critical": 0}
    assert model.runs[0].trajectory is untouched
    assert model.runs[1].optimizer.lr == 0.2


def test_resolution_and_frame_changes_rerun_nothing(calls):
    model = LandscapeModel("himmelblau", steps=50)
    calls.update(grid=0, descend=0, critical=0)
    model.resolution = 80
    assert model.grid.values.shape == (80, 80)
    model.frame = 20
    assert calls == {"grid": 1, "descend": 0, "critical": 0}


def test_steps_rerun_every_run_and_keep_the_frame_inside():
    model = LandscapeModel("himmelblau", steps=100)
    model.frame = 90
    model.steps = 40
    assert model.frame == 40
    assert model.runs[0].trajectory.points.shape == (41, 2)
    model.frame = 1000
    assert model.frame == 40
    model.frame = -5
    assert model.frame == 0


@pytest.mark.parametrize(
    ("trait", "value", "match"),
    [
        ("steps", 0, r"steps must lie in \[1, 5000\]"),
        ("steps", 10**6, "so a change never freezes the kernel"),
        ("resolution", 5, r"resolution must lie in \[20, 600\]"),
        ("resolution", 5000, "points per axis, got 5000"),
    ],
    ids=["zero-steps", "too-many-steps", "coarse-grid", "huge-grid"],
)
def test_limits_are_refused_with_a_reason(trait, value, match):
    model = LandscapeModel("convex_bowl")
    with pytest.raises(traitlets.TraitError, match=match):
        setattr(model, trait, value)


def test_runs_get_distinct_colours_and_are_bounded():
    model = LandscapeModel("himmelblau", steps=10)
    for _ in range(MAX_RUNS - 1):
        model.add_run("momentum")
    assert len({run.color for run in model.runs}) == MAX_RUNS
    assert {run.color for run in model.runs} >= set(PALETTE)
    with pytest.raises(ValueError, match=f"at most {MAX_RUNS} runs fit"):
        model.add_run("gd")
    with pytest.raises(traitlets.TraitError, match=f"at most {MAX_RUNS} runs"):
        model.runs = [*model.runs, Run("gd")]


def test_remove_and_duplicate_runs():
    model = LandscapeModel("himmelblau", steps=10)
    copy = model.duplicate_run(0)
    assert copy.start == model.runs[0].start
    assert copy.optimizer == model.runs[0].optimizer
    assert copy.color != model.runs[0].color
    model.selected = 1
    model.remove_run(1)
    assert model.runs == [model.runs[0]]
    assert model.selected == 0
    model.remove_run(0)
    assert model.runs == []
    assert model.selected_run is None


def test_a_removed_run_is_no_longer_recomputed(calls):
    model = LandscapeModel("himmelblau", steps=10)
    removed = model.runs[0]
    model.remove_run(0)
    calls.update(descend=0)
    removed.start = (1.0, 1.0)
    assert calls["descend"] == 0


def test_a_start_outside_the_domain_is_moved_onto_its_edge():
    model = LandscapeModel("himmelblau", steps=10)
    run = model.add_run("gd", start=(50.0, 0.5))
    domain = model.surface.domain
    assert run.start == (domain.x_max, 0.5)
    model.surface = "convex_bowl"
    assert bool(model.surface.domain.contains(*run.start))


def test_a_diverging_run_says_why_with_the_stable_step_size():
    model = LandscapeModel("banana", steps=100)
    run = model.runs[0]
    run.start = (-1.5, 1.5)
    run.optimizer = GD(lr=0.1)
    assert run.trajectory.status == "diverged"
    assert run.message.startswith("diverged at step 3:")
    assert "above 2/λmax" in run.message
    run.optimizer = GD(lr=0.001)
    assert run.message == ""


def test_runs_accept_optimizer_names_and_refuse_the_rest():
    assert Run("nesterov").optimizer.name == "Nesterov"
    with pytest.raises(traitlets.TraitError, match="unknown optimizer 'adamm'"):
        Run("adamm")
    with pytest.raises(traitlets.TraitError, match="optimizer must be an Optimizer"):
        Run(3.0)
    with pytest.raises(traitlets.TraitError, match="start must be a finite point"):
        Run("gd", start=(np.nan, 0.0))


def test_a_formula_surface_gets_its_critical_points_computed():
    model = LandscapeModel(Surface.from_formula("x**2 - y**2"), steps=10)
    kinds = [point.kind for point in model.critical]
    assert kinds == ["saddle"]
    assert model.critical_by_kind["saddle"][0].x == pytest.approx(0.0, abs=1e-9)


def test_autograder_reads_what_the_student_sees():
    model = LandscapeModel("himmelblau", runs=[Run(Adam(lr=0.1), start=(-1.0, 0.0))])
    model.steps = 300
    model.frame = 300
    point = model.runs[0].trajectory.points[model.frame]
    np.testing.assert_allclose(point, [-2.805118, 3.131313], atol=1e-4)


@pytest.mark.parametrize("name", surface_names())
def test_default_starts_keep_away_from_the_minima(name):
    surface = get_surface(name)
    domain = surface.domain
    starts = [default_start(surface, index) for index in range(5)]

    assert len(set(starts)) == 5
    assert all(domain.contains(x, y) for x, y in starts)
    minima = [p for p in surface.critical_points or () if p.kind == "minimum"]
    width, height = domain.x_max - domain.x_min, domain.y_max - domain.y_min
    for point in minima:
        x, y = starts[0]
        assert np.hypot((x - point.x) / width, (y - point.y) / height) > 0.15
