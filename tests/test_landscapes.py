import numpy as np
import pytest

from lossviz_widgets.engine import get_surface
from lossviz_widgets.landscapes import (
    GDConfig,
    banana,
    banana_grad,
    convex_bowl,
    gd_path,
    waves,
)

# The outputs printed by the course page, character for character.
PAGE_TAIL = """[[-1.19588247  1.5148514 ]
 [-1.19551692  1.51400423]
 [-1.19515214  1.5131568 ]]"""


def test_the_page_values_are_reproduced_exactly():
    assert convex_bowl(1.0, 1.0) == 1.0
    assert banana(1.0, 1.0) == 1.0
    assert waves(1.0, 1.0) == 0.6546487134128409
    assert str(convex_bowl(1.0, 1.0)) == "1.0"
    assert str(waves(1.0, 1.0)) == "0.6546487134128409"


def test_the_page_path_tail_prints_as_on_the_page():
    path = gd_path([-1.5, 1.5], banana_grad, GDConfig(lr=1e-3, steps=100))
    assert path.shape == (101, 2)
    assert path[0].tolist() == [-1.5, 1.5]
    assert str(path[-3:]) == PAGE_TAIL


def test_the_path_is_plain_gradient_descent_bit_for_bit():
    point = np.array([-1.5, 1.5])
    expected = [point]
    for _ in range(100):
        x, y = point
        point = point - 1e-3 * np.array([2 * x - 20 * x * (y - x**2), 10 * (y - x**2)])
        expected.append(point)
    path = gd_path([-1.5, 1.5], banana_grad, GDConfig(lr=1e-3, steps=100))
    np.testing.assert_array_equal(path, np.array(expected))


@pytest.mark.parametrize(
    ("function", "name"),
    [(convex_bowl, "convex_bowl"), (banana, "banana"), (waves, "waves")],
    ids=["convex_bowl", "banana", "waves"],
)
def test_the_page_functions_are_the_catalogue_surfaces(function, name):
    x, y = np.meshgrid(np.linspace(-2, 2, 9), np.linspace(-1, 3, 7))
    np.testing.assert_array_equal(function(x, y), get_surface(name).value(x, y))


def test_banana_grad_accepts_points_or_coordinates():
    points = np.array([[0.5, 1.0], [-1.0, 2.0]])
    by_points = banana_grad(points)
    by_coordinates = banana_grad(points[:, 0], points[:, 1])
    np.testing.assert_array_equal(by_points, by_coordinates)
    np.testing.assert_array_equal(by_points, get_surface("banana").grad_at(points))


def test_momentum_makes_faster_progress_down_the_valley():
    plain = gd_path([-1.5, 1.5], banana_grad, GDConfig(lr=1e-3, steps=300))
    heavy = gd_path(
        [-1.5, 1.5], banana_grad, GDConfig(lr=1e-3, steps=300, momentum=0.9)
    )
    assert banana(*heavy[-1]) < banana(*plain[-1]) / 10


def test_an_overflowing_path_stops_at_its_last_finite_point():
    path = gd_path([-1.5, 1.5], banana_grad, GDConfig(lr=0.5, steps=40))
    assert np.all(np.isfinite(path))
    np.testing.assert_array_equal(path[-1], path[-2])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"steps": -1}, ValueError, "steps must be >= 0, got -1"),
        ({"steps": 1.5}, TypeError, "steps must be a whole number, got 1.5"),
        ({"lr": -0.1}, ValueError, "lr"),
        ({"momentum": -1.0}, ValueError, "momentum"),
    ],
    ids=["negative-steps", "fractional-steps", "negative-lr", "negative-momentum"],
)
def test_bad_configurations_are_refused(kwargs, error, match):
    with pytest.raises(error, match=match):
        GDConfig(**kwargs)


def test_a_bad_start_is_refused():
    with pytest.raises(ValueError, match=r"start must be a finite point \(x, y\)"):
        gd_path([0.0, 1.0, 2.0], banana_grad)
