import numpy as np
import pytest

from lossviz_widgets.engine.catalogue import get_surface, surface_names
from lossviz_widgets.engine.critical import critical_points
from lossviz_widgets.engine.surface import POINT_KINDS, CriticalPoint, Surface
from tests.surfaces import (
    constant,
    hand_written,
    himmelblau,
    linear_network,
    monkey_saddle,
    plane,
    rosenbrock,
    saddle,
    shelf,
    six_hump_camel,
)

ROSENBROCK = rosenbrock()
SADDLE = saddle()
MONKEY = monkey_saddle()
PLANE = plane(1.0, 2.0, domain=(-2, 2, -2, 2))
CONSTANT = constant()
SHELF = shelf()

HIMMELBLAU = [
    ("minimum", 3.0, 2.0, 0.0),
    ("minimum", -2.805118, 3.131313, 0.0),
    ("minimum", -3.779310, -3.283186, 0.0),
    ("minimum", 3.584428, -1.848127, 0.0),
    ("maximum", -0.270845, -0.923039, 181.6165),
    ("saddle", 3.385154, 0.073852, None),
    ("saddle", 0.086678, 2.884255, None),
    ("saddle", -3.073026, -0.081353, None),
    ("saddle", -0.127961, -1.953715, None),
]


def central_gradient(surface: Surface, point: CriticalPoint, h=1e-6) -> np.ndarray:
    fx = (surface.value(point.x + h, point.y) - surface.value(point.x - h, point.y)) / (
        2 * h
    )
    fy = (surface.value(point.x, point.y + h) - surface.value(point.x, point.y - h)) / (
        2 * h
    )
    return np.array([fx, fy])


def test_himmelblau_has_exactly_its_nine_critical_points():
    found = critical_points(himmelblau())
    assert len(found) == 9
    assert [p.kind for p in found].count("minimum") == 4
    assert [p.kind for p in found].count("saddle") == 4


@pytest.mark.parametrize(
    "known", HIMMELBLAU, ids=[f"{k}@({x:g},{y:g})" for k, x, y, _ in HIMMELBLAU]
)
def test_himmelblau_points_match_published_values(known):
    kind, x, y, value = known
    surface = himmelblau()
    matches = [p for p in critical_points(surface) if np.hypot(p.x - x, p.y - y) < 1e-5]
    assert len(matches) == 1
    point = matches[0]
    assert point.kind == kind
    assert point.value == pytest.approx(float(surface.value(x, y)), abs=1e-5)
    if value is not None:
        assert point.value == pytest.approx(value, abs=1e-4)
    assert np.abs(central_gradient(surface, point)).max() < 1e-6


def test_points_are_sorted_by_kind_then_value():
    found = critical_points(himmelblau())
    keys = [(POINT_KINDS.index(p.kind), p.value) for p in found]
    assert keys == sorted(keys, key=lambda k: (k[0], round(k[1], 9)))


def test_six_hump_camel_has_six_minima_and_two_global_ones():
    found = critical_points(six_hump_camel())
    minima = [p for p in found if p.kind == "minimum"]
    assert len(minima) == 6
    lowest = sorted(minima, key=lambda p: p.x)[2:4]
    for point, sign in zip(lowest, (-1, 1), strict=True):
        assert point.value == pytest.approx(-1.0316284535, abs=1e-9)
        assert point.x == pytest.approx(sign * 0.089842, abs=1e-6)
        assert point.y == pytest.approx(-sign * 0.712656, abs=1e-6)


@pytest.mark.parametrize(
    ("surface", "expected"),
    [
        (ROSENBROCK, [CriticalPoint(1.0, 1.0, 0.0, "minimum")]),
        (SADDLE, [CriticalPoint(0.0, 0.0, 0.0, "saddle")]),
        (MONKEY, [CriticalPoint(0.0, 0.0, 0.0, "degenerate")]),
        (PLANE, []),
    ],
    ids=["rosenbrock", "saddle", "monkey_saddle", "plane"],
)
def test_simple_surfaces(surface, expected):
    found = critical_points(surface)
    assert [p.kind for p in found] == [p.kind for p in expected]
    for point, wanted in zip(found, expected, strict=True):
        assert point.x == pytest.approx(wanted.x, abs=1e-7)
        assert point.y == pytest.approx(wanted.y, abs=1e-7)
        assert point.value == pytest.approx(wanted.value, abs=1e-12)


def test_a_curve_of_critical_points_is_sampled_not_listed():
    surface = linear_network()
    found = critical_points(surface)
    saddles = [p for p in found if p.kind == "saddle"]
    valley = np.array([(p.x, p.y) for p in found if p.kind == "degenerate"])
    assert [(p.x, p.y) for p in saddles] == [(0.0, 0.0)]
    assert len(found) == len(saddles) + len(valley)
    assert 8 <= len(valley) <= 24
    np.testing.assert_allclose(valley[:, 0] * valley[:, 1], 1.0, atol=1e-9)
    assert (valley[:, 0] > 0).any()
    assert (valley[:, 0] < 0).any()
    gaps = np.linalg.norm(valley[:, None] - valley[None], axis=-1)
    np.fill_diagonal(gaps, np.inf)
    assert gaps.min() >= 0.05 * surface.domain.span


@pytest.mark.parametrize("cap", [1, 5, 12], ids=lambda c: f"cap={c}")
def test_degenerate_points_are_capped(cap):
    found = critical_points(linear_network(), max_degenerate=cap)
    degenerate = [p for p in found if p.kind == "degenerate"]
    assert 1 <= len(degenerate) <= cap
    assert [p.kind for p in found if p.kind != "degenerate"] == ["saddle"]


@pytest.mark.parametrize(
    "surface", [CONSTANT, SHELF], ids=["constant", "shelf_with_a_plateau"]
)
def test_plateaus_give_a_few_degenerate_points_spread_over_them(surface):
    found = critical_points(surface, seeds=40)
    assert 4 <= len(found) <= 24
    assert {p.kind for p in found} == {"degenerate"}
    spots = np.array([(p.x, p.y) for p in found])
    assert np.ptp(spots[:, 1]) > 2
    if surface is SHELF:
        assert np.all(spots[:, 0] <= 1e-9)
    else:
        assert np.ptp(spots[:, 0]) > 2


@pytest.mark.parametrize(
    ("center", "count"),
    [((10.0, 0.0), 0), ((2.0, 0.0), 1), ((2.0, -2.0), 1)],
    ids=["outside", "on_an_edge", "on_a_corner"],
)
def test_only_points_inside_the_closed_domain_are_kept(center, count):
    a, b = center
    bowl = hand_written(
        "bowl",
        lambda x, y, p: (x - a) ** 2 + (y - b) ** 2,
        lambda x, y, p: (2 * (x - a), 2 * (y - b)),
        lambda x, y, p: (2.0, 0.0, 2.0),
    )
    found = critical_points(bowl)
    assert len(found) == count
    for point in found:
        assert (point.x, point.y) == pytest.approx(center, abs=1e-12)


def test_known_critical_points_serve_as_extra_seeds():
    top = CriticalPoint(-0.270845, -0.923039, 181.6165, "maximum")
    without = critical_points(himmelblau(), seeds=2)
    assert "maximum" not in [p.kind for p in without]
    found = critical_points(himmelblau(critical_points=[top]), seeds=2)
    assert "maximum" in [p.kind for p in found]


def test_overflow_in_part_of_the_domain_raises_no_warning():
    steep = hand_written(
        "steep",
        lambda x, y, p: np.cosh(30 * x) + y**2,
        lambda x, y, p: (30 * np.sinh(30 * x), 2 * y),
        lambda x, y, p: (900 * np.cosh(30 * x), 0.0, 2.0),
        domain=(-30, 30, -30, 30),
    )
    found = critical_points(steep)
    assert [p.kind for p in found] == ["minimum"]
    assert (found[0].x, found[0].y) == pytest.approx((0.0, 0.0), abs=1e-9)


def test_undefined_regions_are_skipped():
    root = hand_written(
        "root",
        lambda x, y, p: np.sqrt(x) * 0 + (x - 1) ** 2 + y**2,
        lambda x, y, p: (np.sqrt(x) * 0 + 2 * (x - 1), 2 * y),
        lambda x, y, p: (np.sqrt(x) * 0 + 2.0, 0.0, 2.0),
    )
    found = critical_points(root)
    assert [(p.kind, p.x, p.y) for p in found] == [("minimum", 1.0, 0.0)]


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"seeds": 1}, ValueError, r"seeds must lie in \[2, 100\] per axis.*got 1"),
        ({"seeds": 101}, ValueError, r"seeds must lie in \[2, 100\] per axis.*got 101"),
        ({"seeds": 2.5}, TypeError, r"seeds must be a whole number.*got 2.5"),
        ({"seeds": True}, TypeError, r"seeds must be a whole number.*got True"),
        ({"tol": 0.0}, ValueError, r"tol must be a number in \(0, 1e-3\], got 0.0"),
        ({"tol": 0.1}, ValueError, r"tol must be a number in \(0, 1e-3\], got 0.1"),
        (
            {"tol": "1e-9"},
            ValueError,
            r"tol must be a number in \(0, 1e-3\], got '1e-9'",
        ),
        (
            {"max_degenerate": 0},
            ValueError,
            r"max_degenerate must be a whole number >= 1",
        ),
        ({"max_degenerate": 2.0}, ValueError, r"max_degenerate must be .*got 2.0"),
    ],
    ids=[
        "one_seed",
        "too_many_seeds",
        "fractional_seeds",
        "boolean_seeds",
        "zero_tol",
        "loose_tol",
        "text_tol",
        "zero_cap",
        "float_cap",
    ],
)
def test_options_are_validated(options, error, message):
    with pytest.raises(error, match=message):
        critical_points(SADDLE, **options)


@pytest.mark.parametrize("name", surface_names())
def test_every_known_critical_point_of_the_catalogue_is_found(name):
    surface = get_surface(name)
    found = critical_points(surface)
    span = surface.domain.span
    for known in surface.critical_points:
        if not surface.domain.contains(known.x, known.y):
            continue
        matches = [
            p
            for p in found
            if np.hypot(p.x - known.x, p.y - known.y) < 1e-5 * span
            or (
                known.kind == p.kind == "degenerate"
                and abs(p.value - known.value) < 1e-9
            )
        ]
        assert matches, f"{known} not found among {found}"
        assert any(p.kind == known.kind for p in matches), (known, matches)
        assert any(
            abs(p.value - known.value) <= 1e-6 * (1 + abs(known.value)) for p in matches
        )
