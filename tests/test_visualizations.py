import itertools
import math
import sys

import matplotlib
import numpy as np
import pytest
from mpl_toolkits.mplot3d import Axes3D
from PIL import Image

from lossviz_widgets._frames import Track, caption_lines
from lossviz_widgets.engine import descend, get_surface
from lossviz_widgets.engine.optimizers import GD, Adam, Momentum
from lossviz_widgets.landscapes import (
    GDConfig,
    banana,
    banana_grad,
    convex_bowl,
    gd_path,
    waves,
)
from lossviz_widgets.model import PALETTE, Run
from lossviz_widgets.visualizations import (
    MAX_FRAMES,
    anim_banana_descent,
    animate,
    render_surface,
)

FIRST_RUN = tuple(int(PALETTE[0][i : i + 2], 16) for i in (1, 3, 5))
SECOND_RUN = tuple(int(PALETTE[1][i : i + 2], 16) for i in (1, 3, 5))


def frames_of(path):
    """Every frame of a GIF as an RGB array, and the frames' durations."""
    with Image.open(path) as gif:
        frames, durations = [], []
        for index in range(gif.n_frames):
            gif.seek(index)
            durations.append(gif.info["duration"])
            frames.append(np.asarray(gif.convert("RGB")))
    return frames, durations


def plot_box(frame):
    """Find the plot area from its dark frame lines: (left, top, right, bottom)."""
    dark = frame.max(axis=2) < 90
    columns = np.flatnonzero(dark.sum(axis=0) > 0.8 * dark.sum(axis=0).max())
    rows = np.flatnonzero(dark.sum(axis=1) > 0.8 * dark.sum(axis=1).max())
    return columns[0], rows[0], columns[-1], rows[-1]


def pixel_of(frame, domain, point):
    """The pixel (row, column) where a point of the plane is drawn."""
    left, top, right, bottom = plot_box(frame)
    across = (point[0] - domain.x_min) / (domain.x_max - domain.x_min)
    up = (point[1] - domain.y_min) / (domain.y_max - domain.y_min)
    return round(bottom - up * (bottom - top)), round(left + across * (right - left))


@pytest.fixture(scope="module")
def course_gif(tmp_path_factory):
    path = anim_banana_descent(out_dir=tmp_path_factory.mktemp("course"))
    return path, *frames_of(path)


@pytest.fixture(scope="module")
def diverging_gif(tmp_path_factory):
    path = anim_banana_descent(lr=0.1, out_dir=tmp_path_factory.mktemp("diverging"))
    return frames_of(path)[0]


@pytest.fixture
def surfaces_drawn(monkeypatch):
    """Record the face collection of every 3D surface matplotlib draws."""
    drawn = []
    original = Axes3D.plot_surface

    def recording(self, *args, **kwargs):
        drawn.append(original(self, *args, **kwargs))
        return drawn[-1]

    monkeypatch.setattr(Axes3D, "plot_surface", recording)
    return drawn


# -- the course page's calls -------------------------------------------------


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((convex_bowl, "Convex Bowl", "01_convex_bowl.png"), {}),
        (
            (banana, "Rosenbrock Banana Valley", "02_banana_valley.png"),
            {"cmap": "viridis", "azim": 20},
        ),
        (
            (waves, "Non-Convex Wavy Landscape", "03_wavy_surface.png"),
            {"cmap": "plasma", "azim": 30},
        ),
    ],
    ids=["convex_bowl", "banana", "waves"],
)
def test_the_page_calls_write_pngs_and_return_their_paths(tmp_path, args, kwargs):
    path = render_surface(*args, **kwargs, out_dir=tmp_path)
    assert path == tmp_path.resolve() / args[2]
    with Image.open(path) as picture:
        assert picture.format == "PNG"
        assert picture.size == (800, 600)
        colours = len(picture.convert("RGB").getcolors(maxcolors=1 << 20))
    assert colours > 500


def test_pictures_go_to_outputs_under_the_current_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = render_surface(convex_bowl, "Bowl", "bowl.png", resolution=10)
    assert path == tmp_path.resolve() / "outputs" / "bowl.png"
    assert path.is_file()


def test_a_missing_nested_folder_is_created(tmp_path):
    folder = tmp_path / "a" / "b"
    path = render_surface("saddle", "Saddle", "s.png", out_dir=folder, resolution=10)
    assert path.parent == (tmp_path / "a" / "b").resolve()
    assert path.is_file()


def test_every_grid_cell_is_drawn(tmp_path, surfaces_drawn):
    render_surface(waves, "Waves", "w.png", out_dir=tmp_path, resolution=120)
    (faces,) = surfaces_drawn
    assert faces.get_array().size == 119 * 119
    assert faces.get_cmap().name == "coolwarm"


def test_a_valley_spanning_many_decades_is_coloured_on_a_log_scale(
    tmp_path, surfaces_drawn
):
    render_surface("rosenbrock", "R", "r.png", out_dir=tmp_path, resolution=60)
    render_surface(
        "rosenbrock", "R", "r.png", out_dir=tmp_path, resolution=60, log=False
    )
    log_faces, linear_faces = surfaces_drawn
    # On a linear scale most of the valley shares the bottom few per cent of
    # the colour map; on the log scale the median face sits mid-way.
    linear = np.ma.median(linear_faces.norm(linear_faces.get_array()))
    logarithmic = np.ma.median(log_faces.norm(log_faces.get_array()))
    assert linear < 0.1
    assert 0.4 < logarithmic < 0.95


@pytest.mark.parametrize(
    ("f", "domain", "expected"),
    [
        (banana, None, (-2.0, 2.0, -1.0, 3.0)),
        (waves, None, (-4.0, 4.0, -4.0, 4.0)),
        (lambda x, y: x * y, None, (-3.0, 3.0, -3.0, 3.0)),
        (lambda x, y: x * y, [0, 1, 2, 5], (0.0, 1.0, 2.0, 5.0)),
    ],
    ids=["banana", "waves", "other-callable", "given-domain"],
)
def test_a_callable_is_drawn_over_its_domain(tmp_path, f, domain, expected):
    seen = []

    def recorded(x, y):
        seen.append((x.min(), x.max(), y.min(), y.max()))
        return f(x, y)

    recorded.__name__ = getattr(f, "__name__", "")
    render_surface(
        recorded, "t", "t.png", out_dir=tmp_path, resolution=10, domain=domain
    )
    assert seen[0] == pytest.approx(expected)


def test_the_user_backend_is_left_alone(tmp_path):
    backend = matplotlib.get_backend()
    render_surface(convex_bowl, "Bowl", "bowl.png", out_dir=tmp_path, resolution=10)
    assert matplotlib.get_backend() == backend


# -- the banana descent ------------------------------------------------------


def test_the_course_animation_has_one_frame_a_step(course_gif):
    path, frames, durations = course_gif
    assert path.name == "04_banana_descent.gif"
    assert len(frames) == 101
    assert durations[:-1] == [50] * 100
    assert durations[-1] > 50
    for earlier, later in itertools.pairwise(frames):
        assert np.any(earlier != later)


@pytest.mark.parametrize("step", [0, 1, 40, 100])
def test_the_marker_follows_the_course_path(course_gif, step):
    frames = course_gif[1]
    path = gd_path([-1.5, 1.5], banana_grad, GDConfig(lr=1e-3, steps=100))
    domain = get_surface("banana").domain
    row, column = pixel_of(frames[step], domain, path[step])
    assert tuple(frames[step][row, column]) == FIRST_RUN
    if step < 100:
        row, column = pixel_of(frames[step], domain, path[100])
        assert tuple(frames[step][row, column]) != FIRST_RUN


def test_the_path_grows_frame_by_frame(course_gif):
    frames = course_gif[1]
    left, top, right, bottom = plot_box(frames[0])
    drawn = [
        np.all(frame[top:bottom, left:right] == FIRST_RUN, axis=-1).sum()
        for frame in frames[::20]
    ]
    assert drawn == sorted(drawn)
    assert drawn[-1] > drawn[0] + 50


def test_a_diverging_descent_still_gives_a_gif_that_says_so(diverging_gif):
    run = descend(get_surface("banana"), GD(lr=0.1), (-1.5, 1.5), 100)
    assert run.status == "diverged"
    frames = diverging_gif
    assert len(frames) == 101
    caption_top = plot_box(frames[0])[3] + 48

    def caption_end(step):
        # The rightmost ink of the caption, below the plot and its labels.
        ink = frames[step][caption_top:].max(axis=2) < 100
        return np.flatnonzero(ink.any(axis=0)).max()

    before = caption_end(run.diverged_at - 1)
    after = [caption_end(step) for step in (run.diverged_at, 50, 100)]
    assert after[0] > before + 100
    assert max(after) - min(after) < 20

    # The run leaves the plot, and what lies outside it is clipped away.
    left, top, right, bottom = plot_box(frames[0])
    assert np.any(
        frames[0][top:bottom, left:right] != frames[-1][top:bottom, left:right]
    )
    for margin in (
        np.s_[: top - 1],
        np.s_[:caption_top, right + 2 :],
        np.s_[:, : left - 1],
    ):
        np.testing.assert_array_equal(frames[0][margin], frames[-1][margin])


def test_the_caption_gives_step_loss_and_divergence():
    run = descend(get_surface("banana"), GD(lr=0.1), (-1.5, 1.5), 10)
    tracks = [Track("GD", PALETTE[0], run)]
    before = caption_lines(tracks, run.diverged_at - 1, 10)
    after = caption_lines(tracks, run.diverged_at, 10)
    loss = run.values[run.diverged_at - 1]
    assert before == [f"step {run.diverged_at - 1} / 10", f"loss {loss:.6g}"]
    assert after[1].endswith(f"diverged at step {run.diverged_at}")


def test_momentum_carries_the_marker_farther_along_the_valley(tmp_path):
    surface = get_surface("banana")
    plain = descend(surface, GD(lr=1e-3), (-1.5, 1.5), 30).points[-1]
    heavy = descend(surface, Momentum(lr=1e-3, momentum=0.9), (-1.5, 1.5), 30)
    path = anim_banana_descent(steps=30, momentum=0.9, out_dir=tmp_path)
    frames, _ = frames_of(path)
    assert len(frames) == 31
    end = pixel_of(frames[-1], surface.domain, heavy.points[-1])
    assert tuple(frames[-1][end]) == FIRST_RUN
    assert np.hypot(*(heavy.points[-1] - plain)) > 0.1


# -- any runs on any surface -------------------------------------------------


def test_two_runs_have_their_own_colours(tmp_path):
    starts = [(-1.0, 1.0), (2.0, -1.0)]
    runs = [("gd", starts[0]), Run(Adam(lr=0.1), start=starts[1], color=PALETTE[1])]
    path = animate("himmelblau", runs, steps=20, out_dir=tmp_path, filename="r.gif")
    frames, _ = frames_of(path)
    assert len(frames) == 21
    surface = get_surface("himmelblau")
    ends = [
        descend(surface, GD(), starts[0], 20),
        descend(surface, Adam(lr=0.1), starts[1], 20),
    ]
    for run, colour in zip(ends, (FIRST_RUN, SECOND_RUN), strict=True):
        pixel = pixel_of(frames[-1], surface.domain, run.points[-1])
        assert tuple(frames[-1][pixel]) == colour


def test_a_long_run_shows_evenly_spread_steps(tmp_path):
    path = animate("convex_bowl", "gd", steps=250, out_dir=tmp_path, filename="l.gif")
    with Image.open(path) as gif:
        assert gif.n_frames == MAX_FRAMES


# -- refusals ----------------------------------------------------------------


@pytest.mark.parametrize("module", ["matplotlib", "PIL"])
@pytest.mark.parametrize(
    "call",
    [
        lambda folder: render_surface(banana, "t", "t.png", out_dir=folder),
        lambda folder: anim_banana_descent(steps=2, out_dir=folder),
    ],
    ids=["render_surface", "anim_banana_descent"],
)
def test_without_the_export_extra_the_error_names_it(
    tmp_path, monkeypatch, module, call
):
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(ImportError, match=r'pip install "lossviz-widgets\[export\]"'):
        call(tmp_path / "out")
    assert not (tmp_path / "out").exists()


RENDER_REFUSALS = {
    "unknown-surface": ({"f": "rosenbrok"}, ValueError, "unknown surface 'rosenbrok'"),
    "not-a-function": ({"f": 42}, TypeError, "f must be a function f"),
    "title": ({"title": 3}, TypeError, "title must be a string"),
    "filename-type": ({"filename": 3}, TypeError, "filename must be a string"),
    "filename-folder": ({"filename": "a/t.png"}, ValueError, "without a directory"),
    "png-suffix": ({"filename": "t.jpg"}, ValueError, r"end in \.png, got 't\.jpg'"),
    "cmap": ({"cmap": "nosuch"}, ValueError, "cmap must name a matplotlib colour"),
    "elev": ({"elev": 100}, ValueError, r"elev must lie in \[-90, 90\], got 100"),
    "azim": ({"azim": "left"}, TypeError, "azim must be a number, got 'left'"),
    "resolution": (
        {"resolution": 5},
        ValueError,
        r"resolution must lie in \[10, 500\]",
    ),
    "resolution-type": ({"resolution": 20.0}, TypeError, "resolution must be a whole"),
    "log": ({"log": "yes"}, TypeError, "log must be True, False or None"),
    "scalar-function": (
        {"f": lambda x, y: math.sin(x)},
        TypeError,
        r"vectorised f\(x, y\)",
    ),
    "nowhere-finite": (
        {"f": lambda x, y: np.full_like(x, np.nan)},
        ValueError,
        "f has no finite value on the domain",
    ),
}


@pytest.mark.parametrize(
    ("changes", "error", "match"), RENDER_REFUSALS.values(), ids=RENDER_REFUSALS
)
def test_bad_pictures_are_refused_before_any_work(
    tmp_path, monkeypatch, changes, error, match
):
    monkeypatch.chdir(tmp_path)
    arguments = {"f": banana, "title": "t", "filename": "t.png", "resolution": 10}
    with pytest.raises(error, match=match):
        render_surface(**{**arguments, **changes})
    assert not (tmp_path / "outputs").exists()


DESCENT_REFUSALS = {
    "lr-zero": ({"lr": 0}, ValueError, "lr must be a positive finite number, got 0"),
    "lr-negative": ({"lr": -1e-3}, ValueError, "positive finite number, got -0.001"),
    "lr-nan": ({"lr": math.nan}, ValueError, "positive finite number, got nan"),
    "lr-text": ({"lr": "0.1"}, TypeError, "lr must be a number, got '0.1'"),
    "steps-zero": ({"steps": 0}, ValueError, r"steps must lie in \[1, 5000\], got 0"),
    "steps-type": ({"steps": 2.0}, TypeError, "steps must be a whole number"),
    "momentum": ({"momentum": -1}, ValueError, r"momentum must lie in \[0, inf\]"),
    "fps": ({"fps": 0}, ValueError, r"fps must lie in \[1, 50\], got 0"),
    "gif-suffix": ({"filename": "x.png"}, ValueError, r"must end in \.gif"),
    "gif-folder": ({"filename": "../x.gif"}, ValueError, "without a directory"),
}


@pytest.mark.parametrize(
    ("changes", "error", "match"), DESCENT_REFUSALS.values(), ids=DESCENT_REFUSALS
)
def test_bad_descents_are_refused_before_any_work(
    tmp_path, monkeypatch, changes, error, match
):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(error, match=match):
        anim_banana_descent(**changes)
    assert not (tmp_path / "outputs").exists()


ANIMATION_REFUSALS = {
    "unknown-surface": (("nope", "gd"), {}, ValueError, "unknown surface 'nope'"),
    "no-runs": (("banana", []), {}, ValueError, "runs must hold 1 to 8 runs, got 0"),
    "run-type": (("banana", [42]), {}, TypeError, "each run must be an optimizer"),
    "run-name": (("banana", ["adamax"]), {}, ValueError, "unknown optimizer 'adamax'"),
    "title": (("banana", "gd"), {"title": 1}, TypeError, "title must be a string"),
    "cmap": (("banana", "gd"), {"cmap": "x"}, ValueError, "cmap must name"),
    "surface-type": ((42, "gd"), {}, TypeError, "surface must be a function f"),
}


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    ANIMATION_REFUSALS.values(),
    ids=ANIMATION_REFUSALS,
)
def test_bad_animations_are_refused_before_any_work(
    tmp_path, monkeypatch, args, kwargs, error, match
):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(error, match=match):
        animate(*args, **kwargs)
    assert not (tmp_path / "outputs").exists()
