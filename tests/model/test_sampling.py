"""The mu-only switch: the seed articles' three facts, shown on a real encoder."""

from __future__ import annotations

import numpy as np
import pytest

from vaegui.config import ModelConfig


@pytest.fixture
def vae(digits):
    from vaegui.model import build_vae

    return build_vae(ModelConfig(z_dim=3, conv_filters=(4, 8), dense_units=8), digits.image_shape)


def test_flipping_the_factor_alone_leaves_predict_stale(vae, digits):
    images = digits.train.images[:64]
    mu, _, z = vae.encoder.predict(images, verbose=0)
    assert not np.allclose(z, mu), "sampling should add noise while the factor is 1"

    vae.sampling.factor = 0.0  # the attribute alone, without rebuilding the predict function
    mu, _, z = vae.encoder.predict(images, verbose=0)
    assert np.abs(z - mu).max() > 1e-3, "the cached predict function should still sample (the stale value)"


def test_set_mu_only_rebuilds_so_z_equals_mu_then_noise_returns(vae, digits):
    images = digits.train.images[:64]
    vae.encoder.predict(images, verbose=0)  # trace the predict function with noise on

    vae.set_mu_only(True)
    mu, _, z = vae.encoder.predict(images, verbose=0)
    assert vae.mu_only
    np.testing.assert_array_equal(z, mu)
    codes = vae.encode(images)
    np.testing.assert_array_equal(codes.z, codes.mu)
    single = vae.encode_one(images[0])
    np.testing.assert_array_equal(single.z, single.mu)

    vae.set_mu_only(False)
    mu, _, z = vae.encoder.predict(images, verbose=0)
    assert not vae.mu_only
    assert np.abs(z - mu).max() > 1e-3


def test_sampling_spread_follows_log_var():
    import keras

    from vaegui.model import Sampling

    keras.utils.set_random_seed(0)
    mu = np.zeros((20000, 2), dtype="float32")
    log_var = np.stack([np.zeros(20000), np.full(20000, np.log(4.0))], axis=1).astype("float32")
    z = np.asarray(Sampling()([mu, log_var]))
    np.testing.assert_allclose(z.std(axis=0), [1.0, 2.0], rtol=0.05)
