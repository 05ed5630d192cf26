"""LossPlot: live per-batch and per-epoch loss curves (KL on its own axis), log scale, smoothing, overlay, export,
drawn from the Training model's history and batch curves (it keeps no copy of them)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSizePolicy, QSlider, QVBoxLayout, QWidget

from vaegui.app.training_model import TrainingModel
from vaegui.atomic_files import atomic_output_path
from vaegui.compat import write_svg
from vaegui.errors import VaeguiError
from vaegui.gui.common.plot_style import plain_axes, set_axis_label, set_title, style_light_plot
from vaegui.gui.common.wording import wording
from vaegui.loss_terms import LOSS_NAMES
from vaegui.words import tip, word

TOTAL_COLOUR = (31, 119, 180)
RECONSTRUCTION_COLOUR = (255, 127, 14)
KL_COLOUR = (44, 160, 44)
OVERLAY_COLOUR = (120, 120, 120)
CURVE_TERMS = {"loss": "curve_total", "reconstruction_loss": "curve_reconstruction", "kl_loss": "curve_kl"}
# Curves redraw at most this often, however fast data arrives. A frame's CPU stretches several times over
# while TensorFlow keeps every core busy, so more frames a second become the GUI's longest stalls
# (benchmarks/gui_training_stall.py) and take CPU from training. Once a second still reads as live.
REDRAW_INTERVAL_MS = 1000


def smooth(values: np.ndarray, strength: float) -> np.ndarray:
    """Exponential moving average for display; `strength` 0 leaves the values as they are, 0.98 is very smooth.

    y[0] = x[0], y[n] = a·y[n-1] + (1 - a)·x[n] with a = strength, in closed form one block at a time:
    y[s+j] = a^(j+1)·y[s-1] + (1 - a)·a^j·Σ(i ≤ j) a^-i·x[s+i], with blocks short enough that a^-i stays
    below e^575, far inside float64's range. It matches scipy.signal.lfilter to 1e-12 and takes ~2 ms for
    100,000 points; importing scipy.signal for it took 1.2 s of the app's start.
    """
    if strength <= 0 or len(values) < 2:
        return values
    values = np.asarray(values, dtype=np.float64)
    block = max(1, int(575 / -np.log(strength)))
    growth = strength ** -np.arange(min(block, len(values)), dtype=np.float64)  # a^-i
    smoothed = np.empty_like(values)
    previous = values[0]
    for start in range(0, len(values), block):
        chunk = values[start : start + block]
        decay = 1.0 / growth[: len(chunk)]  # a^j
        smoothed[start : start + len(chunk)] = decay * (
            strength * previous + (1.0 - strength) * np.cumsum(growth[: len(chunk)] * chunk)
        )
        previous = smoothed[start + len(chunk) - 1]
    return smoothed


def _pen(colour, width: float = 1.0, alpha: int = 255, style=Qt.PenStyle.SolidLine):
    return pg.mkPen(color=(*colour, alpha), width=width, style=style)


LEGEND_HEIGHT = 24  # the least height of a legend's line (pyqtgraph asks for two lines)


class OneLineLegend(pg.LegendItem):
    """A legend on one line above its plot, as tall as its words: held to a fixed 24 px, presenter mode's bigger
    words ran over the plot's title under it."""

    def __init__(self, **options):
        super().__init__(**options)
        self.layout.setContentsMargins(9, 1, 9, 1)  # pyqtgraph's 9 px above and below pushed the words past the box

    def updateSize(self) -> None:  # noqa: N802 (pyqtgraph's name)
        super().updateSize()
        words = max((label.item.boundingRect().height() for _, label in self.items), default=0)
        self.setMaximumHeight(max(LEGEND_HEIGHT, words + 4))


class LossPlot(QWidget):
    """Two stacked plots sharing the epoch axis: total and reconstruction loss above, KL below.

    KL gets its own plot because with a tiny KL weight it is orders of magnitude smaller than the
    reconstruction loss and would sit flat on the bottom of a shared axis.
    """

    def __init__(self, model: TrainingModel | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model if model is not None else TrainingModel()  # alone (a test, an export): its own
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
        self.graphics.ci.setContentsMargins(6, 6, 12, 6)
        # Side by side, each plot's legend on a line of its own above it (a legend never hides the curves), so
        # each plot keeps the tab's whole height at the default window size.
        self.loss_plot = self.graphics.addPlot(row=1, col=0, axisItems=plain_axes())
        self.kl_plot = self.graphics.addPlot(row=1, col=1, axisItems=plain_axes())
        self.graphics.ci.layout.setColumnStretchFactor(0, 1)
        self.graphics.ci.layout.setColumnStretchFactor(1, 1)
        self.kl_plot.setXLink(self.loss_plot)
        for plot in (self.loss_plot, self.kl_plot):
            style_light_plot(plot)
            plot.showGrid(x=True, y=True, alpha=0.25)
            # Long runs have 100k+ batch points: draw only what is visible, decimated to the pixel width.
            plot.setClipToView(True)
            plot.setDownsampling(auto=True, mode="peak")
            plot.getAxis("left").setWidth(52)
        # Each plot adds its named curves to its legend; with no offset the layout places it.
        self.loss_legend = OneLineLegend(offset=None, labelTextSize="9pt", colCount=6)
        self.kl_legend = OneLineLegend(offset=None, labelTextSize="9pt", colCount=6)
        for column, (plot, legend) in enumerate(((self.loss_plot, self.loss_legend), (self.kl_plot, self.kl_legend))):
            plot.legend = legend  # what addLegend does: the plot adds its named curves to it
            self.graphics.ci.addItem(legend, row=0, col=column)
            # As small as its entries, at the right: the plots keep the height.
            legend.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            legend.setMaximumHeight(LEGEND_HEIGHT)
            self.graphics.ci.layout.setAlignment(legend, Qt.AlignmentFlag.AlignRight)

        colours = {"loss": TOTAL_COLOUR, "reconstruction_loss": RECONSTRUCTION_COLOUR, "kl_loss": KL_COLOUR}
        self.batch_curves: dict[str, pg.PlotDataItem] = {}
        self.epoch_curves: dict[str, pg.PlotDataItem] = {}
        self.validation_curves: dict[str, pg.PlotDataItem] = {}
        for name in LOSS_NAMES:
            plot = self.kl_plot if name == "kl_loss" else self.loss_plot
            colour = colours[name]
            self.batch_curves[name] = plot.plot(pen=_pen(colour, 1, 90))
            self.epoch_curves[name] = plot.plot(
                pen=_pen(colour, 2.5),
                symbol="o",
                symbolSize=5,
                symbolBrush=colour,
                symbolPen=None,
                name=name,  # the legend's text comes from CURVE_TERMS, in the chosen wording
            )
            self.validation_curves[name] = plot.plot(
                pen=_pen(colour, 1.8, style=Qt.PenStyle.DashLine),
                name=f"{name} (test)" if name != "reconstruction_loss" else None,
            )
        self.overlay_curves: list[pg.PlotDataItem] = []
        self.overlay_names: list[str] = []

        self.smoothing = 0.6
        self._batches_dirty = self._epochs_dirty = False
        self.redraw_timer = QTimer(self)
        self.redraw_timer.setSingleShot(True)
        self.redraw_timer.setInterval(REDRAW_INTERVAL_MS)
        self.redraw_timer.timeout.connect(self.flush)

        words = wording()
        self.log_scale_box = words.label(QCheckBox(), "log_scale")
        self.log_scale_box.toggled.connect(self.set_log_scale)
        self.batch_box = words.label(QCheckBox(), "per_batch")
        self.batch_box.setChecked(True)
        self.batch_box.toggled.connect(self._redraw_batches)
        self.smoothing_slider = QSlider(Qt.Orientation.Horizontal)
        self.smoothing_slider.setRange(0, 98)
        self.smoothing_slider.setValue(int(self.smoothing * 100))
        self.smoothing_slider.setMaximumWidth(160)
        self.smoothing_slider.setToolTip(tip("smoothing"))
        self.smoothing_slider.valueChanged.connect(self._on_smoothing_changed)
        self.smoothing_label = QLabel()
        self._on_smoothing_changed(self.smoothing_slider.value())

        controls = QHBoxLayout()
        controls.setContentsMargins(4, 0, 4, 0)
        controls.addWidget(self.log_scale_box)
        controls.addWidget(self.batch_box)
        controls.addSpacing(12)
        controls.addWidget(words.label(QLabel(), "smoothing"))
        controls.addWidget(self.smoothing_slider)
        controls.addWidget(self.smoothing_label)
        controls.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.graphics, 1)
        layout.addLayout(controls)
        words.bind(self, self._render_words)
        self.model.curves_changed.connect(self._on_curves_changed)
        self.model.epochs_changed.connect(self._on_epochs_changed)
        self.model.run_changed.connect(self._on_run_changed)
        self._on_run_changed()  # built after a run was shown (the plots are built after the first paint): drawn now

    def _render_words(self, expert: bool) -> None:
        set_title(self.loss_plot, word("loss_title", expert))
        set_title(self.kl_plot, word("kl_title", expert))
        for plot, key in ((self.loss_plot, "axis_loss"), (self.kl_plot, "axis_kl")):
            set_axis_label(plot, "left", word(key, expert))
            set_axis_label(plot, "bottom", word("axis_epoch", expert))
        for legend in (self.loss_legend, self.kl_legend):
            for sample, label in legend.items:
                name = sample.item.opts.get("name") or ""
                loss, test = name.removesuffix(" (test)"), name.endswith(" (test)")
                if loss in CURVE_TERMS:
                    text = word(CURVE_TERMS[loss], expert)
                    label.setText(word("curve_test", expert, name=text) if test else text)

    # ---- data in -------------------------------------------------------------------------

    def _on_run_changed(self) -> None:
        """Another run (the model holds its curves already): drawn at once, not a second later."""
        self._batches_dirty = self._epochs_dirty = True
        self.flush()

    def _on_curves_changed(self) -> None:
        self._batches_dirty = True
        self._schedule_redraw()

    def _on_epochs_changed(self) -> None:
        self._epochs_dirty = True
        self._schedule_redraw()

    def add_batches(self, positions: np.ndarray, losses: dict[str, np.ndarray]) -> None:
        """Batches into the model this plot draws (the Training tab's model gets them from the run follower)."""
        self.model.add_batches(positions, losses)

    def add_epoch(self, record: dict[str, float]) -> None:
        self.model.add_epoch(record, None)

    def _schedule_redraw(self) -> None:
        if not self.redraw_timer.isActive():
            self.redraw_timer.start()

    def flush(self) -> None:
        """Draw what has arrived since the last frame (also called when training ends)."""
        self.redraw_timer.stop()
        if self._batches_dirty:
            self._redraw_batches()
        if self._epochs_dirty:
            self._redraw_epochs()

    def set_overlays(self, overlays: list[tuple[str, list[dict[str, float]]]]) -> None:
        """Draw other runs' per-epoch curves in grey, to compare with the current one (replacing those drawn)."""
        self.clear_overlay()
        for name, history in overlays:
            self._draw_overlay(name, history)
        self.overlay_names = [name for name, _ in overlays]

    def _draw_overlay(self, name: str, history: list[dict[str, float]]) -> None:
        epochs = np.array([r["epoch"] for r in history], dtype=np.float64)
        styles = {
            "loss": Qt.PenStyle.SolidLine,
            "reconstruction_loss": Qt.PenStyle.DotLine,
            "kl_loss": Qt.PenStyle.SolidLine,
        }
        for loss in LOSS_NAMES:
            plot = self.kl_plot if loss == "kl_loss" else self.loss_plot
            values = np.array([r.get(loss, np.nan) for r in history], dtype=np.float64)
            label = f"{name}: {'total' if loss == 'loss' else 'reconstruction' if loss != 'kl_loss' else 'KL'}"
            curve = plot.plot(
                epochs,
                self._for_axis(values),
                pen=_pen(OVERLAY_COLOUR, 2, style=styles[loss]),
                symbol="t",
                symbolSize=5,
                symbolBrush=OVERLAY_COLOUR,
                symbolPen=None,
                name=label,
            )
            self.overlay_curves.append(curve)

    def clear_overlay(self) -> None:
        for curve in self.overlay_curves:
            for plot, legend in ((self.loss_plot, self.loss_legend), (self.kl_plot, self.kl_legend)):
                if curve in plot.listDataItems():
                    legend.removeItem(curve)
                    plot.removeItem(curve)
        self.overlay_curves = []
        self.overlay_names = []

    # ---- views ---------------------------------------------------------------------------

    def set_log_scale(self, on: bool) -> None:
        if self.log_scale_box.isChecked() != on:
            self.log_scale_box.setChecked(on)  # re-enters through toggled
            return
        for plot in (self.loss_plot, self.kl_plot):
            plot.setLogMode(y=on)
        self._redraw_batches()
        self._redraw_epochs()
        for curve in self.overlay_curves:
            x, y = curve.getOriginalDataset()
            if y is not None:
                curve.setData(x, self._for_axis(y))

    @property
    def log_scale(self) -> bool:
        return self.log_scale_box.isChecked()

    def _on_smoothing_changed(self, value: int) -> None:
        self.smoothing = value / 100
        self.smoothing_label.setText("off" if value == 0 else f"{value}%")
        self._redraw_batches()

    def _for_axis(self, values: np.ndarray) -> np.ndarray:
        if not self.log_scale:
            return values
        # The logarithm of a zero KL (plain autoencoder) or of a tiny negative float error is undefined: leave a gap.
        return np.where(values > 0, values, np.nan)

    def _redraw_batches(self) -> None:
        self._batches_dirty = False
        curves = self.model.curves
        shown = self.batch_box.isChecked() and curves.size > 0
        x = curves.positions
        for name, curve in self.batch_curves.items():
            if not shown:
                curve.setData([], [])
                continue
            curve.setData(x, self._for_axis(smooth(curves.losses(name), self.smoothing)))

    def _redraw_epochs(self) -> None:
        self._epochs_dirty = False
        records = self.model.history
        epochs = np.array([r["epoch"] for r in records], dtype=np.float64)
        for name in LOSS_NAMES:
            values = np.array([r.get(name, np.nan) for r in records], dtype=np.float64)
            self.epoch_curves[name].setData(epochs, self._for_axis(values))
            validation = np.array([r.get(f"val_{name}", np.nan) for r in records], dtype=np.float64)
            if np.all(np.isnan(validation)):
                self.validation_curves[name].setData([], [])
            else:
                self.validation_curves[name].setData(epochs, self._for_axis(validation))

    # ---- what is drawn (for export and tests) ---------------------------------------------

    def epochs_drawn(self) -> list[int]:
        x, _ = self.epoch_curves["loss"].getData()
        return [] if x is None else [int(e) for e in x]

    def batch_point_count(self) -> int:
        """Batches the per-batch curves hold (every one trained, although they arrive ten at a time)."""
        return self.model.curves.size

    def export(self, path: str | Path) -> Path:
        """Save both plots as PNG (2× the screen size) or SVG, chosen by the file's extension."""
        from pyqtgraph.exporters import ImageExporter

        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in (".png", ".svg"):
            raise VaeguiError(
                f"Cannot save curves as '{suffix or path.name}': choose a file name ending in .png or .svg."
            )
        try:
            with atomic_output_path(path, suffix=suffix) as temp:
                if suffix == ".svg":
                    self._export_svg(temp)
                else:
                    exporter = ImageExporter(self.graphics.ci)
                    exporter.parameters()["width"] = max(1200, 2 * int(self.graphics.ci.boundingRect().width()))
                    exporter.parameters()["antialias"] = True
                    exporter.export(str(temp))
        except OSError as error:
            raise VaeguiError(
                f"Could not save {path} ({error.strerror or error}): choose a folder you can write to."
            ) from None
        return path

    def _export_svg(self, target: Path) -> None:
        # Through Qt's SVG generator: pyqtgraph's SVGExporter fails on these plots (see vaegui.compat.write_svg).
        from PySide6.QtCore import QRectF
        from PySide6.QtGui import QPainter

        source = self.graphics.ci.sceneBoundingRect()
        target_rect = QRectF(0, 0, source.width(), source.height())

        def paint(painter: QPainter) -> None:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self.graphics.scene().render(painter, target_rect, source)

        size = source.size().toSize()
        write_svg(target, size.width(), size.height(), "vaegui loss curves", paint)
