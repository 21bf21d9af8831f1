"""Export: widgets as standalone pages for course material.

:func:`save_html` writes a widget as one HTML file that opens without a
kernel and without a network, its path player still playing.

Examples
--------
>>> from lossviz_widgets.export import save_html
>>> save_html.__name__
'save_html'
"""

from __future__ import annotations

from lossviz_widgets.export.page import DEFAULT_TITLE, save_html

__all__ = ["DEFAULT_TITLE", "save_html"]
