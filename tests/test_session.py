"""lthbook.setup, the shared argument checks, and the Colab set-up cell of every chapter."""

import json
import random
import re
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import lthbook
from lthbook import _validation as v

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import sync_setup_cells  # noqa: E402


def draws():
    return random.random(), float(np.random.rand()), float(torch.rand(()))


def test_setup_seeds_every_generator_reproducibly():
    lthbook.setup(seed=123, verbose=False)
    first = draws()
    lthbook.setup(seed=123, verbose=False)
    assert draws() == first
    lthbook.setup(seed=124, verbose=False)
    assert draws() != first


def test_setup_returns_device_and_versions(capsys):
    info = lthbook.setup(seed=0, device="cpu")
    assert info.device == torch.device("cpu") and info.seed == 0
    assert info.versions["lthbook"] == lthbook.__version__
    assert info.versions["torch"] == torch.__version__
    out = capsys.readouterr().out
    assert "device: cpu" in out and f"torch {torch.__version__}" in out


def test_setup_default_device_is_cuda_when_available():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert lthbook.setup(seed=0, verbose=False).device.type == expected


@pytest.mark.parametrize("seed, error", [(-1, ValueError), (2**32, ValueError), (1.5, TypeError), ("0", TypeError)])
def test_setup_rejects_bad_seeds(seed, error):
    with pytest.raises(error, match="seed"):
        lthbook.setup(seed=seed, verbose=False)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the refusal on a machine without CUDA")
def test_cuda_refused_without_gpu():
    with pytest.raises(ValueError, match="device"):
        lthbook.setup(seed=0, device="cuda", verbose=False)


def test_validation_helpers_name_the_argument():
    with pytest.raises(ValueError, match=r"width must be an integer in \[1, 5\]; got 9"):
        v.check_int("width", 9, low=1, high=5)
    with pytest.raises(TypeError, match="width must be an integer"):
        v.check_int("width", True)
    with pytest.raises(ValueError, match=r"eps must lie in \(0, 1\)"):
        v.check_float("eps", 1.0, low=0, high=1, low_inclusive=False, high_inclusive=False)
    with pytest.raises(ValueError, match="eps must be finite"):
        v.check_float("eps", float("nan"))
    with pytest.raises(ValueError, match="law must be one of"):
        v.check_choice("law", "cauchy", ("uniform", "gaussian"))
    with pytest.raises(ValueError, match="x must contain only finite"):
        v.as_float64_tensor("x", [1.0, float("inf")], device=torch.device("cpu"))
    with pytest.raises(ValueError, match="x must have 1 dimension"):
        v.as_float64_tensor("x", [[1.0]], device=torch.device("cpu"), ndim=(1,))
    with pytest.raises(TypeError, match="x must hold real numbers"):
        v.as_float64_tensor("x", torch.ones(2, dtype=torch.complex64), device=torch.device("cpu"))
    tensor = v.as_float64_tensor("x", np.arange(3), device=torch.device("cpu"))
    assert tensor.dtype == torch.float64 and tensor.tolist() == [0.0, 1.0, 2.0]


def chapter_paths():
    return sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))


def test_every_chapter_opens_with_the_current_colab_cell():
    assert chapter_paths(), "no chapter found"
    assert sync_setup_cells.main(["--check"]) == 0, "run scripts/sync_setup_cells.py"


@pytest.mark.parametrize("path", chapter_paths(), ids=lambda p: p.name)
def test_colab_cell_installs_only_lthbook_from_the_configured_repository(path):
    nb = json.loads(path.read_text())
    first = "".join(next(c for c in nb["cells"] if c["cell_type"] == "code")["source"])
    url = sync_setup_cells.repository_url()
    assert f"lthbook @ git+{url}@v{lthbook.__version__}" in first
    assert "import google.colab" in first and "if IN_COLAB:" in first
    installed = re.findall(r'^\s+"([^"]+)"\], check=True\)', first, flags=re.MULTILINE)
    assert installed and installed[0].startswith("lthbook @ ")
    assert not any("torch" in package for package in installed), "the Colab cell must not reinstall torch"
    assert "--no-deps" in first
    assert "lthbook.setup(seed=" in first
