"""Stack waves of several frequencies on the course's wavy surface.

The course page's waves, ``sin x · cos y + 0.1(x² + y²)``, have four local
minima in ``[−4, 4]²``. The student adds waves of other frequencies, one
row of sliders each, and watches the contour map redraw with more minima
to trap a descent. The minima are found by the engine's critical-point
search, the same one that marks them on the map.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import ipywidgets
import numpy as np

from lossviz_widgets.engine import Surface, get_surface
from lossviz_widgets.engine.optimizers import GD
from lossviz_widgets.exercises._mini import check_number
from lossviz_widgets.exercises.base import Exercise, Verdict, verdict_from
from lossviz_widgets.model import LandscapeModel, Run
from lossviz_widgets.notices import guarded
from lossviz_widgets.views import ContourView

__all__ = [
    "AMPLITUDE_RANGE",
    "FREQUENCY_RANGE",
    "SINGLE_WAVE_MINIMA",
    "WaveFrequencies",
    "wave_surface",
]

log = logging.getLogger(__name__)

#: The frequencies and amplitudes a row offers; 0 switches a row off.
FREQUENCY_RANGE = (0.0, 4.0)
AMPLITUDE_RANGE = (0.0, 1.0)
MAX_ROWS = 5

#: Local minima of the course's single wave in its domain.
SINGLE_WAVE_MINIMA = sum(
    point.kind == "minimum" for point in get_surface("waves").critical_points
)

_DOMAIN = ((-4.0, 4.0), (-4.0, 4.0))


def wave_surface(frequencies: Sequence[float], amplitudes: Sequence[float]) -> Surface:
    """Return ``Σ aₖ sin(bₖx) cos(bₖy) + 0.1(x² + y²)`` over ``[−4, 4]²``.

    With the single wave ``b = 1, a = 1`` this is the course's waves, value
    for value. Rows with a zero frequency or amplitude add nothing.

    Parameters
    ----------
    frequencies, amplitudes : sequence of float
        ``bₖ`` and ``aₖ``, one pair per wave.

    Returns
    -------
    Surface
        With exact gradient and Hessian; no critical points listed.

    Examples
    --------
    >>> float(wave_surface([1.0], [1.0])(1.0, 1.0))
    0.6546487134128409
    >>> wave_surface([1.0, 3.0, 0.0], [1.0, 0.5, 0.2]).title
    'Waves of frequencies 1, 3'
    """
    waves = [(b, a) for b, a in zip(frequencies, amplitudes, strict=True) if a and b]

    def value(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        total = np.zeros_like(x)
        for b, a in waves:
            total = total + a * np.sin(b * x) * np.cos(b * y)
        return total + 0.1 * (x**2 + y**2)

    def gradient(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        gx, gy = 0.2 * x, 0.2 * y
        for b, a in waves:
            gx = gx + a * b * np.cos(b * x) * np.cos(b * y)
            gy = gy - a * b * np.sin(b * x) * np.sin(b * y)
        return gx, gy

    def hessian(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, ...]:
        diagonal, cross = np.full_like(x, 0.2), np.zeros_like(x)
        for b, a in waves:
            diagonal = diagonal - a * b * b * np.sin(b * x) * np.cos(b * y)
            cross = cross - a * b * b * np.cos(b * x) * np.sin(b * y)
        return diagonal, cross, diagonal

    shown = ", ".join(f"{b:g}" for b, _ in waves) or "none"
    return Surface.from_function(
        value,
        gradient,
        hessian,
        domain=_DOMAIN,
        name="waves",
        title=f"Waves of frequencies {shown}",
    )


def _rows(frequencies: Any, amplitudes: Any) -> list[tuple[float, float]]:
    """Check the author's rows of frequency and amplitude."""
    for name, values in (("frequencies", frequencies), ("amplitudes", amplitudes)):
        if isinstance(values, str) or not isinstance(values, Sequence):
            message = f"{name} must be a list of numbers, got {values!r}"
            raise TypeError(message)
    if len(frequencies) != len(amplitudes) or not 1 <= len(frequencies) <= MAX_ROWS:
        message = (
            f"frequencies and amplitudes must have the same length, 1 to "
            f"{MAX_ROWS}, got {len(frequencies)} and {len(amplitudes)}"
        )
        raise ValueError(message)
    return [
        (
            check_number("frequencies", b, *FREQUENCY_RANGE),
            check_number("amplitudes", a, *AMPLITUDE_RANGE),
        )
        for b, a in zip(frequencies, amplitudes, strict=True)
    ]


class WaveFrequencies(Exercise):
    """Add waves of other frequencies to the course's wavy surface.

    Parameters
    ----------
    frequencies, amplitudes : sequence of float
        One row of sliders per wave: frequency in ``[0, 4]`` (0 is off),
        amplitude in ``[0, 1]``; 1 to 5 rows.
    locked : bool
        Fix every row.

    Attributes
    ----------
    model : LandscapeModel
        The surface shown, and a gradient-descent run that a click on the
        map restarts: with more minima it is trapped sooner.
    frequency_sliders, amplitude_sliders : tuple of ipywidgets.FloatSlider
        One of each per row; ``frequency_sliders[1].value = 3`` sets the
        second wave's frequency from code.
    minima_readout : ipywidgets.HTML
        How many local minima the surface has.
    contour : ContourView
        The map, with the minima marked.

    Examples
    --------
    >>> exercise = WaveFrequencies()
    >>> exercise.answer["frequencies"], exercise.answer["minima"]
    ([1.0], 4)
    >>> exercise.frequency_sliders[1].value = 3.0
    >>> exercise.answer["frequencies"], exercise.check().passed
    ([1.0, 3.0], True)
    """

    title = "Waves of several frequencies"
    instruction = (
        "The course's wavy surface sin x · cos y + 0.1(x² + y²) has one "
        "frequency. Give other rows a frequency and an amplitude to stack "
        "waves of two or more frequencies, and watch the map redraw: the "
        "surface should end up with more local minima than the single wave. "
        "A click on the map starts gradient descent there, to see it trapped."
    )

    def __init__(
        self,
        frequencies: Sequence[float] = (1.0, 0.0, 0.0),
        amplitudes: Sequence[float] = (1.0, 0.5, 0.25),
        *,
        locked: bool = False,
    ) -> None:
        rows = _rows(frequencies, amplitudes)
        surface = wave_surface(*zip(*rows, strict=True))
        run = Run(GD(lr=0.02), start=(-3.0, 3.0))
        self.model = LandscapeModel(surface, [run], steps=300)
        self.contour = ContourView(self.model)
        self.frequency_sliders = tuple(
            _slider(b, FREQUENCY_RANGE, 0.25, f"frequency {i + 1}")
            for i, (b, _) in enumerate(rows)
        )
        self.amplitude_sliders = tuple(
            _slider(a, AMPLITUDE_RANGE, 0.05, "amplitude") for _, a in rows
        )
        self.minima_readout = ipywidgets.HTML()

        sliders = [
            ipywidgets.HBox([b, a])
            for b, a in zip(self.frequency_sliders, self.amplitude_sliders, strict=True)
        ]
        panel = ipywidgets.VBox([*sliders, self.minima_readout])
        super().__init__([ipywidgets.HBox([self.contour, panel])], locked=locked)
        self._lockable(*self.frequency_sliders, *self.amplitude_sliders)

        guard = guarded(self.notice, log, "stacking the waves")
        for slider in (*self.frequency_sliders, *self.amplitude_sliders):
            slider.observe(guard(self._redraw), names="value")
        self.model.observe(guard(self._count), names="critical")
        self._count()

    def _redraw(self, change: dict[str, Any]) -> None:
        """Give the model the surface the sliders describe."""
        self.model.surface = wave_surface(
            [s.value for s in self.frequency_sliders],
            [s.value for s in self.amplitude_sliders],
        )

    def _count(self, change: dict[str, Any] | None = None) -> None:
        """Show how many local minima the surface has."""
        self.minima_readout.value = (
            f"Local minima in the domain: <b>{self.minima}</b> "
            f"(the course's single wave has {SINGLE_WAVE_MINIMA})"
        )

    @property
    def waves(self) -> list[tuple[float, float]]:
        """The ``(frequency, amplitude)`` of each wave in use."""
        return [
            (float(b.value), float(a.value))
            for b, a in zip(self.frequency_sliders, self.amplitude_sliders, strict=True)
            if b.value > 0 and a.value > 0
        ]

    @property
    def minima(self) -> int:
        """How many local minima the engine finds in the domain."""
        return sum(point.kind == "minimum" for point in self.model.critical)

    @property
    def answer(self) -> dict[str, Any]:
        """The waves in use, and how many local minima the surface has."""
        return {
            "frequencies": [b for b, _ in self.waves],
            "amplitudes": [a for _, a in self.waves],
            "minima": self.minima,
            "single_wave_minima": SINGLE_WAVE_MINIMA,
        }

    def check(self) -> Verdict:
        """Require two distinct frequencies and more minima than the single wave."""
        distinct = sorted({b for b, _ in self.waves})
        listed = ", ".join(f"{b:g}" for b in distinct) or "none"
        minima = self.minima
        return verdict_from(
            [
                (
                    len(distinct) >= 2,
                    f"waves of {len(distinct)} frequencies are stacked: {listed}",
                    f"waves of two frequencies are needed, in use: {listed}; give "
                    "another row a different frequency and a non-zero amplitude",
                ),
                (
                    minima > SINGLE_WAVE_MINIMA,
                    f"the surface has {minima} local minima, more than the "
                    f"single wave's {SINGLE_WAVE_MINIMA}",
                    f"the surface has {minima} local minima, no more than the "
                    f"single wave's {SINGLE_WAVE_MINIMA}: raise the amplitude or "
                    "the frequency of an added wave",
                ),
            ]
        )


def _slider(
    value: float, bounds: tuple[float, float], step: float, description: str
) -> ipywidgets.FloatSlider:
    """Build one slider of a row, reporting its value when released."""
    return ipywidgets.FloatSlider(
        value=value,
        min=bounds[0],
        max=bounds[1],
        step=step,
        description=description,
        continuous_update=False,
        style={"description_width": "6em"},
        layout=ipywidgets.Layout(width="260px"),
    )
