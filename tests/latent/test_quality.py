"""Latent quality: each figure on arrays and models built to have a known answer."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vaegui.latent.quality import (
    LatentQuality,
    QualityError,
    active_units,
    dead_units,
    effective_dimensionality,
    hidden_activations,
    knn_accuracy,
    measure_quality,
    noise_size,
    quality_sample,
)

RNG_SEED = 7


def test_active_units_count_the_dimensions_whose_mean_varies_over_the_images():
    rng = np.random.default_rng(RNG_SEED)
    mu = rng.normal(0.0, 0.01, size=(500, 8))  # variance 1e-4: inactive
    mu[:, [1, 4, 6]] = rng.normal(0.0, 1.0, size=(500, 3))
    variance, count = active_units(mu)
    assert count == 3
    np.testing.assert_allclose(variance, np.var(mu, axis=0))
    assert set(np.flatnonzero(variance > 0.01)) == {1, 4, 6}


def test_a_rank_one_latent_has_effective_dimension_one_although_every_unit_is_active():
    rng = np.random.default_rng(RNG_SEED)
    direction = rng.uniform(0.5, 1.5, size=8) * rng.choice([-1, 1], size=8)
    mu = rng.normal(size=(500, 1)) * direction  # all 8 dimensions move together
    _, active = active_units(mu)
    components, participation = effective_dimensionality(mu)
    assert active == 8
    assert components == 1
    assert participation == pytest.approx(1.0, abs=1e-6)


def test_effective_dimensionality_counts_independent_directions():
    rng = np.random.default_rng(RNG_SEED)
    rank_three = rng.normal(size=(2000, 3)) @ rng.normal(size=(3, 8))
    assert effective_dimensionality(rank_three)[0] <= 3
    assert 1.5 < effective_dimensionality(rank_three)[1] <= 3.0
    isotropic = rng.normal(size=(2000, 8))
    components, participation = effective_dimensionality(isotropic)
    assert components == 8  # equal variances: 95 % needs all eight
    assert participation > 7.5


def test_a_constant_latent_has_no_dimensions():
    assert effective_dimensionality(np.ones((50, 4))) == (0, 0.0)
    assert active_units(np.ones((50, 4)))[1] == 0


def test_dead_units_are_those_whose_output_never_changes():
    rng = np.random.default_rng(RNG_SEED)
    activations = np.maximum(rng.normal(size=(300, 6)), 0)
    activations[:, 2] = 0.0  # a ReLU unit that never fires
    activations[:, 5] = 0.3  # stuck at one value: says nothing either
    spread, dead = dead_units(activations)
    assert list(np.flatnonzero(dead)) == [2, 5]
    assert spread[0] > 1.0


def test_knn_accuracy_is_high_on_separable_clusters_and_chance_on_shuffled_labels():
    rng = np.random.default_rng(RNG_SEED)
    labels = np.repeat(np.arange(10), 60)
    centres = rng.normal(0, 10, size=(10, 16))
    features = centres[labels] + rng.normal(0, 1, size=(len(labels), 16))
    assert knn_accuracy(features, labels) > 0.97
    shuffled = rng.permutation(labels)
    assert abs(knn_accuracy(features, shuffled) - 0.1) < 0.06


def test_knn_accuracy_copes_with_rare_classes_and_says_nan_when_unmeasurable():
    rng = np.random.default_rng(RNG_SEED)
    labels = np.array([0] * 30 + [1] * 30 + [2] * 2 + [3])  # class 3 has one image: left out
    features = rng.normal(size=(len(labels), 4)) + labels[:, None] * 10
    assert knn_accuracy(features, labels) > 0.9
    assert math.isnan(knn_accuracy(features[:30], labels[:30]))  # a single class


def test_noise_size_is_the_mean_length_of_sigma_times_noise():
    log_var = np.full((4000, 16), np.log(0.25))  # sigma 0.5 in each of 16 dimensions
    expected_length = math.sqrt(2) * math.gamma(8.5) / math.gamma(8)  # E|ε| for ε ~ N(0, I_16): the chi mean
    assert noise_size(log_var) == pytest.approx(0.5 * expected_length, rel=0.01)
    assert noise_size(np.full((10, 3), -50.0)) < 1e-9


def test_quality_sample_is_a_fixed_subset_with_its_labels():
    images = np.arange(5000, dtype=np.float32).reshape(5000, 1, 1, 1)
    labels = np.arange(5000)
    chosen, chosen_labels = quality_sample(images, labels, count=1000, seed=3)
    again, _ = quality_sample(images, labels, count=1000, seed=3)
    assert chosen.shape == (1000, 1, 1, 1) and chosen.dtype == np.float32
    np.testing.assert_array_equal(chosen, again)
    np.testing.assert_array_equal(chosen[:, 0, 0, 0], chosen_labels)
    assert len(np.unique(chosen_labels)) == 1000
    small, small_labels = quality_sample(images[:10], None, count=1000)
    assert len(small) == 10 and small_labels is None


# ---- on real Keras models ---------------------------------------------------------------------------------


def _tiny_vae(activation: str = "relu", kl_strategy: str = "train_step", z_dim: int = 4):
    from vaegui.config import ModelConfig
    from vaegui.model.vae import build_vae

    config = ModelConfig(z_dim=z_dim, conv_filters=(4, 8), dense_units=8, activation=activation,
                         kl_strategy=kl_strategy)
    return build_vae(config, (8, 8, 1))


def _hidden_dense(model):
    import keras

    return next(
        layer for layer in model.encoder.layers
        if isinstance(layer, keras.layers.Dense) and layer.name not in ("z_mean", "z_log_var")
    )


def _kill_units(model, units: list[int]) -> None:
    """Set the hidden dense layer so `units` never fire (zero weights, negative bias) and the rest always vary."""
    layer = _hidden_dense(model)
    kernel, bias = (np.array(w) for w in layer.get_weights())
    kernel[:] = np.random.default_rng(RNG_SEED).normal(0, 1, size=kernel.shape)
    bias[:] = 5.0
    kernel[:, units] = 0.0
    bias[units] = -1.0
    layer.set_weights([kernel, bias])


def test_exactly_the_units_set_to_never_fire_are_reported_dead(digits):
    model = _tiny_vae("relu")
    _kill_units(model, [1, 4, 6])
    images, labels = quality_sample(digits.test.images, digits.test.labels, count=150)
    activations = hidden_activations(model, images)
    assert activations.shape == (150, 8)
    assert np.all(activations[:, [1, 4, 6]] == 0.0)
    quality = measure_quality(model, images, labels)
    assert quality.hidden_units == 8
    assert quality.dead_hidden_units == 3
    assert list(np.flatnonzero(quality.arrays.hidden_unit_spread <= 1e-6)) == [1, 4, 6]


def test_a_fresh_elu_encoder_has_no_dead_units(digits):
    images, labels = quality_sample(digits.test.images, digits.test.labels, count=150)
    assert measure_quality(_tiny_vae("elu"), images, labels).dead_hidden_units == 0


def test_measure_quality_agrees_with_the_encoder_and_does_not_depend_on_the_mu_only_switch(digits):
    from vaegui.latent.encoding import per_sample_kl, per_sample_reconstruction_error

    model = _tiny_vae("elu", kl_strategy="encoder_layer", z_dim=6)
    images, labels = quality_sample(digits.test.images, digits.test.labels, count=170)  # not a multiple of a batch
    quality = measure_quality(model, images, labels, batch_size=64)
    codes = model.encode(images)
    assert (quality.images, quality.z_dim) == (170, 6)
    variance, active = active_units(codes.mu)
    np.testing.assert_allclose(quality.arrays.mu_variance, variance, rtol=1e-4, atol=1e-7)
    assert quality.active_units == active
    assert quality.effective_dimensions == effective_dimensionality(codes.mu)[0]
    assert quality.kl == pytest.approx(float(np.mean(per_sample_kl(codes.mu, codes.log_var))), rel=1e-4)
    np.testing.assert_allclose(quality.arrays.kl_per_dimension.sum(), quality.kl, rtol=1e-4)
    expected_error = per_sample_reconstruction_error(images, model.decode(codes.mu)).mean()
    assert quality.reconstruction_error == pytest.approx(float(expected_error), rel=1e-4)
    assert quality.knn_accuracy == pytest.approx(knn_accuracy(codes.mu, labels), abs=0.02)
    assert quality.noise_size > 0
    model.set_mu_only(True)
    switched = measure_quality(model, images, labels, batch_size=64)
    assert switched.to_record() | {"seconds": 0.0} == quality.to_record() | {"seconds": 0.0}


def test_the_figures_travel_as_floats_and_come_back_whole(digits):
    images, _ = quality_sample(digits.test.images, None, count=100)
    quality = measure_quality(_tiny_vae(), images)  # no labels: no accuracy
    record = quality.to_record()
    assert all(isinstance(value, float) for value in record.values())
    assert math.isnan(record["knn_accuracy"])
    assert {"active_units", "effective_dimensions", "participation_ratio", "dead_hidden_units"} <= set(record)
    back = LatentQuality.from_dict(quality.to_dict())
    assert back.to_record().keys() == record.keys()
    assert back.active_units == quality.active_units and isinstance(back.active_units, int)
    np.testing.assert_array_equal(back.arrays.mu_variance, quality.arrays.mu_variance)
    with pytest.raises(ValueError):
        quality.arrays.mu_variance[0] = 1.0  # read-only: one measurement, shared between threads


def test_too_few_images_get_a_clear_message():
    with pytest.raises(QualityError, match="at least 2 images"):
        measure_quality(_tiny_vae(), np.zeros((1, 8, 8, 1), np.float32))


def _train(model_config, digits, epochs: int = 2):
    import keras

    from vaegui.config import TrainingConfig
    from vaegui.model.vae import build_vae

    training = TrainingConfig()
    keras.utils.set_random_seed(0)
    model = build_vae(model_config, digits.image_shape)
    model.compile(optimizer=keras.optimizers.Adam(training.learning_rate))
    model.fit(digits.train.images, epochs=epochs, batch_size=training.batch_size, verbose=0)
    return model


@pytest.mark.trains
def test_the_default_settings_keep_every_encoder_unit_alive_where_the_keras_io_layout_loses_some(digits):
    from vaegui.config import ModelConfig

    images, labels = quality_sample(digits.test.images, digits.test.labels)
    defaults = measure_quality(_train(ModelConfig(z_dim=16), digits), images, labels)
    keras_io = ModelConfig(z_dim=16, conv_filters=(32, 64), dense_units=16, activation="relu")
    old = measure_quality(_train(keras_io, digits), images, labels)
    assert defaults.dead_hidden_units == 0
    assert old.dead_hidden_units >= 4
    assert defaults.effective_dimensions > old.effective_dimensions
    assert defaults.knn_accuracy > old.knn_accuracy + 0.2


def test_warnings_name_the_failure_and_what_usually_helps():
    from vaegui.latent.quality import describe_quality, quality_warnings

    healthy = {"active_units": 14, "effective_dimensions": 9, "hidden_units": 64, "dead_hidden_units": 0,
               "knn_accuracy": 0.78}
    assert quality_warnings(healthy, 16) == []
    assert describe_quality(healthy, 16) == ("14 of 16 directions in use (active units) · the points spread along "
                                             "9 main directions · neighbours share their label 78% of the time "
                                             "(5-NN)")
    dead = {**healthy, "dead_hidden_units": 15, "hidden_units": 16}
    (warning,) = quality_warnings(dead, 16)
    assert "15 of 16" in warning and "ELU" in warning
    collapsed = {**healthy, "active_units": 0, "effective_dimensions": 0}
    (warning,) = quality_warnings(collapsed, 16)
    assert "posterior collapse" in warning and "KL weight" in warning
    # Plain words first, named as the form names the settings: the technical terms follow in brackets.
    assert warning.startswith("None of the map's 16 directions carries anything yet")
    assert "less map tidiness" in warning and "ease in tidiness" in warning
    assert quality_warnings({**collapsed, "active_units": 1}, 16)[0].startswith("Only 1 of the map's 16 directions")
    line = {**healthy, "active_units": 14, "effective_dimensions": 1}
    (warning,) = quality_warnings(line, 16)
    assert "move together" in warning
