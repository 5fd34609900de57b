"""Make a calibration the model's defaults: write ``sim/calibrated.py`` and ``prior.yaml``.

    python -m experiments.adopt_calibration                 # configs/calibration/calibrated
    python -m experiments.adopt_calibration name=<name>
    python -m experiments.adopt_calibration --check         # exit 1 if sim/calibrated.py is stale

Reads ``configs/calibration/<name>.fit.json`` (written by ``experiments.calibrate``) and writes
its fitted values into ``sim/calibrated.py``, so ``SimConfig()``, ``from sim import run``,
``make run`` and every scenario start from the calibrated baseline. The values the fit started
from are kept as the priors (a path adopted before keeps its first prior) and written as
``configs/calibration/prior.yaml``, so ``python -m experiments.run calibration=prior`` runs the
uncalibrated model.
"""

from __future__ import annotations

import json
import pprint
import sys
from pathlib import Path
from typing import Any, Sequence

import yaml

from sim import calibrated
from sim.hydra_conf import CONFIG_DIR
from study.calibration import nested
from study.results_io import write_atomic

MODULE = Path(calibrated.__file__)
CALIBRATION_DIR = CONFIG_DIR / "calibration"


def module_text(name: str, fit: dict) -> str:
    """The text of ``sim/calibrated.py`` for calibration ``name``."""
    values = {p["path"]: p["value"] for p in fit["parameters"].values()}
    priors = {path: calibrated.PRIORS.get(path, p["default"])
              for path, p in ((p["path"], p) for p in fit["parameters"].values())}
    text = MODULE.read_text()
    head = text[:text.index("#: The calibration these values come from")]
    tail = text[text.index("\n\ndef apply("):]
    body = ("#: The calibration these values come from (``configs/calibration/<NAME>.fit.json``)."
            f"\nNAME = {name!r}\nCREATED = {fit.get('created', '')!r}\n"
            f"COMMAND = {_wrapped(fit.get('command', ''))}\n"
            f"#: Dotted config path -> calibrated value.\n"
            f"VALUES: dict[str, Any] = {pprint.pformat(values, width=96, sort_dicts=True)}\n"
            f"#: Dotted config path -> prior value (the declared default before the fit).\n"
            f"PRIORS: dict[str, Any] = {pprint.pformat(priors, width=96, sort_dicts=True)}\n")
    return head + body + tail


def _wrapped(text: str, width: int = 84) -> str:
    """A string literal of ``text`` split over lines of at most ``width`` characters."""
    if len(text) <= width:
        return repr(text)
    parts = [text[i:i + width] for i in range(0, len(text), width)]
    return "(" + "\n           ".join(repr(p) for p in parts) + ")"


def prior_yaml(priors: dict[str, Any], name: str) -> str:
    """``configs/calibration/prior.yaml``: the priors of the calibrated paths."""
    header = ["# @package _global_",
              f"# The priors of the parameters calibration '{name}' fitted (sim/calibrated.py):",
              "# the model before calibration. Written by python -m "
              "experiments.adopt_calibration.",
              "# Select: python -m experiments.run calibration=prior", ""]
    return "\n".join(header) + yaml.safe_dump(nested(priors), sort_keys=True)


def adopt(name: str, check: bool = False) -> int:
    """Write (or with ``check``, compare) ``sim/calibrated.py`` and ``prior.yaml``."""
    fit = json.loads((CALIBRATION_DIR / f"{name}.fit.json").read_text())
    text = module_text(name, fit)
    if check:
        stale = MODULE.read_text() != text
        if stale:
            print(f"{MODULE} is stale: run python -m experiments.adopt_calibration name={name}",
                  file=sys.stderr)
        return int(stale)
    write_atomic(MODULE, lambda p: Path(p).write_text(text))
    namespace: dict[str, Any] = {}
    exec(compile(text, str(MODULE), "exec"), namespace)  # the priors just written
    write_atomic(CALIBRATION_DIR / "prior.yaml",
                 lambda p: Path(p).write_text(prior_yaml(namespace["PRIORS"], name)))
    print(f"wrote {MODULE} ({len(namespace['VALUES'])} calibrated values) and "
          f"{CALIBRATION_DIR / 'prior.yaml'}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Command line (see the module docstring)."""
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    names = [a.split("=", 1)[1] for a in args if a.startswith("name=")]
    return adopt(names[0] if names else "calibrated", check)


if __name__ == "__main__":
    sys.exit(main())
