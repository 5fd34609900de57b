"""Fingerprint of what the documented commands write: tables and the data behind every figure.

    python -m benchmarks.fingerprint OUT.json            # run the commands, write the fingerprint
    python -m benchmarks.fingerprint --compare A.json B.json

A refactoring that should change no result (the three-wing layout, say) is checked by running
this on the code before and after and comparing: the smoke sweep's collected table, a single
run's table, the sensitivity and discovery tables, and the data of every figure those commands
save (each line's and band's coordinates, bar sizes, scatter points, image pixels, and every
text on the figure). Figures are read when they are saved, through a wrapper around
``matplotlib.figure.Figure.savefig`` installed in each command's process, so the check does not
depend on which module draws them. Provenance that names the code (``git_commit``) is left out.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Runs a module as ``python -m`` would, after wrapping Figure.savefig to record figure data.
WRAPPER = r"""
import json, os, runpy, sys, hashlib
import numpy as np
import matplotlib
matplotlib.use("Agg")
from matplotlib.figure import Figure

def _h(a):
    a = np.ascontiguousarray(np.asarray(a, dtype=float))
    return hashlib.sha256(a.tobytes()).hexdigest()[:16] + f":{a.shape}"

def _artists(ax):
    out = {"title": ax.get_title(), "xlabel": ax.get_xlabel(), "ylabel": ax.get_ylabel(),
           "xlim": list(map(float, ax.get_xlim())), "ylim": list(map(float, ax.get_ylim())),
           "lines": [], "collections": [], "patches": [], "texts": [], "images": []}
    for line in ax.get_lines():
        out["lines"].append([_h(line.get_xdata(orig=False)), _h(line.get_ydata(orig=False)),
                             str(line.get_color()), line.get_label()])
    for c in ax.collections:
        paths = [p.vertices for p in c.get_paths()]
        out["collections"].append([_h(c.get_offsets()),
                                   [_h(v) for v in paths][:200], _h(c.get_facecolors())])
    for p in ax.patches:
        try:
            out["patches"].append(_h(p.get_path().transformed(p.get_patch_transform()).vertices))
        except Exception:
            out["patches"].append(type(p).__name__)
    for t in ax.texts:
        out["texts"].append(t.get_text())
    for im in ax.get_images():
        out["images"].append(_h(im.get_array()))
    leg = ax.get_legend()
    out["legend"] = [t.get_text() for t in leg.get_texts()] if leg else []
    out["xticks"] = [t.get_text() for t in ax.get_xticklabels()]
    out["yticks"] = [t.get_text() for t in ax.get_yticklabels()]
    return out

_orig = Figure.savefig
def savefig(self, fname, *args, **kwargs):
    result = _orig(self, fname, *args, **kwargs)
    data = {"axes": [_artists(ax) for ax in self.axes],
            "texts": [t.get_text() for t in self.texts],
            "legends": [[t.get_text() for t in l.get_texts()] for l in self.legends],
            "suptitle": self.get_suptitle()}
    with open(os.environ["FINGERPRINT_FIGS"], "a") as fh:
        fh.write(json.dumps({"file": os.path.basename(str(fname)), "data": data}) + "\n")
    return result
Figure.savefig = savefig
module = sys.argv[1]
sys.argv = [module] + sys.argv[2:]
runpy.run_module(module, run_name="__main__", alter_sys=True)
"""


def commands(tmp: Path) -> dict[str, list[str]]:
    """The commands whose outputs are fingerprinted (small settings, all documented)."""
    return {
        "smoke_sweep": ["experiments.run", "-m", "+sweep=smoke", f"hydra.sweep.dir={tmp}/smoke"],
        # a sweep draws its figures in a worker, out of the wrapper's reach: collect again here
        "smoke_collect": ["experiments.collect", f"{tmp}/smoke"],
        # figures only notebooks draw, called by name from wherever they live
        "notebook_figures": ["benchmarks.fingerprint", "--draw", f"{tmp}/smoke", f"{tmp}/nbfigs"],
        "single_run": ["experiments.run", "seed=2", "model.horizon_months=30",
                       "model.n_developers=3000", f"hydra.run.dir={tmp}/single"],
        "sensitivity": ["experiments.sensitivity", "method=morris", "n=3", "replicates=1",
                        "model.n_developers=300", "model.horizon_months=12",
                        f"out={tmp}", "name=sens", "quiet=true"],
        "discover": ["experiments.discover", "outcome=row_cn_share", "threshold=0.3", "n=60",
                     "factors=row_trust_cn,us_export_controls", "model.n_developers=300",
                     "model.horizon_months=12", f"out={tmp}", "name=disc", "quiet=true"],
    }


#: modules that may hold the figure functions, newest layout first
FIGURE_MODULES = ("study.figures", "study.figures.run", "study.figures.scenarios",
                  "study.figures.mechanisms", "study.plots", "sim.plots")


def _figure_function(name: str):
    import importlib

    for mod in FIGURE_MODULES:
        try:
            fn = getattr(importlib.import_module(mod), name, None)
        except ImportError:
            continue
        if fn is not None:
            return fn
    raise LookupError(name)


def draw(sweep_dir: Path, out_dir: Path) -> None:
    """Draw the figures the notebooks draw from the smoke sweep's table, saving each."""
    import pandas as pd

    out_dir.mkdir(parents=True, exist_ok=True)
    df = pd.read_parquet(sweep_dir / "sweep_results.parquet")
    figs = {
        "regional_shares": _figure_function("regional_shares_figure")(df),
        "scenario_bands": _figure_function("scenario_bands_figure")(df),
        "premium_gap": _figure_function("premium_gap_figure")(df),
        "lever_chain": _figure_function("lever_chain_figure")(
            df.assign(lever=(df.scenario != "baseline").astype(float)), "lever", "scenario"),
    }
    for name, fig in figs.items():
        fig.savefig(out_dir / f"{name}.png", dpi=60)


def _table_digest(path: Path) -> str:
    import pandas as pd

    df = pd.read_parquet(path)
    df = df.drop(columns=[c for c in ("git_commit",) if c in df.columns])
    df = df[sorted(df.columns)]
    cols = [c for c in df.columns if c != "value"]
    df = df.sort_values(cols, kind="mergesort").reset_index(drop=True)
    return hashlib.sha256(pd.util.hash_pandas_object(df, index=False).values.tobytes()
                          ).hexdigest() + f" ({len(df)} rows, {list(df.columns)})"


def _csv_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fingerprint(out: Path) -> dict:
    """Run every command into a temporary folder and return the fingerprint."""
    result: dict = {"tables": {}, "figures": {}, "returncodes": {}}
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        for name, argv in commands(tmp).items():
            figs = tmp / f"{name}.figs.jsonl"
            env = dict(os.environ, FINGERPRINT_FIGS=str(figs), MPLBACKEND="Agg")
            proc = subprocess.run([sys.executable, "-c", WRAPPER, *argv], cwd=ROOT, env=env,
                                  capture_output=True, text=True)
            result["returncodes"][name] = proc.returncode
            if proc.returncode:
                print(proc.stdout[-2000:], proc.stderr[-4000:], file=sys.stderr)
            for line in figs.read_text().splitlines() if figs.exists() else []:
                rec = json.loads(line)
                result["figures"][f"{name}/{rec['file']}"] = rec["data"]
        for path in sorted(tmp.rglob("*.parquet")):
            rel = str(path.relative_to(tmp))
            result["tables"][rel] = _table_digest(path)
        for path in sorted(tmp.rglob("*.csv")):
            result["tables"][str(path.relative_to(tmp))] = _csv_digest(path)
        shutil.rmtree(tmp, ignore_errors=True)
    out.write_text(json.dumps(result, indent=1, sort_keys=True))
    return result


def compare(a: dict, b: dict) -> list[str]:
    """Differences between two fingerprints (empty if identical)."""
    diffs = []
    for section in ("returncodes", "tables", "figures"):
        for key in sorted(set(a[section]) | set(b[section])):
            if a[section].get(key) != b[section].get(key):
                diffs.append(f"{section}: {key}")
    return diffs


def main(argv: list[str] | None = None) -> int:
    """Command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path)
    parser.add_argument("--compare", nargs=2, type=Path)
    parser.add_argument("--draw", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.draw:
        draw(*args.draw)
        return 0
    if args.compare:
        a, b = (json.loads(p.read_text()) for p in args.compare)
        diffs = compare(a, b)
        print(f"{len(a['tables'])} tables, {len(a['figures'])} figures compared: "
              + ("identical" if not diffs else f"{len(diffs)} differ"))
        print("\n".join(diffs))
        return 1 if diffs else 0
    res = fingerprint(args.out)
    print(f"{len(res['tables'])} tables, {len(res['figures'])} figures -> {args.out}; "
          f"return codes {res['returncodes']}")
    return 0 if not any(res["returncodes"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
