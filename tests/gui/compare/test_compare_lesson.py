"""The autoencoder vs tiny-KL lesson at a glance: both maps show where the prior's random draws land among the
pictures, what each model decodes there, and a sentence saying what it means; a standard VAE (β 1) is offered for
contrast."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from tests.conftest import tiny_config
from tests.gui.compare.test_compare_tab import WAIT_MS, _ready, compare_tab, pair  # noqa: F401 (fixtures)
from vaegui.app.comparison import SIDES
from vaegui.gui.app_state import AppState
from vaegui.gui.compare.compare_tab import CompareTab
from vaegui.latent.prior_fit import describe_prior_fit, explain_prior_fit, prior_fit
from vaegui.runs.library import read_run_summary
from vaegui.words import word


def _fits(tab, points: str = "z"):
    """Each side's fit of the draws to the places its map shows its pictures at (z; 'mu': their centres)."""
    comparison = tab.comparison
    return {side: prior_fit(getattr(comparison.explorers[side].shown.latents, points),
                            comparison.selections[side].prior[0])
            for side in SIDES}


def _lessons_shown(tab) -> bool:
    return all(tab.lessons[side].isVisible() and tab.comparison.selections[side].prior is not None for side in SIDES)


def test_each_map_says_where_the_random_draws_land(compare_tab, qtbot):  # noqa: F811
    tab = compare_tab  # a plain autoencoder (β 0) beside a standard VAE (β 1)
    assert not any(label.isVisible() for label in tab.lessons.values())
    qtbot.mouseClick(tab.prior_panel.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _lessons_shown(tab), timeout=WAIT_MS)
    fits = _fits(tab)
    for side in SIDES:
        prior = tab.comparison.selections[side].prior
        assert len(tab.maps[side].samples.data) == len(prior[0]) == 16  # the draws, as marks on the map
        assert tab.prior_panel.grids[side].images_shown() == 16  # what the model decodes there
        assert tab.lessons[side].text() == describe_prior_fit(tab.comparison.side_name(side), fits[side])
        assert tab.lessons[side].toolTip() == explain_prior_fit(fits[side])
    # The autoencoder's pictures lie away from where the draws fall; the standard VAE's around them.
    assert fits["a"].pictures_reached < fits["b"].pictures_reached
    # Said of the places the map shows (z), not of the centres the room cannot see (a 1-epoch walk read "0 % of the
    # draws land among its pictures" beside marks among the points).
    assert not tab.comparison.explorers["b"].shown.latents.mu_only
    assert tab.lessons["b"].toolTip() != explain_prior_fit(_fits(tab, "mu")["b"])
    assert not tab.contrast_button.isVisible()  # a β 1 run is on show already

    # On PCA maps too the draws are marked, where the map's PCA puts them (they were on direct maps only).
    tab.controls.choose(tab.controls.method_combo, "pca")
    _ready(qtbot, tab)
    for side in SIDES:
        shown, prior = tab.comparison.explorers[side].shown, tab.comparison.selections[side].prior
        assert shown.method == "pca"
        marked = np.column_stack(tab.maps[side].samples.getData())
        np.testing.assert_allclose(marked, shown.projection.place(prior[0])[0], atol=1e-4)
        assert tab.lessons[side].text() == describe_prior_fit(tab.comparison.side_name(side), fits[side])
    # t-SNE cannot place new points at once: no marks, and the lesson says why.
    for explorer in tab.comparison.explorers.values():
        explorer.tsne_iterations = 250
    tab.controls.choose(tab.controls.method_combo, "tsne")
    _ready(qtbot, tab)
    for side in SIDES:
        assert tab.comparison.explorers[side].shown.method == "tsne"
        assert tab.maps[side].samples.getData()[0] is None or not len(tab.maps[side].samples.getData()[0])
        assert tab.lessons[side].text().endswith(word("prior_draws_unmarked"))


@pytest.fixture(scope="module")
def tiny_kl(tmp_path_factory, pair):  # noqa: F811
    from vaegui.runs import Run
    from vaegui.training import TrainingSession

    config = tiny_config(epochs=2)
    config.model.kl_weight = 5e-4
    run = Run.create(tmp_path_factory.mktemp("lesson") / "tiny-kl", config)
    TrainingSession(run, run.load_dataset(), probe_size=64).run()
    return read_run_summary(run.folder)


def test_a_standard_vae_is_offered_beside_the_autoencoder(qtbot, pair, tiny_kl):  # noqa: F811
    state = AppState()
    state.tensorflow_loaded = True
    tab = CompareTab(state)
    qtbot.addWidget(tab)
    tab.resize(1280, 760)
    tab.show()
    autoencoder = pair[0]
    tab.compare(autoencoder, tiny_kl)
    _ready(qtbot, tab)
    assert tab.contrast_button.isVisible() and tab.contrast_button.isEnabled()
    qtbot.mouseClick(tab.contrast_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.preset_running(), timeout=WAIT_MS)
    _ready(qtbot, tab)
    summaries = tab.comparison.summaries
    assert summaries["a"].folder == autoencoder.folder and summaries["b"].kl_weight == pytest.approx(1.0)
    assert summaries["b"].folder.parent == autoencoder.folder.parent  # beside the run it is set against
    # After training, the draws are decoded and marked at once: the lesson needs no click.
    qtbot.waitUntil(lambda: _lessons_shown(tab) and "Standard VAE (β 1)" in tab.lessons["b"].text(), timeout=WAIT_MS)
    assert not tab.contrast_button.isVisible()
