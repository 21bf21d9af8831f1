"""Choosing the loss surface: the catalogue, its parameters, or a typed formula.

A :class:`SurfaceSelector` edits ``model.surface`` and nothing else. A typed
formula is parsed against a whitelist by the engine, never executed; a
refused one is explained under the box and the last good surface stays.
"""

from __future__ import annotations

import html
import logging
import math
from typing import Any

import ipywidgets
import numpy as np

from lossviz_widgets.engine import (
    CATALOGUE,
    FormulaError,
    Parameter,
    Surface,
    surface_names,
)
from lossviz_widgets.latest import LatestWins
from lossviz_widgets.model import LandscapeModel
from lossviz_widgets.notices import Notice, guarded

__all__ = ["MAX_FORMULAS", "SurfaceSelector"]

log = logging.getLogger(__name__)

#: Typed surfaces kept in the menu; older ones drop out unless on show.
MAX_FORMULAS = 8

_POSITIONS = 100  # roughly how many positions a parameter slider has
_FINER = 4  # how many times a linear step may shrink tenfold to hold a value
_WIDE = {"description_width": "initial"}


def _nice_step(span: float) -> float:
    """Return the largest 1, 2 or 5 × 10ⁿ that gives a slider 100 positions or more."""
    raw = span / _POSITIONS
    power = 10.0 ** math.floor(math.log10(raw))
    return max(m * power for m in (1, 2, 5) if m * power <= raw)


def _step(parameter: Parameter, value: float) -> float:
    """Return a slider step for ``parameter`` with ``value`` on the slider's grid.

    The browser's slider snaps to whole steps above its minimum, and sends
    the snapped value back: a step that divides the distance from the
    minimum to the value keeps the value itself (100, not 102). A log
    slider steps through exponents, about :data:`_POSITIONS` of them; a
    linear one by 1, 2 or 5 × 10ⁿ, finer where the value needs it.

    Examples
    --------
    >>> from lossviz_widgets.engine import get_surface
    >>> b = get_surface("rosenbrock").parameters[1]
    >>> round(_step(b, 100.0), 6), round(_step(b, 1.0), 6)  # exponents 2 of 0–3
    (0.029851, 0.03)
    >>> a = get_surface("rosenbrock").parameters[0]
    >>> _step(a, 1.0), _step(a, 1.234)
    (0.02, 0.002)
    """
    if parameter.scale == "log":
        low, high = math.log10(parameter.low), math.log10(parameter.high)
        step = (high - low) / _POSITIONS
        below = round((math.log10(value) - low) / step)
        return (math.log10(value) - low) / below if below > 0 else step
    step = _nice_step(parameter.high - parameter.low)
    for _ in range(_FINER):
        count = (value - parameter.low) / step
        if abs(count - round(count)) < 1e-6:
            break
        step /= 10
    return step


def _on_grid(slider: ipywidgets.ValueWidget, value: float) -> bool:
    """Tell whether a float slider can show ``value`` without snapping it."""
    log = isinstance(slider, ipywidgets.FloatLogSlider)
    position = math.log10(value) if log else value
    count = (position - slider.min) / slider.step
    return abs(count - round(count)) < 1e-6


def _slider(parameter: Parameter, value: float) -> ipywidgets.ValueWidget:
    """Build a slider for one parameter: logarithmic, whole-number or linear."""
    common = {
        "description": parameter.name,
        "tooltip": parameter.help,
        "style": _WIDE,
        "layout": ipywidgets.Layout(width="320px"),
    }
    low, high = parameter.low, parameter.high
    if parameter.integer:
        return ipywidgets.IntSlider(
            round(value), min=math.ceil(low), max=math.floor(high), **common
        )
    step = _step(parameter, value)
    if parameter.scale == "log":
        low, high = math.log10(low), math.log10(high)
        return ipywidgets.FloatLogSlider(
            value, min=low, max=high, step=step, base=10, **common
        )
    decimals = max(0, -math.floor(math.log10(_nice_step(high - low))))
    return ipywidgets.FloatSlider(
        value, min=low, max=high, step=step, readout_format=f".{decimals}f", **common
    )


def _key(surface: Surface) -> str:
    """Return the menu entry of a surface: its catalogue name or a labelled text."""
    if surface.name in CATALOGUE:
        return surface.name
    if surface.formula and surface.name == "formula":
        return f"formula: {surface.formula}"
    return f"surface: {surface.title}"


class SurfaceSelector(ipywidgets.VBox):
    """Pick a catalogue surface, move its parameters, or type a formula.

    Parameters
    ----------
    model : LandscapeModel
        The model whose ``surface`` this control sets.
    locked : bool
        Show the surface but disable every way of changing it, for an
        exercise that fixes the surface.
    formula : bool
        Whether to offer the box for typing a formula in ``x`` and ``y``.

    Attributes
    ----------
    menu : ipywidgets.Dropdown
        The catalogue by title, then the typed formulas as "formula: …".
    sliders : dict of str to slider
        One per parameter of the surface on show, shown in ``parameter_box``.
    about : ipywidgets.HTML
        The title, formula and description of the surface.
    formula_box : ipywidgets.Text
        A formula, used on Enter, on leaving the box, or with the button.
    apply_button : ipywidgets.Button
        Uses the formula in :attr:`formula_box`.
    notice : Notice
        Why a formula was refused, or what went wrong.

    Examples
    --------
    >>> from lossviz_widgets.model import LandscapeModel
    >>> model = LandscapeModel("rosenbrock", steps=20)
    >>> selector = SurfaceSelector(model)
    >>> sorted(selector.sliders)
    ['a', 'b']
    >>> selector.menu.value = "himmelblau"
    >>> model.surface.name, selector.sliders
    ('himmelblau', {})
    >>> selector.formula_box.value = "x^2 + 3*y^2"
    >>> model.surface.formula, selector.menu.label
    ('x^2 + 3*y^2', 'formula: x^2 + 3*y^2')
    >>> selector.formula_box.value = "x^2 + import"
    >>> selector.notice.text.startswith("Formula not used:"), model.surface.formula
    (True, 'x^2 + 3*y^2')
    """

    def __init__(
        self, model: LandscapeModel, *, locked: bool = False, formula: bool = True
    ) -> None:
        if not isinstance(model, LandscapeModel):
            message = f"model must be a LandscapeModel, got {model!r}"
            raise TypeError(message)
        self.model = model
        self.locked = bool(locked)
        self.notice = Notice()
        self._extras: dict[str, Surface] = {}
        self._syncing = False
        guard = guarded(self.notice, log, "changing the surface")

        entries = [(CATALOGUE[name]().title, name) for name in surface_names()]
        self._catalogue_options = tuple(entries)
        self.menu = ipywidgets.Dropdown(
            options=self._catalogue_options,
            description="surface",
            disabled=self.locked,
            style=_WIDE,
            layout=ipywidgets.Layout(width="320px"),
        )
        self.about = ipywidgets.HTML()
        self.sliders: dict[str, ipywidgets.ValueWidget] = {}
        self._shown: tuple[Parameter, ...] = ()
        self._moved: dict[str, float] = {}
        self.parameter_box = ipywidgets.VBox()
        self.formula_box = ipywidgets.Text(
            placeholder="a formula in x and y, e.g. x^2 + 3*y^2",
            description="formula",
            continuous_update=False,
            disabled=self.locked,
            style=_WIDE,
            layout=ipywidgets.Layout(width="320px"),
        )
        self.apply_button = ipywidgets.Button(
            description="Apply",
            tooltip="Use the formula as the surface",
            disabled=self.locked,
            layout=ipywidgets.Layout(width="80px"),
        )

        self._latest = LatestWins(guard(self._set_params))
        self._on_menu = guard(self._on_menu)
        self._on_slider = guard(self._on_slider)
        self._on_surface = guard(self._on_surface)
        self._apply_formula = guarded(self.notice, log, "reading the formula")(
            self._apply_formula
        )

        self.menu.observe(self._on_menu, names="value")
        self.formula_box.observe(self._apply_formula, names="value")
        self.apply_button.on_click(self._apply_formula)
        model.observe(self._on_surface, names="surface")
        self._on_surface({"new": model.surface})

        children: list[ipywidgets.Widget] = [self.menu, self.about, self.parameter_box]
        if formula:
            children.append(ipywidgets.HBox([self.formula_box, self.apply_button]))
        super().__init__([*children, self.notice])
        self.add_class("lossviz-surface-selector")

    # -- the model changed: show its surface -----------------------------

    def _on_surface(self, change: dict[str, Any]) -> None:
        """Select the surface's entry and show its parameters and description."""
        surface = self.model.surface
        key = self._remember(surface)
        options = self._catalogue_options + tuple((name, name) for name in self._extras)
        self._syncing = True  # mirroring the model: send nothing back to it
        try:
            with self.menu.hold_sync():
                if tuple(self.menu.options) != options:
                    self.menu.options = options
                self.menu.value = key
            self._show_parameters(surface)
            self.about.value = _describe(surface)
        finally:
            self._syncing = False

    def _remember(self, surface: Surface) -> str:
        """Keep a surface from outside the catalogue as a menu entry."""
        key = _key(surface)
        if key in CATALOGUE:
            return key
        self._extras[key] = surface
        while len(self._extras) > MAX_FORMULAS:
            del self._extras[next(iter(self._extras))]
        return key

    def _show_parameters(self, surface: Surface) -> None:
        """Rebuild the sliders for new parameters, or move the present ones."""
        if surface.parameters != self._shown:
            old = list(self.sliders.values())
            self._shown, self._moved, self.sliders = surface.parameters, {}, {}
            for parameter in self._shown:
                slider = _slider(parameter, surface.params[parameter.name])
                slider.disabled = self.locked
                slider.observe(self._on_slider, names="value")
                self.sliders[parameter.name] = slider
            self.parameter_box.children = tuple(self.sliders.values())
            for slider in old:
                slider.close()
            return
        for parameter in self._shown:
            if parameter.name in self._moved:
                continue  # a newer value is on its way: do not pull the handle back
            value = surface.params[parameter.name]
            slider = self.sliders[parameter.name]
            if parameter.integer:
                slider.value = round(value)
                continue
            if slider.value == value:
                continue  # the slider's own value, come back through the model
            with slider.hold_sync():  # a value set from code keeps its digits
                if not _on_grid(slider, value):
                    slider.step = _step(parameter, value)
                slider.value = value

    # -- the person changed something: edit the model ---------------------

    def _on_menu(self, change: dict[str, Any]) -> None:
        """Show the chosen entry: a catalogue surface afresh, or a kept one."""
        if self._syncing or change["new"] is None:
            return
        key = change["new"]
        self.notice.clear()
        self.model.surface = key if key in CATALOGUE else self._extras[key]

    def _on_slider(self, change: dict[str, Any]) -> None:
        """Note the moved slider's value; the newest values are applied together."""
        if self._syncing:
            return
        for name, slider in self.sliders.items():
            if slider is change["owner"]:
                self._moved[name] = change["new"]
        self._latest(_key(self.model.surface))

    def _set_params(self, key: str) -> None:
        """Give the model the surface with the moved values, if still current."""
        moved, self._moved = self._moved, {}
        surface = self.model.surface
        if _key(surface) != key:
            return
        params = {}
        for parameter in surface.parameters:
            if parameter.name in moved:
                low, high = parameter.low, parameter.high
                value = float(np.clip(moved[parameter.name], low, high))
                params[parameter.name] = round(value) if parameter.integer else value
        if any(value != surface.params[name] for name, value in params.items()):
            self.model.surface = surface.with_params(**params)

    def _apply_formula(self, *_: Any) -> None:
        """Use the typed formula as the surface, or say why it cannot be."""
        text = self.formula_box.value.strip()
        if self.locked or not text:
            return
        key = f"formula: {text}"
        if _key(self.model.surface) == key:
            return
        if key in self._extras:
            self.notice.clear()
            self.model.surface = self._extras[key]
            return
        try:
            surface = Surface.from_formula(text)
        except FormulaError as error:
            log.info("formula %r refused: %s", text, error)
            self.notice.show(f"Formula not used: {error}")
            return
        self.notice.clear()
        self.model.surface = surface


def _describe(surface: Surface) -> str:
    """Return one escaped line with the title, formula and description."""
    parts = [f"<b>{html.escape(surface.title)}</b>"]
    if surface.formula and surface.formula != surface.title:
        parts.append(
            f'<span class="lossviz-formula">{html.escape(surface.formula)}</span>'
        )
    if surface.description:
        parts.append(html.escape(surface.description))
    return '<div class="lossviz-surface-about">' + " — ".join(parts) + "</div>"
