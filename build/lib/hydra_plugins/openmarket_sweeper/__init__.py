"""Hydra plugin of openmarket-sim: the ``checked`` sweeper (see ``checked_sweeper``)."""
