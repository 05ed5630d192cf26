"""The Training tab's parts on their own: loss plot, settings form, latent preview, samples."""

from __future__ import annotations

import copy

import numpy as np
import pyqtgraph as pg
import pytest

import vaegui.data.registry as registry
from tests.conftest import tiny_config
from tests.gui.test_window_at_rest import PaintCounter
from vaegui import config as settings
from vaegui.app.training_model import batch_rows_to_arrays
from vaegui.config import RunConfig
from vaegui.data import offline_dataset_names
from vaegui.errors import ConfigError
from vaegui.gui.training.kl_bars import KLBars
from vaegui.gui.training.latent_preview import LatentPreview
from vaegui.gui.training.loss_plot import LossPlot, smooth
from vaegui.gui.training.samples_strip import SamplesStrip
from vaegui.gui.training.settings_form import DATA_FILES_ITEM, GUI_DEFAULTS, IMAGE_FOLDER_ITEM, SettingsForm
from vaegui.runs.epoch_views import preview_coordinates
from vaegui.training.first_run import FIRST_RUNS
from vaegui.words import word


def test_smoothing_is_an_exponential_moving_average():
    values = np.array([0.0, 10.0, 10.0, 10.0])
    assert np.array_equal(smooth(values, 0.0), values)
    expected = [0.0, 5.0, 7.5, 8.75]
    assert np.allclose(smooth(values, 0.5), expected)


@pytest.mark.parametrize("strength", [0.01, 0.6, 0.98])
def test_smoothing_matches_the_recursive_filter_across_long_runs(strength):
    # 60,000 points span several of smooth()'s closed-form blocks (about 125 to 28,000 points long).
    from scipy.signal import lfilter

    values = np.random.default_rng(0).normal(size=60_000) + np.linspace(500.0, 1.0, 60_000)
    recursive = lfilter([1.0 - strength], [1.0, -strength], values, zi=[strength * values[0]])[0]
    assert np.allclose(smooth(values, strength), recursive, rtol=1e-12, atol=0)


def test_loss_plot_log_scale_leaves_gaps_for_zero_kl(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.add_batches(np.array([0.5, 1.0]), {"loss": np.array([4.0, 3.0]), "kl_loss": np.array([0.0, 0.01])})
    plot.add_epoch({"epoch": 1, "loss": 3.5, "reconstruction_loss": 3.5, "kl_loss": 0.0})
    plot.flush()
    plot.set_log_scale(True)
    assert plot.kl_plot.getViewBox().state["logMode"][1]
    _, y = plot.epoch_curves["kl_loss"].getOriginalDataset()
    assert np.isnan(y[0])
    plot.set_log_scale(False)
    _, y = plot.epoch_curves["kl_loss"].getOriginalDataset()
    assert y[0] == 0.0


def test_loss_plot_redraws_at_most_on_its_timer(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    for i in range(50):
        plot.add_batches(np.array([i / 50]), {"loss": np.array([1.0])})
    x, _ = plot.batch_curves["loss"].getOriginalDataset()
    assert x is None or len(x) == 0  # nothing drawn yet: the frame is coalesced
    def drawn() -> int:
        x, _ = plot.batch_curves["loss"].getOriginalDataset()
        return 0 if x is None else len(x)

    qtbot.waitUntil(lambda: drawn() == 50, timeout=5000)


def test_loss_plot_legends_sit_beside_the_curves_not_on_them(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.resize(1000, 400)
    plot.show()
    history = [{"epoch": e, "loss": 40.0 - e, "reconstruction_loss": 39.0 - e, "kl_loss": 0.5 * e} for e in (1, 2, 3)]
    for record in history:
        plot.add_epoch(record)
    plot.set_overlays([("older run", history)])
    plot.flush()
    qtbot.waitExposed(plot)
    for legend, curves_plot, names in (
        (plot.loss_legend, plot.loss_plot, ["Total", "Total (test)", word("curve_reconstruction"),
                                             "older run: total", "older run: reconstruction"]),
        (plot.kl_legend, plot.kl_plot, [word("curve_kl"), f"{word('curve_kl')} (test)", "older run: KL"]),
    ):
        assert [label.text for _, label in legend.items] == names
        drawn = legend.sceneBoundingRect()
        assert drawn.height() > 0 and drawn.width() > 0
        assert not drawn.intersects(curves_plot.getViewBox().sceneBoundingRect())
        # One line of entries, all of them inside the widget.
        assert drawn.height() <= 30
        assert plot.graphics.sceneRect().contains(drawn)


def test_saved_batch_rows_become_fractional_epochs():
    rows = [{"epoch": e, "batch": b, "loss": float(b)} for e in (1, 2) for b in (1, 2, 3, 4)]
    positions, losses = batch_rows_to_arrays(rows)
    assert list(positions) == [0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0]
    assert list(losses["loss"]) == [1, 2, 3, 4, 1, 2, 3, 4]
    assert np.all(np.isnan(losses["kl_loss"]))


def test_the_form_starts_on_the_best_dataset_available_offline_with_its_first_run_size(qtbot, monkeypatch):
    form = SettingsForm()
    qtbot.addWidget(form)
    best = offline_dataset_names()[0]
    expected = copy.deepcopy(GUI_DEFAULTS)
    expected.data.dataset, expected.data.subset = best, FIRST_RUNS[best].subset
    expected.training.epochs = FIRST_RUNS[best].epochs
    assert form.config().to_dict() == expected.to_dict()
    if best != "digits":  # this machine has a 28×28 dataset: a subset of it, shown in the form
        assert form.subset_box.text().replace(",", "") == str(FIRST_RUNS[best].subset)
    # Without Fashion-MNIST or MNIST on the machine, the built-in digits, all of them.
    monkeypatch.setattr(registry, "FASHION_MNIST_DIRS", ())
    monkeypatch.setattr(registry, "MNIST_DIRS", ())
    monkeypatch.delenv(registry.FASHION_MNIST_DIR_ENV, raising=False)
    monkeypatch.delenv(registry.MNIST_DIR_ENV, raising=False)
    fallback = SettingsForm()
    qtbot.addWidget(fallback)
    assert fallback.config().data.dataset == "digits"
    assert fallback.config().data.subset is None and fallback.subset_box.text() == "all"


def test_settings_form_round_trips_a_config(qtbot):
    form = SettingsForm()
    qtbot.addWidget(form)
    config = tiny_config(epochs=7, kl_warmup_epochs=3)
    config.model.kl_weight = 5e-4
    config.model.reconstruction_loss = "mse"
    config.model.kl_strategy = "model_add_loss"
    config.data.image_size = 16
    form.set_config(config)
    assert form.kl_preset_box.currentText() == word("kl_preset_tiny")
    assert RunConfig.from_dict(form.config().to_dict()).to_dict() == config.to_dict()


def test_the_form_starts_from_the_one_set_of_defaults_in_config():
    from vaegui.config import DataConfig, ModelConfig, TrainingConfig

    assert GUI_DEFAULTS.model == ModelConfig()
    assert GUI_DEFAULTS.data == DataConfig()
    # Only the number of epochs differs: the digits are small, so the first demo runs more of them.
    assert {**GUI_DEFAULTS.to_dict()["training"], "epochs": None} == {**vars(TrainingConfig()), "epochs": None}


def test_kl_presets_and_custom_values(qtbot):
    form = SettingsForm()
    qtbot.addWidget(form)
    form.kl_preset_box.setCurrentIndex(0)
    form.kl_preset_box.activated.emit(0)
    assert form.config().model.kl_weight == 0.0
    form.kl_weight_edit.setText("0.3")
    form.kl_weight_edit.textEdited.emit("0.3")
    assert form.kl_preset_box.currentText() == "Custom"
    assert form.config().model.kl_weight == 0.3


def test_dataset_picker_lists_registry_names_files_and_paths(qtbot, tmp_path):
    form = SettingsForm(dataset="mnist")
    qtbot.addWidget(form)
    items = [form.dataset_box.itemText(i) for i in range(form.dataset_box.count())]
    names = [form.dataset_box.itemData(i) for i in range(form.dataset_box.count())]
    assert {"digits", "mnist", "fashion_mnist"} <= set(names)
    assert items[-2:] == [IMAGE_FOLDER_ITEM, DATA_FILES_ITEM]
    assert form.dataset() == "mnist"
    # In words a room understands, not code names; the name the run is trained on stays the item's data.
    shown = dict(zip(names, items))
    assert shown["fashion_mnist"] == "Fashion-MNIST (clothes)" and shown["mnist"] == "MNIST (handwritten digits)"
    assert form.dataset_box.currentText() == "MNIST (handwritten digits)"
    form.set_dataset("fashion_mnist")
    assert form.dataset() == "fashion_mnist" and form.config().data.dataset == "fashion_mnist"
    form.set_dataset(str(tmp_path))
    assert form.dataset() == str(tmp_path)
    assert form.dataset_box.itemText(form.dataset_box.count() - 1) == DATA_FILES_ITEM


def test_a_mnist_image_size_that_does_not_fit_the_conv_layers_is_refused(qtbot):
    form = SettingsForm(dataset="mnist")
    qtbot.addWidget(form)
    form.conv_filters_edit.setText("8,16,32")
    with pytest.raises(ConfigError, match="multiple of 8"):
        form.config()
    assert form.check() is None and "Image size 28×28" in form.message_label.text()
    form.image_size_box.setValue(32)
    assert form.check() is not None


def test_preview_pca_keeps_its_orientation_between_epochs():
    rng = np.random.default_rng(0)
    mu = rng.normal(size=(500, 6)) * np.array([5, 3, 1, 0.5, 0.2, 0.1])
    coords, previous = preview_coordinates(mu)
    assert coords.shape == (500, 2) and previous.shape == (500, 2)
    assert coords[:, 0].var() > coords[:, 1].var() > 0  # the first epoch: its two main directions
    # The next epoch's codes barely changed, but mirrored (whatever sign the SVD picks, or the latent space turned):
    # the map must not flip.
    again, _ = preview_coordinates(-mu * 1.01, previous)
    assert np.corrcoef(again[:, 0], coords[:, 0])[0, 1] > 0.99
    two_d, none = preview_coordinates(mu[:, :2])
    assert none is None and np.allclose(two_d, mu[:, :2])


def test_latent_preview_reuses_one_item_per_class(qtbot):
    preview = LatentPreview()
    qtbot.addWidget(preview)
    preview.set_class_names([f"class {i}" for i in range(3)])
    coords = np.arange(12, dtype=np.float32).reshape(6, 2)
    labels = np.array([0, 1, 2, 0, 1, 2])
    preview.show_codes(1, coords, labels, "z")
    items = dict(preview.scatters)
    preview.show_codes(2, coords * 2, labels, "z")
    assert preview.scatters == items and preview.shown_epoch == 2
    x, y = preview.scatters[1].getData()
    assert list(x) == [4, 16] and list(y) == [6, 18]
    assert [label.text for _, label in preview.legend.items] == ["class 0", "class 1", "class 2"]


def test_a_latent_preview_at_rest_draws_nothing(qtbot):
    """Fitting the legend's columns changed the legend's size, which asked for another fit: the Training tab
    redrew its preview without end, a core's worth of CPU taken from the trainer (found profiling the suite)."""
    preview = LatentPreview()
    qtbot.addWidget(preview)
    preview.resize(420, 300)
    preview.show()
    qtbot.waitExposed(preview)
    preview.set_class_names([f"a longer class name {i}" for i in range(10)])
    preview.show_codes(1, np.random.default_rng(0).normal(size=(200, 2)), np.arange(200) % 10, "z")
    qtbot.wait(300)  # laid out, the legend fitted
    counter = PaintCounter()
    preview.viewport().installEventFilter(counter)
    qtbot.wait(500)
    assert counter.count <= 1, f"{counter.count} repaints of a preview nobody touched in 0.5 s"
    assert 1 <= preview.legend.columnCount < 5  # long names: fewer columns than five, and it fits
    assert preview.legend.width() <= preview.plot_item.getViewBox().width()


@pytest.mark.parametrize("text_size", ["7pt", "13pt"])  # the preview's own, and presenter mode's bigger text
def test_no_point_of_the_latent_preview_lies_under_its_legend(qtbot, text_size):
    """Seen in presenter mode at 1280×800: the legend's second row sat over the top points of the preview (the
    head-room above the points was sized for the normal text)."""
    preview = LatentPreview()
    qtbot.addWidget(preview)
    preview.resize(350, 240)
    preview.show()
    qtbot.waitExposed(preview)
    preview.legend.setLabelTextSize(text_size)
    preview.set_class_names([str(i) for i in range(10)])
    coords = np.random.default_rng(1).uniform(0, 1, size=(300, 2))
    preview.show_codes(1, coords, np.arange(300) % 10, "z")
    qtbot.wait(300)  # laid out, the legend fitted and room made for it
    legend = preview.legend.sceneBoundingRect()
    view = preview.plot_item.getViewBox()
    under = [(x, y) for x, y in coords if legend.contains(view.mapViewToScene(pg.Point(x, y)))]
    assert not under, f"{len(under)} points under the legend ({text_size}), e.g. {under[:3]}"
    assert view.sceneBoundingRect().contains(legend)


def test_kl_bars_count_active_units(qtbot):
    bars = KLBars()
    qtbot.addWidget(bars)
    kl = np.array([0.8, 0.001, 0.3, 0.0])
    bars.show_values(4, kl)  # no variances given: the KL itself decides
    assert bars.active_units() == 2
    assert "2 of 4 in use" in bars.plot_item.titleLabel.text
    # With the means' variances (Burda et al.), a dimension with KL whose mean never moves is not in use.
    bars.show_values(4, kl, mu_variance=np.array([0.5, 0.0, 0.001, 0.0]))
    assert bars.active_units() == 1 and "1 of 4 in use" in bars.plot_item.titleLabel.text
    assert [b.color().name() for b in bars.bars.opts["brushes"]][:3] == ["#2ca02c", "#bebebe", "#bebebe"]


def test_samples_strip_tiles_originals_over_reconstructions(qtbot):
    originals = np.zeros((3, 4, 4, 1), np.float32)
    reconstructions = np.ones((3, 4, 4, 1), np.float32)
    strip = SamplesStrip()
    qtbot.addWidget(strip)
    strip.resize(300, 120)
    strip.show_samples(5, originals, reconstructions)
    assert strip.shown_epoch == 5 and not strip.picture.pixmap().isNull()
    image = strip._image  # at the images' own resolution: two rows of 4 px tiles, 1 px white gaps, no margin
    assert (image.width(), image.height()) == (14, 9)
    grey = [[image.pixelColor(x, y).value() for x in range(14)] for y in range(9)]
    assert max(v for row in grey[:4] for v in row[:4]) == 0 and min(v for row in grey[5:] for v in row[:4]) == 255
    assert grey[4][0] == 255 and grey[0][4] == 255, "white gaps between the rows and the tiles"


def test_the_form_offers_exactly_the_ranges_the_settings_accept(qtbot):
    form = SettingsForm()
    qtbot.addWidget(form)
    boxes = {
        "z_dim": (form.z_dim_box, settings.Z_DIM),
        "dense_units": (form.dense_units_box, settings.DENSE_UNITS),
        "epochs": (form.epochs_box, settings.EPOCHS),
        "batch_size": (form.batch_size_box, settings.BATCH_SIZE),
        "kl_warmup_epochs": (form.warmup_box, settings.KL_WARMUP_EPOCHS),
    }
    for name, (box, allowed) in boxes.items():
        assert (box.minimum(), box.maximum()) == (allowed.low, allowed.high), name
    # The image size box's minimum reads "native"; above it, every size the settings accept.
    assert (form.image_size_box.minimum() + 1, form.image_size_box.maximum()) == tuple(settings.IMAGE_SIZE)
    form.warmup_box.setValue(form.warmup_box.maximum())
    form.epochs_box.setValue(form.epochs_box.maximum())
    config = form.config()
    assert (config.training.kl_warmup_epochs, config.training.epochs) == (100_000, 100_000)
