"""The numpy engine: surfaces, optimizers, trajectories, curvature and fields.

Everything a view draws is computed here, with numpy (and sympy for typed
formulas); nothing here imports a widget library, so the engine serves
scripts, tests and any front end alike.

Examples
--------
>>> from lossviz_widgets.engine import get_surface, descend, critical_points
>>> from lossviz_widgets.engine.optimizers import Momentum
>>> surface = get_surface("himmelblau")
>>> len(critical_points(surface))
9
>>> run = descend(surface, Momentum(lr=0.01), (0.0, 0.0), steps=300)
>>> run.status, run.points[-1].round(4).tolist()
('converged', [3.5844, -1.8481])
"""

from lossviz_widgets.engine.basins import DIVERGED, UNSETTLED, BasinMap, basins
from lossviz_widgets.engine.catalogue import CATALOGUE, get_surface, surface_names
from lossviz_widgets.engine.contours import (
    ContourLevel,
    contour_levels,
    contour_lines,
    log_values,
)
from lossviz_widgets.engine.critical import critical_points
from lossviz_widgets.engine.curvature import (
    classify_hessian,
    classify_point,
    condition_number,
    convex_mask,
    hessian_eigen,
    sharpness,
    stable_step_size,
)
from lossviz_widgets.engine.fields import (
    GradientField,
    Grid,
    evaluate_grid,
    gradient_field,
)
from lossviz_widgets.engine.formula_text import FormulaError
from lossviz_widgets.engine.surface import (
    POINT_KINDS,
    CriticalPoint,
    Domain,
    Parameter,
    Surface,
)
from lossviz_widgets.engine.trajectory import (
    MAX_STEPS,
    STATUSES,
    Endpoints,
    Trajectory,
    descend,
    endpoints,
)

__all__ = [
    "CATALOGUE",
    "DIVERGED",
    "MAX_STEPS",
    "POINT_KINDS",
    "STATUSES",
    "UNSETTLED",
    "BasinMap",
    "ContourLevel",
    "CriticalPoint",
    "Domain",
    "Endpoints",
    "FormulaError",
    "GradientField",
    "Grid",
    "Parameter",
    "Surface",
    "Trajectory",
    "basins",
    "classify_hessian",
    "classify_point",
    "condition_number",
    "contour_levels",
    "contour_lines",
    "convex_mask",
    "critical_points",
    "descend",
    "endpoints",
    "evaluate_grid",
    "get_surface",
    "gradient_field",
    "hessian_eigen",
    "log_values",
    "sharpness",
    "stable_step_size",
    "surface_names",
]
