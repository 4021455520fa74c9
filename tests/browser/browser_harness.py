"""Serve the built book and drive Chromium over it: shared by the browser tests
(conftest.py, test_book_html.py) and screenshot.py.

The tests load every page of ``_build/html`` in Debian's Chromium through
Playwright, over HTTP from 127.0.0.1, with every request to another host
blocked (and recorded), so they see exactly what a reader without network sees.

Settings, all through the environment (a pytest option added by a conftest
below tests/ is not registered when pytest starts from the repository root):

``LTHBOOK_HTML_DIR``
    the built site (default: ``<repo>/_build/html``).
``LTHBOOK_BOOK_DIR``
    the book's source folder, holding ``_config.yml`` and ``chapters/``
    (default: two levels above the HTML folder when ``_config.yml`` is there,
    else the repository root).
``LTHBOOK_REQUIRE_HTML=1``
    fail, instead of skipping, when the HTML, Playwright or Chromium is missing.
    The CI test command sets it.
``LTHBOOK_CHROMIUM``
    the Chromium executable (default: ``/usr/bin/chromium``, else ``chromium``
    or ``chromium-browser`` on the PATH). Playwright's own browser download is
    not used.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]

CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
VIEWPORT = {"width": 1280, "height": 900}

# Files that are not pages of the book: Sphinx's generated index and search
# pages (no content of ours, and search.html builds its results with scripts).
NON_CONTENT_PAGES = frozenset({"search.html", "genindex.html", "py-modindex.html"})
# Top-level folders that hold assets, not pages: Sphinx's _static, _sources,
# _images, _downloads, _modules (source listings) and our self-hosted vendor/.
NON_CONTENT_DIRS = frozenset({"vendor"})

# Console errors that come from known bugs of the tool chain, not from the book.
# Each entry: (regular expression on the message, why it is tolerated).
# Console errors tolerated on every page (pattern, reason). None: the book's local extension
# _ext/dedupe_inline_js.py removes the one Sphinx 7.4 used to cause.
KNOWN_CONSOLE_ERRORS: tuple[tuple[str, str], ...] = ()

# Seconds to wait for each stage of a page to settle.
LOAD_TIMEOUT_S = 30
MATHJAX_TIMEOUT_S = 30
WIDGETS_TIMEOUT_S = 20
IMAGES_TIMEOUT_S = 20


# --------------------------------------------------------------------------- paths


def require_html() -> bool:
    """True when missing prerequisites must fail the tests instead of skipping them."""
    return os.environ.get("LTHBOOK_REQUIRE_HTML", "").strip().lower() in {"1", "true", "yes"}


def html_dir() -> Path:
    """The folder of the built site."""
    configured = os.environ.get("LTHBOOK_HTML_DIR")
    return Path(configured).resolve() if configured else REPO_ROOT / "_build" / "html"


def book_dir() -> Path:
    """The folder that holds the book's ``_config.yml``."""
    configured = os.environ.get("LTHBOOK_BOOK_DIR")
    if configured:
        return Path(configured).resolve()
    candidate = html_dir().parent.parent
    return candidate if (candidate / "_config.yml").is_file() else REPO_ROOT


def chromium_executable() -> str | None:
    """Path of the Chromium to drive, or None when none is installed."""
    configured = os.environ.get("LTHBOOK_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


def is_redirect_stub(path: Path) -> bool:
    """True for pages that only redirect elsewhere (Jupyter Book's index.html)."""
    head = path.read_text(encoding="utf-8", errors="replace")[:2000].lower()
    return 'http-equiv="refresh"' in head


def content_pages(root: Path) -> list[str]:
    """Every page of the book, as paths relative to `root` with '/' separators.

    Kept out: the non-content pages and asset folders named above, folders whose
    name starts with '_' or '.', and redirect stubs.
    """
    pages = []
    for path in sorted(root.rglob("*.html")):
        rel = path.relative_to(root)
        top = rel.parts[0]
        if len(rel.parts) > 1 and (top.startswith(("_", ".")) or top in NON_CONTENT_DIRS):
            continue
        if rel.as_posix() in NON_CONTENT_PAGES or is_redirect_stub(path):
            continue
        pages.append(rel.as_posix())
    return pages


def missing_prerequisite() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    root = html_dir()
    if not (root / "index.html").is_file() and not any(root.glob("*.html")):
        return (
            f"no built book in {root}: run `python scripts/fetch_web_assets.py` and "
            "`jupyter-book build --all -W -n --keep-going .` first "
            "(or point LTHBOOK_HTML_DIR at a build)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed"
    if chromium_executable() is None:
        return "no Chromium found (install Debian's chromium or set LTHBOOK_CHROMIUM)"
    return None


# --------------------------------------------------------------------------- server


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@contextlib.contextmanager
def serve_directory(root: Path) -> Iterator[str]:
    """Serve `root` over HTTP on 127.0.0.1 (a free port) and yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="book-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def launch_chromium() -> Iterator[Any]:
    """Start headless Chromium through Playwright and yield the Browser."""
    from playwright.sync_api import sync_playwright

    executable = chromium_executable()
    if executable is None:
        raise RuntimeError("no Chromium found (install Debian's chromium or set LTHBOOK_CHROMIUM)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=list(CHROMIUM_ARGS))
        try:
            yield browser
        finally:
            browser.close()


# --------------------------------------------------------------------------- one page


@dataclass
class PageReport:
    """What a page did while it loaded and settled, and what it showed then."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    settle_problems: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)  # from _FACTS_JS

    def unexpected_errors(self) -> list[str]:
        """Console and script errors, minus the documented known ones."""
        errors = [f"console: {m}" for m in self.console_errors]
        errors += [f"uncaught: {m}" for m in self.page_errors]
        return [e for e in errors if not any(re.search(p, e) for p, _ in KNOWN_CONSOLE_ERRORS)]


def _is_local(url: str) -> bool:
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme in {"data", "blob", "about", "chrome-error"}:
        return True
    return parsed.hostname in {"127.0.0.1", "localhost"}


def _is_browser_noise(url: str) -> bool:
    """Requests the browser makes on its own, not the page (the tab icon)."""
    return urllib.parse.urlsplit(url).path == "/favicon.ico"


# Resolves when MathJax has finished every typesetting pass queued so far (the
# widget shim in vendor/widgets-config.js chains onto startup.promise too), or
# says why not. null: no MathJax on the page.
_WAIT_FOR_MATHJAX_JS = """
async (timeoutMs) => {
  const mj = window.MathJax;
  if (!mj) return null;
  if (!mj.startup || !mj.startup.promise) return "MathJax did not start (no startup.promise)";
  const timeout = new Promise((resolve) =>
    setTimeout(() => resolve(`MathJax did not finish typesetting in ${timeoutMs} ms`), timeoutMs));
  const done = (async () => {
    let seen;
    do { seen = mj.startup.promise; await seen; } while (seen !== mj.startup.promise);
    return "ok";
  })().catch((error) => `MathJax failed: ${error}`);
  return Promise.race([done, timeout]);
}
"""

# html-manager renders each widget-view script into a div.widget-subarea that it
# inserts just before the script.
_WIDGETS_RENDERED_JS = """
() => [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')]
  .every((view) => {
    const area = view.previousElementSibling;
    return area && area.classList.contains("widget-subarea") && area.childElementCount > 0;
  })
"""

_IMAGES_EAGER_JS = """
() => {
  for (const img of document.images) {
    if (img.loading === "lazy") img.loading = "eager";
  }
  window.scrollTo(0, document.body.scrollHeight);
  window.scrollTo(0, 0);
}
"""

# Everything the per-page tests check, read from the settled page in one go.
# Text searches run on a copy of <body> without code, scripts and typeset maths,
# and include hidden parts (collapsed solutions).
_FACTS_JS = r"""
() => {
  const snippet = (text, at = 0) =>
    text.slice(Math.max(0, at - 50), at + 70).replace(/\s+/g, " ").trim();
  const prose = document.body.cloneNode(true);
  prose.querySelectorAll(
    "script, style, template, textarea, pre, code, .highlight, .cell_input, mjx-container"
  ).forEach((element) => element.remove());
  const text = prose.textContent;
  const rawMath = [];
  for (const delimiter of ["\\(", "\\[", "$$"]) {
    const at = text.indexOf(delimiter);
    if (at >= 0) rawMath.push(`${delimiter} in "${snippet(text, at)}"`);
  }
  // $...$ that was never parsed as maths (a docstring, a title): "$n$",
  // "$W_i$", but not "between $5 and $10".
  const dollars = text.search(/\$(?:[^$\s]|[^$\s][^$\n]{0,80}?[^$\s])\$/);
  if (dollars >= 0) rawMath.push(`$...$ in "${snippet(text, dollars)}"`);
  const traceback = text.indexOf("Traceback (most recent call last)");
  const errorOutputs = [...document.querySelectorAll(
    ".output.traceback, .output.error, .output.stderr, " +
    '[data-mime-type="application/vnd.jupyter.stderr"], ' +
    '[data-mime-type="application/vnd.jupyter.error"]'
  )].filter((element) => element.textContent.trim())
    .map((element) => `${element.className || element.tagName}: "${snippet(element.textContent)}"`);
  if (traceback >= 0) errorOutputs.push(`traceback text: "${snippet(text, traceback)}"`);
  const views = [...document.querySelectorAll(
    'script[type="application/vnd.jupyter.widget-view+json"]')];
  return {
    mathElements: document.querySelectorAll(".math").length,
    untypesetMath: [...document.querySelectorAll(".math")]
      .filter((element) => !element.querySelector("mjx-container"))
      .map((element) => snippet(element.textContent)),
    // TeX errors render as <mjx-merror>; undefined macros (MathJax's
    // noundefined extension) as red text, seen in the assistive MathML.
    mathErrors: [
      ...[...document.querySelectorAll("mjx-merror")].map((element) =>
        element.getAttribute("data-mjx-error") || snippet(element.textContent)),
      ...[...document.querySelectorAll('mjx-assistive-mml mtext[mathcolor="red"]')].map(
        (element) => `undefined macro ${element.textContent}`),
    ],
    mjxContainers: document.querySelectorAll("mjx-container").length,
    mathJaxLoaded: Boolean(window.MathJax && window.MathJax.startup),
    rawMath,
    errorOutputs,
    images: [...document.images].map((img) => ({
      src: img.currentSrc || img.src, complete: img.complete, width: img.naturalWidth })),
    colabLinks: [...document.querySelectorAll('a[href*="colab.research.google.com"]')]
      .map((a) => a.href),
    widgetStates: document.querySelectorAll(
      'script[type="application/vnd.jupyter.widget-state+json"]').length,
    widgetViews: views.length,
    widgetViewsRendered: views.filter((view) => {
      const area = view.previousElementSibling;
      return area && area.classList.contains("widget-subarea") && area.childElementCount > 0;
    }).length,
    jupyterWidgets: document.querySelectorAll(".jupyter-widgets").length,
  };
}
"""


def visit(browser: Any, url: str, *, viewport: dict[str, int] = VIEWPORT) -> PageReport:
    """Load `url` in a fresh browser context, let it settle (MathJax done,
    embedded widgets rendered, every image loaded, lazy ones included), and
    report what happened. The context is closed before returning."""
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        report = watch(context, page, url)
        page.goto(url, wait_until="load", timeout=LOAD_TIMEOUT_S * 1000)
        settle(page, report)
        report.facts = page.evaluate(_FACTS_JS)
        return report
    finally:
        context.close()


def watch(context: Any, page: Any, url: str) -> PageReport:
    """Start recording errors and requests of `page`; block every non-local request."""
    report = PageReport(url=url)

    def route(route_: Any) -> None:
        request_url = route_.request.url
        if _is_local(request_url):
            route_.continue_()
        else:
            report.foreign_requests.append(request_url)
            route_.abort("blockedbyclient")

    answered_badly: set[str] = set()

    def on_console(message: Any) -> None:
        location = (message.location or {}).get("url", "")
        if message.type == "error" and not _is_browser_noise(location):
            report.console_errors.append(f"{message.text} [{location}]" if location else message.text)

    def on_response(response: Any) -> None:
        if response.status >= 400 and not _is_browser_noise(response.url):
            answered_badly.add(response.url)
            report.failed_requests.append(f"{response.url} (HTTP {response.status})")

    def on_request_failed(request: Any) -> None:
        url = request.url
        if _is_local(url) and url not in answered_badly and not _is_browser_noise(url):
            report.failed_requests.append(f"{url} ({request.failure})")

    context.route("**/*", route)
    page.on("console", on_console)
    page.on("pageerror", lambda error: report.page_errors.append(str(error)))
    page.on("requestfailed", on_request_failed)
    page.on("response", on_response)
    return report


def settle(page: Any, report: PageReport) -> None:
    """Wait for MathJax, embedded widgets and images; note in `report` what never settled."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.evaluate(_IMAGES_EAGER_JS)
    _settle_mathjax(page, report)
    if page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count():
        try:
            page.wait_for_function(_WIDGETS_RENDERED_JS, timeout=WIDGETS_TIMEOUT_S * 1000)
        except PlaywrightTimeout:
            report.settle_problems.append(f"embedded widgets were not all rendered after {WIDGETS_TIMEOUT_S} s")
        _settle_mathjax(page, report)  # widget labels are typeset after rendering
    try:
        page.wait_for_function(
            "() => [...document.images].every((img) => img.complete)",
            timeout=IMAGES_TIMEOUT_S * 1000,
        )
    except PlaywrightTimeout:
        report.settle_problems.append(f"images still loading after {IMAGES_TIMEOUT_S} s")


def _settle_mathjax(page: Any, report: PageReport) -> None:
    status = page.evaluate(_WAIT_FOR_MATHJAX_JS, MATHJAX_TIMEOUT_S * 1000)
    if status not in (None, "ok") and status not in report.settle_problems:
        report.settle_problems.append(status)


def chapter_pages(pages: list[str]) -> list[str]:
    """The pages of chapters: those under chapters/."""
    return [page for page in pages if page.startswith("chapters/")]


def widget_pages(root: Path, pages: list[str]) -> list[str]:
    """The pages that carry saved ipywidgets state."""
    marker = "application/vnd.jupyter.widget-state+json"
    return [page for page in pages if marker in (root / page).read_text(encoding="utf-8")]
