"""Portable runs: a run finds its data after being copied with it, is pointed at moved data, and refuses other data."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import tiny_config
from tests.test_cli import TINY
from tests.test_cli import vaegui_in_process as vaegui  # where a run finds its data, not the process
from vaegui.runs import Run, relocate_dataset
from vaegui.runs.dataset_location import DatasetMismatchError, DatasetMissingError
from vaegui.runs.history import read_history_rows
from vaegui.training import TrainingSession

pytestmark = pytest.mark.trains  # left out of `make test-fast` (tests/suite_tiers.py)


def save_digits(path: Path, digits, *, classes: int = 10, flip: bool = False, size: int | None = None) -> Path:
    """Digits (both splits) as an .npz of uint8 pixels: the same images each time unless told otherwise."""
    images = np.concatenate([digits.train.images, digits.test.images])
    labels = np.concatenate([digits.train.labels, digits.test.labels])
    keep = labels < classes
    pixels = np.round(images[keep] * 255).astype(np.uint8)
    if flip:
        pixels = pixels[:, :, ::-1]
    if size is not None:
        pixels = np.tile(pixels, (1, size // pixels.shape[1], size // pixels.shape[2], 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, x=pixels, y=labels[keep])
    return path


def train(folder: Path, data: Path | str, epochs: int = 1) -> Run:
    config = tiny_config(epochs=epochs)
    config.data.dataset = str(data)
    run = Run.create(folder, config)
    TrainingSession(run, run.load_dataset(), probe_size=0).run()
    return Run.open(folder)


def config_json(folder: Path) -> dict:
    return json.loads((folder / "config.json").read_text())


def test_a_run_copied_with_its_data_resumes_in_the_copy(tmp_path, digits):
    original = tmp_path / "server" / "R"
    data = save_digits(original / "data" / "digits.npz", digits)
    first = vaegui("train", "--dataset", str(data), "--epochs", "1", *TINY, "--out", str(original))
    assert first.returncode == 0, first.stderr
    stored = config_json(original)["data"]
    assert (stored["dataset"], stored["dataset_in_run_folder"]) == (str(data), "data/digits.npz")

    copy = tmp_path / "home" / "R copy"
    shutil.copytree(original, copy)
    shutil.rmtree(tmp_path / "server")  # the absolute path now leads nowhere

    again = vaegui("train", "--resume", str(copy), "--epochs", "2")
    assert again.returncode == 0, again.stderr
    assert f"Loading {copy / 'data' / 'digits.npz'}…" in again.stdout
    assert [int(r["epoch"]) for r in read_history_rows(copy / "history.csv")] == [1, 2]
    assert len(Run.open(copy).load_dataset().train) == len(digits.train)


def test_a_moved_dataset_is_refused_clearly_until_the_run_is_pointed_at_it(tmp_path, digits):
    data = save_digits(tmp_path / "data" / "digits.npz", digits)
    out = tmp_path / "runs" / "R"
    assert vaegui("train", "--dataset", str(data), "--epochs", "1", *TINY, "--out", str(out)).returncode == 0
    moved = tmp_path / "archive" / "digits.npz"
    moved.parent.mkdir()
    data.rename(moved)

    lost = vaegui("train", "--resume", str(out), "--epochs", "2")
    assert lost.returncode == 1 and "Traceback" not in lost.stderr
    assert f"was trained on {data}, which is not there any more" in lost.stderr
    assert f"vaegui train --resume {out} --dataset NEW_PATH" in lost.stderr
    with pytest.raises(DatasetMissingError) as missing:
        Run.open(out).load_dataset()  # what the app's Explorer meets: it offers "Locate dataset…"
    assert missing.value.dataset == str(data)

    found = vaegui("train", "--resume", str(out), "--dataset", str(moved), "--epochs", "2")
    assert found.returncode == 0, found.stderr
    assert f"now reads its data from {moved}" in found.stdout
    assert config_json(out)["data"]["dataset"] == str(moved)
    assert [int(r["epoch"]) for r in read_history_rows(out / "history.csv")] == [1, 2]
    assert vaegui("train", "--resume", str(out), "--epochs", "3").returncode == 0


def test_other_data_is_refused_with_the_difference(tmp_path, digits):
    run = train(tmp_path / "R", save_digits(tmp_path / "digits.npz", digits))
    before = (run.folder / "config.json").read_text()
    cases = {
        "five.npz": (dict(classes=5), "five.npz has 5 classes, the run was trained on 10"),
        "flipped.npz": (dict(flip=True), "flipped.npz holds other images or labels than the run was trained on"),
        "large.npz": (dict(size=16), "large.npz has 16×16 grayscale images, the run was trained on 8×8 grayscale"),
    }
    for name, (change, words) in cases.items():
        with pytest.raises(DatasetMismatchError, match=words):
            relocate_dataset(run, save_digits(tmp_path / "other" / name, digits, **change))
    assert (run.folder / "config.json").read_text() == before

    refused = vaegui("train", "--resume", str(run.folder), "--dataset", str(tmp_path / "other" / "five.npz"))
    assert refused.returncode == 1
    assert "has 5 classes, the run was trained on 10" in refused.stderr
    assert f"test images, the run was trained on {len(digits.train)} and {len(digits.test)}" in refused.stderr


def test_an_older_run_with_a_relative_path_and_no_fingerprint_still_opens(tmp_path, digits, monkeypatch):
    data = save_digits(tmp_path / "project" / "digits.npz", digits)
    run = train(tmp_path / "project" / "runs" / "old", data)
    # As runs were written before: the path as typed (relative to the project folder), nothing else.
    config = config_json(run.folder)
    config["data"]["dataset"] = "digits.npz"
    del config["data"]["dataset_in_run_folder"]
    (run.folder / "config.json").write_text(json.dumps(config))
    state = json.loads((run.folder / "state.json").read_text())
    del state["dataset_fingerprint"]
    (run.folder / "state.json").write_text(json.dumps(state))
    monkeypatch.chdir(tmp_path)  # elsewhere: the path as typed does not lead there from here

    old = Run.open(run.folder)
    assert old.dataset_fingerprint is None
    assert len(old.load_dataset().train) == len(digits.train)  # found two folders above the run
    # Checked on what it recorded: the image shape (and the class count where it kept class names).
    with pytest.raises(DatasetMismatchError, match="has 16×16 grayscale images, the run was trained on 8×8"):
        relocate_dataset(old, save_digits(tmp_path / "large.npz", digits, size=16))
    relocate_dataset(old, data)
    old.config.training.epochs = 2
    TrainingSession(old, old.load_dataset(), probe_size=0).run()
    assert Run.open(run.folder).dataset_fingerprint is not None  # recorded from then on


def test_built_in_names_stay_names_and_paths_are_stored_absolute(tmp_path, digits, monkeypatch):
    named = Run.create(tmp_path / "named", tiny_config())
    stored = config_json(named.folder)["data"]
    assert (stored["dataset"], stored["dataset_in_run_folder"]) == ("digits", None)
    monkeypatch.chdir(tmp_path)
    save_digits(tmp_path / "mine.npz", digits)
    config = tiny_config()
    config.data.dataset = "mine.npz"
    Run.create(tmp_path / "typed", config)
    stored = config_json(tmp_path / "typed")["data"]
    assert (stored["dataset"], stored["dataset_in_run_folder"]) == (str(tmp_path / "mine.npz"), None)
