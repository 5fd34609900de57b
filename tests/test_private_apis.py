"""Other libraries' private names that the sweep uses are there, with the shape relied on.

``experiments/sweep/private_apis.py`` lists each, with what it is for and why no public API
serves. When an upgrade removes or changes one, these tests fail naming the library, the name
and the installed version, instead of a sweep failing (or quietly slowing down) later.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
import os
import platform
import re
import signal
from pathlib import Path

import pytest

from experiments.sweep import private_apis, worker_server
from experiments.sweep.private_apis import PRIVATE_NAMES, PrivateName

ROOT = Path(__file__).resolve().parents[1]


def installed(entry: PrivateName) -> str:
    if entry.distribution == "python":
        return platform.python_version()
    return importlib.metadata.version(entry.distribution)


def fail(entry: PrivateName, problem: str) -> None:
    name = ".".join(filter(None, (entry.module, entry.attribute)))
    pytest.fail(f"{entry.distribution} {installed(entry)}: {name} {problem} (checked against "
                f"{entry.checked}; experiments/sweep/private_apis.py says what it is for)",
                pytrace=False)


def resolve(entry: PrivateName):
    try:
        obj = importlib.import_module(entry.module)
    except ImportError as err:
        fail(entry, f"cannot be imported ({err})")
    for part in filter(None, entry.attribute.split(".")):
        if not hasattr(obj, part):
            fail(entry, f"is gone: {type(obj).__name__} {obj!r} has no attribute {part!r}")
        obj = getattr(obj, part)
    return obj


def entry_of(module: str) -> PrivateName:
    return next(e for e in PRIVATE_NAMES if e.module == module)


@pytest.mark.parametrize("entry", PRIVATE_NAMES, ids=lambda e: f"{e.module}.{e.attribute}")
def test_every_private_name_is_still_there(entry):
    resolve(entry)


def test_hydra_basic_sweeper_expands_and_batches_sweeps_as_relied_on():
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.plugins.sweeper import Sweeper

    entry = entry_of("hydra._internal.core_plugins.basic_sweeper")
    cls = resolve(entry)
    if not (isinstance(cls, type) and issubclass(cls, Sweeper)):
        fail(entry, "is no longer a Hydra Sweeper class")
    for name, params in (("split_arguments", ["overrides", "max_batch_size"]),
                         ("split_overrides_to_chunks", ["lst", "n"])):
        method = inspect.getattr_static(cls, name, None)
        if not isinstance(method, staticmethod) \
                or list(inspect.signature(method).parameters) != params:
            fail(entry, f"has no static method {name}({', '.join(params)})")
    # the checked sweeper overrides split_arguments as a method and reads self.config
    if "self.split_arguments(" not in inspect.getsource(cls.sweep):
        fail(entry, "sweep() no longer expands the sweep through self.split_arguments")
    if "self.config = config" not in inspect.getsource(cls.setup):
        fail(entry, "setup() no longer keeps the config as self.config")
    parsed = OverridesParser.create().parse_overrides(["a=1,2", "b=x", "c=3", "c=4,5"])
    jobs = private_apis.sweep_jobs(parsed)
    expected = [["a=1", "b=x", "c=4"], ["a=1", "b=x", "c=5"], ["a=2", "b=x", "c=4"],
                ["a=2", "b=x", "c=5"]]
    if jobs != expected:
        fail(entry, f"split_arguments expands a=1,2 b=x c=3 c=4,5 into {jobs}, not {expected}")
    if list(cls.split_overrides_to_chunks(expected, 3)) != [expected[:3], expected[3:]]:
        fail(entry, "split_overrides_to_chunks batches jobs differently")


def test_the_checked_sweeper_is_a_basic_sweeper():
    from hydra_plugins.openmarket_sweeper.checked_sweeper import CheckedSweeper

    assert issubclass(CheckedSweeper, private_apis.basic_sweeper())


def test_the_joblib_launchers_job_function_is_preloaded():
    entry = entry_of("hydra_plugins.hydra_joblib_launcher._core")
    if not callable(resolve(entry)):
        fail(entry, "is not a function")
    private_apis.preload_joblib_launcher()


def test_the_loky_pool_is_found_and_refuses_work_once_shut_down():
    from joblib.externals.loky import get_reusable_executor

    entry = entry_of("joblib.externals.loky.reusable_executor")
    resolve(entry)
    pool = get_reusable_executor(max_workers=1)
    try:
        if private_apis.loky_pool() is not pool:
            fail(entry, "is not the pool that get_reusable_executor() returns")
        if "kill_workers" not in inspect.signature(pool.shutdown).parameters:
            fail(entry, "shutdown() takes no kill_workers")
    finally:
        pool.shutdown(wait=True, kill_workers=True)
    try:
        pool.submit(int)
    except RuntimeError:  # what experiments.sweep.callbacks.in_idle_worker falls back on
        return
    fail(entry, "accepts work after shutdown() instead of raising RuntimeError")


def test_forked_workers_get_the_thread_limits_loky_sets_in_its_own():
    entry = entry_of("joblib._parallel_backends")
    resolve(entry)
    theirs = private_apis.loky_thread_limit_vars()
    if theirs != worker_server.THREAD_LIMIT_VARS:
        fail(entry, f"is {theirs}; update experiments.sweep.worker_server.THREAD_LIMIT_VARS "
                    f"({worker_server.THREAD_LIMIT_VARS})")


def test_the_fork_servers_pid_is_the_running_server():
    from multiprocessing import forkserver

    entry = entry_of("multiprocessing.forkserver")
    resolve(entry)
    forkserver.ensure_running()
    pid = private_apis.forkserver_pid()
    if not isinstance(pid, int):
        fail(entry, f"is {pid!r} while the server runs, not its process id")
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        fail(entry, f"is {pid}, which is no running process")
    os.kill(pid, signal.SIGTERM)  # as worker_server.stop does; a later ensure_running restarts it


#: Imports of another package's underscore modules, and the private attributes listed in
#: private_apis, anywhere else in the project's code.
PRIVATE_USE = re.compile(r"^\s*(from|import)\s+(?!sim|study|experiments)[A-Za-z]\w*(\.\w+)*\._[a-z]"
                         r"|\._(executor|flags|forkserver|forkserver_pid|box_lims|suptitle)\b"
                         r"|hydra\._internal", re.M)


def test_no_other_module_touches_another_librarys_private_names():
    here = Path(__file__).resolve()
    allowed = {here, (ROOT / "experiments/sweep/private_apis.py").resolve()}
    found = [f"{path.relative_to(ROOT)}: {m.group(0).strip()}"
             for folder in ("sim", "study", "experiments", "hydra_plugins", "tests", "benchmarks")
             for path in sorted((ROOT / folder).rglob("*.py")) if path.resolve() not in allowed
             for m in PRIVATE_USE.finditer(path.read_text())]
    assert found == [], "use experiments.sweep.private_apis (and list the name there): " \
        + "; ".join(found)
