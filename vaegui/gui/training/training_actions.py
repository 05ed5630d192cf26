"""The Training tab's actions (train, pause, stop, continue, open, overlay, exports), shared by its buttons and
the window's menu, so both are enabled by the same rule: what the Training model says may be done now."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QWidget

from vaegui.app.training_model import PAUSED, TrainingModel
from vaegui.words import tip, word

TRAIN_TIP = "Train a new model with the settings on the left"


class TrainingActions:
    def __init__(self, parent: QWidget):
        def action(text: str, tip: str, shortcut=None) -> QAction:
            made = QAction(text, parent)
            made.setToolTip(tip)
            made.setStatusTip(tip)
            if shortcut is not None:
                made.setShortcut(shortcut)
            return made

        self.train = action("Train", TRAIN_TIP)
        self.pause = action("Pause", "Pause after the current batch (Resume continues)")
        self.stop = action("Stop", "Stops after the current batch and keeps the last completed epoch (only for a "
                           "training this window started)")
        self.continue_ = action("Continue training", "Train the open run for more epochs (raise Epochs first)")
        self.open_run = action("Open run…", "Reopen a run folder: its settings, curves and pictures of every epoch",
                               QKeySequence.StandardKey.Open)
        self.overlay = action("Overlay run…", "Draw another run's curves in grey for comparison")
        self.export_curves = action("Export curves (PNG/SVG)…", "Save the curves as a picture")
        self.export_history = action("Export loss history (CSV)…", "Save every epoch's losses as a table")
        self.keep_training = action(word("keep_training"), tip("keep_training"))
        self.keep_training.setCheckable(True)  # a choice made before closing, so that closing asks nothing
        self.export_movie = action("Export the map's formation (GIF/MP4)…",
                                   "Save a movie of the latent map forming, one frame per epoch, as an animated GIF "
                                   "or an MP4 video")

    def update(self, model: TrainingModel, tensorflow_state: str, epochs_wanted: int) -> None:
        """Enable and name each action for the model's state; `tensorflow_state` (in the trainer process): 'ready',
        'loading' (Train may still be pressed: training starts once it is loaded) or 'failed'."""
        possible = tensorflow_state != "failed"
        idle = model.can_open()
        self.train.setEnabled(model.can_start(possible))
        self.train.setText("TensorFlow unavailable" if not possible else "Train" if idle else "Training…")
        self.train.setToolTip(TRAIN_TIP if tensorflow_state != "loading" else
                              f"{TRAIN_TIP} (TensorFlow is still starting in the trainer: training begins once it is "
                              "ready)")
        self.pause.setEnabled(model.can_pause())
        self.pause.setText("Resume" if model.mode == PAUSED else "Pause")
        self.stop.setEnabled(model.can_stop())
        self.continue_.setEnabled(model.can_continue(possible, epochs_wanted))
        self.open_run.setEnabled(idle)
        self.export_history.setEnabled(bool(model.history))
        self.export_curves.setEnabled(bool(model.history))
        self.export_movie.setEnabled(bool(model.epochs))


def bind(button: QAbstractButton, action: QAction) -> None:
    """The button shows the action's text, tooltip and enabled state, and a click triggers it."""
    def follow() -> None:
        button.setText(action.text())
        button.setToolTip(action.toolTip())
        button.setEnabled(action.isEnabled())

    action.changed.connect(follow)
    button.clicked.connect(action.trigger)
    follow()
