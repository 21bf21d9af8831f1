"""ContourView: the surface seen from above, with the paths optimizers take.

The surface is a PNG coloured in the kernel (:mod:`~lossviz_widgets.views.raster`)
shown by a bqplot ``Image`` mark, far faster in a browser than a heat map.
Contour lines, descent arrows, a hatch over non-convex regions, critical
points and every run's path are drawn over it; a click moves the start of
the selected run. A change sends only what it touches, and a new frame
sends nothing: frame markers follow the player in the browser.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any

import bqplot
import ipywidgets
import numpy as np
from traitlets import Bool, Enum

from lossviz_widgets.engine import (
    Surface,
    contour_levels,
    contour_lines,
    gradient_field,
)
from lossviz_widgets.model import LandscapeModel, Run
from lossviz_widgets.notices import Notice, guarded
from lossviz_widgets.views.clicks import clicked_point, start_from_click
from lossviz_widgets.views.contour_figure import (
    fit_figure,
    grid_domain,
    map_figure,
    map_scales,
    move_scales,
)
from lossviz_widgets.views.contour_marks import (
    CriticalMarks,
    RunMarks,
    SurfaceMarks,
    close_widgets,
)
from lossviz_widgets.views.raster import (
    COLORMAPS,
    SurfacePicture,
    convexity_picture,
    encode_png,
    surface_picture,
)

__all__ = ["ContourView"]

log = logging.getLogger(__name__)

#: Contour levels drawn, spaced like the colours (linearly or in log scale).
LEVELS = 15
#: Arrows along the longer side of the domain.
ARROWS = 20
#: Pixels along the longer side of the convexity overlay.
OVERLAY_PIXELS = 192

_RUN_TRAITS = ["trajectory", "color", "label", "visible"]


class ContourView(ipywidgets.VBox):
    """A contour map of the model's surface with the runs drawn across it.

    Parameters
    ----------
    model : LandscapeModel
        The surface, the runs and the frame to draw.
    quiver : bool
        Whether to draw arrows pointing downhill.
    convexity : bool
        Whether to hatch the regions where the surface is not convex.
    colormap : str
        A colour map of :data:`~lossviz_widgets.views.raster.COLORMAPS`.
    width : int
        Width of the figure in pixels, at least 200.
    height : int, optional
        Height in pixels, at least 150; by default the plot area takes the
        shape of the domain, within a factor of 2 of a square.
    on_click : callable, optional
        Called as ``on_click(x, y)`` with the point clicked, moved into the
        domain, instead of moving the start of the selected run: for
        pictures where a click means something else (marking a point,
        moving a chord's end).

    Attributes
    ----------
    figure : bqplot.Figure
        The figure, above :attr:`notice`, where errors are said in words.
    surface_marks, critical_marks : SurfaceMarks, CriticalMarks
        The marks of the surface and of its critical points.
    run_marks : dict of Run to RunMarks
        The marks of each run.
    aspect : float
        Screen length of one unit of y over that of one unit of x.
    scales : dict
        The ``x`` and ``y`` scales, for marks drawn over the map with
        :meth:`add_marks`.

    Examples
    --------
    >>> from lossviz_widgets.model import LandscapeModel
    >>> model = LandscapeModel("himmelblau", steps=50)
    >>> view = ContourView(model, quiver=True)
    >>> view.x_scale.min, view.x_scale.max
    (-5.0, 5.0)
    >>> view.surface_marks.image.image.format, len(view.surface_marks.arrows.x)
    ('png', 400)
    >>> view.run_marks[model.runs[0]].path.x.dtype
    dtype('float32')
    """

    quiver = Bool(False, help="Whether to draw arrows pointing downhill.")
    convexity = Bool(
        False, help="Whether to hatch the regions where the surface is not convex."
    )
    colormap = Enum(
        tuple(COLORMAPS), default_value="viridis", help="Colour map of the surface."
    )

    def __init__(
        self,
        model: LandscapeModel,
        *,
        quiver: bool = False,
        convexity: bool = False,
        colormap: str = "viridis",
        width: int = 480,
        height: int | None = None,
        on_click: Callable[[float, float], None] | None = None,
        **kwargs: Any,
    ) -> None:
        if not isinstance(model, LandscapeModel):
            message = f"model must be a LandscapeModel, got {model!r}"
            raise TypeError(message)
        if not (isinstance(width, int) and width >= 200):
            message = f"width must be a whole number of pixels >= 200, got {width!r}"
            raise ValueError(message)
        if height is not None and not (isinstance(height, int) and height >= 150):
            message = f"height must be None or a whole number >= 150, got {height!r}"
            raise ValueError(message)
        if on_click is not None and not callable(on_click):
            message = f"on_click must be a function of (x, y) or None, got {on_click!r}"
            raise TypeError(message)
        self.model = model
        self._click_callback = on_click
        self._extra_marks: list[bqplot.Mark] = []
        self.notice = Notice()
        self._size = (width, height)
        self._domain = grid_domain(model.grid)
        self._drawn: dict[str, Any] = {}
        self._play: ipywidgets.Play | None = None
        self._build_figure()
        super().__init__(
            [self.figure, self.notice],
            quiver=quiver,
            convexity=convexity,
            colormap=colormap,
            **kwargs,
        )
        self.add_class("lossviz-contour")

        self._handlers = {
            "grid": self._guard("drawing the surface", self._draw_surface),
            "critical": self._guard("marking critical points", self._draw_critical),
            "runs": self._guard("drawing the runs", self._sync_runs),
            "run": self._guard("drawing a run", self._draw_run),
            "click": self._guard("placing the start", self._on_click),
            "layers": self._guard("drawing a layer", self._draw_layers),
            "colormap": self._guard("colouring the surface", self._draw_picture),
        }
        self._draw_surface()
        self._draw_critical()
        self._sync_runs()
        for name in ("grid", "critical", "runs"):
            model.observe(self._handlers[name], names=name)
        self.observe(self._handlers["layers"], names=["quiver", "convexity"])
        self.observe(self._handlers["colormap"], names="colormap")
        for mark in (self.surface_marks.image, self.surface_marks.hatch):
            mark.on_element_click(self._handlers["click"])

    def _guard(self, what: str, callback: Callable[..., Any]) -> Callable[..., Any]:
        """Wrap a callback so its errors show in the notice."""
        return guarded(self.notice, log, what)(callback)

    # -- building --------------------------------------------------------

    def _build_figure(self) -> None:
        """Make the scales, the axes, the fixed marks and the figure."""
        domain = self._domain
        self._scales = map_scales(domain)
        self.x_scale, self.y_scale = self._scales["x"], self._scales["y"]
        self._blank = encode_png(np.zeros((1, 1, 4), dtype=np.uint8))
        self.surface_marks = SurfaceMarks(self._scales, self._blank, domain.center)
        self.critical_marks = CriticalMarks(self._scales, domain)
        self.run_marks: dict[Run, RunMarks] = {}
        self.figure = map_figure(self._scales, self._marks())
        self.aspect = fit_figure(self.figure, domain, *self._size)

    @property
    def scales(self) -> dict[str, bqplot.Scale]:
        """The ``x`` and ``y`` scales of the map."""
        return {"x": self.x_scale, "y": self.y_scale}

    def add_marks(self, *marks: bqplot.Mark) -> None:
        """Draw ``marks`` over everything the view draws, the last on top.

        Parameters
        ----------
        *marks : bqplot.Mark
            Marks on :attr:`scales`; they stay on top when runs come and go.

        Examples
        --------
        >>> import bqplot
        >>> from lossviz_widgets.model import LandscapeModel
        >>> view = ContourView(LandscapeModel("convex_bowl", steps=10))
        >>> chord = bqplot.Lines(x=[0.0, 1.0], y=[0.0, 1.0], scales=view.scales)
        >>> view.add_marks(chord)
        >>> view.figure.marks[-1] is chord
        True
        """
        self._extra_marks.extend(marks)
        self.figure.marks = self._marks()

    def _marks(self) -> list[bqplot.Mark]:
        """All marks, bottom to top."""
        marks = [*self.surface_marks.marks, *self.critical_marks.marks]
        marks += [mark for run in self.run_marks.values() for mark in run.marks]
        return marks + self._extra_marks

    # -- the surface -----------------------------------------------------

    def _draw_surface(self, change: dict[str, Any] | None = None) -> None:
        """Redraw what the grid shows; the arrows and hatch too on a new surface."""
        grid = self.model.grid
        domain = grid_domain(grid)
        if domain != self._domain:
            self._domain = domain
            move_scales(self._scales, domain)
            self.aspect = fit_figure(self.figure, domain, *self._size)
        picture = self._draw_picture()
        spacing = "log" if picture.log else "linear"
        levels = contour_levels(grid.values, LEVELS, spacing=spacing)
        lines = contour_lines(grid, levels) if levels.size else ()
        self.surface_marks.draw_contours(lines)
        if self._drawn.get("surface") is not self.model.surface:
            self._drawn["surface"] = self.model.surface
            self._draw_layers()

    def _draw_picture(self, change: dict[str, Any] | None = None) -> SurfacePicture:
        """Colour the grid, send the picture and say in the title what it shows."""
        picture = surface_picture(self.model.grid, self.colormap)
        self.surface_marks.show(self.surface_marks.image, picture.png, picture.extent)
        self._drawn["picture"] = picture
        self._retitle()
        return picture

    def _retitle(self) -> None:
        """Name the surface and what the colours and the hatch mean."""
        parts = [self.model.surface.title]
        picture = self._drawn.get("picture")
        if picture is not None:
            parts.append(f"colour: {picture.scale_name}")
        if self.convexity:
            parts.append("hatched: not convex")
        self.figure.title = " · ".join(parts)

    # -- optional layers -------------------------------------------------

    def _draw_layers(self, change: dict[str, Any] | None = None) -> None:
        """Show or hide the arrows and the hatch, computing them when stale."""
        surface = self.model.surface
        if self.quiver and self._drawn.get("quiver") is not surface:
            self._draw_quiver(surface)
        else:
            arrows = self._drawn.get("arrows", False)
            self.surface_marks.arrows.visible = self.quiver and arrows
        if self.convexity and self._drawn.get("convexity") is not surface:
            self._drawn["convexity"] = surface
            self._drawn["hatch"] = convexity_picture(surface, OVERLAY_PIXELS)
        # The hatch takes the clicks, so it always spans the domain.
        png = self._drawn["hatch"] if self.convexity else self._blank
        extent = (self._domain.x_range, self._domain.y_range)
        shown = self._drawn.get("hatch shown", (None, None))
        if shown[0] is not png or shown[1] != extent:
            self._drawn["hatch shown"] = (png, extent)
            self.surface_marks.show(self.surface_marks.hatch, png, extent)
        self._retitle()

    def _draw_quiver(self, surface: Surface) -> None:
        """Send arrows of the descent direction, turned for the plot's aspect."""
        domain = self._domain
        spans = np.array([domain.x_max - domain.x_min, domain.y_max - domain.y_min])
        cells = np.maximum(2, np.rint(spans / spans.max() * ARROWS)).astype(int)
        field = gradient_field(surface, tuple(cells), domain=domain)
        rotation = field.rotation(self.aspect)
        keep = np.isfinite(rotation) & (field.magnitude > 0)
        self.surface_marks.draw_arrows(field.x[keep], field.y[keep], rotation[keep])
        self._drawn["quiver"] = surface
        self._drawn["arrows"] = bool(keep.any())

    # -- critical points and runs ----------------------------------------

    def _draw_critical(self, change: dict[str, Any] | None = None) -> None:
        """Send the critical points of the surface."""
        self.critical_marks.draw(self.model.critical)

    def _sync_runs(self, change: dict[str, Any] | None = None) -> None:
        """Give new runs their marks and drop the marks of removed runs."""
        old, self.run_marks = self.run_marks, {}
        for run in self.model.runs:
            if run in old:
                self.run_marks[run] = old.pop(run)
                continue
            marks = RunMarks(run, self._scales, self._domain, self.model.frame)
            if self._play is not None:
                marks.follow(self._play)
            run.observe(self._handlers["run"], names=_RUN_TRAITS)
            self.run_marks[run] = marks
        self.figure.marks = self._marks()
        for run, marks in old.items():  # closed once the figure has let them go
            run.unobserve(self._handlers["run"], names=_RUN_TRAITS)
            marks.close()

    def _draw_run(self, change: dict[str, Any]) -> None:
        """Send a run's new path, or its new colour, label or visibility."""
        run = change["owner"]
        if change["name"] == "trajectory":
            self.run_marks[run].draw(run, self._domain)
        else:
            self.run_marks[run].restyle(run)

    # -- the browser -----------------------------------------------------

    def _on_click(self, mark: bqplot.Image, content: dict[str, Any]) -> None:
        """Move the start of the selected run to the point clicked."""
        x, y = clicked_point(content)
        if self._click_callback is not None:
            cx, cy = self._domain.clip(x, y)
            self._click_callback(float(cx), float(cy))
            return
        run = self.model.selected_run
        if run is None:
            self.notice.show("Add a run first: a click sets where it starts.", "info")
            return
        run.start = start_from_click(self._domain, x, y)

    def follow(self, play: ipywidgets.Play) -> None:
        """Move every frame marker with ``play`` in the browser.

        ``play.value`` is the frame plus one. The links live in the browser,
        so playing needs no kernel; runs added later follow too.

        Parameters
        ----------
        play : ipywidgets.Play
            The player's ``Play`` widget.

        Examples
        --------
        >>> import ipywidgets
        >>> from lossviz_widgets.model import LandscapeModel
        >>> view = ContourView(LandscapeModel("banana", steps=20))
        >>> view.follow(ipywidgets.Play(min=1, max=21, value=1))
        >>> [marks.link is not None for marks in view.run_marks.values()]
        [True]
        """
        if not isinstance(play, ipywidgets.Play):
            message = f"play must be an ipywidgets.Play, got {play!r}"
            raise TypeError(message)
        self._play = play
        for marks in self.run_marks.values():
            marks.follow(play)

    def close(self) -> None:
        """Stop observing the model and close every widget the view made."""
        if self.comm is None:
            return
        for name in ("grid", "critical", "runs"):
            # A view whose building failed half-way never observed the model.
            with contextlib.suppress(ValueError):
                self.model.unobserve(self._handlers[name], names=name)
        for run, marks in self.run_marks.items():
            run.unobserve(self._handlers["run"], names=_RUN_TRAITS)
            marks.close()
        self.run_marks = {}
        self.surface_marks.close()
        self.critical_marks.close()
        scales = [self.x_scale, self.y_scale, self.figure.scale_x, self.figure.scale_y]
        close_widgets([*self.figure.axes, *scales, self.figure, self.notice])
        super().close()
        self.layout.close()
