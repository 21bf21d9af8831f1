"""Views: pictures and readouts that observe a :class:`LandscapeModel`.

Each view loads on first use, so explorers without the 3D view never
import ipyvolume, and code that only needs the picture helpers of
:mod:`lossviz_widgets.views.raster` (the static pictures do) imports no
widget library at all.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "ContourView": "lossviz_widgets.views.contour",
    "CurvatureReadout": "lossviz_widgets.views.readout",
    "LossCurves": "lossviz_widgets.views.loss_curves",
    "SurfaceView3D": "lossviz_widgets.views.surface3d",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    """Import a view on first use."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    message = f"module 'lossviz_widgets.views' has no attribute {name!r}"
    raise AttributeError(message)


def __dir__() -> list[str]:
    """List the views, the lazy ones included."""
    return sorted(__all__)
