"""The curvature at the current point of a run, in numbers a student can read.

A :class:`CurvatureReadout` shows, for the selected run at the current
frame, the loss, the gradient, the Hessian with its eigenvalues and
eigenvectors, the kind of point the second-derivative test names, the
condition number, and the largest stable learning rate ``2/λmax`` of
gradient descent against the run's own learning rate. Every number comes
from the engine; :attr:`CurvatureReadout.values` holds them as plain Python
values, so a notebook or an autograder reads exactly what is shown.
"""

from __future__ import annotations

import html
import logging
from typing import Any

import ipywidgets
import numpy as np

from lossviz_widgets.engine import (
    classify_hessian,
    condition_number,
    hessian_eigen,
    stable_step_size,
)
from lossviz_widgets.model import LandscapeModel, Run
from lossviz_widgets.notices import Notice, guarded

__all__ = ["CurvatureReadout", "read_point", "readout_rows", "readout_table"]

log = logging.getLogger(__name__)

_RUN_TRAITS = ["trajectory", "label"]

_SHAPES = {
    "minimum": "minimum: curves up in every direction",
    "maximum": "maximum: curves down in every direction",
    "saddle": "saddle: curves up along v₂ and down along v₁",
    "degenerate": (
        "degenerate: flat along one direction, so the second-derivative "
        "test cannot decide"
    ),
    "unknown": "unknown: the Hessian is not a finite number here",
}

_HEADER = 'style="text-align:left;padding-right:1em;white-space:nowrap"'
_EMPTY = "No run to read: add a run to see the curvature along its path."


def read_point(model: LandscapeModel) -> dict[str, Any]:
    """Read the curvature at the current point of the selected run.

    Parameters
    ----------
    model : LandscapeModel
        The surface, the runs, the selected run and the frame.

    Returns
    -------
    dict
        Empty when there is no run. Otherwise ``run``, ``step`` (the step
        whose point is read: the last good one for a diverged run),
        ``point``, ``value``, ``gradient``, ``gradient_norm``, ``hessian``,
        ``eigenvalues`` (ascending), ``eigenvectors`` (one per eigenvalue),
        ``kind``, ``condition_number`` (``inf`` where an eigenvalue counts as
        zero), ``stable_lr`` (``2/λmax``, ``inf`` when ``λmax ≤ 0``), ``lr``,
        ``overshoots``, ``diverged_at`` and ``message``, as plain floats,
        tuples, strings and booleans.

    Examples
    --------
    >>> from lossviz_widgets.model import LandscapeModel, Run
    >>> model = LandscapeModel("rosenbrock", [Run("gd", start=(1.0, 1.0))])
    >>> values = read_point(model)
    >>> values["hessian"], values["kind"]
    (((802.0, -400.0), (-400.0, 200.0)), 'minimum')
    >>> [round(v, 6) for v in values["eigenvalues"]]
    [0.399361, 1001.600639]
    >>> values["lr"], round(values["stable_lr"], 6), values["overshoots"]
    (0.01, 0.001997, True)
    """
    run = model.selected_run
    if run is None or run.trajectory is None:
        return {}
    trajectory = run.trajectory
    step = min(model.frame, max(trajectory.last_good_step, 0))
    point = trajectory.points[step]

    with np.errstate(all="ignore"):
        value = float(model.surface.value_at(point))
        gradient = model.surface.grad_at(point)
        hessian = model.surface.hessian_at(point)
        eigenvalues, eigenvectors = hessian_eigen(hessian)
        finite = bool(np.all(np.isfinite(hessian)))
        kind = classify_hessian(hessian) if finite else "unknown"
        condition = float(condition_number(hessian))
        stable_lr = float(stable_step_size(hessian))
    if kind == "degenerate":
        condition = float("inf")
    lr = float(run.optimizer.lr)
    return {
        "run": run.name,
        "step": int(step),
        "point": (float(point[0]), float(point[1])),
        "value": value,
        "gradient": (float(gradient[0]), float(gradient[1])),
        "gradient_norm": float(np.hypot(gradient[0], gradient[1])),
        "hessian": tuple(tuple(float(h) for h in row) for row in hessian),
        "eigenvalues": (float(eigenvalues[0]), float(eigenvalues[1])),
        "eigenvectors": tuple(
            (float(eigenvectors[0, k]), float(eigenvectors[1, k])) for k in (0, 1)
        ),
        "kind": str(kind),
        "condition_number": condition,
        "stable_lr": stable_lr,
        "lr": lr,
        "overshoots": bool(lr > stable_lr),
        "diverged_at": trajectory.diverged_at,
        "message": run.message,
    }


class CurvatureReadout(ipywidgets.VBox):
    """A table of the curvature at the current point of the selected run.

    It follows ``model.frame`` (set when playback pauses), ``model.selected``,
    the selected run's trajectory and the surface.

    Parameters
    ----------
    model : LandscapeModel
        The model to read.

    Attributes
    ----------
    table : ipywidgets.HTML
        The numbers, as an HTML table with every text escaped.
    notice : Notice
        What went wrong while reading, if anything.

    Examples
    --------
    >>> from lossviz_widgets.model import LandscapeModel, Run
    >>> model = LandscapeModel("convex_bowl", [Run("gd", start=(1.0, 2.0))])
    >>> readout = CurvatureReadout(model)
    >>> readout.values["point"], readout.values["gradient"]
    ((1.0, 2.0), (1.0, 2.0))
    >>> model.frame = 1
    >>> readout.values["point"]
    (0.99, 1.98)
    >>> "minimum" in readout.table.value
    True
    """

    def __init__(self, model: LandscapeModel) -> None:
        if not isinstance(model, LandscapeModel):
            message = f"model must be a LandscapeModel, got {model!r}"
            raise TypeError(message)
        self.model = model
        self.notice = Notice()
        self.table = ipywidgets.HTML()
        self._values: dict[str, Any] = {}
        self._watched: list[Run] = []
        guard = guarded(self.notice, log, "reading the curvature")
        self._refresh = guard(self._refresh)
        self._on_run = guard(self._on_run)
        self._on_runs = guard(self._on_runs)

        model.observe(self._on_runs, names="runs")
        # A new surface reruns every run, and a new path refreshes the table:
        # watching the surface itself would only read the point twice.
        model.observe(self._refresh, names=["frame", "selected"])
        self._on_runs({})
        super().__init__([self.table, self.notice])
        self.add_class("lossviz-curvature-readout")

    @property
    def values(self) -> dict[str, Any]:
        """The numbers on show, as plain Python values (see :func:`read_point`).

        Examples
        --------
        >>> from lossviz_widgets.model import LandscapeModel, Run
        >>> model = LandscapeModel("saddle", [Run("gd", start=(0.0, 0.0))])
        >>> values = CurvatureReadout(model).values
        >>> values["kind"], values["eigenvalues"], values["stable_lr"]
        ('saddle', (-2.0, 2.0), 1.0)
        """
        return dict(self._values)

    def _on_runs(self, change: dict[str, Any]) -> None:
        """Watch the runs the model now holds, then show the selected one."""
        for run in self._watched:
            run.unobserve(self._on_run, names=_RUN_TRAITS)
        self._watched = list(self.model.runs)
        for run in self._watched:
            run.observe(self._on_run, names=_RUN_TRAITS)
        self._refresh()

    def _on_run(self, change: dict[str, Any]) -> None:
        """Show a new path or name of the selected run; ignore the others."""
        if change["owner"] is self.model.selected_run:
            self._refresh()

    def _refresh(self, change: dict[str, Any] | None = None) -> None:
        """Read the point and redraw the table (nothing is sent if unchanged)."""
        self._values = read_point(self.model)
        self.table.value = readout_table(self._values)


def _number(x: float) -> str:
    """Format a number with 4 significant digits, infinity as ∞."""
    if np.isnan(x):
        return "—"
    if np.isinf(x):
        return "∞" if x > 0 else "-∞"
    return f"{x + 0.0:.4g}"  # adding 0.0 turns -0.0 into 0.0


def _pair(values: tuple[float, float]) -> str:
    """Format a point or a vector as ``(a, b)``."""
    return f"({_number(values[0])}, {_number(values[1])})"


def _matrix(rows: tuple[tuple[float, float], ...]) -> str:
    """Format a 2 × 2 matrix as ``[[a, b], [c, d]]``."""
    return "[" + ", ".join(f"[{_number(a)}, {_number(b)}]" for a, b in rows) + "]"


def _step_limit(values: dict[str, Any]) -> str:
    """Compare the learning rate with 2/λmax, in words."""
    lr, limit = _number(values["lr"]), _number(values["stable_lr"])
    if np.isinf(values["stable_lr"]):
        return "λmax ≤ 0: no direction curves up, so curvature sets no limit here"
    if values["overshoots"]:
        return (
            f"2/λmax = {limit} < learning rate {lr}: "
            "steps overshoot along the sharpest direction"
        )
    return f"2/λmax = {limit} ≥ learning rate {lr}: steps do not overshoot here"


def readout_rows(values: dict[str, Any]) -> list[tuple[str, str]]:
    """Return the rows of the readout as (label, text) pairs, unescaped.

    Examples
    --------
    >>> from lossviz_widgets.model import LandscapeModel, Run
    >>> model = LandscapeModel("saddle", [Run("gd", start=(0.0, 0.0))])
    >>> dict(readout_rows(read_point(model)))["condition number"]
    '1'
    >>> readout_rows({})
    []
    """
    if not values:
        return []
    (v1, v2), (e1, e2) = values["eigenvalues"], values["eigenvectors"]
    rows = [
        ("run, step", f"{values['run']}, step {values['step']}"),
        ("point (x, y)", _pair(values["point"])),
        ("loss f(x, y)", _number(values["value"])),
        ("gradient ∇f", _pair(values["gradient"])),
        ("gradient norm |∇f|", _number(values["gradient_norm"])),
        ("Hessian H", _matrix(values["hessian"])),
        ("eigenvalues", f"λ₁ = {_number(v1)}, λ₂ = {_number(v2)}"),
        ("eigenvectors", f"v₁ = {_pair(e1)}, v₂ = {_pair(e2)}"),
        ("shape here", _SHAPES[values["kind"]]),
        ("condition number", _number(values["condition_number"])),
        ("learning rate of the run", _number(values["lr"])),
        ("step-size limit of gradient descent", _step_limit(values)),
    ]
    if values["message"]:
        shown = values["step"]
        note = f" Showing its last good point, step {shown}."
        earlier = (
            values["diverged_at"] is not None and shown < values["diverged_at"] - 1
        )
        rows.append(("divergence", values["message"] + ("" if earlier else note)))
    return rows


def readout_table(values: dict[str, Any]) -> str:
    """Return the readout as an HTML table, every text escaped.

    Examples
    --------
    >>> readout_table({}).startswith('<p class="lossviz-readout-empty">No run')
    True
    """
    if not values:
        return f'<p class="lossviz-readout-empty">{html.escape(_EMPTY)}</p>'
    cells = "".join(
        f"<tr><th {_HEADER}>{html.escape(label)}</th><td>{html.escape(text)}</td></tr>"
        for label, text in readout_rows(values)
    )
    return f'<table class="lossviz-readout">{cells}</table>'
