"""The ``openmarket`` console script: one entry point for the project's commands.

    openmarket run scenario=alibaba_closes seed=3        # = python -m experiments.run ...
    openmarket run -m +sweep=all_scenarios               # the standard study
    openmarket sensitivity method=morris n=20            # = python -m experiments.sensitivity ...
    openmarket --help                                    # the list of commands

Each command is the module ``python -m experiments.<module>`` runs, started the same way (as
``__main__``, with the rest of the command line), so the two spellings behave identically,
including the sweep's fork server, which starts first thing.
"""

from __future__ import annotations

import runpy
import sys

#: command -> (module, what it does)
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("experiments.run", "one run, or with -m a sweep (scenarios x seeds x parameters)"),
    "collect": ("experiments.collect", "gather a sweep folder into one table and figures"),
    "rerun": ("experiments.rerun", "re-run a stored run and check it reproduces"),
    "sensitivity": ("experiments.sensitivity", "global sensitivity analysis (Sobol, Morris)"),
    "discover": ("experiments.discover", "scenario discovery (PRIM boxes)"),
    "calibrate": ("experiments.calibrate", "fit parameters to the 2025 patterns"),
    "validate": ("experiments.validate_report", "check configs against the 2025 patterns"),
    "explore": ("experiments.explore", "the browser explorer"),
    "parameters": ("experiments.parameters_doc", "write docs/PARAMETERS.md"),
}


def usage() -> str:
    """The help text: every command with what it does."""
    width = max(map(len, COMMANDS))
    lines = ["usage: openmarket COMMAND [ARGS...]   (openmarket COMMAND --help for its options)",
             "", "commands:"]
    lines += [f"  {name:<{width}}  {what}" for name, (_, what) in COMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run ``openmarket COMMAND ARGS...`` as ``python -m <module> ARGS...``."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(usage())
        return 0
    name, rest = argv[0], argv[1:]
    if name not in COMMANDS:
        print(f"error: unknown command {name!r}; allowed: {', '.join(COMMANDS)}",
              file=sys.stderr)
        return 2
    module = COMMANDS[name][0]
    sys.argv = [f"openmarket {name}", *rest]
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as done:  # the commands end with sys.exit(main())
        code = done.code
        if code is None or isinstance(code, int):
            return code or 0
        print(code, file=sys.stderr)  # sys.exit("message"), as Python itself would print it
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
