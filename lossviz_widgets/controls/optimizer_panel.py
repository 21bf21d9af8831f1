"""The optimizer panel: the runs racing on the surface, and how many steps they take.

An :class:`OptimizerPanel` shows one card per run of a model (a
:class:`~lossviz_widgets.controls.run_card.RunCard`), adds, removes and
duplicates runs, chooses the run that readouts and map clicks act on, and
sets the number of steps. It edits the model only; the views redraw from it.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from typing import Any

import ipywidgets
import traitlets

from lossviz_widgets.controls.run_card import RunCard, close_parts
from lossviz_widgets.engine.optimizers import optimizer_names
from lossviz_widgets.latest import LatestWins
from lossviz_widgets.model import MAX_RUNS, MAX_STEPS, LandscapeModel, Run
from lossviz_widgets.notices import Notice, guarded

__all__ = ["OptimizerPanel"]

log = logging.getLogger(__name__)

#: What the panel says once the model holds as many runs as it may.
FULL_MESSAGE = (
    f"{MAX_RUNS} runs is the most one picture holds: remove a run to add another"
)


class _StepsSlider(ipywidgets.IntSlider):
    """An ``IntSlider`` that reports every value it clamps into its range.

    A browser clamps what is typed into a slider's readout before sending
    it, but code and other front ends may send any number; the slider keeps
    it in range, and ``on_clamp(requested, kept)`` is told, so the panel can
    say why instead of silently showing another number.
    """

    def __init__(self, on_clamp: Callable[[int, int], None], **kwargs: Any) -> None:
        self._on_clamp = on_clamp  # validation runs inside the constructor
        super().__init__(**kwargs)

    @traitlets.validate("value")
    def _validate_value(self, proposal: dict[str, Any]) -> int:
        kept = super()._validate_value(proposal)
        self._on_clamp(proposal["value"], kept)
        return kept


def _offered(optimizers: Iterable[str] | None) -> tuple[str, ...]:
    """Check the names of the optimizers to offer; all of them when ``None``."""
    known = optimizer_names()
    if optimizers is None:
        return known
    if isinstance(optimizers, str) or not isinstance(optimizers, Iterable):
        message = (
            "optimizers must be a list of names such as ['gd', 'adam'], "
            f"got {optimizers!r}"
        )
        raise TypeError(message)
    names = tuple(optimizers)
    unknown = [name for name in names if name not in known]
    if unknown or not names:
        message = (
            f"optimizers must name at least one of: {', '.join(known)}; "
            f"got {list(names)!r}"
        )
        raise ValueError(message)
    return names


class OptimizerPanel(ipywidgets.VBox):
    """Add, edit and remove the optimizer runs of a model.

    Parameters
    ----------
    model : LandscapeModel
        The model whose runs the panel edits.
    locked : bool
        Show the runs without letting them be edited: optimizers,
        hyperparameters, colours, starts, steps and the set of runs stay as
        they are. Choosing the selected run and hiding runs still work.
    optimizers : list of str, optional
        Registry names offered in each run's menu (see
        :func:`~lossviz_widgets.engine.optimizers.optimizer_names`); all
        when omitted. New runs use the first.

    Notes
    -----
    A run added or copied becomes the selected one, so the next click on
    the map places its start.

    Raises
    ------
    TypeError
        If ``optimizers`` is not a list of names.
    ValueError
        If ``optimizers`` is empty or names an unknown optimizer.

    Examples
    --------
    >>> model = LandscapeModel("himmelblau")
    >>> panel = OptimizerPanel(model, optimizers=["gd", "momentum", "adam"])
    >>> panel.add_button.click()
    >>> len(model.runs), model.selected
    (2, 1)
    >>> panel.cards[1].optimizer_menu.value = "adam"
    >>> panel.cards[1].controls["lr"].value = 0.05
    >>> model.runs[1].optimizer.name, model.runs[1].optimizer.lr
    ('Adam', 0.05)
    >>> panel.steps_slider.value = 50
    >>> model.runs[1].trajectory.points.shape
    (51, 2)
    >>> panel.steps_slider.value = 10**6  # past the slider: clamped, and said why
    >>> model.steps, panel.notice.text.split(":")[0]
    (5000, 'steps 1000000 clamped to 5000')
    """

    locked = traitlets.Bool(False, help="Show the runs without letting them change.")

    def __init__(
        self,
        model: LandscapeModel,
        *,
        locked: bool = False,
        optimizers: Iterable[str] | None = None,
        **kwargs: Any,
    ) -> None:
        self._model_observers: dict[str, Any] = {}
        self._cards: dict[Run, RunCard] = {}
        self.model = model
        self.optimizers = _offered(optimizers)
        self.notice = Notice()

        self.add_button = ipywidgets.Button(
            description="add run", icon="plus", tooltip="add a run to the race",
            layout=ipywidgets.Layout(width="8em", flex="0 0 auto"),
        )  # fmt: skip
        self._clamped: tuple[str, int | None] = ("", None)
        self.steps_slider = _StepsSlider(
            self._say_clamped, value=model.steps, min=1, max=MAX_STEPS,
            description="steps", tooltip=f"steps every run takes, 1 to {MAX_STEPS}",
            style={"description_width": "3em"}, layout=ipywidgets.Layout(width="100%"),
        )  # fmt: skip
        self.cards_box = ipywidgets.VBox()
        toolbar = ipywidgets.HBox([self.add_button, self.steps_slider])
        super().__init__(children=[toolbar, self.cards_box, self.notice], **kwargs)
        self.add_class("lossviz-optimizer-panel")
        self.locked = locked

        safe = guarded(self.notice, log, "editing the runs")
        set_steps = LatestWins(safe(self._set_steps))
        self.steps_slider.observe(lambda change: set_steps(change["new"]), "value")
        self.add_button.on_click(safe(self._add))
        self._model_observers = {
            "runs": safe(self._show_runs),
            "steps": safe(self._show_steps),
            "selected": safe(self._show_selection),
        }
        for name, observer in self._model_observers.items():
            model.observe(observer, names=name)
        self.observe(lambda change: self._apply_lock(), names="locked")
        self._show_runs()

    @property
    def cards(self) -> tuple[RunCard, ...]:
        """The card of each run, in the model's order."""
        return tuple(self._cards[run] for run in self.model.runs)

    # -- from the model to the panel -------------------------------------

    def _show_runs(self, change: dict[str, Any] | None = None) -> None:
        """Build cards for new runs, close those of removed runs, keep order."""
        runs = self.model.runs
        for run in [run for run in self._cards if run not in runs]:
            self._cards.pop(run).close()
        for run in runs:
            if run not in self._cards:
                self._cards[run] = self._card(run)
        self.cards_box.children = self.cards
        for index, card in enumerate(self.cards):
            card.select_button.description = f"run {index + 1}"
        self._show_selection()
        self._apply_lock()

    def _card(self, run: Run) -> RunCard:
        """Build the card of one run and wire its buttons to the panel."""
        card = RunCard(self.model, run, locked=self.locked, optimizers=self.optimizers)
        safe = guarded(card.notice, log, "editing the runs")
        card.remove_button.on_click(safe(functools.partial(self._remove, run)))
        card.duplicate_button.on_click(safe(functools.partial(self._duplicate, run)))
        card.select_button.observe(
            safe(functools.partial(self._select, card)), names="value"
        )
        return card

    def _show_steps(self, change: dict[str, Any]) -> None:
        """Show the model's number of steps."""
        self.steps_slider.value = self.model.steps

    def _say_clamped(self, requested: int, kept: int) -> None:
        """Say why a number of steps was clamped; clear that once another is set."""
        text, clamped_to = self._clamped
        if requested == kept:
            # The model echoes the clamped value back: that is no new request.
            if text and kept != clamped_to:
                if self.notice.text == text:
                    self.notice.clear()
                self._clamped = ("", None)
            return
        why = (
            "a run takes at least one step"
            if requested < kept
            else f"more than {MAX_STEPS} would stall the kernel on every change"
        )
        self._clamped = (f"steps {requested} clamped to {kept}: {why}", kept)
        self.notice.show(self._clamped[0], "warning")

    def _show_selection(self, change: dict[str, Any] | None = None) -> None:
        """Press the selected run's button and release the others."""
        for index, run in enumerate(self.model.runs):
            if run in self._cards:  # the model selects before new cards exist
                self._cards[run].select_button.value = index == self.model.selected

    def _apply_lock(self) -> None:
        """Enable what may be edited, and say why no run can be added."""
        full = len(self.model.runs) >= MAX_RUNS
        self.add_button.disabled = self.locked or full
        self.steps_slider.disabled = self.locked
        for card in self._cards.values():
            card.locked = self.locked
            card.full = full
        if full and not self.locked:
            self.notice.show(FULL_MESSAGE, "info")
        elif self.notice.text == FULL_MESSAGE:
            self.notice.clear()

    # -- from the panel to the model -------------------------------------

    def _set_steps(self, steps: int) -> None:
        """Give every run ``steps`` steps."""
        self.model.steps = steps

    def _refused(self) -> bool:
        """Tell whether the set of runs may not grow, saying why when full."""
        if len(self.model.runs) >= MAX_RUNS:
            self.notice.show(FULL_MESSAGE, "info")
        return self.locked or len(self.model.runs) >= MAX_RUNS

    def _add(self, button: ipywidgets.Button | None = None) -> None:
        """Add a run with the first offered optimizer and select it."""
        if not self._refused():
            self.model.add_run(self.optimizers[0])
            self.model.selected = len(self.model.runs) - 1

    def _remove(self, run: Run, button: ipywidgets.Button | None = None) -> None:
        """Remove ``run`` from the model."""
        if not self.locked and run in self.model.runs:
            self.model.remove_run(self.model.runs.index(run))

    def _duplicate(self, run: Run, button: ipywidgets.Button | None = None) -> None:
        """Add a copy of ``run`` and select it."""
        if not self._refused() and run in self.model.runs:
            self.model.duplicate_run(self.model.runs.index(run))
            self.model.selected = len(self.model.runs) - 1

    def _select(self, card: RunCard, change: dict[str, Any]) -> None:
        """Make the card's run the selected one; one run stays selected."""
        if card.run not in self.model.runs:
            return
        index = self.model.runs.index(card.run)
        if change["new"]:
            self.model.selected = index
        elif index == self.model.selected:
            card.select_button.value = True

    # -- teardown --------------------------------------------------------

    def close(self) -> None:
        """Stop following the model and close every widget of the panel."""
        for name, observer in self._model_observers.items():
            self.model.unobserve(observer, names=name)
        self._model_observers = {}
        for card in self._cards.values():
            card.close()
        self._cards = {}
        close_parts(self)
        super().close()
