"""What the model has learned, epoch by epoch: the latent preview, the reconstruction strip, the KL bars and the
epoch slider, rendering the Training model's per-epoch views (live while training, or a reopened run's)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from vaegui.app.training_model import FOLLOWING, IDLE, TRAINING, TrainingModel
from vaegui.gui.common.wording import wording
from vaegui.gui.training.kl_bars import KLBars
from vaegui.gui.training.latent_preview import LatentPreview
from vaegui.gui.training.loss_plot import REDRAW_INTERVAL_MS
from vaegui.gui.training.samples_strip import SamplesStrip
from vaegui.latent.quality import describe_quality, quality_warnings
from vaegui.palette import HINT_TEXT
from vaegui.words import tip

# A new epoch's views from training (the loss curves' redraw, latent preview, samples, KL bars) are drawn
# this far apart, each painted on its own: drawn together, while TensorFlow holds the cores, they keep the
# GUI thread busy long enough for the window to freeze visibly.
VIEW_STAGGER_MS = 40


class EpochViewsPanel(QWidget):
    def __init__(self, model: TrainingModel, flush_curves: Callable[[], None], parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.flush_curves = flush_curves
        self.samples = SamplesStrip()
        self.latent_preview = LatentPreview()
        self.kl_bars = KLBars()
        self.epoch_slider = QSlider(Qt.Orientation.Horizontal)
        self.epoch_slider.setRange(0, 0)
        self.epoch_slider.setEnabled(False)
        self.epoch_slider.setToolTip(tip("scrub_epochs"))
        self.epoch_slider.valueChanged.connect(self._on_slider)
        self.epoch_label = QLabel("Epoch —")
        self.epoch_label.setMinimumWidth(130)
        self.quality_label = QLabel("")
        self.quality_label.setWordWrap(True)
        self.quality_label.setStyleSheet("color: #333;")
        self.warning_label = QLabel("")
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet("background: #fff4e5; color: #663c00; border: 1px solid #ffd8a8; "
                                         "border-radius: 3px; padding: 4px;")
        self.warning_label.hide()
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {HINT_TEXT};")
        self.note.hide()
        self._pending_epoch: int | None = None
        self.view_timer = QTimer(self)
        self.view_timer.setSingleShot(True)
        self.view_timer.setInterval(REDRAW_INTERVAL_MS)
        self.view_timer.timeout.connect(self._show_pending_epoch)
        self._queued_views: list[Callable[[], None]] = []
        self.stagger_timer = QTimer(self)
        self.stagger_timer.setSingleShot(True)  # restarted after each view: a late one does not bunch the rest
        self.stagger_timer.setInterval(VIEW_STAGGER_MS)
        self.stagger_timer.timeout.connect(self._draw_next_view)

        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.latent_preview, 0, 0, 2, 1)
        layout.addWidget(self.samples, 0, 1)
        layout.addWidget(self.kl_bars, 1, 1)
        layout.setColumnStretch(0, 1)
        layout.setColumnStretch(1, 1)
        layout.setRowStretch(0, 1)  # the copies as tall as the KL bars: 28×28 pictures need the room
        layout.setRowStretch(1, 1)
        layout.addWidget(self.quality_label, 2, 0, 1, 2)
        layout.addWidget(self.warning_label, 3, 0, 1, 2)
        layout.addWidget(self.note, 4, 0, 1, 2)
        slider_row = QHBoxLayout()
        slider_row.addWidget(wording().label(QLabel(), "scrub_epochs"))
        slider_row.addWidget(self.epoch_slider, 1)
        slider_row.addWidget(self.epoch_label)
        self.movie_button = QPushButton("Save as a movie…")  # the tab connects it to its export action
        slider_row.addWidget(self.movie_button)
        layout.addLayout(slider_row, 5, 0, 1, 2)
        model.run_changed.connect(self._on_run_changed)
        model.epochs_changed.connect(self._on_epochs_changed)
        model.mode_changed.connect(self._on_mode_changed)
        self._mode = model.mode

    # ---- following the model -------------------------------------------------------------------

    def _on_run_changed(self) -> None:
        """Another run: nothing of the previous one stays; a reopened run shows its last epoch at once."""
        self.view_timer.stop()
        self.stagger_timer.stop()
        self._queued_views, self._pending_epoch = [], None
        self.latent_preview.clear_points()
        self.samples.clear_samples()
        self.kl_bars.clear_values()
        self.quality_label.clear()
        self.warning_label.hide()
        run = self.model.run
        self.latent_preview.set_class_names(None if run is None else run.class_names)
        self._update_slider(follow=True)
        epochs = self.model.epochs
        if epochs:
            self.show_epoch(max(epochs))
        old_run = run is not None and run.epochs_completed > 0 and not epochs
        self.note.setText("This run was saved by an older vaegui, which kept no pictures of its epochs: its curves "
                          "are below; continue training it to record the next epochs' pictures." if old_run else "")
        self.note.setVisible(old_run)

    def _on_mode_changed(self) -> None:
        """A training starts (Train, Continue): the views go back to the latest epoch and follow the new ones, even
        if the slider had been moved back to an earlier one (a pause and resume keeps what the person looks at)."""
        starting = self.model.mode == TRAINING and self._mode in (IDLE, FOLLOWING)
        self._mode = self.model.mode
        epochs = self.model.epochs
        if starting and epochs and self.epoch_slider.value() != max(epochs):
            self._update_slider(follow=True)
            self.show_epoch(max(epochs))

    def _on_epochs_changed(self) -> None:
        """A new epoch from training: followed if the slider was at the latest; drawn on the next frame."""
        following = self.epoch_slider.value() == self.epoch_slider.maximum() and not self.epoch_slider.isSliderDown()
        self._update_slider(follow=following)
        epochs = self.model.epochs
        if epochs and following and max(epochs) != self.shown_epoch():
            self.note.hide()
            # Drawn on the next frame, not now: short epochs would otherwise repaint four plots each time.
            self._pending_epoch = max(epochs)
            if not self.view_timer.isActive():
                self.view_timer.start()

    def _update_slider(self, *, follow: bool) -> None:
        epochs = self.model.epochs
        self.epoch_slider.blockSignals(True)
        if epochs:
            self.epoch_slider.setRange(min(epochs), max(epochs))
            if follow:
                self.epoch_slider.setValue(max(epochs))
        else:
            self.epoch_slider.setRange(0, 0)
        self.epoch_slider.setEnabled(len(epochs) > 1)
        self.epoch_slider.blockSignals(False)
        self._update_label()

    def _on_slider(self, epoch: int) -> None:
        if epoch in self.model.epochs:
            self.show_epoch(epoch)
        self._update_label()

    def _update_label(self) -> None:
        epochs = self.model.epochs
        if not epochs:
            self.epoch_label.setText("Epoch —")
            return
        epoch, latest = self.epoch_slider.value(), max(epochs)
        self.epoch_label.setText(f"Epoch {epoch} of {latest}" + (" (latest)" if epoch == latest else ""))

    # ---- drawing -------------------------------------------------------------------------------

    def shown_epoch(self) -> int | None:
        return self.samples.shown_epoch

    def _show_pending_epoch(self) -> None:
        self.view_timer.stop()
        if self._pending_epoch is not None and self._pending_epoch in self.model.epochs:
            self.show_epoch(self._pending_epoch, staggered=True)
        self._pending_epoch = None

    def finish(self) -> None:
        """Training ended: the last epoch's views, one at a time like the others."""
        self._show_pending_epoch()

    def show_epoch(self, epoch: int, *, staggered: bool = False) -> None:
        """One epoch's views in the preview, the strip and the KL bars.

        `staggered` (an epoch training reports) draws one view per VIEW_STAGGER_MS, so each is painted on
        its own; the slider and opened runs draw at once.
        """
        views = self.model.epochs[epoch]
        # The loss curves' redraw, if one is due, goes first in the line: its own timer, started by the same
        # epoch end, would otherwise paint together with the latent preview.
        queue: list[Callable[[], None]] = [self.flush_curves] if staggered else []
        if views.coords is not None:
            queue.append(lambda: self.latent_preview.show_codes(epoch, views.coords, views.labels, views.axes_label))
        if views.originals is not None:
            queue.append(lambda: self.samples.show_samples(epoch, views.originals, views.reconstructions))
        queue.append(lambda: self.kl_bars.show_values(epoch, views.kl_per_dim, views.mu_variance))
        queue.append(lambda: self._show_quality(views))
        self._queued_views = queue
        if staggered:
            self._draw_next_view()
        else:
            self.stagger_timer.stop()
            self._queued_views = []
            for draw in queue:
                draw()

    def _show_quality(self, views) -> None:
        z_dim = len(views.kl_per_dim)
        self.quality_label.setText(describe_quality(views.quality, z_dim))
        warnings = quality_warnings(views.quality, z_dim)
        self.warning_label.setText(" ".join(warnings))
        self.warning_label.setVisible(bool(warnings))

    def views_pending(self) -> bool:
        """True while an epoch's views from training are still to be drawn (waiting, or one at a time)."""
        return self.view_timer.isActive() or bool(self._queued_views)

    def _draw_next_view(self) -> None:
        if self._queued_views:
            self._queued_views.pop(0)()
        if self._queued_views:
            self.stagger_timer.start()
