"""What the browser tests look for in a page, as selectors and scripts."""

from __future__ import annotations

#: The contour picture of a map, once drawn.
RENDERED = ".lossviz-contour svg image"

#: Where each run's frame marker sits on the map, one transform per marker.
MARKERS = """() => [...document.querySelectorAll('.lossviz-contour path.dot')]
    .filter(d => (d.getAttribute('style') || '').includes('pointer-events: none')
                 && getComputedStyle(d).opacity === '1')
    .map(d => d.parentNode.getAttribute('transform'))"""

#: The picture each map shows, by its address.
PICTURE = """() => [...document.querySelectorAll('.lossviz-contour image')]
    .map(i => i.getAttribute('href') || i.getAttribute('xlink:href'))"""

#: The lines of each map: contour lines and paths.
LINES = """() => [...document.querySelectorAll('.lossviz-contour path.line')]
    .map(p => p.getAttribute('d'))"""

#: Whether a 3D view draws into a WebGL canvas.
WEBGL = """() => [...document.querySelectorAll('.lossviz-surface3d canvas')]
    .some(c => c.width > 0 && (c.getContext('webgl2') || c.getContext('webgl')))"""


def wait_for_explorer(tab: object) -> None:
    """Wait until a tab's explorer has drawn its map and its markers."""
    page = tab.page
    page.wait_for_selector(RENDERED, timeout=120_000)
    page.wait_for_function(f"() => ({MARKERS})().length > 0", timeout=60_000)
