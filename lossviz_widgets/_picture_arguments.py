"""The checks :mod:`lossviz_widgets.visualizations` runs before drawing anything.

Each function takes an argument as a caller passed it and returns it in the
form the drawing needs, or raises a ``TypeError`` or ``ValueError`` whose
message names the argument, shows the bad value and says what is allowed.
All of them run before any file or folder is written, and
:func:`require_export` and :func:`colormap` are the only ones that import
matplotlib, inside the call.

Examples
--------
>>> checked("steps", 20, 1, 5_000, whole=True)
20
>>> checked("fps", 0, 1, 50)
Traceback (most recent call last):
    ...
ValueError: fps must lie in [1, 50], got 0
>>> file_name("descent.gif", ".gif")
'descent.gif'
"""

from __future__ import annotations

import importlib
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from lossviz_widgets.engine import CATALOGUE, Domain, Surface, get_surface
from lossviz_widgets.engine.optimizers import Optimizer, make_optimizer

__all__ = [
    "MAX_RUNS",
    "MAX_STEPS",
    "RESOLUTIONS",
    "as_surface",
    "checked",
    "checked_title",
    "colormap",
    "file_name",
    "log_scale",
    "planned_runs",
    "positive",
    "require_export",
]

# Bounds on the work one call may ask for: steps of a descent, runs in one
# animation, and grid points per axis of a 3D picture.
MAX_STEPS, MAX_RUNS, RESOLUTIONS = 5_000, 8, (10, 500)

# A callable neither given a domain nor named after a catalogue surface is
# drawn over this square, the default of Surface.from_function.
_DEFAULT_DOMAIN = Domain(-3.0, 3.0, -3.0, 3.0)


def require_export() -> None:
    """Import matplotlib and Pillow, or say which extra installs them."""
    try:
        importlib.import_module("matplotlib")
        importlib.import_module("PIL")
    except ImportError as error:
        message = (
            f"pictures and animations need matplotlib and Pillow ({error}); "
            'install them with: pip install "lossviz-widgets[export]"'
        )
        raise ImportError(message) from error


def file_name(filename: object, suffix: str) -> str:
    """Return ``filename`` if it is a bare file name ending in ``suffix``."""
    if not isinstance(filename, str):
        message = (
            f"filename must be a string such as 'picture{suffix}', got {filename!r}"
        )
        raise TypeError(message)
    if os.path.basename(filename) != filename or "\\" in filename:
        message = (
            "filename must be a bare file name without a directory part (give "
            f"the folder as out_dir), got {filename!r}"
        )
        raise ValueError(message)
    if Path(filename).suffix.lower() != suffix:
        message = f"filename must end in {suffix}, got {filename!r}"
        raise ValueError(message)
    return filename


def checked_title(title: object) -> str:
    """Return ``title`` if it is a string, or raise."""
    if not isinstance(title, str):
        message = f"title must be a string, got {title!r}"
        raise TypeError(message)
    return title


def _number(name: str, value: object, whole: bool) -> Any:
    """Return ``value`` as an ``int`` or ``float`` if it is such a number, or raise."""
    kind = "whole number" if whole else "number"
    types = (int, np.integer) if whole else (int, float, np.number)
    if isinstance(value, bool) or not isinstance(value, types):
        message = f"{name} must be a {kind}, got {value!r}"
        raise TypeError(message)
    return int(value) if whole else float(value)


def checked(
    name: str, value: object, low: float, high: float, whole: bool = False
) -> Any:
    """Return ``value`` if it is a number (a whole one) in ``[low, high]``, or raise."""
    number = _number(name, value, whole)
    if not low <= number <= high:
        message = f"{name} must lie in [{low:g}, {high:g}], got {value!r}"
        raise ValueError(message)
    return number


def positive(name: str, value: object) -> float:
    """Return ``value`` if it is a positive finite number, or raise."""
    number = _number(name, value, whole=False)
    if not (math.isfinite(number) and number > 0):
        message = f"{name} must be a positive finite number, got {value!r}"
        raise ValueError(message)
    return number


def colormap(cmap: object) -> Any:
    """Return the matplotlib colour map ``cmap`` names, or raise.

    Checks first that the ``export`` extra is installed.
    """
    require_export()
    import matplotlib

    if isinstance(cmap, matplotlib.colors.Colormap):
        return cmap
    if not isinstance(cmap, str) or cmap not in matplotlib.colormaps:
        message = (
            "cmap must name a matplotlib colour map such as 'viridis' or "
            f"'plasma', got {cmap!r}"
        )
        raise ValueError(message)
    return matplotlib.colormaps[cmap]


def as_surface(f: object, domain: Any, argument: str) -> tuple[Surface, Domain]:
    """Return the surface ``f`` (the argument so named) stands for, and its box."""
    box = None if domain is None else Domain.coerce(domain)
    if isinstance(f, str):
        surface = get_surface(f)
    elif isinstance(f, Surface):
        surface = f
    elif callable(f):
        name = getattr(f, "__name__", "")
        known = CATALOGUE[name]().domain if name in CATALOGUE else _DEFAULT_DOMAIN
        surface = Surface.from_function(f, domain=box or known, name=name or "f")
    else:
        message = (
            f"{argument} must be a function f(x, y), a Surface or a catalogue "
            f"name such as 'banana', got {f!r}"
        )
        raise TypeError(message)
    return surface, box or surface.domain


def log_scale(values: np.ndarray, log: object) -> bool:
    """Whether colours follow a log scale; ``log=None`` decides from the values."""
    if log is None:
        from lossviz_widgets.views.raster import prefers_log

        return prefers_log(values)
    if not isinstance(log, bool):
        message = f"log must be True, False or None (decide alone), got {log!r}"
        raise TypeError(message)
    return log


def planned_runs(runs: Any, start: Any) -> list[tuple[Optimizer, Any, str, str]]:
    """Return each run as ``(optimizer, start, label, colour)``."""
    from lossviz_widgets.model import PALETTE, Run

    if not isinstance(runs, list):
        runs = [runs]
    if not 1 <= len(runs) <= MAX_RUNS:
        message = f"runs must hold 1 to {MAX_RUNS} runs, got {len(runs)}"
        raise ValueError(message)
    planned = []
    for index, item in enumerate(runs):
        optimizer, point, label, color = item, start, "", PALETTE[index]
        if isinstance(item, Run):
            optimizer, point = item.optimizer, item.start
            label, color = item.label, item.color
        elif isinstance(item, tuple) and len(item) == 2:
            optimizer, point = item
        if isinstance(optimizer, str):
            optimizer = make_optimizer(optimizer)
        if not isinstance(optimizer, Optimizer):
            message = (
                "each run must be an optimizer, an optimizer name such as 'adam', "
                f"a pair (optimizer, start) or a Run, got {item!r}"
            )
            raise TypeError(message)
        label = label or f"{optimizer.name} (lr={optimizer.lr:g})"
        planned.append((optimizer, point, label, color))
    return planned
