# openmarket-sim: `make run` installs everything into .venv and runs the main job;
# `make test` installs everything and runs the whole test suite (.ci/run calls it).
PYTHON ?= $(shell command -v python3.12 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
EXTRAS ?= dev,viz

.PHONY: run baseline test install ray-env explore sensitivity discover calibrate validation answers postures lint bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python >= 3.12 is needed (Mesa 3.5); found " + sys.version)'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[$(EXTRAS)]"
	@touch $(STAMP)

install: $(STAMP)

# A separate environment for the Ray launcher: hydra-ray-launcher pins cloudpickle<3, which the
# main environment's joblib does not accept, so Ray lives in its own venv (tests use it too).
RAY_VENV := .venv-ray
RAY_STAMP := $(RAY_VENV)/.installed-stamp
$(RAY_STAMP): pyproject.toml
	$(PYTHON) -m venv $(RAY_VENV)
	$(RAY_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(RAY_VENV)/bin/python -m pip install --quiet -e ".[ray]"
	@touch $(RAY_STAMP)

ray-env: $(RAY_STAMP)

# The standard study: every scenario x 30 seeds in parallel, collected, summarised and plotted.
run: $(STAMP)
	$(PY) -m experiments.run -m +sweep=all_scenarios

# One baseline run (seed 0) with its figures and summary.
baseline: $(STAMP)
	$(PY) -m experiments.run

test: $(STAMP)
	$(PY) -m pytest

# Interactive explorer on http://127.0.0.1:8765/ (other host/port: EXPLORE_ARGS="--host 0.0.0.0 --port 9000")
explore: $(STAMP)
	$(PY) -m experiments.explore $(EXPLORE_ARGS)

# The two questions answered with paired intervals (docs/ANSWERS.md), and why labs open or
# close (docs/POSTURES.md)
answers: $(STAMP)
	$(PY) -m experiments.answers

postures: $(STAMP)
	$(PY) -m experiments.explain_postures

# Which assumptions drive the outcome (docs/ANALYSIS.md)
sensitivity: $(STAMP)
	$(PY) -m experiments.sensitivity method=sobol n=64 replicates=2 model.n_developers=2000

discover: $(STAMP)
	$(PY) -m experiments.discover outcome=row_cn_share threshold=0.5 n=500 model.n_developers=2000

# Fit the uncertain parameters to the 2024-2025 targets and make the fit the defaults
calibrate: $(STAMP)
	$(PY) -m experiments.calibrate
	$(PY) -m experiments.adopt_calibration

# Rewrite docs/VALIDATION.md (default and calibrated configs against the 2024-2025 patterns)
validation: $(STAMP)
	$(PY) -m experiments.validate_report

lint: $(STAMP)
	$(PY) -m ruff check sim study experiments tests benchmarks hydra_plugins

# Speed: the model against one Mesa agent per developer, scaling to 1M developers, and the share
# of a 200-run sweep's wall time spent in the model (writes benchmarks/results.md)
bench: $(STAMP)
	$(PY) -m benchmarks.bench_model
	$(PY) -m benchmarks.bench_sweep --runs 200 --seeds-per-job 1 10 100 --repeat 5

clean:
	rm -rf outputs multirun .pytest_cache
