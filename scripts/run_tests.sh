#!/usr/bin/env bash
# Set up from a fresh clone and run every test: lthbook's unit tests, nbval on every chapter
# (each notebook in its own kernel, outputs compared strictly except tagged cells), and the
# browser tests of the built HTML in Debian's Chromium.
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
bash scripts/build_book.sh
LTHBOOK_REQUIRE_HTML=1 .venv/bin/python -m pytest tests chapters \
  --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider
