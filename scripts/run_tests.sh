#!/usr/bin/env bash
# Set up from a fresh clone and run every test, failing fast: the gates first (ruff lint and
# format, mypy on lthbook), then the book's HTML, then one pytest run, split over the cores:
# lthbook's unit tests and doctests, nbval on every chapter (each notebook in its own kernel,
# outputs compared strictly except tagged cells) and the browser tests of the built HTML in
# Debian's Chromium.
#
# Each chapter is executed once per run, by nbval. The HTML is built from the chapters'
# committed outputs (chapter execution off, through a generated copy of _config.yml); nbval then
# proves that those outputs are exactly what a fresh execution prints, so the HTML tested and
# published is the executed book. scripts/build_book.sh (the reader's build) still executes
# every chapter itself.
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian's Chromium drives the browser tests (Playwright cannot download its own browser
# offline); LTHBOOK_CHROMIUM may name another Chromium-based browser instead.
if [ -z "${LTHBOOK_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
# The self-checks print ✅ and ❌; without a colour emoji font the browser shows empty boxes, and
# the browser tests check that it does not (test_reader_view.py::test_emoji_have_a_font).
if command -v fc-list >/dev/null 2>&1 && ! fc-list | grep -qi "emoji"; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq fonts-noto-color-emoji >/dev/null
fi
bash scripts/setup_env.sh

# The gates (seconds): lint, format, types. The same as .pre-commit-config.yaml.
echo "== ruff check, ruff format --check, mypy"
.venv/bin/ruff check lthbook tests scripts benchmarks _ext
.venv/bin/ruff format --check lthbook tests scripts benchmarks _ext
.venv/bin/mypy

# The book's HTML from the committed outputs: _config.yml with the chapters excluded from
# execution (the other pages, e.g. the execution-status page's versions, still execute).
echo "== the book's HTML, chapters from their committed outputs"
CONFIG="$(mktemp --suffix=.yml)"
trap 'rm -f "$CONFIG"' EXIT
.venv/bin/python - "$CONFIG" <<'PY'
import sys
from pathlib import Path

import yaml

with open("_config.yml") as f:
    config = yaml.safe_load(f)
execute = config.setdefault("execute", {})
execute["exclude_patterns"] = [*execute.get("exclude_patterns", []), "chapters/*"]
# Jupyter Book resolves local extensions' folders against the config file's folder.
extensions = config.get("sphinx", {}).get("local_extensions") or {}
for name, folder in extensions.items():
    extensions[name] = str(Path(folder).resolve())
with open(sys.argv[1], "w") as f:
    yaml.safe_dump(config, f, sort_keys=False, allow_unicode=True)
PY
.venv/bin/jupyter-book build --all -W -n --keep-going --config "$CONFIG" .

# One process per core (pytest-xdist, at most 4), each taking whole files (--dist loadscope): a
# notebook's cells run in order in one kernel, a browser test file loads its pages once, a test
# file's module fixtures are built once. On two cores this took the pytest run from 1,009 s
# (CI, one process) to 684 s (this machine, 2026-12-07). `-n 0` runs everything in one process.
# (--dist loadgroup would balance finer, but pytest-xdist 3.8 cannot rename pytest 9's node ids,
# so its groups are silently ignored: do not switch to it.)
echo "== unit tests, doctests, nbval on every chapter, browser tests"
LTHBOOK_REQUIRE_HTML=1 .venv/bin/python -m pytest tests lthbook chapters \
  --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider \
  --numprocesses auto --maxprocesses 4 --dist loadscope
