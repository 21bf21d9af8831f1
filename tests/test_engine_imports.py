import subprocess
import sys

import pytest

WIDGET_MODULES = ("ipywidgets", "bqplot", "ipyvolume", "traitlets")


@pytest.mark.parametrize(
    "module",
    [
        "lossviz_widgets.engine",
        "lossviz_widgets.engine.optimizers",
        "lossviz_widgets.landscapes",
        # The static pictures colour with these helpers: no widget needed.
        "lossviz_widgets.views.raster",
        "lossviz_widgets.visualizations",
    ],
)
def test_the_engine_imports_no_widget_library(module):
    code = (
        f"import sys, {module}\n"
        f"print(','.join(m for m in {WIDGET_MODULES!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_the_public_names_are_reachable():
    from lossviz_widgets.engine import (  # noqa: F401
        FormulaError,
        Surface,
        critical_points,
        descend,
        get_surface,
        hessian_eigen,
    )
    from lossviz_widgets.engine.optimizers import (  # noqa: F401
        GD,
        SGD,
        Adagrad,
        Adam,
        AdamW,
        Momentum,
        NAdam,
        Nesterov,
        Newton,
        NoisyGD,
        RMSprop,
    )

    assert issubclass(FormulaError, ValueError)
