"""Drop repeated inline <script> bodies from every page.

Sphinx 7.4 adds an inline script registered after the builder starts (as
sphinx-thebe and sphinx-togglebutton do) twice: once as filename None, once as
''. sphinx-thebe's body declares `const THEBE_JS_URL`, so the copy throws
"Identifier 'THEBE_JS_URL' has already been declared" on every page.
"""


def _dedupe(app, pagename, templatename, context, doctree):
    seen = set()
    unique = []
    for script in context.get("script_files", []):
        body = getattr(script, "attributes", {}).get("body")
        if not getattr(script, "filename", None) and body:
            key = (body, tuple(sorted(script.attributes.items())))
            if key in seen:
                continue
            seen.add(key)
        unique.append(script)
    context["script_files"][:] = unique


def setup(app):
    app.connect("html-page-context", _dedupe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
