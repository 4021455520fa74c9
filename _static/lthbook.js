/* Boxes that scroll sideways show that they do (issue 14).
 *
 * Code cells, wide displayed formulas, tables and widget rows may be wider than the column;
 * they scroll inside their own box rather than spill off the page. Phones and headless
 * browsers draw no scrollbar until one scrolls, so every box of the article that scrolls
 * sideways and holds more than it shows gets the class lthbook-scrollable, plus
 * lthbook-scroll-start / lthbook-scroll-end at either end; lthbook.css draws a shadow on
 * the edge where more content waits. Re-checked when the layout changes (MathJax, widgets,
 * a resize) and on each sideways scroll.
 */
(() => {
  "use strict";
  const SCROLLING = new Set(["auto", "scroll"]);

  function mark(element) {
    const wide = element.scrollWidth > element.clientWidth + 2;
    element.classList.toggle("lthbook-scrollable", wide);
    element.classList.toggle("lthbook-scroll-start", wide && element.scrollLeft > 1);
    element.classList.toggle(
      "lthbook-scroll-end",
      wide && element.scrollLeft + element.clientWidth >= element.scrollWidth - 1,
    );
  }

  function markAll() {
    const article = document.querySelector("article.bd-article") || document.querySelector("main");
    if (!article) return;
    // Inline formulas wider than their line may scroll (see span.math.lthbook-wide-math).
    for (const span of article.querySelectorAll("span.math")) {
      const math = span.querySelector("mjx-container > mjx-math");
      if (!math) continue;
      span.classList.toggle("lthbook-wide-math", math.getBoundingClientRect().width > span.clientWidth + 1);
    }
    for (const element of article.querySelectorAll("*")) {
      if (element.closest("mjx-assistive-mml")) continue;
      if (SCROLLING.has(getComputedStyle(element).overflowX)) mark(element);
      else if (element.classList.contains("lthbook-scrollable")) mark(element);
    }
  }

  let pending = null;
  function markSoon() {
    if (pending !== null) clearTimeout(pending);
    pending = setTimeout(() => { pending = null; markAll(); }, 150);
  }

  document.addEventListener("scroll", (event) => {
    const target = event.target;
    if (target instanceof Element && target.classList.contains("lthbook-scrollable")) mark(target);
  }, true);
  window.addEventListener("resize", markSoon);
  window.addEventListener("load", markAll);
  document.addEventListener("DOMContentLoaded", () => {
    markAll();
    const article = document.querySelector("article.bd-article") || document.querySelector("main");
    if (article) new MutationObserver(markSoon).observe(article, { childList: true, subtree: true });
  });
})();
