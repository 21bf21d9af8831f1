"""Playing the runs step by step, in the browser, without the kernel.

A :class:`PathPlayer` owns the ``Play`` widget that drives every animated
view. Its value is the frame plus one (``play.value == model.frame + 1``),
because a linked bqplot mark ignores a value of 0; the views link their
markers to it in the browser, so playback moves them with no round trip to
the kernel and keeps working in an exported page.

The kernel listens but never answers during playback: while the ``Play``
is playing, nothing is written to the model or back to the widgets. When it
pauses or stops, ``model.frame`` takes its value; when ``model.frame`` or
``model.steps`` change from code, the ``Play`` and the frame slider follow.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import ipywidgets
import traitlets

from lossviz_widgets.model import LandscapeModel
from lossviz_widgets.notices import Notice, guarded

__all__ = ["PathPlayer"]

log = logging.getLogger(__name__)


class _QuietPlay(ipywidgets.Play):
    """A ``Play`` whose value the kernel never echoes back to the browser.

    ipywidgets answers every change a browser sends with an echo of it;
    during playback that would be one message from the kernel per frame.
    One browser view needs no echo of its own change.
    """

    value = traitlets.CInt(0, help="Frame plus one.").tag(sync=True, echo_update=False)


class _QuietSlider(ipywidgets.IntSlider):
    """An ``IntSlider`` whose value the kernel never echoes back."""

    value = traitlets.CInt(0, help="Frame plus one.").tag(sync=True, echo_update=False)


#: Milliseconds between frames that the speed slider offers.
FASTEST, SLOWEST, DEFAULT_INTERVAL = 10, 1000, 50


class PathPlayer(ipywidgets.VBox):
    """Play, pause, scrub and step through the frames of every run.

    Parameters
    ----------
    model : LandscapeModel
        The model whose ``frame`` this control sets.
    interval : int
        Milliseconds between frames when playing, from 10 to 1000.

    Attributes
    ----------
    play : ipywidgets.Play
        Play and pause; its value is ``model.frame + 1``, from 1 to
        ``model.steps + 1``. Animated views link their markers to it.
    slider : ipywidgets.IntSlider
        The frame, linked to :attr:`play` in the browser.
    back, forward : ipywidgets.Button
        One step back or forward (see :meth:`step`).
    speed : ipywidgets.IntSlider
        Milliseconds between frames, linked to ``play.interval``.
    loop : ipywidgets.Checkbox
        Play again from the start, linked to ``play.repeat``.
    links : tuple of ipywidgets.Link
        The browser-side links between these widgets.
    notice : Notice
        What went wrong, if anything.

    Examples
    --------
    >>> from lossviz_widgets.model import LandscapeModel
    >>> model = LandscapeModel("banana", steps=50)
    >>> player = PathPlayer(model)
    >>> player.play.min, player.play.max, player.play.value
    (1, 51, 1)
    >>> model.frame = 10
    >>> player.play.value, player.slider.value
    (11, 11)
    >>> player.forward.click()
    >>> model.frame
    11
    >>> model.steps = 5
    >>> player.play.max, player.play.value, model.frame
    (6, 6, 5)
    """

    def __init__(
        self, model: LandscapeModel, *, interval: int = DEFAULT_INTERVAL
    ) -> None:
        if not isinstance(model, LandscapeModel):
            message = f"model must be a LandscapeModel, got {model!r}"
            raise TypeError(message)
        if not FASTEST <= interval <= SLOWEST:
            message = (
                f"interval must lie in [{FASTEST}, {SLOWEST}] milliseconds, "
                f"got {interval!r}"
            )
            raise ValueError(message)
        self.model = model
        self.notice = Notice()
        self._muted = False
        guard = guarded(self.notice, log, "following the frame")

        top = model.steps + 1
        self.play = _QuietPlay(
            value=model.frame + 1,
            min=1,
            max=top,
            interval=interval,
            show_repeat=False,
            tooltip="Play or pause the runs",
        )
        self.slider = _QuietSlider(
            value=model.frame + 1,
            min=1,
            max=top,
            description="frame",
            tooltip="Frame 1 is the start; frame k shows the point after k − 1 steps",
            layout=ipywidgets.Layout(width="360px"),
        )
        self.back = ipywidgets.Button(
            icon="step-backward",
            tooltip="One step back",
            layout=ipywidgets.Layout(width="40px"),
        )
        self.forward = ipywidgets.Button(
            icon="step-forward",
            tooltip="One step forward",
            layout=ipywidgets.Layout(width="40px"),
        )
        self.speed = ipywidgets.IntSlider(
            value=interval,
            min=FASTEST,
            max=SLOWEST,
            step=10,
            description="ms / frame",
            tooltip="Milliseconds between frames: smaller plays faster",
            style={"description_width": "initial"},
            layout=ipywidgets.Layout(width="260px"),
        )
        self.loop = ipywidgets.Checkbox(
            value=False, description="loop", indent=False, tooltip="Play again"
        )
        # The links live in the browser; keep them so they are not collected.
        self.links = (
            ipywidgets.jslink((self.play, "value"), (self.slider, "value")),
            ipywidgets.jslink((self.speed, "value"), (self.play, "interval")),
            ipywidgets.jslink((self.loop, "value"), (self.play, "repeat")),
        )

        # Only the Play is heard: the slider reaches it through the link, and
        # the slider's own messages can arrive before the Play says it plays.
        self.play.observe(guard(self._on_value), names="value")
        self.play.observe(guard(self._on_playing), names="playing")
        self.back.on_click(guard(lambda _: self.step(-1)))
        self.forward.on_click(guard(lambda _: self.step(+1)))
        model.observe(guard(self._on_frame), names="frame")
        model.observe(guard(self._on_steps), names="steps")

        buttons = ipywidgets.HBox([self.play, self.back, self.forward, self.slider])
        settings = ipywidgets.HBox([self.speed, self.loop])
        super().__init__([buttons, settings, self.notice])
        self.add_class("lossviz-path-player")

    def step(self, delta: int) -> None:
        """Pause, then move ``model.frame`` by ``delta``, kept in ``[0, steps]``.

        Examples
        --------
        >>> from lossviz_widgets.model import LandscapeModel
        >>> model = LandscapeModel("banana", steps=3)
        >>> player = PathPlayer(model)
        >>> player.step(-1); model.frame
        0
        >>> player.step(5); model.frame
        3
        """
        self.play.playing = False
        self.model.frame = min(max(self.model.frame + delta, 0), self.model.steps)

    @contextmanager
    def _quiet(self) -> Iterator[None]:
        """Ignore the widgets' changes meanwhile: model and widgets already agree."""
        self._muted, before = True, self._muted
        try:
            yield
        finally:
            self._muted = before

    # -- the browser moved: tell the model, unless playing ----------------

    def _on_value(self, change: dict[str, Any]) -> None:
        """Take a frame picked while paused; ignore the ticks of playback."""
        if self._muted or self.play.playing:
            return
        with self._quiet():
            self.model.frame = change["new"] - 1

    def _on_playing(self, change: dict[str, Any]) -> None:
        """When playback pauses or ends, the model takes the frame shown."""
        if self._muted or change["new"]:
            return
        with self._quiet():
            self.model.frame = self.play.value - 1

    # -- the model moved: the widgets follow ------------------------------

    def _on_frame(self, change: dict[str, Any]) -> None:
        """Show a frame set from code; pause first if playing."""
        if self._muted:
            return
        value = self.model.frame + 1
        with self._quiet(), self.play.hold_sync(), self.slider.hold_sync():
            self.play.playing = False
            self.play.value = value
            self.slider.value = value

    def _on_steps(self, change: dict[str, Any]) -> None:
        """Stretch or shrink the range to the new number of steps."""
        top = self.model.steps + 1
        value = self.model.frame + 1
        with self._quiet():
            for widget in (self.play, self.slider):
                with widget.hold_sync():
                    widget.max = top
                    widget.value = value
