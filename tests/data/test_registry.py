"""The named datasets (digits, mnist, fashion_mnist), their search order, and load_dataset's checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import vaegui.data.registry as registry
from vaegui.data import dataset_names, load_dataset
from vaegui.errors import DataError

DEBIAN_FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")
DEBIAN_FILES = [f"{part}-{kind}-ubyte.gz" for part in ("train", "t10k") for kind in ("images-idx3", "labels-idx1")]


@pytest.fixture(scope="module")
def digits():
    return load_dataset("digits")


@pytest.fixture
def no_download(monkeypatch):
    """Fail loudly instead of downloading; record which dataset would have been fetched."""
    attempts = []

    def refuse(name, *args):
        attempts.append(name)
        raise DataError(f"test: would download {name}")

    monkeypatch.setattr(registry, "_download_with_keras", refuse)
    return attempts


def test_dataset_names_start_with_the_default():
    assert dataset_names() == ["digits", "mnist", "fashion_mnist"]


def test_digits_shapes_range_labels_and_split(digits):
    assert digits.name == "digits"
    assert digits.source == "scikit-learn bundled digits"
    assert digits.image_shape == (8, 8, 1)
    assert len(digits.train) + len(digits.test) == 1797
    assert len(digits.test) == 180  # round(1797 * 0.1)
    assert digits.class_names == [str(digit) for digit in range(10)]
    for split in (digits.train, digits.test):
        assert split.images.dtype == np.float32
        assert split.images[:].min() == 0.0 and split.images[:].max() == 1.0
        assert split.labels.dtype == np.int64
        assert set(split.labels) == set(range(10))


def test_a_subset_keeps_the_same_images_each_time_in_the_dataset_proportion(digits):
    subset = load_dataset("digits", subset=500)
    assert (len(subset.train), len(subset.test)) == (450, 50)  # 1617 : 180, as in the whole dataset
    again = load_dataset("digits", subset=500)
    np.testing.assert_array_equal(subset.train.images, again.train.images)
    np.testing.assert_array_equal(subset.test.labels, again.test.labels)
    other_seed = load_dataset("digits", subset=500, seed=1)
    assert not np.array_equal(subset.train.labels, other_seed.train.labels)
    # Every image kept is one of the dataset's own, each once.
    whole = {image.tobytes() for image in digits.train.images}
    assert {image.tobytes() for image in subset.train.images} <= whole
    assert len({image.tobytes() for image in subset.train.images}) == 450
    assert "500 of its 1,797 images" in subset.source
    assert load_dataset("digits", subset=5000).source == digits.source  # more than there are: all of them


@pytest.mark.parametrize("subset", [5, 2.5, True])
def test_an_impossible_subset_is_refused(subset):
    with pytest.raises(DataError, match="Subset .* is not possible: give a whole number of images from 10"):
        load_dataset("digits", subset=subset)


def test_digits_split_is_deterministic_per_seed(digits):
    again = load_dataset("digits")
    other_seed = load_dataset("digits", seed=1)

    np.testing.assert_array_equal(again.test.images, digits.test.images)
    np.testing.assert_array_equal(again.test.labels, digits.test.labels)
    assert not np.array_equal(other_seed.test.images, digits.test.images)


def test_digits_upscaled_to_28(digits):
    large = load_dataset("digits", image_size=28, test_fraction=0.2)

    assert large.image_shape == (28, 28, 1)
    assert len(large.test) == 359  # round(1797 * 0.2)
    assert 0.0 <= large.train.images[:].min() and large.train.images[:].max() <= 1.0
    # Upscaling keeps each digit: the mean brightness barely moves.
    assert abs(large.train.images[:].mean() - digits.train.images[:].mean()) < 0.05


def test_names_are_matched_loosely():
    dataset = load_dataset("  Digits ", channels=3, test_fraction=0.0)

    assert dataset.image_shape == (8, 8, 3)
    assert len(dataset.test) == 0


@pytest.mark.skipif(
    not all((DEBIAN_FASHION_MNIST / name).is_file() for name in DEBIAN_FILES),
    reason="Debian package dataset-fashion-mnist is not installed",
)
def test_fashion_mnist_from_the_debian_package(no_download, monkeypatch):
    monkeypatch.delenv(registry.FASHION_MNIST_DIR_ENV, raising=False)
    monkeypatch.setattr(registry, "FASHION_MNIST_DIRS", (str(DEBIAN_FASHION_MNIST),))

    dataset = load_dataset("fashion_mnist")

    assert (len(dataset.train), len(dataset.test)) == (60000, 10000)
    assert dataset.image_shape == (28, 28, 1)
    assert dataset.class_names[0] == "T-shirt/top" and len(dataset.class_names) == 10
    assert set(np.unique(dataset.test.labels)) == set(range(10))
    assert dataset.source == str(DEBIAN_FASHION_MNIST)
    assert no_download == []


def test_fashion_mnist_searches_the_folders_in_order(tmp_path, make_mnist_folder, no_download, monkeypatch):
    monkeypatch.delenv(registry.FASHION_MNIST_DIR_ENV, raising=False)
    second = make_mnist_folder(tmp_path / "second", train_count=20, test_count=5)
    monkeypatch.setattr(registry, "FASHION_MNIST_DIRS", (str(tmp_path / "missing"), str(second)))

    dataset = load_dataset("fashion-mnist")

    assert dataset.name == "fashion_mnist"
    assert (len(dataset.train), len(dataset.test)) == (20, 5)
    assert dataset.class_names[-1] == "Ankle boot"
    assert dataset.source == str(second.resolve())
    assert no_download == []


def test_environment_variable_comes_first(tmp_path, make_mnist_folder, no_download, monkeypatch):
    default = make_mnist_folder(tmp_path / "default", train_count=20, test_count=5)
    chosen = make_mnist_folder(tmp_path / "chosen", train_count=10, test_count=3, suffix="")
    monkeypatch.setattr(registry, "FASHION_MNIST_DIRS", (str(default),))
    monkeypatch.setenv(registry.FASHION_MNIST_DIR_ENV, str(chosen))

    dataset = load_dataset("fashion_mnist", image_size=14)

    assert (len(dataset.train), len(dataset.test)) == (10, 3)
    assert dataset.image_shape == (14, 14, 1)


def test_mnist_reads_the_keras_cache_npz(tmp_path, no_download, monkeypatch):
    monkeypatch.delenv(registry.MNIST_DIR_ENV, raising=False)
    np.savez(
        tmp_path / "mnist.npz",
        x_train=np.zeros((6, 28, 28), np.uint8),
        y_train=np.arange(6),
        x_test=np.zeros((2, 28, 28), np.uint8),
        y_test=np.arange(2),
    )
    monkeypatch.setattr(registry, "MNIST_DIRS", (str(tmp_path),))

    dataset = load_dataset("mnist")

    assert dataset.name == "mnist"
    assert (len(dataset.train), len(dataset.test)) == (6, 2)
    assert dataset.class_names == [str(digit) for digit in range(10)]


def test_download_is_the_last_resort(tmp_path, no_download, monkeypatch):
    monkeypatch.delenv(registry.MNIST_DIR_ENV, raising=False)
    monkeypatch.setattr(registry, "MNIST_DIRS", (str(tmp_path),))

    with pytest.raises(DataError, match="would download"):
        load_dataset("mnist")

    assert no_download == ["mnist"]


def test_without_keras_the_error_says_where_to_put_the_files(tmp_path, monkeypatch):
    monkeypatch.delenv(registry.FASHION_MNIST_DIR_ENV, raising=False)
    monkeypatch.setattr(registry, "FASHION_MNIST_DIRS", (str(tmp_path),))
    monkeypatch.setitem(sys.modules, "keras", None)  # makes `import keras` fail

    with pytest.raises(DataError, match="Keras, which could download it, is not installed") as error:
        load_dataset("fashion_mnist")

    assert str(tmp_path) in str(error.value)
    assert registry.FASHION_MNIST_DIR_ENV in str(error.value)


def test_unknown_name_lists_the_registry_names_and_paths():
    with pytest.raises(DataError) as error:
        load_dataset("cifar10")

    message = str(error.value)
    assert "'cifar10'" in message
    assert all(name in message for name in dataset_names())
    assert "folder" in message and ".npz" in message


def test_unsupported_file_type_is_rejected(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("1,2,3")

    with pytest.raises(DataError, match="not a dataset vaegui can read"):
        load_dataset(path)


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("image_size", 0),
        ("image_size", 7),  # below the smallest a run accepts (vaegui.config.IMAGE_SIZE)
        ("image_size", 257),
        ("image_size", 2.5),
        ("channels", 2),
        ("test_fraction", 1.0),
        ("test_fraction", 0.95),
        ("test_fraction", -0.1),
        ("seed", -1),
    ],
)
def test_impossible_options_are_rejected(option, value):
    with pytest.raises(DataError, match="not possible"):
        load_dataset("digits", **{option: value})


def test_unreadable_folder_says_to_check_permissions(tmp_path, monkeypatch):
    real_access = os.access
    monkeypatch.setattr(registry.os, "access", lambda path, mode: Path(path) != tmp_path and real_access(path, mode))

    with pytest.raises(DataError, match="permission") as error:
        load_dataset(tmp_path)

    assert str(tmp_path) in str(error.value)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads every file")
def test_unreadable_npz_says_to_check_permissions(tmp_path):
    path = tmp_path / "locked.npz"
    np.savez(path, x=np.zeros((2, 2, 2), np.uint8))
    path.chmod(0)

    with pytest.raises(DataError, match="permission"):
        load_dataset(path)


@pytest.mark.spawns
def test_importing_the_data_layer_stays_light():
    code = (
        "import sys, vaegui.data; "
        "print(sorted(m for m in ('tensorflow', 'keras', 'sklearn', 'PySide6') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert result.stdout.strip() == "[]"
