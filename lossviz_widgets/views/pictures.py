"""A bqplot ``Image`` mark whose picture changes without opening a widget.

A bqplot ``Image`` mark redraws when its ``image`` trait points to another
image widget, not when the widget it shows gets new bytes. Giving it a new
widget for every picture works, but the browser must then build a widget
model before it can draw, which waits behind whatever else the kernel has
sent. :class:`FlipImage` keeps two image widgets instead: a new picture goes
into the one not shown, and the mark switches to it, so each change sends
two small updates and no widget is opened or closed.
"""

from __future__ import annotations

from typing import Any

import bqplot
import ipywidgets
import numpy as np

__all__ = ["FlipImage"]


class FlipImage:
    """An ``Image`` mark and the two image widgets it shows by turns.

    Parameters
    ----------
    scales : dict
        The ``x`` and ``y`` scales of the figure.
    png : bytes
        The picture to show first; ``b""`` shows nothing.
    layout : ipywidgets.Layout, optional
        A layout shared by the image widgets, so none opens its own.
    **options
        Passed to ``bqplot.Image``, such as ``pixelated`` or ``visible``.

    Attributes
    ----------
    mark : bqplot.Image
        The mark; ``mark.image`` is the widget shown.

    Examples
    --------
    >>> scales = {"x": bqplot.LinearScale(), "y": bqplot.LinearScale()}
    >>> picture = FlipImage(scales, b"first")
    >>> shown = picture.mark.image
    >>> picture.show(b"second", ((0.0, 1.0), (0.0, 2.0)))
    >>> picture.mark.image is shown, bytes(picture.mark.image.value)
    (False, b'second')
    >>> picture.mark.y.tolist()
    [0.0, 2.0]
    >>> picture.show(b"third", ((0.0, 1.0), (0.0, 2.0)))
    >>> picture.mark.image is shown, bytes(shown.value)
    (True, b'third')
    """

    def __init__(
        self,
        scales: dict[str, Any],
        png: bytes,
        layout: ipywidgets.Layout | None = None,
        **options: Any,
    ) -> None:
        layout = layout if layout is not None else ipywidgets.Layout()
        self._images = [
            ipywidgets.Image(value=png, format="png", layout=layout) for _ in range(2)
        ]
        self.mark = bqplot.Image(image=self._images[0], scales=scales, **options)

    @property
    def images(self) -> tuple[ipywidgets.Image, ipywidgets.Image]:
        """Both image widgets, the one shown first."""
        shown = self.mark.image
        hidden = self._images[1] if shown is self._images[0] else self._images[0]
        return (shown, hidden)

    def show(self, png: bytes, extent: Any) -> None:
        """Show ``png`` spanning ``extent``, ``((x0, x1), (y0, y1))``.

        The bytes go first into the widget not shown, then the mark moves
        to it with its new extent in one message; the browser has the
        picture by the time the mark asks for it.
        """
        hidden = self.images[1]
        hidden.value = png
        with self.mark.hold_sync():
            self.mark.image = hidden
            x, y = (np.asarray(span, dtype=float) for span in extent)
            self.mark.x, self.mark.y = x, y
            self.mark.visible = True

    def close(self) -> None:
        """Close the mark and both image widgets (not their shared layout)."""
        self.mark.close()
        for image in self._images:
            image.close()
