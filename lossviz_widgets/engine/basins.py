"""Basins of attraction: which minimum an optimizer reaches from each start.

:func:`basins` runs one optimizer from every point of a grid at once and
colours each start by where its run ended: the index of the minimum it
reached, :data:`DIVERGED`, or :data:`UNSETTLED` when the run ended away from
every minimum (still moving, stuck on a plateau or at a saddle).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lossviz_widgets.engine.critical import critical_points
from lossviz_widgets.engine.fields import _resolution
from lossviz_widgets.engine.optimizers import Optimizer
from lossviz_widgets.engine.surface import CriticalPoint, Domain, Surface
from lossviz_widgets.engine.trajectory import endpoints

__all__ = ["DIVERGED", "UNSETTLED", "BasinMap", "basins"]

#: Label of a start whose run diverged.
DIVERGED = -1

#: Label of a start whose run ended away from every minimum.
UNSETTLED = -2

_RING = 16  # directions probed around a degenerate point


@dataclass(frozen=True)
class BasinMap:
    """Labels of a grid of starts by the minimum each run reached.

    ``x (nx,)`` and ``y (ny,)`` are the start coordinates; ``labels (ny, nx)``
    holds, for the start ``(x[j], y[i])`` at ``[i, j]``, an index into
    ``minima``, :data:`DIVERGED` or :data:`UNSETTLED`.

    Examples
    --------
    >>> bottom = CriticalPoint(0.0, 0.0, 0.0, "minimum")
    >>> x, y = np.array([-1.0, 0.0, 1.0]), np.array([0.0])
    >>> BasinMap(x, y, np.array([[0, 0, DIVERGED]]), (bottom,)).counts()
    {0: 2, -1: 1, -2: 0}

    """

    x: np.ndarray
    y: np.ndarray
    labels: np.ndarray
    minima: tuple[CriticalPoint, ...]

    def counts(self) -> dict[int, int]:
        """Count the starts of each label: every minimum, then DIVERGED, UNSETTLED.

        Returns
        -------
        dict of int to int
            Labels with no start count 0; the counts add up to ``labels.size``.

        """
        shifted = self.labels.ravel() - UNSETTLED
        found = np.bincount(shifted, minlength=len(self.minima) - UNSETTLED)
        wanted = [*range(len(self.minima)), DIVERGED, UNSETTLED]
        return {label: int(found[label - UNSETTLED]) for label in wanted}


def _rises_around(surface: Surface, point: CriticalPoint, radius: float) -> bool:
    """Tell whether no value on a ring around ``point`` is lower, and some higher."""
    angles = np.linspace(0, 2 * np.pi, _RING, endpoint=False)
    with np.errstate(all="ignore"):
        ring = surface.value(
            point.x + radius * np.cos(angles), point.y + radius * np.sin(angles)
        )
    slack = 1e-9 * (1 + abs(point.value))
    finite = np.all(np.isfinite(ring))
    return bool(
        finite
        and ring.min() >= point.value - slack
        and ring.max() > point.value + slack
    )


def _minima(surface: Surface, capture: float) -> tuple[list[CriticalPoint], np.ndarray]:
    """Return the minima to label by and the capture radius of each.

    Isolated minima come first, each with radius ``capture`` spans; then the
    degenerate points around which the surface rises, with a radius of at
    least the distance to the nearest other such point, so that samples of a
    curve of minima cover the whole curve.
    """
    span = surface.domain.span
    found = critical_points(surface)
    isolated = [p for p in found if p.kind == "minimum"]
    floor = [
        p
        for p in found
        if p.kind == "degenerate" and _rises_around(surface, p, capture * span / 2)
    ]
    radii = np.full(len(isolated) + len(floor), capture * span)
    if len(floor) > 1:
        spots = np.array([(p.x, p.y) for p in floor])
        gaps = np.linalg.norm(spots[:, None] - spots[None], axis=-1)
        np.fill_diagonal(gaps, np.inf)
        radii[len(isolated) :] = np.maximum(capture * span, gaps.min(axis=1))
    return isolated + floor, radii


def basins(
    surface: Surface,
    optimizer: Optimizer,
    *,
    resolution: int | tuple[int, int] = 100,
    steps: int = 500,
    domain: Any = None,
    capture: float = 0.02,
) -> BasinMap:
    """Run an optimizer from every start of a grid and label each by its minimum.

    All starts run together through
    :func:`~lossviz_widgets.engine.trajectory.endpoints`. The minima are the
    ones :func:`~lossviz_widgets.engine.critical.critical_points` finds in the
    domain. A run that did not diverge is labelled by the nearest minimum if
    it ended within that minimum's capture radius, ``capture`` domain spans;
    a run still creeping toward a minimum but already inside that radius
    counts as having reached it. Every other run is :data:`UNSETTLED`.

    Where minima are not isolated, as along the valley ``w₁ w₂ = 1`` of a
    two-weight linear network, the degenerate critical points sampling the
    valley serve as minima, provided the surface rises around them (no value
    lower and some higher on a ring of radius ``capture / 2`` spans). Their
    capture radius grows to the distance between neighbouring samples, so a
    run ending anywhere on the valley floor is labelled by the nearest
    sample: the basin map then shows where on the valley each run lands.

    Parameters
    ----------
    surface : Surface
        The loss to minimise.
    optimizer : Optimizer
        For example ``GD(lr=0.01)``.
    resolution : int or (int, int)
        Starts per axis, or ``(nx, ny)``; each in [2, 500].
    steps : int
        Optimizer steps from each start.
    domain : Domain or sequence, optional
        The rectangle of starts, and of the search for minima; the surface's
        own domain by default.
    capture : float
        Capture radius as a fraction of the domain's span, in (0, 0.5].

    Returns
    -------
    BasinMap

    Examples
    --------
    >>> from lossviz_widgets.engine.optimizers import GD
    >>> double_well = Surface.from_function(
    ...     lambda x, y: (x**2 - 1) ** 2 + y**2,
    ...     lambda x, y: (4 * x * (x**2 - 1), 2 * y),
    ...     domain=[-2, 2, -1, 1],
    ... )
    >>> basin_map = basins(double_well, GD(lr=0.05), resolution=(4, 2), steps=200)
    >>> [(p.x, p.y) for p in basin_map.minima]
    [(-1.0, 0.0), (1.0, 0.0)]
    >>> basin_map.labels.tolist()
    [[0, 0, 1, 1], [0, 0, 1, 1]]
    >>> basins(double_well, GD(lr=0.5), resolution=(4, 2), steps=200).counts()
    {0: 0, 1: 0, -1: 4, -2: 4}

    """
    if not (isinstance(capture, (int, float)) and 0 < capture <= 0.5):
        message = f"capture must be a fraction of the span in (0, 0.5], got {capture!r}"
        raise ValueError(message)
    nx, ny = _resolution(resolution, 2, 500)
    if domain is not None:
        surface = surface.with_domain(Domain.coerce(domain))
    box = surface.domain
    x = np.linspace(box.x_min, box.x_max, nx)
    y = np.linspace(box.y_min, box.y_max, ny)
    starts = np.stack(np.meshgrid(x, y), axis=-1).reshape(-1, 2)

    ends = endpoints(surface, optimizer, starts, steps)
    minima, radii = _minima(surface, capture)
    labels = np.full(len(starts), UNSETTLED)
    if minima:
        centres = np.array([(p.x, p.y) for p in minima])
        distances = np.linalg.norm(ends.points[:, None] - centres[None], axis=-1)
        nearest = np.argmin(distances, axis=1)
        reached = distances[np.arange(len(starts)), nearest] <= radii[nearest]
        labels[reached] = nearest[reached]
    labels[ends.status == "diverged"] = DIVERGED
    return BasinMap(x, y, labels.reshape(ny, nx), tuple(minima))
