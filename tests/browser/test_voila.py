"""The explorer served by Voila, used in Chromium the way a student would."""

from __future__ import annotations

import pytest

from tests.browser.pages import (
    LINES,
    MARKERS,
    PICTURE,
    WEBGL,
    wait_for_explorer,
)

pytestmark = pytest.mark.timeout(240)


def test_the_full_explorer_renders_every_part(open_voila):
    tab = open_voila("explorer_full.ipynb")
    wait_for_explorer(tab)
    page = tab.page

    assert page.locator(".lossviz-contour svg image").count() >= 1
    # Contour lines and one path per run are Lines marks.
    assert page.locator(".lossviz-contour path.line").count() >= 3
    assert len(page.evaluate(MARKERS)) == 2
    assert page.evaluate(WEBGL)
    assert page.locator(".lossviz-optimizer-panel .lossviz-run-card").count() == 2
    assert tab.contrast() > 10
    tab.assert_no_widget_errors()


def test_choosing_another_surface_redraws_map_and_mesh(open_voila):
    tab = open_voila("explorer_full.ipynb")
    wait_for_explorer(tab)
    page = tab.page
    picture = page.evaluate(PICTURE)
    mesh = page.locator(".lossviz-surface3d canvas").first.screenshot()

    page.locator(".lossviz-surface-selector select").first.select_option(
        label="Rosenbrock"
    )
    page.wait_for_function(
        f"p => JSON.stringify(({PICTURE})()) !== p", arg=str(picture)
    )
    page.wait_for_function(
        f"p => JSON.stringify(({PICTURE})()) !== JSON.stringify(p)", arg=picture
    )
    page.wait_for_timeout(1000)
    assert page.locator(".lossviz-surface3d canvas").first.screenshot() != mesh
    assert "Rosenbrock" in page.locator(".lossviz-surface-selector").inner_text()
    tab.assert_no_widget_errors()


def test_play_moves_the_markers_even_with_the_kernel_stopped(open_voila):
    tab = open_voila("explorer_full.ipynb")
    wait_for_explorer(tab)
    page = tab.page
    before = page.evaluate(MARKERS)

    tab.server.stop()
    page.locator(".lossviz-path-player button").first.click()
    page.wait_for_function(
        f"b => JSON.stringify(({MARKERS})()) !== JSON.stringify(b)",
        arg=before,
        timeout=10_000,
    )
    moved = page.evaluate(MARKERS)
    page.wait_for_timeout(500)
    assert page.evaluate(MARKERS) != moved  # still moving, frame after frame


def test_a_broken_formula_shows_its_message_and_the_map_stays(open_voila):
    tab = open_voila("explorer_full.ipynb")
    wait_for_explorer(tab)
    page = tab.page
    picture = page.evaluate(PICTURE)

    box = page.locator(".lossviz-surface-selector input[type=text]").first
    box.fill("sin(x) + (y")
    box.press("Enter")
    notice = page.locator(".lossviz-surface-selector .lossviz-notice")
    notice.filter(has_text="column").first.wait_for(timeout=20_000)
    assert page.evaluate(PICTURE) == picture

    box.fill("x**2 - y**2")
    box.press("Enter")
    page.wait_for_function(
        f"p => JSON.stringify(({PICTURE})()) !== JSON.stringify(p)", arg=picture
    )
    tab.assert_no_widget_errors()


def test_the_two_dimensional_explorer_renders_without_3d(open_voila):
    tab = open_voila("explorer_2d.ipynb")
    wait_for_explorer(tab)
    assert tab.page.locator(".lossviz-surface3d").count() == 0
    assert tab.contrast() > 10
    tab.assert_no_widget_errors()


def test_a_learning_rate_change_moves_the_path(open_voila):
    tab = open_voila("explorer_full.ipynb")
    wait_for_explorer(tab)
    page = tab.page
    picture, lines = page.evaluate(PICTURE), page.evaluate(LINES)

    # The learning rate's readout is editable, as a student would type in it.
    card = page.locator(".lossviz-run-card").first
    readout = card.locator(".widget-readout").first
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("0.002")
    page.keyboard.press("Enter")
    page.wait_for_function(
        f"l => JSON.stringify(({LINES})()) !== JSON.stringify(l)", arg=lines
    )
    changed = [d for d in page.evaluate(LINES) if d not in lines]
    assert len(changed) >= 1  # the path of the first run, redrawn
    assert page.evaluate(PICTURE) == picture  # the surface is untouched
    assert "0.002" in readout.inner_text()
    tab.assert_no_widget_errors()


def test_clicking_the_map_starts_the_selected_run_there(open_voila):
    tab = open_voila("explorer_full.ipynb")
    wait_for_explorer(tab)
    page = tab.page
    lines = page.evaluate(LINES)

    # Himmelblau's domain is [-5, 5]²: three quarters across and a quarter
    # down the picture is the point (2.5, 2.5).
    box = page.locator(".lossviz-contour svg image").first.bounding_box()
    page.mouse.click(box["x"] + 0.75 * box["width"], box["y"] + 0.25 * box["height"])

    card = page.locator(".lossviz-run-card").first
    start_x = card.locator("input[type=number]").nth(0)
    start_y = card.locator("input[type=number]").nth(1)
    page.wait_for_function(
        "e => Math.abs(parseFloat(e.value) - 2.5) < 0.1",
        arg=start_x.element_handle(),
        timeout=20_000,
    )
    assert abs(float(start_y.input_value()) - 2.5) < 0.1
    page.wait_for_function(
        f"l => JSON.stringify(({LINES})()) !== JSON.stringify(l)", arg=lines
    )
    tab.assert_no_widget_errors()
