import io
import time

import matplotlib
import numpy as np
import pytest
from PIL import Image

from lossviz_widgets.engine import Grid, Surface, evaluate_grid, get_surface
from lossviz_widgets.views.raster import (
    COLORMAPS,
    LOG_SPREAD,
    colorize,
    convexity_overlay,
    convexity_picture,
    encode_png,
    prefers_log,
    surface_picture,
)

VIRIDIS_LOW = (68, 1, 84)
VIRIDIS_HIGH = (253, 231, 37)


def decode(png: bytes) -> np.ndarray:
    """Decode a PNG with pillow (checking every CRC) into rows top first."""
    Image.open(io.BytesIO(png)).verify()
    picture = Image.open(io.BytesIO(png))
    assert picture.mode == "RGBA"
    return np.asarray(picture)


def slope_grid(nx: int = 7, ny: int = 4) -> Grid:
    """f = x + 10 y on [0, 1]²: lowest at the bottom left, highest at the top right."""
    x, y = np.linspace(0, 1, nx), np.linspace(0, 1, ny)
    return Grid(x, y, x[np.newaxis, :] + 10 * y[:, np.newaxis])


# -- the PNG ---------------------------------------------------------------------


def test_png_decodes_to_the_grid_size_with_y_growing_upwards():
    picture = decode(surface_picture(slope_grid(nx=7, ny=4)).png)

    assert picture.shape == (4, 7, 4)
    # The PNG's first row is the top: the largest y.
    assert tuple(picture[-1, 0, :3]) == VIRIDIS_LOW  # bottom left, the minimum
    assert tuple(picture[0, -1, :3]) == VIRIDIS_HIGH  # top right, the maximum
    top_left, bottom_right = picture[0, 0, :3], picture[-1, -1, :3]
    # y weighs ten times x: top left is far up the map, bottom right low.
    assert top_left[1] > bottom_right[1]
    assert (picture[..., 3] == 255).all()


def test_encoded_rows_round_trip_through_pillow():
    rng = np.random.default_rng(0)
    rgba = rng.integers(0, 256, size=(5, 9, 4), dtype=np.uint8)

    assert (decode(encode_png(rgba)) == rgba[::-1]).all()


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf], ids=["nan", "inf", "-inf"])
def test_values_that_are_not_finite_are_transparent(bad):
    grid = slope_grid()
    values = grid.values.copy()
    values[0, 0] = bad  # bottom left
    picture = decode(surface_picture(Grid(grid.x, grid.y, values)).png)

    assert picture[-1, 0, 3] == 0
    assert (np.delete(picture[..., 3].ravel(), (3 * 7)) == 255).all()
    # The other corners keep the colours of the finite range.
    assert tuple(picture[0, -1, :3]) == VIRIDIS_HIGH


def test_an_all_nan_grid_gives_a_transparent_picture():
    grid = slope_grid()
    picture = surface_picture(Grid(grid.x, grid.y, np.full((4, 7), np.nan)))

    assert (decode(picture.png)[..., 3] == 0).all()
    assert np.isnan(picture.low)
    assert np.isnan(picture.high)


def test_a_flat_surface_takes_the_middle_colour():
    rgba = colorize(np.full((2, 3), 4.0))

    assert (rgba[..., :3] == rgba[0, 0, :3]).all()
    assert rgba[0, 0, 1] == pytest.approx(145, abs=3)  # viridis at 0.5


def test_encoding_200_by_200_is_fast_and_small():
    grid = evaluate_grid(get_surface("himmelblau"), 200)
    surface_picture(grid)  # warm the caches once
    start = time.perf_counter()
    runs = 5
    for _ in range(runs):
        picture = surface_picture(grid)
    seconds = (time.perf_counter() - start) / runs

    assert decode(picture.png).shape == (200, 200, 4)
    assert len(picture.png) < 60_000
    assert seconds < 0.1


@pytest.mark.parametrize(
    ("rgba", "match"),
    [
        (np.zeros((2, 2, 3), dtype=np.uint8), r"shape \(ny, nx, 4\), got uint8"),
        (np.zeros((2, 2, 4), dtype=float), "got float64"),
        (np.zeros((0, 2, 4), dtype=np.uint8), "at least one pixel"),
    ],
    ids=["rgb", "float", "empty"],
)
def test_encode_png_refuses_what_is_not_an_rgba_picture(rgba, match):
    with pytest.raises(ValueError, match=match):
        encode_png(rgba)


# -- colours -----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(COLORMAPS))
def test_colour_maps_follow_matplotlib(name):
    values = np.linspace(0.0, 1.0, 256)[np.newaxis]
    reference = matplotlib.colormaps[name](values[0])[:, :3] * 255

    ours = colorize(values, name)[0, :, :3].astype(float)

    assert np.abs(ours - reference).max() <= 6


@pytest.mark.parametrize("name", ["jet", ["viridis"], None], ids=repr)
def test_unknown_colour_map_is_refused_with_the_names_allowed(name):
    with pytest.raises(ValueError, match=r"colormap must be one of \['magma', 'vir"):
        colorize(np.zeros((2, 2)), name)


def test_each_picture_gets_colours_of_its_own():
    first = colorize([[0.0, 1.0]])
    first[:] = 7  # the colour map's table, shared by every call, stays as it was

    again = colorize([[0.0, 1.0]])

    assert [tuple(p[:3]) for p in again[0]] == [VIRIDIS_LOW, VIRIDIS_HIGH]


def test_colorize_refuses_values_that_are_not_a_2d_grid():
    with pytest.raises(ValueError, match=r"2-D array \(ny, nx\), got shape \(3,\)"):
        colorize(np.zeros(3))


# -- log colours ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "log"),
    [
        ("rosenbrock", True),
        ("beale", True),
        ("goldstein_price", True),
        ("himmelblau", False),
        ("convex_bowl", False),
        ("banana", False),
    ],
)
def test_log_colours_are_chosen_for_surfaces_spanning_decades(name, log):
    picture = surface_picture(evaluate_grid(get_surface(name), 100))

    assert picture.log is log
    assert picture.scale_name == ("log₁₀(f − min f)" if log else "f")


def test_the_log_threshold_is_the_spread_over_the_lower_quartile():
    heights = np.array([0.0, 1.0, 1.0, 1.0, 1.0])
    assert not prefers_log([*heights, LOG_SPREAD * 0.99])
    assert prefers_log([*heights, LOG_SPREAD * 1.01])


@pytest.mark.parametrize(
    "values",
    [[3.0, 3.0, 3.0], [np.nan, np.nan], [1.0], [np.inf, 1.0, 2.0]],
    ids=["flat", "nan", "single", "inf"],
)
def test_log_is_not_chosen_without_a_spread(values):
    assert not prefers_log(values)


def test_log_colours_spread_the_low_values_over_the_map():
    grid = evaluate_grid(get_surface("rosenbrock"), 80)
    linear = colorize(grid.values)
    logged = decode(surface_picture(grid).png)[::-1]
    low = grid.values < np.quantile(grid.values, 0.25)

    distinct_linear = len({tuple(c) for c in linear[low][:, :3]})
    distinct_log = len({tuple(c) for c in logged[low][:, :3]})

    assert distinct_log > 4 * distinct_linear


def test_log_can_be_forced_either_way():
    grid = evaluate_grid(get_surface("convex_bowl"), 20)

    assert surface_picture(grid, log=True).log
    assert not surface_picture(
        evaluate_grid(get_surface("rosenbrock"), 20), log=False
    ).log


def test_picture_extent_centres_pixels_on_grid_points():
    picture = surface_picture(slope_grid(nx=5, ny=3))

    assert picture.extent == ((-0.125, 1.125), (-0.25, 1.25))


# -- convexity --------------------------------------------------------------------


def test_overlay_is_transparent_where_convex_and_hatched_elsewhere():
    convex = np.ones((16, 16), dtype=bool)
    convex[:, 8:] = False
    overlay = convexity_overlay(convex)

    assert (overlay[:, :8, 3] == 0).all()
    alphas = set(overlay[:, 8:, 3].ravel().tolist())
    assert alphas == {30, 100}  # faint tint and stripes
    # Stripes are diagonal: one step right and one up stays on a stripe.
    stripe = overlay[..., 3] == 100
    assert (stripe[1:, 9:] == stripe[:-1, 8:-1]).all()


def test_convexity_picture_hatches_around_the_maximum_not_the_minima():
    himmelblau = get_surface("himmelblau")  # domain [-5, 5]²
    picture = decode(convexity_picture(himmelblau, pixels=100))[::-1]

    def alpha_at(x: float, y: float) -> int:
        return int(picture[int((y + 5) * 10), int((x + 5) * 10), 3])

    assert alpha_at(3.0, 2.0) == 0  # a minimum: convex
    assert alpha_at(-0.27, -0.92) > 0  # the maximum: not convex


def test_convexity_picture_keeps_pixels_about_square():
    wide = Surface.from_function(lambda x, y: x**2 - y**2, domain=(-4, 4, -1, 1))
    picture = decode(convexity_picture(wide, pixels=80))

    assert picture.shape[:2] == (20, 80)
    assert (picture[..., 3] > 0).all()  # a saddle everywhere


@pytest.mark.parametrize(
    ("pixels", "error", "match"),
    [
        (1, ValueError, r"pixels must lie in \[2, 2000\], got 1"),
        (2.5, TypeError, "pixels must be a whole number, got 2.5"),
        (True, TypeError, "got True"),
    ],
)
def test_convexity_picture_refuses_bad_sizes(pixels, error, match):
    with pytest.raises(error, match=match):
        convexity_picture(get_surface("convex_bowl"), pixels=pixels)


def test_overlay_refuses_a_mask_that_is_not_2d():
    with pytest.raises(ValueError, match=r"got shape \(4,\)"):
        convexity_overlay(np.ones(4, dtype=bool))
