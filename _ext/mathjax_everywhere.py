"""Load MathJax on every page, not only on pages whose own text holds maths.

The sidebar lists every chapter's title on every page, and a title may hold maths (chapter 7's
"depth $l + 1$"). Sphinx adds MathJax only to pages with equations of their own, so on the
others (an API page without formulas, the bibliography) the title showed as raw ``\\(l + 1\\)``.
Sphinx's ``html_assets_policy = "always"`` includes the page assets (MathJax among them) on
every page.
"""

from __future__ import annotations


def setup(app):
    app.set_html_assets_policy("always")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
