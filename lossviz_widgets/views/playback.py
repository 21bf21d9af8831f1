"""The playback layout shared by every view whose markers follow a ``Play``.

A :class:`~lossviz_widgets.controls.PathPlayer`'s ``Play`` has the value
``frame + 1``, because a linked bqplot mark ignores the value 0. A view
that links a marker to it therefore holds the start twice, then every
frame: index ``v`` shows frame ``v − 1``.
"""

from __future__ import annotations

import numpy as np

from lossviz_widgets.engine import Trajectory

__all__ = ["playback_steps"]


def playback_steps(trajectory: Trajectory) -> np.ndarray:
    """Return the step shown at each value of a linked ``Play``.

    The layout is ``[0, 0, 1, ..., steps]``, held at the run's
    :attr:`~lossviz_widgets.engine.Trajectory.last_good_step` once it has
    diverged.

    Examples
    --------
    >>> from lossviz_widgets.engine import descend, get_surface
    >>> from lossviz_widgets.engine.optimizers import GD
    >>> run = descend(get_surface("convex_bowl"), GD(lr=3.0), (1.0, 1.0), steps=12)
    >>> run.diverged_at
    9
    >>> playback_steps(run).tolist()
    [0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 8, 8, 8, 8]
    """
    steps = np.concatenate(([0], np.arange(trajectory.steps + 1)))
    return np.clip(steps, 0, max(trajectory.last_good_step, 0))
