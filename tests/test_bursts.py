"""Bursts of slider changes: the last value wins, soon, and nothing is lost.

In a kernel a dragged slider sends changes faster than the pictures can be
redrawn. The controls hand them to a latest-wins scheduler, so a burst of
a hundred changes ends with the views showing the last value after at most
one more recompute, exactly as a fresh explorer given that value draws it,
with no error logged or shown on the way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets
import numpy as np
import pytest

from lossviz_widgets import LandscapeExplorer
from lossviz_widgets.engine import get_surface
from lossviz_widgets.engine.optimizers import Adam, Momentum
from tests.widget_checks import (
    assert_same_pictures,
    drawing_problems,
    logged_errors,
    shown_errors,
)

STEPS = 40
RESOLUTION = 30
CHANGES = 100


@dataclass
class Drag:
    """A burst of changes to some sliders, and the explorer its last values give."""

    surface: object
    runs: list
    sliders: Callable[[LandscapeExplorer], list[ipywidgets.Widget]]
    values: list[list[float]]
    last: Callable[[], LandscapeExplorer]
    applied: Callable[[LandscapeExplorer], bool]


def start(index: int) -> dict:
    """Run traits with a start of their own, so that paths differ."""
    return {"start": [(-1.0, 1.0), (1.5, -0.5)][index]}


LR = np.geomspace(1e-4, 0.08, CHANGES).tolist()
A = np.linspace(-1.5, 1.5, CHANGES // 2).tolist()
B = np.geomspace(1.0, 1000.0, CHANGES // 2).tolist()
STEP_COUNTS = list(range(1, 2 * CHANGES, 2))


def runs(lr: float = 0.01) -> list[dict]:
    """An Adam run, whose learning rate is dragged, and a momentum run."""
    return [
        {"optimizer": Adam(lr=lr), **start(0)},
        {"optimizer": Momentum(lr=0.001), **start(1)},
    ]


DRAGS = {
    "learning-rate": Drag(
        "himmelblau",
        runs(),
        lambda e: [e.optimizer_panel.cards[0].controls["lr"]],
        [LR],
        lambda: LandscapeExplorer(
            "himmelblau", runs=runs(LR[-1]), steps=STEPS, resolution=RESOLUTION
        ),
        lambda e: e.model.runs[0].optimizer.lr == LR[-1],
    ),
    "surface-parameters": Drag(
        "rosenbrock",
        runs(),
        lambda e: [e.surface_selector.sliders[name] for name in ("a", "b")],
        [A, B],
        lambda: LandscapeExplorer(
            get_surface("rosenbrock").with_params(a=A[-1], b=B[-1]),
            runs=runs(),
            steps=STEPS,
            resolution=RESOLUTION,
        ),
        lambda e: dict(e.model.surface.params) == {"a": A[-1], "b": B[-1]},
    ),
    "steps": Drag(
        "banana",
        runs(),
        lambda e: [e.optimizer_panel.steps_slider],
        [STEP_COUNTS],
        lambda: LandscapeExplorer(
            "banana", runs=runs(), steps=STEP_COUNTS[-1], resolution=RESOLUTION
        ),
        lambda e: e.model.steps == STEP_COUNTS[-1],
    ),
}


async def drag(explorer: LandscapeExplorer, case: Drag, updates: list) -> int:
    """Send the burst one change per turn of the event loop, as a kernel takes them.

    Returns the number of updates made during the burst; waits until the
    last value is applied.
    """
    sliders = case.sliders(explorer)
    for values in zip(*case.values, strict=True):
        for slider, value in zip(sliders, values, strict=True):
            slider.value = value
            await asyncio.sleep(0)
    during = len(updates)
    for _ in range(500):
        # The 3D view redraws a new surface once the slider has rested.
        if case.applied(explorer) and not explorer.surface3d.waiting:
            break
        await asyncio.sleep(0.01)
    return during


@pytest.mark.parametrize("name", DRAGS)
def test_a_burst_ends_on_its_last_value_after_one_more_recompute(name, caplog):
    case = DRAGS[name]
    explorer = LandscapeExplorer(
        case.surface, runs=case.runs, steps=STEPS, resolution=RESOLUTION
    )
    updates = []
    explorer.model.runs[0].observe(updates.append, names="trajectory")

    during = asyncio.run(drag(explorer, case, updates))

    assert case.applied(explorer)
    assert len(updates) - during == 1  # the last value, applied once
    assert len(updates) <= CHANGES // 5  # the rest were dropped, not queued
    assert_same_pictures(explorer, case.last())
    assert drawing_problems(explorer) == []
    assert shown_errors(explorer) == []
    assert logged_errors(caplog) == []


def test_without_an_event_loop_every_change_is_applied_at_once():
    explorer = LandscapeExplorer(
        "himmelblau", runs=runs(), steps=STEPS, resolution=RESOLUTION
    )
    updates = []
    explorer.model.runs[0].observe(updates.append, names="trajectory")
    slider = explorer.optimizer_panel.cards[0].controls["lr"]
    for value in LR[:10]:
        slider.value = value
        assert explorer.model.runs[0].optimizer.lr == value
    assert len(updates) == 10


def test_during_a_drag_the_map_follows_every_step_and_the_mesh_the_last():
    # One run: a hidden mark keeps the arrays of its last showing, which a
    # drag through other values may leave elsewhere than a fresh explorer.
    explorer = LandscapeExplorer(
        "rosenbrock", runs=runs()[:1], steps=STEPS, resolution=RESOLUTION
    )
    slider = explorer.surface_selector.sliders["b"]
    pictures, meshes = [], []
    explorer.contour.surface_marks.image.observe(pictures.append, names="image")
    explorer.surface3d.mesh.observe(meshes.append, names="z")
    values = B[:20]

    async def paced() -> None:
        for value in values:  # a person's drag: a change every 60 ms
            slider.value = value
            await asyncio.sleep(0.06)
        while explorer.surface3d.waiting:
            await asyncio.sleep(0.01)

    asyncio.run(paced())

    # A browser compiles the mesh's shaders again for every new mesh.
    assert len(pictures) >= 15
    assert 1 <= len(meshes) <= len(pictures) // 3
    expected = LandscapeExplorer(
        get_surface("rosenbrock").with_params(b=values[-1]),
        runs=runs()[:1],
        steps=STEPS,
        resolution=RESOLUTION,
    )
    assert_same_pictures(explorer, expected)
