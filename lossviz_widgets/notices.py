"""Messages shown inside a widget, and callbacks that never fail silently.

A widget callback runs when a trait changes; an exception there would
otherwise vanish into the kernel's log and leave the picture frozen. A
:class:`Notice` is the line of text under a control or view where problems
are said in words, and :func:`guarded` wraps a callback so that an error
is logged with its traceback for a maintainer and shown in the notice for
the person using the widget, while the other widgets keep working.
"""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import Callable
from typing import Any, Literal

import ipywidgets

__all__ = ["Notice", "guarded"]

_STYLES = {
    "error": "color: #b3261e;",
    "warning": "color: #8a5300;",
    "info": "color: #3c4043;",
}


class Notice(ipywidgets.HTML):
    """A line of text for errors, warnings and hints; empty when all is well.

    Examples
    --------
    >>> notice = Notice()
    >>> notice.show("unexpected ')' at column 7")
    >>> notice.text, notice.level
    ("unexpected ')' at column 7", 'error')
    >>> notice.clear()
    >>> notice.text
    ''
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class("lossviz-notice")
        self.text = ""
        self.level = "info"

    def show(
        self, text: str, level: Literal["error", "warning", "info"] = "error"
    ) -> None:
        """Show ``text``; it is escaped, never interpreted as HTML."""
        self.text = text
        self.level = level
        style = _STYLES[level]
        self.value = f'<span style="{style}">{html.escape(text)}</span>'

    def clear(self) -> None:
        """Remove the message."""
        self.text = ""
        self.value = ""


def guarded(
    notice: Notice, logger: logging.Logger, what: str
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Wrap a callback so its errors are logged and shown, never raised.

    Parameters
    ----------
    notice : Notice
        Where the person using the widget reads the error.
    logger : logging.Logger
        Where the traceback goes.
    what : str
        What the callback does, for the message ("drawing the contours").

    Examples
    --------
    >>> import logging
    >>> notice = Notice()
    >>> @guarded(notice, logging.getLogger("example"), "drawing the picture")
    ... def redraw(change):
    ...     raise ValueError("no data")
    >>> redraw({})
    >>> notice.text
    'Error while drawing the picture: no data'

    An error from a guarded call inside another guarded call stays shown:

    >>> notice.clear()
    >>> outer = guarded(notice, logging.getLogger("example"), "drawing the picture")
    >>> outer(redraw)({})
    >>> notice.text
    'Error while drawing the picture: no data'
    """

    def decorate(callback: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(callback)
        def safe(*args: Any, **kwargs: Any) -> Any:
            before = notice.text
            try:
                result = callback(*args, **kwargs)
            except Exception as error:
                logger.exception("error while %s", what)
                notice.show(f"Error while {what}: {error}")
                return None
            # Clear only this callback's own earlier error: not another's, and
            # not one that a guarded call made inside this one has just shown.
            own = notice.level == "error" and before.startswith(f"Error while {what}:")
            if own and notice.text == before:
                notice.clear()
            return result

        return safe

    return decorate
