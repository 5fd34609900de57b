"""What the analysis commands share: ``key=value`` options, output folders, and ``main``'s shape.

Each command (``sensitivity``, ``discover``, ``calibrate``, ``validate_report``) takes its own
options as ``key=value`` and passes every Hydra override on to the jobs it runs; its output
folder is named by a hash of its arguments, so the same command resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any, Callable, Sequence

from sim.validate import ConfigError
from study.uncertainty import OUTCOMES

ROOT = Path(__file__).resolve().parents[1]
#: Where the analysis commands write by default: ``outputs/`` of the folder they run in, like
#: Hydra's run and sweep folders (an installed package has no repository folder to write into).
OUT_ROOT = Path("outputs")
#: Top-level config keys (and groups) a command may pass on to the jobs as Hydra overrides.
PASS_THROUGH = ("model", "developers", "lab_behaviour", "capability", "chips", "market", "labs",
                "governments", "events", "scenario", "output", "hydra")


def parse_kv(argv: Sequence[str], defaults: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Split ``key=value`` arguments into the command's options and Hydra overrides for the jobs.

    Options are the keys of ``defaults`` (values converted to the default's type); keys with a
    dot, a slash or a ``+``/``~`` prefix, and the config's top-level keys, are Hydra overrides.

    Raises:
        ConfigError: an argument that is neither (naming the command's keys).
    """
    opts, overrides = dict(defaults), []
    for arg in argv:
        key, eq, value = arg.partition("=")
        if key in defaults and eq:
            opts[key] = _convert(key, value, defaults[key])
        elif eq and (key.startswith(("+", "~")) or "/" in key or "." in key
                     or key in PASS_THROUGH):
            overrides.append(arg)
        else:
            raise ConfigError(key, value if eq else arg,
                              "key=value with a key of " + ", ".join(defaults)
                              + ", or a Hydra override of the jobs (model.n_developers=2000, "
                                "scenario=..., hydra/launcher=...)")
    return opts, overrides


def _convert(key: str, value: str, default: Any) -> Any:
    """``value`` as the type of ``default`` (bool, int, float or text)."""
    try:
        if isinstance(default, bool):
            if value.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError(value)
            return value.lower() in ("true", "1", "yes")
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
    except ValueError:
        raise ConfigError(key, value, f"a {type(default).__name__}") from None
    return value


def names_list(text: str) -> list[str]:
    """A comma-separated option as a list (empty string -> empty list)."""
    return [t.strip() for t in str(text).split(",") if t.strip()]


def check_outcomes(names: Sequence[str]) -> list[str]:
    """Raise ConfigError for an unknown outcome name; return the names."""
    for name in names:
        if name not in OUTCOMES:
            raise ConfigError("outcomes", name, ", ".join(OUTCOMES))
    return list(names)


def folder_name(prefix: str, opts: dict[str, Any], overrides: Sequence[str]) -> str:
    """Output folder fixed by the command's arguments, so the same command resumes there."""
    keep = {k: v for k, v in opts.items() if k not in ("name", "out", "quiet")}
    text = json.dumps([keep, sorted(overrides)], sort_keys=True, default=str)
    return f"{prefix}-{hashlib.sha1(text.encode()).hexdigest()[:10]}"


def command_main(argv: list[str] | None, doc: str, work: Callable[[list[str]], Any],
                 render: Callable[[Any], str]) -> int:
    """Run ``work(argv)`` and print ``render(result)``; exit 2 on bad input, 1 on failure."""
    argv = sys.argv[1:] if argv is None else argv
    if any(a in ("-h", "--help") for a in argv):
        print(doc)
        return 0
    try:
        result = work(argv)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except RuntimeError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(render(result))
    return 0
