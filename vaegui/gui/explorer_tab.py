"""Explorer tab: the latent space as a map to walk around, with click-to-decode and the mu-only switch."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Qt, QThread, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from vaegui.atomic_files import atomic_output_path
from vaegui.errors import VaeguiError
from vaegui.gui.app_state import AppState
from vaegui.gui.generation_panel import GenerationPanel
from vaegui.gui.latent_map import CLASS_COLOURS, LatentMap
from vaegui.gui.point_panel import NEIGHBOURS, SAMPLES, PointPanel
from vaegui.gui.sample_lists import RankedSampleList
from vaegui.gui.traversal_panel import TraversalPanel
from vaegui.gui.workers import CancelToken, TaskWorker, start_worker
from vaegui.latent.cache import ResultCache
from vaegui.latent.encoding import SPLIT_TEST, Cancelled, LatentSet, encode_split
from vaegui.latent.generation import (
    dimensions_by_kl,
    image_mosaic,
    interpolate,
    largest_log_var,
    latent_grid,
    posterior_samples,
    prior_samples,
    worst_reconstructions,
)
from vaegui.latent.picking import LatentNeighbours
from vaegui.latent.projection import METHOD_LABELS, Projection, available_methods, project, tsne_backend

SPLIT_CHOICES = (("Train", "train"), ("Test", "test"), ("Train + test", "both"))
SUBSET_CHOICES = (("All", None), ("10 000", 10_000), ("2 000", 2_000), ("500", 500))
COLOUR_CHOICES = (("Label", "label"), ("Reconstruction error", "error"), ("KL", "kl"))
# Low → high for error and KL (viridis), in eight bins so each bin shares one brush.
VALUE_COLOURS = ["#440154", "#46327e", "#365c8d", "#277f8e", "#1fa187", "#4ac16d", "#a0da39", "#fde725"]
RANKED = 30
SHUTDOWN_WAIT_MS = 1800

MU_ONLY_HELP = (
    "<b>Why the encoder's predict function is rebuilt</b><br>"
    "The sampling layer computes z = mu + exp(log_var / 2) · ε · <i>factor</i>. <i>factor</i> is a plain "
    "Python attribute. Keras traced the encoder's predict function at its first call and froze the value "
    "<i>factor</i> had then into the graph, so setting the attribute alone changes nothing: the cached "
    "function keeps sampling. The switch therefore sets <i>factor</i> (0 = mu only, 1 = sample) and calls "
    "<tt>encoder.make_predict_function(force=True)</tt> so the next call retraces with the new value, then "
    "re-encodes the images and redraws the map."
)


@dataclass
class LoadedModel:
    """What a loading worker hands back: a model copy for this tab alone, its data, and names."""

    model: Any
    dataset: Any
    class_names: list[str] | None
    weights_key: tuple
    source_name: str
    run: Any = None


@dataclass
class _Job:
    kind: str  # "load" or "map"
    token: CancelToken
    key: tuple | None = None
    thread: QThread | None = None
    relay: QObject | None = None
    layout_shown: bool = False
    extra: dict = field(default_factory=dict)


class _JobRelay(QObject):
    """Lives in the GUI thread so the worker's signals arrive there (queued), whatever thread emits them."""

    def __init__(self, tab: ExplorerTab, job: _Job):
        super().__init__(tab)
        self.tab, self.job = tab, job

    @Slot(object)
    def finished(self, result) -> None:
        self.tab._job_finished(self.job, result)

    @Slot(str)
    def failed(self, message: str) -> None:
        self.tab._job_failed(self.job, message)

    @Slot(object)
    def progress(self, payload) -> None:
        self.tab._job_progress(self.job, payload)


# ---- work done in worker threads (no Qt) ----------------------------------------------------


def load_run_model(run, progress=None, cancel=None) -> LoadedModel:
    """A separate model copy for the explorer (Keras models are not thread-safe) and the run's dataset."""
    checkpoint = run.checkpoint
    model = run.load_model()
    dataset = run.load_dataset()
    _warm_up(model)
    return LoadedModel(model, dataset, run.class_names or dataset.class_names,
                       (str(Path(run.folder).resolve()), checkpoint), Path(run.folder).name, run)


def reload_run_weights(run, model, previous: LoadedModel, progress=None, cancel=None) -> LoadedModel:
    """The run has a new checkpoint: load it into the explorer's own model copy."""
    checkpoint = run.checkpoint
    run.restore_checkpoint(model)
    return LoadedModel(model, previous.dataset, previous.class_names, (str(Path(run.folder).resolve()), checkpoint),
                       previous.source_name, run)


def load_foreign_model(encoder_path: str, decoder_path: str, dataset_name: str, progress=None,
                       cancel=None) -> LoadedModel:
    from vaegui.data import load_dataset
    from vaegui.latent.foreign_model import load_foreign_vae

    model = load_foreign_vae(encoder_path, decoder_path)
    height, width, channels = model.image_shape
    if height != width:
        raise VaeguiError(f"The encoder takes {height}×{width} images; vaegui's datasets are square.")
    dataset = load_dataset(dataset_name, image_size=height, channels=channels)
    _warm_up(model)
    key = tuple(str(Path(p).resolve()) + f"@{Path(p).stat().st_mtime_ns}" for p in (encoder_path, decoder_path))
    return LoadedModel(model, dataset, dataset.class_names, key, Path(encoder_path).name)


def _warm_up(model) -> None:
    # Trace the decoder's predict function here, not on the first click in the GUI thread.
    model.decode_one(np.zeros(model.z_dim, np.float32))
    model.decode_many(np.zeros((SAMPLES, model.z_dim), np.float32))


def compute_map(model, dataset, split, subset, method, latents, tsne_iterations=500, known=None, progress=None,
                cancel=None):
    """Encode (unless `latents` is given) and project; reports ('progress', f), ('status', s), ('layout', ...)."""
    report = progress or (lambda _payload: None)
    if latents is None:
        report(("status", "Encoding images…"))
        share = 1.0 if method == "direct" else 0.3
        latents = encode_split(model, dataset, split, subset, cancel=cancel, known=known,
                               progress=lambda f: report(("progress", share * f)))
    if cancel is not None and cancel.cancelled:
        raise Cancelled()
    label = METHOD_LABELS[method]
    report(("status", f"{label}: computing neighbour affinities…" if method == "tsne" else f"{label}…"))

    def on_layout(coords):
        report(("layout", latents, coords))

    projection = project(method, latents.z, cancel=cancel, on_layout=on_layout, tsne_iterations=tsne_iterations,
                         progress=lambda f: report(("progress", 0.3 + 0.7 * f)) if method != "direct" else None)
    return latents, projection


# ---- the tab ----------------------------------------------------------------------------------


class ExplorerTab(QWidget):
    def __init__(self, state: AppState):
        super().__init__()
        self.state = state
        self.loaded: LoadedModel | None = None
        self.run = None
        self.latents: LatentSet | None = None
        self.projection: Projection | None = None
        self.shown_key: tuple | None = None  # the map_cache key of the finished map on show
        self.selected_row: int | None = None
        self.selected_vector: np.ndarray | None = None
        self.interpolation_ends: dict[str, tuple[np.ndarray, np.ndarray] | None] = {"A": None, "B": None}
        self.map_cache = ResultCache(capacity=16)  # (weights, split, subset, mu_only, method) → (latents, projection)
        self.latent_cache = ResultCache(capacity=8)  # the same key without the method
        self._neighbours: LatentNeighbours | None = None
        self._neighbour_rows = np.zeros(0, np.int64)
        self._job: _Job | None = None
        self._pending_load = None
        self._pending_map = False
        self._stale = False
        self.tsne_iterations = 500
        self._build()
        state.run_changed.connect(self._on_run_changed)
        state.tensorflow_ready.connect(self._on_tensorflow_ready)
        state.run_updated.connect(self._on_run_updated)

    @property
    def model(self):
        return None if self.loaded is None else self.loaded.model

    # ---- layout --------------------------------------------------------------------------

    def _build(self) -> None:
        self.open_run_button = QPushButton("Open run…")
        self.open_run_button.setToolTip("Explore a run folder saved by vaegui (it keeps a checkpoint per epoch).")
        self.open_run_button.clicked.connect(self._open_run_dialog)
        self.open_model_button = QPushButton("Open .keras model…")
        self.open_model_button.setToolTip(
            "Explore a VAE trained elsewhere: a .keras encoder returning (z_mean, z_log_var, z) and a .keras "
            "decoder, as in the keras.io VAE example."
        )
        self.open_model_button.clicked.connect(self._open_model_dialog)
        self.source_label = QLabel("No model yet: train one in the Training tab, or open a run.")
        self.source_label.setStyleSheet("color: #aaa;")
        self.export_button = QToolButton()
        self.export_button.setText("Export")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export_button)
        menu.addAction("Map as PNG…", lambda: self._export_map_dialog("png"))
        menu.addAction("Map as SVG…", lambda: self._export_map_dialog("svg"))
        menu.addSeparator()
        menu.addAction("Coordinates as CSV…", lambda: self._export_coordinates_dialog("csv"))
        menu.addAction("Coordinates as NPZ…", lambda: self._export_coordinates_dialog("npz"))
        self.export_button.setMenu(menu)
        self.export_button.setEnabled(False)

        self.split_combo = _combo(SPLIT_CHOICES)
        self.subset_combo = _combo(SUBSET_CHOICES)
        self.subset_combo.setCurrentIndex(1)
        self.subset_combo.setToolTip("A random subset keeps t-SNE quick on large datasets; PCA and direct take all.")
        self.method_combo = QComboBox()
        self.method_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.colour_combo = _combo(COLOUR_CHOICES)
        self.mu_only_checkbox = QCheckBox("mu-only")
        self.mu_only_checkbox.setToolTip(MU_ONLY_HELP)
        self.mu_only_help = QToolButton()
        self.mu_only_help.setText("?")
        self.mu_only_help.setToolTip(MU_ONLY_HELP)
        self.mu_only_help.clicked.connect(
            lambda: QToolTip.showText(self.mu_only_help.mapToGlobal(self.mu_only_help.rect().bottomLeft()),
                                      MU_ONLY_HELP, self.mu_only_help)
        )
        self.mu_only_label = QLabel("z = mu: no sampling noise; rebuilds the encoder's predict function and re-encodes")
        self.mu_only_label.setStyleSheet("color: #999; font-size: 11px;")

        top = QHBoxLayout()
        top.addWidget(self.open_run_button)
        top.addWidget(self.open_model_button)
        top.addWidget(self.source_label, 1)
        top.addWidget(self.export_button)
        controls = QHBoxLayout()
        for text, widget in (("Split", self.split_combo), ("Points", self.subset_combo),
                             ("Projection", self.method_combo), ("Colour by", self.colour_combo)):
            controls.addWidget(QLabel(text))
            controls.addWidget(widget)
            controls.addSpacing(8)
        controls.addSpacing(8)
        controls.addWidget(self.mu_only_checkbox)
        controls.addWidget(self.mu_only_help)
        controls.addWidget(self.mu_only_label)
        controls.addStretch(1)

        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setFixedWidth(220)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_work)
        self.status_label = QLabel("")
        self.message_label = QLabel("")
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("background: #5c2b2b; color: #fff; padding: 6px; border-radius: 3px;")
        self.message_label.hide()
        status = QHBoxLayout()
        status.addWidget(self.progress_bar)
        status.addWidget(self.cancel_button)
        status.addWidget(self.status_label, 1)
        self._set_busy(False)

        self.map = LatentMap()
        self.map.thumbnail_for = self._thumbnail_for
        self.map.point_clicked.connect(self.select_row)
        self.map.location_clicked.connect(self.decode_location)
        self.map.location_dragged.connect(self.decode_location)
        mouse_hint = QLabel("Click a point to inspect it · click or drag on empty space to decode there · "
                            "Shift-drag or middle-drag to pan · wheel to zoom")
        mouse_hint.setStyleSheet("color: #888; font-size: 11px;")
        map_side = QWidget()
        map_layout = QVBoxLayout(map_side)
        map_layout.setContentsMargins(0, 0, 0, 0)
        map_layout.addWidget(self.map, 1)
        map_layout.addWidget(mouse_hint)

        self.point_panel = PointPanel()
        self.point_panel.neighbour_clicked.connect(self._on_neighbour_clicked)
        self.point_panel.sample_requested.connect(self.sample_posterior)
        self.traversal_panel = TraversalPanel()
        self.traversal_panel.decode = self._decode_one
        self.worst_list = RankedSampleList()
        self.worst_list.row_chosen.connect(self.select_row)
        self.log_var_list = RankedSampleList()
        self.log_var_list.row_chosen.connect(self.select_row)
        lists = QWidget()
        lists_layout = QVBoxLayout(lists)
        lists_layout.addWidget(QLabel("Worst reconstructions (highest loss first)"))
        lists_layout.addWidget(self.worst_list)
        lists_layout.addWidget(QLabel("Largest log_var (the encoder is least sure)"))
        lists_layout.addWidget(self.log_var_list)
        self.generation_panel = GenerationPanel()
        self.generation_panel.prior_requested.connect(self.sample_prior)
        self.generation_panel.endpoint_requested.connect(self.set_interpolation_end)
        self.generation_panel.grid_requested.connect(self.decode_grid)
        self.side_tabs = QTabWidget()
        self.side_tabs.addTab(_scrolling(self.point_panel), "Point")
        self.side_tabs.addTab(_scrolling(self.traversal_panel), "Traverse")
        self.side_tabs.addTab(lists, "Lists")
        self.side_tabs.addTab(_scrolling(self.generation_panel), "Generate")
        self.side_tabs.setMinimumWidth(380)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(map_side)
        splitter.addWidget(self.side_tabs)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([860, 400])

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(controls)
        layout.addLayout(status)
        layout.addWidget(self.message_label)
        layout.addWidget(splitter, 1)

        for combo in (self.split_combo, self.subset_combo, self.method_combo):
            combo.currentIndexChanged.connect(self._request_map)
        self.colour_combo.currentIndexChanged.connect(self._apply_colours)
        self.mu_only_checkbox.toggled.connect(self._on_mu_only_toggled)
        self._enable_controls(False)

    # ---- opening models ------------------------------------------------------------------

    def open_run_folder(self, folder: str | Path) -> None:
        """Open a run folder for exploring (this tab only: training is not affected)."""
        from vaegui.runs import Run

        try:
            run = Run.open(folder)
        except VaeguiError as error:
            self.show_message(str(error))
            return
        self.open_run(run)

    def open_run(self, run) -> None:
        self.run = run
        self._stale = False
        if not run.checkpoint:
            self.source_label.setText(f"{Path(run.folder).name}: no completed epoch yet — the map appears after one.")
            return
        self.hide_message()
        self._schedule_load(lambda: self._start_job("load", load_run_model, run))

    def open_foreign_model(self, encoder_path: str, decoder_path: str, dataset_name: str) -> None:
        self.run = None
        self.hide_message()
        self._schedule_load(lambda: self._start_job("load", load_foreign_model, str(encoder_path), str(decoder_path),
                                                    dataset_name))

    def _on_run_changed(self, run) -> None:
        if run is None or (self.run is not None and Path(run.folder) == Path(self.run.folder)):
            return
        if self.isVisible():
            self.open_run(run)
        else:
            # Loading competes with training for the CPU: wait until someone looks at the map.
            self.run, self._stale = run, True

    def _on_run_updated(self, run) -> None:
        if self.run is None or Path(run.folder) != Path(self.run.folder):
            return
        if not self.isVisible():
            self._stale = True
        elif self.loaded is None or self.loaded.run is None:
            self.open_run(run)
        else:
            loaded = self.loaded
            self._schedule_load(lambda: self._start_job("load", reload_run_weights, run, loaded.model, loaded))

    def _on_tensorflow_ready(self, _device: str) -> None:
        # A run given on the command line (`vaegui gui RUN`) is loaded now, before anyone trains, so the
        # Explorer shows it at once.
        if self._stale and self.run is not None and self.loaded is None:
            self.open_run(self.run)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if self._stale and self.run is not None:
            self._stale = False
            if self.loaded is not None and self.loaded.run is not None and self.run is self.loaded.run:
                self._on_run_updated(self.run)
            else:
                self.open_run(self.run)

    def _open_run_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open a vaegui run folder", str(Path.cwd() / "runs"))
        if folder:
            self.open_run_folder(folder)

    def _open_model_dialog(self) -> None:
        from vaegui.data import dataset_names

        encoder, _ = QFileDialog.getOpenFileName(self, "Encoder (returns z_mean, z_log_var, z)", "", "Keras (*.keras)")
        if not encoder:
            return
        decoder, _ = QFileDialog.getOpenFileName(self, "Decoder (z → image)", str(Path(encoder).parent),
                                                 "Keras (*.keras)")
        if not decoder:
            return
        other = "Other file or folder…"
        choice, ok = QInputDialog.getItem(self, "Dataset", "Explore the model on which images?",
                                          [*dataset_names(), other], 1, False)
        if not ok:
            return
        if choice == other:
            choice = QFileDialog.getExistingDirectory(self, "Folder of images, or IDX files")
            if not choice:
                return
        self.open_foreign_model(encoder, decoder, choice)

    # ---- jobs ----------------------------------------------------------------------------

    def _schedule_load(self, start) -> None:
        if self._job is not None:
            self._pending_load = start
            self._job.token.cancel()
        else:
            start()

    def _start_job(self, kind: str, function, *args, key: tuple | None = None) -> None:
        worker = TaskWorker(function, *args, pass_progress=True, pass_cancel=True)
        job = _Job(kind, worker.cancel_token, key)
        job.relay = _JobRelay(self, job)
        worker.finished.connect(job.relay.finished)
        worker.failed.connect(job.relay.failed)
        worker.progress.connect(job.relay.progress)
        self._job = job
        self.progress_bar.setValue(0)
        self.progress_bar.setRange(0, 0 if kind == "load" else 1000)
        self.status_label.setText("Loading the model and its images…" if kind == "load" else "")
        self._set_busy(True)
        # Quit the thread from the worker's own thread too: shutdown() blocks the GUI thread in wait(), so the
        # queued quit that start_worker connects would only arrive after the wait gave up.
        worker.finished.connect(self._quit_current_thread, Qt.ConnectionType.DirectConnection)
        worker.failed.connect(self._quit_current_thread, Qt.ConnectionType.DirectConnection)
        job.thread = start_worker(worker, self)

    @staticmethod
    def _quit_current_thread(*_args) -> None:
        QThread.currentThread().quit()

    def cancel_work(self) -> None:
        self._pending_map = False
        self._pending_load = None
        if self._job is not None:
            self._job.token.cancel()
            self.status_label.setText("Cancelling…")

    def _job_progress(self, job: _Job, payload) -> None:
        if job is not self._job or job.token.cancelled:
            return
        kind = payload[0]
        if kind == "progress":
            self.progress_bar.setValue(int(payload[1] * 1000))
        elif kind == "status":
            self.status_label.setText(payload[1])
        elif kind == "layout" and job.key == self._map_key():
            latents, coords = payload[1], payload[2]
            if not job.layout_shown:
                job.layout_shown = True
                self.latents, self.projection = latents, None
                self._clear_selection()
                self._draw_points(coords, autorange=True)
                self.status_label.setText("t-SNE: the map is forming…")
            else:
                self.map.update_coords(coords)
                self.map.view_box.enableAutoRange()

    def _job_finished(self, job: _Job, result) -> None:
        if job is not self._job:
            return
        self._end_job()
        if job.token.cancelled:
            self._after_cancel(job)
        elif job.kind == "load":
            self._on_model_loaded(result)
        else:
            latents, projection = result
            self.latent_cache.put(job.key[:-1], latents)
            self.map_cache.put(job.key, (latents, projection))
            if job.key == self._map_key():
                self._show_map(latents, projection, job.key)
                self.status_label.setText(
                    f"{METHOD_LABELS[projection.method]} of {len(latents):,} points in {projection.seconds:.2f} s"
                )
        self._run_pending()

    def _job_failed(self, job: _Job, message: str) -> None:
        if job is not self._job:
            return
        self._end_job()
        if job.token.cancelled:
            self._after_cancel(job)
        else:
            self.status_label.setText("")
            self.show_message(message)
        self._run_pending()

    def _after_cancel(self, job: _Job) -> None:
        """A projection cancelled by the user leaves a half-formed map: show the last finished one again."""
        self.status_label.setText("Cancelled.")
        if job.kind != "map" or self._pending_map or self._pending_load is not None:
            return  # replaced by newer work, which draws its own map
        previous, key = self.shown_key, self._map_key()
        cached = None if previous is None or key is None or previous[:4] != key[:4] else self.map_cache.get(previous)
        if self.projection is not None or cached is None:
            return
        self.method_combo.blockSignals(True)
        self.method_combo.setCurrentIndex(self.method_combo.findData(previous[4]))
        self.method_combo.blockSignals(False)
        self._show_map(*cached, previous)
        self.status_label.setText(f"Cancelled: the {METHOD_LABELS[previous[4]]} map is shown again.")

    def _end_job(self) -> None:
        self._job = None
        self._set_busy(False)

    def _run_pending(self) -> None:
        if self._pending_load is not None:
            start, self._pending_load = self._pending_load, None
            start()
        elif self._pending_map:
            self._pending_map = False
            self._request_map()

    def _set_busy(self, busy: bool) -> None:
        self.progress_bar.setVisible(busy)
        self.cancel_button.setVisible(busy)

    def is_busy(self) -> bool:
        return self._job is not None or self._pending_load is not None or self._pending_map

    def shutdown(self) -> None:
        """Cancel encoding/projection and wait briefly (under two seconds) for the worker to stop."""
        self._pending_load, self._pending_map = None, False
        job = self._job
        if job is None:
            return
        job.token.cancel()
        try:
            if job.thread is not None and job.thread.isRunning():
                job.thread.wait(SHUTDOWN_WAIT_MS)
        except RuntimeError:
            pass  # the thread already finished and was deleted

    # ---- model loaded, map requested -----------------------------------------------------

    def _on_model_loaded(self, loaded: LoadedModel) -> None:
        new_model = self.loaded is None or loaded.model is not self.loaded.model
        self.loaded = loaded
        if new_model:
            loaded.model.set_mu_only(self.mu_only_checkbox.isChecked())
            self._fill_methods(loaded.model.z_dim)
        epochs = f" · epoch {loaded.run.epochs_completed}" if loaded.run is not None else ""
        height, width, channels = loaded.model.image_shape
        self.source_label.setText(
            f"<b>{loaded.source_name}</b>{epochs} · {loaded.dataset.name} {height}×{width}"
            f"{'' if channels == 1 else ' RGB'} · z_dim {loaded.model.z_dim}"
        )
        self._enable_controls(True)
        grid_ok = loaded.model.z_dim == 2
        self.generation_panel.set_grid_available(grid_ok, "" if grid_ok else "The latent grid needs z_dim = 2.")
        self._request_map()

    def _fill_methods(self, z_dim: int) -> None:
        previous = self.method_combo.currentData()
        self.method_combo.blockSignals(True)
        self.method_combo.clear()
        for method in available_methods(z_dim):
            label = METHOD_LABELS[method]
            if method == "tsne" and tsne_backend() == "sklearn":
                label += " (no live view)"
            self.method_combo.addItem(label, method)
        index = self.method_combo.findData(previous)
        self.method_combo.setCurrentIndex(max(0, index))
        self.method_combo.blockSignals(False)

    def _map_key(self) -> tuple | None:
        if self.loaded is None:
            return None
        return (self.loaded.weights_key, self.split_combo.currentData(), self.subset_combo.currentData(),
                self.loaded.model.mu_only, self.method_combo.currentData())

    def _request_map(self) -> None:
        key = self._map_key()
        if key is None or key[-1] is None:
            return
        cached = self.map_cache.get(key)
        if cached is not None:
            if self._job is not None and self._job.kind == "map":
                self._job.token.cancel()  # an older request still running: not wanted any more
            self._show_map(*cached, key)
            self.status_label.setText(f"{METHOD_LABELS[key[-1]]} of {len(cached[0]):,} points (cached)")
            return
        if self._job is not None:
            self._pending_map = True
            if self._job.kind == "map":
                self._job.token.cancel()
            return
        loaded = self.loaded
        latents = self.latent_cache.get(key[:-1])
        other_switch = self.latent_cache.get((*key[:3], not key[3]))  # same weights and rows, other switch
        self._start_job("map", compute_map, loaded.model, loaded.dataset, key[1], key[2], key[4], latents,
                        self.tsne_iterations, other_switch, key=key)

    def _on_mu_only_toggled(self, on: bool) -> None:
        if self.model is None:
            return
        if self._job is not None and self._job.kind == "map":
            # Its batches would mix both settings: drop it and start again with the new one.
            self._job.token.cancel()
            self._pending_map = True
        self.model.set_mu_only(on)
        self._request_map()

    # ---- drawing -------------------------------------------------------------------------

    def _show_map(self, latents: LatentSet, projection: Projection, key: tuple) -> None:
        same_points = self.latents is latents and self.projection is not None
        self.latents, self.projection, self.shown_key = latents, projection, key
        self._neighbours = None
        self._draw_points(projection.coords, autorange=not same_points)
        order, kl = dimensions_by_kl(latents)
        self.traversal_panel.set_dimensions(order, kl)
        self._fill_lists()
        self.export_button.setEnabled(True)
        if self.selected_row is not None and self.selected_row < len(latents):
            self.select_row(self.selected_row)
        else:
            self._clear_selection()

    def _draw_points(self, coords: np.ndarray, autorange: bool) -> None:
        categories, colours, names = self._colouring(self.latents)
        symbols, symbol_names = None, None
        if (self.latents.split == SPLIT_TEST).any() and (self.latents.split != SPLIT_TEST).any():
            symbols = np.where(self.latents.split == SPLIT_TEST, "t", "o")
            symbol_names = {"o": "train", "t": "test"}
        view = self.map.view_box.viewRange()
        self.map.set_points(coords, categories, colours, names, symbols, symbol_names)
        if not autorange:
            self.map.view_box.setRange(xRange=view[0], yRange=view[1], padding=0)

    def _apply_colours(self) -> None:
        if self.latents is not None and self.projection is not None:
            self._draw_points(self.projection.coords, autorange=False)

    def _colouring(self, latents: LatentSet) -> tuple[np.ndarray, list[str], list[str]]:
        mode = self.colour_combo.currentData()
        if mode == "label":
            if latents.labels is None:
                return np.zeros(len(latents), np.int64), [CLASS_COLOURS[0]], ["images (no labels)"]
            count = int(latents.labels.max()) + 1
            names = self._class_names()
            colours = [CLASS_COLOURS[i % len(CLASS_COLOURS)] for i in range(count)]
            present = set(np.unique(latents.labels).tolist())
            # Only classes present get a legend entry (a subset may miss some).
            legend = [(names[i] if names and i < len(names) else str(i)) if i in present else "" for i in range(count)]
            return latents.labels, colours, legend
        values = latents.reconstruction_error if mode == "error" else latents.kl
        edges = np.quantile(values, np.linspace(0, 1, len(VALUE_COLOURS) + 1))
        categories = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, len(VALUE_COLOURS) - 1)
        what = "error" if mode == "error" else "KL"
        names = [f"{what} {edges[i]:.3g}–{edges[i + 1]:.3g}" for i in range(len(VALUE_COLOURS))]
        return categories, VALUE_COLOURS, names

    def _class_names(self) -> list[str] | None:
        return None if self.loaded is None else self.loaded.class_names

    def _fill_lists(self) -> None:
        latents = self.latents
        for widget, rows, describe in (
            (self.worst_list, worst_reconstructions(latents, RANKED),
             lambda r: f"error {latents.reconstruction_error[r]:.2f}"),
            (self.log_var_list, largest_log_var(latents, RANKED),
             lambda r: f"mean log_var {latents.log_var[r].mean():+.2f}"),
        ):
            widget.set_samples(rows, latents.images(rows), [f"{self._describe_row(r)} · {describe(r)}" for r in rows])

    def _describe_row(self, row: int) -> str:
        latents = self.latents
        split = "test" if latents.split[row] == SPLIT_TEST else "train"
        text = f"{split} #{int(latents.source_index[row])}"
        if latents.labels is not None:
            label = int(latents.labels[row])
            names = self._class_names()
            text += f" · {names[label] if names and label < len(names) else label}"
        return text

    def _thumbnail_for(self, row: int) -> tuple[np.ndarray, str]:
        return self.latents.image(row), self._describe_row(row)

    # ---- decoding, on the GUI thread through the cached predict function (~1 ms) -----------

    def _decode_one(self, vector: np.ndarray) -> np.ndarray:
        return self.model.decode_one(vector)

    def select_row(self, row: int) -> None:
        """Show sample `row`: original, reconstruction of its z, mu/log_var, neighbours, sigma ellipse."""
        if self.latents is None or self.projection is None or not 0 <= row < len(self.latents):
            return
        latents = self.latents
        self.selected_row, self.selected_vector = row, latents.mu[row]
        mu, log_var, z = latents.mu[row], latents.log_var[row], latents.z[row]
        if self._neighbours is None:
            self._neighbours = LatentNeighbours(latents.mu)
        self._neighbour_rows = self._neighbours.of_row(row, mu, NEIGHBOURS)
        how = ("Reconstruction = decoder(z) of the point on the map; z = mu" if latents.mu_only
               else "Reconstruction = decoder(z), z = mu + sampled noise (mu-only is off)")
        self.point_panel.show_point(
            self._describe_row(row) + f" · error {latents.reconstruction_error[row]:.2f} · KL {latents.kl[row]:.2f}",
            latents.image(row), self._decode_one(z), mu, log_var,
            latents.images(self._neighbour_rows), [self._describe_row(r) for r in self._neighbour_rows], how,
        )
        x, y = self.projection.coords[row]
        self.map.show_selection(x, y)
        self.map.show_location(None)
        self.map.show_samples(None)
        if self.projection.method == "direct":
            self.map.show_sigma_ellipse(mu, np.exp(0.5 * log_var), sample=np.array([x, y]))
        else:
            self.map.show_sigma_ellipse(None)
        self.traversal_panel.set_base(mu)

    def decode_location(self, x: float, y: float) -> np.ndarray | None:
        """Decode the map location (x, y): the latent vector itself, PCA's inverse, or neighbours' weighted mean."""
        if self.projection is None or self.model is None:
            return None
        vector, how = self.projection.location_to_latent(x, y)
        image = self._decode_one(vector)
        self.selected_row, self.selected_vector = None, vector
        # `how` starts as a sentence (str.capitalize would lowercase the rest: "T-sne", "Pca").
        self.point_panel.show_location(f"Location ({x:.2f}, {y:.2f})", image, vector, how + ".")
        self.map.show_location(x, y)
        self.map.show_selection(None)
        self.map.show_sigma_ellipse(None)
        self.map.show_samples(None)
        self.traversal_panel.set_base(vector)
        return vector

    def _clear_selection(self) -> None:
        self.selected_row, self.selected_vector = None, None
        self.map.clear_overlays()
        self.point_panel.clear()
        self.traversal_panel.set_base(None)

    def _on_neighbour_clicked(self, position: int) -> None:
        if position < len(self._neighbour_rows):
            self.select_row(int(self._neighbour_rows[position]))

    def sample_posterior(self) -> None:
        if self.selected_row is None:
            return
        row = self.selected_row
        draws = posterior_samples(self.latents.mu[row], self.latents.log_var[row], SAMPLES)
        self.point_panel.show_samples(self.model.decode_many(draws))
        if self.projection.method == "direct":
            self.map.show_samples(draws)

    def sample_prior(self) -> None:
        if self.model is None:
            return
        draws = prior_samples(self.model.z_dim, SAMPLES)
        self.generation_panel.prior_images.set_images(self.model.decode_many(draws))
        if self.projection is not None and self.projection.method == "direct":
            self.map.show_samples(draws)

    def set_interpolation_end(self, end: str) -> None:
        if self.selected_vector is None:
            self.generation_panel.endpoints.setText("Select a point or a location on the map first.")
            return
        if self.selected_row is not None:
            where = self.projection.coords[self.selected_row]
        else:
            where = np.array(self.map.location.getData(), np.float32).ravel()[:2]
        self.interpolation_ends[end] = (np.array(self.selected_vector, np.float32), np.asarray(where, np.float32))
        a, b = self.interpolation_ends["A"], self.interpolation_ends["B"]
        if a is None or b is None:
            self.generation_panel.endpoints.setText(f"{end} set; now select another point and press "
                                                    f"{'B' if end == 'A' else 'A'}.")
            return
        steps = len(self.generation_panel.strip.tiles)
        self.generation_panel.strip.set_images(self.model.decode_many(interpolate(a[0], b[0], steps)))
        self.generation_panel.endpoints.setText("A → B in latent space (the line on the map joins their places).")
        self.map.show_path(interpolate(a[1], b[1], steps))

    def decode_grid(self, per_side: int) -> None:
        """Decode a per_side × per_side grid of latent vectors covering the visible map (z_dim = 2)."""
        if self.model is None or self.model.z_dim != 2 or self.latents is None:
            return
        if self.projection is not None and self.projection.method == "direct":
            (x0, x1), (y0, y1) = self.map.view_box.viewRange()
            note = "Grid over the visible map; each image is decoded from its place."
        else:
            (x0, y0), (x1, y1) = np.percentile(self.latents.mu, [1, 99], axis=0)
            note = "Grid over the central 98% of mu (switch to Direct to choose the area by zooming)."
        images = self.model.decode_many(latent_grid((x0, x1), (y0, y1), per_side))
        self.generation_panel.show_grid(image_mosaic(images, per_side), note)

    # ---- export --------------------------------------------------------------------------

    def export_map(self, path: str | Path) -> None:
        path = Path(path)
        try:
            with atomic_output_path(path, suffix=path.suffix) as temp:
                self.map.export_image(str(temp))
        except OSError as error:
            self.show_message(f"Cannot write {path} ({error.strerror or error}): choose a folder you can write to.")
            return
        self.status_label.setText(f"Saved {path}")

    def export_coordinates(self, path: str | Path) -> None:
        from vaegui.latent.export import save_coordinates

        if self.latents is None or self.projection is None:
            return
        try:
            save_coordinates(path, self.latents, self.projection, self._class_names())
        except VaeguiError as error:
            self.show_message(str(error))
            return
        self.status_label.setText(f"Saved {path}")

    def _default_name(self, suffix: str) -> str:
        source = self.loaded.source_name if self.loaded else "map"
        return str(Path.cwd() / f"{Path(source).stem}-{self.method_combo.currentData()}.{suffix}")

    def _export_map_dialog(self, suffix: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the map", self._default_name(suffix), f"*.{suffix}")
        if path:
            self.export_map(path if path.lower().endswith(f".{suffix}") else f"{path}.{suffix}")

    def _export_coordinates_dialog(self, suffix: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export coordinates", self._default_name(suffix), f"*.{suffix}")
        if path:
            self.export_coordinates(path if path.lower().endswith(f".{suffix}") else f"{path}.{suffix}")

    # ---- messages ------------------------------------------------------------------------

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.show()

    def hide_message(self) -> None:
        self.message_label.hide()

    def _enable_controls(self, on: bool) -> None:
        for widget in (self.split_combo, self.subset_combo, self.method_combo, self.colour_combo,
                       self.mu_only_checkbox):
            widget.setEnabled(on)


def _combo(choices) -> QComboBox:
    combo = QComboBox()
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    for text, data in choices:
        combo.addItem(text, data)
    return combo


def _scrolling(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    return area
