"""The package installs and runs outside the clone: ``pip install .`` gives working commands.

A non-editable install used to have no ``configs/`` (found relative to the source tree), so it
could not run. The configs are now the package ``openmarket_configs``; these tests build the
wheel, install it into a bare folder and run the console script from another folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from experiments import console

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def listed_packages() -> set[str]:
    return set(PYPROJECT["tool"]["setuptools"]["packages"])


def test_every_folder_with_code_or_configs_is_a_listed_package():
    wanted = set()
    for top in ("sim", "study", "experiments", "hydra_plugins"):
        for path in (ROOT / top).rglob("*.py"):
            folder = path.parent.relative_to(ROOT)
            if folder.parts != ("hydra_plugins",):  # a namespace shared with other plugins
                wanted.add(".".join(folder.parts))
    for path in (ROOT / "configs").rglob("*"):
        if path.suffix in (".yaml", ".json"):
            wanted.add(".".join(("openmarket_configs", *path.parent.relative_to(
                ROOT / "configs").parts)))
    assert wanted - listed_packages() == set()


def test_console_lists_its_commands_and_refuses_an_unknown_one(capsys):
    assert console.main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in ("run", "collect", "sensitivity", "discover", "calibrate", "validate", "explore"):
        assert f"  {name}" in out
    assert console.main(["rnu"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: unknown command 'rnu'; allowed: run, collect")


def test_console_passes_the_exit_code_of_the_command(capsys):
    # a bad key is refused by the run command with exit 2, through the console script too
    assert console.main(["run", "model.horizn_months=3"]) == 2
    assert "horizn_months" in capsys.readouterr().err


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The wheel built from this clone, installed (without dependencies) into a bare folder."""
    tmp = tmp_path_factory.mktemp("wheel")
    # built from a copy: setuptools leaves build/ in the source folder, and a stale build/lib
    # could put deleted modules into the wheel
    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv*", "outputs", "multirun", "build", "*.egg-info", "__pycache__",
        ".pytest_cache", ".ruff_cache", ".hypothesis"))
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                            str(tmp / "dist"), str(source)], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[-3000:]
    wheel = next((tmp / "dist").glob("openmarket_sim-*.whl"))
    target = tmp / "site"
    inst = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q",
                           "--target", str(target), str(wheel)], capture_output=True, text=True)
    assert inst.returncode == 0, inst.stderr[-3000:]
    return target


CHECK = """
import sys
target = sys.argv[1]  # before the command replaces sys.argv
from experiments.console import main
code = main(["run", "model.horizon_months=3", "model.n_developers=200"])
ours = ("sim", "study", "experiments", "openmarket_configs")
stray = sorted(m.__file__ for name, m in list(sys.modules.items())
               if (name.split(".")[0] in ours or name.startswith("hydra_plugins.openmarket"))
               and getattr(m, "__file__", None)
               and not m.__file__.startswith(target))
print("STRAY", stray)
sys.exit(code)
"""


def test_the_installed_wheel_runs_from_any_folder_with_its_own_configs(installed, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = dict(os.environ, PYTHONPATH=str(installed))
    res = subprocess.run([sys.executable, "-c", CHECK, str(installed)], cwd=elsewhere, env=env,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-3000:]
    assert "STRAY []" in res.stdout  # every project module came from the installed copy
    results = list((elsewhere / "outputs" / "runs").rglob("results.parquet"))
    assert len(results) == 1
    script = installed / "bin" / "openmarket"
    assert script.exists()
    res = subprocess.run([str(script), "--help"], cwd=elsewhere, env=env, capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 0 and "sensitivity" in res.stdout
