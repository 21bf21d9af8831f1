"""What the views under a widget draw, and the errors they logged or showed.

Helpers shared by the tests of extreme numbers, bursts, edge cases and
failing callbacks: they walk the widget tree generically, so they cover
every view an explorer or an exercise holds.
"""

from __future__ import annotations

import io
import logging

import bqplot
import ipyvolume
import ipywidgets
import numpy as np
import pytest
from PIL import Image

from lossviz_widgets.notices import Notice

MARKS = (bqplot.Mark, ipyvolume.Mesh, ipyvolume.Scatter)

# -- walking what an explorer draws ---------------------------------------------


def widget_tree(root: ipywidgets.Widget) -> list[ipywidgets.Widget]:
    """Every widget reachable from ``root`` through its synced traits, in order."""
    seen, order, stack = set(), [], [root]
    while stack:
        widget = stack.pop()
        if id(widget) in seen:
            continue
        seen.add(id(widget))
        order.append(widget)
        found = []
        for key in widget.keys:
            value = getattr(widget, key, None)
            if isinstance(value, dict):
                value = list(value.values())
            items = value if isinstance(value, (list, tuple)) else [value]
            found += [item for item in items if isinstance(item, ipywidgets.Widget)]
        stack.extend(reversed(found))
    return order


def mark_arrays(root: ipywidgets.Widget) -> list[tuple[str, np.ndarray]]:
    """``("Class.trait", array)`` for every numeric array of every mark drawn."""
    return [
        (f"{type(widget).__name__}.{key}", value)
        for widget in widget_tree(root)
        if isinstance(widget, MARKS)
        for key in widget.keys
        for value in [getattr(widget, key)]
        if isinstance(value, np.ndarray) and value.dtype.kind in "fiu"
    ]


def _array_problems(widget: ipywidgets.Widget) -> list[str]:
    """What is wrong with the arrays of one mark."""
    problems = []
    # Only lines may hold NaN: a gap between two contour lines.
    gaps = isinstance(widget, bqplot.Lines)
    for key in widget.keys:
        array = getattr(widget, key)
        if not isinstance(array, np.ndarray) or array.dtype.kind not in "fiu":
            continue
        where = f"{type(widget).__name__}.{key}"
        nan = np.isnan(array) if array.dtype.kind == "f" else np.zeros(array.shape)
        if array.size == 0:
            problems.append(f"{where} is empty")
        elif np.isinf(array).any():
            problems.append(f"{where} holds inf")
        elif nan.all() or (nan.any() and not (gaps and key in ("x", "y"))):
            problems.append(f"{where} holds NaN")
    return problems


def _scale_problems(scale: bqplot.Scale, required: bool) -> list[str]:
    """What is wrong with the limits of one scale."""
    low, high = getattr(scale, "min", None), getattr(scale, "max", None)
    where = f"{type(scale).__name__} [{low}, {high}]"
    if low is None or high is None:
        return [f"{where} has no limits"] if required else []
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        return [f"{where} is not a finite interval"]
    if isinstance(scale, bqplot.LogScale) and low <= 0:
        return [f"{where} reaches zero on a log scale"]
    return []


def drawing_problems(root: ipywidgets.Widget) -> list[str]:
    """Everything drawn under ``root`` that a browser could not draw."""
    widgets = widget_tree(root)
    # Scales behind an axis or the 3D box are never left to autoscale.
    required = {id(w.scale) for w in widgets if isinstance(w, bqplot.Axis)}
    for figure in (w for w in widgets if isinstance(w, ipyvolume.Figure)):
        required |= {id(scale) for scale in figure.scales.values()}
    problems = []
    for widget in widgets:
        if isinstance(widget, MARKS):
            problems += _array_problems(widget)
        elif isinstance(widget, bqplot.Scale):
            problems += _scale_problems(widget, id(widget) in required)
        elif isinstance(widget, ipywidgets.Image):
            if not widget.value:
                problems.append("an empty picture")
                continue
            with Image.open(io.BytesIO(widget.value)) as picture:
                if min(picture.size) < 1:
                    problems.append(f"a picture of {picture.size} pixels")
    return problems


def shown_errors(root: ipywidgets.Widget) -> list[str]:
    """The error messages shown anywhere under ``root``."""
    return [
        w.text
        for w in widget_tree(root)
        if isinstance(w, Notice) and w.level == "error" and w.text
    ]


def logged_errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The messages logged at ERROR or above."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def drawn(root: ipywidgets.Widget) -> list[tuple[str, object]]:
    """What the views of ``root`` show: mark arrays, scale limits and pictures."""
    shown: list[tuple[str, object]] = list(mark_arrays(root))
    for widget in widget_tree(root):
        if isinstance(widget, bqplot.Scale):
            limits = (getattr(widget, "min", None), getattr(widget, "max", None))
            shown.append((type(widget).__name__, limits))
        elif isinstance(widget, ipywidgets.Image):
            shown.append(("Image", widget.value))
    return shown


def assert_same_pictures(ours: ipywidgets.Widget, theirs: ipywidgets.Widget):
    """The views under two widgets show exactly the same things."""
    ours, theirs = drawn(ours), drawn(theirs)
    assert [name for name, _ in ours] == [name for name, _ in theirs]
    for (name, mine), (_, expected) in zip(ours, theirs, strict=True):
        if isinstance(mine, np.ndarray):
            np.testing.assert_array_equal(mine, expected, err_msg=name)
        else:
            assert mine == expected, name
