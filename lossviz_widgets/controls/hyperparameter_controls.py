"""The control that edits one hyperparameter, and how it shows a value.

:func:`hyperparameter_control` builds a slider or a checkbox from a
:class:`~lossviz_widgets.engine.optimizers.Hyperparameter`. A browser
drawing a slider places its value on the track and may send back a value
rounded to it; :func:`control_shows` tells such a rounding from a move, and
:func:`control_holds` tells whether a value fits a control without being
clamped, so a card knows when to rebuild its controls.
"""

from __future__ import annotations

import math
from typing import Any

import ipywidgets

from lossviz_widgets.engine.optimizers import Hyperparameter

__all__ = ["control_holds", "control_shows", "hyperparameter_control"]


def _range(hyperparameter: Hyperparameter, value: Any) -> tuple[float, float]:
    """Return the described range, widened to hold ``value``."""
    low, high = hyperparameter.low, hyperparameter.high
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        return (low, high)
    if hyperparameter.scale == "log" and value <= 0:
        return (low, high)  # a log slider cannot reach zero: it shows ``low``
    return (min(low, value), max(high, value))


def hyperparameter_control(
    hyperparameter: Hyperparameter, value: Any = None
) -> ipywidgets.ValueWidget:
    """Build the control that edits one hyperparameter.

    A ``"log"`` scale gives a ``FloatLogSlider`` without steps (a browser
    would round a drawn value to them), ``"linear"`` a ``FloatSlider`` with
    a round step, ``"int"`` an ``IntSlider`` and ``"bool"`` a ``Checkbox``.
    A slider covers the described range, widened to hold ``value`` when it
    lies outside; the help is the tooltip.

    Parameters
    ----------
    hyperparameter : Hyperparameter
        The description of the knob.
    value : float, int or bool, optional
        The value shown; the default when omitted.

    Returns
    -------
    ipywidgets.ValueWidget

    Examples
    --------
    >>> from lossviz_widgets.engine.optimizers import Adam
    >>> lr, beta1 = Adam.hyperparameters[:2]
    >>> slider = hyperparameter_control(lr, 0.05)
    >>> type(slider).__name__, slider.value, (slider.min, slider.max)
    ('FloatLogSlider', 0.05, (-5.0, 0.0))
    >>> slider = hyperparameter_control(beta1)
    >>> type(slider).__name__, slider.value, slider.step
    ('FloatSlider', 0.9, 0.001)
    """
    h = hyperparameter
    value = h.default if value is None else value
    common: dict[str, Any] = {
        "description": h.name,
        "tooltip": f"{h.name}: {h.help}",
        "style": {"description_width": "8em"},
        "layout": {"width": "100%"},
    }
    if h.scale == "bool":
        return ipywidgets.Checkbox(value=bool(value), **common)
    low, high = _range(h, value)
    if h.scale == "int":
        bounds = {"min": int(low), "max": int(high)}
        return ipywidgets.IntSlider(value=int(value), **bounds, **common)
    if h.scale == "log":
        # No step: a browser snaps a slider's value to its steps when drawing it,
        # and 0.5 on a grid of exponents would be shown and sent back as 0.501.
        exponents = {"min": math.log10(low), "max": math.log10(high), "step": None}
        return ipywidgets.FloatLogSlider(value=value, **exponents, **common)
    step = 10.0 ** math.floor(math.log10((high - low) / 100))  # 0.001 for [0, 0.999]
    bounds = {"min": low, "max": high, "step": step, "readout_format": ".4g"}
    return ipywidgets.FloatSlider(value=value, **bounds, **common)


def control_holds(
    control: ipywidgets.ValueWidget, hyperparameter: Hyperparameter, value: Any
) -> bool:
    """Tell whether ``control`` shows ``value`` without clamping it.

    Parameters
    ----------
    control : ipywidgets.ValueWidget
        A control built by :func:`hyperparameter_control`.
    hyperparameter : Hyperparameter
        The hyperparameter it edits.
    value : float, int or bool
        The value to show.

    Returns
    -------
    bool
        True for any value of a checkbox, and for a value within a slider's
        range; a log slider also holds zero and below, shown at its low end.

    Examples
    --------
    >>> from lossviz_widgets.engine.optimizers import Adam
    >>> lr = Adam.hyperparameters[0]
    >>> slider = hyperparameter_control(lr, 0.05)
    >>> control_holds(slider, lr, 0.5), control_holds(slider, lr, 5.0)
    (True, False)
    """
    if hyperparameter.scale == "bool":
        return True
    if isinstance(control, ipywidgets.FloatLogSlider):
        low, high = control.base**control.min, control.base**control.max
        return value <= 0 or low * (1 - 1e-9) <= value <= high * (1 + 1e-9)
    return bool(control.min <= value <= control.max)


def control_shows(control: ipywidgets.ValueWidget, shown: Any, value: Any) -> bool:
    """Tell whether ``shown`` is ``value`` as ``control`` places it on its track.

    Parameters
    ----------
    control : ipywidgets.ValueWidget
        A control built by :func:`hyperparameter_control`.
    shown : float, int or bool
        The value the control holds, perhaps rounded by a browser.
    value : float, int or bool
        The value it should show.

    Returns
    -------
    bool
        True when the two differ by less than half a step of the slider
        (of its exponent, for a log slider), or are equal.

    Examples
    --------
    >>> from lossviz_widgets.engine.optimizers import Adam
    >>> slider = hyperparameter_control(Adam.hyperparameters[1])
    >>> control_shows(slider, 0.9, 0.9004), control_shows(slider, 0.9, 0.902)
    (True, False)
    """
    if isinstance(control, ipywidgets.FloatLogSlider) and min(shown, value) > 0:
        tolerance = control.step / 2 if control.step else 1e-9
        return abs(math.log10(shown) - math.log10(value)) <= tolerance
    if isinstance(control, ipywidgets.FloatSlider):
        return abs(shown - value) <= control.step / 2
    return bool(shown == value)
