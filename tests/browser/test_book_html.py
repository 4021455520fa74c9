"""Browser tests of the built book: every page as an offline reader sees it.

Each page of ``_build/html`` is served from 127.0.0.1 and loaded once in
headless Chromium (browser_harness.py) with every request to another host blocked;
the tests below then check what it showed, one test per page and property:

* no console or script errors, no failed requests, nothing fetched from the network;
* maths typeset by the self-hosted MathJax, with no raw ``\\(``, ``\\[``, ``$$``
  or ``$x$`` left in the text (code excluded) and no TeX errors or undefined macros;
* every image loaded (lazy ones forced to load);
* no error output: no traceback, no error or stderr output area;
* on chapter pages, a Colab link to the chapter's notebook on GitHub, and exercise
  solutions hidden until the reader clicks them;
* on pages with saved widget state, the widgets rendered.

"Every page" means every ``.html`` file except Sphinx's search and index pages,
redirect stubs and the asset folders (``_static``, ``_images``, ``vendor``, ...);
see ``content_pages`` in browser_harness.py. Console errors listed in
``KNOWN_CONSOLE_ERRORS`` there (tool-chain bugs, each with its reason) are tolerated.

Build the book first (``python scripts/fetch_web_assets.py`` then
``jupyter-book build --all -W -n --keep-going .``); without a build the tests
skip, unless ``LTHBOOK_REQUIRE_HTML=1`` is set, as in CI, which makes them fail.
``LTHBOOK_HTML_DIR`` points them at another build. ``screenshot.py`` shows a
page the way these tests see it.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
import yaml
from browser_harness import (
    KNOWN_CONSOLE_ERRORS,
    PageReport,
    book_dir,
    content_pages,
    html_dir,
    settle,
    watch,
)

pytestmark = pytest.mark.browser

COLAB_URL = "https://colab.research.google.com"


def _report(reports: dict[str, PageReport], page_path: str | None) -> PageReport:
    assert page_path is not None  # the "no-book" parameter fails in site_url first
    return reports[page_path]


def _lines(items: list[str]) -> str:
    return "\n  " + "\n  ".join(items)


# --------------------------------------------------------------------- every page


def test_book_has_chapter_pages(site_url: str) -> None:
    pages = content_pages(html_dir())
    assert any(page.startswith("chapters/") for page in pages), (
        f"no page under chapters/ in {html_dir()}; pages found: {pages}"
    )


def test_no_console_errors(reports: dict[str, PageReport], page_path: str) -> None:
    errors = _report(reports, page_path).unexpected_errors()
    tolerated = "; ".join(pattern for pattern, _ in KNOWN_CONSOLE_ERRORS)
    assert not errors, f"errors in the browser console (tolerated: {tolerated}):{_lines(errors)}"


def test_no_failed_or_foreign_requests(reports: dict[str, PageReport], page_path: str) -> None:
    report = _report(reports, page_path)
    assert not report.foreign_requests, (
        "the page needs the network (these requests left 127.0.0.1 and were blocked):" + _lines(report.foreign_requests)
    )
    assert not report.failed_requests, f"requests that failed:{_lines(report.failed_requests)}"


def test_page_settles(reports: dict[str, PageReport], page_path: str) -> None:
    problems = _report(reports, page_path).settle_problems
    assert not problems, f"the page did not finish rendering:{_lines(problems)}"


def test_maths_is_typeset(reports: dict[str, PageReport], page_path: str) -> None:
    facts = _report(reports, page_path).facts
    problems = [f"raw TeX left in the text: {raw}" for raw in facts["rawMath"]]
    if facts["mathElements"] and not facts["mathJaxLoaded"]:
        problems.append(f"{facts['mathElements']} maths elements, but MathJax did not load")
    problems += [f"not typeset: {math}" for math in facts["untypesetMath"]]
    problems += [f"TeX error: {error}" for error in facts["mathErrors"]]
    if facts["mathElements"] and not facts["mjxContainers"]:
        problems.append("no maths typeset at all (no mjx-container)")
    assert not problems, f"maths problems:{_lines(problems)}"


def test_images_load(reports: dict[str, PageReport], page_path: str) -> None:
    images = _report(reports, page_path).facts["images"]
    broken = [
        f"{image['src']} ({'loaded, but empty' if image['complete'] else 'never finished'})"
        for image in images
        if not (image["complete"] and image["width"] > 0)
    ]
    assert not broken, f"{len(broken)} of {len(images)} images did not load:{_lines(broken)}"


def test_no_error_output(reports: dict[str, PageReport], page_path: str) -> None:
    outputs = _report(reports, page_path).facts["errorOutputs"]
    assert not outputs, f"error, traceback or stderr output on the page:{_lines(outputs)}"


# --------------------------------------------------------------------- chapters


def _repository() -> tuple[str, str, str, str]:
    """(owner, repo, branch, path_to_book) from the book's _config.yml, with
    Jupyter Book's defaults for the optional keys."""
    config_path = book_dir() / "_config.yml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    repository = config.get("repository") or {}
    url = repository.get("url")
    assert url, f"{config_path} has no repository.url"
    parts = [part for part in urllib.parse.urlsplit(url).path.split("/") if part]
    assert len(parts) == 2, f"repository.url {url!r} is not https://github.com/OWNER/REPO"
    owner, repo = parts[0], parts[1].removesuffix(".git")
    branch = str(repository.get("branch", "master"))
    path_to_book = str(repository.get("path_to_book", "") or "").strip("/")
    return owner, repo, branch, path_to_book


def test_chapter_has_colab_link(reports: dict[str, PageReport], chapter_path: str) -> None:
    owner, repo, branch, path_to_book = _repository()
    notebook = Path(chapter_path).with_suffix(".ipynb").as_posix()
    in_repo = f"{path_to_book}/{notebook}" if path_to_book else notebook
    expected = f"{COLAB_URL}/github/{owner}/{repo}/blob/{branch}/{in_repo}"
    links = _report(reports, chapter_path).facts["colabLinks"]
    assert expected in links, f"no Colab link {expected}; Colab links on the page: {links}"
    assert (book_dir() / notebook).is_file(), f"the Colab link points at {notebook}, not in the book"


def _release_tag() -> str:
    """Coursework links are pinned to the release tag, v + lthbook.__version__."""
    text = (book_dir() / "lthbook" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', text, flags=re.MULTILINE)
    assert match, "lthbook/__init__.py has no __version__"
    return "v" + match.group(1)


def test_chapter_links_its_student_version(reports: dict[str, PageReport], chapter_path: str) -> None:
    owner, repo, _, path_to_book = _repository()
    notebook = f"coursework/student/{Path(chapter_path).stem}.ipynb"
    in_repo = f"{path_to_book}/{notebook}" if path_to_book else notebook
    expected = f"{COLAB_URL}/github/{owner}/{repo}/blob/{_release_tag()}/{in_repo}"
    links = _report(reports, chapter_path).facts["colabLinks"]
    assert expected in links, f"no Colab link to the student version {expected}; Colab links: {links}"
    assert (book_dir() / notebook).is_file(), f"the link points at {notebook}, not in the repository"


def test_instructors_page_links_all_coursework_and_keeps_rubrics_out(browser: Any, site_url: str) -> None:
    """The instructors' page: a Colab link to every student notebook and problem set, and the table
    of problem sets read from the masters; the rubrics are not printed on this public page (issue 14:
    they are collected in coursework/private/RUBRICS.md), but the page says where they are."""
    owner, repo, _, _ = _repository()
    context = browser.new_context()
    try:
        page = context.new_page()
        url = site_url + "back/instructors.html"
        report = watch(context, page, url)
        page.goto(url, wait_until="load")
        settle(page, report)
        links = page.eval_on_selector_all('a[href*="colab.research.google.com"]', "els => els.map(a => a.href)")
        prefix = f"{COLAB_URL}/github/{owner}/{repo}/blob/{_release_tag()}/"
        students = sorted(p.name for p in (book_dir() / "coursework" / "student").glob("*.ipynb"))
        assignments = sorted(p.name for p in (book_dir() / "coursework" / "assignments").glob("*/*.ipynb"))
        assert len(students) == len(list((book_dir() / "chapters").glob("[0-9][0-9]_*.ipynb"))) and assignments
        for name in students:
            assert f"{prefix}coursework/student/{name}" in links, name
        for name in assignments:
            assert f"{prefix}coursework/assignments/{Path(name).stem}/{name}" in links, name
        text = page.inner_text("main")
        assert "Rubric (" not in text, "a rubric of a free-text question is printed on the public page"
        assert "coursework/private/RUBRICS.md" in text, "the page says where the rubrics are"
        table = page.locator("table", has_text="autograded")
        assert table.count() == 1 and table.locator("tbody tr").count() == len(assignments)
    finally:
        context.close()


def test_chapter_solutions_hidden_until_clicked(browser: Any, site_url: str, chapter_path: str) -> None:
    """Each exercise solution is a dropdown: hidden on load, shown by a click on its title."""
    context = browser.new_context()
    try:
        page = context.new_page()
        url = site_url + chapter_path
        report = watch(context, page, url)
        page.goto(url, wait_until="load")
        settle(page, report)
        solutions = page.locator("div.solution")
        count = solutions.count()
        assert count > 0, "the chapter has no exercise solution (sphinx-exercise {solution})"
        for index in range(count):
            solution = solutions.nth(index)
            title = solution.locator(".admonition-title").first
            name = " ".join(title.inner_text().split()) or f"solution {index + 1}"
            classes = (solution.get_attribute("class") or "").split()
            assert "dropdown" in classes, f"{name!r} is not a dropdown (add :class: dropdown)"
            body = solution.locator(":scope > :not(.admonition-title)")
            assert body.count() > 0, f"{name!r} is empty"
            shown = [i for i in range(body.count()) if body.nth(i).is_visible()]
            assert not shown, f"{name!r} is visible before it is clicked"
            title.click()
            body.first.wait_for(state="visible", timeout=5000)
    finally:
        context.close()


# --------------------------------------------------------------------- widgets


def test_widgets_render(reports: dict[str, PageReport], widget_page_path: str) -> None:
    facts = _report(reports, widget_page_path).facts
    assert facts["widgetViews"] > 0, "widget state is saved but no widget is displayed"
    assert facts["jupyterWidgets"] > 0, "saved widgets did not render (.jupyter-widgets)"
    assert facts["widgetViewsRendered"] == facts["widgetViews"], (
        f"only {facts['widgetViewsRendered']} of {facts['widgetViews']} widgets rendered"
    )


def test_widget_views_have_state(reports: dict[str, PageReport], page_path: str) -> None:
    """A widget shown without saved state renders as nothing (run the notebook
    with widget state saved)."""
    facts = _report(reports, page_path).facts
    if facts["widgetViews"]:
        assert facts["widgetStates"] > 0, (
            f"{facts['widgetViews']} widgets displayed but no widget state saved in the page"
        )
