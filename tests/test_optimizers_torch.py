"""The optimizers reproduce paths recorded from ``torch.optim`` itself.

``tests/data/torch_reference.json`` was written by
``tests/data/make_torch_reference.py`` with torch 2.13 in float64; these tests
never import torch.
"""

import json
from pathlib import Path

import numpy as np
import pytest

from lossviz_widgets.engine import optimizers

REFERENCE = json.loads(
    (Path(__file__).parent / "data" / "torch_reference.json").read_text()
)
CASES = REFERENCE["cases"]


def banana_gradient(points):
    """Gradient of (1 − x)² + 5 (y − x²)², the function of the reference file."""
    x, y = points[:, 0], points[:, 1]
    gx = -2 * (1 - x) - 20 * x * (y - x**2)
    gy = 10 * (y - x**2)
    return np.stack([gx, gy], axis=-1)


def our_optimizer(case):
    kwargs = dict(case["kwargs"])
    if "betas" in kwargs:
        kwargs["betas"] = tuple(kwargs["betas"])
    return getattr(optimizers, case["optimizer"])(**kwargs)


def test_the_reference_file_describes_its_runs():
    assert REFERENCE["torch_version"].startswith("2.13.0")
    assert REFERENCE["function"] == "(1 - x)**2 + 5 * (y - x**2)**2"
    assert len(CASES) >= 25
    for case in CASES:
        assert np.shape(case["path"]) == (REFERENCE["steps"], 3, 2)
    covered = {case["optimizer"] for case in CASES}
    assert covered == {"SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "NAdam"}


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_paths_match_torch(case):
    optimizer = our_optimizer(case)
    points = np.array(REFERENCE["starts"], dtype=float)
    state = optimizer.init(points)
    path = []
    for _ in range(REFERENCE["steps"]):
        points, state = optimizer.update(state, points, banana_gradient(points))
        path.append(points)

    expected = np.array(case["path"])
    np.testing.assert_allclose(np.array(path), expected, rtol=1e-10, atol=1e-12)
    # The run must go somewhere, or matching it would prove little.
    assert np.abs(expected[-1] - REFERENCE["starts"]).max() > 0.01


@pytest.mark.parametrize(
    ("recipe", "sgd_case"),
    [
        (optimizers.GD(lr=0.01), "sgd-lr"),
        (optimizers.Momentum(lr=0.01, momentum=0.9), "sgd-momentum"),
        (optimizers.Nesterov(lr=0.01, momentum=0.9), "sgd-nesterov"),
    ],
    ids=["gd", "momentum", "nesterov"],
)
def test_recipes_match_torch_sgd(recipe, sgd_case):
    case = next(case for case in CASES if case["id"] == sgd_case)
    points = np.array(REFERENCE["starts"], dtype=float)
    state = recipe.init(points)
    for _ in range(REFERENCE["steps"]):
        points, state = recipe.update(state, points, banana_gradient(points))
    np.testing.assert_allclose(points, case["path"][-1], rtol=1e-10, atol=1e-12)
