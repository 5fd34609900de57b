"""Benchmark: the explorer page in headless Chromium, first render and seconds per played month.

    python -m benchmarks.bench_explorer [--repeats 5] [--months 30]

Starts the explorer with the project's launcher (:func:`study.explorer.browser.serve`), then, for
each repeat, opens the page in a fresh tab at 1280x720 and measures

* the time to first render: from ``page.goto`` until every card shows step 0 and every chart
  image has decoded (:func:`study.explorer.browser.wait_for_month`);
* seconds per stepped month: pressing Step until the next month is drawn (five times), which
  is what a month of play costs when the page draws every month;
* seconds per played month: from pressing Play until ``--months`` more months (or more) are
  drawn, divided by the months played. Mesa's play loop steps the model in a thread, so on a
  busy machine the page may skip drawing some months and this figure falls below the stepped
  one.

The first tab after the server starts is reported apart (it pays for the server's first
session). Prints medians and ranges with the machine's load average before and after, since
absolute times on a shared machine vary severalfold with load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from study.explorer import browser


STEPS = 5  # Step clicks per tab, each until the month is drawn


def _measure(chrome, url: str, months: int) -> tuple[float, float, float]:
    """One fresh tab: seconds to first render, per stepped month, per played month."""
    page = chrome.new_page(viewport={"width": 1280, "height": 720})
    try:
        start = time.perf_counter()
        page.goto(url)
        browser.wait_for_month(page, 0)
        first = time.perf_counter() - start
        start = time.perf_counter()
        for month in range(1, STEPS + 1):
            page.get_by_role("button", name="Step").click()
            browser.wait_for_month(page, month)
        stepped = (time.perf_counter() - start) / STEPS
        start = time.perf_counter()
        page.get_by_role("button", name="▶").click()
        reached = browser.wait_for_month(page, STEPS + months, at_least=True) - STEPS
        per_month = (time.perf_counter() - start) / reached
        print(f"tab: first render {first:.2f} s, {STEPS} steps {stepped * STEPS:.2f} s, "
              f"{reached} months played in {per_month * reached:.2f} s", file=sys.stderr)
        pause = page.get_by_role("button", name="❚❚")
        if pause.is_enabled():  # disabled once the run has reached its horizon
            pause.click()
        return first, stepped, per_month
    finally:
        page.close()


def _summary(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def main(argv: list[str] | None = None) -> int:
    """Serve the page, measure ``--repeats`` tabs, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--months", type=int, default=30)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp, browser.serve(Path(tmp) / "server.log") as url, \
            sync_playwright() as pw:
        chrome = browser.launch(pw)
        try:
            runs = [_measure(chrome, url, args.months) for _ in range(args.repeats + 1)]
        finally:
            chrome.close()
    load_after = os.getloadavg()[0]
    cold, warm = runs[0], runs[1:]
    print(f"machine: {os.cpu_count()} cores, 1-min load average {load_before:.1f} before, "
          f"{load_after:.1f} after; {args.repeats} tabs after a first one, "
          f"{args.months} months played in each")
    print("| measure | first tab (s) | later tabs: median (range) (s) |")
    print("|---|---|---|")
    for k, name in enumerate(("first render", "one stepped month", "one played month")):
        print(f"| {name} | {cold[k]:.2f} | {_summary([run[k] for run in warm])} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
