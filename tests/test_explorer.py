import numpy as np
import pytest

from lossviz_widgets import LandscapeExplorer
from lossviz_widgets.engine import get_surface
from lossviz_widgets.engine.optimizers import Momentum
from lossviz_widgets.model import Run, default_start


def test_the_explorer_exposes_its_parts_around_one_model():
    explorer = LandscapeExplorer("banana", runs=["gd", "adam"], steps=50)
    model = explorer.model
    for part in (
        explorer.surface_selector,
        explorer.optimizer_panel,
        explorer.player,
        explorer.contour,
        explorer.surface3d,
        explorer.loss_curves,
        explorer.readout,
    ):
        assert part is not None
        assert part.model is model


def test_runs_from_names_optimizers_dicts_and_runs():
    explorer = LandscapeExplorer(
        "himmelblau",
        runs=[
            "nesterov",
            Momentum(lr=0.002),
            {"optimizer": "adam", "start": (1.0, 1.0), "label": "fast"},
            Run("gd", start=(0.5, 0.5)),
        ],
        start=(-1.0, -1.0),
        steps=20,
    )
    runs = explorer.model.runs
    assert [run.name for run in runs] == ["Nesterov", "Momentum", "fast", "GD"]
    assert [run.start for run in runs] == [
        (-1.0, -1.0),
        (-1.0, -1.0),
        (1.0, 1.0),
        (0.5, 0.5),
    ]
    assert runs[1].optimizer.lr == 0.002
    assert len({run.color for run in runs}) == 4


def test_runs_without_a_start_race_from_one_point_off_the_minimum():
    surface = get_surface("convex_bowl")  # its minimum is the domain's centre
    explorer = LandscapeExplorer(
        surface, runs=["gd", "adam", {"optimizer": "momentum", "start": (1.0, 0.5)}]
    )
    runs = explorer.model.runs
    assert runs[0].start == runs[1].start == default_start(surface)
    assert runs[0].start != surface.domain.center
    assert runs[2].start == (1.0, 0.5)
    assert runs[0].trajectory.values[0] > runs[0].trajectory.values[-1]


def test_a_start_alone_gives_one_gradient_descent_run_from_it():
    explorer = LandscapeExplorer("banana", start=(-1.5, 1.5), steps=10)
    (run,) = explorer.model.runs
    assert run.optimizer.name == "GD"
    np.testing.assert_array_equal(run.trajectory.points[0], [-1.5, 1.5])


def test_a_two_dimensional_explorer_never_builds_the_3d_view():
    explorer = LandscapeExplorer(
        "waves", views=["contour", "loss", "curvature"], steps=10
    )
    assert explorer.surface3d is None
    assert explorer.contour is not None


def test_locked_parts_are_passed_to_the_controls():
    explorer = LandscapeExplorer("banana", locked=["surface"], steps=10)
    assert explorer.surface_selector.locked
    assert not explorer.optimizer_panel.locked
    everything = LandscapeExplorer("banana", locked=True, steps=10)
    assert everything.optimizer_panel.locked


def test_hidden_controls_are_left_out_of_the_layout():
    explorer = LandscapeExplorer("banana", controls=["player"], steps=10)

    def descendants(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from descendants(child)

    shown = set(map(id, descendants(explorer)))
    assert id(explorer.player) in shown
    assert id(explorer.surface_selector) not in shown


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"views": ["contour", "heatmap"]}, ValueError, "views has no part 'heatmap'"),
        ({"controls": ["dials"]}, ValueError, "controls has no part 'dials'"),
        ({"locked": ["runs"]}, ValueError, "locked has no part 'runs'"),
        ({"runs": [3]}, TypeError, "each run must be an optimizer name"),
    ],
    ids=["view", "control", "locked", "run"],
)
def test_bad_arguments_are_refused(kwargs, error, match):
    with pytest.raises(error, match=match):
        LandscapeExplorer("banana", **kwargs)


def test_code_and_views_see_the_same_numbers():
    explorer = LandscapeExplorer(get_surface("rosenbrock", b=10.0), steps=30)
    explorer.model.frame = 30
    run = explorer.model.runs[0]
    assert explorer.readout.values["step"] == 30
    np.testing.assert_allclose(
        explorer.readout.values["point"], run.trajectory.points[30]
    )
