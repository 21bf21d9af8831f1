"""The drawing behind :mod:`lossviz_widgets.visualizations`, off-screen.

Redrawing a whole matplotlib figure for every frame of a descent costs about
a tenth of a second, so a GIF of a hundred steps would take over ten. Here
matplotlib draws the still parts once (the coloured surface, its contour
lines, the minima, the title and the legend) and the picture is reduced to
255 colours, a few of them reserved for the runs. Every frame is then a
copy of it with the path drawn by Pillow in palette indices, at pixels
taken from the axes transform; only the caption is written anew,
anti-aliased, and mapped back to the same palette. The 256th index marks
the pixels a frame leaves as they were, so each frame stores only what
moved.

This module imports matplotlib and Pillow at its top: load it only after
checking that they are installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.colors import FuncNorm, LogNorm, Normalize, to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.transforms import IdentityTransform
from PIL import Image, ImageDraw, ImageFont

from lossviz_widgets.engine import (
    Domain,
    Grid,
    Surface,
    Trajectory,
    contour_levels,
    contour_lines,
    log_values,
)

__all__ = ["Backdrop", "Track", "caption_lines", "draw_backdrop", "write_gif"]

# Layout in pixels; figures are drawn at 100 dots per inch.
_DPI = 100
_LEFT, _RIGHT, _TOP, _BOTTOM = 72, 24, 44, 46
_AXES_WIDTH, _MIN_HEIGHT, _MAX_HEIGHT = 560, 320, 560
_ROW, _PAD, _FONT_PIXELS = 22, 6, 14
_PATH_WIDTH, _MARKER_RADIUS, _START_RADIUS = 2, 6, 5
_LEVELS = 15
_TEXT, _PAPER = (0, 0, 0), (255, 255, 255)

# Index of the pixels a frame leaves as the previous frame drew them.
_UNCHANGED = 255

#: The last frame stays this much longer, so the end of the runs can be read.
HOLD_LAST_MS = 1000


@dataclass(frozen=True)
class Track:
    """One run to animate: its legend label, its colour and its trajectory."""

    label: str
    color: str
    trajectory: Trajectory


@dataclass(frozen=True)
class Backdrop:
    """The still picture every frame starts from, and where to draw on it.

    ``image`` is a palette image; ``inks`` are the palette indices of the
    runs' colours and ``black`` that of black. ``axes`` is the plot area
    ``(left, top, right, bottom)`` in pixels, ``caption`` the strip written
    anew at each frame, and ``text_x`` where each caption row's text starts.
    """

    image: Any
    palette: Any
    domain: Domain
    axes: tuple[float, float, float, float]
    caption: tuple[int, int, int, int]
    text_x: tuple[int, ...]
    inks: tuple[int, ...]
    black: int

    def to_pixels(self, points: Any) -> np.ndarray:
        """Map points ``(..., 2)`` of the plane to pixels ``(column, row)``.

        Rows count down from the picture's top while ``y`` grows upwards.
        """
        left, top, right, bottom = self.axes
        box, points = self.domain, np.asarray(points, dtype=float)
        across = (points[..., 0] - box.x_min) / (box.x_max - box.x_min)
        up = (points[..., 1] - box.y_min) / (box.y_max - box.y_min)
        return np.stack(
            [left + across * (right - left), bottom - up * (bottom - top)], -1
        )


def draw_surface_3d(
    grid: Grid,
    path: Path,
    title: str,
    colormap: Any,
    view: tuple[float, float],
    many_decades: bool,
) -> None:
    """Draw ``grid`` as an 800 × 600 3D surface with a colour bar, to a PNG.

    ``view`` is ``(elev, azim)``. With ``many_decades`` the colours follow
    the height above the minimum on a log scale.
    """
    values = np.where(np.isfinite(grid.values), grid.values, np.nan)
    low, high = float(np.nanmin(values)), float(np.nanmax(values))
    high = high if high > low else low + 1.0
    if many_decades:
        # The floor under the heights is log_values's, so that the 3D
        # picture and the contour maps share one scale.
        floor = 10.0 ** float(np.nanmin(log_values(values)))
        bar = LogNorm(floor, high - low + floor)
        norm = FuncNorm(
            (lambda z: np.log10(z - low + floor), lambda t: 10**t - floor + low),
            vmin=low,
            vmax=high,
        )
        label = "f − min f  (log scale)"
    else:
        norm = bar = Normalize(low, high)
        label = "f(x, y)"

    figure = Figure(figsize=(8, 6), dpi=_DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(projection="3d")
    X, Y = np.meshgrid(grid.x, grid.y)
    # Faces take the colour of their mean height; without rcount and ccount
    # matplotlib would draw only a 50 × 50 sample of the grid.
    axes.plot_surface(
        X, Y, values, cmap=colormap, norm=norm, rcount=values.shape[0],
        ccount=values.shape[1], linewidth=0, antialiased=False,
    )  # fmt: skip
    axes.set_zlim(low, high)
    axes.view_init(elev=view[0], azim=view[1])
    axes.set(xlabel="x", ylabel="y", zlabel="f(x, y)", title=title)
    mappable = ScalarMappable(norm=bar, cmap=colormap)
    figure.colorbar(mappable, ax=axes, shrink=0.6, pad=0.1, label=label)
    figure.savefig(path)


def caption_lines(tracks: list[Track], step: int, total: int) -> list[str]:
    """Return the caption's changing text at ``step``: the step, then each loss.

    A run that diverged at or before ``step`` says so.
    """
    lines = [f"step {step} / {total}"]
    for track in tracks:
        run = track.trajectory
        text = f"loss {float(run.values[step]):.6g}"
        if run.diverged_at is not None and step >= run.diverged_at:
            text += f"  \N{EM DASH} diverged at step {run.diverged_at}"
        lines.append(text)
    return lines


def _draw_map(axes: Any, surface: Surface, grid: Grid, style: dict) -> None:
    """Draw the coloured surface, its contour lines and its minima on ``axes``."""
    box = Domain(grid.x[0], grid.x[-1], grid.y[0], grid.y[-1])
    shade = log_values(grid.values) if style["log"] else grid.values
    corners = (box.x_min, box.x_max, box.y_min, box.y_max)
    axes.imshow(
        np.ma.masked_invalid(shade), extent=corners, origin="lower", aspect="auto",
        cmap=style["cmap"],
    )  # fmt: skip
    spacing = "log" if style["log"] else "linear"
    levels = contour_levels(grid.values, _LEVELS, spacing=spacing)
    for level in contour_lines(grid, levels):
        axes.plot(level.x, level.y, color="white", linewidth=0.6, alpha=0.55)
    minima = [
        point
        for point in surface.critical_points
        if point.kind == "minimum" and box.contains(point.x, point.y)
    ]
    if minima:
        axes.plot(
            [p.x for p in minima], [p.y for p in minima], linestyle="none",
            marker="*", markersize=13, color="white", markeredgecolor="black",
        )  # fmt: skip
    axes.set(xlim=box.x_range, ylim=box.y_range, xlabel="x", ylabel="y")
    axes.set_title(style["title"], fontsize=12)


def _draw_legend(figure: Any, tracks: list[Track], top: int) -> list[Any]:
    """Draw each run's swatch and label in the caption rows; return the labels."""
    height, labels, pixels = figure.bbox.height, [], IdentityTransform()
    for row, track in enumerate(tracks, start=1):
        middle = height - (top + row * _ROW + _ROW / 2)
        swatch = Line2D(
            [_LEFT, _LEFT + 22], [middle] * 2, transform=pixels, color=track.color,
            linewidth=2, marker="o", markevery=[1], markersize=8,
            markeredgecolor="black",
        )  # fmt: skip
        figure.add_artist(swatch)
        text = figure.text(
            _LEFT + 34, middle, track.label, transform=pixels, va="center", fontsize=10
        )
        labels.append(text)
    return labels


def draw_backdrop(
    surface: Surface,
    grid: Grid,
    tracks: list[Track],
    title: str,
    colormap: Any,
    many_decades: bool,
) -> Backdrop:
    """Draw the still parts of the animation once, with matplotlib."""
    box = Domain(grid.x[0], grid.x[-1], grid.y[0], grid.y[-1])
    ratio = (box.y_max - box.y_min) / (box.x_max - box.x_min)
    plot_height = int(np.clip(round(_AXES_WIDTH * ratio), _MIN_HEIGHT, _MAX_HEIGHT))
    width = _LEFT + _AXES_WIDTH + _RIGHT
    caption_top = _TOP + plot_height + _BOTTOM + _PAD
    height = caption_top + (len(tracks) + 1) * _ROW + _PAD

    figure = Figure(figsize=(width / _DPI, height / _DPI), dpi=_DPI)
    canvas = FigureCanvasAgg(figure)
    bottom = (height - _TOP - plot_height) / height
    axes = figure.add_axes(
        (_LEFT / width, bottom, _AXES_WIDTH / width, plot_height / height)
    )
    style = {"title": title, "cmap": colormap, "log": many_decades}
    _draw_map(axes, surface, grid, style)
    labels = _draw_legend(figure, tracks, caption_top)
    canvas.draw()

    ends = [label.get_window_extent(canvas.get_renderer()).x1 for label in labels]
    loss_x = int(max(ends, default=_LEFT)) + 16
    x0, y0, x1, y1 = axes.bbox.extents
    rgb = Image.fromarray(np.asarray(canvas.buffer_rgba())[..., :3].copy())
    palette, inks, black = _palette(rgb, [track.color for track in tracks])
    return Backdrop(
        image=rgb.quantize(palette=palette, dither=Image.Dither.NONE),
        palette=palette,
        domain=box,
        axes=(x0, height - y1, x1, height - y0),
        caption=(_LEFT, caption_top, width, caption_top + _ROW * (len(tracks) + 1)),
        text_x=(_LEFT, *([loss_x] * len(tracks))),
        inks=inks,
        black=black,
    )


def _palette(rgb: Any, colors: list[str]) -> tuple[Any, tuple[int, ...], int]:
    """Return a 255-colour palette for ``rgb`` holding ``colors`` and black exactly.

    The picture's own colours come first and the reserved ones last, so
    that drawing with their index gives exactly their colour.
    """
    reserved = [tuple(round(255 * c) for c in to_rgb(color)) for color in colors]
    reserved.append(_TEXT)
    free = _UNCHANGED - len(reserved)
    # Half the pixels each way are plenty to choose the colours from.
    adaptive = rgb.reduce(2).quantize(colors=free, method=Image.Quantize.MEDIANCUT)
    entries = list(adaptive.getpalette() or [])[: 3 * free]
    entries += [0] * (3 * free - len(entries))
    for color in reserved:
        entries.extend(color)
    palette = Image.new("P", (1, 1))
    palette.putpalette(entries)
    return palette, tuple(range(free, _UNCHANGED - 1)), _UNCHANGED - 1


def _clip_segments(
    start: np.ndarray, end: np.ndarray, box: tuple[float, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Clip segments ``(..., 2)`` to a pixel box (Liang–Barsky).

    Returns the clipped starts and ends and a mask of the segments that
    cross the box at all, so that a run far outside the plot draws nothing
    over the labels.
    """
    left, top, right, bottom = box
    delta = end - start
    enter, leave = np.zeros(start.shape[:-1]), np.ones(start.shape[:-1])
    visible = np.ones(start.shape[:-1], dtype=bool)
    for towards, room in (
        (-delta[..., 0], start[..., 0] - left),
        (delta[..., 0], right - start[..., 0]),
        (-delta[..., 1], start[..., 1] - top),
        (delta[..., 1], bottom - start[..., 1]),
    ):
        parallel = towards == 0
        visible &= ~(parallel & (room < 0))
        ratio = np.divide(room, towards, out=np.zeros_like(room), where=~parallel)
        enter = np.where(towards < 0, np.maximum(enter, ratio), enter)
        leave = np.where(towards > 0, np.minimum(leave, ratio), leave)
    visible &= enter <= leave
    return start + enter[..., None] * delta, start + leave[..., None] * delta, visible


def _frame_steps(steps: int, frames: int) -> np.ndarray:
    """Return the steps shown: all of them, or ``frames`` spread from 0 to ``steps``."""
    if steps + 1 <= frames:
        return np.arange(steps + 1)
    return np.unique(np.linspace(0, steps, frames).round().astype(int))


def write_gif(
    backdrop: Backdrop, tracks: list[Track], path: Path, fps: float, frames: int
) -> int:
    """Draw the frames over ``backdrop`` and save them as a looping GIF.

    Shows at most ``frames`` steps, evenly spread; the path between them is
    drawn in full. Returns the number of frames written.
    """
    pixels = np.stack([backdrop.to_pixels(t.trajectory.points) for t in tracks], 1)
    steps = pixels.shape[0] - 1
    starts, ends, visible = _clip_segments(pixels[:-1], pixels[1:], backdrop.axes)
    left, top, right, bottom = backdrop.axes
    inside = (pixels[..., 0] >= left) & (pixels[..., 0] <= right)
    inside &= (pixels[..., 1] >= top) & (pixels[..., 1] <= bottom)

    trail = backdrop.image.copy()
    pen = ImageDraw.Draw(trail)
    for run, ink in enumerate(backdrop.inks):
        if inside[0, run]:
            pen.ellipse(_around(pixels[0, run], _START_RADIUS), outline=ink, width=2)

    path_font = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"))
    font = ImageFont.truetype(path_font, _FONT_PIXELS)
    strip = backdrop.image.convert("RGB").crop(backdrop.caption)
    entries = [*backdrop.palette.getpalette(), *_PAPER]
    images, drawn, previous = [], 0, None
    for step in _frame_steps(steps, frames):
        for segment in range(drawn, step):
            for run, ink in enumerate(backdrop.inks):
                if visible[segment, run]:
                    line = (*starts[segment, run], *ends[segment, run])
                    pen.line(line, fill=ink, width=_PATH_WIDTH)
        drawn = step
        frame = trail.copy()
        marker = ImageDraw.Draw(frame)
        for run, ink in enumerate(backdrop.inks):
            if inside[step, run]:
                circle = _around(pixels[step, run], _MARKER_RADIUS)
                marker.ellipse(circle, fill=ink, outline=backdrop.black, width=1)
        lines = caption_lines(tracks, int(step), steps)
        frame.paste(_caption(strip, backdrop, lines, font), backdrop.caption[:2])
        images.append(_changes(frame, previous, entries))
        previous = frame

    duration = max(20, round(1000 / fps))
    durations = [duration] * (len(images) - 1) + [duration + HOLD_LAST_MS]
    images[0].save(
        path, save_all=True, append_images=images[1:], duration=durations,
        loop=0, optimize=False, transparency=_UNCHANGED, disposal=1,
    )  # fmt: skip
    return len(images)


def _around(centre: np.ndarray, radius: float) -> tuple[float, float, float, float]:
    """Return the bounding box of a circle of ``radius`` around ``centre``."""
    x, y = centre
    return (x - radius, y - radius, x + radius, y + radius)


def _caption(strip: Any, backdrop: Backdrop, lines: list[str], font: Any) -> Any:
    """Write ``lines`` on a copy of the caption strip, mapped to the palette."""
    canvas = strip.copy()
    pen = ImageDraw.Draw(canvas)
    for row, (text, x) in enumerate(zip(lines, backdrop.text_x, strict=True)):
        middle = row * _ROW + _ROW / 2
        pen.text(
            (x - backdrop.caption[0], middle), text, fill=_TEXT, font=font, anchor="lm"
        )
    return canvas.quantize(palette=backdrop.palette, dither=Image.Dither.NONE)


def _changes(frame: Any, previous: Any, entries: list[int]) -> Any:
    """Return ``frame`` with the pixels ``previous`` already shows made transparent."""
    pixels = np.asarray(frame)
    if previous is not None:
        pixels = np.where(pixels == np.asarray(previous), _UNCHANGED, pixels)
    image = Image.fromarray(pixels.astype(np.uint8))
    image.putpalette(entries)
    return image
