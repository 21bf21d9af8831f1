"""Measure the explorer in a browser: from a slider change to the new picture.

Run with ``python benchmarks/browser.py``. For each grid resolution, Voila
serves an explorer on 127.0.0.1 and headless Chromium (Debian's, never a
downloaded one) opens it. Two times are measured, each the median of
several tries:

- a surface parameter slider moved with the keyboard, until the contour
  picture shown in the page is a new one (kernel round trip, recompute,
  PNG decode and redraw included);
- the play button pressed, until a path marker has moved (no kernel).

Target: under 100 ms from slider to picture at 200² in headless Chromium,
which draws in software; a laptop with a GPU is faster.
"""

from __future__ import annotations

import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).parents[1]
ALL_VIEWS = ("contour", "surface3d", "loss", "curvature")
FLAT_VIEWS = ("contour", "loss", "curvature")
CASES = [(n, ALL_VIEWS) for n in (100, 200, 400)] + [(200, FLAT_VIEWS)]
TRIES = 7

# The browser tests already know how to serve a notebook and find Chromium.
_spec = importlib.util.spec_from_file_location(
    "browser_harness", ROOT / "tests" / "browser" / "conftest.py"
)
harness = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(harness)

PICTURE = """() => [...document.querySelectorAll('.lossviz-contour image')]
    .map(i => i.getAttribute('href') || i.getAttribute('xlink:href')).join()"""
MARKERS = """() => [...document.querySelectorAll('.lossviz-contour path.dot')]
    .filter(d => (d.getAttribute('style') || '').includes('pointer-events: none')
                 && getComputedStyle(d).opacity === '1')
    .map(d => d.parentNode.getAttribute('transform')).join()"""


def notebook(folder: Path, resolution: int, views: tuple[str, ...]) -> Path:
    """Write a notebook showing an explorer at ``resolution`` with ``views``."""
    book = nbformat.v4.new_notebook()
    book.cells = [
        nbformat.v4.new_code_cell(
            "from lossviz_widgets import LandscapeExplorer\n"
            f"LandscapeExplorer('ill_conditioned_bowl', resolution={resolution},"
            f" steps=200, start=(1.5, 1.5), views={list(views)!r})"
        )
    ]
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    path = folder / f"explorer_{resolution}_{len(views)}.ipynb"
    nbformat.write(book, path)
    return path


def slider_to_picture(page) -> float:
    """Seconds from one keyboard step of a parameter slider to a new picture."""
    handle = page.locator(".lossviz-surface-selector .noUi-handle").first
    handle.focus()
    before = page.evaluate(PICTURE)
    begin = time.perf_counter()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"b => ({PICTURE})() !== b", arg=before, polling="raf")
    return time.perf_counter() - begin


def play_to_marker(page) -> float:
    """Seconds from pressing play to the first moved marker."""
    before = page.evaluate(MARKERS)
    play = page.locator(".lossviz-path-player button").first
    begin = time.perf_counter()
    play.click()
    page.wait_for_function(f"b => ({MARKERS})() !== b", arg=before, polling="raf")
    seconds = time.perf_counter() - begin
    play.click()  # pause
    page.locator(".lossviz-path-player button").nth(1).click()  # stop: back to 1
    page.wait_for_timeout(300)
    return seconds


def main() -> int:
    """Print the medians for every resolution."""
    executable = harness.chromium_path()
    if executable is None:
        print("no Chromium: install Debian's chromium or set LOSSVIZ_CHROMIUM")
        return 1
    from playwright.sync_api import sync_playwright

    print("explorer in Voila, headless Chromium (software drawing)")
    print(f"  {'grid':>6}{'views':>8}{'slider → picture':>20}{'play → marker':>18}")
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=harness.CHROMIUM_ARGS
        )
        for resolution, views in CASES:
            path = notebook(Path(folder), resolution, views)
            with harness.serve_voila(path) as server:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(server.url, timeout=120_000)
                page.wait_for_selector(".lossviz-contour svg image", timeout=120_000)
                page.wait_for_timeout(2000)
                slider_to_picture(page)  # warm up
                sliders = [slider_to_picture(page) for _ in range(TRIES)]
                plays = [play_to_marker(page) for _ in range(3)]
                page.close()
            shown = "all" if views == ALL_VIEWS else "2D"
            print(
                f"  {resolution:>5}²{shown:>8}"
                f"{statistics.median(sliders) * 1e3:>17.0f} ms"
                f"{statistics.median(plays) * 1e3:>15.0f} ms"
            )
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
