"""Time the HTML report of N findings (default 20,000): portcheck rendering it, and a real browser loading it.

    python benchmarks/bench_html.py [--findings 20000] [--runs 5] [--report scan.json]

Without --report the document is the test suite's synthetic one (real table rows, hand-made findings, N extra
findings spread over many files and symbols); with --report it is a saved `portcheck scan -f json` report.
Two figures, median of --runs:
- render: `portcheck render` of the JSON report to HTML in a fresh process (start-up, reading the JSON, Jinja2,
  writing the file): what a user waits for after the scan;
- browser: Debian's headless chromium (Playwright) from navigation until the report's script has built its
  tables and set `data-ready` (first 100 rows shown, filters live).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("PORTCHECK_CHROMIUM", "/usr/bin/chromium")


def synthetic_report(n: int, out: Path) -> int:
    sys.path.insert(0, str(ROOT))
    from portcheck.reporters import json_report, write_output
    from tests.regen_gold import synthetic_document

    doc = synthetic_document(extra=n)
    write_output(json_report.render_chunks(doc), str(out))
    return len(doc["findings"])


def time_render(portcheck: str, report: Path, html: Path, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([portcheck, "render", str(report), "-f", "html", "-o", str(html)], check=True,
                       capture_output=True)
        times.append(time.perf_counter() - t0)
    return times


def time_browser(html: Path, runs: int, expected: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"])
        try:
            for _ in range(runs):
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                t0 = time.perf_counter()
                page.goto(html.as_uri())
                page.wait_for_selector(f"html[data-ready='{expected}']", timeout=60_000)
                times.append(time.perf_counter() - t0)
                page.close()
        finally:
            browser.close()
    return times


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--findings", type=int, default=20_000, help="extra synthetic findings (no --report)")
    ap.add_argument("--report", type=Path, help="a saved JSON report to render instead")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--portcheck", default="portcheck")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-html-") as tmp:
        work = Path(tmp)
        report = args.report or work / "report.json"
        if args.report is None:
            total = synthetic_report(args.findings, report)
        else:
            total = len(json.loads(report.read_text(encoding="utf-8"))["findings"])
        html = work / "report.html"
        render = time_render(args.portcheck, report, html, args.runs)
        size = html.stat().st_size
        browser = time_browser(html, args.runs, total)
    print("| findings | HTML MB | render s (median, min-max) | browser to ready s (median, min-max) |")
    print("|---:|---:|---|---|")
    print(f"| {total:,} | {size / 1e6:.1f} | {statistics.median(render):.2f} ({min(render):.2f}-{max(render):.2f}) | "
          f"{statistics.median(browser):.2f} ({min(browser):.2f}-{max(browser):.2f}) |")
    print(f"\n{args.runs} runs each; {os.cpu_count()} cores, load average at the end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
