"""SettingsForm: the run settings as form fields (dataset picker, KL presets, ...) that build a validated RunConfig."""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vaegui.config import (
    BATCH_SIZE,
    DENSE_UNITS,
    EPOCHS,
    IMAGE_SIZE,
    KL_STRATEGIES,
    KL_WARMUP_EPOCHS,
    Z_DIM,
    DataConfig,
    ModelConfig,
    Range,
    RunConfig,
    TrainingConfig,
)
from vaegui.data import dataset_names
from vaegui.errors import ConfigError

IMAGE_FOLDER_ITEM = "Image folder…"
DATA_FILES_ITEM = "IDX/NPZ files…"
KL_PRESETS = (("Autoencoder (0)", 0.0), ("Tiny KL (5e-4)", 5e-4), ("Standard VAE (1)", 1.0))
CUSTOM_KL = "Custom"
KL_STRATEGY_LABELS = {
    "train_step": "Custom train_step (GradientTape)",
    "encoder_layer": "KL layer in the encoder (add_loss)",
    "model_add_loss": "add_loss on the whole model",
}
RECONSTRUCTION_LABELS = {"bce": "Binary cross-entropy", "mse": "Mean squared error"}
# Native side of the built-in datasets, to check the conv layers fit before anything loads.
NATIVE_IMAGE_SIZES = {"digits": 8, "mnist": 28, "fashion_mnist": 28}

# The settings the form starts with: vaegui.config's defaults (the same as `vaegui train`'s), except the
# number of epochs. Pressing Train at once trains the digits: 1,617 images are 26 batches of 64, so an
# epoch takes a fraction of a second, and 30 of them draw a 2-D map nearly as tidy as the former form's ReLU
# settings did in 20 epochs at batch 32, in the same time, with no unit dead (5-NN accuracy of mu on all
# 1,797 digits 0.57-0.70 over four runs, against 0.64-0.74 with 24-27 of 64 units dead).
GUI_DEFAULTS = RunConfig(data=DataConfig(dataset="digits"), training=TrainingConfig(epochs=30))


class SettingsForm(QWidget):
    """Every field a person may set before training; `config()` turns them into a validated RunConfig."""

    changed = Signal()

    def __init__(self, dataset: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self._last_dataset_index = 0

        self.dataset_box = QComboBox()
        self.dataset_box.addItems(dataset_names())
        self.dataset_box.insertSeparator(self.dataset_box.count())
        self.dataset_box.addItems([IMAGE_FOLDER_ITEM, DATA_FILES_ITEM])
        self.dataset_box.setToolTip("A built-in dataset, a folder of images (sub-folders = classes), IDX or .npz files")
        self.dataset_box.activated.connect(self._on_dataset_activated)
        self.dataset_box.currentIndexChanged.connect(self._on_dataset_changed)

        self.image_size_box = QSpinBox()
        # One below the smallest size reads "native": QSpinBox shows its special text at its minimum.
        self.image_size_box.setRange(int(IMAGE_SIZE.low) - 1, int(IMAGE_SIZE.high))
        self.image_size_box.setSpecialValueText("native")
        self.image_size_box.setSuffix(" px")
        self.image_size_box.setToolTip("Resize images to a square of this side; 'native' keeps the dataset's size")
        self.channels_box = QComboBox()
        self.channels_box.addItems(["native", "grey (1)", "colour (3)"])

        self.z_dim_box = QSpinBox()
        _set_range(self.z_dim_box, Z_DIM)
        self.z_dim_box.setToolTip("Latent size: 2 lets you see the latent space directly")

        self.kl_preset_box = QComboBox()
        self.kl_preset_box.addItems([name for name, _ in KL_PRESETS] + [CUSTOM_KL])
        self.kl_preset_box.activated.connect(self._on_kl_preset)
        self.kl_weight_edit = QLineEdit()
        self.kl_weight_edit.setMaximumWidth(80)
        self.kl_weight_edit.setToolTip("β: 0 = plain autoencoder, 1 = standard VAE")
        self.kl_weight_edit.textEdited.connect(self._sync_kl_preset)
        self.warmup_box = QSpinBox()
        _set_range(self.warmup_box, KL_WARMUP_EPOCHS)
        self.warmup_box.setSpecialValueText("off")
        self.warmup_box.setSuffix(" epochs")
        self.warmup_box.setToolTip("KL warm-up: β rises linearly to its value over the first N epochs")
        self.kl_strategy_box = QComboBox()
        for strategy in KL_STRATEGIES:
            self.kl_strategy_box.addItem(KL_STRATEGY_LABELS.get(strategy, strategy), strategy)
        self.reconstruction_box = QComboBox()
        for key, label in RECONSTRUCTION_LABELS.items():
            self.reconstruction_box.addItem(label, key)

        self.epochs_box = QSpinBox()
        _set_range(self.epochs_box, EPOCHS)
        self.batch_size_box = QSpinBox()
        _set_range(self.batch_size_box, BATCH_SIZE)
        self.learning_rate_edit = QLineEdit()
        self.learning_rate_edit.setMaximumWidth(80)
        self.conv_filters_edit = QLineEdit()
        self.conv_filters_edit.setToolTip("Filters of each stride-2 conv layer, e.g. 32,64 (each halves the image)")
        self.dense_units_box = QSpinBox()
        _set_range(self.dense_units_box, DENSE_UNITS)
        self.seed_edit = QLineEdit()
        self.seed_edit.setPlaceholderText("random")
        self.seed_edit.setMaximumWidth(80)

        self.run_folder_edit = QLineEdit()
        self.run_folder_edit.setPlaceholderText("new folder under runs/")
        self.run_folder_button = QPushButton("…")
        self.run_folder_button.setMaximumWidth(30)
        self.run_folder_button.setToolTip("Choose where the run is saved")
        self.run_folder_button.clicked.connect(self._choose_run_folder)

        kl_row = QHBoxLayout()
        kl_row.addWidget(self.kl_preset_box, 1)
        kl_row.addWidget(self.kl_weight_edit)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.run_folder_edit, 1)
        folder_row.addWidget(self.run_folder_button)

        data_group = QGroupBox("Data")
        data_form = QFormLayout(data_group)
        data_form.addRow("Dataset", self.dataset_box)
        data_form.addRow("Image size", self.image_size_box)
        data_form.addRow("Colour", self.channels_box)
        model_group = QGroupBox("Model")
        model_form = QFormLayout(model_group)
        model_form.addRow("Latent size (z_dim)", self.z_dim_box)
        model_form.addRow("KL weight (β)", kl_row)
        model_form.addRow("KL warm-up", self.warmup_box)
        model_form.addRow("KL strategy", self.kl_strategy_box)
        model_form.addRow("Reconstruction loss", self.reconstruction_box)
        model_form.addRow("Conv filters", self.conv_filters_edit)
        model_form.addRow("Dense width", self.dense_units_box)
        training_group = QGroupBox("Training")
        training_form = QFormLayout(training_group)
        training_form.addRow("Epochs", self.epochs_box)
        training_form.addRow("Batch size", self.batch_size_box)
        training_form.addRow("Learning rate", self.learning_rate_edit)
        training_form.addRow("Seed", self.seed_edit)
        training_form.addRow("Run folder", folder_row)

        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("color: #b00020;")
        self.message_label.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for group in (data_group, model_group, training_group):
            layout.addWidget(group)
        layout.addWidget(self.message_label)

        self.set_config(GUI_DEFAULTS)
        if dataset:
            self.set_dataset(dataset)
        for signal in (
            self.image_size_box.valueChanged,
            self.z_dim_box.valueChanged,
            self.epochs_box.valueChanged,
            self.batch_size_box.valueChanged,
            self.kl_weight_edit.textEdited,
            self.learning_rate_edit.textEdited,
            self.conv_filters_edit.textEdited,
        ):
            signal.connect(self._on_edited)

    # ---- config in and out ------------------------------------------------------------------

    def set_config(self, config: RunConfig) -> None:
        """Show a run's settings (defaults, or a reopened run)."""
        self.set_dataset(config.data.dataset)
        self.image_size_box.setValue(config.data.image_size or self.image_size_box.minimum())
        self.channels_box.setCurrentIndex({None: 0, 1: 1, 3: 2}.get(config.data.channels, 0))
        self._test_fraction = config.data.test_fraction
        model, training = config.model, config.training
        self.z_dim_box.setValue(model.z_dim)
        self.kl_weight_edit.setText(f"{model.kl_weight:g}")
        self._sync_kl_preset()
        self.warmup_box.setValue(training.kl_warmup_epochs)
        self._select_data(self.kl_strategy_box, model.kl_strategy)
        self._select_data(self.reconstruction_box, model.reconstruction_loss)
        self.conv_filters_edit.setText(",".join(str(f) for f in model.conv_filters))
        self.dense_units_box.setValue(model.dense_units)
        self._activation = model.activation
        self.epochs_box.setValue(training.epochs)
        self.batch_size_box.setValue(training.batch_size)
        self.learning_rate_edit.setText(f"{training.learning_rate:g}")
        self.seed_edit.setText("" if training.seed is None else str(training.seed))
        # Settings the form does not show travel along unchanged.
        self._hidden_training = {
            key: getattr(training, key)
            for key in ("steps_per_execution", "images_per_epoch", "jit_compile", "strategy", "mixed_precision")
        }
        self.show_message("")

    def config(self) -> RunConfig:
        """The settings as a validated RunConfig; raises ConfigError with a short reason if one is wrong."""
        image_size = self.image_size_box.value()
        config = RunConfig(
            data=DataConfig(
                dataset=self.dataset(),
                image_size=None if image_size == self.image_size_box.minimum() else image_size,
                channels=(None, 1, 3)[self.channels_box.currentIndex()],
                test_fraction=self._test_fraction,
            ),
            model=ModelConfig(
                z_dim=self.z_dim_box.value(),
                conv_filters=_parse_filters(self.conv_filters_edit.text()),
                dense_units=self.dense_units_box.value(),
                activation=self._activation,
                kl_weight=_parse_number(self.kl_weight_edit.text(), "KL weight", "0, 5e-4 or 1"),
                kl_strategy=self.kl_strategy_box.currentData(),
                reconstruction_loss=self.reconstruction_box.currentData(),
            ),
            training=TrainingConfig(
                epochs=self.epochs_box.value(),
                batch_size=self.batch_size_box.value(),
                learning_rate=_parse_number(self.learning_rate_edit.text(), "Learning rate", "1e-3"),
                seed=_parse_seed(self.seed_edit.text()),
                kl_warmup_epochs=self.warmup_box.value(),
                **self._hidden_training,
            ),
        )
        config.validate()
        side = config.data.image_size or NATIVE_IMAGE_SIZES.get(config.data.dataset)
        if side is not None:
            config.model.check_image_shape((side, side, 1))
        return config

    def check(self) -> RunConfig | None:
        """The validated config, or None after showing the reason under the form."""
        try:
            config = self.config()
        except ConfigError as error:
            self.show_message(str(error))
            return None
        self.show_message("")
        return config

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def run_folder(self) -> str | None:
        return self.run_folder_edit.text().strip() or None

    # ---- dataset picker ---------------------------------------------------------------------

    def dataset(self) -> str:
        text = self.dataset_box.currentText()
        return "" if text in (IMAGE_FOLDER_ITEM, DATA_FILES_ITEM) else text

    def set_dataset(self, name_or_path: str) -> None:
        index = self.dataset_box.findText(name_or_path)
        if index < 0:
            # A path: list it above the separator so it can be picked again.
            index = self.dataset_box.count() - 3
            self.dataset_box.insertItem(index, name_or_path)
            self.dataset_box.setItemData(index, name_or_path, Qt.ItemDataRole.ToolTipRole)
        self.dataset_box.setCurrentIndex(index)
        self._last_dataset_index = index

    def _on_dataset_changed(self, index: int) -> None:
        if self.dataset_box.itemText(index) not in (IMAGE_FOLDER_ITEM, DATA_FILES_ITEM, ""):
            self._last_dataset_index = index
            self._on_edited()

    def _on_dataset_activated(self, index: int) -> None:
        text = self.dataset_box.itemText(index)
        path = None
        if text == IMAGE_FOLDER_ITEM:
            path = QFileDialog.getExistingDirectory(self, "Folder of images (one sub-folder per class, or flat)")
        elif text == DATA_FILES_ITEM:
            path, _ = QFileDialog.getOpenFileName(
                self, "An .npz file, or an IDX images file", "", "Datasets (*.npz *-ubyte *-ubyte.gz);;All files (*)"
            )
            if path and not path.lower().endswith(".npz"):
                path = str(Path(path).parent)  # IDX files come in a folder with their labels
        else:
            return
        if path:
            self.set_dataset(path)
        else:
            self.dataset_box.setCurrentIndex(self._last_dataset_index)

    # ---- small helpers ----------------------------------------------------------------------

    def _on_kl_preset(self, index: int) -> None:
        if index < len(KL_PRESETS):
            self.kl_weight_edit.setText(f"{KL_PRESETS[index][1]:g}")
            self._on_edited()

    def _sync_kl_preset(self, *_args) -> None:
        try:
            value = float(self.kl_weight_edit.text())
        except ValueError:
            value = math.nan
        matching = [i for i, (_, preset) in enumerate(KL_PRESETS) if math.isclose(value, preset, rel_tol=1e-9)]
        self.kl_preset_box.setCurrentIndex(matching[0] if matching else len(KL_PRESETS))

    def _on_edited(self, *_args) -> None:
        if self.message_label.isVisible():
            self.check()  # a shown reason disappears as soon as the value is fixed
        self.changed.emit()

    def _choose_run_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder to save the run in (a new, empty folder)")
        if folder:
            self.run_folder_edit.setText(folder)

    @staticmethod
    def _select_data(box: QComboBox, value: str) -> None:
        index = box.findData(value)
        if index >= 0:
            box.setCurrentIndex(index)


def _set_range(box: QSpinBox, allowed: Range) -> None:
    box.setRange(int(allowed.low), int(allowed.high))


def _parse_number(text: str, name: str, example: str) -> float:
    try:
        return float(text.strip())
    except ValueError:
        raise ConfigError(f"{name} '{text}' is not a number: type a number such as {example}.") from None


def _parse_seed(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise ConfigError(f"Seed '{text}' is not a whole number: type one such as 0, or leave it empty.") from None


def _parse_filters(text: str) -> tuple[int, ...]:
    parts = [p for p in text.replace(" ", ",").split(",") if p]
    try:
        return tuple(int(p) for p in parts)
    except ValueError:
        raise ConfigError(f"Conv filters '{text}' must be whole numbers separated by commas, e.g. 32,64.") from None
