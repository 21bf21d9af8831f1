"""Standalone HTML: a widget saved as one page that needs no kernel.

The page holds the state of the widget and of every widget it refers to,
the links between them, and every script that draws them (see
:mod:`lossviz_widgets.export.bundles`). Opened from disk with no network,
it renders the views, and the path player still plays: its links to the
markers run in the browser. Only what needs Python is gone: changing the
surface or a run recomputes nothing.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any

import ipywidgets
from ipywidgets.embed import dependency_state, embed_data, escape_script

from lossviz_widgets.export.bundles import (
    vendored_data_uri,
    vendored_script,
    widget_scripts,
)

__all__ = ["DEFAULT_TITLE", "save_html"]

#: The title of a page saved without one.
DEFAULT_TITLE = "Loss landscape"

# The light theme of JupyterLab, whose variables bqplot reads. The widget
# manager defines them only with its controls, so a page of bqplot figures
# alone would fill their plot areas with an undefined colour: black.
_THEME = """
:root {
  --jp-layout-color0: #ffffff;
  --jp-layout-color1: #ffffff;
  --jp-layout-color2: #eeeeee;
  --jp-layout-color3: #bdbdbd;
  --jp-content-font-color0: rgba(0, 0, 0, 1);
  --jp-content-font-color1: rgba(0, 0, 0, 0.87);
  --jp-content-font-color2: rgba(0, 0, 0, 0.54);
  --jp-content-font-color3: rgba(0, 0, 0, 0.38);
  --jp-ui-font-color0: rgba(0, 0, 0, 1);
  --jp-ui-font-color1: rgba(0, 0, 0, 0.87);
  --jp-ui-font-color2: rgba(0, 0, 0, 0.54);
  --jp-ui-font-color3: rgba(0, 0, 0, 0.38);
  --jp-border-color0: #bdbdbd;
  --jp-border-color1: #bdbdbd;
  --jp-border-color2: #e0e0e0;
  --jp-border-width: 1px;
  --jp-ui-font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial,
    sans-serif;
  --jp-ui-font-size1: 13px;
}
body {
  margin: 16px;
  background: var(--jp-layout-color0);
  color: var(--jp-content-font-color1);
  font-family: var(--jp-ui-font-family);
  font-size: var(--jp-ui-font-size1);
}
"""

# The widget manager adds a style sheet to <head> as it loads, whose icon
# fonts are files expected beside a served copy of it. The page carries the
# fonts; declared later in the document, in <body>, these rules win.
_ICON_FONT = """@font-face {{
  font-family: "Font Awesome 5 Free";
  font-style: normal;
  font-weight: {weight};
  font-display: block;
  src: url({uri}) format("woff2");
}}"""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="lossviz-widgets">
<title>{title}</title>
<style>{theme}</style>
{scripts}
</head>
<body>
<style>{fonts}</style>
<main class="lossviz-page">
<script type="application/vnd.jupyter.widget-state+json">
{state}
</script>
<script type="application/vnd.jupyter.widget-view+json">
{view}
</script>
</main>
</body>
</html>
"""


def _checked_path(path: Any) -> Path:
    """Return ``path`` as a Path ending in ``.html``, or raise."""
    if not isinstance(path, (str, os.PathLike)):
        message = f"path must be a str or os.PathLike, got {path!r}"
        raise TypeError(message)
    target = Path(path)
    if target.suffix.lower() != ".html":
        message = f"path must end in .html, got {str(target)!r}"
        raise ValueError(message)
    return target


def _checked_widget(widget: Any) -> ipywidgets.DOMWidget:
    """Return ``widget`` if a page can show it, or raise."""
    if not isinstance(widget, ipywidgets.DOMWidget):
        message = f"widget must be a displayable ipywidgets.DOMWidget, got {widget!r}"
        raise TypeError(message)
    if widget.comm is None:
        message = f"widget {type(widget).__name__} is closed; a page cannot show it"
        raise ValueError(message)
    return widget


def _icon_fonts() -> str:
    """Return the ``@font-face`` rules of the widgets' icons, fonts inlined."""
    return "\n".join(
        _ICON_FONT.format(weight=weight, uri=vendored_data_uri(name, "font/woff2"))
        for weight, name in ((900, "fa-solid-900.woff2"), (400, "fa-regular-400.woff2"))
    )


def _page(widget: ipywidgets.DOMWidget, title: str) -> str:
    """Return the HTML of a page showing ``widget``."""
    # The widget and every widget its state refers to, plus the links
    # between them: the state of other widgets alive in the kernel stays out.
    state = dependency_state(widget, drop_defaults=True)
    data = embed_data(widget, drop_defaults=True, state=state)
    modules = {entry["model_module"] for entry in state.values()}

    scripts = [vendored_script("require.js"), vendored_script("embed-amd.js")]
    scripts += widget_scripts(modules)
    return _PAGE.format(
        title=html.escape(title),
        theme=_THEME,
        fonts=_icon_fonts(),
        scripts="\n".join(
            f"<script data-lossviz-script={json.dumps(s.name)}>\n{s.source}\n</script>"
            for s in scripts
        ),
        state=escape_script(json.dumps(data["manager_state"])),
        view=escape_script(json.dumps(data["view_specs"][0])),
    )


def save_html(widget: Any, path: Any, *, title: str | None = None) -> Path:
    """Write ``widget`` as one HTML page that opens with no kernel and no network.

    The page carries its scripts and the widget's state: open it from disk
    or put it on any web server. The path player plays in the page; what
    needs Python to recompute (another surface, another run) does not
    respond.

    Parameters
    ----------
    widget : ipywidgets.DOMWidget
        What to show: an explorer, an exercise, a view, any widget.
    path : str or os.PathLike
        The file to write, ending in ``.html``; its folder is created if
        missing and an existing file is replaced.
    title : str, optional
        The page's title, shown by the browser; ``DEFAULT_TITLE`` if
        omitted. It is escaped, never read as HTML.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    TypeError
        If ``widget`` is not a DOM widget, ``path`` not a path or ``title``
        not a string.
    ValueError
        If ``path`` does not end in ``.html`` or ``widget`` is closed.
    FileNotFoundError
        If the front end of a widget library in the page is not installed.

    Examples
    --------
    >>> import tempfile, ipywidgets
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     page = save_html(ipywidgets.IntSlider(3), f"{folder}/new/page.html",
    ...                      title="A <slider>")
    ...     text = page.read_text(encoding="utf-8")
    >>> page.name, len(text) > 1_000_000
    ('page.html', True)
    >>> "<title>A &lt;slider&gt;</title>" in text
    True
    """
    target = _checked_path(path)
    shown = _checked_widget(widget)
    if title is None:
        title = DEFAULT_TITLE
    elif not isinstance(title, str):
        message = f"title must be a str, got {title!r}"
        raise TypeError(message)

    text = _page(shown, title)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target
