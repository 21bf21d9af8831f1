"""The ipyvolume marks of the 3D view: a figure, and each run's line and marker.

Marks are made with the ``ipyvolume.pylab`` functions, which build widget
states that a kernel serialises; pylab's global current figure is set only
while a mark is made and restored afterwards.

A run's marker holds one frame per value of the player, each a buffer of
its own, as ipyvolume's browser side expects. ipyvolume's own serialiser
examines every frame in Python, and ipywidgets then searches every frame
again for its buffer; together they cost more than any other step of a
surface change. :func:`frames_to_json` builds the same entries directly,
and a marker sends them with their buffers already sorted out: the message
is the one ipywidgets would send, built without the search.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import ipyvolume
import ipyvolume.pylab
import ipywidgets
import numpy as np
from ipyvolume.serialize import array_sequence_serialization
from ipywidgets.widgets.widget import _remove_buffers
from traittypes import Array

__all__ = ["FrameEntries", "RunMarks3D", "frames_to_json", "new_figure", "new_mesh"]

# ipyvolume's name for float32 data, and its serialiser of sequence traits.
_FLOAT32 = "float32"
_SEQUENCE_TO_JSON = array_sequence_serialization["to_json"]
_FRAME_TRAITS = ("x", "y", "z")
_MARKER_SIZE = 5


def frames_to_json(frames: Any, widget: Any = None) -> Any:
    """Serialise a sequence trait the way ipyvolume does, in a fraction of the time.

    A float32 array of shape ``(frames, points)`` becomes one
    ``{"data", "dtype", "shape"}`` entry per frame, whose ``data`` is a
    view of that row: exactly the message ipyvolume writes, built without
    inspecting each frame. Anything else goes to ipyvolume's serialiser.

    Parameters
    ----------
    frames : array_like
        The value of the trait, usually a C-contiguous float32 array of
        shape ``(frames, points)``.
    widget : ipywidgets.Widget, optional
        The widget sending it, as ipywidgets passes it; unused.

    Returns
    -------
    FrameEntries, or what ipyvolume's serialiser returns

    Examples
    --------
    >>> sent = frames_to_json(np.arange(6, dtype=np.float32).reshape(3, 2))
    >>> len(sent), sent[1]["dtype"], sent[1]["shape"], sent[1]["data"].tolist()
    (3, 'float32', (2,), [2.0, 3.0])
    """
    regular = (
        isinstance(frames, np.ndarray)
        and frames.ndim == 2
        and frames.dtype == np.float32
        and frames.flags.c_contiguous
        and frames.size > 0
    )
    if not regular:
        return _SEQUENCE_TO_JSON(frames, widget)
    return FrameEntries(frames)


class FrameEntries(list):
    """The entries :func:`frames_to_json` makes: a list, and their buffers apart.

    As a list it holds one ``{"data", "dtype", "shape"}`` dict per frame,
    what any serialiser of widget state expects. :meth:`split` gives the
    same with each ``data`` taken out, the form a widget message carries.

    Parameters
    ----------
    frames : ndarray, shape (frames, points)
        C-contiguous float32 rows, one per frame.

    Examples
    --------
    >>> entries = FrameEntries(np.arange(4, dtype=np.float32).reshape(2, 2))
    >>> skeleton, buffers = entries.split()
    >>> skeleton[1], np.frombuffer(buffers[1], np.float32).tolist()
    ({'dtype': 'float32', 'shape': (2,)}, [2.0, 3.0])
    >>> entries[1]["data"] is buffers[1]
    True
    """

    def __init__(self, frames: np.ndarray) -> None:
        self.shape = frames.shape[1:]
        self.buffers = [memoryview(row) for row in frames]
        super().__init__(
            {"data": data, "dtype": _FLOAT32, "shape": self.shape}
            for data in self.buffers
        )

    def split(self) -> tuple[list[dict[str, Any]], list[memoryview]]:
        """Return the entries without their data (one dict, repeated), and the data."""
        described = {"dtype": _FLOAT32, "shape": self.shape}
        return [described] * len(self.buffers), self.buffers


class _SendsFramesQuickly:
    """A widget whose frame entries skip ipywidgets' search for buffers.

    ``send_state`` is ipywidgets' own, except that values which are
    :class:`FrameEntries` are split by :meth:`FrameEntries.split` rather
    than searched entry by entry: the same state, buffer paths and buffers.
    """

    def send_state(self, key: Any = None) -> None:
        """Send the state of ``key`` (a name or names), or all of it."""
        state = self.get_state(key=key)
        if not state:
            return
        if self._property_lock:  # keep what the browser is told up to date
            for name, value in state.items():
                if name in self._property_lock:
                    self._property_lock[name] = value
        quick = {n: state.pop(n) for n in list(state) if type(state[n]) is FrameEntries}
        state, paths, buffers = _remove_buffers(state)
        for name, entries in quick.items():
            state[name], data = entries.split()
            paths.extend([[name, index, "data"] for index in range(len(data))])
            buffers += data
        message = {"method": "update", "state": state, "buffer_paths": paths}
        self._send(message, buffers=buffers)


@contextmanager
def _drawing_on(figure: ipyvolume.Figure) -> Iterator[None]:
    """Make ``figure`` pylab's current figure inside the block only."""
    current = ipyvolume.pylab.current
    saved = (current.figure, current.container, current.material)
    current.figure, current.material = figure, None
    try:
        with warnings.catch_warnings():
            # pylab passes options that its own Scatter does not declare.
            warnings.filterwarnings(
                "ignore", "Passing unrecognized arguments", DeprecationWarning
            )
            yield
    finally:
        current.figure, current.container, current.material = saved


def new_figure(**options: Any) -> ipyvolume.Figure:
    """Create a figure with pylab, leaving pylab's registry as it was.

    Parameters
    ----------
    **options
        Passed to ``ipyvolume.pylab.figure``, such as ``width`` and ``height``.

    Returns
    -------
    ipyvolume.Figure
        A figure without pylab's legend and container.

    Examples
    --------
    >>> figure = new_figure(width=200, height=150)
    >>> figure.width, figure.scatters
    (200, [])
    """
    current = ipyvolume.pylab.current
    saved = (current.figure, current.container, current.material)
    key = object()
    try:
        figure = ipyvolume.pylab.figure(key=key, controls=False, **options)
        # The legend and container pylab adds are never shown here.
        container = current.containers.pop(key)
        current.figures.pop(key)
        container.legend.close()
        container.close()
    finally:
        current.figure, current.container, current.material = saved
    return figure


def new_mesh(figure: ipyvolume.Figure, x: Any, y: Any) -> ipyvolume.Mesh:
    """Add a flat mesh over the grid ``x``, ``y`` to ``figure``, made with pylab.

    Parameters
    ----------
    figure : ipyvolume.Figure
        The figure to draw in.
    x, y : ndarray, shape (ny, nx)
        The vertices, as from ``np.meshgrid``; the heights start at 0.

    Returns
    -------
    ipyvolume.Mesh
        Its coordinates flattened to ``(ny * nx,)``, as pylab leaves them.

    Examples
    --------
    >>> figure = new_figure()
    >>> X, Y = np.meshgrid(np.arange(3.0), np.arange(2.0))
    >>> mesh = new_mesh(figure, X, Y)
    >>> figure.meshes == [mesh], mesh.z.shape
    (True, (6,))
    """
    with _drawing_on(figure):
        return ipyvolume.pylab.plot_surface(x, y, np.zeros_like(x))


def _fast_frames(marker: ipyvolume.Scatter) -> None:
    """Give ``marker`` coordinate traits serialised by :func:`frames_to_json`."""
    from_json = array_sequence_serialization["from_json"]
    # add_traits gives this one widget a subclass of its own: other
    # scatters, and the state of this one, are left as they were.
    marker.add_traits(
        **{
            name: Array(default_value=None).tag(
                sync=True, to_json=frames_to_json, from_json=from_json
            )
            for name in _FRAME_TRAITS
        }
    )
    # The same class, sending its frames without the search for buffers.
    own = type(marker)
    marker.__class__ = type(own.__name__, (_SendsFramesQuickly, own), {})


class RunMarks3D:
    """One run in the 3D figure: its path as a line and a marker that plays.

    Parameters
    ----------
    figure : ipyvolume.Figure
        The figure to draw in; its limits are left as they were.
    color : str
        CSS colour of the line and the marker.

    Attributes
    ----------
    line : ipyvolume.Scatter
        The path, a connected line.
    marker : ipyvolume.Scatter
        Positions of shape ``(frames, 1)``; ``sequence_index`` picks the
        frame shown.
    link : ipywidgets.Link or None
        The browser-side link from a ``Play`` to the marker's frame.

    Examples
    --------
    >>> figure = new_figure()
    >>> marks = RunMarks3D(figure, "#e45756")
    >>> path = np.zeros((3, 4), np.float32)
    >>> marks.draw(path, np.ones((3, 12, 1), np.float32))
    >>> marks.line.x.shape, marks.marker.x.shape, marks.marker.color.item()
    ((4,), (12, 1), '#e45756')
    >>> figure.scatters == [marks.line, marks.marker]
    True
    """

    def __init__(self, figure: ipyvolume.Figure, color: str) -> None:
        scales = figure.scales.values()
        limits = [(scale.min, scale.max) for scale in scales]
        with _drawing_on(figure):
            self.line = ipyvolume.pylab.plot(*np.zeros((3, 2), np.float32), color=color)
            self.marker = ipyvolume.pylab.scatter(
                *np.zeros((3, 2, 1), np.float32), color=color, marker="sphere",
                size=_MARKER_SIZE, grow_limits=False, description="marker",
            )  # fmt: skip
        _fast_frames(self.marker)
        # pylab grows the limits to the new line; they stay those of the domain.
        for scale, (low, high) in zip(scales, limits, strict=True):
            scale.min, scale.max = low, high
        self.link: ipywidgets.widgets.widget_link.Link | None = None

    @property
    def marks(self) -> tuple[ipyvolume.Scatter, ipyvolume.Scatter]:
        """The line and the marker."""
        return (self.line, self.marker)

    def draw(self, path: np.ndarray, frames: np.ndarray) -> None:
        """Send the line and the marker's frames, and show both.

        ``path`` is ``(3, points)`` and ``frames`` ``(3, frames, 1)``: x, y
        and z, as float32.
        """
        for mark, coordinates in ((self.line, path), (self.marker, frames)):
            with mark.hold_sync():
                mark.x, mark.y, mark.z = coordinates
                mark.visible = True

    def hide(self) -> None:
        """Hide the line and the marker, keeping what they hold."""
        for mark in self.marks:
            mark.visible = False

    def recolor(self, color: str) -> None:
        """Give the line and the marker a new CSS colour."""
        for mark in self.marks:
            mark.color = color

    def follow(self, play: ipywidgets.Play) -> None:
        """Link the marker's frame to ``play`` in the browser, replacing any link."""
        if self.link is not None:
            self.link.close()
        self.link = ipywidgets.jslink((play, "value"), (self.marker, "sequence_index"))

    def close(self) -> None:
        """Close the marks and the link."""
        for widget in (*self.marks, *([self.link] if self.link else [])):
            widget.close()
