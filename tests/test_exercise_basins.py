import json

import numpy as np
import pytest

from lossviz_widgets.engine import basins, endpoints, get_surface
from lossviz_widgets.engine.optimizers import make_optimizer
from lossviz_widgets.exercises import EXERCISES
from lossviz_widgets.exercises._terrain import basin_picture
from lossviz_widgets.exercises.basins import BasinsOfAttraction

SMALL = {"resolution": 40, "steps": 200}


@pytest.fixture(scope="module")
def default() -> BasinsOfAttraction:
    return BasinsOfAttraction()


def click(mark, x: float, y: float) -> None:
    """Deliver the message bqplot's Image view sends when clicked."""
    content = {"event": "element_click", "data": {"click_x": x, "click_y": y}}
    mark._handle_custom_msg(content, [])


def label_at(basin_map, x: float, y: float) -> int:
    row = np.argmin(np.abs(basin_map.y - y))
    column = np.argmin(np.abs(basin_map.x - x))
    return int(basin_map.labels[row, column])


# -- the mathematics the exercise rests on --------------------------------------


@pytest.mark.parametrize("name", ["gd", "momentum", "adam"])
def test_the_basin_of_each_minimum_contains_that_minimum(name):
    exercise = BasinsOfAttraction(optimizer=name, **SMALL)
    basin_map = exercise.basin_map

    assert len(basin_map.minima) == 4
    for index, point in enumerate(basin_map.minima):
        assert label_at(basin_map, point.x, point.y) == index


def test_changing_the_optimizer_changes_the_map_for_some_starts():
    exercise = BasinsOfAttraction(**SMALL)
    before = exercise.basin_map.labels.copy()

    exercise.optimizer_choice.value = "momentum"

    after = exercise.basin_map.labels
    changed = (before != after) & (before >= 0) & (after >= 0)
    assert 0 < changed.sum() < before.size / 2


def test_the_true_minimum_is_where_the_engine_ends_the_run(default):
    answer = default.answer
    ends = endpoints(
        get_surface("himmelblau"), make_optimizer("gd", lr=0.01), [answer["start"]], 300
    )
    target = answer["minima"][answer["true"]]
    assert np.hypot(*(ends.points[0] - target)) < 1e-3


# -- building and the answer --------------------------------------------------------


def test_the_registry_names_the_class():
    assert EXERCISES["BasinsOfAttraction"] == "basins"


def test_the_default_start_is_a_grid_point_above_the_centre(default):
    x, y = default.start
    assert x in default.basin_map.x
    assert y in default.basin_map.y
    assert (x, y) == pytest.approx((-5 / 79, -5 + 470 / 79))
    assert default.basin_map.labels.shape == (80, 80)


def test_the_answer_is_plain_json(default):
    answer = default.answer

    assert json.loads(json.dumps(answer)) == answer
    assert answer["optimizer"] == {"name": "GD", "lr": 0.01}
    assert list(answer["minima"]) == ["A", "B", "C", "D"]
    assert answer["minima"]["A"] == pytest.approx([3.0, 2.0])
    assert answer["true"] == "A"
    assert answer["prediction"] == ""
    assert sum(answer["shares"].values()) == pytest.approx(1.0)
    assert answer["shares"]["A"] == pytest.approx(0.2559375)
    assert answer["path_start"] is None


def test_the_map_is_the_basin_picture(default):
    png, extent = basin_picture(default.basin_map)
    image = default.surface_marks.image
    assert image.image.value == png
    assert image.x.tolist() == list(extent[0])
    assert '#e45756">■</span> A</td><td>26%</td>' in default.legend.value
    assert "diverges</td><td>0%</td>" in default.legend.value


# -- the check -------------------------------------------------------------------


def test_no_prediction_fails():
    assert BasinsOfAttraction(**SMALL).check().wrong == (
        "pick where the run from the gold diamond ends",
    )


def test_a_right_prediction_passes_and_a_wrong_one_is_explained():
    exercise = BasinsOfAttraction(**SMALL)
    true = exercise.answer["true"]
    exercise.prediction.value = "C" if true != "C" else "D"

    wrong = exercise.check().wrong[0]
    assert wrong.startswith("the run from (0.128, 0.897) with GD with lr 0.01")
    assert "read the colour under the diamond" in wrong

    exercise.prediction.value = true
    assert exercise.check().passed


def test_momentum_and_adam_send_the_default_start_elsewhere():
    exercise = BasinsOfAttraction()
    exercise.prediction.value = "A"
    assert exercise.check().passed

    exercise.optimizer_choice.value = "momentum"

    assert exercise.answer["true"] == "B"
    assert not exercise.check().passed
    exercise.prediction.value = "B"
    assert exercise.check().passed

    exercise.optimizer_choice.value = "adam"
    assert exercise.answer["true"] == "settles nowhere"


def test_a_new_optimizer_sends_a_new_picture(wire):
    exercise = BasinsOfAttraction(**SMALL)
    image = exercise.surface_marks.image
    old = image.image
    wire.reset()

    exercise.lr_slider.value = 0.003

    assert image.image is not old
    assert any("image" in m.state for m in wire.updates(image))
    assert exercise.answer["lr"] == pytest.approx(0.003)
    assert exercise.probe.optimizer.lr == pytest.approx(0.003)


def test_a_click_draws_the_path_from_there():
    exercise = BasinsOfAttraction(**SMALL)
    assert not exercise.probe_marks.path.visible

    click(exercise.surface_marks.image, 1.0, -1.0)

    assert exercise.probe_marks.path.visible
    assert exercise.probe_marks.path.x[0] == 1.0
    answer = exercise.answer
    assert answer["path_start"] == [1.0, -1.0]
    assert answer["path_end"] == pytest.approx(answer["minima"]["B"], abs=1e-3)


def test_the_check_button_fills_the_feedback():
    exercise = BasinsOfAttraction(**SMALL)

    exercise.check_button.click()

    assert exercise.feedback.value.startswith("<b>Not yet.</b>")


# -- the author's settings ---------------------------------------------------------


def test_the_author_sets_surface_optimizer_lr_steps_start_and_resolution():
    exercise = BasinsOfAttraction(
        surface="six_hump_camel", optimizer="adam", lr=0.05, steps=100,
        start=(1.0, 0.5), resolution=30,
    )  # fmt: skip

    answer = exercise.answer
    assert answer["surface"] == "six_hump_camel"
    assert answer["optimizer"]["name"] == "Adam"
    assert exercise.basin_map.labels.shape == (30, 30)
    assert len(answer["minima"]) == 6
    expected = basins(
        get_surface("six_hump_camel"), make_optimizer("adam", lr=0.05),
        resolution=30, steps=100,
    )  # fmt: skip
    assert (exercise.basin_map.labels == expected.labels).all()
    assert answer["start"] == pytest.approx([1.0, 0.5], abs=0.1)


@pytest.mark.parametrize("locked", [True, False])
def test_locked_disables_the_settings_but_not_the_prediction(locked):
    exercise = BasinsOfAttraction(locked=locked, **SMALL)
    assert exercise.optimizer_choice.disabled is locked
    assert exercise.lr_slider.disabled is locked
    assert not exercise.prediction.disabled


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"optimizer": "lbfgs"}, ValueError, "optimizer must be one of"),
        ({"lr": 0.5}, ValueError, r"lr must lie in \[0.0001, 0.1\], got 0.5"),
        ({"lr": "0.1"}, TypeError, "lr must be a number, got '0.1'"),
        ({"steps": 5000}, ValueError, r"steps must lie in \[10, 2000\]"),
        ({"resolution": 1000}, ValueError, r"resolution must lie in \[20, 200\]"),
        ({"resolution": 50.5}, TypeError, "resolution must be a whole number"),
        ({"start": (9, 9)}, ValueError, "start must lie in the domain"),
        ({"surface": "nope"}, ValueError, "unknown surface 'nope'"),
        ({"locked": None}, TypeError, "locked must be True or False"),
    ],
    ids=lambda value: str(value)[:24],
)
def test_bad_arguments_are_refused(kwargs, error, match):
    with pytest.raises(error, match=match):
        BasinsOfAttraction(**kwargs)


def test_a_failing_recompute_shows_in_the_notice(monkeypatch):
    exercise = BasinsOfAttraction(**SMALL)

    def broken():
        raise RuntimeError("out of memory")

    monkeypatch.setattr(exercise, "_compute_map", broken)
    exercise.optimizer_choice.value = "adam"

    assert exercise.notice.text == "Error while computing the basins: out of memory"


def test_a_bad_click_shows_in_the_notice():
    exercise = BasinsOfAttraction(**SMALL)

    click(exercise.surface_marks.image, float("nan"), 0.0)

    assert exercise.notice.text.startswith(
        "Error while drawing the path: a click must report finite click_x"
    )
    assert not exercise.probe.visible
