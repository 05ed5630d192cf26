"""Encoding a split: one row per sample, the right labels, z == mu exactly in mu-only mode, cancellation."""
from __future__ import annotations

import numpy as np
import pytest

from vaegui.latent import Cancelled, encode_split
from vaegui.latent.encoding import SPLIT_TEST, SPLIT_TRAIN, choose_rows


@pytest.fixture(scope="module")
def model_and_data(tiny_run):
    return tiny_run.load_model(), tiny_run.load_dataset()


def test_both_splits_give_one_row_per_sample_with_its_label(model_and_data):
    model, data = model_and_data
    latents = encode_split(model, data, "both")
    assert len(latents) == len(data.train) + len(data.test)
    assert latents.mu.shape == latents.log_var.shape == latents.z.shape == (len(latents), 2)
    assert (latents.split == SPLIT_TRAIN).sum() == len(data.train) and (latents.split == SPLIT_TEST).sum() == len(
        data.test
    )
    last = len(latents) - 1
    assert latents.labels[last] == data.test.labels[-1] and latents.labels[0] == data.train.labels[0]
    np.testing.assert_array_equal(latents.image(last), data.test.images[-1])
    assert np.all(latents.reconstruction_error > 0) and np.all(latents.kl >= 0)


def test_encoding_matches_the_models_own_encoder(model_and_data):
    model, data = model_and_data
    latents = encode_split(model, data, "test")
    mu, log_var, _ = model.encoder.predict(data.test.images[:], verbose=0)
    np.testing.assert_allclose(latents.mu, mu, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(latents.log_var, log_var, rtol=1e-5, atol=1e-6)
    expected_kl = -0.5 * np.sum(1 + log_var - mu**2 - np.exp(log_var), axis=1)
    np.testing.assert_allclose(latents.kl, expected_kl, rtol=1e-4, atol=1e-5)


def test_mu_only_makes_z_equal_mu_exactly_and_noise_returns(model_and_data):
    model, data = model_and_data
    try:
        model.set_mu_only(True)
        quiet = encode_split(model, data, "train", subset=300)
        assert quiet.mu_only
        np.testing.assert_array_equal(quiet.z, quiet.mu)
        model.set_mu_only(False)
        noisy = encode_split(model, data, "train", subset=300)
        assert not noisy.mu_only and np.abs(noisy.z - noisy.mu).max() > 1e-3
        # Reusing the other setting's reconstruction errors (the toggle's shortcut) gives the same numbers.
        reused = encode_split(model, data, "train", subset=300, known=quiet)
        np.testing.assert_allclose(reused.reconstruction_error, noisy.reconstruction_error, rtol=1e-5)
        np.testing.assert_array_equal(reused.mu, noisy.mu)
    finally:
        model.set_mu_only(False)


def test_subset_is_random_but_repeatable(digits):
    codes, indices = choose_rows(digits, "train", 100, seed=3)
    again = choose_rows(digits, "train", 100, seed=3)[1]
    assert len(indices) == 100 and len(set(indices.tolist())) == 100 and (codes == SPLIT_TRAIN).all()
    np.testing.assert_array_equal(indices, again)
    assert indices.max() > 200  # spread over the split, not its first rows


def test_cancel_stops_between_batches(model_and_data):
    model, data = model_and_data

    class Token:
        cancelled = True

    with pytest.raises(Cancelled):
        encode_split(model, data, "train", cancel=Token())


def test_images_kept_as_uint8_are_encoded_and_shown_as_float_in_0_1(model_and_data):
    from vaegui.data import ImageDataset, ImageSplit
    from vaegui.data.image_array import InMemoryImages

    model, data = model_and_data
    pixels = np.round(data.test.images[:] * 255).astype(np.uint8)
    as_uint8 = ImageDataset("u8", data.train, ImageSplit(InMemoryImages(pixels), data.test.labels), None, "test")
    as_float = ImageDataset("f", data.train, ImageSplit(pixels.astype(np.float32) / 255, data.test.labels), None, "t")
    stored, expected = encode_split(model, as_uint8, "test"), encode_split(model, as_float, "test")
    np.testing.assert_array_equal(stored.mu, expected.mu)
    np.testing.assert_array_equal(stored.reconstruction_error, expected.reconstruction_error)
    shown = stored.images(np.arange(5))
    assert shown.dtype == np.float32 and 0.0 <= shown.min() and shown.max() <= 1.0
    np.testing.assert_array_equal(shown, expected.images(np.arange(5)))
