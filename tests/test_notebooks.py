"""Every notebook of the repository runs from top to bottom in a real kernel."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).parents[1]
LESSON = ROOT / "notebooks" / "day06_convexity_curvature.ipynb"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted(
    (ROOT / "tests" / "browser" / "notebooks").glob("*.ipynb")
)

#: What the course page prints in its section 3, character for character.
PAGE_OUTPUT = """\
Convex bowl at (1,1) = 1.0
Banana valley at (1,1) = 1.0
Waves at (1,1) = 0.6546487134128409
GD path tail on banana valley: [[-1.19588247  1.5148514 ]
 [-1.19551692  1.51400423]
 [-1.19515214  1.5131568 ]]
"""


def run(path: Path, folder: Path) -> nbformat.NotebookNode:
    """Execute the notebook at ``path`` with ``folder`` as its directory."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=240,
        kernel_name="python3",
        resources={"metadata": {"path": str(folder)}},
    )
    client.execute()
    return notebook


def outputs(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """Every output of every code cell, in order."""
    return [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    ]


def printed(cell: nbformat.NotebookNode) -> str:
    """What a cell printed to standard output."""
    return "".join(
        output.text
        for output in cell.get("outputs", [])
        if output.output_type == "stream" and output.name == "stdout"
    )


@pytest.mark.timeout(300)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_without_error(path, tmp_path):
    notebook = run(path, tmp_path)
    assert [o for o in outputs(notebook) if o.output_type == "error"] == []
    widgets = [
        output
        for output in outputs(notebook)
        if "application/vnd.jupyter.widget-view+json" in output.get("data", {})
    ]
    assert widgets, "the notebook shows no widget"

    if path == LESSON:
        check_the_lesson(notebook, tmp_path)


def check_the_lesson(notebook: nbformat.NotebookNode, folder: Path) -> None:
    """The lesson prints what the course page prints and writes its pictures."""
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    section3 = [cell for cell in code if "GD path tail" in cell.source]
    assert len(section3) == 1
    assert printed(section3[0]) == PAGE_OUTPUT

    section4 = next(cell for cell in code if "RUN_ANIMATIONS = True" in cell.source)
    saved = [line for line in printed(section4).splitlines() if line]
    names = ["01_convex_bowl.png", "02_banana_valley.png", "03_wavy_surface.png"]
    assert len(saved) == 4
    for line, name in zip(saved, names, strict=False):
        assert line.startswith("Saved asset →")
        assert line.endswith(name)
    assert saved[-1].endswith(".gif")
    assets = sorted(p.name for p in (folder / "outputs").iterdir())
    assert set(names) <= set(assets)
    assert all((folder / "outputs" / name).stat().st_size > 10_000 for name in names)
    images = [o for o in outputs(notebook) if "image/png" in o.get("data", {})]
    assert len(images) >= 3
