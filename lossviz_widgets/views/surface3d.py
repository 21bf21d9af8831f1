"""SurfaceView3D: the loss surface as a 3D mesh, with every run walking on it.

The mesh has its own grid of at most 100 × 100 vertices, whatever the
model's resolution, and is coloured by height. Surfaces that span many
decades are drawn on a log scale, ``log10(f − min f)`` over the top three
decades (more when much of the surface lies deeper), the same choice the
contour picture makes; the caption says which scale is shown.

Each run is a line lying on the surface, up to its last good step, and a
marker of its own that follows playback in the browser: its positions for
every frame are sent once, and the ``Play`` widget's value, linked in the
browser, picks the frame. A change to one run sends that run's marks only.
Points outside the domain are drawn on its edge. The marks themselves are
made in :mod:`~lossviz_widgets.views.surface3d_marks`.
"""

from __future__ import annotations

import logging
from contextlib import ExitStack
from typing import Any

import ipywidgets
import numpy as np
from bqplot import ColorScale

from lossviz_widgets.engine import Grid, Surface, evaluate_grid
from lossviz_widgets.engine.contours import log_floor
from lossviz_widgets.latest import LatestWins
from lossviz_widgets.model import LandscapeModel, Run
from lossviz_widgets.notices import Notice, guarded
from lossviz_widgets.views.playback import playback_steps
from lossviz_widgets.views.raster import COLORMAPS, prefers_log
from lossviz_widgets.views.surface3d_marks import RunMarks3D, new_figure, new_mesh

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
# the floor of a narrow valley, alias into spikes on a coarse mesh. They go
# deeper only where more than 5 % of the mesh would lie on that floor, as on
# exp(x² + y²): such a floor is no narrow well, and flattening it would hide
# the shape that the contour picture shows.
_DEPTH = 3.0
# Linear heights beyond this would overflow float32 (3.4e38) in the browser.
_LARGEST = 1e30
# Runs float this share of the height range above the mesh.
_LIFT = 0.015
# Seconds between two redraws of the surface while a slider is dragged. A
# browser compiles the mesh's shaders again for every new mesh, about 0.3 s
# when WebGL draws in software: the map follows every step of a drag, the
# mesh the last value once the slider rests. Scripts redraw at once.
_SETTLE = 0.4
# Milliseconds a change takes to appear. The browser divides the elapsed
# time by this duration, and 0 ms gives 0/0 = NaN when a frame is drawn in
# the millisecond of the change, hiding the marks; 1 ms is immediate.
_ANIMATION = 1.0
_RUN_TRAITS = ["trajectory", "color", "visible"]


def _held(*widgets: ipywidgets.Widget) -> ExitStack:
    """Hold the sync of every widget given until the stack closes."""
    stack = ExitStack()
    for widget in widgets:
        stack.enter_context(widget.hold_sync())
    return stack


def _log_floor(values: np.ndarray) -> float:
    """Return the lowest height ``f − min f`` that log heights show."""
    heights = values - values.min()
    positive = heights[heights > 0]
    return log_floor(positive, _DEPTH) if positive.size else 1.0


def _heights(
    values: Any, value_range: tuple[float, float], floor: float | None
) -> np.ndarray:
    """Heights drawn for values of f, clipped to the grid's range.

    With a ``floor``, the heights are ``log10(f − min f)``, none below
    ``log10(floor)``; the mesh, the paths and the markers share it.
    """
    low, high = value_range
    array = np.asarray(values, dtype=float)
    clipped = np.clip(np.where(np.isfinite(array), array, high), low, high)
    if floor is None:
        return clipped
    return np.log10(np.maximum(clipped - low, floor))


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
        Height of the mesh: ``f``, ``log10(f − min f)`` over three decades
        or more, or whichever suits the surface (log when it spans many decades).
        Values beyond ±1e30 always get log heights, as float32 ends at 3e38.

    Attributes
    ----------
    figure : ipyvolume.Figure
        The 3D picture; ``figure.scatters`` holds each run's line and
        marker, run after run.
    mesh : ipyvolume.Mesh
        The surface, coloured through ``color_scale`` by height.
    run_marks : dict of Run to RunMarks3D
        Each run's line and marker. A marker's positions have the shape
        ``(steps + 2, 1)``: the start, then frames 0 to ``steps``; its
        ``sequence_index`` picks the frame shown.
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
    >>> marker = view.run_marks[model.runs[0]].marker
    >>> marker.x.shape  # the start, then frames 0 to 50
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
        self._floor: float | None = None
        self._lift = 0.0
        self.run_marks: dict[Run, RunMarks3D] = {}
        self._play: ipywidgets.Play | None = None

        guard = guarded(self.notice, log, "drawing the 3D surface")
        self._on_run = guard(self._run_changed)
        self._build()
        draw_all = guard(self._draw_all)
        draw_all()
        self._redraw = LatestWins(lambda _: draw_all(), delay=_SETTLE)
        model.observe(lambda _: self._redraw(None), names="surface")
        model.observe(guard(lambda _: self._draw_runs()), names="steps")
        model.observe(guard(lambda _: self._runs_changed()), names="runs")

        super().__init__([self.caption, self.figure, self.notice])
        self.add_class("lossviz-surface3d")

    @property
    def waiting(self) -> bool:
        """Whether a redraw of a new surface is due, as during a drag."""
        return self._redraw.waiting

    @property
    def links(self) -> tuple[ipywidgets.Widget, ...]:
        """The browser-side links made by :meth:`follow`, one per run."""
        return tuple(m.link for m in self.run_marks.values() if m.link is not None)

    def follow(self, play: ipywidgets.Play) -> None:
        """Move the markers with ``play`` in the browser, without the kernel.

        ``play.value`` ``v`` shows frame ``v − 1``. Runs added later follow
        it too. Following another ``Play`` drops the links to the previous one.

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
        >>> (marks,) = view.run_marks.values()
        >>> view.links[0].target == (marks.marker, "sequence_index")
        True
        """
        if not isinstance(play, ipywidgets.Play):
            message = f"play must be an ipywidgets.Play, got {play!r}"
            raise TypeError(message)
        self._play = play
        for marks in self.run_marks.values():
            marks.follow(play)

    # -- building --------------------------------------------------------

    def _build(self) -> None:
        """Create the figure, the mesh, and a line and a marker per run."""
        self.figure = new_figure(width=460, height=420)
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
        self.mesh = new_mesh(self.figure, X, Y)
        self.mesh.color_scale = self.color_scale
        for run in self.model.runs:
            self._add_run(run)

    def _add_run(self, run: Run) -> None:
        """Create the marks of a run and follow the run's changes."""
        marks = RunMarks3D(self.figure, run.color)
        marks.marker.sequence_index = self.model.frame + 1
        if self._play is not None:
            marks.follow(self._play)
        self.run_marks[run] = marks
        run.observe(self._on_run, names=_RUN_TRAITS)

    # -- drawing ---------------------------------------------------------

    def _draw_all(self) -> None:
        """Draw the mesh and every run for the current surface."""
        self._surface = self.model.surface
        grid = evaluate_grid(self._surface, self.resolution)
        values = np.asarray(grid.values, dtype=float)
        finite = values[np.isfinite(values)]
        if finite.size == 0:
            self.mesh.visible = False
            for marks in self.run_marks.values():
                marks.hide()
            message = f"{self._surface.title} has no finite value on its domain"
            raise ValueError(message)
        self._range = (float(finite.min()), float(finite.max()))
        self.log_scale = (
            self.scale == "log"
            or (self.scale == "auto" and prefers_log(values))
            or max(abs(v) for v in self._range) > _LARGEST
        )
        self._floor = _log_floor(finite) if self.log_scale else None
        self._draw_mesh(grid, self._heights(values))
        self._draw_runs()
        scale = "f"
        if self._floor is not None:
            top = self._range[1] - self._range[0]
            decades = np.log10(top / self._floor) if top > 0 else 0.0
            scale = f"log₁₀(f − min f), {decades:.2g} decades"
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
        return _heights(values, self._range, self._floor)

    def _lifted(self, points: np.ndarray) -> np.ndarray:
        """Points ``(N, 2)`` laid on the surface, as float32 ``(3, N)``: x, y, z."""
        located = _on_surface(self._surface, points)
        located[:, 2] = self._heights(located[:, 2]) + self._lift
        return np.ascontiguousarray(located.T, dtype=np.float32)

    def _draw_runs(self) -> None:
        """Draw every run's line and marker."""
        for run in self.model.runs:
            self._draw_run(run)

    def _draw_run(self, run: Run) -> None:
        """Lay a run's path on the surface, up to its last good step, and its frames."""
        if self._surface is not self.model.surface:
            return  # a redraw of the new surface is on its way, runs included
        marks = self.run_marks[run]
        trajectory = run.trajectory
        last = -1 if trajectory is None else trajectory.last_good_step
        if not run.visible or last < 0:
            marks.hide()
            return
        cell = self._surface.domain.span / (self.resolution - 1)
        path = trajectory.points[: last + 1]
        path = _densified(np.concatenate([path, path[-1:]]), cell)
        frames = self._lifted(trajectory.points[playback_steps(trajectory)])
        marks.draw(self._lifted(path), frames[..., np.newaxis])

    # -- following the model ---------------------------------------------

    def _run_changed(self, change: dict[str, Any]) -> None:
        """Redraw or recolour one run, unless a full redraw follows."""
        run, model = change["owner"], self.model
        if run not in self.run_marks:
            return
        if change["name"] == "color":
            self.run_marks[run].recolor(run.color)
            return
        # A new number of steps reruns every run, one after the other, and
        # then redraws them all: the runs met on the way wait (as they do for
        # a new surface, in _draw_run).
        if any(r.trajectory and r.trajectory.steps != model.steps for r in model.runs):
            return
        self._draw_run(run)

    def _runs_changed(self) -> None:
        """Give new runs their marks and close the marks of runs that left."""
        runs = self.model.runs
        gone = [r for r in self.run_marks if r not in runs]
        for run in [r for r in runs if r not in self.run_marks]:
            self._add_run(run)
            self._draw_run(run)
        self.figure.scatters = [m for r in runs for m in self.run_marks[r].marks]
        for run in gone:  # closed once the figure has let them go
            run.unobserve(self._on_run, names=_RUN_TRAITS)
            self.run_marks.pop(run).close()
        self.run_marks = {run: self.run_marks[run] for run in runs}
