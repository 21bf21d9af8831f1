import numpy as np
import pytest

from lossviz_widgets.engine.basins import DIVERGED, UNSETTLED, BasinMap, basins
from lossviz_widgets.engine.optimizers import GD, Adam
from tests.surfaces import himmelblau, linear_network, shelf, stiff_quadratic

HIMMELBLAU_MINIMA = [
    (3.0, 2.0),
    (-2.805118, 3.131313),
    (-3.779310, -3.283186),
    (3.584428, -1.848127),
]


@pytest.fixture(scope="module")
def himmelblau_map() -> BasinMap:
    return basins(himmelblau(), GD(lr=0.01), resolution=41, steps=300)


def test_himmelblau_map_has_the_four_minima_and_every_start(himmelblau_map):
    assert himmelblau_map.labels.shape == (41, 41)
    assert himmelblau_map.labels.dtype.kind == "i"
    found = sorted((round(p.x, 5), round(p.y, 5)) for p in himmelblau_map.minima)
    expected = sorted((round(x, 5), round(y, 5)) for x, y in HIMMELBLAU_MINIMA)
    assert found == expected
    counts = himmelblau_map.counts()
    assert sum(counts.values()) == 41**2
    assert list(counts) == [0, 1, 2, 3, DIVERGED, UNSETTLED]
    assert all(counts[label] > 100 for label in range(4))


@pytest.mark.parametrize(
    "minimum", HIMMELBLAU_MINIMA, ids=lambda m: f"({m[0]:g},{m[1]:g})"
)
def test_starts_at_and_next_to_a_minimum_are_labelled_by_it(himmelblau_map, minimum):
    index = [
        i
        for i, p in enumerate(himmelblau_map.minima)
        if np.hypot(p.x - minimum[0], p.y - minimum[1]) < 1e-5
    ]
    assert len(index) == 1
    column = np.argmin(np.abs(himmelblau_map.x - minimum[0]))
    row = np.argmin(np.abs(himmelblau_map.y - minimum[1]))
    near = himmelblau_map.labels[
        max(row - 1, 0) : row + 2, max(column - 1, 0) : column + 2
    ]
    assert np.all(near == index[0])


def test_starts_exactly_on_a_minimum_stay_there():
    # The grid over [-5, 5] with 11 points per axis holds (3, 2) itself.
    basin_map = basins(himmelblau(), GD(lr=0.01), resolution=11, steps=0)
    index = next(i for i, p in enumerate(basin_map.minima) if (p.x, p.y) == (3.0, 2.0))
    assert basin_map.labels[7, 8] == index
    assert np.count_nonzero(basin_map.labels >= 0) == 1


@pytest.mark.parametrize(
    ("lr", "label"),
    [(0.19, 0), (0.21, DIVERGED)],
    ids=["below_2_over_lambda_max", "above_2_over_lambda_max"],
)
def test_the_stable_step_size_decides_between_one_basin_and_divergence(lr, label):
    basin_map = basins(stiff_quadratic(), GD(lr=lr), resolution=10, steps=500)
    assert [(p.x, p.y, p.kind) for p in basin_map.minima] == [(0.0, 0.0, "minimum")]
    assert np.all(basin_map.labels == label)


def test_a_divergent_optimizer_gives_diverged_labels_on_himmelblau():
    basin_map = basins(himmelblau(), GD(lr=0.2), resolution=20, steps=100)
    counts = basin_map.counts()
    assert counts[DIVERGED] > 0.9 * 400
    assert sum(counts.values()) == 400


def test_runs_that_run_out_of_steps_far_from_a_minimum_are_unsettled():
    basin_map = basins(himmelblau(), GD(lr=1e-4), resolution=10, steps=5)
    assert np.count_nonzero(basin_map.labels == UNSETTLED) >= 90


def test_adam_reaches_the_same_minima_near_them():
    basin_map = basins(himmelblau(), Adam(lr=0.05), resolution=21, steps=400)
    for i, minimum in enumerate(basin_map.minima):
        column = np.argmin(np.abs(basin_map.x - minimum.x))
        row = np.argmin(np.abs(basin_map.y - minimum.y))
        assert basin_map.labels[row, column] == i


def test_a_valley_of_minima_labels_starts_by_the_nearest_sample():
    basin_map = basins(linear_network(), GD(lr=0.05), resolution=(13, 13), steps=500)
    assert {p.kind for p in basin_map.minima} == {"degenerate"}
    valley = np.array([(p.x, p.y) for p in basin_map.minima])
    np.testing.assert_allclose(valley[:, 0] * valley[:, 1], 1.0, atol=1e-8)
    assert np.count_nonzero(basin_map.labels >= 0) > 0.8 * 13**2
    # From (2, 2) descent runs down the diagonal to (1, 1).
    label = basin_map.labels[
        np.flatnonzero(basin_map.y == 2.0)[0], np.flatnonzero(basin_map.x == 2.0)[0]
    ]
    assert label >= 0
    sample = basin_map.minima[label]
    assert np.hypot(sample.x - 1.0, sample.y - 1.0) < 0.5


def test_starts_on_a_flat_shelf_are_unsettled():
    basin_map = basins(shelf(), GD(lr=0.1), resolution=(9, 5), steps=200)
    shelf_columns = basin_map.x < -0.5
    assert np.all(basin_map.labels[:, shelf_columns] == UNSETTLED)


def test_a_smaller_domain_searches_only_its_own_minima():
    basin_map = basins(
        himmelblau(), GD(lr=0.01), resolution=(12, 8), steps=300, domain=(2, 4, 1, 3)
    )
    assert [(p.x, p.y) for p in basin_map.minima] == [(3.0, 2.0)]
    assert basin_map.x.tolist() == np.linspace(2, 4, 12).tolist()
    assert basin_map.y.tolist() == np.linspace(1, 3, 8).tolist()
    assert basin_map.labels.shape == (8, 12)
    assert np.all(basin_map.labels == 0)


def test_counts_include_labels_that_no_start_has():
    basin_map = basins(stiff_quadratic(), GD(lr=0.1), resolution=4, steps=400)
    assert basin_map.counts() == {0: 16, DIVERGED: 0, UNSETTLED: 0}


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        (
            {"capture": 0.0},
            ValueError,
            r"capture must be a fraction of the span in \(0, 0.5\], got 0.0",
        ),
        ({"capture": 0.6}, ValueError, r"capture must be a fraction .*got 0.6"),
        ({"capture": "0.1"}, ValueError, r"capture must be a fraction .*got '0.1'"),
        (
            {"resolution": 501},
            ValueError,
            r"resolution must lie in \[2, 500\].*got 501",
        ),
        ({"resolution": 1}, ValueError, r"resolution must lie in \[2, 500\].*got 1"),
    ],
    ids=[
        "zero_capture",
        "wide_capture",
        "text_capture",
        "too_many_starts",
        "one_start",
    ],
)
def test_options_are_validated(options, error, message):
    with pytest.raises(error, match=message):
        basins(stiff_quadratic(), GD(lr=0.1), **options)
