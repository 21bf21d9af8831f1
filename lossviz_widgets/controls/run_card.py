"""The editor of one run: optimizer, hyperparameters, colour, start and status.

A :class:`RunCard` edits one :class:`~lossviz_widgets.model.Run` in place and
follows it: a change made in code or by a click on the map shows up in the
card, and a change made in the card goes to the run, which the model then
recomputes. The card computes nothing itself; the control of each
hyperparameter comes from :mod:`~lossviz_widgets.controls.hyperparameter_controls`.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import ipywidgets
import traitlets

from lossviz_widgets.controls.hyperparameter_controls import (
    control_holds,
    control_shows,
    hyperparameter_control,
)
from lossviz_widgets.engine.optimizers import OPTIMIZERS, Optimizer, optimizer_names
from lossviz_widgets.latest import LatestWins
from lossviz_widgets.model import LandscapeModel, Run
from lossviz_widgets.notices import Notice, guarded

__all__ = ["CUSTOM", "RunCard", "close_parts", "close_tree"]

log = logging.getLogger(__name__)

#: Menu value of an optimizer that is not in the registry.
CUSTOM = "custom"

_KEYS = {cls: key for key, cls in OPTIMIZERS.items()}


def _width(width: str) -> ipywidgets.Layout:
    """Return a layout of the given width."""
    return ipywidgets.Layout(width=width)


def close_parts(widget: ipywidgets.Widget) -> None:
    """Close the children, layout and style of a widget that is being closed."""
    if widget.comm is None:
        return  # closed already, or never opened because its arguments were refused
    for child in getattr(widget, "children", ()):
        close_tree(child)
    for part in ("layout", "style"):
        inner = getattr(widget, part, None)
        if isinstance(inner, ipywidgets.Widget):
            inner.close()


def close_tree(widget: ipywidgets.Widget) -> None:
    """Close a widget, its layout, its style and, for a box, its children."""
    close_parts(widget)
    widget.close()


class RunCard(ipywidgets.VBox):
    """The editor of one run, kept in step with the run.

    Parameters
    ----------
    model : LandscapeModel
        The model holding the run; its surface's domain bounds the start.
    run : Run
        The run edited.
    locked : bool
        Show the run without letting it be edited.
    optimizers : sequence of str, optional
        Registry names offered in the menu; all of them when omitted. Any
        optimizer the run has had is offered too.

    Examples
    --------
    >>> model = LandscapeModel("himmelblau")
    >>> card = RunCard(model, model.runs[0])
    >>> card.optimizer_menu.value = "adam"
    >>> model.runs[0].optimizer.name, list(card.controls)[:3]
    ('Adam', ['lr', 'beta1', 'beta2'])
    >>> card.controls["lr"].value = 0.05
    >>> model.runs[0].optimizer.lr
    0.05
    >>> card.close()
    """

    locked = traitlets.Bool(False, help="Show the run without letting it be edited.")
    full = traitlets.Bool(False, help="Whether the model has no room for a copy.")

    def __init__(
        self,
        model: LandscapeModel,
        run: Run,
        *,
        locked: bool = False,
        optimizers: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> None:
        self._run_observers: dict[str, Any] = {}
        self.model, self.run = model, run
        self.notice, self.status = Notice(), Notice()
        self.controls: dict[str, ipywidgets.ValueWidget] = {}
        self._offered = tuple(optimizers or optimizer_names())
        self._recent: dict[str, Optimizer[Any]] = {}
        self._kind: type | None = None
        self._quiet = False

        tip = "act on this run: readouts and clicks on the map"
        self.select_button = ipywidgets.ToggleButton(
            description="run", tooltip=tip, layout=_width("4.5em")
        )
        self.color_picker = ipywidgets.ColorPicker(concise=True, layout=_width("2.5em"))
        self.optimizer_menu = ipywidgets.Dropdown(layout=_width("8.5em"))
        self.visible_toggle = ipywidgets.ToggleButton(
            icon="eye", tooltip="show the run", layout=_width("3em")
        )
        self.duplicate_button = ipywidgets.Button(
            icon="copy", tooltip="add a copy of the run", layout=_width("2.5em")
        )
        self.remove_button = ipywidgets.Button(
            icon="trash", tooltip="remove the run", layout=_width("2.5em")
        )
        self.hyperparameter_box = ipywidgets.VBox()
        self.start_x, self.start_y = (
            ipywidgets.FloatText(
                description=axis,
                tooltip=f"{axis} of the start point",
                style={"description_width": "1.5em"},
                layout=_width("9.5em"),
            )
            for axis in ("x", "y")
        )
        header = [self.select_button, self.color_picker, self.optimizer_menu]
        header += [self.visible_toggle, self.duplicate_button, self.remove_button]
        start = ipywidgets.HBox([self.start_x, self.start_y])
        rows = [ipywidgets.HBox(header), self.hyperparameter_box, start]
        super().__init__(children=[*rows, self.status, self.notice], **kwargs)
        self.add_class("lossviz-run-card")

        shown = guarded(self.notice, log, "showing the run")
        self._run_observers = {
            name: shown(show)
            for name, show in [
                ("optimizer", self._show_optimizer),
                ("start", self._show_start),
                ("color", self._show_color),
                ("visible", self._show_visible),
                ("trajectory", self._show_status),
                ("message", self._show_status),
            ]
        }
        for name, observer in self._run_observers.items():
            run.observe(observer, names=name)
            observer()

        edit = guarded(self.notice, log, "editing the run")
        self.optimizer_menu.observe(edit(self._choose_optimizer), names="value")
        self.start_x.observe(edit(self._type_start), names="value")
        self.start_y.observe(edit(self._type_start), names="value")
        self.color_picker.observe(edit(self._pick_color), names="value")
        self.visible_toggle.observe(edit(self._toggle_visible), names="value")
        self.select_button.observe(lambda change: self._show_color(), "value")
        self.observe(lambda change: self._apply_lock(), names=["locked", "full"])
        self.locked = locked
        self._apply_lock()

    # -- from the run to the card ----------------------------------------

    @contextlib.contextmanager
    def _showing(self) -> Iterator[None]:
        """Set widgets from the run without sending the values back."""
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False

    def _show_optimizer(self, change: dict[str, Any] | None = None) -> None:
        """Show the run's optimizer: its menu entry and its hyperparameters."""
        optimizer = self.run.optimizer
        key = _KEYS.get(type(optimizer), CUSTOM)
        self._recent[key] = optimizer
        values = optimizer.values()
        fits = list(self.controls) == list(values) and all(
            control_holds(self.controls[h.name], h, values[h.name])
            for h in optimizer.hyperparameters
        )
        keys = [*self._offered, *(k for k in self._recent if k not in self._offered)]
        menu = tuple(((self._recent.get(k) or OPTIMIZERS[k]).name, k) for k in keys)
        with self._showing():
            if self.optimizer_menu.options != menu:
                self.optimizer_menu.options = menu
            self.optimizer_menu.value = key
            if not fits or self._kind is not type(optimizer):
                self._kind = type(optimizer)
                self._build_controls()
            for name, value in values.items():
                control = self.controls[name]
                if not control_shows(control, control.value, value):
                    control.value = value

    def _build_controls(self) -> None:
        """Build one control per hyperparameter of the run's optimizer."""
        optimizer, old = self.run.optimizer, self.hyperparameter_box.children
        values = optimizer.values()
        self.controls = {}
        for h in optimizer.hyperparameters:
            control = hyperparameter_control(h, values[h.name])
            control.disabled = self.locked
            apply = LatestWins(self._applier(type(optimizer), h.name))
            control.observe(self._forward(apply, h.name), names="value")
            self.controls[h.name] = control
        self.hyperparameter_box.children = tuple(self.controls.values())
        for control in old:
            close_tree(control)

    def _show_start(self, change: dict[str, Any] | None = None) -> None:
        """Show the start point in the two number boxes."""
        with self._showing():
            self.start_x.value, self.start_y.value = self.run.start

    def _show_color(self, change: dict[str, Any] | None = None) -> None:
        """Show the run's colour, and frame the card in it while selected."""
        try:
            self.color_picker.value = self.run.color
        except traitlets.TraitError:
            message = "color must be a CSS colour such as '#e45756' or 'teal', got"
            self.notice.show(f"{message} {self.run.color!r}")
        selected = self.select_button.value
        color = self.run.color if selected else "#d0d0d0"
        with self.layout.hold_sync():  # the four sides in one message
            self.layout.border = f"{2 if selected else 1}px solid {color}"

    def _show_visible(self, change: dict[str, Any] | None = None) -> None:
        """Show whether views draw the run."""
        self.visible_toggle.value = self.run.visible

    def _show_status(self, change: dict[str, Any] | None = None) -> None:
        """Say how the run went: its message, or its status and final loss."""
        trajectory = self.run.trajectory
        if self.run.message:
            self.status.show(self.run.message, "warning")
        elif trajectory is None:
            self.status.show("not computed yet", "info")
        else:
            final = float(trajectory.values[-1])
            text = f"{trajectory.status}: loss {final:.4g} after {trajectory.steps}"
            self.status.show(f"{text} steps", "info")

    def _apply_lock(self) -> None:
        """Enable or disable what edits the run."""
        editors = [self.optimizer_menu, self.color_picker, self.remove_button]
        for widget in [*editors, self.start_x, self.start_y, *self.controls.values()]:
            widget.disabled = self.locked
        self.duplicate_button.disabled = self.locked or self.full

    # -- from the card to the run ----------------------------------------

    def _forward(
        self, apply: LatestWins, name: str
    ) -> Callable[[dict[str, Any]], None]:
        """Return an observer handing a control's new value to ``apply``."""

        def forward(change: dict[str, Any]) -> None:
            current = self.run.optimizer.values().get(name)
            if self._quiet or (
                current is not None
                and control_shows(change["owner"], change["new"], current)
            ):
                return  # a browser drawing the slider rounds the value: not a move
            apply(change["new"])

        return forward

    def _applier(self, kind: type, name: str) -> Callable[[Any], None]:
        """Return the work that sets ``name`` on an optimizer of class ``kind``."""

        @guarded(self.notice, log, f"setting {name}")
        def apply(value: Any) -> None:
            replaced = type(self.run.optimizer) is not kind
            if replaced or not self._run_observers or self.run not in self.model.runs:
                return  # a value left over from an optimizer or a card since gone
            try:
                self.run.optimizer = self.run.optimizer.replace(**{name: value})
            except (TypeError, ValueError, traitlets.TraitError) as error:
                self.notice.show(f"{name} not applied: {error}")
                self._show_optimizer()  # the controls show the optimizer kept
                return
            self.notice.clear()

        return apply

    def _choose_optimizer(self, change: dict[str, Any]) -> None:
        """Switch the run to the chosen optimizer, as last set in this card."""
        if not self._quiet:
            key = change["new"]
            self.run.optimizer = self._recent.get(key) or OPTIMIZERS[key]()
            self.notice.clear()

    def _type_start(self, change: dict[str, Any]) -> None:
        """Move the start to the typed point, onto the domain if outside it."""
        if self._quiet:
            return
        x, y = self.start_x.value, self.start_y.value
        domain = self.model.surface.domain
        self.notice.clear()
        if not bool(domain.contains(x, y)):
            inside = tuple(float(v) for v in domain.clip(x, y))
            self.notice.show(
                f"start ({x:g}, {y:g}) lies outside the surface, x in "
                f"[{domain.x_min:g}, {domain.x_max:g}] and y in [{domain.y_min:g}, "
                f"{domain.y_max:g}]: moved to ({inside[0]:g}, {inside[1]:g})",
                "warning",
            )
            x, y = inside
        self.run.start = (x, y)
        self._show_start()

    def _pick_color(self, change: dict[str, Any]) -> None:
        """Give the run the picked colour."""
        self.run.color = change["new"]

    def _toggle_visible(self, change: dict[str, Any]) -> None:
        """Show or hide the run in the views."""
        self.run.visible = change["new"]

    def close(self) -> None:
        """Stop following the run and close every widget of the card."""
        for name, observer in self._run_observers.items():
            self.run.unobserve(observer, names=name)
        self._run_observers = {}
        close_parts(self)
        super().close()
