"""Settings of a run (data, model, training) as dataclasses, validated with messages people can act on."""

from __future__ import annotations

import dataclasses
import json
import numbers
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, NamedTuple

from vaegui.config_values import read_section
from vaegui.errors import ConfigError

CONFIG_VERSION = 2
KL_STRATEGIES = ("train_step", "encoder_layer", "model_add_loss")
RECONSTRUCTION_LOSSES = ("bce", "mse")
ACTIVATIONS = ("relu", "leaky_relu", "elu", "gelu", "tanh", "swish")
DISTRIBUTION_STRATEGIES = ("auto", "default", "mirrored", "multiworker")


class Range(NamedTuple):
    """The values a setting may take, both ends included; the GUI's fields, the CLI and the data loaders use these."""

    low: float
    high: float

    def __contains__(self, value: object) -> bool:
        return isinstance(value, numbers.Real) and self.low <= value <= self.high


# The one place for the valid ranges.
IMAGE_SIZE = Range(8, 256)  # pixels a side
CHANNELS = (1, 3)  # grayscale, RGB
TEST_FRACTION = Range(0.0, 0.9)  # 0: no test images
SUBSET = Range(10, 100_000_000)  # images kept of a dataset (train and test together)
Z_DIM = Range(2, 512)
CONV_LAYERS = Range(1, 5)
CONV_FILTERS = Range(1, 1024)
DENSE_UNITS = Range(1, 4096)
EPOCHS = Range(1, 100_000)
BATCH_SIZE = Range(1, 65_536)
KL_WARMUP_EPOCHS = Range(0, 100_000)
STEPS_PER_EXECUTION = Range(1, 10_000)
IMAGES_PER_EPOCH = Range(1, 2**31 - 1)
SEED = Range(0, 2**31 - 1)
MAX_LEARNING_RATE = 10.0
MAX_Z_DIM = Z_DIM.high


@dataclass
class DataConfig:
    # A built-in name, or a path: a run stores it absolute (vaegui.runs.dataset_location).
    dataset: str = "digits"
    # None keeps the dataset's native size (8 for digits, 28 for MNIST); folders default to 64.
    image_size: int | None = None
    # None keeps the dataset's channels; 1 = grayscale, 3 = RGB.
    channels: int | None = None
    test_fraction: float = 0.1
    # The dataset's path relative to the run folder when it lives inside it, so a copied run finds its copied data.
    dataset_in_run_folder: str | None = None
    # None keeps every image; a number keeps that many, drawn at random (seeded), train and test alike.
    subset: int | None = None

    def validate(self) -> None:
        if not isinstance(self.dataset, str) or not self.dataset.strip():
            raise ConfigError("No dataset chosen: pick 'digits', 'mnist', 'fashion_mnist' or a folder/.npz path.")
        if self.dataset_in_run_folder is not None and not isinstance(self.dataset_in_run_folder, str):
            raise ConfigError("data.dataset_in_run_folder must be a path inside the run folder, or empty.")
        if self.image_size is not None and self.image_size not in IMAGE_SIZE:
            raise ConfigError(
                f"Image size {self.image_size} is out of range: choose a size from {IMAGE_SIZE.low} to "
                f"{IMAGE_SIZE.high} pixels."
            )
        if self.channels is not None and self.channels not in CHANNELS:
            raise ConfigError(f"Channels {self.channels} is not supported: use 1 (grayscale) or 3 (RGB).")
        if self.test_fraction not in TEST_FRACTION:
            raise ConfigError(
                f"Test fraction {self.test_fraction} is out of range: choose a value from {TEST_FRACTION.low:g} "
                f"(no test images) to {TEST_FRACTION.high:g}."
            )
        if self.subset is not None and self.subset not in SUBSET:
            raise ConfigError(
                f"Subset of {self.subset} images is out of range: keep {SUBSET.low:,} to {SUBSET.high:,} images, or "
                "leave it empty for all of them."
            )


# The one set of defaults, for the app and `vaegui train` (the app's form only runs more epochs on the digits).
# ELU, not ReLU: ReLU units of a small dense layer die (zero for every image) and the latent means then
# collapse onto a few directions; ELU keeps a slope below zero and cannot die, so Keras' default weight
# start is enough. Conv 16/32 learns as well as wider layers for a fraction of the work, and batch 64 at
# Adam 2e-3 draws a 2-D map in fewer epochs than 128 at 1e-3. The measurements behind each choice:
# docs/performance.md, "How the defaults were chosen".
@dataclass
class ModelConfig:
    # 2 draws the latent space directly, the app's first demo; choose 16 or more for a space that
    # keeps more of the images.
    z_dim: int = 2
    conv_filters: tuple[int, ...] = (16, 32)
    dense_units: int = 64
    activation: str = "elu"
    # 0 turns the VAE into a plain autoencoder; the seed articles use tiny values such as 5e-4.
    kl_weight: float = 1.0
    kl_strategy: str = "train_step"
    reconstruction_loss: str = "bce"

    def validate(self) -> None:
        if self.z_dim not in Z_DIM:
            raise ConfigError(f"Latent size (z_dim) {self.z_dim} is out of range: choose {Z_DIM.low} to {Z_DIM.high}.")
        if len(self.conv_filters) not in CONV_LAYERS:
            raise ConfigError(
                f"Conv filters must list {CONV_LAYERS.low} to {CONV_LAYERS.high} layer widths, for example 32,64."
            )
        if any(f not in CONV_FILTERS for f in self.conv_filters):
            raise ConfigError(
                f"Conv filters {list(self.conv_filters)} must each be between {CONV_FILTERS.low} and "
                f"{CONV_FILTERS.high}."
            )
        if self.dense_units not in DENSE_UNITS:
            raise ConfigError(
                f"Dense width {self.dense_units} is out of range: choose {DENSE_UNITS.low} to {DENSE_UNITS.high}."
            )
        if self.activation not in ACTIVATIONS:
            raise ConfigError(f"Activation '{self.activation}' is unknown: choose one of {', '.join(ACTIVATIONS)}.")
        if not self.kl_weight >= 0:  # also refuses NaN
            raise ConfigError(f"KL weight {self.kl_weight} must be 0 or more (0 gives a plain autoencoder).")
        if self.kl_strategy not in KL_STRATEGIES:
            raise ConfigError(f"KL strategy '{self.kl_strategy}' is unknown: choose one of {', '.join(KL_STRATEGIES)}.")
        if self.reconstruction_loss not in RECONSTRUCTION_LOSSES:
            raise ConfigError(
                f"Reconstruction loss '{self.reconstruction_loss}' is unknown: choose 'bce' (binary cross-entropy) "
                "or 'mse'."
            )

    def check_image_shape(self, image_shape: tuple[int, int, int]) -> None:
        """Each stride-2 conv halves the image, so the side must divide by 2 ** layers."""
        height, width, channels = image_shape
        step = 2 ** len(self.conv_filters)
        for side in (height, width):
            if side % step or side // step < 1:
                below, above = (side // step) * step, (side // step + 1) * step
                choices = " or ".join(str(s) for s in (below, above) if s >= step)
                raise ConfigError(
                    f"Image size {height}×{width} does not fit {len(self.conv_filters)} conv layers: the side must "
                    f"be a multiple of {step}. Choose image size {choices}, or change the number of conv layers."
                )
        if channels not in CHANNELS:
            raise ConfigError(f"Images with {channels} channels are not supported: use 1 (grayscale) or 3 (RGB).")


@dataclass
class TrainingConfig:
    epochs: int = 10
    batch_size: int = 64
    learning_rate: float = 2e-3
    # The same seed gives the same losses on the CPU, so a demo or a bug report can be repeated.
    seed: int | None = 0
    # β rises linearly from kl_weight/N to kl_weight over the first N epochs (0 = off).
    kl_warmup_epochs: int = 0
    steps_per_execution: int = 1
    # None: an epoch is the whole training split. A number: each epoch trains on that many training images
    # drawn afresh at random, and measures the test loss on that many test images at most (always the same
    # ones), so epochs on a very large folder (CelebA's 200,000 images) take minutes, not hours.
    images_per_epoch: int | None = None
    jit_compile: bool = False
    strategy: str = "default"
    mixed_precision: bool = False

    def validate(self) -> None:
        if self.epochs not in EPOCHS:
            bound = f"at least {EPOCHS.low} epoch" if self.epochs < EPOCHS.low else f"at most {EPOCHS.high} epochs"
            raise ConfigError(f"Epochs {self.epochs} is out of range: train for {bound}.")
        if self.batch_size not in BATCH_SIZE:
            raise ConfigError(
                f"Batch size {self.batch_size} is out of range: choose {BATCH_SIZE.low} to {BATCH_SIZE.high} "
                "(128 is typical)."
            )
        if not 0 < self.learning_rate <= MAX_LEARNING_RATE:  # also refuses NaN
            raise ConfigError(
                f"Learning rate {self.learning_rate} must be greater than 0 (1e-3 is a good start) and at most "
                f"{MAX_LEARNING_RATE:g}."
            )
        if self.seed is not None and self.seed not in SEED:
            raise ConfigError(
                f"Seed {self.seed} must be between {SEED.low} and {SEED.high}, or empty for a random seed."
            )
        if self.kl_warmup_epochs not in KL_WARMUP_EPOCHS:
            raise ConfigError(
                f"KL warm-up {self.kl_warmup_epochs} epochs must be 0 (off) up to {KL_WARMUP_EPOCHS.high}."
            )
        if self.steps_per_execution not in STEPS_PER_EXECUTION:
            raise ConfigError(
                f"Steps per execution {self.steps_per_execution} must be {STEPS_PER_EXECUTION.low} to "
                f"{STEPS_PER_EXECUTION.high}."
            )
        if self.images_per_epoch is not None and self.images_per_epoch not in IMAGES_PER_EPOCH:
            raise ConfigError(
                f"Images per epoch {self.images_per_epoch!r} must be a whole number of at least "
                f"{IMAGES_PER_EPOCH.low:g} (e.g. 10000), or empty for the whole training set."
            )
        if self.strategy not in DISTRIBUTION_STRATEGIES:
            raise ConfigError(
                f"Distribution strategy '{self.strategy}' is unknown: "
                f"choose one of {', '.join(DISTRIBUTION_STRATEGIES)}."
            )


    def epoch_images(self, train_count: int) -> int:
        """How many of the `train_count` training images one epoch trains on."""
        return train_count if self.images_per_epoch is None else min(train_count, self.images_per_epoch)

    def check_batch_fits(self, train_count: int, replicas: int = 1) -> None:
        """A batch (per replica, so `replicas` times larger in all) must not exceed the training set."""
        global_batch = self.batch_size * replicas
        if global_batch > train_count:
            per_replica = f" ({self.batch_size} on each of {replicas} replicas)" if replicas > 1 else ""
            raise ConfigError(
                f"Batch size {global_batch}{per_replica} is larger than the training set ({train_count} images): "
                f"choose a batch size of at most {train_count // replicas}."
            )


@dataclass
class RunConfig:
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    training: TrainingConfig = field(default_factory=TrainingConfig)
    version: int = CONFIG_VERSION

    def validate(self) -> RunConfig:
        self.data.validate()
        self.model.validate()
        self.training.validate()
        return self

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, raw: Any, *, source: str = "The settings", complete: bool = False) -> RunConfig:
        """Settings from a JSON object; missing ones take defaults unless `complete` (a run's own config.json).

        A run's weights only fit the model and data settings it was trained with, so a run's file
        with one of those missing cannot be guessed back from defaults.
        """
        if not isinstance(raw, dict):
            raise ConfigError(f"{source} must hold a JSON object with 'data', 'model' and 'training' sections.")
        migrated = raw.get("version", CONFIG_VERSION) != CONFIG_VERSION
        raw = _migrate(dict(raw), source)
        unknown = set(raw) - {"data", "model", "training", "version"}
        if unknown:
            raise ConfigError(
                f"{source} has unknown section(s) {', '.join(sorted(unknown))}: "
                "only 'data', 'model', 'training' and 'version' are allowed."
            )
        config = cls(
            data=read_section(DataConfig, raw.get("data", {}), "data", source),
            model=read_section(ModelConfig, raw.get("model", {}), "model", source),
            training=read_section(TrainingConfig, raw.get("training", {}), "training", source),
        )
        if complete and not migrated:
            _require_every_setting(raw, source)
        return config.validate()

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2) + "\n"

    @classmethod
    def from_json_file(cls, path: str | Path, *, complete: bool = False) -> RunConfig:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(f"Settings file {path} does not exist: check the path.") from None
        except OSError as error:
            raise ConfigError(
                f"Settings file {path} cannot be read ({error.strerror}): check its permissions."
            ) from None
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as error:
            raise ConfigError(
                f"Settings file {path} is not valid JSON (line {error.lineno}: {error.msg}): fix or recreate it."
            ) from None
        return cls.from_dict(raw, source=f"Settings file {path}", complete=complete)


def _migrate(raw: dict[str, Any], source: str) -> dict[str, Any]:
    """Bring older config layouts to the current one, so old run folders still open."""
    # Without a version, a file with sections is of the current layout; a flat one is version 1.
    sectioned = any(isinstance(raw.get(name), dict) for name in ("data", "model", "training"))
    version = raw.get("version", CONFIG_VERSION if sectioned else 1)
    if not isinstance(version, int) or version < 1:
        raise ConfigError(f"{source} has an invalid version {version!r}: it should be a whole number.")
    if version > CONFIG_VERSION:
        raise ConfigError(
            f"{source} was written by a newer vaegui (config version {version}; this one reads up to "
            f"{CONFIG_VERSION}): update vaegui to open it."
        )
    if version == 1:
        # Version 1 kept every setting in one flat object, and called the latent size 'latent_dim'.
        flat = {k: v for k, v in raw.items() if k != "version"}
        if "latent_dim" in flat:
            flat["z_dim"] = flat.pop("latent_dim")
        raw = {"data": {}, "model": {}, "training": {}}
        sections = {"data": DataConfig, "model": ModelConfig, "training": TrainingConfig}
        for key, value in flat.items():
            if key in sections and isinstance(value, dict):
                raw[key].update(value)
                continue
            owner = next((name for name, kind in sections.items() if key in {f.name for f in fields(kind)}), None)
            if owner is None:
                raise ConfigError(f"{source} has an unknown setting '{key}': remove it or check its spelling.")
            raw[owner][key] = value
    raw["version"] = CONFIG_VERSION
    return raw


# Settings added after CONFIG_VERSION 2 whose default is what older runs did (or, for dataset_in_run_folder,
# only where the data was): their absence is not a gap.
ADDED_WITH_OLD_BEHAVIOUR = {"data.subset", "data.dataset_in_run_folder"}


def _require_every_setting(raw: dict[str, Any], source: str) -> None:
    missing = [
        f"{name}.{f.name}"
        for name, kind in (("data", DataConfig), ("model", ModelConfig))
        if isinstance(raw.get(name, {}), dict)
        for f in fields(kind)
        if f.name not in raw.get(name, {}) and f"{name}.{f.name}" not in ADDED_WITH_OLD_BEHAVIOUR
    ]
    if missing:
        raise ConfigError(
            f"{source} is missing setting(s) {', '.join(missing)}. A run's config.json lists every setting its "
            "weights were trained with, and vaegui cannot guess them: put them back as they were, or train a new run."
        )
