"""Measure the export: the course's descent GIF and a 3D surface PNG.

Run with ``python benchmarks/export.py``. Wall times are the median, fastest
and slowest of several repeats in one process, after a first call that
pays for the imports (reported apart), followed by the median CPU time of
the process, which other work on the machine does not inflate. The GIF is
also made the naive way, redrawing the whole matplotlib figure for every
frame, and the ratio of the two is measured in the same run, so it holds
across machines.

Targets: ``anim_banana_descent()`` (100 steps) under 2 s; the same GIF at
least 5× faster than redrawing every frame.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from lossviz_widgets.engine import descend, evaluate_grid, get_surface, log_values
from lossviz_widgets.engine.optimizers import GD
from lossviz_widgets.landscapes import banana
from lossviz_widgets.visualizations import anim_banana_descent, render_surface

REPEATS = 5
NAIVE_REPEATS = 2


def spread(work: Callable[[], object], repeats: int) -> list[float]:
    """Median, fastest and slowest wall time of ``work()``, then median CPU time.

    On a machine shared with other work the wall time grows while the
    process waits for a core; the CPU time of the process does not.
    """
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return [statistics.median(walls), min(walls), max(walls), statistics.median(cpus)]


def row(label: str, times: list[float]) -> None:
    """Print a label and its times."""
    print(f"  {label:<28} " + " ".join(f"{t:8.3f}" for t in times))


def naive_gif(path: Path) -> None:
    """The course's descent GIF, redrawing the whole figure at every frame."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from PIL import Image

    surface = get_surface("banana")
    run = descend(surface, GD(lr=1e-3), (-1.5, 1.5), 100)
    grid = evaluate_grid(surface, 200)
    box = surface.domain

    figure = Figure(figsize=(6.56, 7.06), dpi=100)
    canvas = FigureCanvasAgg(figure)
    axes = figure.add_axes((0.11, 0.22, 0.85, 0.72))
    extent = (box.x_min, box.x_max, box.y_min, box.y_max)
    axes.imshow(log_values(grid.values), extent=extent, origin="lower", aspect="auto")
    axes.contour(grid.x, grid.y, log_values(grid.values), 15, colors="white")
    (line,) = axes.plot([], [], color="#e45756", linewidth=2)
    (marker,) = axes.plot([], [], "o", color="#e45756", markeredgecolor="black")
    caption = figure.text(0.11, 0.05, "", fontsize=10)

    frames = []
    for step in range(101):
        line.set_data(run.points[: step + 1, 0], run.points[: step + 1, 1])
        marker.set_data(run.points[step : step + 1, 0], run.points[step : step + 1, 1])
        caption.set_text(f"step {step} / 100   loss {run.values[step]:.6g}")
        canvas.draw()
        rgb = Image.fromarray(np.asarray(canvas.buffer_rgba())[..., :3].copy())
        frames.append(rgb.quantize(colors=255))
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=50, loop=0)


def main() -> int:
    """Print every measurement."""
    with tempfile.TemporaryDirectory() as folder:
        first = spread(lambda: anim_banana_descent(out_dir=folder), 1)[0]
        gif = spread(lambda: anim_banana_descent(out_dir=folder), REPEATS)
        size = (Path(folder) / "04_banana_descent.gif").stat().st_size
        naive_path = Path(folder) / "naive.gif"
        naive = spread(lambda: naive_gif(naive_path), NAIVE_REPEATS)
        naive_size = naive_path.stat().st_size

        def picture() -> None:
            render_surface(banana, "Banana", "b.png", out_dir=folder, resolution=200)

        png = spread(picture, REPEATS)

    print(f"numpy {np.__version__}, Python {sys.version.split()[0]}")
    print("seconds of wall time (median, fastest, slowest), then median CPU time\n")
    print("anim_banana_descent(), 100 steps, 101 frames (target < 2 s)")
    print(f"  first call, imports included {first:8.3f}")
    row("warm", gif)
    print(f"  GIF size                     {size / 1e3:8.0f} KB")
    print("\nthe same GIF, redrawing the whole figure at every frame")
    row("warm", naive)
    print(f"  GIF size                     {naive_size / 1e3:8.0f} KB")
    print(
        f"  speed-up of drawing once     {naive[0] / gif[0]:8.1f}× wall, "
        f"{naive[3] / gif[3]:.1f}× CPU  (target ≥ 5×)"
    )
    print("\nrender_surface(banana), 200 × 200 grid, every cell drawn")
    row("warm", png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
