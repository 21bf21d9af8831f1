"""Every optimizer reaches a known minimum of every well-behaved surface.

One matrix of optimizer × surface: each optimizer runs from two starts per
surface (as one batch) and must end near a minimum listed in the surface's
known critical points. The learning rates are ordinary teaching settings,
the same for every surface.
"""

import numpy as np
import pytest

from lossviz_widgets.engine import descend, get_surface
from lossviz_widgets.engine.optimizers import (
    GD,
    SGD,
    Adagrad,
    Adam,
    AdamW,
    Momentum,
    NAdam,
    Nesterov,
    Newton,
    RMSprop,
)

STEPS = 2000

# Plain and dampened gradient descent crawl along Beale's flat valley, the
# very behaviour momentum exists to fix, so they get a looser tolerance.
# RMSprop's step keeps a size of about lr near a minimum (it divides the
# gradient by its own running size), so it hovers within a few lr of it;
# every other method here settles far closer.
OPTIMIZERS = {
    "gd": (GD(lr=0.01), 1e-3),
    "momentum": (Momentum(lr=0.005, momentum=0.9), 1e-6),
    "nesterov": (Nesterov(lr=0.005, momentum=0.9), 1e-6),
    "sgd-dampened": (SGD(lr=0.01, momentum=0.5, dampening=0.5), 1e-3),
    "adagrad": (Adagrad(lr=0.5), 1e-4),
    "rmsprop": (RMSprop(lr=0.003, alpha=0.9), 2 * 0.003),
    "adam": (Adam(lr=0.05), 1e-3),
    "adamw": (AdamW(lr=0.05, weight_decay=0.0), 1e-3),
    "nadam": (NAdam(lr=0.05), 2e-2),
    "newton": (Newton(lr=1.0), 1e-8),
}

SURFACES = {
    "convex_bowl": [(1.5, -1.0), (-1.0, -1.0)],
    "ill_conditioned_bowl": [(1.5, 1.0), (-1.0, 0.5)],
    "banana": [(-1.5, 1.5), (1.0, -0.5)],
    "himmelblau": [(1.0, 1.0), (-1.0, -1.0)],
    "booth": [(-2.0, -2.0), (3.0, 1.0)],
    "six_hump_camel": [(0.5, -0.5), (-1.0, 0.5)],
    "beale": [(1.0, 1.0), (2.0, 0.0)],
}


@pytest.mark.parametrize("surface_name", list(SURFACES))
@pytest.mark.parametrize("optimizer_name", list(OPTIMIZERS))
def test_optimizer_reaches_a_known_minimum(optimizer_name, surface_name):
    optimizer, tolerance = OPTIMIZERS[optimizer_name]
    surface = get_surface(surface_name)
    minima = np.array(
        [(p.x, p.y) for p in surface.critical_points if p.kind == "minimum"]
    )

    run = descend(surface, optimizer, SURFACES[surface_name], STEPS)

    assert all(d is None for d in run.diverged_at)
    ends = run.points[-1]
    distances = np.linalg.norm(ends[:, None, :] - minima[None], axis=-1).min(axis=1)
    assert np.all(distances < tolerance), distances
