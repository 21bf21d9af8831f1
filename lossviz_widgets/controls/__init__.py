"""Controls: the widgets that edit a :class:`~lossviz_widgets.model.LandscapeModel`.

Each control is built alone around a model and displays itself:
:class:`SurfaceSelector` sets the surface, :class:`OptimizerPanel` the runs,
and :class:`PathPlayer` the frame.

Examples
--------
>>> from lossviz_widgets.model import LandscapeModel
>>> from lossviz_widgets.controls import PathPlayer, SurfaceSelector
>>> model = LandscapeModel("banana", steps=30)
>>> controls = [SurfaceSelector(model), PathPlayer(model)]
>>> controls[1].play.max
31
"""

from lossviz_widgets.controls.optimizer_panel import OptimizerPanel
from lossviz_widgets.controls.player import PathPlayer
from lossviz_widgets.controls.surface_selector import SurfaceSelector

__all__ = ["OptimizerPanel", "PathPlayer", "SurfaceSelector"]
