"""The first steps of each optimizer against its update rule written out plainly.

Each reference below is the algorithm of ``torch.optim``'s documentation as a
scalar Python loop over points and coordinates; the engine runs the same
steps on a batch of three points at once.
"""

import math

import numpy as np
import pytest

from lossviz_widgets.engine.optimizers import (
    GD,
    SGD,
    Adagrad,
    Adam,
    AdamW,
    Momentum,
    NAdam,
    Nesterov,
    RMSprop,
)

STARTS = [[1.5, -0.5], [-0.8, 0.3], [0.2, 1.1]]
STEPS = 5


def gradient(x, y):
    """Gradient of f = (x − 1)² + 2 (y + 1/2)² + x y + x⁴ / 10, for one point."""
    return [2 * (x - 1) + y + 0.4 * x**3, 4 * (y + 0.5) + x]


def batch_gradient(points):
    x, y = points[:, 0], points[:, 1]
    return np.stack([2 * (x - 1) + y + 0.4 * x**3, 4 * (y + 0.5) + x], axis=-1)


def sgd_rule(
    lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False, maximize=False
):
    def run(theta, grads, memory, t):
        for i in range(2):
            g = -grads[i] if maximize else grads[i]
            g += weight_decay * theta[i]
            if momentum != 0:
                if t == 1:
                    memory[i] = g
                else:
                    memory[i] = momentum * memory[i] + (1 - dampening) * g
                g = g + momentum * memory[i] if nesterov else memory[i]
            theta[i] -= lr * g

    return run


def adagrad_rule(
    lr,
    lr_decay=0.0,
    weight_decay=0.0,
    initial_accumulator_value=0.0,
    eps=1e-10,
    maximize=False,
):
    def run(theta, grads, memory, t):
        for i in range(2):
            memory.setdefault(i, initial_accumulator_value)
            g = -grads[i] if maximize else grads[i]
            g += weight_decay * theta[i]
            clr = lr / (1 + (t - 1) * lr_decay)
            memory[i] += g * g
            theta[i] -= clr * g / (math.sqrt(memory[i]) + eps)

    return run


def rmsprop_rule(
    lr,
    alpha=0.99,
    eps=1e-8,
    weight_decay=0.0,
    momentum=0.0,
    centered=False,
    maximize=False,
):
    def run(theta, grads, memory, t):
        for i in range(2):
            v, m, b = memory.get(i, (0.0, 0.0, 0.0))
            g = -grads[i] if maximize else grads[i]
            g += weight_decay * theta[i]
            v = alpha * v + (1 - alpha) * g * g
            root = math.sqrt(v)
            if centered:
                m = alpha * m + (1 - alpha) * g
                root = math.sqrt(v - m * m)
            if momentum > 0:
                b = momentum * b + g / (root + eps)
                theta[i] -= lr * b
            else:
                theta[i] -= lr * g / (root + eps)
            memory[i] = (v, m, b)

    return run


def adam_rule(
    lr,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=0.0,
    amsgrad=False,
    maximize=False,
    decoupled=False,
):
    beta1, beta2 = betas

    def run(theta, grads, memory, t):
        for i in range(2):
            m, v, v_max = memory.get(i, (0.0, 0.0, 0.0))
            g = -grads[i] if maximize else grads[i]
            if decoupled:
                theta[i] *= 1 - lr * weight_decay
            else:
                g += weight_decay * theta[i]
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            m_hat = m / (1 - beta1**t)
            v_max = max(v_max, v)
            v_hat = (v_max if amsgrad else v) / (1 - beta2**t)
            theta[i] -= lr * m_hat / (math.sqrt(v_hat) + eps)
            memory[i] = (m, v, v_max)

    return run


def nadam_rule(
    lr,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=0.0,
    momentum_decay=4e-3,
    decoupled_weight_decay=False,
    maximize=False,
):
    beta1, beta2 = betas

    def mu(t):
        return beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))

    def run(theta, grads, memory, t):
        product = memory.get("mu_product", 1.0) * mu(t)
        for i in range(2):
            m, v = memory.get(i, (0.0, 0.0))
            g = -grads[i] if maximize else grads[i]
            if decoupled_weight_decay:
                theta[i] *= 1 - lr * weight_decay
            else:
                g += weight_decay * theta[i]
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            v_hat = v / (1 - beta2**t)
            look_ahead = mu(t + 1) * m / (1 - product * mu(t + 1))
            current = (1 - mu(t)) * g / (1 - product)
            theta[i] -= lr * (current + look_ahead) / (math.sqrt(v_hat) + eps)
            memory[i] = (m, v)
        memory["mu_product"] = product

    return run


def reference_path(rule):
    """Run ``rule`` on each start alone for STEPS steps; shape (STEPS, 3, 2)."""
    paths = []
    for start in STARTS:
        theta, memory, path = list(start), {}, []
        for t in range(1, STEPS + 1):
            rule(theta, gradient(*theta), memory, t)
            path.append(list(theta))
        paths.append(path)
    return np.array(paths).transpose(1, 0, 2)


def engine_path(optimizer):
    points = np.array(STARTS)
    state = optimizer.init(points)
    path = []
    for _ in range(STEPS):
        points, state = optimizer.update(state, points, batch_gradient(points))
        path.append(points)
    return np.array(path)


CASES = {
    "gd": (GD(lr=0.05), sgd_rule(0.05)),
    "momentum": (Momentum(lr=0.05, momentum=0.8), sgd_rule(0.05, momentum=0.8)),
    "nesterov": (
        Nesterov(lr=0.05, momentum=0.8),
        sgd_rule(0.05, momentum=0.8, nesterov=True),
    ),
    "sgd-momentum-dampening": (
        SGD(lr=0.05, momentum=0.7, dampening=0.4),
        sgd_rule(0.05, momentum=0.7, dampening=0.4),
    ),
    "sgd-nesterov-weight-decay": (
        SGD(lr=0.05, momentum=0.7, nesterov=True, weight_decay=0.2),
        sgd_rule(0.05, momentum=0.7, nesterov=True, weight_decay=0.2),
    ),
    "sgd-maximize": (
        SGD(lr=0.02, momentum=0.5, maximize=True),
        sgd_rule(0.02, momentum=0.5, maximize=True),
    ),
    "adagrad": (Adagrad(lr=0.2), adagrad_rule(0.2)),
    "adagrad-lr-decay": (
        Adagrad(lr=0.2, lr_decay=0.3),
        adagrad_rule(0.2, lr_decay=0.3),
    ),
    "adagrad-accumulator-weight-decay": (
        Adagrad(lr=0.2, initial_accumulator_value=1.5, weight_decay=0.3),
        adagrad_rule(0.2, initial_accumulator_value=1.5, weight_decay=0.3),
    ),
    "adagrad-maximize": (
        Adagrad(lr=0.1, maximize=True),
        adagrad_rule(0.1, maximize=True),
    ),
    "rmsprop": (RMSprop(lr=0.02), rmsprop_rule(0.02)),
    "rmsprop-centered": (
        RMSprop(lr=0.02, alpha=0.9, centered=True),
        rmsprop_rule(0.02, alpha=0.9, centered=True),
    ),
    "rmsprop-momentum-weight-decay": (
        RMSprop(lr=0.02, momentum=0.6, weight_decay=0.2),
        rmsprop_rule(0.02, momentum=0.6, weight_decay=0.2),
    ),
    "rmsprop-centered-momentum-maximize": (
        RMSprop(lr=0.01, alpha=0.8, momentum=0.5, centered=True, maximize=True),
        rmsprop_rule(0.01, alpha=0.8, momentum=0.5, centered=True, maximize=True),
    ),
    "adam": (Adam(lr=0.1, betas=(0.8, 0.95)), adam_rule(0.1, betas=(0.8, 0.95))),
    "adam-amsgrad": (Adam(lr=0.1, amsgrad=True), adam_rule(0.1, amsgrad=True)),
    "adam-weight-decay-maximize": (
        Adam(lr=0.05, weight_decay=0.4, maximize=True),
        adam_rule(0.05, weight_decay=0.4, maximize=True),
    ),
    "adamw": (AdamW(lr=0.1), adam_rule(0.1, weight_decay=0.01, decoupled=True)),
    "adamw-amsgrad": (
        AdamW(lr=0.1, weight_decay=0.5, amsgrad=True),
        adam_rule(0.1, weight_decay=0.5, amsgrad=True, decoupled=True),
    ),
    "nadam": (NAdam(lr=0.1), nadam_rule(0.1)),
    "nadam-momentum-decay-weight-decay": (
        NAdam(lr=0.1, momentum_decay=0.1, weight_decay=0.3),
        nadam_rule(0.1, momentum_decay=0.1, weight_decay=0.3),
    ),
    "nadam-decoupled": (
        NAdam(lr=0.1, weight_decay=0.3, decoupled_weight_decay=True),
        nadam_rule(0.1, weight_decay=0.3, decoupled_weight_decay=True),
    ),
    "nadam-maximize": (NAdam(lr=0.05, maximize=True), nadam_rule(0.05, maximize=True)),
}


@pytest.mark.parametrize(("optimizer", "rule"), CASES.values(), ids=CASES.keys())
def test_first_steps_follow_the_written_rule(optimizer, rule):
    expected = reference_path(rule)
    np.testing.assert_allclose(engine_path(optimizer), expected, rtol=1e-12)
    # Every step moves every point, so no step can be skipped unnoticed.
    assert (np.abs(np.diff(expected, axis=0)) > 1e-6).all()
