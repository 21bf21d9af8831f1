"""Reference surfaces written out by hand, shared by the engine's tests.

Each surface spells out its value, gradient (gx, gy) and Hessian
(hxx, hxy, hyy) as explicit formulas, independent of the package's
catalogue, so the tests can check the engine (and the catalogue) against them.
"""

import numpy as np

from lossviz_widgets.engine.surface import Surface

SQUARE = (-2, 2, -2, 2)


def hand_written(name, value, gradient, hessian, domain=SQUARE) -> Surface:
    """A surface from the given formulas, on [-2, 2]² unless told otherwise."""
    return Surface(name, value, gradient, hessian, domain=domain)


def himmelblau(domain=(-5, 5, -5, 5), **options) -> Surface:
    """Himmelblau's function: four minima, one maximum and four saddles."""
    return Surface(
        "himmelblau",
        lambda x, y, p: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
        lambda x, y, p: (
            4 * x * (x**2 + y - 11) + 2 * (x + y**2 - 7),
            2 * (x**2 + y - 11) + 4 * y * (x + y**2 - 7),
        ),
        lambda x, y, p: (12 * x**2 + 4 * y - 42, 4 * (x + y), 12 * y**2 + 4 * x - 26),
        domain=domain,
        **options,
    )


def six_hump_camel() -> Surface:
    """The six-hump camel: six minima, two of them global."""
    return hand_written(
        "six_hump_camel",
        lambda x, y, p: (
            (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (4 * y**2 - 4) * y**2
        ),
        lambda x, y, p: (8 * x - 8.4 * x**3 + 2 * x**5 + y, x - 8 * y + 16 * y**3),
        lambda x, y, p: (8 - 25.2 * x**2 + 10 * x**4, 1.0, 48 * y**2 - 8),
        domain=(-3, 3, -2, 2),
    )


def stiff_quadratic() -> Surface:
    """(x² + 10 y²) / 2: gradient descent is stable for lr < 2 / 10."""
    return hand_written(
        "stiff",
        lambda x, y, p: (x**2 + 10 * y**2) / 2,
        lambda x, y, p: (x, 10 * y),
        lambda x, y, p: (1.0, 0.0, 10.0),
    )


def linear_network() -> Surface:
    """(w₁ w₂ − 1)²: a saddle at the origin and a hyperbola w₁ w₂ = 1 of minima."""
    return hand_written(
        "linear_network",
        lambda x, y, p: (x * y - 1) ** 2,
        lambda x, y, p: (2 * (x * y - 1) * y, 2 * (x * y - 1) * x),
        lambda x, y, p: (2 * y**2, 4 * x * y - 2, 2 * x**2),
        domain=(-3, 3, -3, 3),
    )


def rosenbrock(domain=(-2, 2, -1, 3)) -> Surface:
    """Rosenbrock's banana valley with its minimum at (1, 1)."""
    return hand_written(
        "rosenbrock",
        lambda x, y, p: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
        lambda x, y, p: (-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)),
        lambda x, y, p: (2 - 400 * (y - x**2) + 800 * x**2, -400 * x, 200.0),
        domain=domain,
    )


def saddle() -> Surface:
    """x² − y²: a plain saddle at the origin."""
    return hand_written(
        "saddle",
        lambda x, y, p: x**2 - y**2,
        lambda x, y, p: (2 * x, -2 * y),
        lambda x, y, p: (2.0, 0.0, -2.0),
    )


def monkey_saddle() -> Surface:
    """x³ − 3 x y²: a degenerate critical point at the origin."""
    return hand_written(
        "monkey_saddle",
        lambda x, y, p: x**3 - 3 * x * y**2,
        lambda x, y, p: (3 * x**2 - 3 * y**2, -6 * x * y),
        lambda x, y, p: (6 * x, -6 * y, -6 * x),
    )


def cap() -> Surface:
    """−x² − 3 y²: a maximum at the origin."""
    return hand_written(
        "cap",
        lambda x, y, p: -(x**2) - 3 * y**2,
        lambda x, y, p: (-2 * x, -6 * y),
        lambda x, y, p: (-2.0, 0.0, -6.0),
    )


def wave() -> Surface:
    """sin x + y²: convex only where sin x ≤ 0."""
    return hand_written(
        "wave",
        lambda x, y, p: np.sin(x) + y**2,
        lambda x, y, p: (np.cos(x), 2 * y),
        lambda x, y, p: (-np.sin(x), 0.0, 2.0),
        domain=(-3, 3, -3, 3),
    )


def plane(
    a: float = 2.0, b: float = 3.0, c: float = 0.0, domain=(-1, 1, -1, 1)
) -> Surface:
    """a x + b y + c: a constant gradient (a, b) and no critical point."""
    return hand_written(
        "plane",
        lambda x, y, p: a * x + b * y + c,
        lambda x, y, p: (a, b),
        lambda x, y, p: (0.0, 0.0, 0.0),
        domain=domain,
    )


def constant() -> Surface:
    """The scalar 3 everywhere: one plateau over the whole domain."""
    return hand_written(
        "constant",
        lambda x, y, p: 3.0,
        lambda x, y, p: (0.0, 0.0),
        lambda x, y, p: (0.0, 0.0, 0.0),
    )


def shelf() -> Surface:
    """Flat where x ≤ 0, rising as x² where x > 0."""
    return hand_written(
        "shelf",
        lambda x, y, p: np.where(x > 0, x**2, 0.0) + 0 * y,
        lambda x, y, p: (np.where(x > 0, 2 * x, 0.0), 0 * y),
        lambda x, y, p: (np.where(x > 0, 2.0, 0.0), 0.0, 0.0),
    )


def half_bowl() -> Surface:
    """x² + y², undefined (NaN) where x < −0.5."""
    return hand_written(
        "half_bowl",
        lambda x, y, p: np.sqrt(x + 0.5) * 0 + x**2 + y**2,
        lambda x, y, p: (np.sqrt(x + 0.5) * 0 + 2 * x, 2 * y),
        lambda x, y, p: (2.0, 0.0, 2.0),
        domain=(-1, 1, -1, 1),
    )
