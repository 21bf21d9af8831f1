"""The figure of a contour map: its scales, axes, margins and size.

A contour map spans the domain a grid covers, edge to edge, with no
padding. Its plot area takes the shape of the domain, within a factor of 2
of a square, so that the picture, the arrows and the paths are not
stretched more than a screen needs; :func:`fit_figure` sizes a figure so
and returns the aspect the arrows are turned for.
"""

from __future__ import annotations

from collections.abc import Sequence

import bqplot
import numpy as np

from lossviz_widgets.engine import Domain, Grid

__all__ = [
    "MARGIN",
    "fit_figure",
    "grid_domain",
    "map_figure",
    "map_scales",
    "move_scales",
]

#: Pixels between the plot area and each edge of the figure.
MARGIN = {"top": 36, "bottom": 40, "left": 48, "right": 12}


def grid_domain(grid: Grid) -> Domain:
    """Return the rectangle a grid covers, edges included.

    Parameters
    ----------
    grid : Grid
        Values of a surface on a rectangular grid.

    Returns
    -------
    Domain

    Examples
    --------
    >>> from lossviz_widgets.engine import evaluate_grid, get_surface
    >>> grid_domain(evaluate_grid(get_surface("himmelblau"), 20))
    Domain(x_min=-5.0, x_max=5.0, y_min=-5.0, y_max=5.0)
    """
    return Domain(grid.x[0], grid.x[-1], grid.y[0], grid.y[-1])


def map_scales(domain: Domain) -> dict[str, bqplot.LinearScale]:
    """Return the ``x`` and ``y`` scales of a map of ``domain``, without padding.

    Parameters
    ----------
    domain : Domain
        The rectangle the map shows.

    Returns
    -------
    dict of str to bqplot.LinearScale

    Examples
    --------
    >>> scales = map_scales(Domain(-2.0, 2.0, -1.0, 3.0))
    >>> scales["x"].min, scales["y"].max, scales["y"].allow_padding
    (-2.0, 3.0, False)
    """
    return {
        "x": bqplot.LinearScale(
            min=domain.x_min, max=domain.x_max, allow_padding=False
        ),
        "y": bqplot.LinearScale(
            min=domain.y_min, max=domain.y_max, allow_padding=False
        ),
    }


def move_scales(scales: dict[str, bqplot.LinearScale], domain: Domain) -> None:
    """Make ``scales`` span ``domain``, each scale's two bounds in one message.

    Parameters
    ----------
    scales : dict of str to bqplot.LinearScale
        The ``x`` and ``y`` scales of a map.
    domain : Domain
        The rectangle the map now shows.

    Examples
    --------
    >>> scales = map_scales(Domain(-2.0, 2.0, -1.0, 3.0))
    >>> move_scales(scales, Domain(0.0, 1.0, 0.0, 4.0))
    >>> scales["x"].max, scales["y"].max
    (1.0, 4.0)
    """
    for axis, bounds in (("x", domain.x_range), ("y", domain.y_range)):
        with scales[axis].hold_sync():
            scales[axis].min, scales[axis].max = bounds


def map_figure(
    scales: dict[str, bqplot.LinearScale], marks: Sequence[bqplot.Mark]
) -> bqplot.Figure:
    """Return a figure of ``marks`` with plain axes on ``scales``.

    The figure has the margins of :data:`MARGIN`, no padding, no animation
    and a legend at the top right; :func:`fit_figure` gives it its size.

    Parameters
    ----------
    scales : dict of str to bqplot.LinearScale
        The ``x`` and ``y`` scales, as :func:`map_scales` makes them.
    marks : sequence of bqplot.Mark
        The marks, bottom to top.

    Returns
    -------
    bqplot.Figure

    Examples
    --------
    >>> figure = map_figure(map_scales(Domain(-1.0, 1.0, -1.0, 1.0)), [])
    >>> [axis.label for axis in figure.axes], figure.fig_margin["left"]
    (['x', 'y'], 48)
    """
    axes = [
        bqplot.Axis(scale=scales["x"], label="x", grid_lines="none"),
        bqplot.Axis(scale=scales["y"], label="y", side="left", grid_lines="none"),
    ]
    return bqplot.Figure(
        marks=list(marks),
        axes=axes,
        padding_x=0.0,
        padding_y=0.0,
        fig_margin=dict(MARGIN),
        animation_duration=0,
        legend_location="top-right",
        legend_style={"fill": "#ffffff", "fill-opacity": 0.75, "stroke": "none"},
        legend_text={"fill": "#222222"},
        title_style={"font-size": "14px"},
    )


def fit_figure(
    figure: bqplot.Figure, domain: Domain, width: int, height: int | None
) -> float:
    """Size ``figure`` so its plot area takes the shape of ``domain``.

    Parameters
    ----------
    figure : bqplot.Figure
        A figure with the margins of :data:`MARGIN`.
    domain : Domain
        The rectangle the figure shows.
    width : int
        Width of the figure in pixels.
    height : int or None
        Height of the figure in pixels; when None, the plot area takes the
        shape of the domain, within a factor of 2 of a square.

    Returns
    -------
    float
        The aspect: screen length of one unit of y over that of one unit of x.

    Examples
    --------
    >>> domain = Domain(-2.0, 2.0, -1.0, 1.0)
    >>> figure = map_figure(map_scales(domain), [])
    >>> fit_figure(figure, domain, 420, None)
    1.0
    >>> figure.layout.width, figure.layout.height
    ('420px', '256px')
    """
    span_x, span_y = domain.x_max - domain.x_min, domain.y_max - domain.y_min
    plot_width = width - MARGIN["left"] - MARGIN["right"]
    if height is None:
        ratio = float(np.clip(span_y / span_x, 0.5, 2.0))
        height = round(plot_width * ratio) + MARGIN["top"] + MARGIN["bottom"]
    plot_height = height - MARGIN["top"] - MARGIN["bottom"]
    figure.layout.width = f"{width}px"
    figure.layout.height = f"{height}px"
    # Both bounds move together: checked against each other only at the end.
    with figure.hold_sync(), figure.hold_trait_notifications():
        figure.min_aspect_ratio = width / height
        figure.max_aspect_ratio = width / height
    return (plot_height / span_y) / (plot_width / span_x)
