"""Measure the explorer in a browser: from a slider change to the new picture.

Run with ``python benchmarks/browser.py``. For each grid resolution, Voila
serves an explorer on 127.0.0.1 and headless Chromium (Debian's, never a
downloaded one, started with the browser tests' options) opens it.

Every time is taken inside the page with ``performance.now()``, from the
moment the key press or click reaches the page; the test driver's own
round trips are left out. Each figure is the median of several tries.

- slider → picture: a surface parameter slider moved one step with the
  keyboard, until the contour picture in the page is the new one (kernel
  round trip and recompute included), and until the frame holding it has
  been drawn (two animation frames later);
- slider → every view: until the frame after the kernel's last message of
  that change has been drawn: the 3D mesh, the loss curves and the readout
  included;
- play → marker: the play button pressed, until a path marker of the map
  has moved and been drawn (no kernel; the first frame is one player
  interval away);
- a drag: 40 keyboard steps of a surface slider, 50 ms apart (more when
  the page is busy), counting the new pictures of the map and the longest
  wait between two.

Target: under 100 ms from slider to drawn picture at 200² in headless
Chromium, which draws WebGL in software; a laptop with a GPU is faster.
"""

from __future__ import annotations

import importlib.util
import itertools
import statistics
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).parents[1]
ALL_VIEWS = ("contour", "surface3d", "loss", "curvature")
FLAT_VIEWS = ("contour", "loss", "curvature")
CASES = [(n, ALL_VIEWS) for n in (100, 200, 400)] + [(200, FLAT_VIEWS)]
TRIES = 9

# The browser tests already know how to serve a notebook and find Chromium.
_spec = importlib.util.spec_from_file_location(
    "browser_harness", ROOT / "tests" / "browser" / "conftest.py"
)
harness = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(harness)

# Before the page loads: note when each kernel message arrives and when each
# animation frame starts, for as long as the page lives.
CLOCKS = """(() => {
  window.lossvizClock = {messages: [], frames: []};
  const Socket = window.WebSocket;
  window.WebSocket = function (...args) {
    const socket = new Socket(...args);
    socket.addEventListener('message', () =>
      window.lossvizClock.messages.push(performance.now()));
    return socket;
  };
  window.WebSocket.prototype = Socket.prototype;
  Object.assign(window.WebSocket, Socket);
  const frame = (now) => {
    const frames = window.lossvizClock.frames;
    frames.push(now);
    if (frames.length > 2000) frames.splice(0, 1000);
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();"""

# Arm a measurement: the first trusted ``event`` on the page starts the
# clock, the first change of ``attribute`` on an element matching
# ``selector`` stops it; the result waits two animation frames more.
ARM = """([event, selector, attribute]) => {
  const clock = window.lossvizClock;
  clock.result = null;
  clock.begin = null;
  document.addEventListener(event, () => { clock.begin = performance.now(); },
                            {capture: true, once: true});
  const watched = [...document.querySelectorAll(selector)];
  const observer = new MutationObserver(() => {
    observer.disconnect();
    const changed = performance.now();
    requestAnimationFrame(() => requestAnimationFrame(() => {
      clock.result = {begin: clock.begin, changed, drawn: performance.now()};
    }));
  });
  for (const element of watched)
    observer.observe(element, {attributes: true, attributeFilter: [attribute]});
  return watched.length;
}"""

RESULT = "() => window.lossvizClock.result"

# When the kernel has been quiet for ``quiet`` ms: the start of the second
# animation frame after its last message, by when that frame was drawn.
SETTLED = """async (quiet) => {
  const clock = window.lossvizClock;
  const last = () => clock.messages[clock.messages.length - 1] || 0;
  while (performance.now() - last() < quiet)
    await new Promise((done) => setTimeout(done, 50));
  const after = clock.frames.filter((t) => t > last());
  return after.length >= 2 ? after[1] : null;
}"""

PICTURE = ".lossviz-contour svg image"
MARKER = ".lossviz-contour path.dot"


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


def measured(page, event: str, selector: str, attribute: str, act) -> dict:
    """Arm the page's clock, ``act()``, and return what the clock saw (ms)."""
    assert page.evaluate(ARM, [event, selector, attribute]) > 0, selector
    act()
    page.wait_for_function(RESULT, timeout=30_000)
    return page.evaluate(RESULT)


def slider_step(page) -> tuple[float, float, float]:
    """One keyboard step of a parameter slider: picture, drawn, every view (ms)."""
    handle = page.locator(".lossviz-surface-selector .noUi-handle").first
    handle.focus()
    clock = measured(
        page, "keydown", PICTURE, "href", lambda: page.keyboard.press("ArrowRight")
    )
    settled = page.evaluate(SETTLED, 600)
    begin = clock["begin"]
    return (clock["changed"] - begin, clock["drawn"] - begin, settled - begin)


# Count the new pictures of the map, with when each came.
PICTURES = """() => {
  window.lossvizClock.pictures = [];
  const observer = new MutationObserver(() =>
    window.lossvizClock.pictures.push(performance.now()));
  for (const image of document.querySelectorAll('.lossviz-contour svg image'))
    observer.observe(image, {attributes: true, attributeFilter: ['href']});
}"""


def drag(page, steps: int = 40) -> tuple[int, float]:
    """A keyboard drag of a slider: new pictures, and the longest wait between two."""
    handle = page.locator(".lossviz-surface-selector .noUi-handle").first
    handle.focus()
    page.evaluate(PICTURES)
    for _ in range(steps):
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(50)
    page.evaluate(SETTLED, 600)
    times = page.evaluate("() => window.lossvizClock.pictures")
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    return len(times), max(gaps, default=0.0)


def play_to_marker(page) -> float:
    """Milliseconds from pressing play to the first moved marker, drawn."""
    buttons = page.locator(".lossviz-path-player button")
    # A marker holds every frame as a dot and shows the current one by its
    # style: a move restyles the dots.
    clock = measured(page, "mousedown", MARKER, "style", lambda: buttons.first.click())
    buttons.first.click()  # pause
    buttons.nth(1).click()  # stop: back to the first frame
    page.wait_for_timeout(300)
    return clock["drawn"] - clock["begin"]


def main() -> int:
    """Print the medians for every resolution."""
    executable = harness.chromium_path()
    if executable is None:
        print("no Chromium: install Debian's chromium or set LOSSVIZ_CHROMIUM")
        return 1
    from playwright.sync_api import sync_playwright

    print("explorer in Voila, headless Chromium (WebGL drawn in software)")
    print("times in ms from the key press or click, medians")
    print(
        f"  {'grid':>6}{'views':>7}{'picture':>10}{'drawn':>8}"
        f"{'every view':>12}{'play → marker':>16}"
    )
    drags = []
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=harness.CHROMIUM_ARGS
        )
        for resolution, views in CASES:
            path = notebook(Path(folder), resolution, views)
            with harness.serve_voila(path) as server:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.add_init_script(CLOCKS)
                page.goto(server.url, timeout=120_000)
                page.wait_for_selector(PICTURE, timeout=120_000)
                page.wait_for_timeout(2000)
                slider_step(page)  # warm up
                steps = [slider_step(page) for _ in range(TRIES)]
                plays = [play_to_marker(page) for _ in range(3)]
                drags.append((resolution, views, *drag(page)))
                page.close()
            picture, drawn, every = (
                statistics.median(s) for s in zip(*steps, strict=True)
            )
            shown = "all" if views == ALL_VIEWS else "2D"
            print(
                f"  {resolution:>5}²{shown:>7}{picture:>10.0f}{drawn:>8.0f}"
                f"{every:>12.0f}{statistics.median(plays):>16.0f}"
            )
        browser.close()
    print("\ndrag: 40 keyboard steps of a surface slider, 50 ms apart")
    for resolution, views, pictures, gap in drags:
        shown = "all" if views == ALL_VIEWS else "2D"
        print(
            f"  {resolution:>5}²{shown:>7}  {pictures} new pictures,"
            f" at most {gap:.0f} ms between two"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
