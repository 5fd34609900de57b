"""The private names of other libraries that the sweep machinery uses: the one place for them.

No other module of the project touches another library's private names; they call the
functions here. ``tests/test_private_apis.py`` checks every name in :data:`PRIVATE_NAMES`, with
the shape the project relies on, and fails naming the library, the name and the installed
version when one disappears or changes. Each was checked against the version given below, and
each is here because no public API does the job:

- ``hydra._internal.core_plugins.basic_sweeper.BasicSweeper`` (hydra-core 1.3.8). The
  ``checked`` sweeper is a basic sweeper (it overrides ``validate_batch_is_legal``,
  ``split_arguments`` and ``sweep`` and calls ``split_overrides_to_chunks``), and the preflight
  expands a sweep into its jobs with the same ``split_arguments``, so that the jobs it checks
  are the jobs launched. Hydra offers its basic sweeper only as the config choice
  ``hydra/sweeper=basic``; the public ``hydra.plugins.sweeper.Sweeper`` has neither the
  expansion into jobs nor the batching.
- ``hydra_plugins.hydra_joblib_launcher._core`` (hydra-joblib-launcher 1.2.0): the module whose
  ``execute_job`` runs each job in a joblib worker. The fork server imports it before forking
  the workers, so that they need not; the launcher has no public module for it. An
  optimisation only: without it the workers import it themselves.
- ``joblib.externals.loky.reusable_executor._executor`` (joblib 1.6.0 with loky 3.6.0): the pool
  of worker processes the joblib launcher ran the sweep in. The sweep is collected in one of
  its idle workers, and the pool is stopped when the sweep ends. The public
  ``get_reusable_executor()`` starts a pool when there is none (and a new one in place of a
  broken pool), so it cannot tell whether the launcher left one; ``submit`` and ``shutdown``,
  used on the pool found, are public.
- ``joblib._parallel_backends.LokyBackend.MAX_NUM_THREADS_VARS`` (joblib 1.6.0): the variables
  loky sets to limit the thread pools of the workers it starts. Workers forked from the fork
  server get the same from :data:`experiments.sweep.worker_server.THREAD_LIMIT_VARS`, a copy
  (the server starts before joblib may be imported); only the test reads the original.
- ``multiprocessing.forkserver._forkserver._forkserver_pid`` (CPython 3.12.1): the fork
  server's process, stopped when a sweep turns out to launch nothing. The standard library
  has no public way to stop its fork server (``_forkserver._stop()``, kept for its own tests,
  waits until the server has finished its imports).

Hydra's own plugin classes used to be recognised by their private module path
(``hydra._internal.core_plugins``) in the preflight; it now asks Hydra's public plugin
registry (``hydra.core.plugins.Plugins``) instead.

This module imports only the standard library: :mod:`experiments.sweep.worker_server` calls
it before the command has imported anything else. Each library is imported where it is used.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any, NamedTuple, Sequence


class PrivateName(NamedTuple):
    """One private name of another library: where it lives and the version it was checked on."""

    distribution: str  # the installed distribution ("python" for the standard library)
    module: str
    attribute: str  # dotted path inside the module ("" for the module itself)
    checked: str  # the version this project was checked against


#: Every private name used, as the module docstring lists them.
PRIVATE_NAMES = (
    PrivateName("hydra-core", "hydra._internal.core_plugins.basic_sweeper", "BasicSweeper",
                "1.3.8"),
    PrivateName("hydra-joblib-launcher", "hydra_plugins.hydra_joblib_launcher._core",
                "execute_job", "1.2.0"),
    PrivateName("joblib", "joblib.externals.loky.reusable_executor", "_executor", "1.6.0"),
    PrivateName("joblib", "joblib._parallel_backends", "LokyBackend.MAX_NUM_THREADS_VARS",
                "1.6.0"),
    PrivateName("python", "multiprocessing.forkserver", "_forkserver._forkserver_pid",
                "3.12.1"),
)


def basic_sweeper() -> type:
    """Hydra's basic sweeper class (``hydra/sweeper=basic``), to subclass."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper

    return BasicSweeper


def sweep_jobs(parsed_overrides: Sequence[Any]) -> list[list[str]]:
    """The override list of every job, as Hydra's basic sweeper expands parsed overrides.

    The cartesian product of the swept values in the order of the keys, a key given twice
    keeping its last value; raises Hydra's ``HydraException`` for a sweep the basic sweeper
    cannot enumerate (``interval(...)``).
    """
    return basic_sweeper().split_arguments(list(parsed_overrides), None)[0]


def preload_joblib_launcher() -> None:
    """Import the module that runs each job in a joblib worker, if it is still there."""
    try:
        importlib.import_module("hydra_plugins.hydra_joblib_launcher._core")
    except ImportError:  # renamed upstream: workers import what they need themselves
        pass


def loky_pool() -> Any | None:
    """The reusable pool of loky workers the joblib launcher started (None if none)."""
    module = sys.modules.get("joblib.externals.loky.reusable_executor")  # not imported: none
    return getattr(module, "_executor", None)


def loky_thread_limit_vars() -> list[str]:
    """The thread-limit variables loky sets in the workers it starts itself."""
    from joblib._parallel_backends import LokyBackend

    return list(LokyBackend.MAX_NUM_THREADS_VARS)


def forkserver_pid() -> int | None:
    """The process id of multiprocessing's fork server (None if it is not running)."""
    from multiprocessing import forkserver

    return getattr(forkserver._forkserver, "_forkserver_pid", None)
