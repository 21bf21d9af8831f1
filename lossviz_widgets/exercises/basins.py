"""BasinsOfAttraction: which start ends in which minimum, per optimizer.

A basin of attraction is the set of starts from which an optimizer ends in
one minimum. Its borders run along ridges for plain descent, but momentum
carries runs over ridges and adaptive methods bend their paths, so each
optimizer, and each learning rate, carves the domain differently.
"""

from __future__ import annotations

import html
import logging
from typing import Any

import bqplot
import ipywidgets
import numpy as np

from lossviz_widgets.engine import (
    DIVERGED,
    UNSETTLED,
    Surface,
    basins,
    contour_levels,
    contour_lines,
)
from lossviz_widgets.engine.optimizers import OPTIMIZERS as REGISTRY
from lossviz_widgets.engine.optimizers import make_optimizer
from lossviz_widgets.exercises._mini import check_number
from lossviz_widgets.exercises._terrain import (
    DIVERGED_COLOR,
    UNSETTLED_COLOR,
    basin_picture,
    point_in,
    whole_number_in,
)
from lossviz_widgets.exercises.base import Exercise, Verdict, verdict_from
from lossviz_widgets.latest import LatestWins
from lossviz_widgets.model import PALETTE, LandscapeModel, Run
from lossviz_widgets.notices import guarded
from lossviz_widgets.views.clicks import clicked_point
from lossviz_widgets.views.contour_marks import RunMarks, SurfaceMarks
from lossviz_widgets.views.raster import encode_png

__all__ = ["BasinsOfAttraction"]

log = logging.getLogger(__name__)

#: The optimizers offered, by registry name.
OPTIMIZERS = ("gd", "momentum", "nesterov", "rmsprop", "adam")
#: What a start whose run reached no minimum is called.
OUTCOMES = {DIVERGED: "diverges", UNSETTLED: "settles nowhere"}


class BasinsOfAttraction(Exercise):
    """Predict which minimum a start ends in, reading the basin map.

    The map colours every start of a grid by the minimum the chosen
    optimizer reaches from it. The gold diamond marks the proposed start; the
    student picks its minimum from :attr:`prediction`. A click on the map
    draws the path from the point clicked.

    Parameters
    ----------
    surface : Surface or str
        The loss, ``"himmelblau"`` by default.
    optimizer : str
        The optimizer at first: one of :data:`OPTIMIZERS`.
    lr : float
        The learning rate at first, in [1e-4, 0.1].
    steps : int
        Steps of every run, in [10, 2000].
    start : (float, float), optional
        The proposed start, moved to the nearest start of the map's grid so
        that its colour on the map is its answer. By default a tenth of the
        domain's span above its centre.
    resolution : int
        Starts per axis of the map, in [20, 200].
    locked : bool
        Disable the optimizer and learning-rate controls. The prediction
        and the clicks stay open.

    Attributes
    ----------
    optimizer_choice : ipywidgets.Dropdown
        The optimizer's registry name; writable from code.
    lr_slider : ipywidgets.FloatLogSlider
        The learning rate; writable from code.
    prediction : ipywidgets.Dropdown
        The student's answer: a minimum's letter, ``"diverges"``,
        ``"settles nowhere"`` or ``""``.
    basin_map : BasinMap
        The map shown.
    probe : Run
        The path drawn from the last start clicked (hidden until a click).
    figure : bqplot.Figure
        The map.

    Examples
    --------
    >>> exercise = BasinsOfAttraction(resolution=40, steps=200)
    >>> answer = exercise.answer
    >>> [round(v, 4) for v in answer["start"]], answer["true"]
    ([0.1282, 0.8974], 'A')
    >>> exercise.prediction.value = "A"
    >>> exercise.check().passed
    True
    """

    title = "Basins of attraction"
    instruction = (
        "Each colour marks the starts from which the optimizer ends in the "
        "same minimum (grey: settles nowhere, black: diverges). Where does "
        "the run from the gold diamond end? Pick its minimum and press Check. "
        "Click the map to see the path from any start; change the optimizer "
        "or the learning rate to see the basins move."
    )

    def __init__(
        self,
        *,
        surface: Surface | str = "himmelblau",
        optimizer: str = "gd",
        lr: float = 0.01,
        steps: int = 300,
        start: tuple[float, float] | None = None,
        resolution: int = 80,
        locked: bool = False,
    ) -> None:
        if optimizer not in OPTIMIZERS:
            message = (
                f"optimizer must be one of {sorted(OPTIMIZERS)}, got {optimizer!r}"
            )
            raise ValueError(message)
        lr = check_number("lr", lr, 1e-4, 0.1)
        steps = whole_number_in("steps", steps, 10, 2000)
        self.resolution = whole_number_in("resolution", resolution, 20, 200)
        self.model = LandscapeModel(surface, runs=[], steps=steps, resolution=120)
        surface = self.model.surface
        if start is None:
            # Above the centre of Himmelblau's domain the basins of GD,
            # momentum and Adam all differ.
            x, y = surface.domain.center
            start = (x, y + 0.1 * surface.domain.span)
        wanted = point_in("start", start, surface)

        self.optimizer_choice = ipywidgets.Dropdown(
            options=[(REGISTRY[name].name, name) for name in OPTIMIZERS],
            value=optimizer,
            description="optimizer",
        )
        self.lr_slider = ipywidgets.FloatLogSlider(
            value=lr, base=10, min=-4, max=-1, step=0.05, description="lr",
            readout_format=".2g", continuous_update=False,
        )  # fmt: skip
        self._compute_map()
        x, y = self.basin_map.x, self.basin_map.y
        self.start = (
            float(x[np.argmin(np.abs(x - wanted[0]))]),
            float(y[np.argmin(np.abs(y - wanted[1]))]),
        )
        count = len(self.basin_map.minima)
        self.names = tuple(chr(65 + i) if i < 26 else f"M{i + 1}" for i in range(count))
        self.probe = Run(self._optimizer(), start=self.start, visible=False)
        self.model.runs = [self.probe]
        self.prediction = ipywidgets.Dropdown(
            options=[("choose…", ""), *self._outcomes()],
            value="",
            description="The diamond ends at",
            style={"description_width": "initial"},
        )
        self.legend = ipywidgets.HTML()
        self._build_figure()
        body = [
            ipywidgets.HBox([self.optimizer_choice, self.lr_slider]),
            ipywidgets.HBox([self.figure, self.legend]),
            self.prediction,
        ]
        super().__init__(body, locked=locked)
        self._lockable(self.optimizer_choice, self.lr_slider)
        self._connect()

    def _optimizer(self) -> Any:
        """Return the optimizer the controls describe."""
        return make_optimizer(self.optimizer_choice.value, lr=self.lr_slider.value)

    def _compute_map(self) -> None:
        """Run the optimizer from every start of the grid."""
        self.basin_map = basins(
            self.model.surface, self._optimizer(),
            resolution=self.resolution, steps=self.model.steps,
        )  # fmt: skip

    def _outcomes(self) -> list[tuple[str, str]]:
        """Name every outcome a run may have, with its minimum's place."""
        minima = [
            (f"{name} ({p.x:.2f}, {p.y:.2f})", name)
            for name, p in zip(self.names, self.basin_map.minima, strict=True)
        ]
        return minima + [(text, text) for text in OUTCOMES.values()]

    # -- the picture ---------------------------------------------------------

    def _build_figure(self) -> None:
        """Make the map: basins, contour lines, minima, the start and the path."""
        box = self.model.surface.domain
        scales = {
            "x": bqplot.LinearScale(min=box.x_min, max=box.x_max, allow_padding=False),
            "y": bqplot.LinearScale(min=box.y_min, max=box.y_max, allow_padding=False),
        }
        blank = encode_png(np.zeros((1, 1, 4), dtype=np.uint8))
        self.surface_marks = SurfaceMarks(scales, blank, box.center)
        self.surface_marks.contours.colors = ["#333333"]
        self.surface_marks.contours.opacities = [0.35]
        grid = self.model.grid
        levels = contour_levels(grid.values, 15, spacing="log")
        self.surface_marks.draw_contours(contour_lines(grid, levels))
        minima = self.basin_map.minima
        xs = np.array([p.x for p in minima], dtype=np.float32)
        ys = np.array([p.y for p in minima], dtype=np.float32)
        self.minimum_marks = bqplot.Label(
            x=xs, y=ys, text=list(self.names), scales=scales, colors=["#111111"],
            default_size=16, font_weight="bolder", align="middle", y_offset=-8,
        )  # fmt: skip
        self.start_mark = bqplot.Scatter(
            x=np.array(self.start[:1], np.float32),
            y=np.array(self.start[1:], np.float32),
            scales=scales, marker="diamond", colors=["#ffd700"], stroke="#111111",
            default_size=220, labels=["proposed start"],
        )  # fmt: skip
        self.probe_marks = RunMarks(self.probe, scales, box, self.model.steps)
        self.figure = bqplot.Figure(
            marks=[
                self.surface_marks.image, self.surface_marks.contours,
                self.minimum_marks, *self.probe_marks.marks, self.start_mark,
            ],
            axes=[
                bqplot.Axis(scale=scales["x"], label="x"),
                bqplot.Axis(scale=scales["y"], label="y", side="left"),
            ],
            padding_x=0.0, padding_y=0.0, animation_duration=0,
            fig_margin={"top": 36, "bottom": 40, "left": 48, "right": 12},
            title=self.model.surface.title,
            layout=ipywidgets.Layout(width="440px", height="440px"),
        )  # fmt: skip
        self._draw_map()

    def _draw_map(self) -> None:
        """Send the basin picture and the share of each basin."""
        png, extent = basin_picture(self.basin_map)
        self.surface_marks.show(self.surface_marks.image, png, extent)
        colors = [PALETTE[i % len(PALETTE)] for i in range(len(self.names))]
        colors += [DIVERGED_COLOR, UNSETTLED_COLOR]
        rows = "".join(
            f'<tr><td><span style="color:{color}">■</span> {html.escape(name)}'
            f"</td><td>{share:.0%}</td></tr>"
            for color, (name, share) in zip(colors, self._shares().items(), strict=True)
        )
        self.legend.value = (
            f"<table><tr><th>ends at</th><th>starts</th></tr>{rows}</table>"
        )

    def _shares(self) -> dict[str, float]:
        """Return the share of the starts in each basin, then the other outcomes."""
        counts = self.basin_map.counts()
        total = self.basin_map.labels.size
        names = [*self.names, *OUTCOMES.values()]
        labels = [*range(len(self.names)), *OUTCOMES]
        return {
            n: counts[label] / total for n, label in zip(names, labels, strict=True)
        }

    # -- following the student ---------------------------------------------------

    def _connect(self) -> None:
        """Recompute on a new optimizer or lr; draw a path where clicked."""
        guard = guarded(self.notice, log, "computing the basins")
        self._latest = LatestWins(guard(self._recompute))
        for control in (self.optimizer_choice, self.lr_slider):
            control.observe(lambda change: self._latest(change["new"]), names="value")
        click = guarded(self.notice, log, "drawing the path")(self._on_click)
        self.surface_marks.image.on_element_click(click)
        redraw = guarded(self.notice, log, "drawing the path")(self._draw_probe)
        self.probe.observe(redraw, names=["trajectory", "visible"])

    def _recompute(self, value: Any = None) -> None:
        """Compute the map for the current optimizer and rerun the path."""
        self._compute_map()
        self._draw_map()
        self.probe.optimizer = self._optimizer()

    def _on_click(self, mark: bqplot.Image, content: dict[str, Any]) -> None:
        """Draw the path from the point clicked."""
        x, y = clicked_point(content)
        x, y = self.model.surface.domain.clip(x, y)
        self.probe.start = (round(float(x), 3), round(float(y), 3))
        self.probe.visible = True

    def _draw_probe(self, change: dict[str, Any]) -> None:
        """Send the path, or show or hide it."""
        if change["name"] == "trajectory":
            self.probe_marks.draw(self.probe, self.model.surface.domain)
        else:
            self.probe_marks.restyle(self.probe)

    # -- answer and check ------------------------------------------------------

    def _outcome(self, label: int) -> str:
        """Name the outcome of a basin label."""
        return self.names[label] if label >= 0 else OUTCOMES[label]

    @property
    def answer(self) -> dict[str, Any]:
        """The optimizer, the start, the prediction, the truth and the shares."""
        self._latest.flush()
        column = int(np.argmin(np.abs(self.basin_map.x - self.start[0])))
        row = int(np.argmin(np.abs(self.basin_map.y - self.start[1])))
        probe, optimizer = self.probe.trajectory, self._optimizer()
        return {
            "surface": self.model.surface.name,
            "optimizer": {"name": optimizer.name, **optimizer.values()},
            "lr": float(self.lr_slider.value),
            "steps": self.model.steps,
            "start": list(self.start),
            "minima": {
                name: [p.x, p.y]
                for name, p in zip(self.names, self.basin_map.minima, strict=True)
            },
            "prediction": self.prediction.value,
            "true": self._outcome(int(self.basin_map.labels[row, column])),
            "shares": self._shares(),
            "path_start": list(self.probe.start) if self.probe.visible else None,
            "path_end": probe.points[-1].tolist() if self.probe.visible else None,
        }

    def check(self) -> Verdict:
        """Compare the prediction with where the run from the diamond ends."""
        answer = self.answer
        predicted, true = answer["prediction"], answer["true"]
        where = f"({self.start[0]:.3g}, {self.start[1]:.3g})"
        how = f"{answer['optimizer']['name']} with lr {answer['lr']:.2g}"
        if not predicted:
            wrong = "pick where the run from the gold diamond ends"
        else:
            wrong = (
                f"the run from {where} with {how} does not end at {predicted}: "
                "read the colour under the diamond, or click it to see the path"
            )
        right = f"the run from {where} with {how} ends at {true}"
        return verdict_from([(predicted == true, right, wrong)])
