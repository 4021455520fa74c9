#!/usr/bin/env bash
# Set up from a fresh clone and build the book: executes every notebook, fails on any cell
# error and on any Sphinx warning. Ends with the path of the HTML to open.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_env.sh
.venv/bin/jupyter-book build --all -W -n --keep-going .
echo "The book is built: open $(pwd)/_build/html/index.html"
