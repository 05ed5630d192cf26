"""SettingsForm: the run settings as form fields (dataset picker, KL presets, ...) that build a validated RunConfig."""

from __future__ import annotations

import math
import os
from pathlib import Path

from PySide6.QtCore import Signal
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
    IMAGES_PER_EPOCH,
    KL_STRATEGIES,
    KL_WARMUP_EPOCHS,
    SUBSET,
    Z_DIM,
    DataConfig,
    ModelConfig,
    RunConfig,
    TrainingConfig,
)
from vaegui.data.image_folder import DEFAULT_FOLDER_IMAGE_SIZE
from vaegui.errors import ConfigError
from vaegui.gui.common.wording import wording
from vaegui.gui.training.dataset_box import DATA_FILES_ITEM, IMAGE_FOLDER_ITEM, DatasetBox
from vaegui.gui.training.form_values import (  # GUI_DEFAULTS: imported from here by the welcome and tests
    GUI_DEFAULTS,  # noqa: F401
    NATIVE_IMAGE_SIZES,
    first_picture_size,
    gui_defaults,
    native_size_words,
    parse_filters,
    parse_number,
    parse_seed,
    set_range,
)
from vaegui.palette import HINT_TEXT
from vaegui.training.first_run import DATASET_SIZES
from vaegui.words import tip, word

FORM_ROW_SPACING = 3
KL_PRESETS = (("kl_preset_0", 0.0), ("kl_preset_tiny", 5e-4), ("kl_preset_1", 1.0))  # (term, β)
RECONSTRUCTION_LOSS_TERMS = {"bce": "loss_bce", "mse": "loss_mse"}
# Settings only practitioners change: presenter mode may hide them (Wording.expert_controls).
EXPERT_SETTINGS = ("colour", "kl_warmup", "kl_strategy", "reconstruction_loss", "conv_filters", "dense_units", "seed",
                   "images_per_epoch")

class SettingsForm(QWidget):
    """Every field a person may set before training; `config()` turns them into a validated RunConfig."""

    changed = Signal()

    def __init__(self, dataset: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self._last_dataset_index = 0
        self.row_labels: dict[str, QLabel] = {}  # by term key, e.g. "kl_weight"

        words = wording()
        self.dataset_box = DatasetBox()
        self.dataset_box.activated.connect(self._on_dataset_activated)
        self.dataset_box.currentIndexChanged.connect(self._on_dataset_changed)

        self.image_size_box = QSpinBox()
        # One below the smallest size reads "native": QSpinBox shows its special text at its minimum.
        self.image_size_box.setRange(int(IMAGE_SIZE.low) - 1, int(IMAGE_SIZE.high))
        self.image_size_box.setSpecialValueText("native")
        self.image_size_box.setSuffix(" px")
        self.channels_box = QComboBox()
        self.channels_box.addItems(["native", "grey (1)", "colour (3)"])
        self.subset_box = QSpinBox()
        # As the image size: one below the smallest count reads "all".
        self.subset_box.setRange(int(SUBSET.low) - 1, int(SUBSET.high))
        self.subset_box.setSpecialValueText("all")
        self.subset_box.setSingleStep(1000)
        self.subset_box.setGroupSeparatorShown(True)

        self.z_dim_box = QSpinBox()
        set_range(self.z_dim_box, Z_DIM)

        self.kl_preset_box = QComboBox()
        self.kl_preset_box.addItems([""] * (len(KL_PRESETS) + 1))
        self.kl_preset_box.activated.connect(self._on_kl_preset)
        self.kl_weight_edit = QLineEdit()
        self.kl_weight_edit.setMaximumWidth(80)
        self.kl_weight_edit.textEdited.connect(self._sync_kl_preset)
        self.warmup_box = QSpinBox()
        set_range(self.warmup_box, KL_WARMUP_EPOCHS)
        self.warmup_box.setSpecialValueText("off")
        self.warmup_box.setSuffix(" epochs")
        self.kl_strategy_box = QComboBox()
        for strategy in KL_STRATEGIES:
            self.kl_strategy_box.addItem("", strategy)
        self.reconstruction_box = QComboBox()
        for key in RECONSTRUCTION_LOSS_TERMS:
            self.reconstruction_box.addItem("", key)
        words.bind(self, self._render_choices)

        self.epochs_box = QSpinBox()
        set_range(self.epochs_box, EPOCHS)
        self.batch_size_box = QSpinBox()
        set_range(self.batch_size_box, BATCH_SIZE)
        self.images_per_epoch_box = QSpinBox()
        # As the subset: one below the smallest count reads "all" (the whole training set each epoch).
        self.images_per_epoch_box.setRange(int(IMAGES_PER_EPOCH.low) - 1, int(min(IMAGES_PER_EPOCH.high, 2**31 - 1)))
        self.images_per_epoch_box.setSpecialValueText("all")
        self.images_per_epoch_box.setSingleStep(1000)
        self.images_per_epoch_box.setGroupSeparatorShown(True)
        self.learning_rate_edit = QLineEdit()
        self.learning_rate_edit.setMaximumWidth(80)
        self.conv_filters_edit = QLineEdit()
        self.dense_units_box = QSpinBox()
        set_range(self.dense_units_box, DENSE_UNITS)
        self.seed_edit = QLineEdit()
        self.seed_edit.setPlaceholderText("random")
        self.seed_edit.setMaximumWidth(80)

        self.run_folder_edit = QLineEdit()
        self.run_folder_edit.setPlaceholderText("new folder under runs/")
        self.run_folder_button = QPushButton("…")
        self.run_folder_button.setMaximumWidth(30)
        self.run_folder_button.setToolTip("Choose where the run is saved")
        self.run_folder_button.clicked.connect(self._choose_run_folder)

        # The size said in words under the box when it is not the pictures' own (a folder's are resized).
        self.size_note = QLabel()
        self.size_note.setWordWrap(True)
        self.size_note.setStyleSheet(f"color: {HINT_TEXT};")
        self.size_note.hide()
        size_row = QVBoxLayout()
        size_row.setSpacing(2)
        size_row.addWidget(self.image_size_box)
        size_row.addWidget(self.size_note)
        kl_row = QHBoxLayout()
        kl_row.addWidget(self.kl_preset_box, 1)
        kl_row.addWidget(self.kl_weight_edit)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.run_folder_edit, 1)
        folder_row.addWidget(self.run_folder_button)

        groups = []
        for group_key, rows in (
            ("group_data", (("dataset", self.dataset_box), ("image_size", size_row),
                            ("colour", self.channels_box), ("subset", self.subset_box))),
            ("group_model", (("z_dim", self.z_dim_box), ("kl_weight", kl_row), ("kl_warmup", self.warmup_box),
                             ("kl_strategy", self.kl_strategy_box), ("reconstruction_loss", self.reconstruction_box),
                             ("conv_filters", self.conv_filters_edit), ("dense_units", self.dense_units_box))),
            ("group_training", (("epochs", self.epochs_box), ("batch_size", self.batch_size_box),
                                ("images_per_epoch", self.images_per_epoch_box),
                                ("learning_rate", self.learning_rate_edit), ("seed", self.seed_edit),
                                ("run_folder", folder_row))),
        ):
            group = QGroupBox()
            words.bind(group, lambda expert, g=group, k=group_key: g.setTitle(word(k, expert)))
            form = QFormLayout(group)
            form.setVerticalSpacing(FORM_ROW_SPACING)  # all settings and buttons fit 1280×800 without scrolling
            form.setContentsMargins(8, 4, 8, 6)
            for key, field in rows:
                self.row_labels[key] = label = words.label(QLabel(), key)
                form.addRow(label, field)
                fields = [field] if isinstance(field, QWidget) else [field.itemAt(i).widget()
                                                                     for i in range(field.count())
                                                                     if field.itemAt(i).widget() is not self.size_note]
                for widget in fields:
                    widget.setToolTip(tip(key))
                if key in EXPERT_SETTINGS:
                    words.mark_expert(label, *fields)
            groups.append(group)

        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("color: #b00020;")
        self.message_label.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for group in groups:
            layout.addWidget(group)
        layout.addWidget(self.message_label)

        self.set_config(gui_defaults(dataset))
        self.image_size_box.valueChanged.connect(self._say_size)
        for signal in (
            self.image_size_box.valueChanged,
            self.images_per_epoch_box.valueChanged,
            self.subset_box.valueChanged,
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
        self.subset_box.setValue(config.data.subset or self.subset_box.minimum())
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
        self.images_per_epoch_box.setValue(training.images_per_epoch or self.images_per_epoch_box.minimum())
        # Settings the form does not show travel along unchanged.
        self._hidden_training = {
            key: getattr(training, key) for key in ("steps_per_execution", "jit_compile", "strategy", "mixed_precision")
        }
        self.show_message("")

    def config(self) -> RunConfig:
        """The settings as a validated RunConfig; raises ConfigError with a short reason if one is wrong."""
        image_size, subset = self.image_size_box.value(), self.subset_box.value()
        config = RunConfig(
            data=DataConfig(
                dataset=self.dataset(),
                image_size=None if image_size == self.image_size_box.minimum() else image_size,
                channels=(None, 1, 3)[self.channels_box.currentIndex()],
                test_fraction=self._test_fraction,
                subset=None if subset == self.subset_box.minimum() else subset,
            ),
            model=ModelConfig(
                z_dim=self.z_dim_box.value(),
                conv_filters=parse_filters(self.conv_filters_edit.text()),
                dense_units=self.dense_units_box.value(),
                activation=self._activation,
                kl_weight=parse_number(self.kl_weight_edit.text(), "KL weight", "0, 5e-4 or 1"),
                kl_strategy=self.kl_strategy_box.currentData(),
                reconstruction_loss=self.reconstruction_box.currentData(),
            ),
            training=TrainingConfig(
                epochs=self.epochs_box.value(),
                batch_size=self.batch_size_box.value(),
                learning_rate=parse_number(self.learning_rate_edit.text(), "Learning rate", "1e-3"),
                seed=parse_seed(self.seed_edit.text()),
                kl_warmup_epochs=self.warmup_box.value(),
                images_per_epoch=None if self.images_per_epoch_box.value() == self.images_per_epoch_box.minimum()
                else self.images_per_epoch_box.value(),
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
        return self.dataset_box.name()

    def set_dataset(self, name_or_path: str) -> None:
        index = self.dataset_box.index_of(name_or_path)  # a path is listed, to be picked again
        self.dataset_box.setCurrentIndex(index)
        self._last_dataset_index = index
        self._describe_size()

    def _on_dataset_changed(self, index: int) -> None:
        if self.dataset_box.is_dataset(index):
            self._last_dataset_index = index
            self._describe_size()
            self._on_edited()

    def _describe_size(self) -> None:
        """'native' says its size (a folder's: one file's header); a subset over a built-in dataset's size: 'all'."""
        size = DATASET_SIZES.get(self.dataset())
        if size is not None and self.subset_box.value() >= size:
            self.subset_box.setValue(self.subset_box.minimum())
        self.image_size_box.setSpecialValueText(native_size_words(self.dataset()))
        self._picture_size = first_picture_size(self.dataset()) if os.path.isdir(self.dataset()) else None
        self._say_size()

    def _say_size(self, *_args) -> None:
        """Under the size, when a folder's pictures are resized by default: their size and the one trained at."""
        native = self.image_size_box.value() == self.image_size_box.minimum()
        size = getattr(self, "_picture_size", None)
        if native and size is not None and size != (DEFAULT_FOLDER_IMAGE_SIZE, DEFAULT_FOLDER_IMAGE_SIZE):
            side = DEFAULT_FOLDER_IMAGE_SIZE
            self.size_note.setText(word("image_size_folder_note", width=size[0], height=size[1], side=side))
        self.size_note.setVisible(native and size is not None and size != (DEFAULT_FOLDER_IMAGE_SIZE,) * 2)

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

    def _render_choices(self, expert: bool) -> None:
        """The choices' wording; what each stands for (item data, preset index) stays."""
        for index, (key, _) in enumerate(KL_PRESETS):
            self.kl_preset_box.setItemText(index, word(key, expert))
        self.kl_preset_box.setItemText(len(KL_PRESETS), word("kl_preset_custom", expert))
        for index, strategy in enumerate(KL_STRATEGIES):
            self.kl_strategy_box.setItemText(index, word(f"strategy_{strategy}", expert))
        for index, key in enumerate(RECONSTRUCTION_LOSS_TERMS.values()):
            self.reconstruction_box.setItemText(index, word(key, expert))

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

