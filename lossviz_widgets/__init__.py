"""Jupyter widgets for seeing loss surfaces, optimizer paths and curvature."""

__version__ = "0.1.0"
