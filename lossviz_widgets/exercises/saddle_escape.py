"""SaddleEscape: plain descent stalls at a saddle; momentum or noise escapes.

Near a saddle the gradient is tiny, and a run that arrives along the
saddle's stable direction has almost nothing pushing it off: it waits
there while its tiny offset grows by a factor ``1 + lr·|λ|`` a step. A
velocity multiplies that growth, and gradient noise replaces the tiny
offset by a large one, so either gets the run away in far fewer steps.
"""

from __future__ import annotations

import logging
from typing import Any

import ipywidgets
import numpy as np

from lossviz_widgets.controls import PathPlayer
from lossviz_widgets.engine import Surface
from lossviz_widgets.engine.optimizers import GD, Momentum, NoisyGD, Optimizer
from lossviz_widgets.exercises._mini import check_number
from lossviz_widgets.exercises._terrain import (
    find_saddle,
    point_in,
    saddle_between_wells,
    saddle_start,
    saddle_visit,
    whole_number_in,
)
from lossviz_widgets.exercises.base import Exercise, Verdict, verdict_from
from lossviz_widgets.model import MAX_STEPS, LandscapeModel, Run
from lossviz_widgets.notices import guarded
from lossviz_widgets.views import ContourView, LossCurves

__all__ = ["SaddleEscape"]

log = logging.getLogger(__name__)

#: The ways a student may push a run off the saddle, by optimizer name.
METHODS = {"momentum": "Momentum", "noisy_gd": "Noisy GD"}


class SaddleEscape(Exercise):
    """Plain GD stalls at a saddle; make momentum or noise escape it.

    Two runs share a learning rate, a number of steps and a start a hair
    off the line that leads into the saddle: plain gradient descent, and the
    student's run, with momentum or with gradient noise. The check asks
    that plain descent stays near the saddle for most of its steps and that
    the student's run escapes (its loss falls ``margin`` below the
    saddle's).

    Parameters
    ----------
    surface : Surface or str, optional
        A surface with a saddle; :func:`saddle_between_wells` by default.
        The saddle nearest the centre of its domain is used.
    start : (float, float), optional
        Where both runs start; by default on the saddle's stable direction,
        ``1e-6`` off it along the falling one.
    lr : float
        Learning rate of both runs, in (0, 1].
    steps : int
        Steps of both runs, in [10, 5000].
    method : {"momentum", "noisy_gd"}
        The student's optimizer at first.
    momentum, noise : float
        The student's momentum, in [0, 0.99], and noise, in [0, 5], at first.
    seed : int
        Seed of the noise.
    radius : float, optional
        Distance within which a run counts as near the saddle; a tenth of
        the domain's span by default.
    margin : float, optional
        How far below the saddle's loss counts as escaped; a fifth of the
        depth of the surface below the saddle by default.
    locked : bool
        Disable the student's controls.

    Attributes
    ----------
    choice : ipywidgets.ToggleButtons
        ``"momentum"`` or ``"noisy_gd"``; writable from code.
    momentum_slider, noise_slider : ipywidgets.FloatSlider
        The student's momentum and noise; writable from code.
    model : LandscapeModel
        ``model.runs[0]`` is plain GD, ``model.runs[1]`` the student's run.
    contour, curves, player : ContourView, LossCurves, PathPlayer
        The map, the loss curves and the player.
    saddle, start, radius, margin : CriticalPoint, tuple, float, float
        The settings in use.

    Examples
    --------
    >>> exercise = SaddleEscape()
    >>> exercise.check().passed
    False
    >>> exercise.momentum_slider.value = 0.9
    >>> exercise.answer["runs"][1]["escape_step"]
    129
    >>> exercise.check().passed
    True
    """

    title = "Escaping a saddle point"
    instruction = (
        "Plain gradient descent starts a hair off the line that leads into "
        "the saddle and stalls there. Give your run momentum or gradient "
        "noise so that, with the same learning rate and steps, it escapes "
        "into a well; then press Check."
    )

    def __init__(
        self,
        *,
        surface: Surface | str | None = None,
        start: tuple[float, float] | None = None,
        lr: float = 0.01,
        steps: int = 300,
        method: str = "momentum",
        momentum: float = 0.0,
        noise: float = 0.0,
        seed: int = 0,
        radius: float | None = None,
        margin: float | None = None,
        locked: bool = False,
    ) -> None:
        self.lr = check_number("lr", lr, 0.0, 1.0, positive=True)
        steps = whole_number_in("steps", steps, 10, MAX_STEPS)
        if method not in METHODS:
            message = f"method must be one of {sorted(METHODS)}, got {method!r}"
            raise ValueError(message)
        momentum = check_number("momentum", momentum, 0.0, 0.99)
        noise = check_number("noise", noise, 0.0, 5.0)
        self.seed = whole_number_in("seed", seed, 0, 2**31 - 1)

        self.model = LandscapeModel(
            saddle_between_wells() if surface is None else surface,
            runs=[],
            steps=steps,
            resolution=120,
        )
        surface = self.model.surface
        self.saddle = find_saddle(surface, self.model.critical)
        span = surface.domain.span
        self.radius = 0.1 * span
        if radius is not None:
            self.radius = check_number("radius", radius, 0.0, span, positive=True)
        lows = [p.value for p in self.model.critical if p.kind == "minimum"]
        lowest = min([float(np.nanmin(self.model.grid.values)), *lows])
        self.margin = 0.2 * (self.saddle.value - lowest)
        if margin is not None:
            self.margin = check_number("margin", margin, 0.0, np.inf, positive=True)
        self.start = (
            saddle_start(surface, self.saddle)
            if start is None
            else point_in("start", start, surface)
        )
        if surface.value(*self.start) <= self.saddle.value - self.margin:
            message = (
                f"start {start!r} already lies {self.margin:.3g} below the "
                "saddle's loss: a run from there has no saddle to escape"
            )
            raise ValueError(message)

        self._build(method, momentum, noise)
        super().__init__(self._layout(), locked=locked)
        self._lockable(self.choice, self.momentum_slider, self.noise_slider)
        update = guarded(self.notice, log, "changing your run")(self._update_run)
        for control in (self.choice, self.momentum_slider, self.noise_slider):
            control.observe(update, names="value")

    # -- building ----------------------------------------------------------

    def _build(self, method: str, momentum: float, noise: float) -> None:
        """Make the runs, the controls and the views."""
        self.model.runs = [
            Run(GD(lr=self.lr), start=self.start, color="#e45756", label="plain GD"),
            Run(GD(lr=self.lr), start=self.start, color="#4c78a8"),
        ]
        self.choice = ipywidgets.ToggleButtons(
            options=[(label, name) for name, label in METHODS.items()],
            value=method,
            description="your run",
            tooltip="How your run gets off the saddle",
        )
        slider = {"continuous_update": False, "style": {"description_width": "80px"}}
        self.momentum_slider = ipywidgets.FloatSlider(
            value=momentum, min=0.0, max=0.99, step=0.01,
            description="momentum", readout_format=".2f", **slider,
        )  # fmt: skip
        self.noise_slider = ipywidgets.FloatSlider(
            value=noise, min=0.0, max=5.0, step=0.05,
            description="noise σ", readout_format=".2f", **slider,
        )  # fmt: skip
        self.contour = ContourView(self.model, quiver=True, width=420)
        self.curves = LossCurves(self.model)
        self.player = PathPlayer(self.model)
        self.contour.follow(self.player.play)
        self.curves.follow(self.player.play)

        self._update_run()

    def _layout(self) -> list[ipywidgets.Widget]:
        """Stack the settings, the controls, then the map beside the loss curves."""
        x, y = self.start
        settings = ipywidgets.HTML(
            f"Both runs: learning rate {self.lr:g}, {self.model.steps} steps, "
            f"start ({x:.4g}, {y:.4g}). Near the saddle means within "
            f"{self.radius:.3g} of the saddle at ({self.saddle.x:.3g}, "
            f"{self.saddle.y:.3g})."
        )
        sliders = ipywidgets.HBox([self.momentum_slider, self.noise_slider])
        pictures = ipywidgets.HBox([self.contour, self.curves])
        return [settings, self.choice, sliders, pictures, self.player]

    # -- following the controls ----------------------------------------------

    def student_optimizer(self) -> Optimizer:
        """Return the optimizer the controls describe.

        Examples
        --------
        >>> exercise = SaddleEscape(method="noisy_gd", noise=0.5)
        >>> exercise.student_optimizer()
        NoisyGD(lr=0.01, noise=0.5, seed=0)
        """
        if self.choice.value == "momentum":
            return Momentum(lr=self.lr, momentum=self.momentum_slider.value)
        return NoisyGD(lr=self.lr, noise=self.noise_slider.value, seed=self.seed)

    def _update_run(self, change: dict[str, Any] | None = None) -> None:
        """Rerun the student's run and show only the slider that matters."""
        momentum = self.choice.value == "momentum"
        self.momentum_slider.layout.display = None if momentum else "none"
        self.noise_slider.layout.display = "none" if momentum else None
        run = self.model.runs[1]
        run.optimizer = self.student_optimizer()
        setting = (
            f"momentum {self.momentum_slider.value:.2f}"
            if momentum
            else f"noise {self.noise_slider.value:.2f}"
        )
        run.label = f"your {run.optimizer.name} ({setting})"

    # -- answer and check ------------------------------------------------------

    @property
    def answer(self) -> dict[str, Any]:
        """The settings, and for each run whether and when it escaped."""
        runs = []
        for role, run in zip(("plain", "yours"), self.model.runs, strict=True):
            visit = saddle_visit(
                run.trajectory, self.saddle, radius=self.radius, margin=self.margin
            )
            settings = {"name": run.optimizer.name, **run.optimizer.values()}
            runs.append({"role": role, "optimizer": settings, **visit})
        return {
            "surface": self.model.surface.name,
            "saddle": [self.saddle.x, self.saddle.y],
            "saddle_value": self.saddle.value,
            "start": list(self.start),
            "lr": self.lr,
            "steps": self.model.steps,
            "radius": self.radius,
            "margin": self.margin,
            "method": self.choice.value,
            "momentum": self.momentum_slider.value,
            "noise": self.noise_slider.value,
            "runs": runs,
        }

    def check(self) -> Verdict:
        """Plain GD must stall near the saddle and the student's run must escape."""
        answer = self.answer
        plain, yours = answer["runs"]
        steps = answer["steps"]
        stalled = plain["steps_near_saddle"] > (steps + 1) / 2
        near = f"{plain['steps_near_saddle']} of {steps + 1} points"
        name = self.model.runs[1].label
        if answer["method"] == "momentum":
            hint = "raise the momentum so a velocity builds up along the fall"
        else:
            hint = "raise the noise so its kicks knock the run off the stable line"
        checks = [
            (
                stalled,
                f"plain GD stalls: {near} of its path lie near the saddle",
                f"plain GD did not stall ({near} near the saddle): start it "
                "closer to the saddle's stable direction or lower the lr",
            ),
            (
                yours["escaped"],
                f"{name} escapes at step {yours['escape_step']}",
                f"{name} never gets {self.margin:.3g} below the saddle's loss: {hint}",
            ),
        ]
        if plain["escaped"] and yours["escaped"]:
            checks.append(
                (
                    yours["escape_step"] < plain["escape_step"],
                    "your run escapes sooner than plain GD",
                    f"{name} escapes no sooner than plain GD (step "
                    f"{plain['escape_step']}): {hint}",
                )
            )
        return verdict_from(checks)
