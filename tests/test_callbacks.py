"""The end of a sweep: collecting in an idle worker of the joblib launcher, or in-process."""

from __future__ import annotations

import os

import pytest
from joblib.externals.loky import get_reusable_executor

from experiments.sweep.callbacks import _stop_idle_workers, in_idle_worker


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


def test_runs_and_sweeps_run_with_the_garbage_collector_on(tmp_path, monkeypatch):
    # the command line pauses the collector while it starts; Mesa agents and the model refer
    # to each other, so a job of many runs with it still paused would keep every model
    import gc

    from omegaconf import OmegaConf

    import experiments.sweep.job as run
    from experiments.sweep.callbacks import SweepCollector
    from sim.hydra_conf import compose_config

    seen = []
    real = run.simulate
    monkeypatch.setattr(run, "simulate", lambda cfg: seen.append(gc.isenabled()) or real(cfg))
    cfg = compose_config("baseline", ["seeds_per_job=2", "model.n_developers=200",
                                      "model.horizon_months=3", "output.figures=false",
                                      "output.summary=false"])
    try:
        gc.disable()
        run.run_job(cfg, tmp_path)
        assert seen == [True, True]
        gc.disable()
        SweepCollector().on_multirun_start(OmegaConf.create({"hydra": {"sweep": {"dir": "x"}}}))
        assert gc.isenabled()
        gc.disable()
        with run.gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # left as it was
    finally:
        gc.enable()
