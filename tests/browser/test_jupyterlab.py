"""The explorer notebook in JupyterLab 4: run every cell, then use a widget."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.timeout(300)

PICTURE = """() => [...document.querySelectorAll('.lossviz-contour image')]
    .map(i => i.getAttribute('href') || i.getAttribute('xlink:href')).join()"""


def test_the_explorer_notebook_runs_and_responds_in_jupyterlab(open_lab):
    tab = open_lab("explorer.ipynb")
    page = tab.page
    page.wait_for_selector(".jp-Notebook", timeout=120_000)
    page.locator(".jp-Notebook-toolbarCellType, .jp-KernelStatus").first.wait_for()
    page.wait_for_timeout(2000)  # let the kernel start before running

    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_text("Run All Cells", exact=True).click()

    page.wait_for_selector(
        ".lossviz-explorer .lossviz-contour svg image", timeout=120_000
    )
    assert page.locator(".lossviz-surface3d canvas").count() >= 1
    # The last cell prints where every run ended.
    page.locator(".jp-OutputArea-output pre", has_text="converged").wait_for(
        timeout=60_000
    )

    before = page.evaluate(PICTURE)
    page.locator(".lossviz-surface-selector select").first.select_option(
        label="Banana valley"
    )
    page.wait_for_function(f"b => ({PICTURE})() !== b", arg=before, timeout=30_000)

    assert page.locator("text=Error displaying widget").count() == 0
    assert tab.errors == []
