"""Benchmark: the explorer page in headless Chromium, first render and seconds per played month.

    python -m benchmarks.bench_explorer [--repeats 5] [--months 30]

Starts the explorer with the project's launcher (:func:`study.explorer.browser.serve`), then, for
each repeat, opens the page in a fresh tab at 1280x720 and measures

* the time to first render: from ``page.goto`` until every card shows step 0 and every chart
  image has decoded (:func:`study.explorer.browser.wait_for_month`);
* seconds per played month: from pressing Play until month ``--months`` is drawn, divided by
  the number of months.

The first tab after the server starts is reported apart (it pays for the server's first
session). Prints medians and ranges with the machine's load average before and after, since
absolute times on a shared machine vary severalfold with load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from study.explorer import browser


def _measure(chrome, url: str, months: int) -> tuple[float, float]:
    """One fresh tab: (seconds to first render, seconds per played month)."""
    page = chrome.new_page(viewport={"width": 1280, "height": 720})
    try:
        start = time.perf_counter()
        page.goto(url)
        browser.wait_for_month(page, 0)
        first = time.perf_counter() - start
        start = time.perf_counter()
        page.get_by_role("button", name="▶").click()
        browser.wait_for_month(page, months)
        per_month = (time.perf_counter() - start) / months
        page.get_by_role("button", name="❚❚").click()
        return first, per_month
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
    (cold_first, cold_month), warm = runs[0], runs[1:]
    print(f"machine: {os.cpu_count()} cores, 1-min load average {load_before:.1f} before, "
          f"{load_after:.1f} after; {args.repeats} tabs after a first one, "
          f"{args.months} months played in each")
    print("| measure | first tab (s) | later tabs: median (range) (s) |")
    print("|---|---|---|")
    print(f"| first render | {cold_first:.2f} | {_summary([f for f, _ in warm])} |")
    print(f"| one played month | {cold_month:.2f} | {_summary([m for _, m in warm])} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
