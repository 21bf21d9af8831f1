"""Curvature sets the step: gradient descent is stable only below 2/λmax.

On a quadratic bowl each step of gradient descent multiplies the distance to
the minimum along an eigenvector of the Hessian by ``1 − lr·λ``. Below
``2/λmax`` every factor is smaller than 1 in size and the run converges; at
``2/λmax`` the steepest direction flips sign with a constant size and the
run oscillates for ever; above it that size grows and the run diverges. The
student sets the two curvatures, then looks for the largest learning rate
that still converges.
"""

from __future__ import annotations

import logging
from typing import Any

import ipywidgets
import numpy as np
import traitlets
from traitlets import Float, Tuple, observe, validate

from lossviz_widgets.controls import PathPlayer
from lossviz_widgets.engine import sharpness, stable_step_size
from lossviz_widgets.engine.optimizers import GD
from lossviz_widgets.exercises._concepts import descent_behaviour, quadratic_bowl
from lossviz_widgets.exercises.base import Exercise, Verdict, verdict_from
from lossviz_widgets.model import MAX_STEPS, LandscapeModel, Run
from lossviz_widgets.notices import guarded
from lossviz_widgets.views import ContourView, LossCurves

__all__ = ["EIGENVALUE_RANGE", "LR_RANGE", "WINDOW", "CurvatureStepSize"]

log = logging.getLogger(__name__)

#: The curvatures the sliders offer, and the learning rates.
EIGENVALUE_RANGE = (0.1, 100.0)
LR_RANGE = (1e-4, 10.0)

#: How far below 2/λmax the answer may lie, as a fraction of it.
WINDOW = 0.1


def _check_range(name: str, value: Any, low: float, high: float) -> float:
    """Return ``value`` as a float if it lies in ``[low, high]``, else raise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        message = f"{name} must be a number, got {value!r}"
        raise TypeError(message)
    if not low <= value <= high:
        message = f"{name} must lie in [{low:g}, {high:g}], got {value!r}"
        raise ValueError(message)
    return float(value)


def _log_slider(value: float, bounds: tuple[float, float], **kwargs: Any) -> Any:
    """Return a logarithmic slider that reacts when released, not while dragged."""
    low, high = np.log10(bounds)
    return ipywidgets.FloatLogSlider(
        value=value, min=low, max=high, step=0.01, continuous_update=False,
        readout_format=".4g", style={"description_width": "initial"}, **kwargs,
    )  # fmt: skip


class CurvatureStepSize(Exercise):
    """Find the largest learning rate at which gradient descent converges.

    Parameters
    ----------
    eigenvalues : (float, float)
        The curvatures ``λ₁`` along x and ``λ₂`` along y, each within
        :data:`EIGENVALUE_RANGE`.
    lr : float
        The learning rate the run starts with, within :data:`LR_RANGE`.
    steps : int
        Steps of the run, from 10 to 5000.
    start : (float, float)
        Where the run starts, inside the square ``[−3, 3]²``.
    locked : bool
        Disable the curvature sliders.
    width : int
        Width of the contour map in pixels, at least 200.

    Attributes
    ----------
    eigenvalues : (float, float)
        ``(λ₁, λ₂)``; writable.
    lr : float
        The learning rate of the run; writable.
    curvature_sliders : tuple of ipywidgets.FloatLogSlider
        ``λ₁`` and ``λ₂``.
    lr_slider : ipywidgets.FloatLogSlider
        The learning rate.
    summary : ipywidgets.HTML
        The eigenvalues, 2/λmax and what the run does, in words.
    model : LandscapeModel
        The bowl and the run, drawn by :attr:`view`, :attr:`curves` and
        played by :attr:`player`.

    Examples
    --------
    >>> exercise = CurvatureStepSize(eigenvalues=(1.0, 10.0), lr=0.05)
    >>> exercise.answer["stable_lr"], exercise.answer["behaviour"]
    (0.2, 'converges')
    >>> exercise.lr = 0.21
    >>> exercise.answer["status"], exercise.check().passed
    ('diverged', False)
    >>> exercise.lr = 0.19
    >>> exercise.check().passed
    True
    """

    title = "Curvature: how large may a step be?"
    instruction = (
        "The bowl curves by λ₁ along x and λ₂ along y. Gradient descent is "
        "stable only for learning rates below 2/λmax. Find the largest learning "
        "rate at which the run still converges: within 10% below the limit, "
        "where the path zigzags but settles. At the limit it oscillates for "
        "ever; above it, it diverges."
    )

    eigenvalues = Tuple(
        Float(), Float(), default_value=(1.0, 10.0), help="λ₁ along x, λ₂ along y."
    )
    lr = Float(0.05, help="Learning rate of gradient descent.")

    def __init__(
        self,
        eigenvalues: tuple[float, float] = (1.0, 10.0),
        *,
        lr: float = 0.05,
        steps: int = 200,
        start: tuple[float, float] = (-2.5, 2.0),
        locked: bool = False,
        width: int = 420,
    ) -> None:
        if not (isinstance(eigenvalues, (tuple, list)) and len(eigenvalues) == 2):
            message = f"eigenvalues must be a pair (λ₁, λ₂), got {eigenvalues!r}"
            raise TypeError(message)
        first, second = (
            _check_range(f"eigenvalue λ{k}", value, *EIGENVALUE_RANGE)
            for k, value in zip("₁₂", eigenvalues, strict=True)
        )
        lr = _check_range("lr", lr, *LR_RANGE)
        if isinstance(steps, bool) or not isinstance(steps, int):
            message = f"steps must be a whole number, got {steps!r}"
            raise TypeError(message)
        _check_range("steps", steps, 10, MAX_STEPS)
        surface = quadratic_bowl(first, second)
        if not bool(surface.domain.contains(*start)):
            message = f"start must lie in {surface.domain}, got {start!r}"
            raise ValueError(message)

        self._syncing = False
        self.run = Run(GD(lr=lr), start=start, label="gradient descent")
        self.model = LandscapeModel(surface, [self.run], steps=steps)
        self.view = ContourView(self.model, width=width)
        self.curves = LossCurves(self.model)
        self.player = PathPlayer(self.model)
        self.view.follow(self.player.play)
        self.curves.follow(self.player.play)
        self.curvature_sliders = (
            _log_slider(first, EIGENVALUE_RANGE, description="λ₁ (along x)"),
            _log_slider(second, EIGENVALUE_RANGE, description="λ₂ (along y)"),
        )
        self.lr_slider = _log_slider(lr, LR_RANGE, description="learning rate")
        self.summary = ipywidgets.HTML()
        body = [
            ipywidgets.HBox(list(self.curvature_sliders)),
            self.lr_slider,
            self.summary,
            ipywidgets.HBox(
                [self.view, self.curves],
                layout=ipywidgets.Layout(flex_flow="row wrap"),
            ),
            self.player,
        ]
        super().__init__(body, locked=locked)

        guard = guarded(self.notice, log, "following the sliders")
        self._describe = guard(self._describe)
        self._slid = guard(self._slid)
        self._reshape = guard(self._reshape)
        self._rerun = guard(self._rerun)
        with self.hold_trait_notifications():
            self.eigenvalues, self.lr = (first, second), lr
        traitlets.link((self.lr_slider, "value"), (self, "lr"))
        for slider in self.curvature_sliders:
            slider.observe(self._slid, names="value")
        self.run.observe(self._describe, names="trajectory")
        self._describe()
        self._lockable(*self.curvature_sliders)

    # -- following the student ---------------------------------------------

    @validate("eigenvalues")
    def _valid_eigenvalues(self, proposal: dict[str, Any]) -> tuple[float, float]:
        try:
            pair = tuple(
                _check_range(f"eigenvalue λ{k}", value, *EIGENVALUE_RANGE)
                for k, value in zip("₁₂", proposal["value"], strict=True)
            )
        except (TypeError, ValueError) as error:
            raise traitlets.TraitError(str(error)) from None
        return pair  # type: ignore[return-value]

    @validate("lr")
    def _valid_lr(self, proposal: dict[str, Any]) -> float:
        try:
            return _check_range("lr", proposal["value"], *LR_RANGE)
        except (TypeError, ValueError) as error:
            raise traitlets.TraitError(str(error)) from None

    @observe("eigenvalues")
    def _eigenvalues_changed(self, change: dict[str, Any]) -> None:
        self._reshape(*change["new"])

    @observe("lr")
    def _lr_changed(self, change: dict[str, Any]) -> None:
        self._rerun(change["new"])

    def _reshape(self, first: float, second: float) -> None:
        """Move the curvature sliders and give the model the new bowl."""
        self._syncing = True
        try:
            self.curvature_sliders[0].value = first
            self.curvature_sliders[1].value = second
        finally:
            self._syncing = False
        if tuple(self.model.surface.hessian(0.0, 0.0).diagonal()) != (first, second):
            self.model.surface = quadratic_bowl(first, second)

    def _rerun(self, lr: float) -> None:
        """Give the run gradient descent with the new learning rate."""
        if self.run.optimizer.lr != lr:
            self.run.optimizer = GD(lr=lr)

    def _slid(self, change: dict[str, Any]) -> None:
        """Take the curvatures from the sliders, unless they follow the trait."""
        if self._syncing:
            return
        self.eigenvalues = tuple(slider.value for slider in self.curvature_sliders)

    # -- what the run does -------------------------------------------------

    @property
    def stable_lr(self) -> float:
        """The largest stable learning rate of gradient descent, ``2/λmax``."""
        return float(stable_step_size(self.model.surface.hessian(0.0, 0.0)))

    @property
    def behaviour(self) -> str:
        """Whether the run ``"converges"``, ``"oscillates"`` or ``"diverges"``."""
        hessian = self.model.surface.hessian(0.0, 0.0)
        return descent_behaviour(self.run.trajectory, hessian, (0.0, 0.0))

    def _describe(self, change: dict[str, Any] | None = None) -> None:
        """Write the eigenvalues, the limit and what the run does."""
        first, second = self.eigenvalues
        limit, lr = self.stable_lr, self.lr
        largest = sharpness(self.model.surface.hessian(0.0, 0.0))
        text = (
            f"λ₁ = {first:.3g}, λ₂ = {second:.3g}: λmax = {largest:.3g}, so "
            f"2/λmax = <b>{limit:.4g}</b>. Learning rate {lr:.4g} = "
            f"{lr / limit:.3g} × 2/λmax: the run <b>{self.behaviour}</b>."
        )
        if self.run.message:
            text += f"<br>It {self.run.message}."
        self.summary.value = text

    # -- the answer ----------------------------------------------------------

    @property
    def answer(self) -> dict[str, Any]:
        """The eigenvalues, 2/λmax, the learning rate and what the run did."""
        return {
            "eigenvalues": [float(value) for value in self.eigenvalues],
            "stable_lr": self.stable_lr,
            "lr": float(self.lr),
            "status": str(self.run.trajectory.status),
            "behaviour": self.behaviour,
        }

    def check(self) -> Verdict:
        """Check that lr lies within 10% below 2/λmax and the run converges."""
        answer = self.answer
        lr, limit = answer["lr"], answer["stable_lr"]
        if lr >= limit:
            limit_check = (
                False,
                "",
                f"lr = {lr:.4g} is not below 2/λmax = {limit:.4g}: along the "
                "steepest direction each step overshoots the minimum by as much "
                "as it corrects, or more. Lower it.",
            )
        else:
            limit_check = (
                lr >= (1 - WINDOW) * limit,
                f"lr = {lr:.4g} lies less than 10% below 2/λmax = {limit:.4g}.",
                f"lr = {lr:.4g} lies {1 - lr / limit:.0%} below 2/λmax = "
                f"{limit:.4g}: raise it until it lies less than 10% below.",
            )
        behaviour = answer["behaviour"]
        return verdict_from(
            [
                limit_check,
                (
                    behaviour == "converges",
                    "The run converges.",
                    f"The run {behaviour} instead of converging.",
                ),
            ]
        )
