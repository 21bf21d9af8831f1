"""Running an optimizer across a surface: trajectories and their end points.

:func:`descend` records every step of one run, or of a batch of runs started
from many points at once; :func:`endpoints` runs the same loop but keeps only
where each run ended, which is what a basin map of thousands of starts needs.

A run that leaves the finite world stops cleanly: the first guard of
:class:`~lossviz_widgets.engine.guards.Guards` that a step trips marks the
run diverged at that step and holds it at its last good point, so what is
returned never holds NaN or infinity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lossviz_widgets.engine.guards import FINITE, OK, STATUSES, Guards, norm
from lossviz_widgets.engine.optimizers import Optimizer
from lossviz_widgets.engine.surface import Surface

__all__ = ["MAX_STEPS", "STATUSES", "Endpoints", "Trajectory", "descend", "endpoints"]

#: The most steps one call may take; a longer run is refused with a message.
MAX_STEPS = 100_000

# At most this many points go to one call of f when a history is evaluated.
_VALUE_BLOCK = 1 << 16


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

    @property
    def last_good_step(self) -> int:
        """The last step whose point is worth showing, for a single run.

        ``steps`` for a run that did not diverge, the step before
        ``diverged_at`` for one that did, and −1 when even the start was
        not finite.

        Examples
        --------
        >>> from lossviz_widgets.engine import descend, get_surface
        >>> from lossviz_widgets.engine.optimizers import GD
        >>> bowl = get_surface("convex_bowl")
        >>> descend(bowl, GD(lr=0.1), (1.0, 1.0), steps=5).last_good_step
        5
        >>> descend(bowl, GD(lr=3.0), (1.0, 1.0), steps=40).last_good_step
        8
        """
        if self.batched:
            message = "last_good_step belongs to a single run; index the batch first"
            raise TypeError(message)
        if self.diverged_at is None:
            return self.steps
        return self.diverged_at - 1

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


def _validate_surface(surface: object) -> Surface:
    """Check that ``surface`` is a :class:`Surface`."""
    if not isinstance(surface, Surface):
        message = (
            "surface must be a Surface, for example get_surface('banana'), "
            f"got {surface!r}"
        )
        raise TypeError(message)
    return surface


def _prepare(
    surface: object,
    optimizer: object,
    start: Any,
    steps: object,
    guards: dict[str, float],
) -> tuple[Surface, Optimizer, np.ndarray, bool, int, Guards]:
    """Validate the arguments shared by :func:`descend` and :func:`endpoints`."""
    return (
        _validate_surface(surface),
        _validate_optimizer(optimizer),
        *_validate_start(start),
        _validate_steps(steps),
        Guards(**guards),
    )


def descend(
    surface: Surface,
    optimizer: Optimizer,
    start: Any,
    steps: int = 100,
    **guards: float,
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
    **guards : float
        ``escape``, ``growth``, ``gtol`` and ``xtol``: when a run counts as
        diverged or converged (see :class:`~lossviz_widgets.engine.guards.Guards`).

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
    surface, optimizer, starts, single, steps, rules = _prepare(
        surface, optimizer, start, steps, guards
    )
    with np.errstate(all="ignore"):
        points, values, grads = _unguarded(surface, optimizer, starts, steps)
        codes = rules.check(surface, points, values, grads, values[0])
        # The start itself is only checked for being finite.
        codes[0] = np.where(codes[0] == FINITE, FINITE, OK)
        diverged_at, reason = _first_trips(codes)
        _hold(points, values, grads, diverged_at)

    grad_norms = norm(grads)
    step_sizes = norm(np.diff(points, axis=0))
    last_steps = step_sizes[-1] if steps else np.zeros(len(starts))
    status = tuple(
        rules.statuses(
            surface, diverged_at >= 0, grad_norms[-1], grad_norms[0], last_steps
        )
    )
    diverged = tuple(int(d) if d >= 0 else None for d in diverged_at)
    reasons = tuple(rules.reason(code) for code in reason)
    if single:
        return Trajectory(
            points[:, 0], values[:, 0], grad_norms[:, 0], step_sizes[:, 0],
            diverged[0], status[0], reasons[0],
        )  # fmt: skip
    return Trajectory(points, values, grad_norms, step_sizes, diverged, status, reasons)


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
    grad = surface.grad_at(point)
    state = optimizer.init(point)
    points[0], grads[0] = point, grad
    for number in range(1, steps + 1):
        hessian = surface.hessian_at(point) if optimizer.needs_hessian else None
        point, state = optimizer.update_unchecked(state, point, grad, hessian)
        grad = surface.grad_at(point)
        points[number], grads[number] = point, grad

    # No optimizer reads f, so it is evaluated over the whole history at
    # once rather than step by step, where a call costs far more than the
    # arithmetic on a few points; in blocks, so large batches stay small.
    rows = max(1, _VALUE_BLOCK // count)
    for begin in range(0, steps + 1, rows):
        values[begin : begin + rows] = surface.value_at(points[begin : begin + rows])
    return points, values, grads


def _first_trips(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return, per run, the first step that tripped a guard (−1) and its code."""
    tripped = codes != OK
    ever = tripped.any(axis=0)
    first = np.argmax(tripped, axis=0)
    columns = np.arange(codes.shape[1])
    return np.where(ever, first, -1), np.where(ever, codes[first, columns], OK)


def _hold(
    points: np.ndarray, values: np.ndarray, grads: np.ndarray, diverged_at: np.ndarray
) -> None:
    """Hold every diverged run at its last good point, in place."""
    for run in np.flatnonzero(diverged_at >= 0):
        step = int(diverged_at[run])
        last = max(step - 1, 0)
        points[step:, run] = points[last, run]
        values[step:, run] = values[last, run]
        grads[step:, run] = grads[last, run]
    values[~np.isfinite(values)] = 0.0
    grads[~np.isfinite(grads)] = 0.0


def endpoints(
    surface: Surface,
    optimizer: Optimizer,
    starts: Any,
    steps: int = 100,
    **guards: float,
) -> Endpoints:
    """Run ``optimizer`` from every start and return only where each run ended.

    Takes the same arguments as :func:`descend` and applies the same guards,
    step by step, but stores no history, so a grid of many thousand starts
    stays small.

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
    surface, optimizer, point, _, steps, rules = _prepare(
        surface, optimizer, starts, steps, guards
    )
    with np.errstate(all="ignore"):
        value, grad = surface.value_at(point), surface.grad_at(point)
        start_values, start_grad_norms = value.copy(), norm(grad)
        broken = rules.check(surface, point, value, grad, start_values) == FINITE
        diverged_at = np.where(broken, 0, -1)
        previous, state = point, optimizer.init(point)
        for number in range(1, steps + 1):
            hessian = surface.hessian_at(point) if optimizer.needs_hessian else None
            proposed, state = optimizer.update_unchecked(state, point, grad, hessian)
            new_value, new_grad = surface.value_at(proposed), surface.grad_at(proposed)
            tripped = rules.check(surface, proposed, new_value, new_grad, start_values)
            tripped = (diverged_at < 0) & (tripped != OK)
            previous = point
            if diverged_at.max() < 0 and not tripped.any():
                point, value, grad = proposed, new_value, new_grad
                continue
            diverged_at[tripped] = number
            moving = diverged_at < 0
            point = np.where(moving[:, None], proposed, point)
            value = np.where(moving, new_value, value)
            grad = np.where(moving[:, None], new_grad, grad)
        last_steps = norm(point - previous)
        value = np.where(np.isfinite(value), value, 0.0)
        grad = np.where(np.isfinite(grad), grad, 0.0)

    grad_norms = norm(grad)
    status = rules.statuses(
        surface, diverged_at >= 0, grad_norms, start_grad_norms, last_steps
    )
    return Endpoints(point, value, grad_norms, diverged_at, status)
