"""Coordinates export to CSV and NPZ that read back."""
from __future__ import annotations

import csv

import numpy as np
import pytest

from vaegui.errors import VaeguiError
from vaegui.latent import project
from vaegui.latent.encoding import LatentSet
from vaegui.latent.export import save_coordinates


@pytest.fixture
def latents():
    mu = np.array([[0.5, 1.0], [-1.0, 2.0], [0.0, 0.0]], np.float32)
    return LatentSet(mu, np.zeros_like(mu), mu, np.array([2, 0, 1]), np.array([0, 1, 0], np.int8), np.array([7, 3, 9]),
                     np.ones(3, np.float32), np.ones(3, np.float32), True)


def test_csv_and_npz_hold_coordinates_labels_and_class_names(tmp_path, latents):
    projection = project("direct", latents.z)
    save_coordinates(tmp_path / "map.csv", latents, projection, ["zero", "one", "two"])
    with open(tmp_path / "map.csv") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 3
    assert rows[1] == {"split": "test", "index": "3", "label": "0", "class": "zero", "x": "-1", "y": "2",
                       "mu_0": "-1", "mu_1": "2"}
    save_coordinates(tmp_path / "map.npz", latents, projection, ["zero", "one", "two"])
    with np.load(tmp_path / "map.npz") as saved:
        np.testing.assert_array_equal(saved["coords"], latents.z)
        assert saved["labels"].tolist() == [2, 0, 1] and saved["class_names"].tolist() == ["zero", "one", "two"]
        assert str(saved["method"]) == "direct" and saved["split"].tolist() == ["train", "test", "train"]


def test_unknown_extension_is_refused(tmp_path, latents):
    with pytest.raises(VaeguiError, match=r"\.csv or \.npz"):
        save_coordinates(tmp_path / "map.xlsx", latents, project("direct", latents.z))
