"""Messy datasets given to `vaegui train`: a clear error line and no run folder, or skipped files counted."""

from __future__ import annotations

import io
import os
import re
import shutil
import struct
import tempfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.robustness.conftest import TINY, digest, error_line, run_cli, run_cli_process
from vaegui.data import load_dataset
from vaegui.runs import Run

NOBODY = 65534


def write_idx(path, magic, dimensions, payload: bytes) -> None:
    path.write_bytes(struct.pack(f">I{len(dimensions)}I", magic, *dimensions) + payload)


def idx_pair(folder, images=20, labels=20, image_bytes=None):
    folder.mkdir()
    pixels = image_bytes if image_bytes is not None else bytes(range(256)) * (images * 64 // 256 + 1)
    write_idx(folder / "train-images-idx3-ubyte", 0x803, (images, 8, 8), pixels[: images * 64])
    write_idx(folder / "train-labels-idx1-ubyte", 0x801, (labels,), bytes(i % 10 for i in range(labels)))
    return folder


def refused(capsys, tmp_path, dataset, *extra) -> str:
    """Train on `dataset`: exit 1, one error line, no run folder left behind, and the dataset untouched."""
    given = Path(dataset)
    before = (digest(given) if given.is_dir() else digest(given.parent)) if given.exists() else None
    code, _, err = run_cli(capsys, "train", "--dataset", dataset, *TINY, "--out", tmp_path / "out", *extra)
    assert code == 1
    assert not (tmp_path / "out").exists(), "a refused dataset must not leave a run folder"
    if before is not None:
        assert (digest(given) if given.is_dir() else digest(given.parent)) == before, "the dataset was changed"
    return error_line(err)


def test_truncated_idx(capsys, tmp_path):
    folder = idx_pair(tmp_path / "idx")
    images = folder / "train-images-idx3-ubyte"
    images.write_bytes(images.read_bytes()[:-100])
    assert refused(capsys, tmp_path, folder) == (
        f"{images} is truncated: its header announces 20 images of 8×8 pixels (1280 bytes) but only 1180 bytes "
        "follow. Download the file again."
    )


def test_idx_with_the_wrong_magic_number(capsys, tmp_path):
    folder = idx_pair(tmp_path / "idx")
    images = folder / "train-images-idx3-ubyte"
    images.write_bytes(b"\x00\x00\x08\x01" + images.read_bytes()[4:])  # the labels' marker on the images file
    assert refused(capsys, tmp_path, folder) == (
        f"{images} is not an IDX image file: it starts with 0x00000801, expected 0x00000803. Check that it is the "
        "image file of the pair (…-idx3-ubyte) and download it again if it is damaged."
    )


def test_idx_labels_not_matching_images(capsys, tmp_path):
    folder = idx_pair(tmp_path / "idx", images=20, labels=18)
    assert refused(capsys, tmp_path, folder) == (
        f"{folder / 'train-labels-idx1-ubyte'} holds 18 labels but {folder / 'train-images-idx3-ubyte'} holds 20 "
        "images; they must match. Check that both files belong to the same set (train-… with train-…, t10k-… with "
        "t10k-…) and are complete."
    )


def test_folder_without_images(capsys, tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "readme.txt").write_text("no pictures here")
    (folder / "empty.png").write_bytes(b"")
    message = refused(capsys, tmp_path, folder)
    assert message.startswith(f"No images found in {folder}; supported: .png, .jpg")
    assert message.endswith(
        f"1 file(s) could not be read, e.g. {folder / 'empty.png'}: empty file (0 bytes). Choose a folder that holds "
        "images, or one sub-folder of images per class."
    )


def test_missing_dataset_path(capsys, tmp_path):
    assert refused(capsys, tmp_path, tmp_path / "nowhere") == (
        f"'{tmp_path / 'nowhere'}' is neither a built-in dataset (digits, mnist, fashion_mnist) nor an existing file "
        "or folder. Give one of those names, or the path to a folder of images, a folder of IDX files or an .npz file."
    )


def random_image(rng, width, height, mode="RGB") -> Image.Image:
    return Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8)).convert(mode)


def messy_folder(folder):
    """Good files in every mode and size, the odd-but-readable kinds, and four broken ones."""
    rng = np.random.default_rng(0)
    folder.mkdir()
    for i, mode in enumerate(["RGB", "L", "RGBA", "P", "1", "LA"] * 3):
        random_image(rng, 20 + 9 * i, 14 + 5 * i, mode).save(folder / f"good-{i:02d}.png")
    random_image(rng, 40, 30, "CMYK").save(folder / "cmyk.jpg")
    Image.fromarray(rng.integers(1000, 65535, (24, 24), dtype=np.uint16)).save(folder / "deep-16-bit.png")
    frames = [random_image(rng, 32, 32) for _ in range(3)]
    frames[0].save(folder / "animated.gif", save_all=True, append_images=frames[1:], duration=100)
    (folder / "zero-bytes.png").write_bytes(b"")
    (folder / "text-renamed.png").write_text("not an image at all")
    whole = (folder / "good-00.png").read_bytes()
    (folder / "cut-short.png").write_bytes(whole[: len(whole) // 2])
    # A JPEG's header reads fine: only decoding finds the missing half, during training.
    jpeg = io.BytesIO()
    random_image(rng, 64, 64).save(jpeg, "JPEG")
    (folder / "cut-short.jpg").write_bytes(jpeg.getvalue()[: len(jpeg.getvalue()) // 2])
    return folder


@pytest.mark.trains
def test_broken_files_are_skipped_and_counted(capsys, tmp_path):
    folder = messy_folder(tmp_path / "messy")
    before = digest(folder)
    args = ["--image-size", "16", "--conv-filters", "4,8", "--dense-units", "8", "--batch-size", "4", "--epochs", "1"]
    code, _, err = run_cli(capsys, "train", "--dataset", folder, *args, "--out", tmp_path / "out")
    assert code == 0, err
    warnings = [line for line in err.splitlines() if line.startswith("vaegui: warning: ")]
    assert len(warnings) == 2
    assert warnings[0] == (
        "vaegui: warning: skipped 3 file(s) that could not be read as images; using the other 22 (cut-short.png: "
        "cannot be decoded: Truncated File Read; text-renamed.png: cannot be decoded: cannot identify image file "
        f"'{folder / 'text-renamed.png'}'; zero-bytes.png: empty file (0 bytes))."
    )
    assert re.fullmatch(
        r"vaegui: warning: 1 more image file\(s\) failed to decode during training and were read as black images "
        r"\(cut-short.jpg: cannot be decoded: image file is truncated \(\d+ bytes not processed\)\)\.",
        warnings[1],
    )
    assert Run.open(tmp_path / "out").epochs_completed == 1
    assert digest(folder) == before, "the user's images are only read"


def test_odd_modes_and_mixed_sizes_are_normalised(tmp_path):
    folder = messy_folder(tmp_path / "messy")
    for channels in (1, 3):
        dataset = load_dataset(folder, image_size=16, channels=channels, test_fraction=0.2)
        by_name = {}
        for split in (dataset.train, dataset.test):
            for path, image in zip(split.images.paths, np.asarray(split.images)):
                by_name[os.path.basename(path)] = image
        assert len(by_name) == 22 and {"cmyk.jpg", "deep-16-bit.png", "animated.gif"} <= set(by_name)
        for name, image in by_name.items():
            assert image.shape == (16, 16, channels) and image.dtype == np.float32, name
            assert 0.0 <= image.min() and image.max() <= 1.0, name
        # Read for real, not as black placeholders: 16-bit greys are scaled down, not clipped to white.
        for name in ("cmyk.jpg", "deep-16-bit.png", "animated.gif", "good-03.png", "good-04.png"):
            assert 0.05 < by_name[name].mean() < 0.95, name


def test_idx_file_given_instead_of_its_folder(capsys, tmp_path):
    folder = idx_pair(tmp_path / "idx")
    assert refused(capsys, tmp_path, folder / "train-images-idx3-ubyte") == (
        f"{folder / 'train-images-idx3-ubyte'} is a single IDX file. Give the folder that holds it (with its labels "
        "file) instead."
    )


@pytest.fixture
def world_readable_tmp():
    """A scratch folder every user can enter (pytest's own tmp_path is private to its owner)."""
    folder = Path(tempfile.mkdtemp(prefix="vaegui-permissions-"))
    folder.chmod(0o777)
    yield folder
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir():
            path.chmod(0o755)
    shutil.rmtree(folder)


@pytest.mark.spawns
@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
@pytest.mark.parametrize("target", ["folder", "file"])
def test_path_without_read_permission(world_readable_tmp, target):
    # Root reads everything, so as root the CLI runs as 'nobody' (setpriv) to meet the permission for real.
    user = NOBODY if os.geteuid() == 0 else None
    if user is not None and shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: cannot meet a permission check")
    if target == "folder":
        locked = messy_folder(world_readable_tmp / "locked")
        expected = (
            f"Cannot open the folder {locked}: permission denied. Check its permissions (it must be readable and "
            "openable) or choose another folder."
        )
    else:
        locked = world_readable_tmp / "digits.npz"
        np.savez(locked, images=np.zeros((20, 8, 8), np.uint8))
        expected = f"Cannot read {locked}: permission denied. Check the file's permissions or choose another file."
    locked.chmod(0o000)
    out = world_readable_tmp / "out"
    done = run_cli_process("train", "--dataset", locked, *TINY, "--out", out, user=user)
    assert done.returncode == 1
    assert error_line(done.stderr) == expected
    assert not out.exists()
