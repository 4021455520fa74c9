#!/usr/bin/env python3
"""Fetch the JavaScript that the book's HTML loads, so that no page needs a CDN.

The HTML built by Jupyter Book typesets maths with MathJax 3 and shows the saved
state of ipywidgets with the ipywidgets HTML manager, which needs RequireJS. By
default all three come from public CDNs, so a reader offline (or a browser test
in a sandbox) sees raw LaTeX and empty widget areas. This script downloads pinned
versions of the three npm packages from the npm registry, checks each tarball
against the sha512 integrity pinned below (the value the registry publishes as
``dist.integrity``), and extracts only the files the browser needs into

    DEST/vendor/mathjax/        tex-chtml.js and every component it loads lazily
    DEST/vendor/requirejs/      require.js
    DEST/vendor/html-manager/   embed-amd.js (base, controls and output widgets
                                are bundled in it) and the fonts its CSS uses
    DEST/vendor/widgets-config.js   a few lines that point the HTML manager at the
                                files above instead of a CDN (written by this script)
    DEST/vendor/versions.json   what was fetched, with a sha256 of every file

DEST defaults to ``_web_assets`` in the repository, which git ignores and
``_config.yml`` excludes from the book's sources; nothing lands in ``_static/``
(Jupyter Book would add every JavaScript file found there to every page).
``_config.yml`` copies DEST into the site root with Sphinx's ``html_extra_path``
and points ``mathjax_path`` and MyST-NB's ``nb_ipywidgets_js`` at ``vendor/``;
a build without DEST fails with "html_extra_path entry ... does not exist".

The script is idempotent: when every file listed in ``versions.json`` is present
with the recorded hash and the pinned versions have not changed, it downloads
nothing. It uses only the Python standard library.

Usage:
    python scripts/fetch_web_assets.py [--dest DIR] [--force] [--check]

Exit status: 0 on success, 1 when ``--check`` finds the assets missing or stale,
2 when the registry cannot be reached or a download fails its integrity check.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import shutil
import sys
import tarfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DEST = REPO_ROOT / "_web_assets"
DEFAULT_REGISTRY = "https://registry.npmjs.org"
VENDOR = "vendor"
MANIFEST = "versions.json"
DOWNLOAD_ATTEMPTS = 3
DOWNLOAD_TIMEOUT_S = 60


class FetchError(RuntimeError):
    """A download failed, or a tarball does not match its pinned integrity."""


@dataclass(frozen=True)
class Package:
    """One pinned npm package and the files of it that the browser needs."""

    name: str
    version: str
    integrity: str  # "sha512-<base64>", as the registry's dist.integrity
    target: str  # folder under DEST/vendor/
    select: Callable[[str], str | None]  # tarball path -> output path, or None to skip

    def tarball_url(self, registry: str) -> str:
        basename = self.name.rsplit("/", 1)[-1]
        return f"{registry.rstrip('/')}/{self.name}/-/{basename}-{self.version}.tgz"


def _select_mathjax(path: str) -> str | None:
    """Keep tex-chtml.js and every component directory (extensions, fonts, menu,
    accessibility, speech rules) that it may load at run time; drop the other
    combined bundles (tex-svg.js, mml-chtml.js, ...) that the book never loads."""
    if path == "package/LICENSE":
        return "LICENSE"
    prefix = "package/es5/"
    if not path.startswith(prefix):
        return None
    rel = path[len(prefix) :]
    if "/" in rel or rel == "tex-chtml.js":
        return rel
    return None


def _select_requirejs(path: str) -> str | None:
    """require.js only (its licence is in its header); not the r.js optimiser."""
    return "require.js" if path == "package/require.js" else None


_FONT_SUFFIXES = (".woff2", ".woff", ".ttf", ".eot", ".svg")


def _select_html_manager(path: str) -> str | None:
    """embed-amd.js defines @jupyter-widgets/base, controls, html-manager and the
    embedding code, then renders every widget-state script on the page; the
    hashed font files beside it are what its Font Awesome CSS refers to."""
    prefix = "package/dist/"
    if not path.startswith(prefix):
        return None
    rel = path[len(prefix) :]
    if "/" in rel:
        return None
    if rel in ("embed-amd.js", "embed.js.LICENSE.txt") or rel.endswith(_FONT_SUFFIXES):
        return rel
    return None


# Versions: MathJax 3 (Sphinx's math support targets MathJax 3), the latest
# RequireJS, and the html-manager release that depends on the same
# @jupyter-widgets/base ^6.0.12 and controls ^5.0.13 as ipywidgets 8.1.9's
# JupyterLab extension. Bump a version together with its integrity, copied from
# https://registry.npmjs.org/<name>/<version> (field dist.integrity).
PACKAGES: tuple[Package, ...] = (
    Package(
        name="mathjax",
        version="3.2.2",
        integrity="sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw==",
        target="mathjax",
        select=_select_mathjax,
    ),
    Package(
        name="requirejs",
        version="2.3.8",
        integrity="sha512-7/cTSLOdYkNBNJcDMWf+luFvMriVm7eYxp4BcFCsAX0wF421Vyce5SXP17c+Jd5otXKGNehIonFlyQXSowL6Mw==",
        target="requirejs",
        select=_select_requirejs,
    ),
    Package(
        name="@jupyter-widgets/html-manager",
        version="1.0.15",
        integrity="sha512-5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1yp47bCrJ3CQA==",
        target="html-manager",
        select=_select_html_manager,
    ),
)

# Loaded after require.js and before embed-amd.js (see nb_ipywidgets_js in
# _config.yml). The paths are worked out from this script's own URL, so the
# same file works for pages at any depth of the site.
WIDGETS_CONFIG_JS = r"""// Written by scripts/fetch_web_assets.py; loaded after require.js and before
// html-manager/embed-amd.js. Makes the ipywidgets HTML manager work from this
// site alone, with no CDN.
(function () {
  "use strict";
  var script = document.currentScript;
  var vendor = script.src.replace(/[^\/]*$/, "");  // this folder, with "/"
  var assets = vendor + "html-manager/";

  // embed-amd.js defines @jupyter-widgets/base, controls and html-manager as
  // named AMD modules; each works out where its fonts live from its module
  // URL, which RequireJS derives from these paths (by default, from the page's
  // own folder, where they are not).
  window.requirejs.config({
    baseUrl: vendor + "npm/",
    paths: {
      "@jupyter-widgets": assets.slice(0, -1),
      "@jupyter-widgets/html-manager/dist": assets.slice(0, -1)
    }
  });
  window.__jupyter_widgets_assets_path__ = assets;

  // A widget library that embed-amd.js does not bundle would be fetched from
  // jsDelivr. Send that request to this site instead, where it fails visibly
  // rather than silently depending on the network.
  script.setAttribute("data-jupyter-widgets-cdn", vendor + "npm/");

  // ipywidgets 8 typesets widget labels with the MathJax 2 call
  // MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]), which throws under
  // MathJax 3. Widgets render on the window's load event, after the deferred
  // MathJax script has run, so provide the call then, in MathJax 3 terms. In
  // Jupyter, labels may use $...$, which MathJax 3 does not look for by
  // default: rewrite it as \(...\) in plain-text labels first.
  function dollarsToDelimiters(element) {
    if (element.childElementCount > 0) {
      return;
    }
    element.textContent = element.textContent.replace(
      /\$\$([^$]+)\$\$|\$([^$]+)\$/g,
      function (match, display, inline) {
        return display !== undefined ? "\\[" + display + "\\]" : "\\(" + inline + "\\)";
      }
    );
  }
  window.addEventListener("load", function () {
    var mathjax = window.MathJax;
    if (!mathjax || mathjax.Hub || !mathjax.startup) {
      return;
    }
    mathjax.Hub = {
      Queue: function (command) {
        var element = command && command[2];
        if (element) {
          dollarsToDelimiters(element);
        }
        mathjax.startup.promise = mathjax.startup.promise.then(function () {
          return mathjax.typesetPromise(element ? [element] : undefined);
        }).catch(function (error) {
          console.error("MathJax could not typeset a widget label:", error);
        });
      }
    };
  });
})();
"""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check_integrity(package: Package, data: bytes) -> None:
    algorithm, _, expected = package.integrity.partition("-")
    if algorithm != "sha512":
        raise FetchError(f"{package.name}: unsupported integrity algorithm {algorithm!r}")
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")
    if actual != expected:
        raise FetchError(
            f"{package.name}@{package.version}: the tarball's sha512 is {actual}, "
            f"expected {expected} (pinned in {Path(__file__).name}); refusing to use it"
        )


def _download(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "lthbook-fetch-web-assets"})
    last_error: Exception | None = None
    for attempt in range(1, DOWNLOAD_ATTEMPTS + 1):
        try:
            with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT_S) as response:
                return response.read()
        except urllib.error.HTTPError as error:  # the registry answered: do not retry
            raise FetchError(f"GET {url} failed: HTTP {error.code} {error.reason}") from error
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            last_error = error
            if attempt < DOWNLOAD_ATTEMPTS:
                time.sleep(2**attempt)
    raise FetchError(
        f"cannot download {url}: {last_error}.\n"
        "The book's HTML needs MathJax, RequireJS and the ipywidgets HTML manager from "
        "the npm registry. Run this script once while online (or pass --registry to use "
        "a mirror); later builds reuse the files it leaves in --dest."
    )


def _extract(package: Package, data: bytes) -> dict[str, bytes]:
    """The selected regular files of the tarball, keyed by their output path."""
    files: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive.getmembers():
            if not member.isfile():
                continue
            out = package.select(member.name)
            if out is None:
                continue
            parts = Path(out).parts
            if Path(out).is_absolute() or ".." in parts:
                raise FetchError(f"{package.name}: unsafe path {member.name!r} in tarball")
            handle = archive.extractfile(member)
            assert handle is not None  # a regular file always has content
            files[out] = handle.read()
    if not files:
        raise FetchError(f"{package.name}@{package.version}: no files selected from the tarball")
    return files


def _write_tree(directory: Path, files: dict[str, bytes]) -> None:
    """Replace `directory` by exactly `files`, going through a temporary sibling
    so that an interrupted run never leaves a half-written tree in place."""
    staging = directory.with_name(f".{directory.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for rel, content in files.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        shutil.rmtree(directory, ignore_errors=True)
        staging.rename(directory)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _read_manifest(vendor: Path) -> dict:
    try:
        return json.loads((vendor / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _is_current(vendor: Path, package: Package, entry: dict | None) -> bool:
    """True when the manifest records this exact pin and every file matches its hash."""
    if not entry or entry.get("version") != package.version:
        return False
    if entry.get("integrity") != package.integrity or not entry.get("files"):
        return False
    root = vendor / package.target
    for rel, digest in entry["files"].items():
        path = root / rel
        if not path.is_file() or _sha256(path.read_bytes()) != digest:
            return False
    return True


def fetch_web_assets(dest: Path = DEFAULT_DEST, *, registry: str = DEFAULT_REGISTRY, force: bool = False) -> Path:
    """Make DEST/vendor hold the pinned, verified packages; return DEST/vendor."""
    vendor = dest / VENDOR
    vendor.mkdir(parents=True, exist_ok=True)
    manifest = _read_manifest(vendor)
    packages = manifest.get("packages", {})
    for package in PACKAGES:
        label = f"{package.name}@{package.version}"
        if not force and _is_current(vendor, package, packages.get(package.name)):
            print(f"  {label}: present and verified, skipped")
            continue
        url = package.tarball_url(registry)
        print(f"  {label}: downloading {url}")
        data = _download(url)
        _check_integrity(package, data)
        files = _extract(package, data)
        _write_tree(vendor / package.target, files)
        size = sum(len(content) for content in files.values())
        print(f"  {label}: {len(files)} files, {size / 1e6:.1f} MB -> {vendor / package.target}")
        packages[package.name] = {
            "version": package.version,
            "integrity": package.integrity,
            "tarball": url,
            "files": {rel: _sha256(content) for rel, content in sorted(files.items())},
        }
        # Record progress after every package, so a later failure keeps this one.
        _write_manifest(vendor, packages)
    config = vendor / "widgets-config.js"
    if not config.is_file() or config.read_text(encoding="utf-8") != WIDGETS_CONFIG_JS:
        config.write_text(WIDGETS_CONFIG_JS, encoding="utf-8")
    _write_manifest(vendor, packages)
    return vendor


def _write_manifest(vendor: Path, packages: dict) -> None:
    pinned = {package.name for package in PACKAGES}
    content = json.dumps(
        {"packages": {name: entry for name, entry in sorted(packages.items()) if name in pinned}},
        indent=1,
    )
    path = vendor / MANIFEST
    if not path.is_file() or path.read_text(encoding="utf-8") != content:
        path.write_text(content, encoding="utf-8")


def check_web_assets(dest: Path = DEFAULT_DEST) -> list[str]:
    """Names of the pinned packages that are missing or stale under DEST (empty: all good)."""
    vendor = dest / VENDOR
    packages = _read_manifest(vendor).get("packages", {})
    stale = [p.name for p in PACKAGES if not _is_current(vendor, p, packages.get(p.name))]
    config = vendor / "widgets-config.js"
    if not config.is_file() or config.read_text(encoding="utf-8") != WIDGETS_CONFIG_JS:
        stale.append("widgets-config.js")
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--dest",
        type=Path,
        default=DEFAULT_DEST,
        help="folder to fill; its vendor/ subfolder is what the site serves "
        f"(default: {DEFAULT_DEST.relative_to(REPO_ROOT)} in the repository)",
    )
    parser.add_argument("--registry", default=DEFAULT_REGISTRY, help=f"npm registry (default: {DEFAULT_REGISTRY})")
    parser.add_argument("--force", action="store_true", help="download even if already present")
    parser.add_argument("--check", action="store_true", help="download nothing; exit 1 if anything is missing")
    args = parser.parse_args(argv)
    dest = args.dest.resolve()
    if args.check:
        stale = check_web_assets(dest)
        if stale:
            print(f"missing or stale in {dest / VENDOR}: {', '.join(stale)}", file=sys.stderr)
            return 1
        print(f"web assets in {dest / VENDOR} are present and verified")
        return 0
    print(f"web assets -> {dest / VENDOR}")
    try:
        fetch_web_assets(dest, registry=args.registry, force=args.force)
    except FetchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
