#!/usr/bin/env python3
"""Take a full-page screenshot of one page of the built book, as the browser tests see it.

Usage:
    python tests/browser/screenshot.py chapters/01_strong_lottery_tickets.html out.png
        [--html-dir DIR] [--width 1280] [--open-solutions] [--click SELECTOR]

The page is served from 127.0.0.1 and loaded in the same headless Chromium, with
the same network blocking and the same waiting (MathJax, widgets, images) as the
tests. Console errors, failed and blocked requests are listed on stderr.
``--open-solutions`` clicks every exercise solution open before the screenshot.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser_harness import (  # noqa: E402
    VIEWPORT,
    html_dir,
    launch_chromium,
    serve_directory,
    settle,
    watch,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page", help="page path relative to the HTML folder, e.g. intro.html")
    parser.add_argument("output", type=Path, help="PNG file to write")
    parser.add_argument("--html-dir", type=Path, default=None, help=f"built site (default: {html_dir()})")
    parser.add_argument("--width", type=int, default=VIEWPORT["width"], help="viewport width")
    parser.add_argument("--open-solutions", action="store_true", help="click every solution open first")
    parser.add_argument(
        "--click",
        default=None,
        help="CSS selector: click its first visible match first "
        "(e.g. .primary-toggle to open the navigation drawer); the screenshot is then "
        "of the window only, not the full page",
    )
    args = parser.parse_args(argv)

    if args.html_dir is not None:
        os.environ["LTHBOOK_HTML_DIR"] = str(args.html_dir.resolve())
    root = html_dir()
    page_path = args.page.lstrip("/")
    if not (root / page_path).is_file():
        print(f"error: no page {page_path} in {root}", file=sys.stderr)
        return 2

    with serve_directory(root) as site_url, launch_chromium() as browser:
        context = browser.new_context(viewport={**VIEWPORT, "width": args.width})
        try:
            page = context.new_page()
            url = site_url + page_path
            report = watch(context, page, url)
            page.goto(url, wait_until="load")
            settle(page, report)
            if args.open_solutions:
                titles = page.locator("div.solution.dropdown > .admonition-title")
                for index in range(titles.count()):
                    titles.nth(index).click()
                page.wait_for_timeout(500)  # the toggle animation
            # Back to the top, nothing focused: the sticky header and the
            # "skip to main content" link would otherwise show mid-page.
            page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
            if args.click:
                page.locator(args.click).locator("visible=true").first.click()
                page.wait_for_timeout(600)  # the drawer's animation
            args.output.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.output), full_page=not args.click)
        finally:
            context.close()

    problems = (
        [f"console: {message}" for message in report.console_errors]
        + [f"uncaught: {message}" for message in report.page_errors]
        + [f"failed: {request}" for request in report.failed_requests]
        + [f"blocked (not local): {request}" for request in report.foreign_requests]
        + [f"not settled: {problem}" for problem in report.settle_problems]
    )
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"wrote {args.output} ({page_path}, {len(problems)} problems)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
