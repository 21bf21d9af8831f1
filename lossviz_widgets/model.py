"""The state every widget shares: the surface, the runs and the current frame.

One :class:`LandscapeModel` sits at the centre of an explorer. Controls
write to it, views observe it, and code reads and writes it the same way
(``model.surface = "himmelblau"``, ``model.runs[0].trajectory.points``), so
an autograder can check every number a student sees.

The model recomputes only what a change invalidates: a new surface redraws
the grid and reruns every run, a new learning rate reruns that run alone,
a new grid resolution touches no run, and moving the frame computes nothing.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import numpy as np
import traitlets
from traitlets import (
    HasTraits,
    Instance,
    Int,
    List,
    Tuple,
    observe,
    validate,
)

from lossviz_widgets.engine import (
    CriticalPoint,
    Grid,
    Surface,
    Trajectory,
    critical_points,
    descend,
    evaluate_grid,
    get_surface,
    stable_step_size,
)
from lossviz_widgets.run import PALETTE, Coerced, Run

__all__ = [
    "MAX_COORDINATE",
    "MAX_RESOLUTION",
    "MAX_RUNS",
    "MAX_STEPS",
    "PALETTE",
    "LandscapeModel",
    "Run",
    "default_start",
]

log = logging.getLogger(__name__)

#: Bounds that keep one change from freezing the kernel.
MAX_STEPS = 5_000
MAX_RESOLUTION = 600
MIN_RESOLUTION = 20
MAX_RUNS = 8

#: The farthest a domain may reach from the origin: views draw in float32,
#: which ends near 3.4e38, and a run may wander 100 domain spans away.
MAX_COORDINATE = 1e30


def _surface(value: Any) -> Surface:
    """Return a surface from an instance or a catalogue name."""
    if isinstance(value, str):
        return get_surface(value)
    if not isinstance(value, Surface):
        message = f"surface must be a Surface or a catalogue name, got {value!r}"
        raise TypeError(message)
    domain = value.domain
    farthest = max(abs(bound) for bound in (*domain.x_range, *domain.y_range))
    if farthest > MAX_COORDINATE:
        message = (
            f"surface {value.name!r} has a domain reaching {farthest:g}; the views "
            f"draw in float32, so a domain must lie within ±{MAX_COORDINATE:g}"
        )
        raise ValueError(message)
    return value


#: Where default starts may lie, as fractions of the domain's width and
#: height: off the centre, where many surfaces keep their minimum.
_START_FRACTIONS = ((0.2, 0.8), (0.8, 0.8), (0.2, 0.2), (0.8, 0.2), (0.5, 0.9))


def default_start(surface: Any, index: int = 0) -> tuple[float, float]:
    """Return a start point inside the domain, away from the known minima.

    The candidates are five points off the centre of the domain. The first
    run gets the one farthest from every minimum the surface knows of, so
    that its path has somewhere to go; later runs get the next ones.

    Parameters
    ----------
    surface : Surface or str
        A surface, or the name of one in the catalogue.
    index : int
        Which run: each of the first five gets a point of its own.

    Examples
    --------
    >>> default_start("himmelblau")  # (-3, 3) would sit on a minimum
    (0.0, 4.0)
    >>> default_start("rosenbrock"), default_start("rosenbrock", 1)
    ((-1.2, 2.2), (-1.2, -0.2))
    """
    surface = _surface(surface)
    domain = surface.domain
    width, height = domain.x_max - domain.x_min, domain.y_max - domain.y_min
    points = [
        (domain.x_min + fx * width, domain.y_min + fy * height)
        for fx, fy in _START_FRACTIONS
    ]
    minima = [(p.x, p.y) for p in surface.critical_points or () if p.kind == "minimum"]

    def clearance(point: tuple[float, float]) -> float:
        """Distance to the nearest minimum, in shares of the domain's sides."""
        return min(
            math.hypot((point[0] - x) / width, (point[1] - y) / height)
            for x, y in minima
        )

    if minima:  # the sort is stable: equally clear points keep their order
        points.sort(key=clearance, reverse=True)
    x, y = points[index % len(points)]
    return (round(x, 3), round(y, 3))


class LandscapeModel(HasTraits):
    """The surface, the runs and the frame shared by every widget of an explorer.

    Parameters
    ----------
    surface : Surface or str
        A surface, or the name of one in the catalogue.
    runs : list of Run, optional
        The runs to race; one gradient-descent run when omitted.
    steps : int
        How many steps every run takes.
    resolution : int
        Points per axis of the grid the views draw.

    Examples
    --------
    >>> model = LandscapeModel(surface="himmelblau", steps=300)
    >>> model.runs[0].trajectory.points.shape
    (301, 2)
    >>> model.surface = "banana"
    >>> model.grid.values.shape, model.surface.name
    ((150, 150), 'banana')
    >>> model.add_run("adam", start=(-1.5, 1.5)).optimizer.name
    'Adam'
    """

    surface = Coerced(
        lambda value: _surface(value), help="The loss surface being explored."
    )
    runs = List(Instance(Run), help="The optimizer runs drawn on the surface.")
    steps = Int(200, help="Steps every run takes.")
    resolution = Int(150, help="Points per axis of the grid the views draw.")
    frame = Int(0, help="The step shown by markers and readouts.")
    selected = Int(0, help="Index of the run that readouts and clicks act on.")
    grid = Instance(Grid, help="The surface evaluated on the view grid.")
    critical = Tuple(help="Critical points of the surface, by kind.")

    def __init__(
        self,
        surface: Any = "himmelblau",
        runs: list[Run] | None = None,
        *,
        steps: int = 200,
        resolution: int = 150,
    ) -> None:
        surface = _surface(surface)
        super().__init__(surface=surface, steps=steps, resolution=resolution)
        if runs is None:
            runs = [Run("gd", start=default_start(surface))]
        self.runs = list(runs)

    # -- validation ------------------------------------------------------

    @validate("steps")
    def _valid_steps(self, proposal: dict[str, Any]) -> int:
        steps = proposal["value"]
        if not 1 <= steps <= MAX_STEPS:
            why = (
                ": a run takes at least one step,"
                if steps < 1
                else " so a change never freezes the kernel,"
            )
            message = f"steps must lie in [1, {MAX_STEPS}]{why} got {steps}"
            raise traitlets.TraitError(message)
        return steps

    @validate("resolution")
    def _valid_resolution(self, proposal: dict[str, Any]) -> int:
        resolution = proposal["value"]
        if not MIN_RESOLUTION <= resolution <= MAX_RESOLUTION:
            message = (
                f"resolution must lie in [{MIN_RESOLUTION}, {MAX_RESOLUTION}] "
                f"points per axis, got {resolution}: a finer grid is slow to "
                "compute and to send, a coarser one hides the shape"
            )
            raise traitlets.TraitError(message)
        return resolution

    @validate("runs")
    def _valid_runs(self, proposal: dict[str, Any]) -> list[Run]:
        runs = proposal["value"]
        if len(runs) > MAX_RUNS:
            message = f"at most {MAX_RUNS} runs fit on one picture, got {len(runs)}"
            raise traitlets.TraitError(message)
        return runs

    @validate("frame")
    def _valid_frame(self, proposal: dict[str, Any]) -> int:
        return int(np.clip(proposal["value"], 0, self.steps))

    @validate("selected")
    def _valid_selected(self, proposal: dict[str, Any]) -> int:
        return int(np.clip(proposal["value"], 0, max(len(self.runs) - 1, 0)))

    # -- what a change invalidates ---------------------------------------

    @observe("surface")
    def _surface_changed(self, change: dict[str, Any]) -> None:
        self._refresh_surface_data()
        for run in self.runs:
            self._keep_start_inside(run)
            self._recompute(run)

    @observe("resolution")
    def _resolution_changed(self, change: dict[str, Any]) -> None:
        self._refresh_grid()

    @observe("steps")
    def _steps_changed(self, change: dict[str, Any]) -> None:
        with self.hold_trait_notifications():
            self.frame = min(self.frame, self.steps)
        for run in self.runs:
            self._recompute(run)

    @observe("runs")
    def _runs_changed(self, change: dict[str, Any]) -> None:
        old = change["old"] if isinstance(change["old"], list) else []
        for run in old:
            if run not in self.runs:
                run.unobserve(self._run_changed, names=["optimizer", "start"])
        for run in self.runs:
            if run not in old:
                run.observe(self._run_changed, names=["optimizer", "start"])
                self._keep_start_inside(run)
                self._recompute(run)
        self.selected = min(self.selected, max(len(self.runs) - 1, 0))

    def _run_changed(self, change: dict[str, Any]) -> None:
        run = change["owner"]
        if change["name"] == "start" and not self.surface.domain.contains(*run.start):
            self._keep_start_inside(run)  # a change of its own, which recomputes
            return
        self._recompute(run)

    def _refresh_surface_data(self) -> None:
        """Recompute the grid and the critical points of the current surface."""
        self._refresh_grid()
        known = self.surface.critical_points
        self.critical = tuple(known) if known else critical_points(self.surface)

    def _refresh_grid(self) -> None:
        """Evaluate the grid unless it already shows this surface at this size."""
        shown = getattr(self, "_grid_source", (None, 0))
        if shown[0] is not self.surface or shown[1] != self.resolution:
            self._grid_source = (self.surface, self.resolution)
            self.grid = evaluate_grid(self.surface, self.resolution)

    def _keep_start_inside(self, run: Run) -> None:
        """Move a run whose start lies outside the domain onto its edge."""
        x, y = run.start
        if not bool(self.surface.domain.contains(x, y)):
            clipped = self.surface.domain.clip(x, y)
            run.start = (float(clipped[0]), float(clipped[1]))

    def _recompute(self, run: Run) -> None:
        """Rerun one run and explain a divergence in words."""
        trajectory = descend(self.surface, run.optimizer, run.start, self.steps)
        run.message = self._explain(run, trajectory)
        run.trajectory = trajectory

    def _explain(self, run: Run, trajectory: Trajectory) -> str:
        """Say why a run diverged, with the stable step size where it helps."""
        if trajectory.status != "diverged":
            return ""
        message = f"diverged at step {trajectory.diverged_at}: {trajectory.reason}"
        # Only a hint: a start where the surface is not finite gives none.
        with np.errstate(all="ignore"):
            hessian = self.surface.hessian_at(np.array(run.start))
            limit = float(stable_step_size(hessian))
        if np.isfinite(limit) and run.optimizer.lr > limit:
            message += (
                f" (the learning rate {run.optimizer.lr:g} is above "
                f"2/λmax = {limit:.3g} at the start)"
            )
        return message

    # -- editing runs ----------------------------------------------------

    def add_run(self, optimizer: Any = "gd", **traits: Any) -> Run:
        """Add a run with the next palette colour and return it."""
        if len(self.runs) >= MAX_RUNS:
            message = f"at most {MAX_RUNS} runs fit on one picture"
            raise ValueError(message)
        used = {run.color for run in self.runs}
        free = [c for c in PALETTE if c not in used] or list(PALETTE)
        traits.setdefault("color", free[0])
        traits.setdefault("start", default_start(self.surface, len(self.runs)))
        run = Run(optimizer, **traits)
        self.runs = [*self.runs, run]
        return run

    def remove_run(self, index: int) -> None:
        """Remove the run at ``index``."""
        self.runs = [run for i, run in enumerate(self.runs) if i != index]

    def duplicate_run(self, index: int) -> Run:
        """Add a copy of the run at ``index`` (same optimizer and start)."""
        source = self.runs[index]
        return self.add_run(source.optimizer, start=source.start, label=source.label)

    @property
    def selected_run(self) -> Run | None:
        """The run that readouts and clicks act on, if any."""
        return self.runs[self.selected] if self.runs else None

    @property
    def critical_by_kind(self) -> dict[str, list[CriticalPoint]]:
        """Critical points grouped by kind."""
        groups: dict[str, list[CriticalPoint]] = {}
        for point in self.critical:
            groups.setdefault(point.kind, []).append(point)
        return groups
