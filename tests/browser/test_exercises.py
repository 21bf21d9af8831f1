"""Every exercise widget served by Voila: it renders, and Check answers."""

from __future__ import annotations

import pytest

from lossviz_widgets.exercises import EXERCISES

pytestmark = pytest.mark.timeout(240)


@pytest.mark.parametrize("name", EXERCISES, ids=str)
def test_the_exercise_renders_and_checks(open_voila, name):
    tab = open_voila(f"exercise_{EXERCISES[name]}.ipynb")
    page = tab.page
    page.wait_for_selector(".lossviz-exercise svg", timeout=120_000)
    exercise = page.locator(".lossviz-exercise").first

    # The instruction is on screen, and every figure has drawn its marks.
    assert exercise.locator("h3").inner_text().strip() != ""
    assert exercise.locator(".lossviz-instruction p").inner_text().strip() != ""
    page.wait_for_function(
        """() => [...document.querySelectorAll('.lossviz-exercise .bqplot svg')]
            .every(svg => svg.querySelectorAll('path, image').length > 0)""",
        timeout=60_000,
    )
    assert tab.contrast(exercise) > 10

    # Check goes to the kernel and comes back with a verdict in words.
    exercise.get_by_role("button", name="Check").click()
    verdict = exercise.locator(".lossviz-verdict")
    verdict.filter(has_text="Not yet").or_(
        verdict.filter(has_text="All correct")
    ).first.wait_for(timeout=30_000)
    assert verdict.locator("li").count() >= 1
    tab.assert_no_widget_errors()
