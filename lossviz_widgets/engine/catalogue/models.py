"""Losses of tiny models: a two-weight linear network and a logistic regression."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from lossviz_widgets.engine.catalogue._build import (
    Array,
    Pair,
    Params,
    Triple,
    build_surface,
)
from lossviz_widgets.engine.surface import CriticalPoint, Parameter, Surface

__all__ = ["FEATURES", "LABELS", "linear_network", "logistic_regression"]


def _network(x: Array, y: Array, p: Params) -> Array:
    """Value of the linear network's loss."""
    return (x * y - 1) ** 2


def _network_grad(x: Array, y: Array, p: Params) -> Pair:
    """Gradient of the linear network's loss."""
    error = x * y - 1
    return 2 * error * y, 2 * error * x


def _network_hess(x: Array, y: Array, p: Params) -> Triple:
    """Hessian of the linear network's loss."""
    return 2 * y**2, 4 * x * y - 2, 2 * x**2


def linear_network(**params: float) -> Surface:
    """Return the loss ``(w₁w₂ − 1)²`` of a two-layer linear network fitting ``y = x``.

    The weights are ``x = w₁`` and ``y = w₂``. The origin is a saddle, and
    every point of the hyperbola ``xy = 1`` is a minimum: the Hessian is
    singular along it, so those minima are degenerate. Two of them, one on
    each branch, are listed.

    Parameters
    ----------
    **params : float
        None are accepted: the network has no parameters.

    Returns
    -------
    Surface
        Not convex.

    Examples
    --------
    >>> net = linear_network()
    >>> float(net(0.0, 0.0)), float(net(4.0, 0.25))
    (1.0, 0.0)
    >>> [point.kind for point in net.critical_points]
    ['saddle', 'degenerate', 'degenerate']

    """
    return build_surface(
        "linear_network",
        _network,
        _network_grad,
        _network_hess,
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        params=params,
        critical_points=[
            CriticalPoint(0.0, 0.0, 1.0, "saddle"),
            CriticalPoint(1.0, 1.0, 0.0, "degenerate"),
            CriticalPoint(-1.0, -1.0, 0.0, "degenerate"),
        ],
        title="Two-weight linear network",
        formula="(w₁w₂ − 1)²,  x = w₁, y = w₂",
        description=(
            "The loss of a two-weight linear network, with a saddle at zero "
            "weights and a whole curve of equally good, degenerate minima."
        ),
        convex=False,
    )


#: Inputs of the logistic regression's data set, shape ``(10,)``.
FEATURES = np.array([-1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5])
#: Labels ±1 of the data set, shape ``(10,)``; the classes overlap.
LABELS = np.array([-1.0, -1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, 1.0, 1.0])
FEATURES.flags.writeable = False
LABELS.flags.writeable = False

# The minimum without weight decay, solved to 40 digits and rounded.
_UNREGULARISED_MINIMUM = (1.3534115217109623, -1.6917644021387029)


def _examples(x: Array, y: Array) -> Iterator[tuple[float, float, Array, Array]]:
    """Yield each feature and label with the margin ``m`` and ``exp(−|m|)``."""
    # One data point at a time keeps the temporaries shaped like x: on large
    # grids that is twice as fast as broadcasting over all ten at once.
    for feature, label in zip(FEATURES.tolist(), LABELS.tolist(), strict=True):
        margin = label * (feature * x + y)
        yield feature, label, margin, np.exp(-np.abs(margin))


def _logistic(x: Array, y: Array, p: Params) -> Array:
    """Value of the mean logistic loss with weight decay."""
    total = np.zeros_like(x)
    for _, _, margin, tail in _examples(x, y):
        # log(1 + e^(−m)) = max(−m, 0) + log(1 + e^(−|m|)), exact in both tails.
        total = total + np.maximum(-margin, 0.0) + np.log1p(tail)
    return total / FEATURES.size + p["weight_decay"] / 2 * (x**2 + y**2)


def _logistic_grad(x: Array, y: Array, p: Params) -> Pair:
    """Gradient of the mean logistic loss with weight decay."""
    gx, gy = np.zeros_like(x), np.zeros_like(x)
    for feature, label, margin, tail in _examples(x, y):
        # σ(−m), the probability given to the wrong label.
        pull = -label * np.where(margin >= 0, tail, 1.0) / (1 + tail)
        gx, gy = gx + pull * feature, gy + pull
    decay = p["weight_decay"]
    return gx / FEATURES.size + decay * x, gy / FEATURES.size + decay * y


def _logistic_hess(x: Array, y: Array, p: Params) -> Triple:
    """Hessian of the mean logistic loss with weight decay."""
    hxx, hxy, hyy = np.zeros_like(x), np.zeros_like(x), np.zeros_like(x)
    for feature, _, _, tail in _examples(x, y):
        # σ(m)·σ(−m), the variance of the predicted label.
        spread = tail / (1 + tail) ** 2
        hxx = hxx + spread * feature**2
        hxy = hxy + spread * feature
        hyy = hyy + spread
    decay, count = p["weight_decay"], FEATURES.size
    return hxx / count + decay, hxy / count, hyy / count + decay


def _logistic_minimum(p: Params) -> list[CriticalPoint]:
    """Find the minimum by damped Newton steps from the unregularised one."""
    point = np.array(_UNREGULARISED_MINIMUM)
    for _ in range(50):
        x, y = point
        gradient = np.array(_logistic_grad(x, y, p))
        hxx, hxy, hyy = (float(h) for h in _logistic_hess(x, y, p))
        step = np.linalg.solve([[hxx, hxy], [hxy, hyy]], gradient)
        # The loss is strictly convex: shorten the step until it decreases.
        size, start = 1.0, _logistic(x, y, p)
        while size > 1e-6 and _logistic(*(point - size * step), p) > start:
            size /= 2
        point = point - size * step
        if np.max(np.abs(step)) <= 1e-13 * (1 + np.max(np.abs(point))):
            break
    x, y = point
    return [CriticalPoint(x, y, _logistic(x, y, p), "minimum")]


_LOGISTIC_PARAMETERS = (
    Parameter("weight_decay", 0.0, 0.0, 1.0, "linear", "λ, adds λ(x² + y²)/2"),
)


def logistic_regression(**params: float) -> Surface:
    """Return the mean logistic loss of a one-feature classifier with a bias.

    The weights are the slope ``x`` and the bias ``y`` of the score
    ``x·u + y``, fitted to the ten points :data:`FEATURES` with labels
    :data:`LABELS`. The classes overlap, so the minimum is finite; without
    weight decay it lies at ``(1.3534115217109623, −1.6917644021387029)``.
    The features are not centred, which tilts and stretches the bowl.

    Parameters
    ----------
    **params : float
        ``weight_decay``, ``λ`` in the penalty ``λ(x² + y²)/2`` (0 to 1,
        default 0).

    Returns
    -------
    Surface
        Convex; the minimum is computed for the current weight decay.

    Examples
    --------
    >>> loss = logistic_regression()
    >>> round(float(loss(0.0, 0.0)), 12)  # log 2: every prediction is 1/2
    0.69314718056
    >>> best = loss.critical_points[0]
    >>> round(best.x, 9), round(best.y, 9), round(best.value, 9)
    (1.353411522, -1.691764402, 0.433511144)

    """
    return build_surface(
        "logistic_regression",
        _logistic,
        _logistic_grad,
        _logistic_hess,
        domain=((-2.0, 5.0), (-5.0, 2.0)),
        parameters=_LOGISTIC_PARAMETERS,
        params=params,
        critical_points=_logistic_minimum,
        title="Logistic regression",
        formula="mean over i of log(1 + exp(−tᵢ(x·uᵢ + y))) + λ(x² + y²)/2",
        description=(
            "The convex loss of a small logistic regression, a bowl stretched "
            "and tilted because its single feature is not centred."
        ),
        convex=True,
    )
