"""The optimizer interface: an ``init``/``update`` pair over a batch of points.

An optimizer is a frozen dataclass of hyperparameters. It never holds the
progress of a run: :meth:`Optimizer.init` returns a fresh state for a batch of
start points, and :meth:`Optimizer.update` takes a state, the current points
and their gradients and returns the next points with a new state. Nothing is
modified in place, so a run can be replayed, branched or compared step by
step.
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

import numpy as np

from lossviz_widgets.engine.optimizers.hyperparameter import Hyperparameter

__all__ = ["Optimizer", "State"]


@dataclass(frozen=True, eq=False)
class State:
    """What an optimizer remembers between steps; here only the step count.

    Each optimizer extends it with its own arrays, each of shape ``(N, 2)``
    for a batch of ``N`` points (``SGDState``, ``AdamState``, ...).

    Attributes
    ----------
    step : int
        Number of updates taken so far.

    Examples
    --------
    >>> State(step=0)
    State(step=0)

    """

    step: int


StateT = TypeVar("StateT", bound=State)


def as_points(name: str, value: Any) -> np.ndarray:
    """Return ``value`` as a float array of shape ``(N, 2)``, or raise.

    Examples
    --------
    >>> as_points("points", [[0, 1], [2, 3]]).dtype
    dtype('float64')
    >>> as_points("points", [0.0, 1.0])
    Traceback (most recent call last):
    ...
    ValueError: points must have shape (N, 2), got shape (2,)

    """
    array = np.asarray(value, dtype=float)
    if array.ndim != 2 or array.shape[1] != 2:
        message = f"{name} must have shape (N, 2), got shape {array.shape}"
        raise ValueError(message)
    return array


def _same_shape(name: str, value: Any, shape: tuple[int, ...]) -> np.ndarray:
    """Return ``value`` as a float array of ``shape``, or raise ``ValueError``."""
    array = np.asarray(value, dtype=float)
    if array.shape != shape:
        message = f"{name} must have shape {shape} like the points, got {array.shape}"
        raise ValueError(message)
    return array


def descent_gradient(
    points: np.ndarray, grad: np.ndarray, weight_decay: float, maximize: bool
) -> np.ndarray:
    """Return the gradient to descend: negated to maximize, plus L2 weight decay.

    This is the first line of every ``torch.optim`` algorithm: ``g ← -g`` when
    maximizing, then ``g ← g + weight_decay · θ``.

    Examples
    --------
    >>> points, grad = np.array([[1.0, 2.0]]), np.array([[0.5, -0.5]])
    >>> descent_gradient(points, grad, 0.1, maximize=True).tolist()
    [[-0.4, 0.7]]

    """
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = grad + weight_decay * points
    return grad


def divide_or_zero(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Return ``numerator / denominator``, with 0 where the denominator is 0.

    Adaptive optimizers divide by ``sqrt(v) + eps``; with ``eps = 0`` and a
    gradient that has been exactly zero so far, that is ``0 / 0``. Such a
    coordinate has nothing to move on, so its step is taken as zero.

    Examples
    --------
    >>> divide_or_zero(np.array([1.0, 0.0]), np.array([4.0, 0.0])).tolist()
    [0.25, 0.0]

    """
    nonzero = denominator != 0
    # The usual case, checked first: a masked division of a few points
    # costs several times a plain one, and an optimizer divides every step.
    if nonzero.all():
        return np.true_divide(numerator, denominator)
    out = np.zeros(np.broadcast(numerator, denominator).shape)
    return np.divide(numerator, denominator, out=out, where=nonzero)


class Optimizer(ABC, Generic[StateT]):
    """An update rule for a batch of points in the plane, with explicit state.

    Concrete optimizers are frozen dataclasses whose fields are their
    hyperparameters, under ``torch.optim``'s keyword names and defaults.
    Every update works on ``N`` points at once; the points do not interact.

    Attributes
    ----------
    name : str
        Display name, e.g. ``"Adam"``.
    hyperparameters : tuple of Hyperparameter
        What a panel shows, under flat names (``"beta1"`` rather than
        ``"betas"``).
    needs_hessian : bool
        Whether :meth:`update` needs the Hessian at the points.

    Examples
    --------
    >>> from lossviz_widgets.engine.optimizers import GD
    >>> gd = GD(lr=0.1)
    >>> points = np.array([[1.0, 2.0]])
    >>> state = gd.init(points)
    >>> points, state = gd.update(state, points, grad=2 * points)
    >>> points.tolist(), state.step
    ([[0.8, 1.6]], 1)

    """

    name: ClassVar[str]
    hyperparameters: ClassVar[tuple[Hyperparameter, ...]]
    needs_hessian: ClassVar[bool] = False
    state_type: ClassVar[type[State]] = State

    # Flat names standing for one entry of a field: {"beta1": ("betas", 0)}.
    _flat_entries: ClassVar[Mapping[str, tuple[str, int]]] = {}

    @property
    @abstractmethod
    def lr(self) -> float:
        """The learning rate: the factor on every step."""

    def init(self, points: Any) -> StateT:
        """Return the state before the first step for ``points`` of shape ``(N, 2)``.

        Examples
        --------
        >>> from lossviz_widgets.engine.optimizers import Adam
        >>> Adam().init(np.zeros((3, 2))).exp_avg.shape
        (3, 2)

        """
        return self._init(as_points("points", points))

    def update(
        self,
        state: StateT,
        points: Any,
        grad: Any,
        hessian: Any | None = None,
    ) -> tuple[np.ndarray, StateT]:
        """Take one step from ``points`` and return the new points and state.

        Parameters
        ----------
        state : State
            The state returned by :meth:`init` or by the previous update.
        points : array_like, shape (N, 2)
            The current points.
        grad : array_like, shape (N, 2)
            The gradient of the loss at each point.
        hessian : array_like, shape (N, 2, 2), optional
            The Hessian at each point; required when :attr:`needs_hessian`.

        Returns
        -------
        points : ndarray, shape (N, 2)
            The points after the step.
        state : State
            The state to pass to the next update.

        Examples
        --------
        >>> from lossviz_widgets.engine.optimizers import Momentum
        >>> opt = Momentum(lr=0.1, momentum=0.5)
        >>> x = np.array([[1.0, 0.0]])
        >>> state = opt.init(x)
        >>> for _ in range(2):
        ...     x, state = opt.update(state, x, grad=2 * x)
        >>> x.round(6).tolist()
        [[0.54, 0.0]]

        """
        points = as_points("points", points)
        grad = _same_shape("grad", grad, points.shape)
        self._check_state(state, points.shape)
        if self.needs_hessian:
            if hessian is None:
                message = f"{self.name} needs the hessian, of shape (N, 2, 2)"
                raise ValueError(message)
            hessian = _same_shape("hessian", hessian, (*points.shape, 2))
        # A diverging run overflows to inf and then NaN; the caller detects it.
        with np.errstate(over="ignore", invalid="ignore"):
            return self._update(state, points, grad, hessian)

    def update_unchecked(
        self,
        state: StateT,
        points: np.ndarray,
        grad: np.ndarray,
        hessian: np.ndarray | None = None,
    ) -> tuple[np.ndarray, StateT]:
        """Take one step like :meth:`update`, without checking the inputs.

        For loops that run thousands of steps on arrays they built
        themselves: ``points`` and ``grad`` are float arrays of shape
        ``(N, 2)``, ``state`` came from :meth:`init` or a previous update for
        the same points, and ``hessian`` is given when :attr:`needs_hessian`.
        The caller handles overflow (for example inside ``np.errstate``).

        Examples
        --------
        >>> from lossviz_widgets.engine.optimizers import GD
        >>> opt = GD(lr=0.25)
        >>> x = np.array([[1.0, -2.0]])
        >>> opt.update_unchecked(opt.init(x), x, 2 * x)[0].tolist()
        [[0.5, -1.0]]

        """
        return self._update(state, points, grad, hessian)

    def _check_state(self, state: object, shape: tuple[int, ...]) -> None:
        """Raise if ``state`` is not this optimizer's state for ``shape`` points."""
        if not isinstance(state, self.state_type):
            message = (
                f"state must be the {self.state_type.__name__} that {self.name}.init "
                f"returns, got {type(state).__name__}"
            )
            raise TypeError(message)
        for field in dataclasses.fields(state):
            value = getattr(state, field.name)
            if isinstance(value, np.ndarray) and value.shape != shape:
                message = (
                    f"state.{field.name} has shape {value.shape} but the points "
                    f"have shape {shape}: the state belongs to another batch"
                )
                raise ValueError(message)

    @abstractmethod
    def _init(self, points: np.ndarray) -> StateT:
        """Return the first state for points of shape ``(N, 2)``."""

    @abstractmethod
    def _update(
        self,
        state: StateT,
        points: np.ndarray,
        grad: np.ndarray,
        hessian: np.ndarray | None,
    ) -> tuple[np.ndarray, StateT]:
        """Take one step on checked arrays; never modify them."""

    def values(self) -> dict[str, float | bool]:
        """Return the hyperparameter values under their flat names.

        Examples
        --------
        >>> from lossviz_widgets.engine.optimizers import Adam
        >>> Adam(betas=(0.8, 0.99)).values()["beta1"]
        0.8

        """
        return {h.name: getattr(self, h.name) for h in self.hyperparameters}

    def replace(self, **changes: Any) -> Optimizer[StateT]:
        """Return a copy with some hyperparameters changed.

        Accepts the flat names of :attr:`hyperparameters` (``beta1``) as well
        as ``torch.optim``'s keywords (``betas``). The copy is validated like
        a new optimizer.

        Examples
        --------
        >>> from lossviz_widgets.engine.optimizers import Adam
        >>> Adam().replace(lr=0.1, beta2=0.9).betas
        (0.9, 0.9)
        >>> Adam().replace(momentum=0.9)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: Adam has no hyperparameter 'momentum'; it accepts: amsgrad, ...

        """
        fields = {field.name for field in dataclasses.fields(self)}
        accepted = sorted(fields | set(self._flat_entries))
        for key in changes:
            if key not in accepted:
                message = (
                    f"{self.name} has no hyperparameter {key!r}; "
                    f"it accepts: {', '.join(accepted)}"
                )
                raise ValueError(message)
        return dataclasses.replace(self, **self._fold_flat_entries(changes))

    def _fold_flat_entries(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Turn flat names such as ``beta1`` into the field they belong to."""
        folded = {k: v for k, v in changes.items() if k not in self._flat_entries}
        for flat, (field, index) in self._flat_entries.items():
            if flat not in changes:
                continue
            if field in changes:
                message = f"give either {field} or {flat}, not both"
                raise ValueError(message)
            entries = list(folded.get(field, getattr(self, field)))
            entries[index] = changes[flat]
            folded[field] = tuple(entries)
        return folded
