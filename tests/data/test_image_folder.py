"""Image folders: flat and per-class layouts, every PIL mode, skipped files, and laziness."""

from __future__ import annotations

import os

import numpy as np
import pytest
from PIL import Image

import vaegui.data.image_folder as image_folder
from vaegui.data import LazyImages, load_dataset
from vaegui.errors import DataError


def save_rgb(path, colour, size=(12, 9)):
    Image.new("RGB", size, colour).save(path)
    return path


@pytest.fixture
def mixed_folder(tmp_path):
    """One file per awkward mode or size, plus files that must be skipped or ignored."""
    folder = tmp_path / "mixed"
    folder.mkdir()
    save_rgb(folder / "a_rgb_wide.jpg", (255, 0, 0), size=(40, 10))
    rgba = Image.new("RGBA", (10, 10), (0, 255, 0, 255))
    rgba.paste((0, 255, 0, 0), (0, 0, 5, 10))  # left half fully transparent
    rgba.save(folder / "b_rgba.png")
    Image.new("CMYK", (16, 16), (0, 0, 0, 0)).save(folder / "c_cmyk.jpg")  # white
    Image.fromarray(np.full((8, 8), 65535, dtype=np.uint16)).save(folder / "d_16bit.png")
    palette = Image.new("P", (6, 6), 1)
    palette.putpalette([0, 0, 0, 0, 0, 255] + [0] * 762)
    palette.save(folder / "e_palette.png")
    first, second = Image.new("RGB", (9, 9), (255, 0, 0)), Image.new("RGB", (9, 9), (0, 0, 255))
    first.save(folder / "f_animated.gif", save_all=True, append_images=[second], duration=50)
    Image.new("LA", (7, 7), (255, 255)).save(folder / "g_la.png")
    Image.new("1", (5, 5), 1).save(folder / "h_bilevel.bmp")
    Image.new("L", (30, 20), 128).save(folder / "i_grey.webp")
    (folder / "j_empty.jpg").write_bytes(b"")
    (folder / "k_broken.png").write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    (folder / "notes.txt").write_text("not an image, not counted")
    (folder / ".hidden.png").write_bytes(b"ignored like every dot file")
    return folder


def decoded_by_name(dataset):
    images = dataset.train.images
    return {path.rsplit("/", 1)[1]: images[row] for row, path in enumerate(images.paths)}


def test_flat_folder_reads_every_mode_to_rgb(mixed_folder):
    dataset = load_dataset(str(mixed_folder), image_size=8, test_fraction=0.0)
    pixels = decoded_by_name(dataset)

    assert isinstance(dataset.train.images, LazyImages)
    assert dataset.image_shape == (8, 8, 3)
    assert len(dataset.train) == 9 and len(dataset.test) == 0
    assert dataset.train.labels is None and dataset.class_names is None
    for name, image in pixels.items():
        assert image.shape == (8, 8, 3) and image.dtype == np.float32, name
        assert 0.0 <= image.min() and image.max() <= 1.0, name
    np.testing.assert_allclose(pixels["a_rgb_wide.jpg"].mean(axis=(0, 1)), [1, 0, 0], atol=0.02)
    rgba = pixels["b_rgba.png"]
    np.testing.assert_allclose(rgba[:, 0], 0.0, atol=1e-6)  # transparent -> black
    np.testing.assert_allclose(rgba[:, -1], [[0, 1, 0]] * 8, atol=1e-6)
    np.testing.assert_allclose(pixels["c_cmyk.jpg"], 1.0, atol=0.02)
    np.testing.assert_allclose(pixels["d_16bit.png"], 1.0, atol=1e-6)
    np.testing.assert_allclose(pixels["e_palette.png"], [[[0, 0, 1]] * 8] * 8, atol=1e-6)
    np.testing.assert_allclose(pixels["f_animated.gif"].mean(axis=(0, 1)), [1, 0, 0], atol=0.02)
    np.testing.assert_allclose(pixels["g_la.png"], 1.0, atol=1e-6)
    np.testing.assert_allclose(pixels["h_bilevel.bmp"], 1.0, atol=1e-6)
    np.testing.assert_allclose(pixels["i_grey.webp"], 128 / 255, atol=0.02)


def test_broken_and_empty_files_are_skipped_and_reported(mixed_folder):
    dataset = load_dataset(mixed_folder)

    skipped = dict(dataset.train.images.skipped_files)
    assert set(skipped) == {str(mixed_folder / "j_empty.jpg"), str(mixed_folder / "k_broken.png")}
    assert "0 bytes" in skipped[str(mixed_folder / "j_empty.jpg")]
    # Both splits report the same skipped files.
    assert dataset.test.images.skipped_files is dataset.train.images.skipped_files


def test_grey_channel_and_default_size(mixed_folder):
    dataset = load_dataset(mixed_folder, channels=1, test_fraction=0.0)

    assert dataset.image_shape == (64, 64, 1)
    assert dataset.train.images[:].shape == (9, 64, 64, 1)


def test_centre_crop_keeps_the_middle_of_a_wide_image(tmp_path):
    wide = Image.new("RGB", (30, 10), (255, 0, 0))
    wide.paste((0, 0, 255), (10, 0, 20, 10))  # blue middle third
    wide.save(tmp_path / "wide.png")

    dataset = load_dataset(tmp_path, image_size=10, test_fraction=0.0)

    np.testing.assert_allclose(dataset.train.images[0], [[[0, 0, 1]] * 10] * 10, atol=1e-6)


def test_class_sub_folders_give_labels_and_sorted_class_names(tmp_path):
    for name, colour in (("dogs", (0, 0, 255)), ("cats", (255, 0, 0))):
        (tmp_path / name / "nested").mkdir(parents=True)
        for index in range(5):
            save_rgb(tmp_path / name / f"{index}.png", colour)
        save_rgb(tmp_path / name / "nested" / "deep.png", colour)
    (tmp_path / "empty").mkdir()

    dataset = load_dataset(tmp_path, image_size=8, test_fraction=0.5, seed=2)

    assert dataset.class_names == ["cats", "dogs"]
    assert (len(dataset.train), len(dataset.test)) == (6, 6)
    assert list(np.bincount(dataset.test.labels)) == [3, 3]
    for split in (dataset.train, dataset.test):
        red = split.images[split.labels == 0][:, 0, 0, 0]
        np.testing.assert_allclose(red, 1.0)  # every "cats" image is the red one


def test_a_single_class_folder_is_unlabelled(tmp_path):
    (tmp_path / "img_align_celeba").mkdir()
    for index in range(3):
        save_rgb(tmp_path / "img_align_celeba" / f"{index:06d}.jpg", (9, 9, 9))

    dataset = load_dataset(tmp_path, test_fraction=0.0)

    assert len(dataset.train) == 3
    assert dataset.train.labels is None and dataset.class_names is None


def test_scan_decodes_nothing_and_indexing_decodes_only_what_is_asked(tmp_path, monkeypatch):
    for index in range(6):
        save_rgb(tmp_path / f"{index}.png", (index * 40, 0, 0))
    decoded = []
    real_decode = image_folder.decode_image

    def counting_decode(path, image_size, channels):
        decoded.append(path)
        return real_decode(path, image_size, channels)

    monkeypatch.setattr(image_folder, "decode_image", counting_decode)
    images = load_dataset(tmp_path, image_size=9, test_fraction=0.0).train.images

    assert decoded == []
    assert not any(isinstance(value, np.ndarray) for value in vars(images).values())
    assert images.shape == (6, 9, 9, 3) and len(images) == 6 and images.dtype == np.float32
    assert images[2].shape == (9, 9, 3)
    assert images[-1][0, 0, 0] == pytest.approx(200 / 255)
    assert images[1:4].shape == (3, 9, 9, 3)
    assert images[np.array([5, 0])].shape == (2, 9, 9, 3)
    assert images[np.array([True, False] * 3)].shape == (3, 9, 9, 3)
    assert images[[]].shape == (0, 9, 9, 3)
    assert len(decoded) == 2 + 3 + 2 + 3
    np.testing.assert_allclose(np.asarray(images)[:, 0, 0, 0], np.arange(6) * 40 / 255)
    with pytest.raises(IndexError):
        images[6]


def test_large_batches_decoded_on_threads_match_one_by_one(tmp_path, monkeypatch):
    monkeypatch.setattr(image_folder, "PARALLEL_DECODE_MIN_FILE_BYTES", 0)  # these tiny files go to threads too
    for index in range(image_folder.PARALLEL_DECODE_MIN_BATCH + 4):
        save_rgb(tmp_path / f"{index:02d}.png", (index * 10, 255 - index * 10, 7))
    images = load_dataset(tmp_path, image_size=8, test_fraction=0.0).train.images

    batch = images[:]
    assert images._decode_pool() is not None

    np.testing.assert_array_equal(batch, np.stack([images[row] for row in range(len(images))]))
    np.testing.assert_allclose(batch[:, 0, 0, 0], np.arange(len(images)) * 10 / 255, rtol=1e-6)


def test_threads_decode_photos_but_not_small_files(tmp_path):
    # Small PNGs decode ~3x faster on one thread than on two fighting over the GIL; photos gain from threads.
    (tmp_path / "small").mkdir()
    (tmp_path / "photos").mkdir()
    noise = np.random.default_rng(0)
    for index in range(20):
        save_rgb(tmp_path / "small" / f"{index:02d}.png", (index, index, index))
        pixels = noise.integers(0, 256, (160, 120, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(tmp_path / "photos" / f"{index:02d}.jpg")
    small = load_dataset(tmp_path / "small", image_size=8, test_fraction=0.0).train.images
    photos = load_dataset(tmp_path / "photos", image_size=8, test_fraction=0.0).train.images
    assert (tmp_path / "small" / "00.png").stat().st_size < image_folder.PARALLEL_DECODE_MIN_FILE_BYTES
    assert (tmp_path / "photos" / "00.jpg").stat().st_size >= image_folder.PARALLEL_DECODE_MIN_FILE_BYTES
    assert small._decode_pool() is None
    if (os.cpu_count() or 1) > 1:
        assert photos._decode_pool() is not None
    np.testing.assert_array_equal(photos[:], np.stack([photos[row] for row in range(len(photos))]))


def test_a_file_that_fails_only_when_decoded_reads_as_black(tmp_path):
    noise = np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    Image.fromarray(noise).save(tmp_path / "good.jpg")
    whole = (tmp_path / "good.jpg").read_bytes()
    (tmp_path / "cut.jpg").write_bytes(whole[: len(whole) // 2])  # header fine, data cut

    images = load_dataset(tmp_path, image_size=8, test_fraction=0.0).train.images

    assert len(images) == 2
    np.testing.assert_allclose(images[0], 0.0)
    assert [path for path, _ in images.skipped_files] == [str(tmp_path / "cut.jpg")]
    images[0]  # a second failure is not reported twice
    assert len(images.skipped_files) == 1


def test_a_folder_without_images_says_which_types_are_supported(tmp_path):
    (tmp_path / "readme.txt").write_text("hello")

    with pytest.raises(DataError, match="No images found") as error:
        load_dataset(tmp_path)

    assert str(tmp_path) in str(error.value) and ".png" in str(error.value)


def test_a_folder_of_only_broken_images_lists_them(tmp_path):
    (tmp_path / "zero.png").write_bytes(b"")

    with pytest.raises(DataError, match="1 file") as error:
        load_dataset(tmp_path)

    assert "zero.png" in str(error.value)


def test_a_rescan_trusts_headers_it_checked_while_the_file_is_unchanged(tmp_path, monkeypatch):
    """A large folder's second scan opens only files changed since the first (each kept with its size and time)."""
    import vaegui.data.verified_images as verified_images

    monkeypatch.setenv("VAEGUI_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(verified_images, "REMEMBER_FROM_FILES", 1)  # as for a folder of thousands
    folder = tmp_path / "faces"
    folder.mkdir()
    for i in range(4):
        save_rgb(folder / f"{i}.png", (60 * i, 0, 0))
    assert len(image_folder.scan_image_folder(folder).paths) == 4
    assert list(verified_images.cache_folder().glob("*.npz"))  # the record, in the cache, not the data folder
    assert sorted(os.listdir(folder)) == [f"{i}.png" for i in range(4)]

    # Broken in place, same size and time: trusted (its header is not read again) ...
    target = folder / "1.png"
    status = target.stat()
    target.write_bytes(b"x" * status.st_size)
    os.utime(target, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert len(image_folder.scan_image_folder(folder).paths) == 4
    # ... and checked again once its time changes: then it is found broken and skipped.
    os.utime(target, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))
    scan = image_folder.scan_image_folder(folder)
    assert len(scan.paths) == 3 and scan.skipped_files[0][0] == str(target)


def test_a_small_folder_is_checked_every_time_and_leaves_no_record(tmp_path, monkeypatch):
    import vaegui.data.verified_images as verified_images

    monkeypatch.setenv("VAEGUI_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "few"
    folder.mkdir()
    save_rgb(folder / "a.png", (0, 0, 0))
    assert len(image_folder.scan_image_folder(folder).paths) == 1
    assert not verified_images.cache_folder().exists()
