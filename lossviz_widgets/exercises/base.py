"""What every exercise widget shares: an instruction, an answer, a check.

An exercise is a small widget built around one idea of the course. The
student reads a short instruction, moves its controls, and presses
*Check*; a notebook or an autograder reads the same state through
:attr:`Exercise.answer` and :meth:`Exercise.check`. A course author fixes
what the student may not change (``lr=...``, ``locked=True``).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import ipywidgets

from lossviz_widgets.notices import Notice, guarded

__all__ = ["Exercise", "Verdict"]

log = logging.getLogger(__name__)

_STYLE = """
<style>
.lossviz-exercise { gap: 6px; }
.lossviz-exercise .lossviz-instruction { max-width: 760px; }
.lossviz-verdict ul { margin: 2px 0; padding-left: 1.2em; }
</style>
"""


@dataclass(frozen=True)
class Verdict:
    """The result of :meth:`Exercise.check`: what is right and what is not.

    Attributes
    ----------
    right : tuple of str
        What the student got right, in words.
    wrong : tuple of str
        What is still wrong or missing, each with a hint.

    Examples
    --------
    >>> verdict = Verdict(right=("the run converged",), wrong=())
    >>> verdict.passed
    True
    >>> print(Verdict(right=(), wrong=("lr is above 2/λmax",)))
    ✗ lr is above 2/λmax
    >>> bool(Verdict(right=(), wrong=("no run",)))
    False
    """

    right: tuple[str, ...] = field(default_factory=tuple)
    wrong: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        object.__setattr__(self, "right", tuple(self.right))
        object.__setattr__(self, "wrong", tuple(self.wrong))

    @property
    def passed(self) -> bool:
        """Whether nothing is wrong."""
        return not self.wrong

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        lines = [f"✓ {item}" for item in self.right]
        lines += [f"✗ {item}" for item in self.wrong]
        return "\n".join(lines)

    def to_html(self) -> str:
        """Return the verdict as escaped HTML, right items first."""
        head = "All correct." if self.passed else "Not yet."
        items = [
            f'<li style="color:#1e7d32">✓ {html.escape(item)}</li>'
            for item in self.right
        ] + [
            f'<li style="color:#b3261e">✗ {html.escape(item)}</li>'
            for item in self.wrong
        ]
        return f"<b>{head}</b><ul>{''.join(items)}</ul>"


def verdict_from(checks: Iterable[tuple[bool, str, str]]) -> Verdict:
    """Build a verdict from ``(ok, said when right, said when wrong)`` triples.

    Examples
    --------
    >>> verdict_from([(True, "converged", "did not converge"),
    ...               (False, "fast", "too slow: try momentum")]).wrong
    ('too slow: try momentum',)
    """
    right, wrong = [], []
    for ok, when_right, when_wrong in checks:
        (right if ok else wrong).append(when_right if ok else when_wrong)
    return Verdict(tuple(right), tuple(wrong))


class Exercise(ipywidgets.VBox):
    """Base of the exercise widgets: instruction, body, *Check* and feedback.

    Subclasses set :attr:`title` and :attr:`instruction`, build their body
    (controls and views) and implement :attr:`answer` and :meth:`check`.
    They pass the widgets a student may change to :meth:`_lockable` so that
    ``locked=True`` disables them.

    Attributes
    ----------
    title : str
        The heading shown above the exercise.
    instruction : str
        What to do, in one or two sentences of plain text.
    locked : bool
        Whether the author fixed the controls.
    check_button : ipywidgets.Button
        Runs :meth:`check` and shows the verdict in :attr:`feedback`.
    feedback : ipywidgets.HTML
        The last verdict, or empty.
    notice : Notice
        Errors of the exercise's own callbacks, in words.
    """

    title = "Exercise"
    instruction = ""

    def __init__(
        self, body: list[ipywidgets.Widget], *, locked: bool = False, **kwargs: Any
    ) -> None:
        if not isinstance(locked, bool):
            message = f"locked must be True or False, got {locked!r}"
            raise TypeError(message)
        self.locked = locked
        self.notice = Notice()
        self.feedback = ipywidgets.HTML()
        self.feedback.add_class("lossviz-verdict")
        self.check_button = ipywidgets.Button(
            description="Check", icon="check", tooltip="Check your answer"
        )
        self.check_button.on_click(
            guarded(self.notice, log, "checking the answer")(self._show_check)
        )
        header = ipywidgets.HTML(
            f"<h3>{html.escape(self.title)}</h3><p>{html.escape(self.instruction)}</p>"
        )
        header.add_class("lossviz-instruction")
        footer = ipywidgets.HBox([self.check_button, self.feedback])
        super().__init__(
            [ipywidgets.HTML(_STYLE), header, *body, self.notice, footer], **kwargs
        )
        self.add_class("lossviz-exercise")

    @property
    def answer(self) -> dict[str, Any]:
        """What the student did, as plain numbers, strings and lists."""
        raise NotImplementedError

    def check(self) -> Verdict:
        """Say what is right and what is not in :attr:`answer`."""
        raise NotImplementedError

    def save_html(self, path: Any, *, title: str | None = None) -> Any:
        """Write this exercise as a page that opens without a kernel.

        See :func:`lossviz_widgets.export.save_html`.
        """
        from lossviz_widgets.export import save_html

        return save_html(self, path, title=title or self.title)

    def _lockable(self, *widgets: ipywidgets.Widget) -> None:
        """Disable ``widgets`` when the exercise is locked."""
        if self.locked:
            for widget in widgets:
                widget.disabled = True

    def _show_check(self, _button: Any = None) -> None:
        self.feedback.value = self.check().to_html()
