"""The numpy engine: surfaces, optimizers, trajectories, curvature and fields."""
