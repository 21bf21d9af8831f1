from __future__ import annotations

import json
from pathlib import Path

import ipyvolume.pylab
import ipywidgets
import numpy as np
import pytest
from ipywidgets.widgets.widget_link import Link

from lossviz_widgets.engine import Surface, get_surface
from lossviz_widgets.model import LandscapeModel, Run
from lossviz_widgets.views.playback import playback_steps
from lossviz_widgets.views.surface3d import SurfaceView3D

REPOSITORY = Path(__file__).resolve().parents[1]


@pytest.fixture
def model() -> LandscapeModel:
    runs = [Run("gd", start=(-1.0, -4.0)), Run("momentum", start=(4.0, 4.5))]
    return LandscapeModel("himmelblau", runs, steps=60)


def senders(wire, *widgets):
    """The widgets among ``widgets`` that sent an update."""
    ids = {m.comm_id for m in wire.updates()}
    return [w for w in widgets if w.comm.comm_id in ids]


def drawn_arrays(view):
    """Every coordinate array the view's marks hold."""
    marks = [view.mesh, *view.figure.scatters]
    return [getattr(mark, k) for mark in marks for k in ("x", "y", "z")]


def lines_and_markers(view):
    """The lines of the runs, then their markers, in the order of the runs."""
    marks = list(view.run_marks.values())
    return [m.line for m in marks], [m.marker for m in marks]


def test_the_mesh_is_float32_finite_and_on_its_own_grid(model):
    model.resolution = 600

    view = SurfaceView3D(model, resolution=50)

    for array in (view.mesh.x, view.mesh.y, view.mesh.z, view.mesh.color):
        assert array.shape == (2500,)
        assert array.dtype == np.float32
        assert np.all(np.isfinite(array))
    assert view.mesh.color.min() == 0.0
    assert view.mesh.color.max() == 1.0
    assert view.mesh.color_scale is view.color_scale


def test_limits_are_the_domain_and_the_heights_with_room_for_the_runs(model):
    view = SurfaceView3D(model)

    scales = view.figure.scales
    assert (scales["x"].min, scales["x"].max) == (-5.0, 5.0)
    assert (scales["y"].min, scales["y"].max) == (-5.0, 5.0)
    assert scales["z"].min == pytest.approx(float(view.mesh.z.min()))
    assert view.mesh.z.max() < scales["z"].max < 1.1 * view.mesh.z.max()
    assert view.figure.box_size == [1.0, 1.0, 0.6]


def test_a_change_appears_at_once_without_dividing_by_zero(model):
    view = SurfaceView3D(model)

    # The browser divides the time elapsed by this duration.
    assert 0 < view.figure.animation <= 1
    assert view.figure.animation_exponent == 1


@pytest.mark.parametrize(
    ("surface", "log_scale", "caption"),
    [
        ("rosenbrock", True, "log₁₀(f − min f), 3 decades"),
        ("convex_bowl", False, "height: f"),
        ("himmelblau", False, "height: f"),
    ],
)
def test_surfaces_spanning_decades_get_log_heights(surface, log_scale, caption):
    view = SurfaceView3D(LandscapeModel(surface, steps=10))

    assert view.log_scale is log_scale
    assert caption in view.caption.value
    assert view.figure.zlabel == ("log f" if log_scale else "f")


def test_log_heights_span_three_decades_below_the_top():
    view = SurfaceView3D(LandscapeModel("rosenbrock", steps=10))

    z = view.mesh.z
    assert z.max() - z.min() == pytest.approx(3.0, abs=1e-4)


@pytest.mark.parametrize(
    ("formula", "decades"),
    [("exp(3*(x^2 + y^2))", 60), ("(x^2 + y^2)^10", 14)],
    ids=["exp-65-decades", "power-20"],
)
def test_log_heights_reach_deeper_where_much_of_the_surface_lies(formula, decades):
    # Three decades below the top would flatten most of these surfaces: the
    # heights reach down until at most about 5 % of the mesh is on the floor.
    surface = Surface.from_formula(formula, domain=((-5, 5), (-5, 5)))
    view = SurfaceView3D(LandscapeModel(surface, steps=10))

    z = view.mesh.z
    assert np.ptp(z) > decades
    assert np.mean(z <= z.min() + 1e-3) < 0.06
    assert f"{np.ptp(z):.2g} decades" in view.caption.value


def test_runs_lie_on_log_heights_as_the_mesh_does():
    surface = Surface.from_formula("exp(3*(x^2 + y^2))", domain=((-5, 5), (-5, 5)))
    model = LandscapeModel(surface, [Run("gd", start=(0.5, 0.5))], steps=10)
    view = SurfaceView3D(model, resolution=11)  # a vertex at every whole number

    model.runs[0].start = (1.0, 2.0)

    vertex = (view.mesh.x == 1.0) & (view.mesh.y == 2.0)
    marker = view.run_marks[model.runs[0]].marker
    lift = marker.z[0, 0] - view.mesh.z[vertex][0]
    assert 0 < lift < 0.02 * np.ptp(view.mesh.z)


def test_heights_too_large_for_float32_are_drawn_on_a_log_scale():
    huge = Surface.from_function(lambda x, y: 1e38 * (x**2 + y**2), name="huge")

    view = SurfaceView3D(LandscapeModel(huge, steps=5), scale="linear")

    assert view.log_scale
    assert np.all(np.isfinite(view.mesh.z))


@pytest.mark.parametrize("scale", ["linear", "log"])
def test_the_scale_can_be_chosen(scale):
    view = SurfaceView3D(LandscapeModel("convex_bowl", steps=10), scale=scale)

    assert view.log_scale is (scale == "log")


def test_each_run_has_a_marker_holding_every_frame_with_the_start_repeated(model):
    view = SurfaceView3D(model)

    for run in model.runs:
        marker = view.run_marks[run].marker
        x, y = marker.x, marker.y
        assert x.shape == y.shape == marker.z.shape == (62, 1)
        assert x.dtype == np.float32
        # Momentum overshoots the domain: points outside sit on its edge.
        points = np.clip(run.trajectory.points, -5.0, 5.0)
        np.testing.assert_allclose(x[0, 0], points[0, 0], rtol=1e-6)
        np.testing.assert_allclose(x[1:, 0], points[:, 0], rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(y[1:, 0], points[:, 1], rtol=1e-5, atol=1e-5)
        assert marker.sequence_index == model.frame + 1
        assert marker.color.item() == run.color


def test_runs_float_just_above_the_surface(model):
    view = SurfaceView3D(model)
    z = view.run_marks[model.runs[0]].marker.z[1:, 0]
    values = model.runs[0].trajectory.values

    lift = z - values
    assert np.all(lift > 0)
    assert np.ptp(lift) < 1e-3 * np.ptp(values)
    assert lift[0] < 0.02 * np.ptp(view.mesh.z)


def test_a_line_follows_the_surface_between_distant_steps():
    model = LandscapeModel("convex_bowl", [Run("gd", start=(2.0, 2.0))], steps=3)
    model.runs[0].set_hyperparameter("lr", 1.0)  # jumps to (-2, -2) and back

    view = SurfaceView3D(model)
    line = view.run_marks[model.runs[0]].line

    assert len(line.x) > 4 * 10
    heights = model.surface.value(line.x.astype(float), line.y.astype(float))
    # Heights below the lowest grid value, 6e-4 here, are drawn at it.
    np.testing.assert_allclose(line.z - heights, line.z[0] - heights[0], atol=1e-3)


def test_a_surface_change_sends_the_mesh_once_in_under_200_kilobytes(model, wire):
    view = SurfaceView3D(model)
    wire.reset()

    model.surface = "rosenbrock"

    mesh_updates = wire.updates(view.mesh)
    assert len(mesh_updates) == 1
    assert set(mesh_updates[0].state) == {"x", "y", "z", "color"}
    for mark in view.figure.scatters:
        assert len(wire.updates(mark)) == 1
    assert wire.updates(view.notice) == []
    assert wire.size < 200_000
    assert all(np.all(np.isfinite(a)) for a in drawn_arrays(view))


def test_a_surface_on_the_same_domain_sends_no_coordinates(wire):
    view = SurfaceView3D(LandscapeModel("rosenbrock", steps=20))
    wire.reset()

    model = view.model
    model.surface = "banana"

    (update,) = wire.updates(view.mesh)
    assert set(update.state) == {"z", "color"}


def test_a_frame_change_sends_nothing(model, wire):
    SurfaceView3D(model)
    wire.reset()

    model.frame = 30
    model.selected = 1

    assert wire.messages == []


def test_a_learning_rate_change_sends_that_run_only(model, wire):
    view = SurfaceView3D(model)
    changed = view.run_marks[model.runs[1]]
    wire.reset()

    model.runs[1].set_hyperparameter("lr", 0.002)

    marks = [view.mesh, *view.figure.scatters]
    assert senders(wire, *marks) == [changed.line, changed.marker]
    (update,) = wire.updates(changed.marker)
    assert set(update.state) == {"x", "y", "z"}
    np.testing.assert_allclose(
        changed.marker.x[1:, 0], model.runs[1].trajectory.points[:, 0], rtol=1e-5
    )


def test_a_colour_change_sends_that_run_s_colour_only(model, wire):
    view = SurfaceView3D(model)
    changed = view.run_marks[model.runs[0]]
    wire.reset()

    model.runs[0].color = "#123456"

    marks = [view.mesh, *view.figure.scatters]
    assert senders(wire, *marks) == [changed.line, changed.marker]
    assert [set(m.state) for m in wire.updates()] == [{"color"}, {"color"}]
    assert changed.marker.color.item() == "#123456"


def test_a_steps_change_leaves_the_mesh_alone(model, wire):
    view = SurfaceView3D(model)
    wire.reset()

    model.steps = 25

    assert wire.updates(view.mesh) == []
    assert wire.updates(view.notice) == []
    for marks in view.run_marks.values():
        assert marks.marker.x.shape == (27, 1)
    for mark in view.figure.scatters:
        assert len(wire.updates(mark)) == 1


def test_runs_added_and_removed_get_and_lose_their_marks(model):
    view = SurfaceView3D(model)
    old = view.run_marks[model.runs[1]]

    added = model.add_run("adam", color="#000000")
    model.remove_run(1)

    assert list(view.run_marks) == model.runs
    lines, markers = lines_and_markers(view)
    assert view.figure.scatters == [lines[0], markers[0], lines[1], markers[1]]
    assert old.line.comm is None  # closed
    assert old.marker.comm is None
    new = view.run_marks[added]
    assert new.marker.x.shape == (62, 1)
    assert new.marker.color.item() == new.line.color.item() == "#000000"
    np.testing.assert_allclose(
        new.marker.y[1:, 0], added.trajectory.points[:, 1], rtol=1e-5, atol=1e-5
    )


def test_a_hidden_run_has_no_line_and_no_marker(model):
    view = SurfaceView3D(model)
    first, second = view.run_marks.values()

    model.runs[0].visible = False

    assert not first.line.visible
    assert not first.marker.visible
    assert second.line.visible
    assert second.marker.visible
    model.runs[0].visible = True
    assert first.line.visible
    assert first.marker.visible


def test_a_diverged_run_stops_at_its_last_good_step_inside_the_box():
    model = LandscapeModel("convex_bowl", [Run("gd", start=(1.0, 1.0))], steps=40)
    model.runs[0].set_hyperparameter("lr", 3.0)
    trajectory = model.runs[0].trajectory
    assert trajectory.diverged_at == 9

    view = SurfaceView3D(model)
    line, marker = view.run_marks[model.runs[0]].marks

    assert line.x[-1] == line.y[-1] == 2.0  # step 8 at (256, 256), on the edge
    assert np.abs(line.x).max() <= 2.0
    assert np.abs(line.y).max() <= 2.0
    assert playback_steps(trajectory)[-1] == 8
    assert np.all(marker.x[9:, 0] == 2.0)  # frames 8 to 40


def test_an_all_nan_surface_is_reported_and_nothing_bad_is_sent(wire):
    hole = Surface.from_function(lambda x, y: np.full_like(x, np.nan), name="hole")
    model = LandscapeModel(get_surface("convex_bowl"), steps=5)
    view = SurfaceView3D(model)
    wire.reset()

    model.surface = hole

    assert view.notice.text == (
        "Error while drawing the 3D surface: hole has no finite value on its domain"
    )
    assert [m.state for m in wire.updates(view.mesh)] == [{"visible": False}]
    assert not any(mark.visible for mark in view.figure.scatters)
    assert all(np.all(np.isfinite(a)) for a in drawn_arrays(view))

    model.surface = "convex_bowl"

    assert view.notice.text == ""
    assert all(mark.visible for mark in [view.mesh, *view.figure.scatters])


def test_values_missing_in_part_of_the_domain_are_drawn_at_the_top():
    half = Surface.from_function(
        lambda x, y: np.where(x < 0, np.nan, x**2 + y**2), name="half"
    )

    view = SurfaceView3D(LandscapeModel(half, steps=5))

    assert np.all(np.isfinite(view.mesh.z))
    assert view.mesh.z[view.mesh.x < 0].min() == view.mesh.z.max()


def test_the_player_moves_every_marker_in_the_browser(model):
    view = SurfaceView3D(model)
    play = ipywidgets.Play(min=1, max=61)

    view.follow(play)
    view.follow(play)

    _, markers = lines_and_markers(view)
    assert len(view.links) == 2
    for link, marker in zip(view.links, markers, strict=True):
        assert isinstance(link, Link)
        assert link.source == (play, "value")
        assert link.target == (marker, "sequence_index")


def test_runs_added_later_follow_the_player_and_removed_ones_unlink(model):
    view = SurfaceView3D(model)
    play = ipywidgets.Play(min=1, max=61)
    view.follow(play)
    first_link = view.links[0]

    added = model.add_run("adam")
    model.remove_run(0)

    links = view.links
    assert len(links) == 2
    assert links[-1].target == (view.run_marks[added].marker, "sequence_index")
    assert links[-1].source == (play, "value")
    assert first_link.comm is None  # closed with its run's marks


def test_pylab_current_figure_is_left_as_it_was(model):
    current = ipyvolume.pylab.current
    before = (current.figure, current.container, dict(current.figures))

    view = SurfaceView3D(model)
    model.add_run("adam")

    assert (current.figure, current.container, current.figures) == before
    assert view.figure.scales["x"].min == -5.0


def test_every_message_is_plain_json(model, wire):
    view = SurfaceView3D(model)
    model.surface = "six_hump_camel"
    model.add_run("adam")

    assert view.notice.text == ""
    for message in wire.messages:
        json.dumps(message.data, allow_nan=False)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"model": "himmelblau"}, TypeError, "model must be a LandscapeModel"),
        ({"resolution": 101}, ValueError, r"resolution must lie in \[10, 100\]"),
        ({"resolution": 5.0}, TypeError, "resolution must be a whole number"),
        ({"scale": "cube"}, ValueError, "scale must be one of"),
    ],
)
def test_bad_arguments_are_refused(model, kwargs, error, match):
    arguments = {"model": model, **kwargs}

    with pytest.raises(error, match=match):
        SurfaceView3D(arguments.pop("model"), **arguments)


def test_follow_needs_a_play(model):
    with pytest.raises(TypeError, match=r"play must be an ipywidgets\.Play"):
        SurfaceView3D(model).follow(ipywidgets.IntSlider())


def test_a_kernel_serialises_and_displays_the_view():
    import nbformat
    from nbclient import NotebookClient

    source = (
        "from lossviz_widgets.model import LandscapeModel\n"
        "from lossviz_widgets.views.surface3d import SurfaceView3D\n"
        "model = LandscapeModel('rosenbrock', steps=30)\n"
        "model.add_run('adam')\n"
        "view = SurfaceView3D(model)\n"
        "model.surface = 'himmelblau'\n"
        "display(view)\n"
        "print(view.notice.text or 'ok')\n"
    )
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    client = NotebookClient(
        notebook, timeout=120, kernel_name="python3",
        resources={"metadata": {"path": str(REPOSITORY)}},
    )  # fmt: skip

    client.execute()

    outputs = notebook.cells[0].outputs
    assert [o.output_type for o in outputs] == ["display_data", "stream"]
    assert "application/vnd.jupyter.widget-view+json" in outputs[0].data
    assert outputs[1].text == "ok\n"
    state = notebook.metadata.widgets["application/vnd.jupyter.widget-state+json"]
    names = {model["model_name"] for model in state["state"].values()}
    assert {"FigureModel", "MeshModel", "ScatterModel"} <= names
    # Each marker went through the kernel as 32 frames (30 steps, the start
    # twice), a buffer per frame and coordinate.
    markers = [
        model
        for model in state["state"].values()
        if model["state"].get("description") == "marker"
    ]
    assert len(markers) == 2
    for marker in markers:
        assert len(marker["state"]["x"]) == 32
        assert marker["state"]["x"][0] == {"dtype": "float32", "shape": [1]}
        assert len(marker["buffers"]) == 3 * 32
