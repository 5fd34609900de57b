"""Start the interactive explorer (Mesa SolaraViz page) in a local web server.

    python -m experiments.explore                      # http://127.0.0.1:8765/
    python -m experiments.explore --port 9000
    python -m experiments.explore --host 0.0.0.0       # reachable from other machines

The server listens on 127.0.0.1 (this machine only) unless ``--host`` says otherwise. It runs
``solara run study.explorer.app`` in production mode (no code reloading; ``--dev`` turns reloading
on for work on the page itself). The page needs the ``viz`` extra: ``pip install -e ".[viz]"``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from typing import Sequence

APP = "study.explorer.app"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options of the launcher."""
    parser = argparse.ArgumentParser(prog="python -m experiments.explore",
                                     description="Serve the openmarket-sim explorer page.")
    parser.add_argument("--host", default=DEFAULT_HOST,
                        help="interface to listen on (default %(default)s: this machine only; "
                             "0.0.0.0 listens on all interfaces)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help="TCP port (default %(default)s)")
    parser.add_argument("--dev", action="store_true",
                        help="restart the server when the page's code changes")
    return parser.parse_args(argv)


def solara_command(host: str, port: int, dev: bool = False) -> list[str]:
    """The ``solara run`` command line that serves the page."""
    # The host is always passed explicitly: solara would otherwise read $HOST, which some
    # shells set to the machine's name, and silently listen on a public interface.
    # --no-check-version: solara would otherwise ask a package index for a newer release at
    # every start (slow or failing offline; nothing the page needs).
    cmd = [sys.executable, "-m", "solara", "run", APP, "--host", host, "--port", str(port),
           "--no-open", "--no-check-version"]
    return cmd + (["--auto-restart"] if dev else ["--production"])


def banner(host: str, port: int) -> str:
    """What the launcher prints: the address and how to change where it listens."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    lines = [f"openmarket-sim explorer: http://{shown}:{port}/"]
    if host in ("127.0.0.1", "localhost", "::1"):
        lines.append("Listening on this machine only. To serve other machines: "
                     "python -m experiments.explore --host 0.0.0.0 "
                     "(or make explore EXPLORE_ARGS=\"--host 0.0.0.0\"); "
                     "other port: --port N.")
    else:
        lines.append(f"Listening on {host}: anyone who can reach this port can run simulations "
                     "here. Use --host 127.0.0.1 to restrict it to this machine.")
    lines.append("Stop with Ctrl-C.")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    """Print the address and replace this process with the Solara server."""
    args = parse_args(argv)
    if importlib.util.find_spec("solara") is None:
        sys.exit("The explorer needs the viz extra: pip install -e \".[viz]\"")
    print(banner(args.host, args.port), flush=True)
    # Solara's usage telemetry is on by default; a local research tool should not phone home.
    # Solara's "This website runs on Solara" banner is fixed at the bottom right, over the page.
    env = dict(os.environ, PYTHONUNBUFFERED="1", SOLARA_TELEMETRY_MIXPANEL_ENABLE="False",
               SOLARA_THEME_SHOW_BANNER="False", SOLARA_THEME_TITLE="openmarket-sim explorer")
    # exec, not a child process: Ctrl-C and a test's terminate() reach the server directly.
    cmd = solara_command(args.host, args.port, args.dev)
    os.execve(cmd[0], cmd, env)


if __name__ == "__main__":
    main()
