"""Screenshot a portcheck HTML report in Debian's headless chromium (never a downloaded browser).

    python tools/screenshot_report.py REPORT.html OUT.png [--full] [--width 1440] [--height 900] [--dark]
        [--hash finding-<id>|file-<path>]

Needs Playwright's Python package (`pip install -e '.[test]'`) and /usr/bin/chromium (`apt-get install chromium`).
Every request that is not a file:// URL is aborted and reported, so the screenshot also proves the page is offline.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

CHROMIUM = os.environ.get("PORTCHECK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def screenshot(report: Path, out: Path, width: int = 1440, height: int = 900, full: bool = False,
               dark: bool = False, fragment: str = "") -> list[str]:
    """Save a PNG of the report; return the problems seen (console errors, page errors, network requests)."""
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": width, "height": height},
                                    color_scheme="dark" if dark else "light")

            def guard(route):
                if route.request.url.startswith("file://"):
                    route.continue_()
                else:
                    problems.append(f"network request: {route.request.url}")
                    route.abort()

            page.route("**/*", guard)
            page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
            url = report.resolve().as_uri() + (f"#{fragment}" if fragment else "")
            page.goto(url)
            page.wait_for_selector("html[data-ready]")
            page.screenshot(path=str(out), full_page=full)
        finally:
            browser.close()
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("report", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--width", type=int, default=1440)
    ap.add_argument("--height", type=int, default=900)
    ap.add_argument("--full", action="store_true", help="the whole page, not only the first screen")
    ap.add_argument("--dark", action="store_true", help="prefers-color-scheme: dark")
    ap.add_argument("--hash", default="", help="open at this fragment, e.g. finding-<id>")
    args = ap.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"screenshot_report: {CHROMIUM} not found; install Debian's chromium (apt-get install chromium)",
              file=sys.stderr)
        return 2
    if not args.report.is_file():
        print(f"screenshot_report: {args.report}: no such file", file=sys.stderr)
        return 2
    problems = screenshot(args.report, args.out, args.width, args.height, args.full, args.dark, args.hash)
    for p in problems:
        print(f"screenshot_report: {p}", file=sys.stderr)
    print(f"wrote {args.out}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
