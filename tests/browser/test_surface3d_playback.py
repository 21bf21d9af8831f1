"""The 3D view in Chromium: each run's marker plays in the browser alone."""

from __future__ import annotations

import hashlib

import pytest

from tests.browser.pages import wait_for_explorer

pytestmark = pytest.mark.timeout(240)

CANVAS = ".lossviz-surface3d canvas"


def picture(canvas) -> str:
    """A digest of what the canvas shows now."""
    return hashlib.sha256(canvas.screenshot()).hexdigest()


def test_the_3d_markers_move_with_the_player_and_the_kernel_stopped(open_voila):
    tab = open_voila("explorer_full.ipynb")
    wait_for_explorer(tab)
    page = tab.page
    canvas = page.locator(CANVAS).first
    # The first drawing settles, and then nothing moves by itself.
    shown = [picture(canvas)]
    for _ in range(30):
        page.wait_for_timeout(500)
        shown.append(picture(canvas))
        if shown[-1] == shown[-2]:
            break
    still = shown[-1]
    assert shown[-2] == still
    tab.assert_no_widget_errors()

    tab.server.stop()
    page.locator(".lossviz-path-player button").first.click()
    page.wait_for_timeout(1500)  # about 30 frames at 50 ms
    moved = picture(canvas)
    page.wait_for_timeout(500)

    assert moved != still
    assert picture(canvas) != moved  # still moving, frame after frame
