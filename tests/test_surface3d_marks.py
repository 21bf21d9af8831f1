from __future__ import annotations

import ipyvolume
import ipyvolume.pylab
import ipywidgets
import numpy as np
import pytest
from ipyvolume.serialize import array_sequence_to_binary_or_json

from lossviz_widgets.views.surface3d_marks import (
    RunMarks3D,
    frames_to_json,
    new_figure,
)


def plain(sent):
    """A serialised trait with its buffers as bytes, to compare two of them."""
    if isinstance(sent, list):
        return [plain(item) for item in sent]
    if isinstance(sent, dict):
        return {key: plain(value) for key, value in sent.items()}
    if isinstance(sent, memoryview):
        return bytes(sent)
    return sent


@pytest.mark.parametrize(
    "shape", [(1, 1), (202, 1), (12, 3), (2, 500)], ids=lambda s: f"{s[0]}x{s[1]}"
)
def test_frames_are_sent_exactly_as_ipyvolume_sends_them(shape):
    frames = np.random.default_rng(7).normal(size=shape).astype(np.float32)

    sent = frames_to_json(frames)

    assert plain(sent) == plain(array_sequence_to_binary_or_json(frames))
    assert len(sent) == shape[0]
    for row, entry in zip(frames, sent, strict=True):
        assert entry["dtype"] == "float32"
        assert entry["shape"] == (shape[1],)
        np.testing.assert_array_equal(np.frombuffer(entry["data"], np.float32), row)


@pytest.mark.parametrize(
    "value",
    [
        np.arange(6.0).reshape(3, 2),  # float64: ipyvolume casts it
        np.arange(6, dtype=np.float32),  # one frame
        np.arange(6, dtype=np.float32).reshape(2, 3).T,  # not contiguous
        np.zeros((0, 3), np.float32),
        np.array(2.5, np.float32),
        None,
    ],
    ids=["float64", "1-d", "transposed", "empty", "scalar", "none"],
)
def test_other_values_go_to_ipyvolume_s_serialiser(value):
    assert plain(frames_to_json(value)) == plain(
        array_sequence_to_binary_or_json(value)
    )


def test_a_marker_sends_one_buffer_per_frame_and_coordinate(wire):
    marks = RunMarks3D(new_figure(), "#4c78a8")
    frames = np.arange(3 * 5, dtype=np.float32).reshape(3, 5, 1)
    wire.reset()

    marks.draw(np.zeros((3, 4), np.float32), frames)

    (update,) = wire.updates(marks.marker)
    assert set(update.state) == {"x", "y", "z"}
    assert len(update.state["x"]) == 5
    assert update.state["x"][0] == {"dtype": "float32", "shape": (1,)}
    paths = update.data["buffer_paths"]
    assert len(paths) == len(update.buffers) == 15
    by_path = {tuple(p): b for p, b in zip(paths, update.buffers, strict=True)}
    for axis, name in enumerate("xyz"):
        for frame in range(5):
            sent = np.frombuffer(by_path[(name, frame, "data")], np.float32)
            assert sent.tolist() == [frames[axis, frame, 0]]


def test_only_the_markers_get_the_quicker_serialiser():
    marks = RunMarks3D(new_figure(), "red")
    other = ipyvolume.Scatter(x=np.zeros(2), y=np.zeros(2), z=np.zeros(2))

    assert marks.marker.trait_metadata("x", "to_json") is frames_to_json
    assert marks.line.trait_metadata("x", "to_json") is not frames_to_json
    assert other.trait_metadata("x", "to_json") is array_sequence_to_binary_or_json
    assert isinstance(marks.marker, ipyvolume.Scatter)
    assert marks.marker.get_state()["_model_name"] == "ScatterModel"


def test_new_marks_leave_the_limits_and_pylab_as_they_were():
    figure = new_figure()
    for scale in figure.scales.values():
        scale.min, scale.max = -2.0, 3.0
    current = ipyvolume.pylab.current
    before = (current.figure, current.container, dict(current.figures))

    marks = RunMarks3D(figure, "red")
    marks.draw(np.full((3, 4), 50.0, np.float32), np.ones((3, 2, 1), np.float32))

    assert [(s.min, s.max) for s in figure.scales.values()] == [(-2.0, 3.0)] * 3
    assert (current.figure, current.container, current.figures) == before
    assert figure.scatters == [marks.line, marks.marker]


def test_hide_recolor_and_close(wire):
    marks = RunMarks3D(new_figure(), "red")
    wire.reset()

    marks.hide()
    marks.recolor("#00ff00")

    assert not marks.line.visible
    assert not marks.marker.visible
    assert [set(m.state) for m in wire.updates()] == [{"visible"}] * 2 + [{"color"}] * 2
    assert marks.marker.color.item() == "#00ff00"
    marks.close()
    assert marks.line.comm is None
    assert marks.marker.comm is None


def test_a_marker_sends_the_message_ipywidgets_would_send(wire):
    marks = RunMarks3D(new_figure(), "#4c78a8")
    frames = np.random.default_rng(3).normal(size=(3, 7, 1)).astype(np.float32)
    marks.draw(np.zeros((3, 4), np.float32), frames)
    marker = marks.marker

    wire.reset()
    marker.send_state(["x", "y", "z", "size"])
    ipywidgets.Widget.send_state(marker, ["x", "y", "z", "size"])

    quick, plain_ = wire.updates(marker)
    assert quick.data["buffer_paths"] == plain_.data["buffer_paths"]
    assert quick.state == plain_.state
    assert [bytes(b) for b in quick.buffers] == [bytes(b) for b in plain_.buffers]
    assert len(quick.buffers) == 3 * 7


def test_a_marker_keeps_what_the_browser_is_sending_up_to_date(wire):
    marker = RunMarks3D(new_figure(), "#4c78a8").marker

    # While the browser's value of a trait is being applied, a state sent
    # meanwhile replaces the value held for it, as ipywidgets does.
    with marker._lock_property(size=3):
        marker.send_state("size")
        held = marker._property_lock["size"]

    assert held == marker.size == 5
