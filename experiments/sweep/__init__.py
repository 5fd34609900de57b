"""The sweep machinery behind ``python -m experiments.run -m``.

Preflight checks of a command line, per-run outputs and their atomic writing, Hydra callbacks
that collect a finished sweep, the fork server its workers start from, and provenance.
"""
