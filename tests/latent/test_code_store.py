"""A run's codes kept in its folder: written as encoded, read back without the encoder, counted only once committed."""
from __future__ import annotations

import os
import shutil

import keras
import numpy as np
import pytest

from vaegui.latent.code_store import CODES_DIR, HAS_CODES, CodeStore, WeightsIdentity
from vaegui.latent.encoding import SPLIT_TEST, SPLIT_TRAIN, encode_split


@pytest.fixture
def run_copy(tiny_run, tmp_path):
    """The session's tiny run, copied: what these tests write stays in their own folder."""
    from vaegui.runs import Run

    folder = tmp_path / "run"
    shutil.copytree(tiny_run.folder, folder, ignore=shutil.ignore_patterns(CODES_DIR))
    return Run.open(folder)


@pytest.fixture
def predictions(monkeypatch):
    """Every predict_on_batch call, by model name: how many batches went through the encoder or the decoder."""
    calls = []
    original = keras.Model.predict_on_batch

    def counted(self, x):
        calls.append(self.name)
        return original(self, x)

    monkeypatch.setattr(keras.Model, "predict_on_batch", counted)
    return calls


def _store(run, dataset, z_dim=2):
    rows = {"train": len(dataset.train), "test": len(dataset.test)}
    labels = {"train": dataset.train.labels, "test": dataset.test.labels}
    return CodeStore.open(run.folder, run.epochs_completed, WeightsIdentity.of(run.folder, run.checkpoint), rows,
                          z_dim, labels=labels)


def test_codes_encoded_once_are_read_back_without_the_encoder(run_copy, predictions):
    model, dataset = run_copy.load_model(), run_copy.load_dataset()
    store = _store(run_copy, dataset)
    first = encode_split(model, dataset, "both", store=store)
    assert predictions.count("encoder") > 0 and predictions.count("decoder") > 0
    store.close()

    predictions.clear()
    again = _store(run_copy, dataset)
    model.set_mu_only(True)
    second = encode_split(model, dataset, "both", store=again)
    assert predictions == []  # neither the encoder nor the decoder ran: codes and errors came from the folder
    np.testing.assert_array_equal(second.mu, first.mu)
    np.testing.assert_array_equal(second.log_var, first.log_var)
    np.testing.assert_array_equal(second.reconstruction_error, first.reconstruction_error)
    np.testing.assert_array_equal(second.z, second.mu)  # mu-only: z is the centre exactly
    # The files are plain NumPy arrays, one row per image of the split.
    stored_mu = np.load(again.folder / "test-mu.npy", mmap_mode="r")
    np.testing.assert_array_equal(stored_mu, first.mu[first.split == SPLIT_TEST])
    np.testing.assert_array_equal(again.labels(SPLIT_TRAIN), dataset.train.labels)
    again.close()


def test_a_subset_stores_its_rows_and_the_rest_are_encoded_later(run_copy, predictions):
    model, dataset = run_copy.load_model(), run_copy.load_dataset()
    store = _store(run_copy, dataset)
    part = encode_split(model, dataset, "train", subset=300, errors=False, store=store)
    assert store.known(SPLIT_TRAIN, np.arange(len(dataset.train))).sum() == 300
    predictions.clear()
    whole = encode_split(model, dataset, "train", errors=False, store=store, batch_size=64)
    # Only the images not stored went through the encoder, in batches of 64.
    assert predictions.count("encoder") == -(-(len(dataset.train) - 300) // 64)
    rows = np.searchsorted(whole.source_index, part.source_index)
    np.testing.assert_array_equal(whole.mu[rows], part.mu)
    store.close()


def test_rows_count_only_once_committed_and_other_weights_start_afresh(run_copy):
    dataset = run_copy.load_dataset()
    store = _store(run_copy, dataset)
    indices = np.arange(10)
    store.write(SPLIT_TRAIN, indices, np.ones((10, 2), np.float32), np.zeros((10, 2), np.float32))
    store.close()  # as if the process died before the rows were committed
    reopened = _store(run_copy, dataset)
    assert not reopened.known(SPLIT_TRAIN, indices).any()
    reopened.write(SPLIT_TRAIN, indices, np.ones((10, 2), np.float32), np.zeros((10, 2), np.float32))
    reopened.commit()
    assert (np.load(reopened.folder / "train-known.npy")[:10] & HAS_CODES).all()
    # A second writer (another window) may read the codes but not write them.
    weights = WeightsIdentity.of(run_copy.folder, run_copy.checkpoint)
    assert CodeStore.readable(run_copy.folder, run_copy.epochs_completed, weights).known(SPLIT_TRAIN, indices).all()
    assert not _store(run_copy, dataset).writable
    reopened.close()
    # The epoch trained again (new weights, same name): its old codes are not used.
    path = run_copy.folder / f"{run_copy.checkpoint}.weights.h5"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    fresh = _store(run_copy, dataset)
    assert not fresh.known(SPLIT_TRAIN, indices).any()
    fresh.close()
