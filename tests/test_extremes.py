"""Numbers at the ends of every slider and beyond, and the bounds on the work.

Every catalogue surface with every optimizer, at the ends of every slider
and past them from code, gives a finite path with a status; the views then
send only finite, non-empty arrays with finite axis limits. Requests over
the bounds on steps, grid and runs are refused or clamped with a reason.
"""

from __future__ import annotations

import io
import time

import numpy as np
import pytest
import traitlets
from PIL import Image

from lossviz_widgets import LandscapeExplorer
from lossviz_widgets.controls import OptimizerPanel
from lossviz_widgets.controls.run_card import RunCard
from lossviz_widgets.engine import (
    STATUSES,
    Surface,
    descend,
    get_surface,
    surface_names,
)
from lossviz_widgets.engine.optimizers import make_optimizer, optimizer_names
from lossviz_widgets.model import MAX_RUNS, MAX_STEPS, LandscapeModel, Run
from tests.widget_checks import (
    drawing_problems,
    logged_errors,
    shown_errors,
)

STEPS = 30
RESOLUTION = 30


def assert_finite_run(run: Run, steps: int) -> None:
    """The run took ``steps`` finite steps, has a status and, if it diverged, a why."""
    trajectory = run.trajectory
    assert trajectory is not None
    assert trajectory.points.shape == (steps + 1, 2)
    for array in (
        trajectory.points,
        trajectory.values,
        trajectory.grad_norms,
        trajectory.step_sizes,
    ):
        assert np.isfinite(array).all()
    assert trajectory.status in STATUSES
    diverged = trajectory.status == "diverged"
    assert run.message.startswith("diverged at step") == diverged


# -- the ends of every slider ----------------------------------------------------


def slider_ends(name: str) -> list[tuple[str, dict]]:
    """``(label, hyperparameters)``: the defaults, then each slider at each end."""
    ends = [("defaults", {})]
    for h in make_optimizer(name).hyperparameters:
        if h.scale == "bool":
            ends.append((f"{h.name}={not h.default}", {h.name: not h.default}))
            continue
        for end in (h.low, h.high):
            value = int(end) if h.scale == "int" else end
            ends.append((f"{h.name}={value:g}", {h.name: value}))
    return ends


# Two ends are refused by the optimizer itself, as torch refuses them: the
# card then says why and keeps the last good optimizer (tested below).
REFUSED = [("nesterov", "momentum=0"), ("sgd", "nesterov=True")]


def runnable_ends() -> list[tuple[str, str, object]]:
    """``(name, label, optimizer)`` for every slider end an optimizer accepts."""
    return [
        (name, label, make_optimizer(name, **values))
        for name in optimizer_names()
        for label, values in slider_ends(name)
        if (name, label) not in REFUSED
    ]


@pytest.mark.parametrize("surface", surface_names())
def test_every_optimizer_at_every_slider_end_gives_a_finite_path(surface):
    model = LandscapeModel(surface, steps=STEPS, resolution=20)
    run = model.runs[0]
    refused = []
    for name in optimizer_names():
        for label, values in slider_ends(name):
            try:
                optimizer = make_optimizer(name, **values)
            except ValueError:
                refused.append((name, label))
                continue
            run.optimizer = optimizer
            assert_finite_run(run, STEPS)
    assert refused == REFUSED


def parameter_ends() -> list:
    """One case per end of every surface parameter's range."""
    return [
        pytest.param(name, {p.name: end}, id=f"{name}-{p.name}={end:g}")
        for name in surface_names()
        for p in get_surface(name).parameters
        for end in (p.low, p.high)
    ]


@pytest.mark.parametrize(("surface", "params"), parameter_ends())
def test_every_surface_parameter_end_gives_finite_paths(surface, params):
    model = LandscapeModel(
        get_surface(surface).with_params(**params), steps=STEPS, resolution=20
    )
    assert np.isfinite(model.grid.values).any()
    assert all(np.isfinite([p.x, p.y, p.value]).all() for p in model.critical)
    run = model.runs[0]
    for name in optimizer_names():
        run.optimizer = name
        assert_finite_run(run, STEPS)


def test_slider_ends_the_optimizer_refuses_are_explained_in_the_card():
    model = LandscapeModel("rosenbrock", steps=STEPS, resolution=20)
    card = RunCard(model, model.runs[0])

    card.optimizer_menu.value = "nesterov"
    card.controls["momentum"].value = 0.0
    assert card.notice.text.startswith("momentum not applied: Nesterov needs")
    card.optimizer_menu.value = "sgd"
    card.controls["nesterov"].value = True
    assert card.notice.text.startswith("nesterov not applied: nesterov=True requires")

    assert card.notice.level == "error"
    assert_finite_run(model.runs[0], STEPS)


def test_every_card_slider_can_be_pushed_to_both_ends():
    model = LandscapeModel("goldstein_price", steps=STEPS, resolution=20)
    card = RunCard(model, model.runs[0])
    for name in optimizer_names():
        card.optimizer_menu.value = name
        for h in model.runs[0].optimizer.hyperparameters:
            if h.scale == "bool":
                continue
            for end in (h.low, h.high, h.default):
                if (name, f"{h.name}={end:g}") in REFUSED:
                    continue
                card.controls[h.name].value = end
                assert model.runs[0].optimizer.values()[h.name] == end
                assert_finite_run(model.runs[0], STEPS)
                assert card.notice.text == ""


# -- the views at the ends -----------------------------------------------------

ENDS = runnable_ends()
# Groups of eight, the last one filled up from the start.
CHUNKS = [(ENDS + ENDS)[i : i + MAX_RUNS] for i in range(0, len(ENDS), MAX_RUNS)]
# Where the runs start, as shares of the domain's width and height.
STARTS = [(0.2, 0.8), (0.8, 0.8), (0.2, 0.2), (0.8, 0.2), (0.5, 0.9), (0.1, 0.5)]


@pytest.fixture(scope="module")
def explorer():
    """One explorer with the most runs, shown every surface in turn."""
    return LandscapeExplorer(
        "himmelblau", runs=["gd"] * MAX_RUNS, steps=STEPS, resolution=RESOLUTION
    )


def race(explorer, surface, optimizers, start=None):
    """Choose ``surface`` in the menu and give the runs these optimizers."""
    explorer.surface_selector.menu.value = surface
    domain = explorer.model.surface.domain
    for index, (run, optimizer) in enumerate(
        zip(explorer.model.runs, optimizers, strict=True)
    ):
        fx, fy = STARTS[index % len(STARTS)]
        x = domain.x_min + fx * (domain.x_max - domain.x_min)
        run.start = start or (x, domain.y_min + fy * (domain.y_max - domain.y_min))
        run.optimizer = optimizer


@pytest.mark.parametrize(
    ("index", "surface"), list(enumerate(surface_names())), ids=surface_names()
)
def test_the_views_draw_finite_pictures_at_every_slider_end(
    explorer, index, surface, caplog
):
    # Each surface draws one group of eight slider ends; the groups rotate,
    # so that across the catalogue every end reaches the views.
    race(
        explorer,
        surface,
        [optimizer for _, _, optimizer in CHUNKS[index % len(CHUNKS)]],
    )
    assert drawing_problems(explorer) == []

    selector = explorer.surface_selector
    for parameter in explorer.model.surface.parameters:
        for end in (parameter.low, parameter.high):
            selector.sliders[parameter.name].value = end
            assert explorer.model.surface.params[parameter.name] == end
            assert drawing_problems(explorer) == []

    player = explorer.player
    player.play.value = player.play.max
    assert explorer.model.frame == STEPS
    assert drawing_problems(explorer) == []
    player.play.value = player.play.min
    for run in explorer.model.runs:
        assert_finite_run(run, STEPS)
    assert shown_errors(explorer) == []
    assert logged_errors(caplog) == []


def test_every_slider_end_reaches_the_views():
    shown = {
        (name, label)
        for index in range(len(surface_names()))
        for name, label, _ in CHUNKS[index % len(CHUNKS)]
    }
    assert shown == {(name, label) for name, label, _ in ENDS}


def test_the_steps_slider_at_both_ends_draws(caplog):
    explorer = LandscapeExplorer(
        "rosenbrock", runs=["gd", "adam"], steps=STEPS, resolution=RESOLUTION
    )
    slider = explorer.optimizer_panel.steps_slider
    for steps in (MAX_STEPS, 1):
        slider.value = steps
        for run in explorer.model.runs:
            assert_finite_run(run, steps)
        assert drawing_problems(explorer) == []
    assert logged_errors(caplog) == []


# -- beyond the sliders, from code ----------------------------------------------


def beyond_the_sliders() -> list:
    """Optimizers set from code past every slider's range."""
    optimizers = [
        make_optimizer(name, lr=lr)
        for name in optimizer_names()
        for lr in (0.0, 1e-300, 1e6, 1e300)
    ]
    special = [
        ("momentum", {"momentum": 0.9999999}),
        ("adam", {"beta1": 0.0, "beta2": 0.0, "eps": 1e-300}),
        ("adam", {"beta2": 1 - 1e-12, "lr": 10.0}),
        ("newton", {"damping": 1e-300}),
        ("newton", {"damping": 1e300}),
        ("noisy_gd", {"noise": 1e300}),
        ("sgd", {"weight_decay": 1e300, "lr": 1.0}),
        ("adagrad", {"lr_decay": 1e300}),
        ("adagrad", {"initial_accumulator_value": 1e300}),
        ("rmsprop", {"alpha": 0.0, "eps": 1e-300}),
        ("nadam", {"momentum_decay": 1e300}),
    ]
    return optimizers + [make_optimizer(name, **values) for name, values in special]


BEYOND = beyond_the_sliders()
FAR = (1e300, -1e300)


@pytest.mark.parametrize(
    "surface",
    [
        get_surface("himmelblau"),
        get_surface("goldstein_price"),
        get_surface("rosenbrock").with_params(b=1000.0),
    ],
    ids=["himmelblau", "goldstein-price", "rosenbrock-b=1000"],
)
def test_values_beyond_the_sliders_give_finite_paths(surface):
    model = LandscapeModel(surface, [Run("gd", start=FAR)], steps=STEPS, resolution=20)
    run = model.runs[0]
    domain = surface.domain
    # A start far outside the domain is moved onto its nearest corner.
    assert run.start == (domain.x_max, domain.y_min)
    for optimizer in BEYOND:
        run.optimizer = optimizer
        assert_finite_run(run, STEPS)


@pytest.mark.parametrize(
    ("index", "surface"), list(enumerate(["himmelblau", "goldstein_price", "beale"]))
)
def test_the_views_draw_finite_pictures_beyond_the_sliders(
    explorer, index, surface, caplog
):
    race(explorer, surface, BEYOND[index * MAX_RUNS : (index + 1) * MAX_RUNS], FAR)
    assert drawing_problems(explorer) == []
    assert shown_errors(explorer) == []
    assert logged_errors(caplog) == []


def test_a_start_where_the_surface_overflows_stops_at_once():
    surface = get_surface("himmelblau")
    trajectory = descend(surface, make_optimizer("adam"), FAR, steps=5)
    assert trajectory.status == "diverged"
    assert trajectory.diverged_at == 0
    assert trajectory.last_good_step == -1
    assert np.isfinite(trajectory.values).all()


def test_a_domain_beyond_float32_is_refused_with_a_reason():
    huge = get_surface("rosenbrock").with_domain(((-1e100, 1e100), (-1, 3)))
    with pytest.raises(ValueError, match=r"domain reaching 1e\+100; the views draw"):
        LandscapeModel(huge)
    model = LandscapeModel("rosenbrock", steps=STEPS)
    with pytest.raises(traitlets.TraitError, match=r"within ±1e\+30"):
        model.surface = huge
    assert model.surface.name == "rosenbrock"


# -- surfaces spanning many decades stay readable ---------------------------------


def colours(png: bytes) -> tuple[int, float]:
    """The number of distinct colours of a picture, and the share of the commonest."""
    with Image.open(io.BytesIO(png)) as picture:
        pixels = np.asarray(picture.convert("RGB")).reshape(-1, 3)
    _, counts = np.unique(pixels, axis=0, return_counts=True)
    return len(counts), counts.max() / counts.sum()


@pytest.mark.parametrize(
    "surface",
    [
        get_surface("rosenbrock").with_params(b=1000.0),
        get_surface("goldstein_price"),
        Surface.from_formula("exp(3*(x^2 + y^2))", domain=((-5, 5), (-5, 5))),
        Surface.from_formula("(x^2 + y^2)^10", domain=((-5, 5), (-5, 5))),
    ],
    ids=["rosenbrock-b=1000", "goldstein-price", "exp-65-decades", "power-20"],
)
def test_surfaces_spanning_many_decades_stay_readable(surface, caplog):
    explorer = LandscapeExplorer(
        surface, runs=["gd", "adam"], steps=STEPS, resolution=RESOLUTION
    )
    values = explorer.model.grid.values
    assert np.log10(values.max() - values.min()) > 4

    assert "log₁₀" in explorer.contour.figure.title
    distinct, commonest = colours(explorer.contour.surface_marks.image.image.value)
    assert distinct >= 50
    assert commonest < 0.1
    assert explorer.surface3d.log_scale
    assert drawing_problems(explorer) == []
    assert logged_errors(caplog) == []


# -- bounds on the work ---------------------------------------------------------


@pytest.mark.parametrize(
    ("trait", "value", "match"),
    [
        ("steps", 0, r"\[1, 5000\]: a run takes at least one step, got 0"),
        ("steps", -3, "a run takes at least one step, got -3"),
        ("steps", 10**9, r"\[1, 5000\] so a change never freezes the kernel"),
        ("resolution", 10**6, "a finer grid is slow to compute and to send"),
        ("resolution", 2, r"\[20, 600\] points per axis, got 2"),
    ],
    ids=["zero-steps", "negative-steps", "huge-steps", "huge-grid", "coarse-grid"],
)
def test_requests_over_the_bounds_are_refused_with_the_reason(trait, value, match):
    model = LandscapeModel("himmelblau", steps=STEPS, resolution=20)
    with pytest.raises(traitlets.TraitError, match=match):
        setattr(model, trait, value)
    assert (model.steps, model.resolution) == (STEPS, 20)


def test_too_many_runs_are_refused_with_the_reason():
    model = LandscapeModel("himmelblau", [Run("gd")], steps=STEPS)
    with pytest.raises(traitlets.TraitError, match="at most 8 runs fit on one picture"):
        model.runs = [Run("gd") for _ in range(MAX_RUNS + 1)]
    assert len(model.runs) == 1


def test_steps_typed_past_the_slider_are_clamped_and_the_notice_says_why(caplog):
    model = LandscapeModel("himmelblau", [Run("gd"), Run("adam")], steps=STEPS)
    panel = OptimizerPanel(model)

    started = time.perf_counter()
    panel.steps_slider.value = 10**9
    elapsed = time.perf_counter() - started

    assert model.steps == panel.steps_slider.value == MAX_STEPS
    assert model.runs[1].trajectory.points.shape == (MAX_STEPS + 1, 2)
    assert elapsed < 30  # bounded work: a billion steps would take hours
    assert panel.notice.level == "warning"
    assert panel.notice.text == (
        "steps 1000000000 clamped to 5000: more than 5000 would stall the kernel "
        "on every change"
    )

    panel.steps_slider.value = 0
    assert model.steps == 1
    assert panel.notice.text == "steps 0 clamped to 1: a run takes at least one step"

    panel.steps_slider.value = 40
    assert model.steps == 40
    assert panel.notice.text == ""
    assert logged_errors(caplog) == []


def test_a_clamped_request_at_the_bound_already_reached_is_still_explained():
    model = LandscapeModel("himmelblau", steps=MAX_STEPS)
    panel = OptimizerPanel(model)
    panel.steps_slider.value = MAX_STEPS + 1
    assert panel.notice.text.startswith(f"steps {MAX_STEPS + 1} clamped to 5000")
    model.steps = 10
    assert panel.notice.text == ""


def test_adding_past_the_bound_is_explained_not_raised(caplog):
    model = LandscapeModel("himmelblau", [Run("gd") for _ in range(MAX_RUNS)], steps=5)
    panel = OptimizerPanel(model)
    panel.add_button.click()
    panel.cards[0].duplicate_button.click()
    assert len(model.runs) == MAX_RUNS
    assert panel.notice.text.startswith("8 runs is the most one picture holds")
    assert logged_errors(caplog) == []
