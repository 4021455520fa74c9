"""Fixtures for the browser tests of the built book (see test_book_html.py).

The work is done in browser_harness.py, which screenshot.py shares. Settings are
environment variables, described there: LTHBOOK_HTML_DIR, LTHBOOK_BOOK_DIR,
LTHBOOK_REQUIRE_HTML=1 (CI: fail instead of skipping when the book is not
built), LTHBOOK_CHROMIUM.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Make browser_harness importable whatever pytest's import mode.
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from browser_harness import (  # noqa: E402
    PageReport,
    chapter_pages,
    content_pages,
    html_dir,
    launch_chromium,
    missing_prerequisite,
    require_html,
    serve_directory,
    visit,
    widget_pages,
)

# Parametrised arguments: name -> the pages it takes.
_PAGE_ARGUMENTS = {
    "page_path": lambda root, pages: pages,
    "chapter_path": lambda root, pages: chapter_pages(pages),
    "widget_page_path": widget_pages,
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrise page arguments with the pages of the built book, so that a
    failure names its page."""
    for name, select in _PAGE_ARGUMENTS.items():
        if name not in metafunc.fixturenames:
            continue
        problem = missing_prerequisite()
        if problem is not None:
            marks = [] if require_html() else [pytest.mark.skip(reason=problem)]
            metafunc.parametrize(name, [pytest.param(None, marks=marks, id="no-book")])
            continue
        root = html_dir()
        selected = select(root, content_pages(root))
        metafunc.parametrize(name, selected, ids=selected)


@pytest.fixture(scope="session")
def site_url() -> Iterator[str]:
    """Base URL of the built book, served from 127.0.0.1 for the whole session."""
    problem = missing_prerequisite()
    if problem is not None:
        if require_html():
            pytest.fail(f"LTHBOOK_REQUIRE_HTML is set but {problem}")
        pytest.skip(problem)
    with serve_directory(html_dir()) as url:
        yield url


@pytest.fixture(scope="session")
def browser(site_url: str) -> Iterator[Any]:
    """Headless Chromium for the whole session."""
    with launch_chromium() as chromium:
        yield chromium


@pytest.fixture(scope="session")
def reports(browser: Any, site_url: str) -> dict[str, PageReport]:
    """Reports by page path; each page is loaded once, when a test first asks."""

    class _Reports(dict):
        def __missing__(self, page_path: str) -> PageReport:
            self[page_path] = visit(browser, site_url + page_path)
            return self[page_path]

    return _Reports()
