"""A long folder load says what it does, with counts: listing, then checking N of M pictures."""

from __future__ import annotations

from PIL import Image

from vaegui.config import DataConfig, RunConfig
from vaegui.data import load_dataset
from vaegui.runs import load_run_dataset


def _folder(root, classes=3, per_class=40):
    for label in range(classes):
        folder = root / f"class{label}"
        folder.mkdir(parents=True)
        for index in range(per_class):
            Image.new("L", (12, 12), index * 3).save(folder / f"{index}.png")
    return root


def test_a_folder_load_says_what_it_does_with_counts(tmp_path):
    folder = _folder(tmp_path / "pictures")
    said: list[str] = []
    dataset = load_dataset(folder, image_size=8, progress=said.append)
    assert len(dataset.train) + len(dataset.test) == 120
    assert said[0].startswith("Listing the pictures")
    assert said[-1] == "Checking the pictures: 120 of 120 files"
    assert all(text.startswith(("Listing the pictures", "Checking the pictures")) for text in said)


def test_a_runs_data_load_passes_the_words_on(tmp_path):
    folder = _folder(tmp_path / "pictures", classes=2, per_class=10)
    said: list[str] = []
    load_run_dataset(RunConfig(data=DataConfig(dataset=str(folder), image_size=8)), progress=said.append)
    assert said[-1] == "Checking the pictures: 20 of 20 files"
