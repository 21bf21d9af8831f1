"""Jupyter widgets for seeing loss surfaces, optimizer paths and curvature.

>>> from lossviz_widgets import LandscapeExplorer
>>> explorer = LandscapeExplorer("himmelblau", runs=["gd", "adam"])
>>> explorer.model.runs[1].optimizer.name
'Adam'

The widget classes, ``save_html`` and the picture functions of
:mod:`lossviz_widgets.visualizations` load lazily, so
``import lossviz_widgets.engine`` pulls in no widget library, and nothing
imports matplotlib until a picture is drawn. The exercise widgets live in
:mod:`lossviz_widgets.exercises`.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "LandscapeExplorer": "lossviz_widgets.explorer",
    "LandscapeModel": "lossviz_widgets.model",
    "Run": "lossviz_widgets.model",
    "SurfaceSelector": "lossviz_widgets.controls",
    "OptimizerPanel": "lossviz_widgets.controls",
    "PathPlayer": "lossviz_widgets.controls",
    "ContourView": "lossviz_widgets.views",
    "SurfaceView3D": "lossviz_widgets.views",
    "LossCurves": "lossviz_widgets.views",
    "CurvatureReadout": "lossviz_widgets.views",
    "save_html": "lossviz_widgets.export",
    "render_surface": "lossviz_widgets.visualizations",
    "animate": "lossviz_widgets.visualizations",
    "anim_banana_descent": "lossviz_widgets.visualizations",
}

__all__ = [*_LAZY, "__version__"]


def __getattr__(name: str) -> Any:
    """Import a widget class on first use."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    message = f"module 'lossviz_widgets' has no attribute {name!r}"
    raise AttributeError(message)


def __dir__() -> list[str]:
    """List the public names, the lazy ones included."""
    return sorted(__all__)
