import io

import bqplot
import ipywidgets
import numpy as np
import pytest
from ipywidgets.widgets.widget import _instances
from ipywidgets.widgets.widget_link import Link
from PIL import Image

from lossviz_widgets.engine import Surface, contour_lines, get_surface
from lossviz_widgets.model import LandscapeModel, Run
from lossviz_widgets.views import contour as contour_module
from lossviz_widgets.views.contour import ContourView
from lossviz_widgets.views.contour_marks import CONTOUR_POINTS
from lossviz_widgets.views.raster import surface_picture


@pytest.fixture
def model() -> LandscapeModel:
    return LandscapeModel(
        "himmelblau",
        [
            Run("gd", start=(-1.0, 0.0), color="#e45756"),
            Run("adam", start=(1.0, -3.0), color="#4c78a8"),
        ],
        steps=60,
        resolution=60,
    )


def sent_by(wire, widgets) -> list:
    """Messages of any kind sent by the given widgets."""
    ids = {widget.comm.comm_id for widget in widgets}
    return [message for message in wire.messages if message.comm_id in ids]


def decode(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)))


def array_traits(mark: bqplot.Mark) -> dict[str, np.ndarray]:
    names = ("x", "y", "rotation")
    return {n: getattr(mark, n) for n in names if getattr(mark, n, None) is not None}


def assert_drawable(view: ContourView) -> None:
    """Every array a mark holds is non-empty and finite (NaN only as gaps)."""
    for mark in view.figure.marks:
        if isinstance(mark, bqplot.Image):
            assert np.isfinite(mark.x).all()
            assert np.isfinite(mark.y).all()
            continue
        for name, values in array_traits(mark).items():
            assert values.size > 0, (mark, name)
            assert not np.isinf(values).any(), (mark, name)
            if mark is view.surface_marks.contours:
                assert not np.isnan(values[[0, -1]]).any()
            else:
                assert not np.isnan(values).any(), (mark, name)


# -- building --------------------------------------------------------------------


def test_axis_limits_are_the_domain_and_never_padded(model):
    view = ContourView(model)

    assert (view.x_scale.min, view.x_scale.max) == (-5.0, 5.0)
    assert (view.y_scale.min, view.y_scale.max) == (-5.0, 5.0)
    assert not view.x_scale.allow_padding
    assert not view.y_scale.allow_padding
    assert (view.figure.padding_x, view.figure.padding_y) == (0.0, 0.0)
    assert_drawable(view)


def test_the_picture_is_a_png_of_the_grid_spanning_the_domain(model):
    view = ContourView(model)
    image = view.surface_marks.image

    assert isinstance(image.image, ipywidgets.Image)
    assert image.image.format == "png"
    assert image.image.value == surface_picture(model.grid).png
    assert decode(image.image.value).shape == (60, 60, 4)
    half_cell = 10 / 59 / 2
    assert image.x.tolist() == pytest.approx([-5 - half_cell, 5 + half_cell])
    assert image.y.tolist() == pytest.approx([-5 - half_cell, 5 + half_cell])


def test_the_plot_area_takes_the_shape_of_the_domain():
    tall = Surface.from_function(lambda x, y: x**2 + y**2, domain=(-1, 1, -2, 2))
    view = ContourView(LandscapeModel(tall), width=460)

    assert view.figure.layout.width == "460px"
    # 400 px wide plot area, 800 px tall, plus the margins.
    assert view.figure.layout.height == f"{800 + 36 + 40}px"
    assert view.aspect == pytest.approx(1.0)
    assert view.figure.min_aspect_ratio == view.figure.max_aspect_ratio


def test_the_shape_follows_the_domain_both_ways():
    wide = Surface.from_function(lambda x, y: x**2 + y**2, domain=(-4, 4, -1, 1))
    tall = Surface.from_function(lambda x, y: x**2 + y**2, domain=(-1, 1, -4, 4))
    model = LandscapeModel(wide, steps=5)
    view = ContourView(model)

    for surface, ratio in ((tall, 0.5), (wide, 2.0), (tall, 0.5)):
        model.surface = surface
        width = int(view.figure.layout.width[:-2])
        height = int(view.figure.layout.height[:-2])
        plot = (width - 60) / (height - 76)
        assert plot == pytest.approx(ratio)
        assert view.figure.min_aspect_ratio == pytest.approx(width / height)
        assert view.figure.max_aspect_ratio == pytest.approx(width / height)
        assert view.notice.text == ""


def test_a_fixed_height_gives_the_aspect_of_the_plot_area(model):
    view = ContourView(model, width=448, height=276)

    assert view.figure.layout.height == "276px"
    assert view.aspect == pytest.approx(200 / 388)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"width": 100}, ValueError, "width must be a whole number of pixels >= 200"),
        ({"width": 480.0}, ValueError, "got 480.0"),
        ({"height": 20}, ValueError, "height must be None or a whole number >= 150"),
    ],
)
def test_sizes_are_checked(model, kwargs, error, match):
    with pytest.raises(error, match=match):
        ContourView(model, **kwargs)


def test_the_model_must_be_a_landscape_model():
    with pytest.raises(TypeError, match="model must be a LandscapeModel, got 'banana'"):
        ContourView("banana")


# -- surface changes -------------------------------------------------------------


def test_a_surface_change_sends_the_new_png_once(model, wire):
    view = ContourView(model)
    image = view.surface_marks.image
    old = image.image
    wire.reset()

    model.surface = "rosenbrock"

    updates = wire.updates(image)
    assert len(updates) == 1
    assert updates[0].state["image"] == f"IPY_MODEL_{image.image.model_id}"
    assert image.image is not old
    assert image.image.value == surface_picture(model.grid).png
    # The bytes go into the image widget not shown, once, before the mark
    # moves to it; no image widget is opened or closed.
    sent = [m for m in wire.messages if m.comm_id == image.image.comm.comm_id]
    assert [m.msg_type for m in sent] == ["comm_msg"]
    assert bytes(sent[0].buffers[0]) == image.image.value
    assert wire.messages.index(sent[0]) < wire.messages.index(updates[0])
    assert not [m for m in wire.messages if m.msg_type in ("comm_open", "comm_close")]
    assert old.comm is not None


def test_pictures_take_turns_between_two_image_widgets(model):
    view = ContourView(model)
    image = view.surface_marks.image
    shown = set()
    for name in ("rosenbrock", "banana", "himmelblau", "waves"):
        model.surface = name
        assert image.image.value == surface_picture(model.grid).png
        shown.add(image.image.model_id)
    assert len(shown) == 2


def test_pictures_do_not_leak_widgets(model):
    view = ContourView(model, convexity=True)

    def live_images() -> int:
        return sum(isinstance(w, ipywidgets.Image) for w in _instances.values())

    before = (live_images(), len(_instances))
    for name in ("rosenbrock", "banana", "himmelblau", "rastrigin", "himmelblau"):
        model.surface = name
    view.colormap = "magma"
    model.resolution = 80

    assert (live_images(), len(_instances)) == before


def test_a_new_domain_moves_the_axis_limits(model, wire):
    view = ContourView(model)
    wire.reset()

    model.surface = "rosenbrock"  # domain [-2, 2] × [-1, 3]

    assert (view.x_scale.min, view.x_scale.max) == (-2.0, 2.0)
    assert (view.y_scale.min, view.y_scale.max) == (-1.0, 3.0)
    assert len(wire.updates(view.x_scale)) == 1
    assert len(wire.updates(view.y_scale)) == 1
    assert_drawable(view)


def test_a_surface_change_updates_each_mark_at_most_once(model, wire):
    view = ContourView(model, quiver=True, convexity=True)
    wire.reset()

    model.surface = "banana"

    for mark in view.figure.marks:
        assert len(wire.updates(mark)) <= 1, mark
    for mark in (*view.surface_marks.marks, view.critical_marks.by_kind["minimum"]):
        assert len(wire.updates(mark)) == 1, mark
    for marks in view.run_marks.values():
        assert len(wire.updates(marks.path)) == 1
        assert len(wire.updates(marks.marker)) == 1
    assert "banana" in view.figure.title.lower()
    assert_drawable(view)


def test_a_resolution_change_redraws_only_the_picture_and_the_lines(model, wire):
    view = ContourView(model, quiver=True, convexity=True)
    wire.reset()

    model.resolution = 90

    senders = {m.comm_id for m in wire.updates()}
    marks = view.surface_marks
    image, hatch, lines, arrows = marks.image, marks.hatch, marks.contours, marks.arrows
    assert image.comm.comm_id in senders
    assert lines.comm.comm_id in senders
    untouched = [hatch, arrows, *view.critical_marks.marks]
    untouched += [mark for marks in view.run_marks.values() for mark in marks.marks]
    assert not sent_by(wire, untouched)
    assert decode(image.image.value).shape == (90, 90, 4)


def test_the_view_keeps_up_with_a_resolution_set_before_it(model):
    model.resolution = 45
    view = ContourView(model)

    assert decode(view.surface_marks.image.image.value).shape == (45, 45, 4)


def test_the_colour_map_can_change(model, wire):
    view = ContourView(model)
    wire.reset()

    view.colormap = "magma"

    assert len(wire.updates(view.surface_marks.image)) == 1
    expected = surface_picture(model.grid, "magma").png
    assert view.surface_marks.image.image.value == expected


# -- contour lines ---------------------------------------------------------------


def test_all_levels_travel_as_one_float32_mark_with_nan_gaps(model):
    view = ContourView(model)
    lines = view.surface_marks.contours

    assert lines.x.dtype == np.float32
    assert lines.y.dtype == np.float32
    assert lines.x.ndim == 1
    levels = contour_lines(
        model.grid, contour_module.contour_levels(model.grid.values, 15)
    )
    assert len(levels) > 5
    expected = sum(level.line_count for level in levels) - 1
    assert np.count_nonzero(np.isnan(lines.x)) == expected
    assert (np.isnan(lines.x) == np.isnan(lines.y)).all()
    points = sum(len(level.x) for level in levels) + len(levels) - 1
    assert len(lines.x) == points
    assert_drawable(view)


def test_lines_follow_log_levels_when_colours_do():
    model = LandscapeModel("rosenbrock", steps=5, resolution=80)
    view = ContourView(model)
    lines = view.surface_marks.contours
    f = get_surface("rosenbrock").value
    heights = np.unique(np.round(f(lines.x, lines.y)[~np.isnan(lines.x)], 1))

    assert "log₁₀(f − min f)" in view.figure.title
    # Log-spaced levels put many lines near the valley floor.
    assert np.count_nonzero(heights < 10) >= 5


def test_busy_surfaces_thin_their_lines_to_the_budget():
    model = LandscapeModel("rastrigin", steps=5, resolution=200)
    view = ContourView(model)
    lines = view.surface_marks.contours
    gaps = np.flatnonzero(np.isnan(lines.x))
    first_line = slice(0, gaps[0])

    assert len(lines.x) <= 1.4 * CONTOUR_POINTS
    # Closed lines stay closed: first and last points agree.
    x, y = lines.x[first_line], lines.y[first_line]
    assert (x[0], y[0]) == (x[-1], y[-1])


def test_a_flat_surface_hides_the_lines_without_sending_empty_arrays(wire):
    flat = Surface.from_function(lambda x, y: 0 * x + 2.0, domain=(-1, 1, -1, 1))
    model = LandscapeModel("himmelblau", steps=5)
    view = ContourView(model)
    wire.reset()

    model.surface = flat

    assert not view.surface_marks.contours.visible
    assert_drawable(view)
    for message in wire.messages:
        for buffer in message.buffers:
            assert buffer.nbytes > 0


def test_undefined_regions_leave_the_picture_transparent_and_arrows_out():
    half = Surface.from_function(
        lambda x, y: np.sqrt(np.where(x >= 0, x, np.nan)) + y**2,
        lambda x, y: (0.5 / np.sqrt(np.where(x > 0, x, np.nan)), 2 * y),
        domain=(-1, 1, -1, 1),
    )
    view = ContourView(LandscapeModel(half, steps=5, resolution=40), quiver=True)
    picture = decode(view.surface_marks.image.image.value)

    assert (picture[:, :19, 3] == 0).all()
    assert (picture[:, 21:, 3] == 255).all()
    assert (view.surface_marks.arrows.x > 0).all()
    assert_drawable(view)


# -- arrows ----------------------------------------------------------------------


def test_arrows_are_off_until_asked_for(model, wire):
    view = ContourView(model)
    arrows = view.surface_marks.arrows
    assert not arrows.visible
    wire.reset()

    view.quiver = True

    assert arrows.visible
    assert len(arrows.x) == 400
    assert [set(m.state) for m in wire.updates(arrows)] == [
        {"x", "y", "rotation", "visible"}
    ]


def test_toggling_arrows_again_sends_only_visibility(model, wire):
    view = ContourView(model, quiver=True)
    wire.reset()

    view.quiver = False
    view.quiver = True

    assert [m.state for m in wire.updates(view.surface_marks.arrows)] == [
        {"visible": False},
        {"visible": True},
    ]


def test_arrows_point_downhill_on_screen():
    # A domain four times wider than tall: the plot area is only twice as
    # wide, so one unit of y is longer on screen than one unit of x.
    bowl = Surface.from_function(
        lambda x, y: x**2 + 3 * y**2 + x * y,
        lambda x, y: (2 * x + y, 6 * y + x),
        domain=(-4, 4, -1, 1),
    )
    view = ContourView(LandscapeModel(bowl, steps=5), quiver=True)
    arrows = view.surface_marks.arrows
    turn = np.radians(arrows.rotation.astype(float))
    # bqplot turns an up-pointing arrow clockwise on screen: its screen
    # direction is (sin, cos) with y up; back in data units y shrinks.
    direction = np.stack([np.sin(turn), np.cos(turn) / view.aspect], axis=1)
    x, y = arrows.x.astype(float), arrows.y.astype(float)
    downhill = -np.stack([2 * x + y, 6 * y + x], axis=1)

    assert view.aspect == pytest.approx(2.0)
    assert arrows.scales["rotation"].min == 0
    assert arrows.scales["rotation"].max == 180
    cosine = np.sum(direction * downhill, axis=1) / (
        np.linalg.norm(direction, axis=1) * np.linalg.norm(downhill, axis=1)
    )
    assert cosine == pytest.approx(np.ones_like(cosine), abs=1e-5)


def test_arrow_angles_for_the_four_directions():
    bowl = Surface.from_function(
        lambda x, y: x**2 + y**2, lambda x, y: (2 * x, 2 * y), domain=(-1, 1, -1, 1)
    )
    view = ContourView(LandscapeModel(bowl, steps=5), quiver=True)
    arrows = view.surface_marks.arrows
    places = zip(
        np.round(arrows.x.astype(float), 3).tolist(),
        np.round(arrows.y.astype(float), 3).tolist(),
        strict=True,
    )
    angle = dict(zip(places, arrows.rotation.astype(float).tolist(), strict=True))

    tilt = np.degrees(np.arctan(1 / 19))
    # Clockwise from up: right is 90°, down 180°, left 270°.
    assert angle[(0.95, 0.05)] == pytest.approx(270 - tilt)  # left, a bit down
    assert angle[(-0.95, -0.05)] == pytest.approx(90 - tilt)  # right, a bit up
    assert angle[(-0.05, 0.95)] == pytest.approx(180 - tilt)  # down, a bit right
    assert angle[(0.05, -0.95)] == pytest.approx(360 - tilt)  # up, a bit left


# -- convexity -------------------------------------------------------------------


def test_convexity_hatch_is_computed_when_turned_on(model, wire):
    view = ContourView(model)
    hatch = view.surface_marks.hatch
    assert (decode(hatch.image.value)[..., 3] == 0).all()
    wire.reset()

    view.convexity = True

    assert len(wire.updates(hatch)) == 1
    assert "hatched: not convex" in view.figure.title
    alpha = decode(hatch.image.value)[..., 3]
    assert (alpha == 0).any()
    assert (alpha > 0).any()
    assert hatch.x.tolist() == [-5.0, 5.0]


def test_a_convex_surface_has_no_hatch():
    view = ContourView(LandscapeModel("convex_bowl", steps=5), convexity=True)

    assert (decode(view.surface_marks.hatch.image.value)[..., 3] == 0).all()


def test_convexity_off_blanks_the_hatch_and_on_again_reuses_it(model, monkeypatch):
    view = ContourView(model, convexity=True)
    hatched = view.surface_marks.hatch.image.value
    calls = []
    monkeypatch.setattr(
        contour_module, "convexity_picture", lambda *args: calls.append(args)
    )

    view.convexity = False

    assert (decode(view.surface_marks.hatch.image.value)[..., 3] == 0).all()
    assert "hatched" not in view.figure.title
    view.convexity = True
    assert view.surface_marks.hatch.image.value == hatched
    assert calls == []


def test_the_hatch_lies_over_lines_and_arrows_and_spans_the_domain(model):
    view = ContourView(model, quiver=True)
    marks = view.figure.marks
    hatch = view.surface_marks.hatch

    assert hatch.visible
    assert marks.index(hatch) > marks.index(view.surface_marks.arrows)
    assert marks.index(hatch) > marks.index(view.surface_marks.contours)
    model.surface = "rosenbrock"
    assert hatch.x.tolist() == [-2.0, 2.0]
    assert hatch.y.tolist() == [-1.0, 3.0]


# -- critical points -------------------------------------------------------------


def test_critical_points_are_marked_by_kind(model):
    view = ContourView(model)
    by_kind = view.critical_marks.by_kind

    assert len(by_kind["minimum"].x) == 4
    assert len(by_kind["saddle"].x) == 4
    assert len(by_kind["maximum"].x) == 1
    assert by_kind["maximum"].x[0] == pytest.approx(-0.270845, abs=1e-4)
    assert not by_kind["degenerate"].visible
    markers = {mark.marker for mark in by_kind.values()}
    colours = {mark.colors[0] for mark in by_kind.values()}
    assert len(markers) == len(colours) == 4
    assert all(name.startswith("minimum, f = ") for name in by_kind["minimum"].names)
    assert by_kind["maximum"].names[0] == "maximum, f = 181.6"
    assert by_kind["minimum"].tooltip.fields == ["name", "x", "y"]


def test_kinds_absent_from_a_surface_are_hidden_not_emptied(model):
    view = ContourView(model)

    model.surface = "convex_bowl"

    by_kind = view.critical_marks.by_kind
    assert by_kind["minimum"].visible
    for kind in ("maximum", "saddle"):
        assert not by_kind[kind].visible
        assert len(by_kind[kind].x) > 0
    assert_drawable(view)


# -- runs ------------------------------------------------------------------------


def test_each_run_has_its_path_in_its_colour_as_float32(model):
    view = ContourView(model)

    for run in model.runs:
        marks = view.run_marks[run]
        assert marks.path.colors == [run.color]
        assert marks.path.x.dtype == np.float32
        assert marks.path.x == pytest.approx(run.trajectory.points[:, 0], abs=1e-5)
        assert marks.path.y == pytest.approx(run.trajectory.points[:, 1], abs=1e-5)


def test_frame_markers_hold_every_frame_with_the_start_twice(model):
    model.frame = 4
    view = ContourView(model)
    marker = view.run_marks[model.runs[0]].marker
    points = model.runs[0].trajectory.points

    assert len(marker.x) == model.steps + 2
    assert marker.x[:2].tolist() == pytest.approx([points[0, 0]] * 2)
    assert marker.y[1:] == pytest.approx(points[:, 1], abs=1e-5)
    assert marker.hovered_point == 5
    assert marker.hovered_style["opacity"] == 1
    assert marker.unhovered_style["opacity"] == 0


def test_frame_markers_never_take_the_pointer(model):
    marker = ContourView(model).run_marks[model.runs[0]].marker

    assert marker.hovered_style["pointer-events"] == "none"
    assert marker.unhovered_style["pointer-events"] == "none"


def test_a_frame_change_sends_nothing(model, wire):
    view = ContourView(model)
    view.follow(ipywidgets.Play(min=1, max=model.steps + 1, value=1))
    wire.reset()

    for frame in (1, 10, 30, 0):
        model.frame = frame

    assert wire.messages == []


def test_a_learning_rate_change_sends_only_that_runs_marks(model, wire):
    view = ContourView(model)
    second = model.runs[1]
    wire.reset()

    second.set_hyperparameter("lr", 0.02)

    senders = {m.comm_id for m in wire.messages}
    own = {mark.comm.comm_id for mark in view.run_marks[second].marks}
    assert senders
    assert senders <= own
    assert len(wire.updates(view.run_marks[second].path)) == 1
    assert len(wire.updates(view.run_marks[second].marker)) == 1


def test_a_hidden_run_hides_its_marks_and_sends_no_arrays(model, wire):
    view = ContourView(model)
    run = model.runs[0]
    wire.reset()

    run.visible = False

    marks = view.run_marks[run]
    assert not marks.path.visible
    assert not marks.marker.visible
    assert not marks.stop.visible
    assert all(set(m.state) <= {"visible", "colors", "labels"} for m in wire.messages)
    assert sent_by(wire, marks.marks)


def test_a_new_colour_restyles_only_that_run(model, wire):
    view = ContourView(model)
    run = model.runs[1]
    wire.reset()

    run.color = "#54a24b"

    assert {m.comm_id for m in wire.messages} <= {
        mark.comm.comm_id for mark in view.run_marks[run].marks
    }
    assert view.run_marks[run].path.colors == ["#54a24b"]
    assert view.run_marks[run].marker.colors == ["#54a24b"]


def test_a_diverged_path_ends_where_it_stopped_with_a_cross():
    model = LandscapeModel("banana", [Run("gd", start=(-1.5, 1.5))], steps=50)
    model.runs[0].set_hyperparameter("lr", 0.1)
    view = ContourView(model)
    run = model.runs[0]
    marks = view.run_marks[run]
    stopped = run.trajectory.diverged_at

    assert stopped is not None
    assert len(marks.path.x) == stopped + 1
    assert marks.stop.visible
    assert marks.stop.marker == "cross"
    expected = model.surface.domain.clip(*run.trajectory.points[stopped])
    assert marks.stop.x[0] == pytest.approx(expected[0])
    assert marks.stop.y[0] == pytest.approx(expected[1])
    assert marks.stop.names[0].startswith("diverged at step")
    assert_drawable(view)


def test_a_run_that_recovers_hides_its_cross():
    model = LandscapeModel("banana", [Run("gd", start=(-1.5, 1.5))], steps=50)
    run = model.runs[0]
    run.set_hyperparameter("lr", 0.1)
    view = ContourView(model)

    run.set_hyperparameter("lr", 0.001)

    assert not view.run_marks[run].stop.visible
    assert len(view.run_marks[run].path.x) == 51


def test_added_runs_get_marks_and_follow_the_player(model, wire):
    view = ContourView(model)
    play = ipywidgets.Play(min=1, max=model.steps + 1, value=1)
    view.follow(play)

    run = model.add_run("momentum", start=(0.0, 0.0))

    marks = view.run_marks[run]
    assert all(mark in view.figure.marks for mark in marks.marks)
    assert marks.link.source == (play, "value")
    assert marks.link.target == (marks.marker, "hovered_point")


def test_removed_runs_close_their_marks_and_links(model, wire):
    view = ContourView(model)
    view.follow(ipywidgets.Play(min=1, max=model.steps + 1, value=1))
    marks = view.run_marks[model.runs[0]]
    link = marks.link

    model.remove_run(0)

    assert model.runs[0] in view.run_marks
    assert len(view.run_marks) == 1
    assert marks.path not in view.figure.marks
    assert marks.path.comm is None
    assert link.comm is None
    wire.reset()
    marks_left = view.run_marks[model.runs[0]]
    model.runs[0].set_hyperparameter("lr", 0.003)
    assert sent_by(wire, marks_left.marks)


def test_follow_links_every_marker_to_the_play_value(model):
    view = ContourView(model)
    play = ipywidgets.Play(min=1, max=model.steps + 1, value=1)

    view.follow(play)

    for marks in view.run_marks.values():
        assert isinstance(marks.link, Link)
        assert marks.link.source == (play, "value")
        assert marks.link.target == (marks.marker, "hovered_point")


def test_following_another_play_replaces_the_links(model):
    view = ContourView(model)
    first = ipywidgets.Play(min=1, max=61)
    view.follow(first)
    old_links = [marks.link for marks in view.run_marks.values()]

    view.follow(ipywidgets.Play(min=1, max=61))

    assert all(link.comm is None for link in old_links)


def test_follow_needs_a_play():
    view = ContourView(LandscapeModel("banana", steps=5))

    with pytest.raises(TypeError, match=r"play must be an ipywidgets\.Play, got 3"):
        view.follow(3)


# -- clicks ----------------------------------------------------------------------


def click(mark: bqplot.Image, x: float, y: float) -> None:
    """Deliver the message bqplot's Image view sends when clicked."""
    content = {"event": "element_click", "data": {"click_x": x, "click_y": y}}
    mark._handle_custom_msg(content, [])


def test_a_click_sets_the_start_of_the_selected_run(model):
    view = ContourView(model)
    model.selected = 1

    click(view.surface_marks.image, 2.5, -1.25)

    assert model.runs[1].start == (2.5, -1.25)
    assert model.runs[1].trajectory.points[0].tolist() == [2.5, -1.25]
    assert view.run_marks[model.runs[1]].path.x[0] == 2.5
    assert model.runs[0].start == (-1.0, 0.0)


@pytest.mark.parametrize("convexity", [True, False])
def test_a_click_on_the_hatch_works_too(model, convexity):
    view = ContourView(model, convexity=convexity)

    click(view.surface_marks.hatch, 1.0, 1.0)

    assert model.runs[0].start == (1.0, 1.0)


def test_a_click_keeps_the_digits_a_pixel_can_tell(model):
    view = ContourView(model)  # a domain 10 wide: 1/1000 of it is 0.01

    click(view.surface_marks.image, 1.9999999999999998, -0.123456)

    assert model.runs[0].start == (2.0, -0.12)


def test_a_click_beyond_the_domain_is_clipped_to_it(model):
    view = ContourView(model)

    click(view.surface_marks.image, 5.08, -7.0)

    assert model.runs[0].start == (5.0, -5.0)


def test_a_click_without_coordinates_is_reported_not_raised(model):
    view = ContourView(model)

    view.surface_marks.image._handle_custom_msg({"event": "element_click"}, [])

    assert view.notice.text.startswith("Error while placing the start: a click must")
    assert model.runs[0].start == (-1.0, 0.0)


def test_a_click_with_no_run_asks_for_one():
    model = LandscapeModel("banana", steps=5)
    model.remove_run(0)
    view = ContourView(model)

    click(view.surface_marks.image, 0.0, 0.0)

    assert view.notice.level == "info"
    assert "Add a run" in view.notice.text


# -- errors and cost -------------------------------------------------------------


def test_a_failing_drawing_is_shown_and_the_rest_keeps_working(model, monkeypatch):
    view = ContourView(model)

    def broken(*args, **kwargs):
        raise RuntimeError("no colours today")

    shown = []
    view.notice.observe(lambda change: shown.append(view.notice.text), "value")
    monkeypatch.setattr(contour_module, "surface_picture", broken)
    model.surface = "banana"

    assert shown[0] == "Error while drawing the surface: no colours today"
    # The critical points and the runs were drawn all the same.
    assert view.critical_marks.by_kind["minimum"].x[0] == pytest.approx(0.0)
    assert view.run_marks[model.runs[0]].path.x[0] == model.runs[0].start[0]
    monkeypatch.undo()
    model.surface = "himmelblau"
    assert view.notice.text == ""


@pytest.mark.parametrize("resolution", [150, 200])
@pytest.mark.parametrize("surface", ["rosenbrock", "rastrigin", "himmelblau"])
def test_a_surface_change_stays_within_its_byte_budget(resolution, surface, wire):
    model = LandscapeModel(
        "banana",
        [Run("gd", start=(-1.0, 0.0)), Run("adam", start=(1.0, -3.0))],
        resolution=resolution,
    )
    view = ContourView(model, quiver=True, convexity=True)
    wire.reset()

    model.surface = surface

    assert 20_000 < wire.size < 150_000
    assert decode(view.surface_marks.image.image.value).shape[0] == resolution


def test_close_releases_every_widget_it_made(model):
    play = ipywidgets.Play(min=1, max=61)
    before = set(_instances)
    view = ContourView(model, quiver=True, convexity=True)
    view.follow(play)
    model.surface = "banana"

    view.close()
    view.close()

    assert [_instances[key] for key in set(_instances) - before] == []
    model.surface = "banana"  # no longer observed: nothing fails
