"""Hydra sweeper plugin of openmarket-sim: launch a precomputed list of jobs (``samples``)."""
