import numpy as np
import pytest

from lossviz_widgets.engine.catalogue import get_surface, surface_names
from lossviz_widgets.engine.contours import (
    ContourLevel,
    _finite_contour_lines,
    _masked_contour_lines,
    contour_levels,
    contour_lines,
    log_values,
)
from lossviz_widgets.engine.fields import Grid, evaluate_grid, gradient_field
from tests.surfaces import half_bowl, himmelblau, plane, rosenbrock

# -- grids ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("resolution", "shape"),
    [(2, (2, 2)), (50, (50, 50)), ((30, 20), (20, 30))],
    ids=["smallest", "square", "nx_ny"],
)
def test_grid_shapes_and_edges(resolution, shape):
    grid = evaluate_grid(himmelblau(), resolution, derivatives=True)
    assert grid.values.shape == shape
    assert grid.grad.shape == (*shape, 2)
    assert (grid.x[0], grid.x[-1], grid.y[0], grid.y[-1]) == (-5.0, 5.0, -5.0, 5.0)
    assert grid.x.shape == (shape[1],)
    assert grid.y.shape == (shape[0],)


def test_grid_values_are_indexed_by_row_y_and_column_x():
    surface = himmelblau()
    grid = evaluate_grid(surface, (7, 5), domain=(-1, 2, 0, 4))
    assert grid.x.tolist() == np.linspace(-1, 2, 7).tolist()
    assert grid.y.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert grid.grad is None
    for i, j in [(0, 0), (1, 5), (4, 6), (3, 2)]:
        assert grid.values[i, j] == surface.value(grid.x[j], grid.y[i])


def test_grid_gradient_agrees_with_finite_differences():
    surface = himmelblau()
    grid = evaluate_grid(surface, 21, derivatives=True)
    X, Y = np.meshgrid(grid.x, grid.y)
    h = 1e-6
    fx = (surface.value(X + h, Y) - surface.value(X - h, Y)) / (2 * h)
    fy = (surface.value(X, Y + h) - surface.value(X, Y - h)) / (2 * h)
    np.testing.assert_allclose(grid.grad[..., 0], fx, rtol=1e-6, atol=1e-5)
    np.testing.assert_allclose(grid.grad[..., 1], fy, rtol=1e-6, atol=1e-5)


def test_grid_of_a_constant_surface_is_a_full_writable_array():
    grid = evaluate_grid(plane(0.0, 0.0, 4.0), 3)
    assert grid.values.tolist() == [[4.0] * 3] * 3
    grid.values[0, 0] = 1.0


def test_grid_keeps_nan_where_the_surface_is_undefined():
    grid = evaluate_grid(half_bowl(), 5)
    assert np.isnan(grid.values[:, 0]).all()
    assert np.isfinite(grid.values[:, 1:]).all()


@pytest.mark.parametrize(
    ("resolution", "error", "message"),
    [
        (1, ValueError, r"resolution must lie in \[2, 2000\] points per axis.*got 1"),
        (2001, ValueError, r"resolution must lie in \[2, 2000\].*got 2001"),
        ((10, 0), ValueError, r"resolution must lie in \[2, 2000\].*got \(10, 0\)"),
        (2.5, TypeError, r"resolution must be an int or a pair \(nx, ny\).*got 2.5"),
        (True, TypeError, r"resolution must be an int or a pair.*got True"),
        ((3,), TypeError, r"resolution must be an int or a pair.*got \(3,\)"),
        ("20", TypeError, r"resolution must be an int or a pair.*got '20'"),
    ],
    ids=["one", "too_many", "zero_rows", "float", "bool", "short_pair", "text"],
)
def test_grid_resolution_is_validated(resolution, error, message):
    with pytest.raises(error, match=message):
        evaluate_grid(himmelblau(), resolution)


# -- contour levels ------------------------------------------------------------


def test_linear_levels_are_evenly_spaced_inside_the_range():
    levels = contour_levels(np.linspace(-3.0, 13.0, 50), count=7)
    np.testing.assert_allclose(levels, np.arange(-1.0, 12.0, 2.0))


def test_log_levels_suit_a_surface_spanning_decades():
    values = evaluate_grid(rosenbrock(), 200).values
    levels = contour_levels(values, count=15, spacing="log")
    heights = levels - values.min()
    assert len(levels) == 15
    assert np.all(np.diff(levels) > 0)
    assert values.min() < levels[0]
    assert levels[-1] < values.max()
    ratios = heights[1:] / heights[:-1]
    np.testing.assert_allclose(ratios, ratios[0], rtol=1e-9)
    assert heights[-1] / heights[0] > 1e4


def test_log_levels_work_below_zero():
    values = evaluate_grid(rosenbrock(), 100).values - 1000.0
    levels = contour_levels(values, count=10, spacing="log")
    assert len(levels) == 10
    assert np.all(np.isfinite(levels))
    assert values.min() < levels[0] < -999.0
    assert levels[-1] < values.max()


def test_log_levels_reach_at_most_six_decades_below_the_range():
    values = np.array([0.0, 1e-20, 1.0])
    levels = contour_levels(values, count=7, spacing="log")
    np.testing.assert_allclose(levels[0], 1e-6)
    np.testing.assert_allclose(np.diff(np.log10(levels)), 6 / 7)


def test_quantile_levels_split_the_values_into_equal_shares():
    values = evaluate_grid(rosenbrock(), 120).values
    levels = contour_levels(values, count=9, spacing="quantile")
    assert len(levels) == 9
    assert np.all(np.diff(levels) > 0)
    shares = np.histogram(values, bins=[values.min(), *levels, values.max()])[0]
    np.testing.assert_allclose(shares / values.size, 0.1, atol=0.002)


@pytest.mark.parametrize("spacing", ["linear", "log", "quantile"])
def test_levels_ignore_nan_and_infinity(spacing):
    values = evaluate_grid(himmelblau(), 60).values
    spoiled = values.copy()
    spoiled[:5] = np.nan
    spoiled[-3:, :4] = np.inf
    spoiled[10, 10] = -np.inf
    kept = values.copy()
    kept[:5] = kept[-3:, :4] = kept[10, 10] = np.nan
    levels = contour_levels(spoiled, count=12, spacing=spacing)
    np.testing.assert_array_equal(levels, contour_levels(kept, 12, spacing))
    assert np.all(np.isfinite(levels))
    finite = spoiled[np.isfinite(spoiled)]
    assert finite.min() < levels.min()
    assert levels.max() < finite.max()


@pytest.mark.parametrize("spacing", ["linear", "log", "quantile"])
@pytest.mark.parametrize(
    "values",
    [np.full((4, 4), 2.5), np.full(3, np.nan), np.array([np.inf, 1.0]), np.empty(0)],
    ids=["constant", "all_nan", "one_finite", "empty"],
)
def test_levels_of_flat_or_missing_values_are_empty(values, spacing):
    levels = contour_levels(values, spacing=spacing)
    assert levels.shape == (0,)


def test_quantile_levels_of_a_plateau_are_fewer_but_distinct():
    values = np.concatenate([np.zeros(900), np.linspace(1, 2, 100)])
    levels = contour_levels(values, count=9, spacing="quantile")
    assert 1 <= len(levels) < 9
    assert np.all(np.diff(levels) > 0)
    assert levels.min() > 0


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"count": 0}, ValueError, r"count must lie in \[1, 1000\], got 0"),
        ({"count": 1001}, ValueError, r"count must lie in \[1, 1000\], got 1001"),
        ({"count": 5.0}, TypeError, r"count must be a whole number of levels, got 5.0"),
        (
            {"spacing": "Log"},
            ValueError,
            r"spacing must be one of \('linear', 'log', 'quantile'\), got 'Log'",
        ),
    ],
    ids=["zero", "too_many", "float", "misspelt_spacing"],
)
def test_level_options_are_validated(options, error, message):
    with pytest.raises(error, match=message):
        contour_levels([0.0, 1.0], **options)


def test_log_values_are_monotonic_and_keep_nan():
    values = np.array([[5.0, 6.0, 1e6 + 5.0], [np.nan, np.inf, 15.0]])
    logs = log_values(values)
    assert logs.shape == values.shape
    assert logs[0, 0] == pytest.approx(np.log10(1.0))
    assert logs[0, 1] == pytest.approx(np.log10(2.0))
    assert logs[1, 2] == pytest.approx(np.log10(11.0))
    assert logs[0, 2] == pytest.approx(6.0, abs=1e-6)
    assert np.isnan(logs[1, :2]).all()


def test_log_values_of_a_flat_or_empty_surface():
    assert log_values(np.full(3, 7.0)).tolist() == [0.0, 0.0, 0.0]
    assert np.isnan(log_values([np.nan, np.inf])).all()


# -- contour lines -------------------------------------------------------------


def assert_well_formed(line: ContourLevel):
    assert line.x.shape == line.y.shape
    assert line.x.size >= 2
    gaps = np.isnan(line.x)
    np.testing.assert_array_equal(gaps, np.isnan(line.y))
    assert not gaps[0]
    assert not gaps[-1]
    assert not np.any(gaps[1:] & gaps[:-1])
    assert not np.isinf(line.x).any()
    assert not np.isinf(line.y).any()
    pieces = np.split(np.arange(line.x.size), np.flatnonzero(gaps))
    assert len(pieces) == line.line_count
    assert all(len(piece[~gaps[piece]]) >= 2 for piece in pieces)


def test_lines_of_a_plane_lie_exactly_on_their_level():
    grid = evaluate_grid(plane(), 40)
    levels = contour_levels(grid.values, count=9)
    lines = contour_lines(grid, levels)
    assert [line.level for line in lines] == levels.tolist()
    for line in lines:
        assert_well_formed(line)
        assert line.line_count == 1
        keep = ~np.isnan(line.x)
        np.testing.assert_allclose(
            2 * line.x[keep] + 3 * line.y[keep], line.level, atol=1e-12
        )


def test_lines_of_himmelblau_lie_on_their_level_within_interpolation_error():
    surface = himmelblau()
    grid = evaluate_grid(surface, 301)
    h = grid.x[1] - grid.x[0]
    # Linear interpolation along a grid edge errs by at most h²/8 × |f''|,
    # and |f_xx|, |f_yy| stay below 12 × 25 + 20 on this domain.
    bound = h**2 / 8 * 320
    lines = contour_lines(grid, [1.0, 5.0, 50.0, 150.0, 400.0])
    assert len(lines) == 5
    for line in lines:
        assert_well_formed(line)
        keep = ~np.isnan(line.x)
        error = np.abs(surface.value(line.x[keep], line.y[keep]) - line.level)
        assert error.max() <= bound


def test_a_level_around_four_minima_has_four_closed_lines():
    grid = evaluate_grid(himmelblau(), 200)
    (line,) = contour_lines(grid, [5.0])
    assert line.line_count == 4
    for piece in np.split(
        np.column_stack([line.x, line.y]), np.flatnonzero(np.isnan(line.x))
    ):
        piece = piece[~np.isnan(piece[:, 0])]
        np.testing.assert_array_equal(piece[0], piece[-1])


def test_levels_without_lines_are_left_out():
    grid = evaluate_grid(himmelblau(), 50)
    lines = contour_lines(grid, [-1.0, 10.0, 1e9, 20.0])
    assert [line.level for line in lines] == [10.0, 20.0]
    assert contour_lines(grid, [-5.0, 1e12]) == ()
    assert contour_lines(grid, []) == ()


def test_lines_stop_at_undefined_regions():
    grid = evaluate_grid(half_bowl(), 81)
    lines = contour_lines(grid, [0.04, 0.5])
    assert len(lines) == 2
    for line in lines:
        assert_well_formed(line)
        assert np.nanmin(line.x) >= -0.5
    circle, arc = lines
    assert circle.line_count == 1
    np.testing.assert_array_equal(
        [circle.x[0], circle.y[0]], [circle.x[-1], circle.y[-1]]
    )
    # The circle of radius √0.5 is cut where x < −0.5: one open arc is left,
    # ending within a grid cell of the cut.
    assert arc.line_count == 1
    np.testing.assert_allclose([arc.x[0], arc.x[-1]], -0.5, atol=0.025)
    assert abs(arc.y[0] - arc.y[-1]) > 0.9


def test_a_single_level_may_be_given_as_a_number():
    grid = evaluate_grid(himmelblau(), 50)
    (line,) = contour_lines(grid, 100.0)
    assert line.level == 100.0


@pytest.mark.parametrize(
    "levels",
    [[1.0, np.nan], [np.inf], [[1.0, 2.0], [3.0, 4.0]]],
    ids=["nan", "inf", "two_dimensional"],
)
def test_levels_must_be_finite_and_flat(levels):
    grid = evaluate_grid(himmelblau(), 10)
    with pytest.raises(
        ValueError, match="levels must be a 1-D sequence of finite numbers"
    ):
        contour_lines(grid, levels)


def test_contour_lines_of_a_hand_made_grid():
    values = np.array([[0.0, 1.0], [1.0, 2.0]])
    grid = Grid(np.array([0.0, 1.0]), np.array([0.0, 1.0]), values)
    (line,) = contour_lines(grid, [1.5])
    assert sorted(zip(line.x, line.y, strict=True)) == [(0.5, 1.0), (1.0, 0.5)]


# -- gradient fields -----------------------------------------------------------


def test_arrows_sit_at_cell_centres_and_point_downhill():
    surface = himmelblau()
    field = gradient_field(surface, (5, 4))
    assert field.x.shape == field.angle.shape == (20,)
    np.testing.assert_allclose(np.unique(field.x), [-4.0, -2.0, 0.0, 2.0, 4.0])
    np.testing.assert_allclose(np.unique(field.y), [-3.75, -1.25, 1.25, 3.75])
    grad = surface.grad(field.x, field.y)
    np.testing.assert_allclose(field.u, -grad[:, 0])
    np.testing.assert_allclose(field.v, -grad[:, 1])
    np.testing.assert_allclose(field.magnitude, np.hypot(grad[:, 0], grad[:, 1]))


def test_ascent_arrows_point_uphill():
    descent = gradient_field(himmelblau(), 6)
    ascent = gradient_field(himmelblau(), 6, direction="ascent")
    np.testing.assert_allclose(ascent.u, -descent.u)
    np.testing.assert_allclose(ascent.v, -descent.v)
    np.testing.assert_allclose(np.mod(ascent.angle - descent.angle, 360), 180)


@pytest.mark.parametrize(
    ("gradient", "rotation"),
    [
        ((1.0, 0.0), 90.0),
        ((0.0, 1.0), 0.0),
        ((-1.0, 0.0), 270.0),
        ((0.0, -1.0), 180.0),
        ((1.0, 1.0), 45.0),
        ((-1.0, 1.0), 315.0),
    ],
    ids=["right", "up", "left", "down", "up_right", "up_left"],
)
def test_angle_turns_an_upward_arrow_clockwise_onto_the_gradient(gradient, rotation):
    field = gradient_field(plane(*gradient), 1, direction="ascent")
    assert field.angle[0] == pytest.approx(rotation)


def test_angle_recovers_the_arrow_direction():
    field = gradient_field(himmelblau(), 15)
    turn = np.radians(field.angle)
    direction = np.column_stack([np.sin(turn), np.cos(turn)])
    unit = np.column_stack([field.u, field.v]) / field.magnitude[:, None]
    np.testing.assert_allclose(direction, unit, atol=1e-12)
    assert np.all((field.angle >= 0) & (field.angle < 360))


def test_rotation_accounts_for_unequal_axis_scales():
    field = gradient_field(plane(1.0, 1.0), 1, direction="ascent")
    assert field.rotation(aspect=1.0)[0] == pytest.approx(45.0)
    assert field.rotation(aspect=np.sqrt(3))[0] == pytest.approx(30.0)


@pytest.mark.parametrize(
    "aspect", [0.0, -1.0, np.inf, "2"], ids=["zero", "negative", "inf", "text"]
)
def test_aspect_must_be_positive_and_finite(aspect):
    field = gradient_field(plane(), 1)
    with pytest.raises(
        ValueError, match=r"aspect must be a positive finite number, got "
    ):
        field.rotation(aspect)


def test_a_vanishing_gradient_gets_angle_zero_and_undefined_ones_nan():
    flat = gradient_field(plane(0.0, 0.0), 2)
    assert flat.angle.tolist() == [0.0] * 4
    assert flat.magnitude.tolist() == [0.0] * 4
    holes = gradient_field(half_bowl(), (4, 1))
    assert np.isnan([holes.u[0], holes.v[0], holes.magnitude[0], holes.angle[0]]).all()
    assert np.isfinite(holes.angle[1:]).all()
    assert np.isfinite(holes.x).all()
    assert np.isfinite(holes.y).all()


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"resolution": 0}, ValueError, r"resolution must lie in \[1, 200\].*got 0"),
        (
            {"resolution": 201},
            ValueError,
            r"resolution must lie in \[1, 200\].*got 201",
        ),
        ({"resolution": 1.5}, TypeError, r"resolution must be an int or a pair"),
        (
            {"direction": "down"},
            ValueError,
            r"direction must be 'descent' or 'ascent', got 'down'",
        ),
    ],
    ids=["zero", "too_many", "float", "unknown_direction"],
)
def test_gradient_field_options_are_validated(options, error, message):
    with pytest.raises(error, match=message):
        gradient_field(himmelblau(), **options)


def test_domain_can_be_overridden():
    field = gradient_field(himmelblau(), 2, domain=((0, 1), (0, 2)))
    np.testing.assert_allclose(np.unique(field.x), [0.25, 0.75])
    np.testing.assert_allclose(np.unique(field.y), [0.5, 1.5])


@pytest.mark.parametrize("name", surface_names())
def test_the_fast_path_for_finite_grids_draws_the_same_lines(name):
    grid = evaluate_grid(get_surface(name), 90)
    assert np.isfinite(grid.values).all()
    levels = np.asarray(contour_levels(grid.values, 15), dtype=float)

    fast, general = (
        _finite_contour_lines(grid, levels),
        _masked_contour_lines(grid, levels),
    )

    assert [line.level for line in fast] == [line.level for line in general]
    for ours, theirs in zip(fast, general, strict=True):
        np.testing.assert_array_equal(ours.x, theirs.x)
        np.testing.assert_array_equal(ours.y, theirs.y)
