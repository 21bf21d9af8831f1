"""Running an optimizer across a surface: trajectories and their end points.

:func:`descend` records every step of one run, or of a batch of runs started
from many points at once; :func:`endpoints` runs the same loop but keeps only
where each run ended, which is what a basin map of thousands of starts needs.

A run that leaves the finite world stops cleanly. After each step three
guards are checked: every number is finite, the point stays within
``escape`` domain spans of the domain's centre, and the loss has not grown
more than ``growth`` times its starting size. The first guard that fires
marks the run diverged at that step and holds it at its last good point, so
what is returned never holds NaN or infinity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lossviz_widgets.engine.optimizers import Optimizer
from lossviz_widgets.engine.surface import Surface

__all__ = ["MAX_STEPS", "STATUSES", "Endpoints", "Trajectory", "descend", "endpoints"]

#: The statuses of a run: stopped at a stationary point, left the finite
#: world, or neither when the steps ran out.
STATUSES = ("converged", "diverged", "moving")

#: The most steps one call may take; a longer run is refused with a message.
MAX_STEPS = 100_000

_REASONS = (
    "",
    "a coordinate, the loss or the gradient stopped being a finite number",
    "the point went farther than {escape:g} domain spans from the domain's centre",
    "the loss grew more than {growth:g} times its size at the start",
)


def _norm(vectors: np.ndarray) -> np.ndarray:
    """Euclidean length along the last axis, ``(..., 2) -> (...)``."""
    return np.hypot(vectors[..., 0], vectors[..., 1])


@dataclass(frozen=True)
class _Tolerances:
    """When a run counts as diverged or converged."""

    escape: float
    growth: float
    gtol: float
    xtol: float


def _validate_steps(steps: object) -> int:
    """Return ``steps`` as an int in ``[0, MAX_STEPS]`` or raise."""
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)):
        message = f"steps must be a whole number, got {steps!r}"
        raise TypeError(message)
    if not 0 <= steps <= MAX_STEPS:
        message = f"steps must lie in [0, {MAX_STEPS}], got {steps}"
        raise ValueError(message)
    return int(steps)


def _validate_start(start: Any) -> tuple[np.ndarray, bool]:
    """Return starts as an ``(N, 2)`` array and whether a single point was given."""
    try:
        points = np.array(start, dtype=float)
    except (TypeError, ValueError):
        points = np.empty((0, 0))
    single = points.shape == (2,)
    if single:
        points = points[np.newaxis]
    if points.ndim != 2 or points.shape[1] != 2 or points.shape[0] == 0:
        message = (
            "start must be one point (x, y) or an array of shape (N, 2) with "
            f"N >= 1, got {start!r}"
        )
        raise ValueError(message)
    if not np.all(np.isfinite(points)):
        message = f"start must hold finite numbers, got {start!r}"
        raise ValueError(message)
    return points, single


def _validate_optimizer(optimizer: object) -> Optimizer:
    """Check that ``optimizer`` is an engine optimizer."""
    if not isinstance(optimizer, Optimizer):
        message = (
            "optimizer must be an Optimizer such as GD(lr=0.01) or Adam(), "
            f"got {optimizer!r}"
        )
        raise TypeError(message)
    return optimizer


def _positive(name: str, value: float) -> float:
    """Return ``value`` if it is a positive finite number, else raise."""
    number = float(value)
    if not (np.isfinite(number) and number > 0):
        message = f"{name} must be a positive finite number, got {value!r}"
        raise ValueError(message)
    return number


class _Run:
    """The loop shared by :func:`descend` and :func:`endpoints`."""

    def __init__(
        self,
        surface: Surface,
        optimizer: Optimizer,
        starts: np.ndarray,
        tol: _Tolerances,
    ) -> None:
        self.surface = surface
        self.optimizer = optimizer
        self.tol = tol
        self.center = np.array(surface.domain.center)
        self.radius = tol.escape * surface.domain.span

        self.points = starts.copy()
        self.values = surface.value_at(starts).copy()
        self.grads = surface.grad_at(starts).copy()
        self.start_values = self.values.copy()
        self.limit = self.start_values + tol.growth * (1 + np.abs(self.start_values))
        self.start_grad_norms = _norm(self.grads)
        self.step_sizes = np.zeros(len(starts))
        self.diverged_at = np.full(len(starts), -1)
        self.reason = np.zeros(len(starts), dtype=int)
        self.state = optimizer.init(starts)

        # A start whose loss or gradient is already not finite cannot move.
        bad = ~(np.isfinite(self.values) & np.all(np.isfinite(self.grads), axis=-1))
        self._hold(bad, 0, 1)

    def _hold(self, mask: np.ndarray, step: int, reason: int) -> None:
        """Mark the runs in ``mask`` diverged at ``step`` and freeze them."""
        if not mask.any():
            return
        self.diverged_at[mask] = step
        self.reason[mask] = reason
        # Surfaces may return read-only broadcast views: write to copies.
        self.values = np.where(mask & ~np.isfinite(self.values), 0.0, self.values)
        broken = mask[:, None] & ~np.isfinite(self.grads)
        self.grads = np.where(broken, 0.0, self.grads)

    def step(self, number: int) -> None:
        """Take one optimizer step for every run that is still alive."""
        alive = self.diverged_at < 0
        hessian = None
        if self.optimizer.needs_hessian:
            hessian = self.surface.hessian_at(self.points)
        # The loop built every array itself, so the optimizer's checks of
        # shapes and state would only cost time at each of many steps.
        proposed, state = self.optimizer.update_unchecked(
            self.state, self.points, self.grads, hessian
        )
        values = self.surface.value_at(proposed)
        grads = self.surface.grad_at(proposed)
        self.state = state

        # A sum is finite only if every term is: one test covers all five.
        px, py, gx, gy = proposed[:, 0], proposed[:, 1], grads[:, 0], grads[:, 1]
        finite = np.isfinite(px + py + values + gx + gy)
        offset = np.maximum(np.abs(px - self.center[0]), np.abs(py - self.center[1]))
        escaped = finite & (offset > self.radius)
        grown = finite & ~escaped & (values > self.limit)
        if alive.all() and finite.all() and not (escaped.any() or grown.any()):
            self.step_sizes = _norm(proposed - self.points)
            self.points, self.values, self.grads = proposed, values, grads
            return

        for reason, mask in ((1, ~finite), (2, escaped), (3, grown)):
            self._hold(alive & mask, number, reason)
        moving = self.diverged_at < 0
        new_points = np.where(moving[:, None], proposed, self.points)
        self.step_sizes = _norm(new_points - self.points)
        self.points = new_points
        self.values = np.where(moving, values, self.values)
        self.grads = np.where(moving[:, None], grads, self.grads)

    def statuses(self) -> np.ndarray:
        """Return the status of every run now, as an array of strings."""
        grad_norms = _norm(self.grads)
        gtol = self.tol.gtol * np.maximum(1.0, self.start_grad_norms)
        xtol = self.tol.xtol * self.surface.domain.span
        settled = (grad_norms <= gtol) & (self.step_sizes <= xtol)
        status = np.where(settled, "converged", "moving")
        return np.where(self.diverged_at >= 0, "diverged", status).astype(object)

    def reasons(self) -> list[str]:
        """Why each run diverged, in words (empty for runs that did not)."""
        return [
            _REASONS[r].format(escape=self.tol.escape, growth=self.tol.growth)
            for r in self.reason
        ]


@dataclass(frozen=True)
class Trajectory:
    """Every step of one run, or of a batch of runs started together.

    For a single start the arrays have a leading axis of ``steps + 1``:
    ``points (steps + 1, 2)``, ``values (steps + 1,)``, ``grad_norms
    (steps + 1,)`` and ``step_sizes (steps,)``; ``diverged_at`` is an int or
    ``None`` and ``status`` a string. For a batch of ``N`` starts a run axis
    follows the step axis (``points (steps + 1, N, 2)``) and ``diverged_at``,
    ``status`` and ``reason`` are tuples with one entry per run; index the
    trajectory (``trajectory[i]``) to get run ``i`` alone.

    A diverged run is held at its last good point from ``diverged_at`` on.

    Examples
    --------
    >>> from lossviz_widgets.engine import descend, get_surface
    >>> from lossviz_widgets.engine.optimizers import GD
    >>> run = descend(get_surface("convex_bowl"), GD(lr=0.5), (2.0, -2.0), steps=3)
    >>> run.points.tolist()
    [[2.0, -2.0], [1.0, -1.0], [0.5, -0.5], [0.25, -0.25]]
    >>> run.status, run.diverged_at
    ('moving', None)
    >>> batch = descend(get_surface("convex_bowl"), GD(lr=2.5), [[1, 1], [0, 0]], 40)
    >>> batch.points.shape, batch.status
    ((41, 2, 2), ('diverged', 'converged'))
    >>> batch[0].diverged_at, batch[0].reason
    (15, "the point went farther than 100 domain spans from the domain's centre")
    """

    points: np.ndarray
    values: np.ndarray
    grad_norms: np.ndarray
    step_sizes: np.ndarray
    diverged_at: int | tuple[int | None, ...] | None
    status: str | tuple[str, ...]
    reason: str | tuple[str, ...]

    @property
    def batched(self) -> bool:
        """Whether this trajectory holds several runs."""
        return self.points.ndim == 3

    @property
    def steps(self) -> int:
        """The number of steps taken (the start is not a step)."""
        return self.points.shape[0] - 1

    def __len__(self) -> int:
        """Return the number of runs in a batch (1 for a single run)."""
        return self.points.shape[1] if self.batched else 1

    def __getitem__(self, index: int) -> Trajectory:
        """Run ``index`` of a batch, as a single-run trajectory."""
        if not self.batched:
            message = "only a batch of runs can be indexed; this is a single run"
            raise TypeError(message)
        return Trajectory(
            points=self.points[:, index],
            values=self.values[:, index],
            grad_norms=self.grad_norms[:, index],
            step_sizes=self.step_sizes[:, index],
            diverged_at=self.diverged_at[index],
            status=self.status[index],
            reason=self.reason[index],
        )


@dataclass(frozen=True)
class Endpoints:
    """Where each of ``N`` runs ended: the final state without the history.

    ``points (N, 2)``, ``values (N,)``, ``grad_norms (N,)``, ``diverged_at
    (N,)`` with −1 for runs that did not diverge, and ``status (N,)`` strings.
    """

    points: np.ndarray
    values: np.ndarray
    grad_norms: np.ndarray
    diverged_at: np.ndarray
    status: np.ndarray


def _tolerances(escape: float, growth: float, gtol: float, xtol: float) -> _Tolerances:
    """Validate and bundle the convergence and divergence tolerances."""
    return _Tolerances(
        escape=_positive("escape", escape),
        growth=_positive("growth", growth),
        gtol=_positive("gtol", gtol),
        xtol=_positive("xtol", xtol),
    )


def descend(
    surface: Surface,
    optimizer: Optimizer,
    start: Any,
    steps: int = 100,
    *,
    escape: float = 100.0,
    growth: float = 1e6,
    gtol: float = 1e-5,
    xtol: float = 1e-7,
) -> Trajectory:
    """Run ``optimizer`` on ``surface`` from ``start`` and record every step.

    Parameters
    ----------
    surface : Surface
        The loss to minimise.
    optimizer : Optimizer
        For example ``GD(lr=0.01)`` or ``Adam(lr=0.1)``.
    start : array_like, shape (2,) or (N, 2)
        One start point, or ``N`` of them run together.
    steps : int
        How many steps to take, from 0 to ``MAX_STEPS``.
    escape : float
        A run farther than ``escape`` domain spans from the domain's centre
        has diverged.
    growth : float
        A run whose loss exceeds its start value by ``growth × (1 + |f₀|)``
        has diverged.
    gtol, xtol : float
        A run has converged when, after its last step, the gradient norm is at
        most ``gtol × max(1, |∇f₀|)`` and that step moved it at most ``xtol``
        domain spans.

    Returns
    -------
    Trajectory
        Points, losses, gradient norms, step sizes, divergence and status.

    Examples
    --------
    >>> from lossviz_widgets.engine import get_surface
    >>> from lossviz_widgets.engine.optimizers import Newton
    >>> run = descend(get_surface("rosenbrock"), Newton(lr=1.0, damping=0.0),
    ...               (-1.0, 2.0), steps=10)
    >>> run.status, run.points[-1].round(6).tolist()
    ('converged', [1.0, 1.0])
    """
    surface, optimizer = _validate_surface(surface), _validate_optimizer(optimizer)
    steps = _validate_steps(steps)
    starts, single = _validate_start(start)
    tol = _tolerances(escape, growth, gtol, xtol)

    with np.errstate(all="ignore"):
        points, values, grads = _unguarded(surface, optimizer, starts, steps)
        history = _History(surface, tol, points, values, grads)
        history.hold_diverged()
        status = tuple(history.statuses())

    diverged = tuple(int(d) if d >= 0 else None for d in history.diverged_at)
    reason = tuple(history.reasons())
    points, values = history.points, history.values
    grad_norms = _norm(history.grads)
    step_sizes = _norm(np.diff(points, axis=0))
    if single:
        return Trajectory(
            points[:, 0], values[:, 0], grad_norms[:, 0], step_sizes[:, 0],
            diverged[0], status[0], reason[0],
        )  # fmt: skip
    return Trajectory(points, values, grad_norms, step_sizes, diverged, status, reason)


def _unguarded(
    surface: Surface, optimizer: Optimizer, starts: np.ndarray, steps: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run every step and keep everything, even what overflowed.

    The guards are applied afterwards to the whole history at once, which
    costs far less than checking them at every step; the caller runs this
    inside ``np.errstate`` and discards whatever follows a divergence.
    """
    count = len(starts)
    points = np.empty((steps + 1, count, 2))
    values = np.empty((steps + 1, count))
    grads = np.empty((steps + 1, count, 2))

    point = starts
    value = surface.value_at(point)
    grad = surface.grad_at(point)
    state = optimizer.init(point)
    points[0], values[0], grads[0] = point, value, grad
    for number in range(1, steps + 1):
        hessian = surface.hessian_at(point) if optimizer.needs_hessian else None
        point, state = optimizer.update_unchecked(state, point, grad, hessian)
        value = surface.value_at(point)
        grad = surface.grad_at(point)
        points[number], values[number], grads[number] = point, value, grad
    return points, values, grads


class _History:
    """The guards of :class:`_Run`, applied to a whole recorded history."""

    def __init__(
        self,
        surface: Surface,
        tol: _Tolerances,
        points: np.ndarray,
        values: np.ndarray,
        grads: np.ndarray,
    ) -> None:
        self.surface, self.tol = surface, tol
        self.points, self.values, self.grads = points, values, grads
        count = points.shape[1]
        self.diverged_at = np.full(count, -1)
        self.reason = np.zeros(count, dtype=int)

        px, py = points[..., 0], points[..., 1]
        finite = np.isfinite(px + py + values + grads[..., 0] + grads[..., 1])
        center, radius = surface.domain.center, tol.escape * surface.domain.span
        offset = np.maximum(np.abs(px - center[0]), np.abs(py - center[1]))
        escaped = finite & (offset > radius)
        start = values[0]
        limit = start + tol.growth * (1 + np.abs(start))
        grown = finite & ~escaped & (values > limit)
        # The start itself is only checked for finiteness.
        escaped[0] = grown[0] = False

        bad = ~finite | escaped | grown
        for run in np.flatnonzero(bad.any(axis=0)):
            step = int(np.argmax(bad[:, run]))
            self.diverged_at[run] = step
            self.reason[run] = (
                1 if not finite[step, run] else 2 if escaped[step, run] else 3
            )

    def hold_diverged(self) -> None:
        """Hold every diverged run at its last good point from then on."""
        for run in np.flatnonzero(self.diverged_at >= 0):
            step = int(self.diverged_at[run])
            last = max(step - 1, 0)
            self.points[step:, run] = self.points[last, run]
            self.values[step:, run] = self.values[last, run]
            self.grads[step:, run] = self.grads[last, run]
        self.values[~np.isfinite(self.values)] = 0.0
        self.grads[~np.isfinite(self.grads)] = 0.0

    def statuses(self) -> np.ndarray:
        """Return the status of every run at the end of its history."""
        grad_norms = _norm(self.grads)
        last_step = (
            _norm(self.points[-1] - self.points[-2]) if len(self.points) > 1 else 0.0
        )
        gtol = self.tol.gtol * np.maximum(1.0, grad_norms[0])
        xtol = self.tol.xtol * self.surface.domain.span
        settled = (grad_norms[-1] <= gtol) & (last_step <= xtol)
        status = np.where(settled, "converged", "moving")
        return np.where(self.diverged_at >= 0, "diverged", status).astype(object)

    def reasons(self) -> list[str]:
        """Why each run diverged, in words (empty for runs that did not)."""
        return [
            _REASONS[r].format(escape=self.tol.escape, growth=self.tol.growth)
            for r in self.reason
        ]


def _validate_surface(surface: object) -> Surface:
    """Check that ``surface`` is a :class:`Surface`."""
    if not isinstance(surface, Surface):
        message = (
            "surface must be a Surface, for example get_surface('banana'), "
            f"got {surface!r}"
        )
        raise TypeError(message)
    return surface


def endpoints(
    surface: Surface,
    optimizer: Optimizer,
    starts: Any,
    steps: int = 100,
    *,
    escape: float = 100.0,
    growth: float = 1e6,
    gtol: float = 1e-5,
    xtol: float = 1e-7,
) -> Endpoints:
    """Run ``optimizer`` from every start and return only where each run ended.

    Takes the same arguments as :func:`descend` and applies the same guards,
    but stores no history, so a grid of many thousand starts stays small.

    Examples
    --------
    >>> from lossviz_widgets.engine import get_surface
    >>> from lossviz_widgets.engine.optimizers import GD
    >>> ends = endpoints(get_surface("himmelblau"), GD(lr=0.01),
    ...                  [[2.5, 2.5], [-2.5, 2.5]], steps=500)
    >>> ends.points.round(4).tolist()
    [[3.0, 2.0], [-2.8051, 3.1313]]
    >>> ends.status.tolist()
    ['converged', 'converged']
    """
    surface, optimizer = _validate_surface(surface), _validate_optimizer(optimizer)
    steps = _validate_steps(steps)
    points, _ = _validate_start(starts)
    tol = _tolerances(escape, growth, gtol, xtol)

    with np.errstate(all="ignore"):
        run = _Run(surface, optimizer, points, tol)
        for number in range(1, steps + 1):
            run.step(number)
    return Endpoints(
        points=run.points,
        values=run.values,
        grad_norms=_norm(run.grads),
        diverged_at=run.diverged_at,
        status=run.statuses(),
    )
