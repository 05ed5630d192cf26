"""IDX reading: plain and gzip files, train/t10k pairs, single pairs, and damaged files."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from vaegui.data import idx, load_dataset
from vaegui.data.idx import IMAGES_MAGIC, LABELS_MAGIC, read_idx
from vaegui.errors import DataError


@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_read_idx_round_trips_images_and_labels(tmp_path, write_idx, suffix):
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    labels = np.array([7, 1], dtype=np.uint8)
    images_path = write_idx(tmp_path / f"x-images-idx3-ubyte{suffix}", images)
    labels_path = write_idx(tmp_path / f"x-labels-idx1-ubyte{suffix}", labels)

    np.testing.assert_array_equal(read_idx(images_path, IMAGES_MAGIC), images)
    np.testing.assert_array_equal(read_idx(labels_path, LABELS_MAGIC), labels)


@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_folder_with_train_and_t10k_pairs_loads_both_parts(tmp_path, make_mnist_folder, suffix):
    folder = make_mnist_folder(tmp_path / "mnist", train_count=30, test_count=10, suffix=suffix)

    dataset = load_dataset(str(folder))

    assert (len(dataset.train), len(dataset.test)) == (30, 10)
    assert dataset.image_shape == (28, 28, 1)
    assert dataset.train.images.dtype == np.float32  # as read
    assert dataset.train.images.pixel_dtype == np.uint8  # as kept: a quarter of float32's memory
    assert 0.0 <= dataset.train.images[:].min() and dataset.train.images[:].max() <= 1.0
    assert dataset.train.labels.dtype == np.int64
    np.testing.assert_array_equal(dataset.test.labels, np.arange(10) % 10)
    assert dataset.name == str(folder)
    assert dataset.source == str(folder.resolve())
    assert dataset.class_names is None


def test_uint8_pixels_are_scaled_to_unit_range(tmp_path, write_idx):
    write_idx(tmp_path / "data-images-idx3-ubyte", np.array([[[0, 255], [51, 102]]] * 10))

    dataset = load_dataset(tmp_path, test_fraction=0.0)

    np.testing.assert_allclose(dataset.train.images[0, :, :, 0], [[0.0, 1.0], [0.2, 0.4]])
    assert dataset.train.labels is None
    assert len(dataset.test) == 0


def test_single_pair_is_split_by_test_fraction_with_the_seed(tmp_path, write_idx):
    rng = np.random.default_rng(0)
    write_idx(tmp_path / "letters-images-idx3-ubyte.gz", rng.integers(0, 256, (40, 5, 5)))
    write_idx(tmp_path / "letters-labels-idx1-ubyte.gz", np.arange(40) % 4)

    first = load_dataset(tmp_path, test_fraction=0.25, seed=3)
    again = load_dataset(tmp_path, test_fraction=0.25, seed=3)

    assert (len(first.train), len(first.test)) == (30, 10)
    np.testing.assert_array_equal(first.test.images, again.test.images)
    # Stratified: each of the 4 labels (10 images each) gets 2 or 3 of the 10 test places.
    assert sorted(np.bincount(first.test.labels, minlength=4)) == [2, 2, 3, 3]


def test_image_size_and_channels_resize_idx_images(tmp_path, make_mnist_folder):
    folder = make_mnist_folder(tmp_path / "mnist", train_count=4, test_count=2)

    dataset = load_dataset(folder, image_size=16, channels=3)

    assert dataset.train.images.shape == (4, 16, 16, 3)
    assert dataset.test.images.shape == (2, 16, 16, 3)


def test_plain_file_is_preferred_when_gunzip_kept_both(tmp_path, write_idx):
    write_idx(tmp_path / "train-images-idx3-ubyte", np.zeros((3, 2, 2)))
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", np.zeros((3, 2, 2)))

    dataset = load_dataset(tmp_path, test_fraction=0.0)

    assert len(dataset.train) == 3


def test_truncated_file_names_the_file_and_says_download_again(tmp_path, write_idx):
    path = write_idx(tmp_path / "train-images-idx3-ubyte", np.zeros((5, 4, 4)))
    path.write_bytes(path.read_bytes()[:-10])

    with pytest.raises(DataError, match="truncated") as error:
        load_dataset(tmp_path)

    assert str(path) in str(error.value)
    assert "5 images of 4×4" in str(error.value)
    assert "Download the file again" in str(error.value)


def test_truncated_gzip_stream_is_reported_as_damaged(tmp_path, write_idx):
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(bytes(4000))[:-20])

    with pytest.raises(DataError, match="damaged gzip") as error:
        load_dataset(tmp_path)

    assert str(path) in str(error.value)


def test_gzip_larger_than_one_decompression_step_reads_whole(tmp_path, monkeypatch):
    # Random pixels barely compress, so the file spans several steps of the stepwise decompression.
    monkeypatch.setattr(idx, "GUNZIP_STEP_BYTES", 4096)
    images = np.random.default_rng(0).integers(0, 256, size=(40, 28, 28), dtype=np.uint8)
    header = IMAGES_MAGIC.to_bytes(4, "big") + b"".join(n.to_bytes(4, "big") for n in images.shape)
    path = tmp_path / "x-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(header + images.tobytes()))
    assert path.stat().st_size > 5 * idx.GUNZIP_STEP_BYTES

    np.testing.assert_array_equal(read_idx(path, IMAGES_MAGIC), images)


def test_gzip_of_several_members_reads_as_their_concatenation(tmp_path):
    # `cat a.gz b.gz > c.gz` is a valid gzip file; gunzip gives both parts, and so must we.
    labels = np.arange(300, dtype=np.uint8) % 10
    data = LABELS_MAGIC.to_bytes(4, "big") + len(labels).to_bytes(4, "big") + labels.tobytes()
    path = tmp_path / "x-labels-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(data[:100]) + gzip.compress(data[100:]))

    np.testing.assert_array_equal(read_idx(path, LABELS_MAGIC), labels)


def test_gzip_followed_by_garbage_is_reported_as_damaged(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(bytes(4000)) + b"not gzip")

    with pytest.raises(DataError, match="damaged gzip") as error:
        load_dataset(tmp_path)

    assert str(path) in str(error.value)


def test_wrong_magic_names_the_file_and_the_expected_marker(tmp_path, write_idx):
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", np.zeros((3, 2, 2)))
    # An images file saved under the labels name: its marker says 3 dimensions, not 1.
    labels_path = write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.zeros((3, 2, 2)))

    with pytest.raises(DataError, match="0x00000801") as error:
        load_dataset(tmp_path)

    assert str(labels_path) in str(error.value)
    assert "0x00000803" in str(error.value)


def test_label_count_must_match_image_count(tmp_path, write_idx):
    images_path = write_idx(tmp_path / "train-images-idx3-ubyte", np.zeros((4, 2, 2)))
    labels_path = write_idx(tmp_path / "train-labels-idx1-ubyte", np.zeros(3))

    with pytest.raises(DataError, match="3 labels") as error:
        load_dataset(tmp_path)

    assert str(labels_path) in str(error.value)
    assert str(images_path) in str(error.value)


def test_several_unpaired_image_files_are_ambiguous(tmp_path, write_idx):
    write_idx(tmp_path / "a-images-idx3-ubyte", np.zeros((2, 2, 2)))
    write_idx(tmp_path / "b-images-idx3-ubyte", np.zeros((2, 2, 2)))

    with pytest.raises(DataError, match="several IDX image files") as error:
        load_dataset(tmp_path)

    assert "a-images-idx3-ubyte, b-images-idx3-ubyte" in str(error.value)


def test_a_single_idx_file_asks_for_its_folder(tmp_path, write_idx):
    path = write_idx(tmp_path / "train-images-idx3-ubyte", np.zeros((2, 2, 2)))

    with pytest.raises(DataError, match="Give the folder"):
        load_dataset(path)
