"""SurfaceView3D: the loss surface as a 3D mesh, with every run walking on it.

The mesh has its own grid of at most 100 × 100 vertices, whatever the
model's resolution, and is coloured by height. Surfaces that span many
decades are drawn on a log scale, ``log10(f − min f)`` over the top three
decades, the same choice the contour picture makes; the caption says which
scale is shown.

Each run is a line lying on the surface, up to its last good step, and a
marker per run follows playback in the browser: its positions for every
frame are sent once, and the ``Play`` widget's value, linked in the
browser, picks the frame. Points outside the domain are drawn on its edge.

Marks are made with the ``ipyvolume.pylab`` functions, which build widget
states that a kernel serialises; pylab's global current figure is set
only while this view draws and restored afterwards.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import ipyvolume
import ipyvolume.pylab
import ipywidgets
import numpy as np
from bqplot import ColorScale
from PIL import ImageColor

from lossviz_widgets.engine import Grid, Surface, evaluate_grid, log_values
from lossviz_widgets.model import LandscapeModel, Run
from lossviz_widgets.notices import Notice, guarded
from lossviz_widgets.views.playback import playback_steps
from lossviz_widgets.views.raster import COLORMAPS, prefers_log

__all__ = ["SurfaceView3D"]

log = logging.getLogger(__name__)

#: Vertices per axis of the mesh: at least this many, and at most so many
#: that a surface change sends at most 160 KB (100 KB at the default 80).
MIN_RESOLUTION, MAX_RESOLUTION = 10, 100

#: The height scales a view can use; "auto" picks log for surfaces that span
#: many decades, as the contour picture does.
SCALES = ("auto", "linear", "log")

# The box is as high as this share of its longer side.
_BOX_HEIGHT = 0.6
# Log heights stop this many decades below the top: deeper wells, such as
# the floor of a narrow valley, alias into spikes on a coarse mesh.
_DEPTH = 3.0
# Linear heights beyond this would overflow float32 (3.4e38) in the browser.
_LARGEST = 1e30
# Runs float this share of the height range above the mesh.
_LIFT = 0.015
# Milliseconds a change takes to appear. The browser divides the elapsed
# time by this duration, and 0 ms gives 0/0 = NaN when a frame is drawn in
# the millisecond of the change, hiding the marks; 1 ms is immediate.
_ANIMATION = 1.0
_RUN_TRAITS = ["trajectory", "color", "visible"]


@contextmanager
def _drawing_on(figure: ipyvolume.Figure) -> Iterator[None]:
    """Make ``figure`` pylab's current figure inside the block only."""
    current = ipyvolume.pylab.current
    saved = (current.figure, current.container, current.material)
    current.figure, current.material = figure, None
    try:
        with warnings.catch_warnings():
            # pylab passes options that its own Scatter does not declare.
            warnings.filterwarnings(
                "ignore", "Passing unrecognized arguments", DeprecationWarning
            )
            yield
    finally:
        current.figure, current.container, current.material = saved


def _new_figure(**options: Any) -> ipyvolume.Figure:
    """Create a figure with pylab, leaving pylab's registry as it was."""
    current = ipyvolume.pylab.current
    saved = (current.figure, current.container, current.material)
    key = object()
    try:
        figure = ipyvolume.pylab.figure(key=key, controls=False, **options)
        # The legend and container pylab adds are never shown here.
        container = current.containers.pop(key)
        current.figures.pop(key)
        container.legend.close()
        container.close()
    finally:
        current.figure, current.container, current.material = saved
    return figure


def _rgba(color: str) -> tuple[float, float, float, float]:
    """Return a CSS colour as RGBA floats in [0, 1]; grey if unreadable."""
    try:
        rgb = ImageColor.getrgb(color)
    except ValueError:
        log.warning("cannot read the colour %r; drawing it grey", color)
        rgb = (128, 128, 128)
    return (rgb[0] / 255, rgb[1] / 255, rgb[2] / 255, 1.0)


def _held(*widgets: ipywidgets.Widget) -> ExitStack:
    """Hold the sync of every widget given until the stack closes."""
    stack = ExitStack()
    for widget in widgets:
        stack.enter_context(widget.hold_sync())
    return stack


def _heights(values: Any, value_range: tuple[float, float], log: bool) -> np.ndarray:
    """Heights drawn for values of f: clipped to the grid's range, log if asked."""
    low, high = value_range
    array = np.asarray(values, dtype=float)
    clipped = np.clip(np.where(np.isfinite(array), array, high), low, high)
    if not log:
        return clipped
    # With the grid's extremes in front, log_values maps every array alike.
    logs = log_values(np.concatenate(([low, high], clipped.ravel())))
    return np.maximum(logs[2:], logs[1] - _DEPTH).reshape(clipped.shape)


def _on_surface(surface: Surface, points: np.ndarray) -> np.ndarray:
    """Points ``(N, 2)`` moved into the domain, with f there: ``(N, 3)``."""
    x, y = surface.domain.clip(points[:, 0], points[:, 1])
    with np.errstate(all="ignore"):
        f = surface.value(x, y)
    return np.stack([x, y, np.broadcast_to(f, x.shape)], axis=1)


def _densified(points: np.ndarray, cell: float, budget: int = 4000) -> np.ndarray:
    """Split steps longer than a mesh cell, so a line follows the surface."""
    steps = np.diff(points, axis=0)
    pieces = np.ceil(np.hypot(steps[:, 0], steps[:, 1]) / cell).clip(1, 64)
    if pieces.sum() > len(steps) + budget:
        pieces = np.maximum(1, np.floor(pieces * budget / pieces.sum()))
    pieces = pieces.astype(int)
    index = np.repeat(np.arange(len(steps)), pieces)
    first = np.repeat(np.cumsum(pieces) - pieces, pieces)
    share = (np.arange(index.size) - first) / pieces[index]
    inner = points[index] + share[:, np.newaxis] * steps[index]
    return np.concatenate([inner, points[-1:]])


class SurfaceView3D(ipywidgets.VBox):
    """The loss surface in 3D, with each run's path and a marker that plays.

    Parameters
    ----------
    model : LandscapeModel
        The surface, runs and steps to draw.
    resolution : int
        Vertices per axis of the mesh, from 10 to 100.
    scale : {"auto", "linear", "log"}
        Height of the mesh: ``f``, ``log10(f − min f)`` over three decades,
        or whichever suits the surface (log when it spans many decades).
        Values beyond ±1e30 always get log heights, as float32 ends at 3e38.

    Attributes
    ----------
    figure : ipyvolume.Figure
        The 3D picture; ``figure.scatters`` holds one line per run, then
        ``markers``.
    mesh : ipyvolume.Mesh
        The surface, coloured through ``color_scale`` by height.
    markers : ipyvolume.Scatter
        Positions of shape ``(steps + 2, runs)``: the start, then frames 0 to
        ``steps``; ``sequence_index`` picks the frame shown.
    log_scale : bool
        Whether the heights are on a log scale now.
    caption, notice : ipywidgets.HTML
        The line naming the surface and scale, and the line for errors.

    Examples
    --------
    >>> from lossviz_widgets.model import LandscapeModel
    >>> model = LandscapeModel("rosenbrock", steps=50)
    >>> view = SurfaceView3D(model, resolution=40)
    >>> view.mesh.z.shape, view.mesh.z.dtype.name, view.log_scale
    ((1600,), 'float32', True)
    >>> view.markers.x.shape  # the start, then frames 0 to 50, for one run
    (52, 1)
    >>> model.surface = "convex_bowl"
    >>> view.log_scale, view.figure.animation
    (False, 1.0)
    """

    def __init__(
        self, model: LandscapeModel, *, resolution: int = 80, scale: str = "auto"
    ) -> None:
        if not isinstance(model, LandscapeModel):
            message = f"model must be a LandscapeModel, got {model!r}"
            raise TypeError(message)
        if isinstance(resolution, bool) or not isinstance(resolution, int):
            message = f"resolution must be a whole number, got {resolution!r}"
            raise TypeError(message)
        if not MIN_RESOLUTION <= resolution <= MAX_RESOLUTION:
            message = (
                f"resolution must lie in [{MIN_RESOLUTION}, {MAX_RESOLUTION}] "
                f"vertices per axis, got {resolution}"
            )
            raise ValueError(message)
        if scale not in SCALES:
            message = f"scale must be one of {SCALES}, got {scale!r}"
            raise ValueError(message)

        self.model = model
        self.resolution = resolution
        self.scale = scale
        self.log_scale = False
        self.notice = Notice()
        self.caption = ipywidgets.HTML()
        self._surface = model.surface
        self._range = (0.0, 1.0)
        self._lift = 0.0
        self._lines: dict[Run, ipyvolume.Scatter] = {}
        self._links: tuple[ipywidgets.Widget, ...] = ()

        guard = guarded(self.notice, log, "drawing the 3D surface")
        self._on_run = guard(self._run_changed)
        self._build()
        guard(self._draw_all)()
        model.observe(guard(lambda _: self._draw_all()), names="surface")
        model.observe(guard(lambda _: self._draw_runs()), names="steps")
        model.observe(guard(lambda _: self._runs_changed()), names="runs")

        super().__init__([self.caption, self.figure, self.notice])
        self.add_class("lossviz-surface3d")

    @property
    def links(self) -> tuple[ipywidgets.Widget, ...]:
        """The browser-side links made by :meth:`follow`."""
        return self._links

    def follow(self, play: ipywidgets.Play) -> None:
        """Move the markers with ``play`` in the browser, without the kernel.

        ``play.value`` ``v`` shows frame ``v − 1``. Following another
        ``Play`` drops the link to the previous one.

        Parameters
        ----------
        play : ipywidgets.Play
            Usually ``PathPlayer(model).play``.

        Examples
        --------
        >>> import ipywidgets
        >>> from lossviz_widgets.model import LandscapeModel
        >>> view = SurfaceView3D(LandscapeModel("himmelblau", steps=20))
        >>> view.follow(ipywidgets.Play(min=1, max=21))
        >>> view.links[0].target == (view.markers, "sequence_index")
        True
        """
        if not isinstance(play, ipywidgets.Play):
            message = f"play must be an ipywidgets.Play, got {play!r}"
            raise TypeError(message)
        for link in self._links:
            link.unlink()
        target = (self.markers, "sequence_index")
        self._links = (ipywidgets.jslink((play, "value"), target),)

    # -- building --------------------------------------------------------

    def _build(self) -> None:
        """Create the figure, the mesh, the markers and one line per run."""
        self.figure = _new_figure(width=460, height=420)
        self.figure.animation = _ANIMATION
        self.figure.camera_control = "orbit"
        # f goes up the z axis, so x and y lie as in the contour picture
        # rather than mirrored, as ipyvolume's default y-up would have them.
        self.figure.camera.up = (0.0, 0.0, 1.0)
        self.figure.camera.position = (1.0, -1.5, 1.3)
        self.color_scale = ColorScale(
            min=0.0, max=1.0, colors=list(COLORMAPS["viridis"])
        )
        grid = evaluate_grid(self._surface, self.resolution)
        X, Y = np.meshgrid(grid.x.astype(np.float32), grid.y.astype(np.float32))
        with _drawing_on(self.figure):
            self.mesh = ipyvolume.pylab.plot_surface(X, Y, np.zeros_like(X))
            self.markers = ipyvolume.pylab.scatter(
                *np.zeros((3, 2, 1), np.float32), marker="sphere", size=5,
                grow_limits=False, description="markers",
            )  # fmt: skip
        self.mesh.color_scale = self.color_scale
        self.markers.sequence_index = self.model.frame + 1
        for run in self.model.runs:
            self._add_line(run)

    def _add_line(self, run: Run) -> None:
        """Create the line of a run and follow the run's changes."""
        scales = self.figure.scales.values()
        limits = [(scale.min, scale.max) for scale in scales]
        with _drawing_on(self.figure):
            self._lines[run] = ipyvolume.pylab.plot(
                *np.zeros((3, 2), np.float32), color=run.color
            )
        # pylab grows the limits to the new line; they stay those of the domain.
        for scale, (low, high) in zip(scales, limits, strict=True):
            scale.min, scale.max = low, high
        run.observe(self._on_run, names=_RUN_TRAITS)

    # -- drawing ---------------------------------------------------------

    def _draw_all(self) -> None:
        """Draw the mesh, every path and the markers for the current surface."""
        self._surface = self.model.surface
        grid = evaluate_grid(self._surface, self.resolution)
        values = np.asarray(grid.values, dtype=float)
        finite = values[np.isfinite(values)]
        if finite.size == 0:
            for mark in (self.mesh, self.markers, *self._lines.values()):
                mark.visible = False
            message = f"{self._surface.title} has no finite value on its domain"
            raise ValueError(message)
        self._range = (float(finite.min()), float(finite.max()))
        self.log_scale = (
            self.scale == "log"
            or (self.scale == "auto" and prefers_log(values))
            or max(abs(v) for v in self._range) > _LARGEST
        )
        self._draw_mesh(grid, self._heights(values))
        self._draw_runs()
        scale = f"log₁₀(f − min f), {_DEPTH:g} decades" if self.log_scale else "f"
        self.caption.value = f"<b>{self._surface.title}</b> — height: {scale}"

    def _draw_mesh(self, grid: Grid, shown: np.ndarray) -> None:
        """Send the mesh, its colours and the limits of the box."""
        low, high = float(shown.min()), float(shown.max())
        high = high if high > low else low + 1.0
        self._lift = _LIFT * (high - low)
        domain = self._surface.domain
        X, Y = np.meshgrid(grid.x.astype(np.float32), grid.y.astype(np.float32))
        width, depth = domain.x_max - domain.x_min, domain.y_max - domain.y_min
        scales = self.figure.scales
        with _held(self.mesh, self.figure, *scales.values()):
            self.mesh.visible = True
            self.mesh.x, self.mesh.y = X.ravel(), Y.ravel()
            self.mesh.z = shown.ravel().astype(np.float32)
            self.mesh.color = ((shown.ravel() - low) / (high - low)).astype(np.float32)
            scales["x"].min, scales["x"].max = domain.x_range
            scales["y"].min, scales["y"].max = domain.y_range
            scales["z"].min, scales["z"].max = low, high + 2 * self._lift
            longer = max(width, depth)
            self.figure.box_size = [width / longer, depth / longer, _BOX_HEIGHT]
            self.figure.zlabel = "log f" if self.log_scale else "f"

    def _heights(self, values: Any) -> np.ndarray:
        """Heights drawn for values of ``f``, on this view's scale."""
        return _heights(values, self._range, self.log_scale)

    def _lifted(self, points: np.ndarray) -> tuple[np.ndarray, ...]:
        """Coordinates ``(…, 3)`` of points on the surface, as float32 x, y, z."""
        z = self._heights(points[..., 2]) + self._lift
        return tuple(a.astype(np.float32) for a in (points[..., 0], points[..., 1], z))

    def _draw_runs(self) -> None:
        """Draw every run's line and the markers."""
        for run in self.model.runs:
            self._draw_line(run)
        self._draw_markers()

    def _draw_line(self, run: Run) -> None:
        """Lay one run's path on the surface, up to its last good step."""
        line = self._lines[run]
        trajectory = run.trajectory
        last = -1 if trajectory is None else trajectory.last_good_step
        with line.hold_sync():
            line.visible = run.visible and last >= 0
            line.color = run.color
            if not line.visible:
                return
            cell = self._surface.domain.span / (self.resolution - 1)
            path = trajectory.points[: last + 1]
            path = _densified(np.concatenate([path, path[-1:]]), cell)
            line.x, line.y, line.z = self._lifted(_on_surface(self._surface, path))

    def _draw_markers(self) -> None:
        """Send the markers' positions for every frame, one column per run."""
        runs = [r for r in self.model.runs if self._lines[r].visible]
        with self.markers.hold_sync():
            self.markers.visible = bool(runs)
            if not runs:
                return
            points = np.stack(
                [r.trajectory.points[playback_steps(r.trajectory)] for r in runs], 1
            )
            located = _on_surface(self._surface, points.reshape(-1, 2))
            x, y, z = self._lifted(located.reshape(*points.shape[:2], 3))
            self.markers.x, self.markers.y, self.markers.z = x, y, z
            self.markers.color = np.array([_rgba(r.color) for r in runs], np.float32)

    # -- following the model ---------------------------------------------

    def _run_changed(self, change: dict[str, Any]) -> None:
        """Redraw one run's line and the markers, unless a full redraw follows."""
        run, model = change["owner"], self.model
        # A new surface or number of steps reruns every run, one after the
        # other, and then redraws them all: the runs met on the way wait.
        if self._surface is not model.surface or run not in self._lines:
            return
        if any(r.trajectory and r.trajectory.steps != model.steps for r in model.runs):
            return
        self._draw_line(run)
        self._draw_markers()

    def _runs_changed(self) -> None:
        """Add lines for new runs and remove those of runs that left."""
        runs = self.model.runs
        for run in [r for r in self._lines if r not in runs]:
            run.unobserve(self._on_run, names=_RUN_TRAITS)
            self._lines.pop(run).close()
        for run in [r for r in runs if r not in self._lines]:
            self._add_line(run)
            self._draw_line(run)
        self.figure.scatters = [*(self._lines[r] for r in runs), self.markers]
        self._draw_markers()
