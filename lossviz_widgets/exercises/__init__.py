"""One widget per exercise of the Day-6 course page, and one per concept.

Each exercise shows a short instruction, lets the student act, and exposes
what they did as :attr:`~lossviz_widgets.exercises.base.Exercise.answer`
with a :meth:`~lossviz_widgets.exercises.base.Exercise.check` that says what
is right and what is not. The classes load on first use.

>>> from lossviz_widgets.exercises import EXERCISES
>>> len(EXERCISES)
10
"""

from __future__ import annotations

import importlib
from typing import Any

from lossviz_widgets.exercises.base import Exercise, Verdict

#: Every exercise class by name, with the module that holds it, in the
#: order of the course page: its four mini exercises, then its concepts.
EXERCISES = {
    "WaveFrequencies": "waves",
    "BananaLearningRates": "learning_rate",
    "MomentumRace": "momentum_race",
    "SaddleField": "saddle_field",
    "ConvexityChord": "convexity",
    "CurvatureStepSize": "step_size",
    "SharpFlatMinima": "sharp_flat",
    "SaddleEscape": "saddle_escape",
    "Overparameterization": "overparameterization",
    "BasinsOfAttraction": "basins",
}

__all__ = ["EXERCISES", "Exercise", "Verdict", *EXERCISES]


def __getattr__(name: str) -> Any:
    """Import an exercise class on first use."""
    if name in EXERCISES:
        module = importlib.import_module(f"{__name__}.{EXERCISES[name]}")
        return getattr(module, name)
    message = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(message)


def __dir__() -> list[str]:
    """List the public names, the lazy ones included."""
    return sorted(__all__)
