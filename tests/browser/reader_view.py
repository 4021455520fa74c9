"""What a reader sees at a given window width: used by test_reader_view.py.

One visit per page and width (``read_page``) loads the page like the other browser
tests (browser_harness.visit: offline, MathJax, widgets and images settled), measures
what is laid out, then clicks the navigation buttons and records what opened:

* ``clipped``: text, maths or images that are cut off: a box whose right or left edge
  lies outside an ancestor that hides overflow (``overflow: hidden/clip``), or outside
  the window when no scrolling ancestor holds it;
* ``silent_scrollers``: boxes that scroll sideways to show content that does not fit,
  but show no sign of it: no scrollbar taking space, no faded edge (a ``mask-image``
  gradient, as _static/lthbook.css draws) and no shadow on an edge (an inset ``box-shadow``
  or ``background-attachment: local`` gradients) that the content leaves uncovered (a
  striped table's rows paint over such a shadow);
* ``rawScripts``: sub- or superscripts without braces (``M_kj``, ``N_ε``) in prose, outside
  signatures, parameter names and code;
* ``doubledWords``: "exercise Exercise 1.3"-style slips (a word before a reference that says it);
* ``raw_notation``: TeX-like ``_{`` or ``^{`` left as plain text (code and typeset
  maths excluded);
* ``images``: every image of the article with its alt text;
* ``launch_buttons``: the launch (rocket) dropdown in the article header;
* ``emoji``: for ✅ and ❌ found on the page, how many coloured pixels each leaves when drawn
  in its text's font (0: no colour emoji font, the reader sees a box or nothing);
* ``pageOverflow``: how many pixels the page itself is wider than the window (a phone reader
  would have to pan the whole page sideways);
* ``widgets``: each embedded widget view (the progress bars) and what it shows: its model in
  the saved widget state, and a visible, non-empty box once rendered (a tqdm bar closed with
  ``leave=False`` is saved hidden and leaves an empty grey box);
* ``toggles``: whether a click on the visible hamburger (``.primary-toggle``) and on the
  visible page-contents button (``.secondary-toggle``) showed the site navigation / the
  page's contents, what the visible buttons are, and whether the page has contents to show;
* ``figures``: every image of the article with its natural and shown width, measured last,
  with collapsed content (``<details>``) opened, so that a figure in a folded cell is
  measured at the width a reader who opens it sees (``image_text_px`` turns that into the
  size of the image's smallest text).
"""

from __future__ import annotations

import struct
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from browser_harness import LOAD_TIMEOUT_S, PageReport, settle, watch

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
WIDTHS = {"1280px": DESKTOP, "390px": PHONE}

# Leaf boxes: text runs, typeset formulas, images and other replaced elements, inside the
# article. A box counts as cut when it is at least 2 px outside its clip box.
_LAYOUT_JS = r"""
() => {
  const article = document.querySelector("article.bd-article") || document.querySelector("main");
  if (!article) return {clipped: ["no article element"], silentScrollers: [], rawNotation: []};
  const vw = document.documentElement.clientWidth;
  const styles = new Map();
  const style = (el) => { if (!styles.has(el)) styles.set(el, getComputedStyle(el)); return styles.get(el); };
  const name = (el) => {
    const cls = [...el.classList].slice(0, 3).join(".");
    return el.tagName.toLowerCase() + (cls ? "." + cls : "");
  };
  const excerpt = (text) => (text || "").replace(/\s+/g, " ").trim().slice(0, 90);
  const hasAffordance = (el) => {
    const s = style(el);
    const bar = el.offsetHeight - el.clientHeight
      - parseFloat(s.borderTopWidth) - parseFloat(s.borderBottomWidth);
    const gradient = s.backgroundImage.includes("gradient") && s.backgroundAttachment.includes("local");
    const edge = s.boxShadow.includes("inset");
    // A mask fades whatever the box paints, its content included.
    const mask = `${s.maskImage || ""} ${s.webkitMaskImage || ""}`.includes("gradient");
    return bar > 0 || mask || ((gradient || edge) && edgeShows(el));
  };
  // An inset shadow or a background gradient is painted under the box's content: it shows only
  // where the content paints no background of its own over the box's right edge (the rows of a
  // striped table hide it). Visible: at most half of the edge's height covered.
  const edgeShows = (el) => {
    const box = el.getBoundingClientRect();
    const right = box.left + el.clientLeft + el.clientWidth, left = right - 16;
    const top = box.top + el.clientTop, bottom = top + el.clientHeight;
    const covered = [];
    for (const d of el.querySelectorAll("*")) {
      const bg = style(d).backgroundColor;
      if (!bg || bg === "transparent" || /^rgba\(.*,\s*0\)$/.test(bg)) continue;
      const r = d.getBoundingClientRect();
      if (r.right <= left || r.left >= right || r.bottom <= top || r.top >= bottom) continue;
      covered.push([Math.max(r.top, top), Math.min(r.bottom, bottom)]);
    }
    covered.sort((a, b) => a[0] - b[0]);
    let total = 0, end = top;
    for (const [from, to] of covered) {
      if (to > end) { total += to - Math.max(from, end); end = to; }
    }
    return total <= (bottom - top) / 2;
  };
  const leaves = [];
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const parent = node.parentElement;
    if (!parent) continue;
    if (parent.closest("mjx-container, script, style, template, .visually-hidden, .sr-only")) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const rect of range.getClientRects()) {
      // a text run's first clip box to test is its parent element itself
      if (rect.width > 0.5 && rect.height > 0.5) leaves.push([parent, rect, excerpt(node.textContent)]);
    }
  }
  const replaced = "mjx-container > mjx-math, img, svg, canvas, video, iframe, input, select";
  for (const el of article.querySelectorAll(replaced)) {
    if (el.closest("mjx-assistive-mml") || (el.tagName === "svg" && el.closest("svg") !== el)) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width > 0.5 && rect.height > 0.5) {
      const label = el.tagName === "MJX-MATH"
        ? "formula " + excerpt(el.closest("mjx-container").querySelector("mjx-assistive-mml")?.textContent)
        : name(el) + " " + excerpt(el.getAttribute("alt") || el.getAttribute("src"));
      leaves.push([el.parentElement, rect, label]);
    }
  }
  const clipped = new Map();
  const silent = new Map();
  let scrollers = 0;
  for (const [el, rect, label] of leaves) {
    let left = rect.left, right = rect.right, invisible = false;
    for (let a = el; a && a !== document.documentElement; a = a.parentElement) {
      const s = style(a);
      if (s.display === "none" || s.visibility === "hidden") { invisible = true; break; }
      if (s.overflowX === "visible") continue;
      const box = a.getBoundingClientRect();
      if (box.width <= 2 || box.height <= 2) { invisible = true; break; }  // screen-reader-only
      const clipLeft = box.left + a.clientLeft, clipRight = clipLeft + a.clientWidth;
      if (right <= clipRight + 2 && left >= clipLeft - 2) continue;
      if ((s.overflowX === "auto" || s.overflowX === "scroll") && a.scrollWidth > a.clientWidth + 1) {
        scrollers += 1;
        if (!hasAffordance(a) && !silent.has(a)) {
          silent.set(a, `${name(a)} hides "${label}" with no sign that it scrolls`);
        }
        left = box.left; right = box.right;  // from here on, the scroller's own box is what shows
        continue;
      }
      const past = Math.round(right - clipRight);
      if (!clipped.has(a)) {
        clipped.set(a, `"${label}" cut by ${name(a)} (overflow-x: ${s.overflowX}, ${past} px past its edge)`);
      }
      invisible = true;
      break;
    }
    if (!invisible && (right > vw + 2 || left < -2) && !clipped.has(el)) {
      clipped.set(el, `"${label}" runs off the ${vw} px window (${Math.round(right)} px)`);
    }
  }
  const prose = article.cloneNode(true);
  prose.querySelectorAll("script, style, template, pre, code, .highlight, mjx-container, .math")
    .forEach((element) => element.remove());
  const text = prose.textContent.replace(/\s+/g, " ");
  const rawNotation = [];
  const pattern = /.{0,40}[_^]\{.{0,40}/g;
  for (const match of text.matchAll(pattern)) rawNotation.push(match[0]);
  // Plain-text sub- and superscripts without braces (M_kj, N_ε, x_1), in prose: not in
  // signatures, parameter names (a field list's first strong word) or code.
  const plain = article.cloneNode(true);
  plain.querySelectorAll(
    "script, style, template, pre, code, .highlight, mjx-container, .math, dt.sig, " +
    "dl.field-list > dd > p > strong:first-child, dl.field-list > dd > ul > li > p > strong:first-child"
  ).forEach((element) => element.remove());
  const rawScripts = [...plain.textContent.replace(/\s+/g, " ").matchAll(
    /.{0,30}(?<![\p{L}\p{N}_.])\p{L}[_^][\p{L}\p{N}]{1,3}(?![\p{L}\p{N}_]).{0,30}/gu,
  )].map((match) => match[0]);
  // "exercise Exercise 1.3": a word written before a reference whose text already says it.
  const doubledWords = [...text.matchAll(
    /.{0,30}\b(exercise|chapter|section|theorem|lemma|figure|table|definition|corollary|equation|proof|problem|appendix)s?\s+\1\b.{0,30}/gi,
  )].map((match) => match[0]);
  const images = [...article.querySelectorAll("img")].map((img) => ({
    src: img.getAttribute("src"), alt: img.getAttribute("alt") || "" }));
  const launch = [...document.querySelectorAll(".bd-header-article .dropdown-launch-buttons, " +
    '.bd-header-article [aria-label="Launch interactive content"]')];
  // Emoji (the self-checks' ✅ and ❌): drawn in the font of the text that holds them, each must
  // leave coloured pixels; without a colour emoji font the browser draws an empty box or nothing.
  const emoji = {};
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 48;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  const emojiWalker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  for (let node = emojiWalker.nextNode(); node; node = emojiWalker.nextNode()) {
    for (const char of ["\u2705", "\u274C"]) {
      if (char in emoji || !node.textContent.includes(char)) continue;
      ctx.clearRect(0, 0, 48, 48);
      ctx.font = `32px ${getComputedStyle(node.parentElement).fontFamily}`;
      ctx.textBaseline = "top";
      ctx.fillText(char, 4, 4);
      const data = ctx.getImageData(0, 0, 48, 48).data;
      let coloured = 0;
      for (let k = 0; k < data.length; k += 4) {
        const spread = Math.max(data[k], data[k + 1], data[k + 2]) - Math.min(data[k], data[k + 1], data[k + 2]);
        if (data[k + 3] > 128 && spread > 60) coloured += 1;
      }
      emoji[char] = coloured;
    }
  }
  // Embedded widget views: html-manager renders each into the div.widget-subarea just before
  // its script. A view must find its model in the page's saved state and show a visible box.
  let savedState = {};
  const stateScript = document.querySelector('script[type="application/vnd.jupyter.widget-state+json"]');
  try { savedState = stateScript ? JSON.parse(stateScript.textContent).state || {} : {}; }
  catch (error) { savedState = {}; }
  const widgets = [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')]
    .map((view) => {
      let modelId = "";
      try { modelId = JSON.parse(view.textContent).model_id || ""; } catch (error) { modelId = ""; }
      const area = view.previousElementSibling;
      const root = area && area.classList.contains("widget-subarea") ? area.firstElementChild : null;
      const problems = [];
      if (!(modelId in savedState)) problems.push("its model is not in the saved widget state");
      if (!root) problems.push("nothing rendered");
      else {
        const s = getComputedStyle(root);
        const r = root.getBoundingClientRect();
        if (s.visibility === "hidden" || s.display === "none") {
          problems.push(`rendered with ${s.visibility === "hidden" ? "visibility: hidden" : "display: none"} ` +
            "(an empty box on the page)");
        } else if (r.width < 1 || r.height < 1 || !root.innerText.trim()) {
          problems.push("rendered as an empty box");
        }
      }
      const text = root ? excerpt(root.textContent) : "";
      return { modelId, text, problems };
    });
  const pageOverflow = document.documentElement.scrollWidth - document.documentElement.clientWidth;
  return {
    clipped: [...clipped.values()], silentScrollers: [...silent.values()], scrollers,
    rawNotation, rawScripts, doubledWords, images, launchButtons: launch.length, emoji, widgets, pageOverflow,
  };
}
"""

_VISIBLE_BUTTONS_JS = r"""
(selector) => [...document.querySelectorAll(selector)].filter((el) => {
  const r = el.getBoundingClientRect();
  const s = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && s.visibility !== "hidden";
}).length
"""

# The site navigation counts as open when a visible element holds the book's table of
# contents (.bd-docs-nav) inside the window; likewise the page's contents (#pst-page-toc-nav
# or .bd-toc-nav). Whether it was open before the click is recorded too, so that a toggle on
# desktop (sidebar shown -> hidden) counts as well as a drawer (hidden -> shown).
_PANEL_SHOWN_JS = r"""
(selector) => [...document.querySelectorAll(selector)].some((el) => {
  const r = el.getBoundingClientRect();
  if (r.width < 20 || r.height < 20 || r.right <= 0 || r.left >= window.innerWidth) return false;
  for (let a = el; a; a = a.parentElement) {
    const s = getComputedStyle(a);
    if (s.display === "none" || s.visibility === "hidden" || parseFloat(s.opacity) === 0) return false;
  }
  return true;
})
"""

# Every article image, measured at the width it is shown (collapsed <details> opened first).
_FIGURES_JS = r"""
() => {
  const article = document.querySelector("article.bd-article") || document.querySelector("main");
  if (!article) return [];
  for (const details of article.querySelectorAll("details")) details.open = true;
  return [...article.querySelectorAll("img")].map((img) => ({
    src: img.getAttribute("src") || "",
    url: img.currentSrc || img.src,
    alt: img.getAttribute("alt") || "",
    natural: img.naturalWidth,
    shown: img.getBoundingClientRect().width,
  }));
}
"""

_HAS_PAGE_CONTENTS_JS = r"""
() => document.querySelectorAll("#pst-page-toc-nav a, .bd-toc-nav a, nav.page-toc a").length
"""

PRIMARY_PANEL = ".bd-docs-nav"
SECONDARY_PANEL = "#pst-page-toc-nav, .bd-toc-nav, nav.page-toc"


@dataclass
class ReaderView:
    """What one page showed at one width (see the module's docstring)."""

    url: str
    width: int
    report: PageReport
    layout: dict[str, Any] = field(default_factory=dict)
    toggles: dict[str, Any] = field(default_factory=dict)
    figures: list[dict[str, Any]] = field(default_factory=list)


def _click_and_look(page: Any, button: str, panel: str) -> dict[str, Any]:
    """Click the first *visible* `button`; report visible buttons, and panel state before/after."""
    visible = page.evaluate(_VISIBLE_BUTTONS_JS, button)
    state: dict[str, Any] = {"visible_buttons": visible, "total_buttons": page.locator(button).count()}
    state["shown_before"] = page.evaluate(_PANEL_SHOWN_JS, panel)
    if not visible:
        state["shown_after"] = state["shown_before"]
        return state
    target = page.locator(button).locator("visible=true").first
    target.click(timeout=5000)
    page.wait_for_timeout(600)  # transitions
    state["shown_after"] = page.evaluate(_PANEL_SHOWN_JS, panel)
    page.keyboard.press("Escape")  # close a modal drawer again
    page.wait_for_timeout(300)
    return state


def read_page(browser: Any, url: str, viewport: dict[str, int]) -> ReaderView:
    """Load `url` at `viewport`, settle it, measure it, then try its navigation buttons."""
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        report = watch(context, page, url)
        page.goto(url, wait_until="load", timeout=LOAD_TIMEOUT_S * 1000)
        settle(page, report)
        view = ReaderView(url=url, width=viewport["width"], report=report)
        view.layout = page.evaluate(_LAYOUT_JS)
        view.toggles["page_contents_links"] = page.evaluate(_HAS_PAGE_CONTENTS_JS)
        view.toggles["primary"] = _click_and_look(page, ".primary-toggle", PRIMARY_PANEL)
        view.toggles["secondary"] = _click_and_look(page, ".secondary-toggle", SECONDARY_PANEL)
        view.figures = page.evaluate(_FIGURES_JS)
        return view
    finally:
        context.close()


# --------------------------------------------------------------------- image text size

#: The key of a PNG text chunk that states the smallest font, in points, drawn in the figure.
#: Figures that carry it are judged by it; others by the book's smallest default font size.
SMALLEST_FONT_KEY = "lthbook:smallest_font_pt"
#: Images without a resolution of their own are shown at the CSS reference of 96 pixels an inch.
CSS_DPI = 96.0


def png_resolution_and_text(data: bytes) -> tuple[float | None, dict[str, str]]:
    """The resolution (dots per inch, from the pHYs chunk; None without one) and the tEXt
    chunks of a PNG file. Not a PNG: (None, {})."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return None, {}
    dpi, texts, at = None, {}, 8
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        body = data[at + 8 : at + 8 + length]
        if kind == b"pHYs" and len(body) == 9:
            per_x, _, unit = struct.unpack(">IIB", body)
            if unit == 1:  # pixels per metre
                dpi = per_x * 0.0254
        elif kind == b"tEXt" and b"\0" in body:
            key, value = body.split(b"\0", 1)
            texts[key.decode("latin-1")] = value.decode("latin-1")
        elif kind == b"IEND":
            break
        at += 12 + length
    return dpi, texts


def book_smallest_font_pt() -> float:
    """The smallest font size, in points, that the book's matplotlib style gives any text
    (lthbook.plotting.use_style: tick labels, legends, axis labels, titles, plain text)."""
    import matplotlib as mpl
    from matplotlib.font_manager import FontProperties

    from lthbook.plotting import use_style

    keys = (
        "font.size",
        "axes.labelsize",
        "axes.titlesize",
        "xtick.labelsize",
        "ytick.labelsize",
        "legend.fontsize",
        "legend.title_fontsize",
        "figure.titlesize",
        "figure.labelsize",
    )
    with mpl.rc_context():
        use_style()
        sizes = [
            FontProperties(size=mpl.rcParams[key]).get_size_in_points()
            for key in keys
            if mpl.rcParams.get(key) is not None
        ]
    return min(sizes)


def image_file(site_url: str, html_root: Path, url: str) -> Path | None:
    """The file of the built site that `url` (served from `site_url`) was read from."""
    if not url.startswith(site_url):
        return None
    relative = urllib.parse.unquote(urllib.parse.urlsplit(url).path)[len(urllib.parse.urlsplit(site_url).path) :]
    path = html_root / relative
    return path if path.is_file() else None


def image_text_px(figure: dict[str, Any], file: Path | None, default_font_pt: float) -> dict[str, Any]:
    """The size, in CSS pixels as shown, of the smallest text of an image.

    A font of f points in an image of d dots per inch is f·d/72 image pixels high; the image is
    shown at (shown width / natural width) of its pixels. f is the image's own
    ``lthbook:smallest_font_pt`` text chunk when it has one, else `default_font_pt`; d is its
    pHYs resolution (matplotlib writes the figure's dpi there), else 96.
    """
    dpi, texts = png_resolution_and_text(file.read_bytes()) if file is not None else (None, {})
    font_pt = float(texts.get(SMALLEST_FONT_KEY, default_font_pt))
    dpi = dpi or CSS_DPI
    scale = figure["shown"] / figure["natural"] if figure["natural"] else 0.0
    return {"font_pt": font_pt, "dpi": dpi, "scale": scale, "text_px": font_pt * dpi / 72 * scale}
