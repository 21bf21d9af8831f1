"""Saved pages opened from disk in Chromium with the network cut and no kernel."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from lossviz_widgets import LandscapeExplorer, exercises
from lossviz_widgets.exercises import EXERCISES
from lossviz_widgets.export import save_html
from tests.browser.pages import MARKERS, RENDERED, WEBGL

pytestmark = pytest.mark.timeout(240)

ICON_FONT_LOADED = """() => [...document.fonts].some(
    f => f.family.includes('Font Awesome 5 Free') && f.weight === '900'
         && f.status === 'loaded')"""


class OfflineTab:
    """A tab on a saved page: its errors and every request it made."""

    def __init__(self, page: object) -> None:
        self.page = page
        self.errors: list[str] = []
        self.files: list[str] = []
        self.blocked: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _console(self, message: object) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def route(self, route: object) -> None:
        """Let files through; abort, and remember, anything else."""
        url = route.request.url
        if url.startswith("file:"):
            self.files.append(url)
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()


@pytest.fixture
def open_offline(browser, request) -> Iterator[object]:
    """Open a saved page via file:// with the network cut; yield the tab."""
    contexts = []

    def opener(path: Path, ready: str = RENDERED) -> OfflineTab:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        contexts.append(context)
        context.set_offline(True)
        tab = OfflineTab(context.new_page())
        context.route("**/*", tab.route)
        request.node.lossviz_page = tab.page
        tab.page.goto(path.as_uri())
        tab.page.wait_for_selector(ready, timeout=120_000)
        return tab

    yield opener
    for context in contexts:
        context.close()


def brightness(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)


def assert_clean(tab: OfflineTab) -> None:
    assert tab.page.locator("text=Error displaying widget").count() == 0
    assert tab.errors == []
    assert tab.blocked == []
    assert tab.files == [tab.page.url]  # one file: the page needs nothing beside it


def test_the_full_explorer_renders_and_plays_offline(open_offline, tmp_path):
    explorer = LandscapeExplorer(
        "himmelblau", runs=["gd", "momentum"], start=(-1.0, 1.0), steps=60,
        resolution=60,
    )  # fmt: skip
    tab = open_offline(explorer.save_html(tmp_path / "explorer.html"))
    page = tab.page
    page.wait_for_function(f"() => ({MARKERS})().length > 0")

    assert page.locator(".lossviz-contour svg image").count() >= 1
    # Contour lines and one path per run are Lines marks.
    assert page.locator(".lossviz-contour path.line").count() >= 3
    before = page.evaluate(MARKERS)
    assert len(before) == 2
    page.wait_for_function(WEBGL, timeout=60_000)

    page.locator(".lossviz-path-player button").first.click()
    page.wait_for_function(
        f"b => JSON.stringify(({MARKERS})()) !== JSON.stringify(b)",
        arg=before,
        timeout=20_000,
    )
    moved = page.evaluate(MARKERS)
    page.wait_for_timeout(400)
    assert page.evaluate(MARKERS) != moved  # still moving, frame after frame
    assert_clean(tab)


def test_a_two_dimensional_page_is_styled_offline(open_offline, tmp_path):
    explorer = LandscapeExplorer(
        "banana", views=["contour", "loss"], start=(-1.5, 1.5), steps=40,
        resolution=60,
    )  # fmt: skip
    tab = open_offline(explorer.save_html(tmp_path / "flat.html"))
    page = tab.page
    assert page.locator(".lossviz-surface3d").count() == 0

    # The map under the contour lines is drawn: dark valleys, light slopes.
    assert (
        brightness(page.locator(".lossviz-contour svg").first.screenshot()).std() > 10
    )

    # The player's icons come from the font the page carries.
    assert page.evaluate(ICON_FONT_LOADED)
    assert page.evaluate("() => document.title") == "Loss landscape explorer"
    assert_clean(tab)


def test_a_lone_bqplot_figure_has_a_light_plot_area(open_offline, tmp_path):
    # No controls in the page: only the page's theme defines the colours.
    explorer = LandscapeExplorer(views=["loss"], steps=20, resolution=40)
    figure = explorer.loss_curves.loss_figure
    tab = open_offline(
        save_html(figure, tmp_path / "figure.html"), ready="rect.plotarea_background"
    )
    area = tab.page.locator("rect.plotarea_background").first
    assert area.evaluate("r => getComputedStyle(r).fill") == "rgb(255, 255, 255)"
    assert np.median(brightness(area.screenshot())) > 200  # light, not black
    assert tab.page.locator(".lossviz-path-player").count() == 0
    assert_clean(tab)


@pytest.mark.parametrize("name", EXERCISES, ids=str)
def test_every_exercise_page_renders_offline(open_offline, tmp_path, name):
    exercise = getattr(exercises, name)()
    path = exercise.save_html(tmp_path / f"{name}.html")
    tab = open_offline(path, ready=".lossviz-exercise svg")
    page = tab.page
    page.wait_for_function(
        """() => [...document.querySelectorAll('.lossviz-exercise .bqplot svg')]
            .every(svg => svg.querySelectorAll('path, image').length > 0)""",
        timeout=60_000,
    )
    heading = page.locator(".lossviz-exercise h3").first.inner_text()
    assert heading == exercise.title
    assert page.evaluate("() => document.title") == exercise.title
    assert brightness(page.locator(".lossviz-exercise").first.screenshot()).std() > 10
    assert_clean(tab)
