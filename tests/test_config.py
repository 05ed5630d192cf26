"""Settings: defaults are valid, bad values are refused with a message naming the fix, old layouts migrate."""

from __future__ import annotations

import json

import pytest

from vaegui.config import CONFIG_VERSION, ModelConfig, RunConfig
from vaegui.errors import ConfigError


def test_defaults_are_valid_and_round_trip_through_json(tmp_path):
    config = RunConfig().validate()
    path = tmp_path / "config.json"
    path.write_text(config.to_json())
    assert RunConfig.from_json_file(path) == config


@pytest.mark.parametrize(
    "section, key, value, message",
    [
        ("model", "z_dim", 0, r"z_dim\) 0 is out of range: choose 2 to 512"),
        ("model", "z_dim", 100000, r"z_dim\) 100000 is out of range"),
        ("model", "kl_weight", -1.0, r"KL weight -1.0 must be 0 or more"),
        ("model", "kl_strategy", "magic", r"choose one of train_step, encoder_layer, model_add_loss"),
        ("training", "learning_rate", 0.0, r"Learning rate 0.0 must be greater than 0"),
        ("training", "learning_rate", -0.1, r"must be greater than 0"),
        ("training", "epochs", 0, r"Epochs 0 is out of range: train for at least 1 epoch"),
        ("training", "batch_size", 0, r"Batch size 0 is out of range"),
        ("data", "image_size", 4, r"Image size 4 is out of range"),
        ("data", "test_fraction", 0.95, r"Test fraction 0.95 is out of range: .* to 0.9"),
        ("training", "kl_warmup_epochs", -1, r"KL warm-up -1 epochs must be 0 \(off\) up to 100000"),
        ("training", "images_per_epoch", 0, r"Images per epoch 0 must be a whole number of at least 1 \(e.g. 10000\)"),
        ("data", "subset", 5, r"Subset of 5 images is out of range: keep 10 to 100,000,000 images"),
    ],
)
def test_out_of_range_settings_are_refused(section, key, value, message):
    config = RunConfig()
    setattr(getattr(config, section), key, value)
    with pytest.raises(ConfigError, match=message):
        config.validate()


def test_unknown_and_mistyped_keys_are_named(tmp_path):
    with pytest.raises(ConfigError, match=r"unknown setting\(s\) zdim in 'model'.*Known settings there: z_dim"):
        RunConfig.from_dict({"model": {"zdim": 3}})
    with pytest.raises(ConfigError, match=r"'training.epochs' has the wrong type \('ten'\); expected a whole number"):
        RunConfig.from_dict({"training": {"epochs": "ten"}})
    with pytest.raises(ConfigError, match=r"unknown section\(s\) extras"):
        RunConfig.from_dict({"version": CONFIG_VERSION, "extras": {}})
    with pytest.raises(ConfigError, match=r"unknown setting 'colour': remove it or check its spelling"):
        RunConfig.from_dict({"colour": "red"})
    broken = tmp_path / "broken.json"
    broken.write_text("{ not json")
    with pytest.raises(ConfigError, match=r"broken.json is not valid JSON \(line 1"):
        RunConfig.from_json_file(broken)


def test_version_1_flat_config_migrates():
    config = RunConfig.from_dict({"version": 1, "dataset": "digits", "latent_dim": 4, "epochs": 3, "kl_weight": 0.5})
    assert (config.model.z_dim, config.training.epochs, config.model.kl_weight) == (4, 3, 0.5)
    assert config.version == CONFIG_VERSION
    assert json.loads(config.to_json())["model"]["z_dim"] == 4


def test_config_from_a_newer_vaegui_is_explained():
    with pytest.raises(ConfigError, match=r"written by a newer vaegui.*update vaegui"):
        RunConfig.from_dict({"version": CONFIG_VERSION + 1})


def test_image_shape_check_suggests_sizes():
    ModelConfig(conv_filters=(32, 64)).check_image_shape((28, 28, 1))
    with pytest.raises(ConfigError, match=r"multiple of 8. Choose image size 24 or 32"):
        ModelConfig(conv_filters=(8, 8, 8)).check_image_shape((28, 28, 1))


def test_images_per_epoch_comes_from_the_command_line_and_caps_an_epoch():
    from vaegui.cli import build_parser, config_from_args

    args = build_parser().parse_args(["train", "--config", "celeba_96", "--images-per-epoch", "10000"])
    training = config_from_args(args).training
    assert training.images_per_epoch == 10_000
    assert (training.epoch_images(180_000), training.epoch_images(500)) == (10_000, 500)
    assert RunConfig().training.epoch_images(180_000) == 180_000  # by default an epoch is every image


def test_a_run_saved_before_subsets_existed_still_opens_complete(tmp_path):
    """data.subset came after config version 2: an older run's config.json without it is whole, not damaged."""
    raw = RunConfig().to_dict()
    del raw["data"]["subset"]
    path = tmp_path / "config.json"
    path.write_text(json.dumps(raw))
    assert RunConfig.from_json_file(path, complete=True).data.subset is None
    del raw["data"]["image_size"]
    path.write_text(json.dumps(raw))
    with pytest.raises(ConfigError, match=r"missing setting\(s\) data.image_size"):
        RunConfig.from_json_file(path, complete=True)
