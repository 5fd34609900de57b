"""Reading ``experiments.run``'s command line before Hydra does: overrides, multirun, sweep name.

Standard library only: the command reads its arguments before it imports anything heavy.
"""

from __future__ import annotations

import hashlib

#: Hydra flags that take a value (the value is not an override).
_VALUED_FLAGS = {"--cfg", "-c", "--package", "-p", "--config-path", "-cp", "--config-name", "-cn",
                 "--config-dir", "-cd", "--experimental-rerun", "--info", "-i"}
#: Flags that make Hydra print something instead of running (nothing to check beforehand).
INFO_FLAGS = ("--help", "-h", "--hydra-help", "--info", "-i")
#: Overrides that name a sweep's folder themselves.
_NAMING_KEYS = ("output.sweep_name", "hydra.sweep.dir", "sweep")


def split_argv(argv: list[str]) -> tuple[list[str], bool]:
    """Separate Hydra's flags from the overrides; return (overrides, is_multirun)."""
    overrides, multirun, skip = [], False, False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ("-m", "--multirun"):
            multirun = True
        elif arg in _VALUED_FLAGS:
            skip = arg not in ("--info", "-i")
        elif not arg.startswith("-"):
            overrides.append(arg)
    return overrides, multirun


def sweep_name(overrides: list[str]) -> str:
    """A folder name fixed by the sweep's overrides, so the same command resumes the same sweep."""
    digest = hashlib.sha1(" ".join(sorted(overrides)).encode()).hexdigest()[:10]
    return f"sweep-{digest}"


def sweep_name_override(overrides: list[str], multirun: bool) -> str | None:
    """``output.sweep_name=<name>`` for a sweep whose overrides do not name its folder, or None."""
    named = any(o.split("=", 1)[0].lstrip("+") in _NAMING_KEYS for o in overrides)
    return f"output.sweep_name={sweep_name(overrides)}" if multirun and not named else None
