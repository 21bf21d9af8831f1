"""Measure the engine: grids, batched optimizers, basin maps, critical points.

Run with ``python benchmarks/engine.py`` (or ``make bench``). Times are the
median of several repeats on this machine; the batch-against-loop figure is a
ratio measured in the same run, so it holds across machines.

Targets: the vectorised batch at least 50× faster than a Python loop, a
200 × 200 basin map under 2 s, ``critical_points`` on Himmelblau under 0.5 s.
"""

from __future__ import annotations

import math
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

from lossviz_widgets.engine import (
    basins,
    critical_points,
    descend,
    endpoints,
    evaluate_grid,
    get_surface,
)
from lossviz_widgets.engine.optimizers import GD, Adam

ADAM_STARTS = 10_000
ADAM_STEPS = 1_000
LOOP_SAMPLE = 200


def timed(work: Callable[[], object], repeats: int = 5) -> float:
    """Median wall time of ``work()`` in seconds."""
    times = []
    for _ in range(repeats):
        begin = time.perf_counter()
        work()
        times.append(time.perf_counter() - begin)
    return statistics.median(times)


def grid_evaluation() -> None:
    """Value, gradient and Hessian on a grid, for a few surfaces."""
    print("grid evaluation with gradient and Hessian (median ms)")
    print(f"  {'surface':<20}{'100²':>10}{'200²':>10}{'400²':>10}")
    for name in ("convex_bowl", "himmelblau", "rosenbrock", "waves", "ackley"):
        surface = get_surface(name)
        row = []
        for n in (100, 200, 400):
            grid = evaluate_grid(surface, n)
            X, Y = np.meshgrid(grid.x, grid.y)

            def work(surface=surface, X=X, Y=Y) -> None:
                surface.value(X, Y)
                surface.grad(X, Y)
                surface.hessian(X, Y)

            row.append(timed(work) * 1e3)
        print(f"  {name:<20}" + "".join(f"{ms:>10.2f}" for ms in row))


def scalar_adam(x: float, y: float, steps: int) -> tuple[float, float]:
    """Adam on Himmelblau written as a plain Python loop over floats."""
    lr, beta1, beta2, eps = 0.05, 0.9, 0.999, 1e-8
    m = [0.0, 0.0]
    v = [0.0, 0.0]
    point = [x, y]
    for t in range(1, steps + 1):
        a = point[0] ** 2 + point[1] - 11
        b = point[0] + point[1] ** 2 - 7
        grad = (4 * point[0] * a + 2 * b, 2 * a + 4 * point[1] * b)
        for i in range(2):
            m[i] = beta1 * m[i] + (1 - beta1) * grad[i]
            v[i] = beta2 * v[i] + (1 - beta2) * grad[i] ** 2
            m_hat = m[i] / (1 - beta1**t)
            v_hat = v[i] / (1 - beta2**t)
            point[i] -= lr * m_hat / (math.sqrt(v_hat) + eps)
    return point[0], point[1]


def batch_against_loop() -> None:
    """Adam from 10,000 starts at once against the same work start by start."""
    surface = get_surface("himmelblau")
    rng = np.random.default_rng(0)
    starts = rng.uniform(-5, 5, size=(ADAM_STARTS, 2))
    adam = Adam(lr=0.05)

    batch = timed(lambda: endpoints(surface, adam, starts, ADAM_STEPS), repeats=3)
    history = timed(lambda: descend(surface, adam, starts, ADAM_STEPS), repeats=1)

    sample = starts[:LOOP_SAMPLE]
    plain = timed(lambda: [scalar_adam(x, y, ADAM_STEPS) for x, y in sample], 1)
    plain *= ADAM_STARTS / LOOP_SAMPLE
    single = timed(
        lambda: [descend(surface, adam, s, ADAM_STEPS) for s in sample[:20]], 1
    )
    single *= ADAM_STARTS / 20

    # The two loops must agree with the batch, or the comparison means nothing.
    ends = endpoints(surface, adam, sample, ADAM_STEPS).points
    loop_ends = np.array([scalar_adam(x, y, ADAM_STEPS) for x, y in sample[:20]])
    agreement = np.abs(ends[:20] - loop_ends).max()

    print(f"\nAdam, {ADAM_STARTS:,} starts × {ADAM_STEPS:,} steps on Himmelblau")
    print(f"  vectorised, end points only      {batch:8.2f} s")
    print(f"  vectorised, full history         {history:8.2f} s")
    print(
        f"  plain Python loop over floats    {plain:8.2f} s"
        f"  (extrapolated from {LOOP_SAMPLE} starts)"
    )
    print(f"  descend() one start at a time    {single:8.2f} s  (from 20 starts)")
    print(f"  speed-up over the Python loop    {plain / batch:8.1f}×  (target ≥ 50×)")
    print(f"  speed-up over one-at-a-time      {single / batch:8.1f}×")
    print(f"  largest difference batch vs loop {agreement:.2e}")


def basin_map() -> None:
    """A 200 × 200 basin map of gradient descent on Himmelblau."""
    surface = get_surface("himmelblau")
    seconds = timed(lambda: basins(surface, GD(lr=0.01), resolution=200, steps=300), 3)
    result = basins(surface, GD(lr=0.01), resolution=200, steps=300)
    counts = np.bincount(result.labels.ravel() + 2)
    print("\nbasins of attraction, 200 × 200 starts, GD lr=0.01, 300 steps")
    print(f"  time                             {seconds:8.3f} s  (target < 2 s)")
    print(f"  minima found                     {len(result.minima):8d}")
    print(f"  starts per label (unsettled, diverged, minima...) {counts.tolist()}")


def critical_search() -> None:
    """critical_points on Himmelblau."""
    surface = get_surface("himmelblau")
    seconds = timed(lambda: critical_points(surface), 5)
    found = critical_points(surface)
    kinds = [p.kind for p in found]
    print("\ncritical_points on Himmelblau")
    print(f"  time                             {seconds:8.3f} s  (target < 0.5 s)")
    print(
        f"  found {len(found)}: {kinds.count('minimum')} minima, "
        f"{kinds.count('maximum')} maximum, {kinds.count('saddle')} saddles"
    )


def main() -> int:
    """Print every measurement."""
    print(f"numpy {np.__version__}, Python {sys.version.split()[0]}\n")
    grid_evaluation()
    batch_against_loop()
    basin_map()
    critical_search()
    return 0


if __name__ == "__main__":
    sys.exit(main())
