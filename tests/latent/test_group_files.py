"""A group's files (numbers, picture sheet, codes) and directions saved and read back; search; the prior's circles
and the lattice behind the map, checked against independent computations."""
from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from PIL import Image

from vaegui.latent.belief import lattice, mosaic, prior_rings
from vaegui.latent.directions import DirectionError, direction_between, load_direction, save_direction, walk
from vaegui.latent.encoding import SPLIT_TEST, SPLIT_TRAIN, LatentSet
from vaegui.latent.group_export import ExportError, save_codes, save_indices, save_sheet
from vaegui.latent.projection import project
from vaegui.latent.search import search


class _Folder:
    """Images read from a folder: they know their files' paths (vaegui.data.image_folder does)."""

    def __init__(self, images, paths):
        self.images, self.paths = images, tuple(paths)

    def __getitem__(self, index):
        return self.images[index]

    def __len__(self):
        return len(self.images)


@pytest.fixture
def latents():
    rng = np.random.default_rng(0)
    count, z_dim = 40, 3
    images = rng.random((30, 4, 4, 1)).astype(np.float32)
    test_images = rng.random((10, 4, 4, 1)).astype(np.float32)
    mu = rng.normal(size=(count, z_dim)).astype(np.float32)
    return LatentSet(mu=mu, log_var=rng.normal(size=(count, z_dim)).astype(np.float32), z=mu.copy(),
                     labels=np.arange(count) % 4, split=np.array([SPLIT_TRAIN] * 30 + [SPLIT_TEST] * 10, np.int8),
                     source_index=np.concatenate([np.arange(30), np.arange(10)]),
                     reconstruction_error=rng.random(count).astype(np.float32), kl=rng.random(count).astype(np.float32),
                     mu_only=True, sources=(_Folder(images, [f"/data/cat_{i}.png" for i in range(30)]),
                                            _Folder(test_images, [f"/data/dog_{i}.png" for i in range(10)])))


def test_group_files_hold_the_groups_rows(latents, tmp_path):
    rows = np.array([1, 5, 31, 39])
    names = ["zero", "one", "two", "three"]
    with open(save_indices(tmp_path / "group.csv", latents, rows, names), newline="") as file:
        lines = list(csv.DictReader(file))
    assert [(line["split"], int(line["index"]), line["class"]) for line in lines] == [
        ("train", 1, "one"), ("train", 5, "one"), ("test", 1, "three"), ("test", 9, "three")]
    with np.load(save_codes(tmp_path / "codes.npz", latents, rows, names)) as data:
        np.testing.assert_array_equal(data["mu"], latents.mu[rows])
        np.testing.assert_array_equal(data["log_var"], latents.log_var[rows])
        assert data["split"].tolist() == ["train", "train", "test", "test"]
    with open(save_codes(tmp_path / "codes.csv", latents, rows), newline="") as file:
        table = list(csv.reader(file))
    assert table[0][4:] == ["mu_0", "mu_1", "mu_2", "log_var_0", "log_var_1", "log_var_2"]
    np.testing.assert_allclose(np.array(table[1:], object)[:, 4:7].astype(float), latents.mu[rows], rtol=1e-5)
    path, shown = save_sheet(tmp_path / "sheet.png", latents, rows)
    sheet = np.asarray(Image.open(path))
    assert shown == 4 and sheet.shape == (2 * 6 + 2, 2 * 6 + 2, 3)  # 2 × 2 pictures of 4 px, 2 px gaps
    np.testing.assert_array_equal(sheet[2:6, 8:12, 0], np.rint(latents.image(5)[..., 0] * 255).astype(np.uint8))
    with pytest.raises(ExportError, match="use .csv"):
        save_indices(tmp_path / "group.txt", latents, rows)
    assert not list(tmp_path.glob(".*tmp*"))  # atomic writes leave no temporary file behind


def test_a_direction_is_the_difference_of_the_groups_means_and_survives_a_file(latents, tmp_path):
    a, b = np.array([0, 1, 2]), np.array([10, 11])
    direction = direction_between(latents.mu, a, b, "A", "B", "run")
    np.testing.assert_allclose(direction.vector, latents.mu[b].mean(0) - latents.mu[a].mean(0), rtol=1e-6)
    np.testing.assert_allclose(walk(latents.mu[0], direction, 0.5), latents.mu[0] + 0.5 * direction.vector)
    for name in ("d.npz", "d.json"):
        loaded = load_direction(save_direction(tmp_path / name, direction), z_dim=3)
        np.testing.assert_allclose(loaded.vector, direction.vector, rtol=1e-6)
        assert (loaded.from_count, loaded.to_count, loaded.source) == (3, 2, "run")
    with pytest.raises(DirectionError, match="z_dim 3 model; this run has z_dim 8"):
        load_direction(tmp_path / "d.json", z_dim=8)
    (tmp_path / "bad.json").write_text(json.dumps({"z_dim": 3}))
    with pytest.raises(DirectionError, match="not a direction saved by vaegui"):
        load_direction(tmp_path / "bad.json")
    with pytest.raises(DirectionError, match="two groups"):
        direction_between(latents.mu, a, np.array([], np.int64))


def test_search_finds_classes_numbers_and_file_names(latents):
    names = ["zero", "one", "two", "three"]
    np.testing.assert_array_equal(search(latents, "Two", names).rows, np.flatnonzero(latents.labels == 2))
    np.testing.assert_array_equal(search(latents, "t", names).rows,  # classes two, three; files cat_*
                                  np.union1d(np.flatnonzero(np.isin(latents.labels, [2, 3])), np.arange(30)))
    np.testing.assert_array_equal(search(latents, "th", names).rows, np.flatnonzero(latents.labels == 3))
    assert search(latents, "#7", names).rows.tolist() == [7, 37]  # train #7 and test #7
    assert search(latents, "test #7", names).rows.tolist() == [37]
    assert search(latents, "dog_3", names).rows.tolist() == [33]
    assert search(latents, "cat_1", names).rows.tolist() == [1] + list(range(10, 20))
    assert search(latents, "zebra", names).what == "nothing"


def test_the_priors_circles_follow_the_projection_and_the_lattice_inverts_it():
    rng = np.random.default_rng(1)
    vectors = (rng.normal(size=(500, 5)) * [3, 2, 1, 0.5, 0.1] + [1, -2, 0.5, 0, 3]).astype(np.float32)
    pca = project("pca", vectors)
    rings = prior_rings(pca)
    # The latent origin's place on the map is its projection; prior draws projected spread 1 along each axis.
    draws = rng.normal(size=(50_000, 5))
    placed = (draws - pca.pca_mean) @ pca.pca_components.T
    np.testing.assert_allclose(rings.centre, placed.mean(0), atol=0.03)
    np.testing.assert_allclose(placed.std(0), [1, 1], atol=0.02)
    inside = np.hypot(*(placed - rings.centre).T)
    np.testing.assert_allclose([(inside <= r).mean() for r in rings.radii], rings.shares, atol=0.01)
    assert prior_rings(project("direct", vectors[:, :2])).centre == (0.0, 0.0)
    grid = lattice(pca, (-1, -1, 1, 1), 4, 3)
    np.testing.assert_allclose((grid.vectors - pca.pca_mean) @ pca.pca_components.T, grid.places, atol=1e-4)
    np.testing.assert_allclose(grid.places[0], [-0.75, -2 / 3])
    assert grid.places[-1][1] == pytest.approx(2 / 3)
    picture = mosaic(np.arange(12, dtype=np.float32).reshape(12, 1, 1, 1), 4, 3)
    assert picture[:, :, 0].tolist() == [[8, 9, 10, 11], [4, 5, 6, 7], [0, 1, 2, 3]]  # the top row on top
