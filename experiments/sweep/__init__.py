"""The sweep machinery behind ``python -m experiments.run -m`` and the analysis commands.

Reading the command line (``argv``) and checking it before any work (``preflight``, with the one
sweep expander), one job's seeds (``job``), per-run outputs (``outputs``), which runs are
finished already (``resume``), the one progress bar (``progress``), collecting a finished sweep
(``collection``, run by the Hydra ``callbacks``), analysis designs run as sweeps
(``samples``), the fork server the workers start from (``worker_server``, ``worker_imports``),
and provenance.
"""
