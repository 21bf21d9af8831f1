"""Static pictures and animations of surfaces and descents, for slides and handouts.

:func:`render_surface` draws a surface in 3D to a PNG; :func:`animate`
writes a GIF of optimizer runs crossing a contour map, and
:func:`anim_banana_descent` is the course page's gradient descent on the
banana valley made with it. They need the ``export`` extra (matplotlib and
Pillow) and draw off-screen on matplotlib's Agg canvas, leaving the user's
pyplot backend alone. Files go to ``out_dir``: by default the folder
``outputs`` under the current directory, created when missing.

Examples
--------
>>> import tempfile
>>> from lossviz_widgets.landscapes import banana
>>> with tempfile.TemporaryDirectory() as folder:
...     png = render_surface(banana, "Rosenbrock Banana Valley",
...                          "02_banana_valley.png", out_dir=folder, resolution=30)
...     gif = anim_banana_descent(steps=5, out_dir=folder)
...     print(png.name, gif.name)
02_banana_valley.png 04_banana_descent.gif
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from lossviz_widgets._picture_arguments import (
    MAX_STEPS,
    RESOLUTIONS,
    as_surface,
    checked,
    checked_title,
    colormap,
    file_name,
    log_scale,
    planned_runs,
    positive,
)
from lossviz_widgets.engine import Domain, Grid, Surface, descend, evaluate_grid
from lossviz_widgets.engine.optimizers import GD, Momentum

__all__ = ["MAX_FRAMES", "anim_banana_descent", "animate", "render_surface"]

#: Where files go when no ``out_dir`` is given, relative to the current directory.
DEFAULT_OUT_DIR = "outputs"

#: The most frames a GIF holds; longer runs show evenly spread steps.
MAX_FRAMES = 201


def _output(out_dir: str | os.PathLike[str] | None, filename: str) -> Path:
    """Create the output folder if needed and return the file's absolute path."""
    folder = Path(DEFAULT_OUT_DIR if out_dir is None else out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    return folder.resolve() / filename


def _shaded_grid(
    surface: Surface, resolution: int, domain: Domain, log: object
) -> tuple[Grid, bool]:
    """Evaluate the surface on a grid, explaining a function that fails.

    Returns the grid and whether its colours follow a log scale.
    """
    try:
        grid = evaluate_grid(surface, resolution, domain=domain)
    except (TypeError, ValueError) as error:
        message = (
            "f must take numpy arrays x and y and return an array of their "
            f"shape (a vectorised f(x, y)); evaluating it raised: {error}"
        )
        raise TypeError(message) from error
    if not np.isfinite(grid.values).any():
        message = f"f has no finite value on the domain {domain}"
        raise ValueError(message)
    return grid, log_scale(grid.values, log)


def render_surface(
    f: Callable[[Any, Any], Any] | Surface | str,
    title: str,
    filename: str,
    cmap: str = "coolwarm",
    azim: float = -60.0,
    elev: float = 30.0,
    *,
    out_dir: str | os.PathLike[str] | None = None,
    resolution: int = 150,
    domain: Any = None,
    log: bool | None = None,
) -> Path:
    """Draw a surface in 3D, with a title and a colour bar, to an 800 × 600 PNG.

    Every grid cell is drawn (matplotlib would otherwise thin the mesh to
    50 × 50). When the values span many decades, as Rosenbrock's do, the
    colours follow ``f − min f`` on a log scale so that the valley floor
    does not show as one flat colour.

    Parameters
    ----------
    f : callable, Surface or str
        A vectorised ``f(x, y)``, a surface, or a catalogue name. A callable
        named after a catalogue surface (as the course's ``convex_bowl``,
        ``banana`` and ``waves`` are) is drawn over that surface's domain,
        any other over ``[−3, 3]²``, unless ``domain`` is given.
    title : str
        The picture's title.
    filename : str
        A bare file name ending in ``.png``.
    cmap : str or Colormap
        A matplotlib colour map.
    azim, elev : float
        The viewing angles in degrees, as matplotlib's ``view_init`` takes them.
    out_dir : str or path, optional
        The folder to write to, created if missing; ``outputs`` under the
        current directory by default.
    resolution : int
        Grid points per axis, in [10, 500].
    domain : Domain or sequence, optional
        The rectangle drawn, ``((x_min, x_max), (y_min, y_max))``.
    log : bool, optional
        Force log (``True``) or linear (``False``) colours; by default they
        are chosen from the values.

    Returns
    -------
    pathlib.Path
        The absolute path of the PNG written.

    Examples
    --------
    >>> import tempfile
    >>> from lossviz_widgets.landscapes import waves
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = render_surface(waves, "Non-Convex Wavy Landscape",
    ...                           "03_wavy_surface.png", cmap="plasma", azim=30,
    ...                           out_dir=folder, resolution=30)
    ...     print(path.name, path.stat().st_size > 10_000)
    03_wavy_surface.png True
    """
    surface, box = as_surface(f, domain, "f")
    title = checked_title(title)
    name = file_name(filename, ".png")
    view = checked("elev", elev, -90, 90), checked("azim", azim, -360, 360)
    resolution = checked("resolution", resolution, *RESOLUTIONS, whole=True)
    colors = colormap(cmap)

    grid, many_decades = _shaded_grid(surface, resolution, box, log)
    path = _output(out_dir, name)
    from lossviz_widgets._frames import draw_surface_3d

    draw_surface_3d(grid, path, title, colors, view, many_decades)
    return path


def animate(
    surface: Surface | str,
    runs: Any,
    *,
    steps: int = 100,
    start: Any = None,
    filename: str = "descent.gif",
    out_dir: str | os.PathLike[str] | None = None,
    fps: float = 20.0,
    title: str | None = None,
    cmap: str = "viridis",
    domain: Any = None,
    log: bool | None = None,
) -> Path:
    """Write a GIF of optimizer runs crossing a surface's contour map.

    Each run has its own colour and legend row; its path grows frame by
    frame with its current point marked, and the caption gives the step
    and each run's loss. A run that diverges stops at its last good point
    and its caption says at which step it diverged. The GIF loops, holds
    its last frame one more second, and has ``steps + 1`` frames, one a
    step, up to :data:`MAX_FRAMES`; longer runs show evenly spread steps.

    Parameters
    ----------
    surface : Surface or str
        The surface, or a catalogue name such as ``"himmelblau"``.
    runs : run or list of runs
        A run is an optimizer (``Adam(lr=0.1)``), an optimizer name
        (``"momentum"``), a tuple ``(optimizer, start)`` or a
        :class:`~lossviz_widgets.model.Run`; at most 8 in a list.
    steps : int
        Steps every run takes, in [1, 5000].
    start : (float, float), optional
        Start of the runs that give none; 20 % across and 80 % up the
        domain by default, like the explorer's first run.
    filename : str
        A bare file name ending in ``.gif``.
    out_dir : str or path, optional
        The folder to write to, created if missing; ``outputs`` under the
        current directory by default.
    fps : float
        Frames per second, in [1, 50].
    title : str, optional
        The title; the surface's title and formula by default.
    cmap : str or Colormap
        The matplotlib colour map of the surface.
    domain : Domain or sequence, optional
        The rectangle shown; the surface's domain by default.
    log : bool, optional
        Force log (``True``) or linear (``False``) colours and contour
        levels; by default they are chosen from the values.

    Returns
    -------
    pathlib.Path
        The absolute path of the GIF written.

    Examples
    --------
    >>> import tempfile
    >>> from lossviz_widgets.engine.optimizers import Adam
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = animate("himmelblau", ["gd", (Adam(lr=0.1), (-1.0, -1.0))],
    ...                    steps=10, start=(0.0, 0.0), out_dir=folder,
    ...                    filename="race.gif")
    ...     print(path.name)
    race.gif
    """
    surface, box = as_surface(surface, domain, "surface")
    steps = checked("steps", steps, 1, MAX_STEPS, whole=True)
    if start is None:
        start = (box.x_min + 0.2 * (box.x_max - box.x_min),
                 box.y_min + 0.8 * (box.y_max - box.y_min))  # fmt: skip
    planned = planned_runs(runs, start)
    name = file_name(filename, ".gif")
    fps = checked("fps", fps, 1, 50)
    if title is None:
        title = surface.title + (f": {surface.formula}" if surface.formula else "")
    title = checked_title(title)
    colors = colormap(cmap)

    from lossviz_widgets._frames import Track, draw_backdrop, write_gif

    tracks = [
        Track(label, color, descend(surface, optimizer, point, steps))
        for optimizer, point, label, color in planned
    ]
    grid, many_decades = _shaded_grid(surface, 200, box, log)
    backdrop = draw_backdrop(surface, grid, tracks, title, colors, many_decades)
    path = _output(out_dir, name)
    write_gif(backdrop, tracks, path, fps, MAX_FRAMES)
    return path


def anim_banana_descent(
    lr: float = 1e-3,
    steps: int = 100,
    start: Any = (-1.5, 1.5),
    momentum: float = 0.0,
    filename: str = "04_banana_descent.gif",
    out_dir: str | os.PathLike[str] | None = None,
    fps: float = 20.0,
) -> Path:
    """Animate the course's gradient descent on the banana valley as a GIF.

    The path of :func:`~lossviz_widgets.landscapes.gd_path` grows over the
    valley's contour map, coloured on a log scale so that its curved floor
    shows, one frame a step, with the step and the loss in the caption. A
    learning rate that makes descent diverge (0.1 does) still gives a GIF,
    whose caption says at which step the run diverged. See :func:`animate`.

    Parameters
    ----------
    lr : float
        The learning rate, positive.
    steps : int
        Steps of descent, in [1, 5000].
    start : (float, float)
        The start point.
    momentum : float
        Heavy-ball momentum as in ``torch.optim.SGD``; 0 is plain descent.
    filename : str
        A bare file name ending in ``.gif``.
    out_dir : str or path, optional
        The folder to write to, created if missing; ``outputs`` under the
        current directory by default.
    fps : float
        Frames per second, in [1, 50].

    Returns
    -------
    pathlib.Path
        The absolute path of the GIF written.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = anim_banana_descent(lr=0.1, steps=5, out_dir=folder)
    ...     print(path.name)
    04_banana_descent.gif
    """
    lr = positive("lr", lr)
    momentum = checked("momentum", momentum, 0, math.inf)
    optimizer = GD(lr=lr) if momentum == 0 else Momentum(lr=lr, momentum=momentum)
    kind = "Gradient descent" if momentum == 0 else f"Momentum {momentum:g}"
    return animate(
        "banana", [(optimizer, start)], steps=steps, filename=filename,
        out_dir=out_dir, fps=fps, log=True,
        title=f"{kind} on the banana valley, lr = {lr:g}",
    )  # fmt: skip
