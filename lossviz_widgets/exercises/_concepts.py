"""What the concept exercises measure, and the contour map they draw on.

How far a surface rises above the chord between two points, how a run on a
quadratic behaves along its steepest direction, and in which well each of
many noisy runs settles: plain numpy, so that tests check them against known
values. :class:`ConceptMap` is a contour map that sends its clicks where an
exercise wants them and carries the exercise's own marks on top.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lossviz_widgets.engine import (
    CriticalPoint,
    Surface,
    Trajectory,
    descend,
    hessian_eigen,
    sharpness,
)
from lossviz_widgets.engine.optimizers import GD, Optimizer

__all__ = [
    "CROSSING_SHARE",
    "STEADY",
    "ChordGap",
    "WellCounts",
    "as_point",
    "chord_gap",
    "crossing_tolerance",
    "descent_behaviour",
    "float32",
    "quadratic_bowl",
    "send",
    "settle_in_wells",
    "well_starts",
]

#: A chord crosses a surface when the surface rises above it by more than
#: this share of the surface's range on its grid: smaller gaps are rounding,
#: or too thin to see on the picture.
CROSSING_SHARE = 1e-3

#: A run oscillates steadily when its distance from the minimum along the
#: steepest direction changes by less than this fraction over the second
#: half of the run: rounding changes it by about 1e-14, a learning rate
#: 0.01 % away from 2/λmax by about 1e-2 over a hundred steps.
STEADY = 1e-6

#: Steps of plain gradient descent that tell which well an end point lies in.
SETTLING_STEPS = 600


def float32(values: Any) -> np.ndarray:
    """Return values as a float32 array, what marks draw and send.

    Examples
    --------
    >>> float32([0.5, 1.0]).dtype
    dtype('float32')
    """
    return np.asarray(values, dtype=np.float32)


def send(widget: Any, **traits: Any) -> None:
    """Set several traits of a widget, sent to the browser in one message.

    Examples
    --------
    >>> import bqplot
    >>> line = bqplot.Lines(x=[0.0, 1.0], y=[0.0, 1.0])
    >>> send(line, x=float32([0.0, 2.0]), visible=False)
    >>> line.x.tolist(), line.visible
    ([0.0, 2.0], False)
    """
    with widget.hold_sync():
        for name, value in traits.items():
            setattr(widget, name, value)


def as_point(name: str, value: Any) -> np.ndarray:
    """Return ``value`` as a finite point ``(x, y)``, or raise ``ValueError``.

    Examples
    --------
    >>> as_point("start", (1, 2)).tolist()
    [1.0, 2.0]
    """
    try:
        point = np.array(value, dtype=float)
    except (TypeError, ValueError):
        point = np.empty(0)
    if point.shape != (2,) or not np.all(np.isfinite(point)):
        message = f"{name} must be a finite point (x, y), got {value!r}"
        raise ValueError(message)
    return point


@dataclass(frozen=True)
class ChordGap:
    """The surface along a segment against the chord joining its two ends.

    ``t (n,)`` runs from 0 at the first end to 1 at the other, ``points
    (n, 2)`` are the points of the segment, ``values (n,)`` the surface at
    them and ``chord (n,)`` the straight line between the end values.

    Examples
    --------
    >>> t = np.array([0.0, 0.5, 1.0])
    >>> cup = ChordGap(t, np.zeros((3, 2)), np.array([1.0, 0.0, 1.0]), np.ones(3))
    >>> cup.gap.tolist(), cup.max_gap
    ([0.0, -1.0, 0.0], 0.0)
    """

    t: np.ndarray
    points: np.ndarray
    values: np.ndarray
    chord: np.ndarray

    @property
    def gap(self) -> np.ndarray:
        """The surface minus the chord: positive where the chord lies below."""
        return self.values - self.chord

    @property
    def max_gap(self) -> float:
        """The largest gap, 0 or more (the gap is 0 at both ends)."""
        return float(self.gap.max())


def chord_gap(surface: Surface, a: Any, b: Any, samples: int = 161) -> ChordGap:
    """Sample a surface along the segment from ``a`` to ``b`` against its chord.

    ``samples`` points, at least 2, are taken evenly, both ends included.

    Examples
    --------
    >>> from lossviz_widgets.engine import get_surface
    >>> hill = get_surface("himmelblau")  # f(0, 0) = 170 above a chord of 77.8
    >>> chord = chord_gap(hill, (-2.5, 0.0), (2.5, 0.0), samples=3)
    >>> chord.values.tolist(), chord.gap.tolist()
    ([112.8125, 170.0, 42.8125], [0.0, 92.1875, 0.0])
    """
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 2:
        message = f"samples must be a whole number >= 2, got {samples!r}"
        raise ValueError(message)
    start, end = as_point("a", a), as_point("b", b)
    t = np.linspace(0.0, 1.0, samples)
    points = start + t[:, np.newaxis] * (end - start)
    values = surface.value_at(points)
    chord = (1 - t) * values[0] + t * values[-1]
    return ChordGap(t, points, values, chord)


def crossing_tolerance(values: Any) -> float:
    """Return the gap above which a chord crosses: a share of the range of values.

    Examples
    --------
    >>> crossing_tolerance([[0.0, 2.0], [np.nan, 500.0]])
    0.5
    """
    array = np.asarray(values, dtype=float)
    finite = array[np.isfinite(array)]
    spread = float(finite.max() - finite.min()) if finite.size else 0.0
    return CROSSING_SHARE * spread if spread > 0 else CROSSING_SHARE


def quadratic_bowl(first: float, second: float) -> Surface:
    """Return ``(λ₁x² + λ₂y²)/2``: Hessian eigenvalues ``λ₁`` along x, ``λ₂`` along y.

    Examples
    --------
    >>> bowl = quadratic_bowl(1.0, 10.0)
    >>> float(bowl(1.0, 1.0)), bowl.hessian(0.5, 2.0).tolist()
    (5.5, [[1.0, 0.0], [0.0, 10.0]])
    """
    for name, value in (("first", first), ("second", second)):
        if not (isinstance(value, (int, float)) and np.isfinite(value) and value > 0):
            message = f"eigenvalue {name} must be a positive number, got {value!r}"
            raise ValueError(message)
    low, high = float(first), float(second)

    def value(x: np.ndarray, y: np.ndarray, _: Any) -> np.ndarray:
        # A diverging run visits huge points on purpose and reads the inf.
        with np.errstate(over="ignore", invalid="ignore"):
            return (low * x**2 + high * y**2) / 2

    return Surface(
        "quadratic",
        value,
        lambda x, y, _: (low * x, high * y),
        lambda x, y, _: (low, 0.0, high),
        domain=((-3.0, 3.0), (-3.0, 3.0)),
        critical_points=[CriticalPoint(0.0, 0.0, 0.0, "minimum")],
        title=f"Quadratic bowl, λ₁ = {low:.3g}, λ₂ = {high:.3g}",
        formula="(λ₁x² + λ₂y²)/2",
        description="A bowl whose curvature is λ₁ along x and λ₂ along y.",
        convex=True,
    )


def descent_behaviour(trajectory: Trajectory, hessian: Any, minimum: Any) -> str:
    """Say whether a run on a quadratic converges, oscillates or diverges.

    The run is followed along the eigenvector of the largest eigenvalue,
    where gradient descent multiplies the distance to the minimum by
    ``1 − lr·λmax`` at every step: the distance shrinks, holds (within
    :data:`STEADY`) or grows from the middle of the run to its end. The
    ``trajectory`` is a single run, ``hessian`` the ``(2, 2)`` Hessian of the
    quadratic and ``minimum`` where its minimum lies.

    Examples
    --------
    >>> from lossviz_widgets.engine import descend
    >>> bowl = quadratic_bowl(1.0, 10.0)
    >>> runs = [descend(bowl, GD(lr=lr), (-2.5, 2.0), 200) for lr in (0.19, 0.2, 0.21)]
    >>> [descent_behaviour(run, bowl.hessian(0, 0), (0, 0)) for run in runs]
    ['converges', 'oscillates', 'diverges']
    """
    if trajectory.status == "diverged":
        return "diverges"
    if trajectory.status == "converged":
        return "converges"
    offsets = trajectory.points - as_point("minimum", minimum)
    steep = hessian_eigen(hessian)[1][:, 1]
    along = np.abs(offsets @ steep)
    middle = trajectory.steps // 2
    if middle < 1 or along[middle] == 0:
        # Nothing moves along the steepest direction: follow the distance.
        along = np.hypot(offsets[:, 0], offsets[:, 1])
    if along[middle] == 0:
        return "converges"
    change = along[-1] / along[middle] - 1
    if change < -STEADY:
        return "converges"
    return "diverges" if change > STEADY else "oscillates"


@dataclass(frozen=True)
class WellCounts:
    """Where runs ended and which well each settles in.

    ``ends (N, 2)`` are the end points of the runs and ``labels (N,)`` say
    ``"sharp"``, ``"flat"`` or ``"elsewhere"`` for each.

    Examples
    --------
    >>> counts = WellCounts(np.zeros((3, 2)), np.array(["flat", "sharp", "flat"]))
    >>> counts.count("sharp"), round(counts.flat_share, 3)
    (1, 0.667)
    """

    ends: np.ndarray
    labels: np.ndarray

    def count(self, label: str) -> int:
        """Return how many runs carry ``label``."""
        return int(np.count_nonzero(self.labels == label))

    @property
    def flat_share(self) -> float:
        """The share of runs that settle in the flat well."""
        return self.count("flat") / len(self.labels)


def _wells(surface: Surface) -> tuple[CriticalPoint, CriticalPoint]:
    """Return the sharpest and the flattest minimum of a surface, or raise."""
    minima = [p for p in surface.critical_points if p.kind == "minimum"]
    if len(minima) < 2:
        message = f"the surface needs two known minima, {surface.name!r} has {minima}"
        raise ValueError(message)
    curvature = [sharpness(surface.hessian(p.x, p.y)) for p in minima]
    return minima[int(np.argmax(curvature))], minima[int(np.argmin(curvature))]


def well_starts(surface: Surface, count: int, seed: int) -> np.ndarray:
    """Return ``count`` starts, alternately around the sharp and the flat minimum.

    Each start lies a normal draw from its minimum, with a spread of half the
    width ``1/√λmax`` of the well there, so that without noise half the runs
    stay in each well.

    Examples
    --------
    >>> from lossviz_widgets.engine import get_surface
    >>> starts = well_starts(get_surface("sharp_flat"), 6, seed=0)
    >>> starts.shape, bool((starts[::2, 0] < 0).all() and (starts[1::2, 0] > 0).all())
    ((6, 2), True)
    """
    wells = _wells(surface)
    centres = np.array([[p.x, p.y] for p in wells])
    widths = 1 / np.sqrt([sharpness(surface.hessian(p.x, p.y)) for p in wells])
    which = np.arange(count) % 2
    draws = np.random.default_rng(seed).standard_normal((count, 2))
    starts = centres[which] + 0.5 * widths[which, np.newaxis] * draws
    return np.column_stack(surface.domain.clip(starts[:, 0], starts[:, 1]))


def settle_in_wells(
    surface: Surface, optimizer: Optimizer, starts: Any, steps: int
) -> WellCounts:
    """Run every start at once, then tell in which well each run ended.

    An end point belongs to the well that plain gradient descent (with the
    step ``1/λmax`` of the sharp well, stable in both) carries it to within
    half the distance between the minima; a run that diverged or stopped
    farther from both is ``"elsewhere"``.

    Examples
    --------
    >>> from lossviz_widgets.engine import get_surface
    >>> wells = get_surface("sharp_flat")
    >>> counts = settle_in_wells(wells, GD(lr=0.05), well_starts(wells, 4, 0), 100)
    >>> counts.labels.tolist(), counts.flat_share
    (['sharp', 'flat', 'sharp', 'flat'], 0.5)
    """
    sharp, flat = _wells(surface)
    run = descend(surface, optimizer, starts, steps)
    ends = run.points[-1]
    settling = GD(lr=1 / sharpness(surface.hessian(sharp.x, sharp.y)))
    settled = descend(surface, settling, ends, SETTLING_STEPS).points[-1]

    centres = np.array([[sharp.x, sharp.y], [flat.x, flat.y]])
    distance = np.linalg.norm(settled[:, np.newaxis] - centres, axis=-1)
    reach = np.linalg.norm(centres[0] - centres[1]) / 2
    nearest = np.argmin(distance, axis=1)
    labels = np.where(nearest == 0, "sharp", "flat").astype(object)
    labels[distance.min(axis=1) > reach] = "elsewhere"
    labels[np.array(run.status) == "diverged"] = "elsewhere"
    return WellCounts(ends, labels)
