"""One run of an explorer: an optimizer, where it starts, and the path it takes.

A :class:`Run` holds what a person chooses for one optimizer (which one,
its hyperparameters, the start, a colour and a label) and the trajectory
that the model holding it keeps up to date. :data:`PALETTE` gives new runs
their colours in turn.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import traitlets
from traitlets import Bool, HasTraits, Instance, Tuple, Unicode, validate

from lossviz_widgets.engine import Trajectory
from lossviz_widgets.engine.optimizers import Optimizer, make_optimizer

__all__ = ["PALETTE", "Coerced", "Run"]

#: Colours given to new runs in turn: distinct, readable on the colour maps.
PALETTE = (
    "#e45756",
    "#4c78a8",
    "#f58518",
    "#54a24b",
    "#b279a2",
    "#17becf",
    "#eeca3b",
    "#9d755d",
)


class Coerced(traitlets.TraitType):
    """A trait that turns what a person would type into the object it names."""

    def __init__(self, coerce: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._coerce = coerce

    def validate(self, obj: Any, value: Any) -> Any:
        """Coerce ``value``, turning a refusal into a ``TraitError``."""
        try:
            return self._coerce(value)
        except (TypeError, ValueError) as error:
            raise traitlets.TraitError(str(error)) from None


def _optimizer(value: Any) -> Optimizer:
    """Return an optimizer from an instance or a registry name."""
    if isinstance(value, str):
        return make_optimizer(value)
    if isinstance(value, Optimizer):
        return value
    message = f"optimizer must be an Optimizer or a name such as 'adam', got {value!r}"
    raise TypeError(message)


class Run(HasTraits):
    """One optimizer started from one point, with the path it takes.

    The model that holds a run keeps its :attr:`trajectory` up to date;
    change :attr:`optimizer`, :attr:`start` or the model's surface and the
    path is recomputed.

    Examples
    --------
    >>> from lossviz_widgets.engine.optimizers import Adam
    >>> run = Run(optimizer=Adam(lr=0.1), start=(1.0, -1.0))
    >>> run.optimizer.name, run.start
    ('Adam', (1.0, -1.0))
    >>> Run(optimizer="momentum").optimizer.name
    'Momentum'
    """

    optimizer = Coerced(
        lambda value: _optimizer(value), help="The optimizer and its hyperparameters."
    )
    start = Tuple(
        traitlets.Float(), traitlets.Float(), default_value=(0.0, 0.0),
        help="Where the run starts, (x, y).",
    )  # fmt: skip
    color = Unicode(PALETTE[0], help="CSS colour of the path.")
    label = Unicode("", help="Name shown in legends; the optimizer's by default.")
    visible = Bool(True, help="Whether views draw this run.")
    trajectory = Instance(
        Trajectory, allow_none=True, help="The path, kept current by the model."
    )
    message = Unicode("", help="What went wrong, in words, or an empty string.")

    def __init__(self, optimizer: Any = "gd", **kwargs: Any) -> None:
        super().__init__(optimizer=optimizer, **kwargs)

    @validate("start")
    def _valid_start(self, proposal: dict[str, Any]) -> tuple[float, float]:
        x, y = proposal["value"]
        if not (np.isfinite(x) and np.isfinite(y)):
            message = f"start must be a finite point (x, y), got {proposal['value']!r}"
            raise traitlets.TraitError(message)
        return (float(x), float(y))

    @property
    def name(self) -> str:
        """The label, or the optimizer's name when no label is set."""
        return self.label or self.optimizer.name

    def set_hyperparameter(self, name: str, value: Any) -> None:
        """Change one hyperparameter of the optimizer (validated by it)."""
        self.optimizer = self.optimizer.replace(**{name: value})
