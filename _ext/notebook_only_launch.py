"""Show the launch (rocket) button only on pages whose source is a notebook (.ipynb).

sphinx-book-theme adds Colab/Binder launch buttons to every page it takes for a notebook,
and it takes a MyST Markdown page with a ``kernelspec`` (intro.md, back/*.md) for one. Its
Colab link then opens the ``.md`` file on GitHub, which Colab cannot read. This extension
runs after the theme (priority 501) and removes the launch dropdown from pages whose
source file is not an ``.ipynb``.
"""

from __future__ import annotations

from pathlib import Path


def _drop_launch_buttons(app, pagename, templatename, context, doctree) -> None:
    buttons = context.get("header_buttons")
    if not buttons or pagename not in app.env.all_docs:
        return
    if Path(app.env.doc2path(pagename)).suffix == ".ipynb":
        return
    buttons[:] = [button for button in buttons if button.get("label") != "launch-buttons"]


def setup(app):
    app.connect("html-page-context", _drop_launch_buttons, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
