"""Views: pictures and readouts that observe a :class:`LandscapeModel`.

``SurfaceView3D`` loads ipyvolume on first use, so explorers without the 3D
view never import it.
"""

from __future__ import annotations

from typing import Any

from lossviz_widgets.views.contour import ContourView
from lossviz_widgets.views.loss_curves import LossCurves
from lossviz_widgets.views.readout import CurvatureReadout

__all__ = ["ContourView", "CurvatureReadout", "LossCurves", "SurfaceView3D"]


def __getattr__(name: str) -> Any:
    """Import the 3D view on first use."""
    if name == "SurfaceView3D":
        from lossviz_widgets.views.surface3d import SurfaceView3D

        return SurfaceView3D
    message = f"module 'lossviz_widgets.views' has no attribute {name!r}"
    raise AttributeError(message)
