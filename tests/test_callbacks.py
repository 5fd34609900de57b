"""The end of a sweep: collecting in an idle worker of the joblib launcher, or in-process."""

from __future__ import annotations

import os

import pytest
from joblib.externals.loky import get_reusable_executor

from experiments.callbacks import _stop_idle_workers, in_idle_worker


def _pid_or_die(parent: int) -> int:
    """Kills the worker it runs in; returns the pid when run in the parent."""
    if os.getpid() != parent:
        os._exit(1)
    return os.getpid()


@pytest.fixture
def loky_pool():
    executor = get_reusable_executor(max_workers=1)
    executor.submit(int).result()  # started
    yield executor
    _stop_idle_workers()


def test_without_a_worker_pool_the_work_runs_here():
    _stop_idle_workers()
    assert in_idle_worker(os.getpid) == os.getpid()


def test_an_idle_worker_does_the_work_then_stopped_workers_leave_it_here(loky_pool):
    assert in_idle_worker(os.getpid) != os.getpid()
    _stop_idle_workers()
    assert in_idle_worker(os.getpid) == os.getpid()


def test_a_worker_that_dies_leaves_the_work_to_this_process(loky_pool):
    assert in_idle_worker(_pid_or_die, os.getpid()) == os.getpid()
