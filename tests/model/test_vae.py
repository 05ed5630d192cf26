"""The VAE model: shapes for every supported input, the three KL strategies, losses and fast helpers."""

from __future__ import annotations

import numpy as np
import pytest

from vaegui.config import ACTIVATIONS, KL_STRATEGIES, ModelConfig
from vaegui.errors import ConfigError


@pytest.mark.parametrize("shape", [(8, 8, 1), (28, 28, 1), (96, 96, 3)])
def test_encoder_and_decoder_shapes(shape):
    from vaegui.model import build_vae

    filters = (4, 8, 8, 8, 8) if shape[0] == 96 else (4, 8)
    vae = build_vae(ModelConfig(z_dim=5, conv_filters=filters[: 5 if shape[0] == 96 else 2], dense_units=8), shape)
    images = np.random.default_rng(0).random((3, *shape), dtype=np.float32)
    codes = vae.encode(images)
    assert codes.mu.shape == codes.log_var.shape == codes.z.shape == (3, 5)
    assert vae.decode(codes.mu).shape == (3, *shape)
    assert vae.image_shape == shape and vae.z_dim == 5


@pytest.mark.trains
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_activation_builds_and_trains(digits, activation):
    import keras

    from vaegui.model import build_vae

    vae = build_vae(ModelConfig(z_dim=2, conv_filters=(4, 8), dense_units=8, activation=activation),
                    digits.image_shape)
    layers = keras.layers
    hidden = [layer for layer in vae.encoder.layers if isinstance(layer, (layers.Conv2D, layers.Dense))
              and layer.name not in ("z_mean", "z_log_var")]
    hidden += [layer for layer in vae.decoder.layers[:-1] if isinstance(layer, (layers.Dense, layers.Conv2DTranspose))]
    assert len(hidden) == 6  # 2 conv + dense in, dense + 2 transposed conv out; the sigmoid output stays
    assert all(layer.activation is keras.activations.get(activation) for layer in hidden)
    assert vae.decoder.layers[-1].activation is keras.activations.get("sigmoid")
    vae.compile(optimizer=keras.optimizers.Adam(1e-3))
    logs = vae.train_on_batch(digits.train.images[:32], return_dict=True)
    assert np.isfinite(logs["loss"]) and logs["loss"] > 0


def test_image_size_that_does_not_fit_the_conv_stack_is_refused_with_choices():
    from vaegui.model import build_vae

    with pytest.raises(ConfigError, match=r"multiple of 4.*28 or 32"):
        build_vae(ModelConfig(conv_filters=(4, 8)), (30, 30, 1))


def _vae_for(strategy, digits, reconstruction_loss="bce", kl_weight=0.7):
    import keras

    from vaegui.model import build_vae

    keras.utils.set_random_seed(42)  # same initial weights and the same sampling noise
    vae = build_vae(
        ModelConfig(
            z_dim=3,
            conv_filters=(4, 8),
            dense_units=8,
            kl_strategy=strategy,
            kl_weight=kl_weight,
            reconstruction_loss=reconstruction_loss,
        ),
        digits.image_shape,
    )
    vae.compile(optimizer=keras.optimizers.Adam(1e-3))
    return vae


@pytest.mark.trains
@pytest.mark.parametrize("reconstruction_loss", ["bce", "mse"])
def test_three_kl_strategies_give_the_same_loss_on_the_same_batch(digits, reconstruction_loss):
    batch = digits.train.images[:64]
    results = {}
    for strategy in KL_STRATEGIES:
        vae = _vae_for(strategy, digits, reconstruction_loss)
        results[strategy] = [vae.train_on_batch(batch, return_dict=True) for _ in range(3)]
    reference = results["train_step"]
    assert reference[0]["kl_loss"] > 0 and reference[0]["reconstruction_loss"] > 0
    np.testing.assert_allclose(
        reference[0]["loss"], reference[0]["reconstruction_loss"] + 0.7 * reference[0]["kl_loss"], rtol=1e-5
    )
    for strategy in ("encoder_layer", "model_add_loss"):
        for mine, theirs in zip(results[strategy], reference):
            for name in ("loss", "reconstruction_loss", "kl_loss"):
                np.testing.assert_allclose(mine[name], theirs[name], rtol=1e-4, err_msg=f"{strategy} {name}")


@pytest.mark.parametrize("reconstruction_loss", ["bce", "mse"])
def test_losses_match_a_direct_numpy_computation(digits, reconstruction_loss):
    vae = _vae_for("train_step", digits, reconstruction_loss)
    vae.set_mu_only(True)  # so z = mu and the numpy side needs no random draw
    batch = digits.train.images[:32]
    mu, log_var, _ = vae.encoder.predict_on_batch(batch)
    reconstruction = vae.decoder.predict_on_batch(mu)
    if reconstruction_loss == "bce":
        r = np.clip(reconstruction, 1e-7, 1 - 1e-7)
        per_pixel = -(batch * np.log(r) + (1 - batch) * np.log(1 - r))
    else:
        per_pixel = (batch - reconstruction) ** 2
    expected_reconstruction = per_pixel.sum(axis=(1, 2, 3)).mean()
    expected_kl = (-0.5 * (1 + log_var - mu**2 - np.exp(log_var))).sum(axis=1).mean()
    # The train function is traced after the switch, so it runs with factor 0 as well.
    logs = vae.test_on_batch(batch, return_dict=True)
    np.testing.assert_allclose(logs["reconstruction_loss"], expected_reconstruction, rtol=1e-4)
    np.testing.assert_allclose(logs["kl_loss"], expected_kl, rtol=1e-4)


@pytest.mark.trains
def test_kl_weight_zero_is_a_plain_autoencoder(digits):
    vae = _vae_for("train_step", digits, kl_weight=0.0)
    logs = vae.train_on_batch(digits.train.images[:64], return_dict=True)
    np.testing.assert_allclose(logs["loss"], logs["reconstruction_loss"], rtol=1e-6)
    assert logs["kl_loss"] > 0  # still measured, just not trained on


def test_single_sample_helpers_match_batch_prediction(digits):
    vae = _vae_for("train_step", digits)
    vae.set_mu_only(True)
    images = digits.test.images[:5]
    batch = vae.encode(images)
    for i, image in enumerate(images):
        one = vae.encode_one(image)
        np.testing.assert_allclose(one.mu, batch.mu[i], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(vae.decode_one(one.mu), vae.decode(batch.mu[i : i + 1])[0], rtol=1e-5, atol=1e-6)
    assert vae.decode_many(batch.mu).shape == (5, *digits.image_shape)
