"""The Training tab before any run: one big action that trains on the best dataset, how long that takes on this
machine, and what will happen."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from vaegui.app.training_model import TrainingModel
from vaegui.config import RunConfig
from vaegui.errors import ConfigError
from vaegui.gui.app_state import AppState
from vaegui.gui.training.settings_form import GUI_DEFAULTS, SettingsForm
from vaegui.gui.training.time_estimate import TrainingTimes
from vaegui.palette import HINT_TEXT
from vaegui.training.first_run import dataset_title
from vaegui.words import tip, word

COLUMN_WIDTH = 600
WHAT_HAPPENS = (
    "A variational autoencoder (VAE) learns to squeeze each picture into a couple of numbers, its place on a map, "
    "and to redraw the picture from that place alone. While it learns you will see its errors fall, its copies of "
    "test pictures sharpen, and a map where similar pictures gather together."
)


class TrainingWelcome(QWidget):
    """Shown in place of the empty plots; the button triggers the tab's Train action (and is enabled alike) and
    names what the form's settings will train on."""

    def __init__(self, form: SettingsForm, train: QAction, state=None, model: TrainingModel | None = None,
                 continue_: QAction | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.form, self.train = form, train
        # This machine's times: measured at first launch once TensorFlow is in, refined by each training.
        self.times = TrainingTimes(state or AppState(), model or TrainingModel(), is_default_model, self)
        self.estimate: tuple[float, float] | None = None  # (fewest, most) seconds
        self.title = QLabel("Watch a model learn")
        self.title.setStyleSheet("font-size: 20px; font-weight: 600;")
        self.train_button = QPushButton()
        self.train_button.setMinimumHeight(48)
        self.train_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.train_button.setStyleSheet("QPushButton { font-size: 15px; font-weight: 600; padding: 8px 24px; }")
        self.explanation = QLabel(WHAT_HAPPENS)
        self.note = QLabel()
        self.note.setStyleSheet(f"color: {HINT_TEXT};")
        # One centred column of text: wrapped labels placed with an alignment would not get their height.
        self.column = column = QWidget()
        column.setMaximumWidth(COLUMN_WIDTH)
        column_layout = QVBoxLayout(column)
        column_layout.setSpacing(12)
        for widget in (self.title, self.train_button, self.explanation, self.note):
            if isinstance(widget, QLabel):
                widget.setWordWrap(True)
                widget.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            column_layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter if widget is self.train_button
                                    else Qt.AlignmentFlag(0))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(column, 4)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        self.train_button.clicked.connect(train.trigger)
        # Connected before the tab's own slots: the clock starts with the settings the training starts with.
        for action in (train, continue_):
            if action is not None:
                action.triggered.connect(self.timing)
        train.changed.connect(self.render)
        form.changed.connect(self.render)
        self.times.changed.connect(self.render)
        self.render()

    def timing(self) -> None:
        """Training is about to start with the form's settings: its time refines the estimate."""
        try:
            self.times.start_training(self.form.config())
        except ConfigError:
            pass  # refused: the tab says why

    def estimate_words(self) -> str:
        """How long the form's training takes, as the button says it ('about 20–35 s'); '' when not known."""
        try:
            return self.times.say(self.form.config())
        except ConfigError:
            return ""

    def render(self) -> None:
        """Name the dataset the button trains on and, when it is known, about how long that takes."""
        try:
            config = self.form.config()
        except ConfigError as error:
            config, problem = None, str(error)
        data = self.form.dataset() if config is None else config.data.dataset
        self.times.want(data)
        self.estimate = self.times.estimate(config)
        about = self.times.say(config)
        self.train_button.setText(word("welcome_train", data=dataset_title(data) or word("welcome_your_pictures"))
                                  + (f"\n({about})" if about else ""))  # its own line: fits any font size
        self.train_button.setToolTip(tip("welcome_train") if about else "")
        self.train_button.setEnabled(self.train.isEnabled())
        if config is None:
            note = problem
        elif self.train.isEnabled():
            note = word("welcome_note_ready")
            if self.times.measuring == data:
                note = word("welcome_note_timing") + " " + note
        else:  # TensorFlow loading (or failed: the tab's message says so)
            note = word("welcome_note_loading") if "Loading" in self.train.text() else ""
        self.note.setText(note)
        self._fit_column()

    def _fit_column(self) -> None:
        """The column as wide as its button needs (its words, in presenter mode's bigger text), else COLUMN_WIDTH."""
        margins = self.column.layout().contentsMargins()
        needed = self.train_button.sizeHint().width() + margins.left() + margins.right()
        self.column.setMaximumWidth(max(COLUMN_WIDTH, needed))

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            QTimer.singleShot(0, self, self._fit_column)  # once the button's own style sheet has its new font



def is_default_model(config: RunConfig) -> bool:
    """Whether `config` trains the model the times were measured with (another model's time is not guessed)."""
    return (config.model, config.training.batch_size) == (GUI_DEFAULTS.model, GUI_DEFAULTS.training.batch_size)
