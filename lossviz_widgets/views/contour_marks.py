"""The bqplot marks of a contour map: the picture, lines, arrows, points and paths.

:class:`SurfaceMarks` shows a surface's picture (two image widgets by
turns, see :class:`~lossviz_widgets.views.pictures.FlipImage`), contour
lines as one mark with NaN gaps, arrows, and over them the hatch of the
regions that are not convex, which also takes the clicks.
:class:`RunMarks` draws a run's path, the cross where it stopped, and a
marker holding every frame, ``[p0, p0, p1, ..., p_steps]``, that shows only
the point at its ``hovered_point``: linked to a ``Play`` in the browser, it
moves without the kernel. :class:`CriticalMarks` draws critical points, one
mark per kind. Arrays are float32 and never empty: a mark with nothing to
show keeps its last arrays and is hidden.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import bqplot
import ipywidgets
import numpy as np

from lossviz_widgets.engine import POINT_KINDS, ContourLevel, CriticalPoint, Domain
from lossviz_widgets.model import Run
from lossviz_widgets.views.pictures import FlipImage
from lossviz_widgets.views.playback import playback_steps

__all__ = [
    "CONTOUR_POINTS",
    "FRAME_STYLES",
    "KIND_STYLES",
    "CriticalMarks",
    "RunMarks",
    "SurfaceMarks",
    "close_widgets",
]

#: How a frame marker shows the current frame (``hovered``) and hides the
#: others (``unhovered``). Markers never take the pointer: hovering one would
#: otherwise set its index, and through a link move the player.
FRAME_STYLES = {
    "hovered": {"opacity": 1, "pointer-events": "none"},
    "unhovered": {"opacity": 0, "pointer-events": "none"},
}

#: Marker shape and fill colour of each kind of critical point.
KIND_STYLES = {
    "minimum": ("triangle-down", "#ffffff"),
    "maximum": ("triangle-up", "#111111"),
    "saddle": ("diamond", "#ff9da6"),
    "degenerate": ("square", "#bab0ac"),
}


# Scatter marks whose points are named for their tooltips.
_NAMED = {"names_unique": False, "display_names": False}


def close_widgets(widgets: Iterable[ipywidgets.Widget]) -> None:
    """Close widgets with the tooltips, layouts and styles they hold."""
    for widget in widgets:
        parts = [getattr(widget, name, None) for name in ("tooltip", "layout", "style")]
        close_widgets([part for part in parts if isinstance(part, ipywidgets.Widget)])
        widget.close()


def _float32(values: Any) -> np.ndarray:
    """Return values as a contiguous float32 array, what marks draw."""
    return np.ascontiguousarray(values, dtype=np.float32)


#: About the most points the contour lines of one surface send (8 bytes each
#: as float32 pairs): lines beyond it are thinned.
CONTOUR_POINTS = 8_000
#: Thinning keeps at least every this many points of a line.
_MAX_STRIDE = 8


def _thinned(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keep every k-th point of each line, and its ends, to fit the budget."""
    gap = np.isnan(x)
    index = np.arange(len(x))
    starts = np.maximum.accumulate(np.where(np.r_[True, gap[:-1]], index, 0))
    ends = gap | np.r_[gap[1:], True]
    keep = np.ones(len(x), dtype=bool)
    for stride in range(2, _MAX_STRIDE + 1):
        if np.count_nonzero(keep) <= CONTOUR_POINTS:
            break
        keep = ends | ((index - starts) % stride == 0)
    return x[keep], y[keep]


class SurfaceMarks:
    """The picture of a surface, its contour lines, its arrows and its hatch.

    The hatch lies over the lines and arrows and is never hidden (it shows
    a blank picture when there is nothing to hatch), so a click anywhere on
    the map reaches an ``Image`` mark, which reports where it landed.

    Parameters
    ----------
    scales : dict
        The ``x`` and ``y`` scales of the figure.
    blank : bytes
        A PNG to show until the first picture arrives.
    center : (float, float)
        Where the lines and arrows rest while they have nothing to show.

    Examples
    --------
    >>> import bqplot
    >>> from lossviz_widgets.engine import ContourLevel
    >>> scales = {"x": bqplot.LinearScale(), "y": bqplot.LinearScale()}
    >>> marks = SurfaceMarks(scales, b"", (0.0, 0.0))
    >>> ring = ContourLevel(1.0, np.array([0.0, 1.0]), np.array([0.0, 1.0]))
    >>> marks.draw_contours((ring, ring))
    >>> marks.contours.x.tolist()
    [0.0, 1.0, nan, 0.0, 1.0]
    >>> marks.draw_contours(())
    >>> marks.contours.visible
    False
    """

    def __init__(
        self, scales: dict[str, Any], blank: bytes, center: tuple[float, float]
    ) -> None:
        x, y = _float32(center[:1]), _float32(center[1:])
        # Every picture shares one layout.
        self._layout = ipywidgets.Layout()
        self._pictures = [
            FlipImage(scales, blank, self._layout, pixelated=False) for _ in range(2)
        ]
        self.image, self.hatch = (picture.mark for picture in self._pictures)
        self.contours = bqplot.Lines(
            x=x, y=y, scales=scales, colors=["#ffffff"], opacities=[0.55],
            stroke_width=1.0,
        )  # fmt: skip
        self.arrows = bqplot.Scatter(
            x=x, y=y, rotation=_float32([0.0]),
            scales={**scales, "rotation": bqplot.LinearScale(min=0, max=180)},
            marker="arrow", colors=["#ffffff"], opacities=[0.7], default_size=24,
            enable_hover=False, visible=False,
        )  # fmt: skip

    @property
    def marks(self) -> list[bqplot.Mark]:
        """The marks, bottom to top."""
        return [self.image, self.contours, self.arrows, self.hatch]

    def show(self, mark: bqplot.Image, png: bytes, extent: Any) -> None:
        """Show a picture on ``mark`` (``image`` or ``hatch``) spanning ``extent``."""
        next(p for p in self._pictures if p.mark is mark).show(png, extent)

    def draw_contours(self, levels: tuple[ContourLevel, ...]) -> None:
        """Send the lines of every level as one mark; hide it when there are none.

        Lines of more than :data:`CONTOUR_POINTS` points in all are thinned:
        every second point of each line is kept, or every third..., and
        always both ends, so closed lines stay closed.
        """
        with self.contours.hold_sync():
            if levels:
                gap = np.array([np.nan])
                xs = [part for level in levels for part in (gap, level.x)][1:]
                ys = [part for level in levels for part in (gap, level.y)][1:]
                x, y = _thinned(np.concatenate(xs), np.concatenate(ys))
                self.contours.x, self.contours.y = _float32(x), _float32(y)
            self.contours.visible = bool(levels)

    def draw_arrows(self, x: Any, y: Any, rotation: Any) -> None:
        """Send arrows at ``(x, y)``, turned clockwise from up by ``rotation``°."""
        with self.arrows.hold_sync():
            if len(x):
                self.arrows.x, self.arrows.y = _float32(x), _float32(y)
                self.arrows.rotation = _float32(rotation)
            self.arrows.visible = bool(len(x))

    def close(self) -> None:
        """Close the marks, their pictures and the rotation scale."""
        for picture in self._pictures:
            picture.close()
        others = [self.contours, self.arrows, self.arrows.scales["rotation"]]
        close_widgets([*others, self._layout])


def _frame_positions(run: Run) -> tuple[np.ndarray, np.ndarray]:
    """Lay out a run's points for playback: index v holds frame v − 1."""
    if run.trajectory is None:
        laid_out = np.array([run.start, run.start])
    else:
        laid_out = run.trajectory.points[playback_steps(run.trajectory)]
    return _float32(laid_out[:, 0]), _float32(laid_out[:, 1])


def _run_traits(run: Run, domain: Domain) -> dict[str, dict[str, Any]]:
    """Return the traits of a run's path, frame marker and cross that its path sets."""
    trajectory = run.trajectory
    points = np.array([run.start]) if trajectory is None else trajectory.points
    stopped = None if trajectory is None else trajectory.diverged_at
    # The path ends on the held point at the step where the run stopped.
    end = len(points) if stopped is None else int(stopped) + 1
    x, y = _frame_positions(run)
    traits = {
        "path": {"x": _float32(points[:end, 0]), "y": _float32(points[:end, 1])},
        "marker": {"x": x, "y": y},
        "stop": {"visible": run.visible and stopped is not None},
    }
    if stopped is not None:
        # The last good point may lie far outside: put the cross on the edge.
        cross = _float32(domain.clip(*points[end - 1]))
        traits["stop"]["x"], traits["stop"]["y"] = cross[:1], cross[1:]
        traits["stop"]["names"] = np.array([run.message or "diverged"])
    return traits


class RunMarks:
    """The path of one run, its frame marker and the cross where it stopped.

    Parameters
    ----------
    run : Run
        The run to draw (at its start while it has no trajectory).
    scales : dict
        The ``x`` and ``y`` scales of the figure.
    domain : Domain
        The rectangle shown: a cross outside it is drawn on its edge.
    frame : int
        The frame the marker shows until it follows a ``Play``.

    Examples
    --------
    >>> import bqplot
    >>> from lossviz_widgets.model import LandscapeModel
    >>> model = LandscapeModel("convex_bowl", steps=10)
    >>> scales = {"x": bqplot.LinearScale(), "y": bqplot.LinearScale()}
    >>> marks = RunMarks(model.runs[0], scales, model.surface.domain, model.frame)
    >>> len(marks.marker.x), marks.marker.hovered_point, marks.stop.visible
    (12, 1, False)
    """

    def __init__(
        self, run: Run, scales: dict[str, Any], domain: Domain, frame: int
    ) -> None:
        self.link: ipywidgets.widgets.widget_link.Link | None = None
        traits = _run_traits(run, domain)
        start = _float32(run.start)
        self.path = bqplot.Lines(
            **traits["path"],
            scales=scales,
            colors=[run.color],
            stroke_width=2.0,
            labels=[run.name],
            visible=run.visible,
            tooltip=bqplot.Tooltip(fields=["name"], show_labels=False),
        )
        self.stop = bqplot.Scatter(
            **{"x": start[:1], "y": start[1:], **traits["stop"]},
            scales=scales,
            marker="cross",
            colors=[run.color],
            stroke="#ffffff",
            default_size=160,
            tooltip=bqplot.Tooltip(fields=["name"], show_labels=False),
            **_NAMED,
        )
        self.marker = bqplot.Scatter(
            **traits["marker"],
            scales=scales,
            colors=[run.color],
            stroke="#ffffff",
            default_size=90,
            visible=run.visible,
            hovered_point=frame + 1,
            hovered_style=FRAME_STYLES["hovered"],
            unhovered_style=FRAME_STYLES["unhovered"],
            enable_hover=False,
            interactions={},
        )

    @property
    def marks(self) -> list[bqplot.Mark]:
        """The marks, bottom to top."""
        return [self.path, self.stop, self.marker]

    def draw(self, run: Run, domain: Domain) -> None:
        """Send the path, the frame positions and the stop of the run."""
        for name, traits in _run_traits(run, domain).items():
            mark = getattr(self, name)
            with mark.hold_sync():
                for key, value in traits.items():
                    setattr(mark, key, value)

    def restyle(self, run: Run) -> None:
        """Send the colour, the label and the visibility of the run."""
        trajectory = run.trajectory
        diverged = trajectory is not None and trajectory.diverged_at is not None
        with self.path.hold_sync():
            self.path.colors = [run.color]
            self.path.labels = [run.name]
            self.path.visible = run.visible
        for mark, visible in ((self.marker, run.visible), (self.stop, diverged)):
            with mark.hold_sync():
                mark.colors = [run.color]
                mark.visible = visible and run.visible

    def follow(self, play: ipywidgets.Play) -> None:
        """Link the frame marker to ``play`` in the browser, replacing any link."""
        if self.link is not None:
            self.link.close()
        self.link = ipywidgets.jslink((play, "value"), (self.marker, "hovered_point"))

    def close(self) -> None:
        """Close the marks, their tooltips and the link."""
        close_widgets([*self.marks, *([self.link] if self.link else [])])


def _name(point: CriticalPoint) -> str:
    """Say what a critical point is, for its tooltip."""
    return f"{point.kind}, f = {point.value:.4g}"


class CriticalMarks:
    """The critical points of a surface: one mark per kind, each its own shape.

    Parameters
    ----------
    scales : dict
        The ``x`` and ``y`` scales of the figure.
    domain : Domain
        Where the hidden marks of absent kinds rest.

    Examples
    --------
    >>> import bqplot
    >>> from lossviz_widgets.engine import get_surface
    >>> scales = {"x": bqplot.LinearScale(), "y": bqplot.LinearScale()}
    >>> surface = get_surface("himmelblau")
    >>> critical = CriticalMarks(scales, surface.domain)
    >>> critical.draw(surface.critical_points)
    >>> [len(critical.by_kind[kind].x) for kind in ("minimum", "saddle")]
    [4, 4]
    """

    def __init__(self, scales: dict[str, Any], domain: Domain) -> None:
        x, y = _float32(domain.center[:1]), _float32(domain.center[1:])
        self.by_kind = {
            kind: bqplot.Scatter(
                x=x,
                y=y,
                scales=scales,
                marker=KIND_STYLES[kind][0],
                colors=[KIND_STYLES[kind][1]],
                stroke="#222222",
                stroke_width=1.0,
                default_size=70,
                labels=[kind],
                visible=False,
                tooltip=bqplot.Tooltip(
                    fields=["name", "x", "y"], formats=["", ".4g", ".4g"]
                ),
                **_NAMED,
            )
            for kind in POINT_KINDS
        }

    @property
    def marks(self) -> list[bqplot.Scatter]:
        """The marks, one per kind."""
        return list(self.by_kind.values())

    def draw(self, points: Iterable[CriticalPoint]) -> None:
        """Send the points of each kind; hide the kinds that have none."""
        groups: dict[str, list[CriticalPoint]] = {kind: [] for kind in POINT_KINDS}
        for point in points:
            groups[point.kind].append(point)
        for kind, mark in self.by_kind.items():
            found = groups[kind]
            with mark.hold_sync():
                if found:
                    mark.x = _float32([p.x for p in found])
                    mark.y = _float32([p.y for p in found])
                    mark.names = np.array([_name(p) for p in found])
                mark.visible = bool(found)
                mark.display_legend = bool(found)

    def close(self) -> None:
        """Close the marks and their tooltips."""
        close_widgets(self.marks)
