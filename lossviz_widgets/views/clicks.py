"""Clicks on a map: the point a bqplot click reports, and where it lands.

A click on a mark of a contour map arrives as a custom message holding the
point in data coordinates. :func:`clicked_point` reads that point and
refuses a message without one; :func:`start_from_click` moves it onto the
surface's domain and rounds it to the digits a click can tell apart, giving
the start point of a run.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lossviz_widgets.engine import Domain

__all__ = ["clicked_point", "start_from_click"]

#: Decimal places a click resolves, relative to the longer side of the domain:
#: a pixel spans about 1/400 of it, so digits beyond 1/1000 are noise.
_CLICK_DIGITS = 3


def clicked_point(content: dict[str, Any]) -> tuple[float, float]:
    """Return the point a bqplot click message reports, in data coordinates.

    Parameters
    ----------
    content : dict
        The custom message a mark's ``on_element_click`` callback receives.

    Raises
    ------
    ValueError
        When the message does not hold finite ``click_x`` and ``click_y``.

    Examples
    --------
    >>> clicked_point({"data": {"click_x": 1, "click_y": 2.5}})
    (1.0, 2.5)
    >>> clicked_point({"data": {"click_x": float("nan")}})
    Traceback (most recent call last):
    ...
    ValueError: a click must report finite click_x and click_y, got {'click_x': nan}
    """
    data = content.get("data") or {}
    x, y = data.get("click_x"), data.get("click_y")
    numbers = all(isinstance(v, (int, float)) and np.isfinite(v) for v in (x, y))
    if not numbers:
        message = f"a click must report finite click_x and click_y, got {data!r}"
        raise ValueError(message)
    return float(x), float(y)


def start_from_click(domain: Domain, x: float, y: float) -> tuple[float, float]:
    """Return the start point a click at ``(x, y)`` gives a run.

    The point is moved onto ``domain`` and rounded to the digits a click
    can tell apart, about a thousandth of the longer side of the domain.

    Parameters
    ----------
    domain : Domain
        The rectangle the map shows.
    x, y : float
        The point clicked.

    Returns
    -------
    tuple of float
        The start point, inside ``domain``.

    Examples
    --------
    >>> start_from_click(Domain(-5.0, 5.0, -5.0, 5.0), 1.23456, 7.0)
    (1.23, 5.0)
    >>> start_from_click(Domain(0.0, 0.01, 0.0, 0.01), 0.001234567, 0.005)
    (0.00123, 0.005)
    """
    digits = max(0, int(np.ceil(_CLICK_DIGITS - np.log10(domain.span))))
    inside_x, inside_y = domain.clip(x, y)
    return round(float(inside_x), digits), round(float(inside_y), digits)
