"""What the model shown learns, in a few plain lines: in the settings' place while presenter mode hides them."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from vaegui.app.training_model import TrainingModel
from vaegui.config import RunConfig
from vaegui.errors import VaeguiError
from vaegui.gui.common.wording import wording
from vaegui.gui.common.wrapped_label import WrappedLabel
from vaegui.words import dataset_words, word


def summary_lines(config: RunConfig, expert: bool = False) -> list[str]:
    """The settings a room asks about: the pictures, the map's size, its tidiness, the passes."""
    data, model = config.data, config.model
    pictures = dataset_words(data.dataset, expert)
    if data.subset:
        pictures += f", {data.subset:,} of them"
    return [pictures, f"{word('z_dim', expert)}: {model.z_dim}", f"{word('kl_weight', expert)}: {model.kl_weight:g}",
            f"{word('epochs', expert)}: {config.training.epochs}"]


class SettingsSummary(WrappedLabel):
    """Shown only while `form` is hidden (presenter mode hides the settings, which left the column empty under the
    buttons): the shown run's settings, or the form's before a run."""

    def __init__(self, form: QWidget, model: TrainingModel, parent: QWidget | None = None):
        super().__init__("", parent)
        self.form, self.model = form, model
        self.setStyleSheet("color: #333; padding-top: 8px;")
        self.hide()
        form.installEventFilter(self)
        model.run_changed.connect(self.render)
        form.changed.connect(self.render)
        wording().bind(self, lambda _expert: self.render())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.form and event.type() in (QEvent.Type.Hide, QEvent.Type.Show):
            QTimer.singleShot(0, self, self.render)  # once the form's own visibility has settled
        return False

    def render(self) -> None:
        run = self.model.run
        try:
            config = run.config if run is not None else self.form.config()
        except VaeguiError:  # a field being typed in: nothing to say yet
            config = None
        expert = wording().expert
        if config is not None:
            heading = word("summary_title", expert)
            self.setText(f"<b>{heading}</b><br>" + "<br>".join(summary_lines(config, expert)))
        self.setVisible(config is not None and self.form.isHidden())
