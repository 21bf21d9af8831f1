from __future__ import annotations

import asyncio
import gc
import math
import weakref
from dataclasses import dataclass
from typing import Any, ClassVar

import ipywidgets
import pytest

from lossviz_widgets.controls.hyperparameter_controls import hyperparameter_control
from lossviz_widgets.controls.optimizer_panel import FULL_MESSAGE, OptimizerPanel
from lossviz_widgets.controls.run_card import CUSTOM, RunCard
from lossviz_widgets.engine.optimizers import GD, OPTIMIZERS, Adam, Momentum
from lossviz_widgets.model import MAX_RUNS, MAX_STEPS, LandscapeModel, Run

DESCRIPTIONS = [
    pytest.param(h, id=f"{key}-{h.name}")
    for key, kind in OPTIMIZERS.items()
    for h in kind.hyperparameters
]
CONTROLS = {
    "log": ipywidgets.FloatLogSlider,
    "linear": ipywidgets.FloatSlider,
    "int": ipywidgets.IntSlider,
    "bool": ipywidgets.Checkbox,
}


def two_runs() -> LandscapeModel:
    return LandscapeModel(
        "himmelblau",
        [Run("gd", start=(-3.0, 3.0)), Run("gd", start=(3.0, 3.0), color="#4c78a8")],
        steps=100,
    )


def tree(widget: ipywidgets.Widget) -> dict[str, ipywidgets.Widget]:
    """Every widget reachable from ``widget`` through its synced traits."""
    found: dict[str, ipywidgets.Widget] = {}
    stack = [widget]
    while stack:
        current = stack.pop()
        if current.model_id in found:
            continue
        found[current.model_id] = current
        for name in current.keys:
            value = getattr(current, name)
            items = value if isinstance(value, (list, tuple)) else [value]
            stack.extend(v for v in items if isinstance(v, ipywidgets.Widget))
    return found


def notifiers(owner: Any) -> int:
    return sum(
        len(handlers)
        for by_type in owner._trait_notifiers.values()
        for handlers in by_type.values()
    )


# -- one control per hyperparameter ----------------------------------------


@pytest.mark.parametrize("hyperparameter", DESCRIPTIONS)
def test_control_follows_its_description(hyperparameter):
    control = hyperparameter_control(hyperparameter)

    assert type(control) is CONTROLS[hyperparameter.scale]
    assert control.description == hyperparameter.name
    assert hyperparameter.help in control.tooltip
    assert control.value == hyperparameter.default
    if hyperparameter.scale == "log":
        assert control.min == pytest.approx(math.log10(hyperparameter.low))
        assert control.max == pytest.approx(math.log10(hyperparameter.high))
    elif hyperparameter.scale != "bool":
        assert (control.min, control.max) == (hyperparameter.low, hyperparameter.high)


def test_learning_rate_is_on_a_log_slider():
    card = RunCard(two_runs(), two_runs().runs[0])

    assert isinstance(card.controls["lr"], ipywidgets.FloatLogSlider)
    assert (card.controls["lr"].min, card.controls["lr"].max) == (-5.0, 0.0)


def test_slider_widens_to_hold_a_value_outside_its_range():
    lr = GD.hyperparameters[0]

    assert hyperparameter_control(lr, 5.0).max == pytest.approx(math.log10(5.0))
    assert hyperparameter_control(lr, 5.0).value == pytest.approx(5.0)


# -- editing one run -------------------------------------------------------


def test_lr_slider_changes_only_that_run():
    model = two_runs()
    panel = OptimizerPanel(model)
    first, second = model.runs
    kept = (first.optimizer, first.trajectory)
    before = second.trajectory

    panel.cards[1].controls["lr"].value = 0.02

    assert second.optimizer == GD(lr=0.02)
    assert second.trajectory is not before
    assert (first.optimizer, first.trajectory) == kept


def test_lr_change_of_run_1_sends_nothing_from_run_0s_card(wire):
    model = two_runs()
    panel = OptimizerPanel(model)
    first_card, second_card = panel.cards
    wire.reset()

    second_card.controls["lr"].value = 0.5

    senders = {message.comm_id for message in wire.updates()}
    assert senders
    assert senders <= set(tree(second_card))
    assert not senders & set(tree(first_card))


def test_frame_change_sends_nothing(wire):
    model = two_runs()
    OptimizerPanel(model)
    wire.reset()

    model.frame = 40

    assert wire.messages == []


def test_diverging_run_is_explained_and_the_status_follows_recomputes():
    model = two_runs()
    card = OptimizerPanel(model).cards[0]

    card.controls["lr"].value = 0.5
    assert card.status.level == "warning"
    assert card.status.text.startswith("diverged at step 2: ")
    assert "the learning rate 0.5 is above 2/λmax = 0.0256" in card.status.text

    card.controls["lr"].value = 0.01
    assert card.status.level == "info"
    assert card.status.text == (
        f"converged: loss {model.runs[0].trajectory.values[-1]:.4g} after 100 steps"
    )


def test_invalid_combination_is_shown_and_the_last_good_optimizer_kept():
    model = two_runs()
    card = RunCard(model, model.runs[0])
    card.optimizer_menu.value = "sgd"
    card.controls["momentum"].value = 0.5
    card.controls["dampening"].value = 0.2
    good = model.runs[0].optimizer

    card.controls["nesterov"].value = True

    assert card.notice.text == (
        "nesterov not applied: nesterov=True requires momentum > 0 and "
        "dampening == 0, got momentum=0.5, dampening=0.2"
    )
    assert model.runs[0].optimizer is good
    assert card.controls["nesterov"].value is False

    card.controls["dampening"].value = 0.0
    card.controls["nesterov"].value = True
    assert model.runs[0].optimizer.nesterov is True
    assert card.notice.text == ""


def test_nesterov_refuses_zero_momentum():
    model = two_runs()
    card = RunCard(model, model.runs[0])
    card.optimizer_menu.value = "nesterov"

    card.controls["momentum"].value = 0.0

    assert (
        card.notice.text == "momentum not applied: Nesterov needs momentum > 0, got 0.0"
    )
    assert model.runs[0].optimizer.momentum == 0.9
    assert card.controls["momentum"].value == 0.9


def test_choosing_an_optimizer_rebuilds_the_controls():
    model = two_runs()
    card = RunCard(model, model.runs[0])
    old_lr = card.controls["lr"]

    card.optimizer_menu.value = "adam"

    assert model.runs[0].optimizer == Adam()
    assert list(card.controls) == [h.name for h in Adam.hyperparameters]
    assert card.hyperparameter_box.children == tuple(card.controls.values())
    assert old_lr.comm is None  # closed
    assert card.controls["amsgrad"].value is False


def test_controls_of_a_recipe_act_on_the_recipe_they_belong_to():
    model = two_runs()
    card = RunCard(model, model.runs[0])
    card.optimizer_menu.value = "momentum"
    card.optimizer_menu.value = "nesterov"

    card.controls["lr"].value = 0.003

    assert model.runs[0].optimizer.name == "Nesterov"
    assert model.runs[0].optimizer.lr == 0.003


def test_an_optimizer_chosen_again_comes_back_as_it_was_left():
    model = two_runs()
    card = RunCard(model, model.runs[0])
    card.optimizer_menu.value = "adam"
    card.controls["lr"].value = 0.05

    card.optimizer_menu.value = "gd"
    card.optimizer_menu.value = "adam"

    assert model.runs[0].optimizer == Adam(lr=0.05)
    assert card.controls["lr"].value == pytest.approx(0.05)


def test_a_change_in_code_shows_in_the_controls_without_being_sent_back():
    model = two_runs()
    card = RunCard(model, model.runs[0])
    slider = card.controls["lr"]

    model.runs[0].set_hyperparameter("lr", 0.2)
    assert card.controls["lr"] is slider
    assert slider.value == pytest.approx(0.2)

    model.runs[0].set_hyperparameter("lr", 5.0)
    assert model.runs[0].optimizer.lr == 5.0
    assert card.controls["lr"].value == pytest.approx(5.0)
    assert card.controls["lr"].max == pytest.approx(math.log10(5.0))


def test_slider_changes_go_through_latest_wins():
    model = two_runs()
    card = RunCard(model, model.runs[0])
    recomputes = []
    model.runs[0].observe(recomputes.append, names="trajectory")

    async def drag() -> None:
        for value in (0.02, 0.03, 0.04):
            card.controls["lr"].value = value
        assert model.runs[0].optimizer.lr == 0.01  # nothing applied yet
        await asyncio.sleep(0.2)

    asyncio.run(drag())

    assert model.runs[0].optimizer.lr == 0.04
    assert len(recomputes) == 1


@pytest.mark.parametrize(
    ("optimizer", "name", "drawn"),
    [
        pytest.param(GD(lr=0.5), "lr", 0.5000000000000001, id="log-float-noise"),
        pytest.param(Momentum(momentum=0.12345), "momentum", 0.123, id="linear-step"),
    ],
)
def test_a_browser_rounding_a_value_it_draws_changes_nothing(optimizer, name, drawn):
    model = LandscapeModel("himmelblau", [Run(optimizer)], steps=10)
    card = RunCard(model, model.runs[0])
    recomputes = []
    model.runs[0].observe(recomputes.append, names="trajectory")

    card.controls[name].value = drawn

    assert model.runs[0].optimizer is optimizer
    assert recomputes == []
    card.controls[name].value = drawn + 0.002  # a real move, of two steps
    assert model.runs[0].optimizer.values()[name] == pytest.approx(drawn + 0.002)


def test_log_slider_has_no_steps_to_snap_to():
    assert hyperparameter_control(GD.hyperparameters[0], 0.5).step is None


@dataclass(frozen=True)
class SlowGD(GD):
    name: ClassVar[str] = "Slow GD"


def test_an_optimizer_outside_the_registry_stays_on_the_menu():
    model = LandscapeModel("himmelblau", [Run(SlowGD(lr=0.001))], steps=10)
    card = RunCard(model, model.runs[0], optimizers=["gd"])

    assert card.optimizer_menu.options == (("GD", "gd"), ("Slow GD", CUSTOM))
    card.optimizer_menu.value = "gd"
    card.optimizer_menu.value = CUSTOM
    assert model.runs[0].optimizer == SlowGD(lr=0.001)


# -- start, colour, visibility ----------------------------------------------


def test_typed_start_moves_the_run():
    model = two_runs()
    card = RunCard(model, model.runs[0])

    card.start_x.value = 1.5

    assert model.runs[0].start == (1.5, 3.0)
    assert model.runs[0].trajectory.points[0].tolist() == [1.5, 3.0]


def test_typed_start_outside_the_domain_is_moved_onto_it():
    model = two_runs()
    card = RunCard(model, model.runs[0])

    card.start_y.value = 9.0

    assert model.runs[0].start == (-3.0, 5.0)
    assert (card.start_x.value, card.start_y.value) == (-3.0, 5.0)
    assert card.notice.level == "warning"
    assert card.notice.text == (
        "start (-3, 9) lies outside the surface, x in [-5, 5] and y in [-5, 5]: "
        "moved to (-3, 5)"
    )


def test_start_set_in_code_shows_in_the_boxes_and_recomputes_once():
    model = two_runs()
    card = RunCard(model, model.runs[0])
    recomputes = []
    model.runs[0].observe(recomputes.append, names="trajectory")

    model.runs[0].start = (0.5, -1.0)

    assert (card.start_x.value, card.start_y.value) == (0.5, -1.0)
    assert len(recomputes) == 1


def test_colour_and_visibility_go_both_ways():
    model = two_runs()
    card = RunCard(model, model.runs[0])

    card.color_picker.value = "#123456"
    card.visible_toggle.value = False
    assert (model.runs[0].color, model.runs[0].visible) == ("#123456", False)

    model.runs[0].color = "#abcdef"
    model.runs[0].visible = True
    assert (card.color_picker.value, card.visible_toggle.value) == ("#abcdef", True)


def test_a_colour_the_picker_cannot_show_is_reported_not_raised():
    model = two_runs()
    card = RunCard(model, model.runs[0])

    model.runs[0].color = "not a colour"

    assert card.notice.text == (
        "color must be a CSS colour such as '#e45756' or 'teal', got 'not a colour'"
    )


# -- the panel: the set of runs ---------------------------------------------


def test_restricted_menu():
    model = LandscapeModel("himmelblau", [Run("gd"), Run("adam")], steps=10)
    panel = OptimizerPanel(model, optimizers=["gd", "momentum"])

    gd_menu, adam_menu = (card.optimizer_menu.options for card in panel.cards)
    assert gd_menu == (("GD", "gd"), ("Momentum", "momentum"))
    assert adam_menu == (*gd_menu, ("Adam", "adam"))


@pytest.mark.parametrize(
    ("optimizers", "error", "match"),
    [
        pytest.param(
            ["gd", "adamax"], ValueError, r"got \['gd', 'adamax'\]", id="unknown"
        ),
        pytest.param([], ValueError, "at least one of: gd, momentum", id="empty"),
        pytest.param("adam", TypeError, "list of names such as", id="string"),
    ],
)
def test_bad_optimizer_list_is_refused(optimizers, error, match):
    with pytest.raises(error, match=match):
        OptimizerPanel(two_runs(), optimizers=optimizers)


def test_add_duplicate_remove():
    model = LandscapeModel("himmelblau", steps=10)
    panel = OptimizerPanel(model, optimizers=["momentum", "adam"])

    panel.add_button.click()
    assert model.runs[1].optimizer.name == "Momentum"
    assert model.selected == 1

    panel.cards[1].controls["lr"].value = 0.05
    panel.cards[1].duplicate_button.click()
    copy = model.runs[2]
    assert (copy.optimizer, copy.start) == (
        model.runs[1].optimizer,
        model.runs[1].start,
    )
    assert model.selected == 2
    assert len({run.color for run in model.runs}) == 3

    removed = panel.cards[1]
    removed.remove_button.click()
    assert model.runs == [model.runs[0], copy]
    assert panel.cards_box.children == panel.cards
    assert removed not in panel.cards
    assert [card.select_button.description for card in panel.cards] == [
        "run 1",
        "run 2",
    ]


def test_max_runs_is_explained():
    model = LandscapeModel("himmelblau", steps=10)
    panel = OptimizerPanel(model)
    for _ in range(MAX_RUNS - 1):
        panel.add_button.click()

    assert len(model.runs) == MAX_RUNS
    assert panel.add_button.disabled
    assert all(card.duplicate_button.disabled for card in panel.cards)
    assert (
        panel.notice.text
        == FULL_MESSAGE
        == ("8 runs is the most one picture holds: remove a run to add another")
    )

    panel.add_button.click()
    panel.cards[0].duplicate_button.click()
    assert len(model.runs) == MAX_RUNS

    panel.cards[0].remove_button.click()
    assert not panel.add_button.disabled
    assert not any(card.duplicate_button.disabled for card in panel.cards)
    assert panel.notice.text == ""


def test_selection_goes_both_ways_and_one_run_stays_selected(wire):
    model = LandscapeModel("himmelblau", [Run("gd"), Run("adam")], steps=10)
    panel = OptimizerPanel(model)
    first, second = panel.cards

    second.select_button.value = True
    assert model.selected == 1
    assert (first.select_button.value, second.select_button.value) == (False, True)
    assert second.layout.border == f"2px solid {model.runs[1].color}"

    wire.reset()
    model.selected = 0
    assert (first.select_button.value, second.select_button.value) == (True, False)
    assert len(wire.updates()) == 4  # two buttons, two frames

    first.select_button.value = False
    assert model.selected == 0
    assert first.select_button.value is True


def test_steps_slider():
    model = two_runs()
    panel = OptimizerPanel(model)
    assert (panel.steps_slider.min, panel.steps_slider.max) == (1, MAX_STEPS)

    panel.steps_slider.value = 30
    assert model.steps == 30
    assert model.runs[1].trajectory.points.shape == (31, 2)

    model.steps = 70
    assert panel.steps_slider.value == 70


def test_locked_panel_shows_but_does_not_edit():
    model = two_runs()
    panel = OptimizerPanel(model, locked=True)
    card = panel.cards[0]
    editors = [panel.add_button, panel.steps_slider, card.optimizer_menu]
    editors += [card.color_picker, card.start_x, card.start_y, card.remove_button]
    editors += [card.duplicate_button, *card.controls.values()]

    assert all(widget.disabled for widget in editors)
    assert not card.select_button.disabled
    assert not card.visible_toggle.disabled
    panel.add_button.click()
    card.remove_button.click()
    assert len(model.runs) == 2

    panel.locked = False
    assert not any(widget.disabled for widget in editors)


# -- teardown ----------------------------------------------------------------


def test_removed_run_is_unobserved_and_its_card_freed(wire):
    without_panel = two_runs()
    bare = without_panel.runs[1]
    without_panel.remove_run(1)
    model = two_runs()
    run = model.runs[1]
    panel = OptimizerPanel(model)
    card = weakref.ref(panel.cards[1])
    assert notifiers(run) > notifiers(bare)

    model.remove_run(1)
    gc.collect()

    assert notifiers(run) == notifiers(bare)
    assert card() is None
    wire.reset()
    run.optimizer = Adam()
    run.start = (1.0, 1.0)
    assert wire.messages == []


def test_closed_panel_unobserves_the_model():
    model = two_runs()
    alone = notifiers(model), [notifiers(run) for run in model.runs]
    panel = OptimizerPanel(model)

    panel.close()

    assert (notifiers(model), [notifiers(run) for run in model.runs]) == alone
    assert panel.steps_slider.comm is None


def test_momentum_card_shows_the_recipe_controls():
    model = LandscapeModel("himmelblau", [Run(Momentum(lr=0.001))], steps=10)
    card = RunCard(model, model.runs[0])

    assert card.optimizer_menu.value == "momentum"
    assert {k: c.value for k, c in card.controls.items()} == pytest.approx(
        {"lr": 0.001, "momentum": 0.9}
    )
