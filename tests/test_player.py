from __future__ import annotations

import ipywidgets
import pytest
import traitlets
from ipywidgets.widgets.widget_link import Link

from lossviz_widgets.controls.player import PathPlayer
from lossviz_widgets.model import LandscapeModel, Run


@pytest.fixture
def model() -> LandscapeModel:
    return LandscapeModel("banana", [Run("gd", start=(-1.0, 1.0))], steps=60)


def model_changes(model):
    """Record every trait change of the model and of its runs."""
    seen = []
    model.observe(seen.append, names=traitlets.All)
    for run in model.runs:
        run.observe(seen.append, names=traitlets.All)
    return seen


def test_the_play_follows_the_contract_from_the_start(model):
    model.frame = 7

    player = PathPlayer(model)

    play = player.play
    assert isinstance(play, ipywidgets.Play)
    assert (play.min, play.max, play.value) == (1, 61, 8)
    assert (player.slider.min, player.slider.max, player.slider.value) == (1, 61, 8)
    assert not play.playing
    assert not play.show_repeat
    assert play.interval == player.speed.value == 50


def test_slider_speed_and_loop_are_linked_in_the_browser(model):
    player = PathPlayer(model)

    pairs = {(link.source, link.target) for link in player.links}

    assert all(isinstance(link, Link) for link in player.links)
    assert pairs == {
        ((player.play, "value"), (player.slider, "value")),
        ((player.speed, "value"), (player.play, "interval")),
        ((player.loop, "value"), (player.play, "repeat")),
    }


def test_a_frame_set_from_code_moves_only_the_players_widgets(model, wire):
    player = PathPlayer(model)
    wire.reset()

    model.frame = 12

    senders = {m.comm_id for m in wire.updates()}
    assert senders == {player.play.comm.comm_id, player.slider.comm.comm_id}
    assert [m.state for m in wire.updates(player.play)] == [{"value": 13}]
    assert [m.state for m in wire.updates(player.slider)] == [{"value": 13}]


def test_a_frame_picked_while_paused_sets_the_model_and_sends_nothing(model, wire):
    player = PathPlayer(model)
    wire.reset()

    # Dragging the slider: the browser link moves the Play, both report.
    player.slider.set_state({"value": 21})
    player.play.set_state({"value": 21})

    assert model.frame == 20
    assert wire.updates() == []


def test_the_slider_alone_is_not_heard_because_it_can_outrun_the_play(model):
    player = PathPlayer(model)

    # Pressing play: the linked slider's first tick may arrive before the
    # Play's own message saying that it plays.
    player.slider.set_state({"value": 2})
    player.play.set_state({"playing": True, "value": 2})

    assert model.frame == 0


def test_while_playing_the_kernel_changes_nothing_and_sends_nothing(model, wire):
    player = PathPlayer(model)
    player.play.set_state({"playing": True})
    seen = model_changes(model)
    wire.reset()

    for value in range(2, 40):
        player.play.set_state({"value": value})
        player.slider.set_state({"value": value})

    assert seen == []
    assert model.frame == 0
    # Not even ipywidgets' echo of a browser change leaves the kernel.
    assert wire.messages == []


def test_pausing_gives_the_model_the_frame_on_show(model, wire):
    player = PathPlayer(model)
    player.play.set_state({"playing": True})
    player.play.set_state({"value": 31})
    wire.reset()

    player.play.set_state({"playing": False})

    assert model.frame == 30
    assert wire.updates() == []


def test_stopping_returns_the_model_to_the_start(model):
    player = PathPlayer(model)
    player.play.set_state({"playing": True})
    player.play.set_state({"value": 31})

    # The stop button pauses, then rewinds to the first frame.
    player.play.set_state({"playing": False})
    player.play.set_state({"value": 1})

    assert model.frame == 0


def test_playing_to_the_end_leaves_the_model_on_the_last_frame(model):
    player = PathPlayer(model)
    player.play.set_state({"playing": True})
    for value in range(2, 62):
        player.play.set_state({"value": value})

    player.play.set_state({"playing": False})

    assert model.frame == model.steps == 60


@pytest.mark.parametrize(
    ("start", "button", "expected"),
    [(5, "forward", 6), (5, "back", 4), (0, "back", 0), (60, "forward", 60)],
    ids=["forward", "back", "back-at-start", "forward-at-end"],
)
def test_step_buttons_move_one_frame_within_the_range(model, start, button, expected):
    player = PathPlayer(model)
    model.frame = start

    getattr(player, button).click()

    assert model.frame == expected
    assert player.play.value == player.slider.value == expected + 1


def test_a_step_button_while_playing_pauses_and_steps_from_the_frame_on_show(
    model, wire
):
    player = PathPlayer(model)
    player.play.set_state({"playing": True})
    player.play.set_state({"value": 31})
    wire.reset()

    player.forward.click()

    assert not player.play.playing
    assert model.frame == 31
    assert player.play.value == 32
    states = [m.state for m in wire.updates(player.play)]
    assert states == [{"playing": False}, {"value": 32}]


def test_a_frame_set_from_code_while_playing_pauses_first(model, wire):
    player = PathPlayer(model)
    player.play.set_state({"playing": True})
    player.play.set_state({"value": 31})
    wire.reset()

    model.frame = 3

    assert [m.state for m in wire.updates(player.play)] == [
        {"playing": False, "value": 4}
    ]
    assert not player.play.playing
    assert model.frame == 3
    assert player.play.value == player.slider.value == 4


@pytest.mark.parametrize(
    ("frame", "steps", "value"),
    [(50, 20, 21), (10, 20, 11), (10, 200, 11)],
    ids=["shrink-past-frame", "shrink", "grow"],
)
def test_steps_set_from_code_change_the_range(model, wire, frame, steps, value):
    player = PathPlayer(model)
    model.frame = frame
    wire.reset()

    model.steps = steps

    assert player.play.max == player.slider.max == steps + 1
    assert player.play.value == player.slider.value == value
    assert model.frame == value - 1
    for widget in (player.play, player.slider):
        assert len(wire.updates(widget)) <= 2
        assert wire.updates(widget)[-1].state["max"] == steps + 1


def test_interval_outside_the_speed_range_is_refused(model):
    message = r"interval must lie in \[10, 1000\] milliseconds, got 5"
    with pytest.raises(ValueError, match=message):
        PathPlayer(model, interval=5)


def test_only_a_model_is_accepted():
    with pytest.raises(TypeError, match="model must be a LandscapeModel, got None"):
        PathPlayer(None)
