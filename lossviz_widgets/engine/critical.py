"""Finding every critical point of a surface in its domain, and naming its kind.

:func:`critical_points` starts Newton's method on the gradient from a grid of
seeds (plus the critical points the surface already knows), keeps the seeds
that converge inside the domain, merges those that found the same point and
classifies each with the second-derivative test of
:mod:`~lossviz_widgets.engine.curvature`.

Newton's step solves ``H δ = −∇f``. It is limited to a quarter of the
domain's span and shortened by halving until the gradient norm falls, so a
seed near an inflection, where ``H`` is almost singular, cannot be thrown
across the plane. Directions of zero curvature are left out of the step
(a pseudo-inverse), which lets seeds settle onto curves of critical points,
such as the valley ``w₁ w₂ = 1`` of a two-weight linear network, instead of
sliding along them.
"""

from __future__ import annotations

import math

import numpy as np

from lossviz_widgets.engine.curvature import classify_hessian, hessian_eigen
from lossviz_widgets.engine.surface import POINT_KINDS, CriticalPoint, Surface

__all__ = ["critical_points"]

_MAX_ITERATIONS = 100
_MAX_STEP = 0.25  # of the domain's span
_HALVINGS = 6  # a step may be shortened to 1/64 of Newton's
_RCOND = 1e-10  # eigenvalues below this fraction of the largest are dropped
_MERGE = 1e-5  # of the span: seeds closer than this found the same point
_SPACING = 0.05  # of the span: the closest two degenerate points may lie
_ESCAPE = 2.0  # spans from the centre, beyond which a seed is abandoned
_UNCERTAIN = 4.0  # × the next Newton step: how far the true point may lie


def _validate(seeds: object, tol: object, max_degenerate: object) -> None:
    """Refuse a seed count, tolerance or cap that makes no sense."""
    if isinstance(seeds, bool) or not isinstance(seeds, (int, np.integer)):
        message = f"seeds must be a whole number of seeds per axis, got {seeds!r}"
        raise TypeError(message)
    if not 2 <= seeds <= 100:
        message = (
            f"seeds must lie in [2, 100] per axis (a grid of seeds × seeds "
            f"Newton runs), got {seeds}"
        )
        raise ValueError(message)
    if not isinstance(tol, (int, float, np.floating)) or not 0 < tol <= 1e-3:
        message = f"tol must be a number in (0, 1e-3], got {tol!r}"
        raise ValueError(message)
    if (
        isinstance(max_degenerate, bool)
        or not isinstance(max_degenerate, (int, np.integer))
        or max_degenerate < 1
    ):
        message = f"max_degenerate must be a whole number >= 1, got {max_degenerate!r}"
        raise ValueError(message)


def _seed_points(surface: Surface, seeds: int) -> np.ndarray:
    """Return the centres of a ``seeds × seeds`` grid, then the known points."""
    domain = surface.domain
    fractions = (np.arange(seeds) + 0.5) / seeds
    xs = domain.x_min + fractions * (domain.x_max - domain.x_min)
    ys = domain.y_min + fractions * (domain.y_max - domain.y_min)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    return np.concatenate([grid, _known_points(surface)])


def _known_points(surface: Surface) -> np.ndarray:
    """Return the surface's known critical points as an ``(n, 2)`` array."""
    known = [(p.x, p.y) for p in surface.critical_points]
    return np.array(known, dtype=float).reshape(-1, 2)


def _norms(vectors: np.ndarray) -> np.ndarray:
    """Return Euclidean norms along the last axis, ``inf`` where not finite."""
    norms = np.linalg.norm(vectors, axis=-1)
    return np.where(np.isfinite(norms), norms, np.inf)


def _newton_step(hessian: np.ndarray, grad: np.ndarray) -> np.ndarray:
    """Solve ``H δ = −g`` by pseudo-inverse, shapes ``(n, 2, 2)``, ``(n, 2)``."""
    eigenvalues, vectors = hessian_eigen(hessian)
    largest = np.max(np.abs(eigenvalues), axis=-1, keepdims=True)
    kept = np.abs(eigenvalues) > _RCOND * largest
    inverse = np.where(kept, 1 / np.where(kept, eigenvalues, 1.0), 0.0)
    along = np.einsum("nij,ni->nj", vectors, grad) * inverse
    return -np.einsum("nij,nj->ni", vectors, along)


def _line_search(
    surface: Surface, points: np.ndarray, grads: np.ndarray, steps: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Take the longest of ``steps × 2⁻ᵏ`` that lowers ``|∇f|``, point by point.

    Returns the new points, their gradients and whether any length worked.
    """
    factors = 0.5 ** np.arange(_HALVINGS + 1)
    trials = points + factors[:, None, None] * steps  # (k, n, 2)
    trial_grads = surface.grad_at(trials)
    now = _norms(grads)
    better = _norms(trial_grads) <= (1 - 1e-4 * factors[:, None]) * now
    first = np.argmax(better, axis=0)
    each = np.arange(len(points))
    return trials[first, each], trial_grads[first, each], better[first, each]


def _newton(
    surface: Surface, points: np.ndarray, gtol: float, xtol: float
) -> tuple[np.ndarray, np.ndarray]:
    """Run damped Newton from every point; return the final points and which settled.

    A point has settled when its gradient norm is at most ``gtol`` and its
    Newton step at most ``xtol`` long.
    """
    domain = surface.domain
    center, reach = np.array(domain.center), _ESCAPE * domain.span
    grads = surface.grad_at(points).copy()
    active = np.isfinite(_norms(grads))
    done = np.zeros(len(points), dtype=bool)

    for _ in range(_MAX_ITERATIONS):
        index = np.flatnonzero(active)
        if index.size == 0:
            break
        here, grad = points[index], grads[index]
        steps = _newton_step(surface.hessian_at(here), grad)
        lengths = _norms(steps)
        limit = _MAX_STEP * domain.span
        steps *= np.minimum(1.0, limit / np.maximum(lengths, limit))[:, None]

        settled = (_norms(grad) <= gtol) & (lengths <= xtol)
        moved, new_grads, found = _line_search(surface, here, grad, steps)
        points[index] = np.where(found[:, None], moved, here)
        grads[index] = np.where(found[:, None], new_grads, grad)

        far = np.max(np.abs(points[index] - center), axis=-1) > reach
        active[index] = ~(settled | ~found | far)
        done[index] = settled
    return points, done


def _merge(points: np.ndarray, order: np.ndarray, radius: float) -> np.ndarray:
    """Pick points in ``order``, skipping any within ``radius`` of one picked.

    Picked points are filed in square cells of side ``radius``, so each new
    point is compared only with those in its own and the eight next cells.
    """
    cells = np.floor(points / radius).astype(np.int64).tolist()
    coordinates = points.tolist()
    filed: dict[tuple[int, int], list[int]] = {}
    kept = []
    for i in order.tolist():
        (cx, cy), (x, y) = cells[i], coordinates[i]
        near = (
            j
            for dx in (-1, 0, 1)
            for dy in (-1, 0, 1)
            for j in filed.get((cx + dx, cy + dy), ())
        )
        if any(
            math.hypot(coordinates[j][0] - x, coordinates[j][1] - y) <= radius
            for j in near
        ):
            continue
        kept.append(i)
        filed.setdefault((cx, cy), []).append(i)
    return np.array(kept, dtype=int)


def _thin(
    points: np.ndarray, spacing: float, cap: int, first: np.ndarray
) -> np.ndarray:
    """Pick at most ``cap`` points at least ``spacing`` apart, evenly spread.

    Points marked ``first`` are picked before the others; the spacing grows
    by half again until the cap is met.
    """
    order = np.lexsort((points[:, 1], points[:, 0], ~first))
    kept = _merge(points, order, spacing)
    while len(kept) > cap:
        spacing *= 1.5
        kept = _merge(points, order, spacing)
    return kept


def _inside(surface: Surface, points: np.ndarray) -> np.ndarray:
    """Tell which points lie in the domain, allowing for rounding at its edges."""
    domain = surface.domain
    slack = 1e-9 * domain.span
    x, y = points[:, 0], points[:, 1]
    inside_x = (x >= domain.x_min - slack) & (x <= domain.x_max + slack)
    return inside_x & (y >= domain.y_min - slack) & (y <= domain.y_max + slack)


def _hessian_change(
    surface: Surface, points: np.ndarray, hessians: np.ndarray, reach: np.ndarray
) -> np.ndarray:
    """Return how much the Hessian changes within ``reach`` of each point.

    The change is the spectral norm of ``H(p + δ) − H(p)``, largest over
    four steps ``δ`` along the axes; NaN nearby counts as no change.
    """
    axes = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0]])
    nearby = surface.hessian_at(points[:, None] + reach[:, None, None] * axes)
    eigenvalues, _ = hessian_eigen(nearby - hessians[:, None])
    change = np.max(np.abs(eigenvalues), axis=-1)
    return np.where(np.isfinite(change), change, 0.0).max(axis=-1, initial=0.0)


def _gradient_scale(grads: np.ndarray) -> float:
    """Return the median gradient norm over the seeds (1 if zero or undefined)."""
    norms = _norms(grads)
    norms = norms[np.isfinite(norms)]
    scale = float(np.median(norms)) if norms.size else 0.0
    return scale if scale > 0 else 1.0


def critical_points(
    surface: Surface,
    *,
    seeds: int = 24,
    tol: float = 1e-9,
    max_degenerate: int = 24,
) -> tuple[CriticalPoint, ...]:
    """Find and classify the critical points of a surface inside its domain.

    Newton's method runs from a ``seeds × seeds`` grid of cell centres and
    from the surface's known critical points. A seed has converged when its
    gradient norm is at most ``tol`` times the median gradient norm over the
    seeds and its last Newton step was shorter than ``tol`` domain spans.
    Converged points within ``1e-5`` spans of each other are merged, and
    each is classified by :func:`~lossviz_widgets.engine.curvature.classify_hessian`.
    An eigenvalue also counts as zero when it is smaller than the change of
    the Hessian within four Newton steps of the point, the distance by which
    the point found may miss the true one: a Hessian that vanishes at a
    critical point, as in the monkey saddle ``x³ − 3xy²``, is then called
    degenerate although the point is only found to within the tolerance.

    Where critical points are not isolated, on a curve such as the valley
    ``w₁ w₂ = 1`` of ``(w₁ w₂ − 1)²`` or across a flat plateau, every seed
    finds a different one. Degenerate points are therefore thinned to lie at
    least ``0.05`` spans apart, the spacing growing until at most
    ``max_degenerate`` remain: the result samples the continuum evenly rather
    than listing it, keeping the surface's known critical points among the
    samples. Isolated points are never thinned. A point the seeds
    never reach, e.g. one with a tiny basin of Newton attraction between
    seeds, can be missed; more seeds make that rarer.

    Parameters
    ----------
    surface : Surface
        The surface to search, over its ``domain``.
    seeds : int
        Seeds per axis, in [2, 100].
    tol : float
        Relative convergence tolerance, in (0, 1e-3].
    max_degenerate : int
        The most degenerate points returned, at least 1.

    Returns
    -------
    tuple of CriticalPoint
        Sorted by kind (minima, maxima, saddles, degenerate points), then by
        value, then by ``x`` and ``y``.

    Examples
    --------
    >>> himmelblau = Surface(
    ...     "himmelblau",
    ...     lambda x, y, p: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
    ...     lambda x, y, p: (
    ...         4 * x * (x**2 + y - 11) + 2 * (x + y**2 - 7),
    ...         2 * (x**2 + y - 11) + 4 * y * (x + y**2 - 7),
    ...     ),
    ...     lambda x, y, p: (
    ...         12 * x**2 + 4 * y - 42, 4 * (x + y), 12 * y**2 + 4 * x - 26
    ...     ),
    ...     domain=((-5, 5), (-5, 5)),
    ... )
    >>> found = critical_points(himmelblau)
    >>> [p.kind for p in found].count("minimum"), len(found)
    (4, 9)
    >>> top = found[4]
    >>> top.kind, round(top.x, 6), round(top.y, 6), round(top.value, 4)
    ('maximum', -0.270845, -0.923039, 181.6165)

    """
    _validate(seeds, tol, max_degenerate)
    span = surface.domain.span
    with np.errstate(all="ignore"):
        points = _search(surface, _seed_points(surface, seeds), tol)
        points, values, kinds = _classify(surface, points)

    known = _known_points(surface)
    gaps = np.linalg.norm(points[:, None] - known[None], axis=-1)
    near_known = np.any(gaps <= _MERGE * span, axis=-1)
    degenerate = np.flatnonzero(kinds == "degenerate")
    picked = _thin(
        points[degenerate], _SPACING * span, max_degenerate, near_known[degenerate]
    )
    keep = np.concatenate([np.flatnonzero(kinds != "degenerate"), degenerate[picked]])
    found = [
        CriticalPoint(points[i, 0], points[i, 1], values[i], str(kinds[i]))
        for i in keep
    ]
    return tuple(sorted(found, key=_sort_key))


def _search(surface: Surface, starts: np.ndarray, tol: float) -> np.ndarray:
    """Run Newton from ``starts`` and return the distinct points that settled."""
    span = surface.domain.span
    gtol = tol * _gradient_scale(surface.grad_at(starts))
    points, settled = _newton(surface, starts.copy(), gtol, tol * span)
    points = points[settled & _inside(surface, points)]
    order = np.argsort(_norms(surface.grad_at(points)), kind="stable")
    return points[_merge(points, order, _MERGE * span)]


def _classify(
    surface: Surface, points: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the points with finite value and Hessian, their values and kinds.

    An eigenvalue counts as zero when the Hessian changes by more than it
    within a few Newton steps of the point, where the true critical point
    may lie.
    """
    grads, hessians = surface.grad_at(points), surface.hessian_at(points)
    values = surface.value_at(points)
    finite = np.all(np.isfinite(hessians), axis=(-2, -1)) & np.isfinite(values)
    points, values = points[finite], values[finite]
    grads, hessians = grads[finite], hessians[finite]
    reach = _UNCERTAIN * _norms(_newton_step(hessians, grads))
    reach = np.where(np.isfinite(reach), reach, 0.0)
    floors = _hessian_change(surface, points, hessians, reach)
    kinds = classify_hessian(hessians, atol=floors)
    return points, values, np.asarray(kinds, dtype=str).reshape(-1)


def _sort_key(point: CriticalPoint) -> tuple[int, float, float, float]:
    """Order by kind, then value to 9 digits (past rounding noise), then x, y."""
    return (
        POINT_KINDS.index(point.kind),
        float(f"{point.value:.9g}"),
        point.x,
        point.y,
    )
