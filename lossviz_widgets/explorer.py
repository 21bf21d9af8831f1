"""LandscapeExplorer: every control and view composed around one model."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import ipywidgets

from lossviz_widgets.controls import OptimizerPanel, PathPlayer, SurfaceSelector
from lossviz_widgets.engine import Surface
from lossviz_widgets.engine.optimizers import Optimizer
from lossviz_widgets.model import PALETTE, LandscapeModel, Run, default_start
from lossviz_widgets.views import ContourView, CurvatureReadout, LossCurves

__all__ = ["CONTROLS", "VIEWS", "LandscapeExplorer"]

#: The views an explorer can show, in the order of its layout.
VIEWS = ("contour", "surface3d", "loss", "curvature")

#: The controls an explorer can show.
CONTROLS = ("surface", "optimizers", "player")

_STYLE = """
<style>
.lossviz-explorer { gap: 8px; }
.lossviz-explorer .lossviz-column { gap: 6px; }
</style>
"""


def _names(value: Iterable[str] | bool, allowed: Sequence[str], what: str) -> set[str]:
    """Return a set of names from ``allowed``; ``True`` means all, ``False`` none."""
    if value is True:
        return set(allowed)
    if value is False:
        return set()
    names = {value} if isinstance(value, str) else set(value)
    unknown = sorted(names - set(allowed))
    if unknown:
        message = f"{what} has no part {unknown[0]!r}; choose from {', '.join(allowed)}"
        raise ValueError(message)
    return names


def _as_run(item: Any, index: int, start: tuple[float, float] | None) -> Run:
    """Build a run from a name, an optimizer, a mapping or a run."""
    if isinstance(item, Run):
        return item
    traits: dict[str, Any] = {"color": PALETTE[index % len(PALETTE)]}
    if isinstance(item, dict):
        traits.update(item)
    elif isinstance(item, (str, Optimizer)):
        traits["optimizer"] = item
    else:
        message = (
            "each run must be an optimizer name, an Optimizer, a dict of Run "
            f"traits or a Run, got {item!r}"
        )
        raise TypeError(message)
    if start is not None:
        traits.setdefault("start", start)
    optimizer = traits.pop("optimizer", "gd")
    return Run(optimizer, **traits)


def _distinct_colours(runs: list[Run]) -> None:
    """Recolour runs whose colour an earlier run already uses."""
    used: set[str] = set()
    for run in runs:
        if run.color in used:
            free = [c for c in PALETTE if c not in used]
            run.color = free[0] if free else run.color
        used.add(run.color)


class LandscapeExplorer(ipywidgets.VBox):
    """Loss surfaces, optimizer paths and curvature in one interactive widget.

    Parameters
    ----------
    surface : str or Surface
        A catalogue name (see ``surface_names()``) or any :class:`Surface`.
    runs : sequence, optional
        The runs to race: optimizer names (``"adam"``), optimizers
        (``Momentum(lr=0.01)``), dicts of :class:`Run` traits, or runs.
        One gradient-descent run when omitted.
    start : (float, float), optional
        The start of every run that does not set its own; by default a
        point off the centre of the surface's domain, the same for every
        run, so that they race from one place.
    steps : int
        Steps every run takes.
    resolution : int
        Points per axis of the contour picture.
    views : sequence of str
        Which views to show, from ``VIEWS``.
    controls : sequence of str
        Which controls to show, from ``CONTROLS``.
    locked : bool or sequence of str
        Controls shown but not editable: ``("surface",)`` fixes the surface,
        ``True`` locks both the surface and the runs.

    Examples
    --------
    >>> explorer = LandscapeExplorer("banana", runs=["gd", "momentum"],
    ...                              start=(-1.5, 1.5), steps=150)
    >>> [run.optimizer.name for run in explorer.model.runs]
    ['GD', 'Momentum']
    >>> explorer.model.surface = "himmelblau"
    >>> explorer.model.runs[0].trajectory.points.shape
    (151, 2)
    >>> flat = LandscapeExplorer(views=["contour", "loss"], locked=["surface"])
    >>> flat.surface3d is None
    True
    """

    def __init__(
        self,
        surface: str | Surface = "himmelblau",
        runs: Sequence[Any] | None = None,
        *,
        start: tuple[float, float] | None = None,
        steps: int = 200,
        resolution: int = 150,
        views: Iterable[str] = VIEWS,
        controls: Iterable[str] = CONTROLS,
        locked: bool | Iterable[str] = False,
    ) -> None:
        shown_views = _names(views, VIEWS, "views")
        shown_controls = _names(controls, CONTROLS, "controls")
        locked_parts = _names(locked, ("surface", "optimizers"), "locked")

        built = None
        if runs is not None:
            # Runs race from one point: the one given, or the surface's default.
            shared = start if start is not None else default_start(surface)
            built = [_as_run(item, i, shared) for i, item in enumerate(runs)]
            _distinct_colours(built)
        elif start is not None:
            built = [_as_run("gd", 0, start)]
        self.model = LandscapeModel(surface, built, steps=steps, resolution=resolution)

        self.player = PathPlayer(self.model)
        self.surface_selector = SurfaceSelector(
            self.model, locked="surface" in locked_parts
        )
        self.optimizer_panel = OptimizerPanel(
            self.model, locked="optimizers" in locked_parts
        )
        self.contour = ContourView(self.model) if "contour" in shown_views else None
        self.surface3d = self._surface3d() if "surface3d" in shown_views else None
        self.loss_curves = LossCurves(self.model) if "loss" in shown_views else None
        self.readout = (
            CurvatureReadout(self.model) if "curvature" in shown_views else None
        )
        for view in (self.contour, self.surface3d, self.loss_curves):
            if view is not None:
                view.follow(self.player.play)

        super().__init__(self._layout(shown_controls))
        self.add_class("lossviz-explorer")

    def save_html(self, path: Any, *, title: str | None = None) -> Path:
        """Write this explorer as one page that opens with no kernel, offline.

        The page shows the explorer as it is now and its player still
        plays; see :func:`lossviz_widgets.export.save_html`.

        Parameters
        ----------
        path : str or os.PathLike
            The file to write, ending in ``.html``.
        title : str, optional
            The page's title; "Loss landscape explorer" if omitted.

        Returns
        -------
        pathlib.Path
            The path written.

        Examples
        --------
        >>> import tempfile
        >>> explorer = LandscapeExplorer(views=["contour"], steps=10, resolution=40)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     page = explorer.save_html(f"{folder}/explorer.html")
        ...     text = page.read_text(encoding="utf-8")
        >>> explorer.model_id in text, "<title>Loss landscape explorer</title>" in text
        (True, True)
        """
        from lossviz_widgets.export import save_html

        if title is None:
            title = "Loss landscape explorer"
        return save_html(self, path, title=title)

    def _surface3d(self) -> ipywidgets.Widget:
        """Build the 3D view; imported here so 2D explorers never load ipyvolume."""
        from lossviz_widgets.views.surface3d import SurfaceView3D

        return SurfaceView3D(self.model)

    def _layout(self, controls: set[str]) -> list[ipywidgets.Widget]:
        """Arrange controls on the left, pictures in the middle, 3D on the right."""
        left = []
        if "surface" in controls:
            left.append(self.surface_selector)
        if "optimizers" in controls:
            left.append(self.optimizer_panel)

        middle = [view for view in (self.contour,) if view is not None]
        if "player" in controls:
            middle.append(self.player)
        right = [v for v in (self.surface3d, self.readout) if v is not None]

        columns = [
            ipywidgets.VBox(children, layout=ipywidgets.Layout(**sizes))
            for children, sizes in (
                (left, {"width": "330px", "flex": "0 0 auto"}),
                (middle, {"flex": "1 1 480px"}),
                (right, {"flex": "1 1 360px"}),
            )
            if children
        ]
        for column in columns:
            column.add_class("lossviz-column")
        rows: list[ipywidgets.Widget] = [
            ipywidgets.HTML(_STYLE),
            ipywidgets.HBox(
                columns, layout=ipywidgets.Layout(flex_flow="row wrap", width="100%")
            ),
        ]
        if self.loss_curves is not None:
            rows.append(self.loss_curves)
        return rows
