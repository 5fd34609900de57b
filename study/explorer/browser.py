"""Serve the explorer and drive it in headless Chromium: shared by the browser test and benchmark.

* :func:`serve`: start ``python -m experiments.explore`` on a free localhost port, yield its
  address, stop it (its own process group) afterwards;
* :func:`launch`: Debian's ``/usr/bin/chromium`` through Playwright, with the flags an offline,
  sandbox-less machine needs (never a browser downloaded by Playwright);
* :func:`wait_for_month`: wait until the page says a month finished rendering. Each card marks
  the model step it shows in a ``data-step`` attribute (:mod:`study.explorer.components`), so
  callers wait for state, never for a fixed time; :func:`wait_for_new_model` likewise waits
  for the model that Reset builds (``data-model``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--no-proxy-server"]
#: Waits are for state, bounded generously so a loaded machine is slow rather than failing.
STATE_TIMEOUT_MS = 120_000


class ServerError(RuntimeError):
    """The explorer server exited or never answered; the message holds its log."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_serving(url: str, proc: subprocess.Popen, log: Path, timeout_s: float) -> None:
    # No proxy: a proxy from the environment must not intercept the local server.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServerError(f"explorer server exited ({proc.returncode}):\n{log.read_text()}")
        with contextlib.suppress(OSError):
            with opener.open(url, timeout=2) as response:
                if response.status == 200:
                    return
        time.sleep(0.3)  # polling a socket that is not open yet, not waiting for the page
    raise ServerError(f"explorer server did not answer within {timeout_s} s:\n{log.read_text()}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@contextlib.contextmanager
def serve(log: Path, timeout_s: float = 120) -> Iterator[str]:
    """Run the project's launcher on a free localhost port; yield the page's address."""
    port = free_port()
    with open(log, "w") as out:
        # Own session: stopping signals the server (exec'd by the launcher) and nothing else.
        proc = subprocess.Popen([sys.executable, "-m", "experiments.explore", "--port", str(port)],
                                cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        _wait_until_serving(url, proc, log, timeout_s)
        yield url
    finally:
        _stop(proc)


def launch(playwright, executable: Path = CHROMIUM):
    """Headless Chromium (Debian's) through a started ``sync_playwright()``."""
    return playwright.chromium.launch(executable_path=str(executable), headless=True,
                                      args=CHROMIUM_FLAGS)


#: Cards that mark the step they show: key numbers, lab table, four charts.
MARKED_CARDS = 6


def wait_for_month(page, step: int, timeout_ms: int = STATE_TIMEOUT_MS,
                   at_least: bool = False) -> int:
    """Wait until every card shows model step ``step`` and every chart image has decoded.

    With ``at_least``, every card must have drawn ``step`` or a later one (while playing, the
    cards update one after another and a poll rarely sees them all on one month). Returns the
    step shown (the earliest one among the cards).
    """
    handle = page.wait_for_function(
        "([s, n, atLeast]) => { const marked = [...document.querySelectorAll('[data-step]')];"
        " const imgs = [...document.querySelectorAll('img.explorer-chart-img')];"
        " const steps = marked.map(e => Number(e.dataset.step));"
        " const shown = steps.length ? Math.min(...steps) : -1;"
        " const ok = marked.length === n"
        " && (atLeast ? shown >= s : steps.every(x => x === s))"
        " && imgs.length === 4 && imgs.every(i => i.complete && i.naturalWidth > 100);"
        " return ok ? shown + 1 : 0; }",
        arg=[step, MARKED_CARDS, at_least], timeout=timeout_ms)
    return int(handle.json_value()) - 1


def model_serial(page) -> str:
    """Serial number of the model the page shows (``data-model``; Reset builds a new one)."""
    return page.locator("[data-model]").first.get_attribute("data-model")


def wait_for_new_model(page, old: str, timeout_ms: int = STATE_TIMEOUT_MS) -> None:
    """Wait until the page shows a model other than ``old``, drawn at step 0."""
    page.wait_for_function(
        "old => { const e = document.querySelector('[data-model]');"
        " return e && e.dataset.model !== old; }", arg=old, timeout=timeout_ms)
    wait_for_month(page, 0, timeout_ms)
