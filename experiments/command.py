"""The shared shape of the analysis commands' ``main``: help, run, report or one-line error."""

from __future__ import annotations

import sys
from typing import Any, Callable

from sim.validate import ConfigError


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
