"""Generate ``torch_reference.json``: optimizer paths computed by ``torch.optim``.

The optimizers of ``lossviz_widgets.engine.optimizers`` promise the update
rules of ``torch.optim``. This script records what torch itself does: each
configuration below runs for ``STEPS`` steps from the same three start
points on ``f(x, y) = (1 − x)² + 5 (y − x²)²``, with the gradient taken by
torch's autograd, in float64. The tests read the JSON file and never import
torch.

Run it where torch is installed, from the repository root::

    python tests/data/make_torch_reference.py

It rewrites ``tests/data/torch_reference.json`` next to itself.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

STEPS = 20
STARTS = [[-1.5, 1.5], [0.5, -0.5], [1.2, 1.4]]
FUNCTION = "(1 - x)**2 + 5 * (y - x**2)**2"
OUTPUT = Path(__file__).with_name("torch_reference.json")

# (id, torch optimizer class, keyword arguments); betas travel as lists.
CONFIGURATIONS: list[tuple[str, str, dict[str, Any]]] = [
    ("sgd-default", "SGD", {}),
    ("sgd-lr", "SGD", {"lr": 0.01}),
    ("sgd-momentum", "SGD", {"lr": 0.01, "momentum": 0.9}),
    ("sgd-dampening", "SGD", {"lr": 0.01, "momentum": 0.8, "dampening": 0.5}),
    ("sgd-nesterov", "SGD", {"lr": 0.01, "momentum": 0.9, "nesterov": True}),
    ("sgd-weight-decay", "SGD", {"lr": 0.01, "momentum": 0.5, "weight_decay": 0.3}),
    ("sgd-maximize", "SGD", {"lr": 1e-4, "momentum": 0.5, "maximize": True}),
    ("adagrad-default", "Adagrad", {}),
    ("adagrad-lr-decay", "Adagrad", {"lr": 0.3, "lr_decay": 0.1}),
    ("adagrad-accumulator", "Adagrad", {"lr": 0.3, "initial_accumulator_value": 2.0}),
    ("adagrad-weight-decay", "Adagrad", {"lr": 0.3, "weight_decay": 0.5}),
    ("adagrad-maximize", "Adagrad", {"lr": 0.05, "maximize": True}),
    ("rmsprop-default", "RMSprop", {}),
    ("rmsprop-centered", "RMSprop", {"lr": 0.02, "alpha": 0.9, "centered": True}),
    ("rmsprop-momentum", "RMSprop", {"lr": 0.01, "momentum": 0.7}),
    (
        "rmsprop-centered-momentum",
        "RMSprop",
        {"lr": 0.01, "alpha": 0.8, "momentum": 0.5, "centered": True},
    ),
    ("rmsprop-weight-decay", "RMSprop", {"lr": 0.02, "weight_decay": 0.5}),
    ("rmsprop-maximize", "RMSprop", {"lr": 0.01, "maximize": True}),
    ("adam-default", "Adam", {}),
    ("adam-lr-betas", "Adam", {"lr": 0.05, "betas": [0.8, 0.99]}),
    ("adam-amsgrad", "Adam", {"lr": 0.05, "amsgrad": True}),
    ("adam-weight-decay", "Adam", {"lr": 0.05, "weight_decay": 0.5}),
    ("adam-maximize", "Adam", {"lr": 0.02, "maximize": True}),
    ("adamw-default", "AdamW", {}),
    ("adamw-weight-decay", "AdamW", {"lr": 0.05, "weight_decay": 0.5}),
    ("adamw-amsgrad", "AdamW", {"lr": 0.05, "weight_decay": 0.1, "amsgrad": True}),
    ("nadam-default", "NAdam", {}),
    ("nadam-lr-momentum-decay", "NAdam", {"lr": 0.05, "momentum_decay": 0.05}),
    ("nadam-weight-decay", "NAdam", {"lr": 0.05, "weight_decay": 0.5}),
    (
        "nadam-decoupled",
        "NAdam",
        {"lr": 0.05, "weight_decay": 0.5, "decoupled_weight_decay": True},
    ),
    ("nadam-maximize", "NAdam", {"lr": 0.02, "maximize": True}),
]


def run(torch: Any, class_name: str, kwargs: dict[str, Any]) -> list[list[list[float]]]:
    """Return the points after each of ``STEPS`` steps, shape (STEPS, 3, 2)."""
    params = torch.tensor(STARTS, dtype=torch.float64, requires_grad=True)
    options = {**kwargs, "foreach": False}
    if "betas" in options:
        options["betas"] = tuple(options["betas"])
    optimizer = getattr(torch.optim, class_name)([params], **options)
    path = []
    for _ in range(STEPS):
        optimizer.zero_grad()
        x, y = params[:, 0], params[:, 1]
        loss = ((1 - x) ** 2 + 5 * (y - x**2) ** 2).sum()
        loss.backward()
        optimizer.step()
        path.append(params.detach().tolist())
    if not all(math.isfinite(v) for step in path for point in step for v in point):
        message = f"{class_name}({kwargs}) diverged; pick a smaller lr"
        raise RuntimeError(message)
    return path


def main() -> None:
    """Run every configuration and write the JSON file."""
    import torch

    # Optimizer scalars (step, NAdam's mu_product) follow the default dtype.
    torch.set_default_dtype(torch.float64)
    cases = [
        {
            "id": case_id,
            "optimizer": name,
            "kwargs": kwargs,
            "path": run(torch, name, kwargs),
        }
        for case_id, name, kwargs in CONFIGURATIONS
    ]
    document = {
        "generator": "tests/data/make_torch_reference.py",
        "torch_version": torch.__version__,
        "function": FUNCTION,
        "steps": STEPS,
        "starts": STARTS,
        "cases": cases,
    }
    OUTPUT.write_text(json.dumps(document, indent=1) + "\n")


if __name__ == "__main__":
    main()
