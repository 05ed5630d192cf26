"""The states a demo reaches, in the order a presenter reaches them, as walks the app driver takes the real window
through (tests/screen/app_driver.py). Each walk's state names are listed here for the tests, without Qt."""

from __future__ import annotations

import os
from collections.abc import Callable

TOUR_STATES = tuple(f"tour-{n}" for n in range(1, 9))
PRESENTER_STATES = ("presenter-training", "presenter-explorer", "presenter-hover", "presenter-compare-welcome")
DEMO_STATES = (
    "first-launch", *TOUR_STATES, "welcome-ready", "training", "trained", "epoch-views",
    "explorer", "explorer-point", "explorer-hover", "mu-only-on", "mu-only-off", "tsne-running", "tsne-cancelled",
    "traverse", "lists", "generate", *PRESENTER_STATES, "experiment", "presenter-compare", "compare", "runs-dialog",
    "run-open", "training-held",
)
SECOND_WINDOW_STATES = ("second-window", "second-window-refused")
# The larger screen's walk: a run trained before (vaegui gui RUN), the same tabs and presenter mode, a comparison of
# two runs trained before; the states that need training or t-SNE are the small screen's (its limits are the tight
# ones) and its run time is the suite's.
RUN_STATES = ("run-first-launch", "run-opened", "explorer", "explorer-point", "mu-only-on", "mu-only-off",
              "presenter-training", "presenter-explorer", "presenter-hover", "compare", "presenter-compare",
              "runs-dialog")
TINY_EPOCHS = 3
SHOWCASE = os.environ.get("VAEGUI_SCREEN_SHOWCASE", "") not in ("", "0")  # set by scripts/screenshots


# ---- steps ----------------------------------------------------------------------------------------

def _tiny_settings(window, epochs: int = TINY_EPOCHS) -> None:
    """The Training form set to a model that trains an epoch of the digits in a fraction of a second."""
    form = window.training_tab.form
    form.set_dataset("digits")
    form.conv_filters_edit.setText("4,8")
    form.dense_units_box.setValue(8)
    form.z_dim_box.setValue(2)
    form.batch_size_box.setValue(64)
    form.seed_edit.setText("1")
    form.epochs_box.setValue(epochs)


def _click_tab(driver, tabs, index: int) -> None:
    bar = tabs.tabBar()
    centre = bar.tabRect(index).center()
    driver.pointer(bar, centre.x(), centre.y(), click=True)
    driver.wait_until(lambda: tabs.currentIndex() == index, f"tab {index}", 10)


def _map_ready(explorer) -> bool:
    return explorer.shown is not None and not explorer.is_busy()


def _point_pixel(latent_map, row: int):
    from PySide6.QtCore import QPointF

    latent_map.view_box.updateAutoRange()
    x, y = latent_map.coords[row]
    scene = latent_map.view_box.mapViewToScene(QPointF(float(x), float(y)))
    return latent_map.plot_widget.mapFromScene(scene)


def _central_row(latent_map) -> int:
    """A point near the middle of the map (not under the legend or the key)."""
    import numpy as np

    coords = latent_map.coords
    return int(np.argmin(np.linalg.norm(coords - np.median(coords, axis=0), axis=1)))


def _estimate_words(training) -> str:
    """The welcome's time estimate ('' where the app has none: a build before it measured one)."""
    words = getattr(training.welcome, "estimate_words", None)
    return words() if words is not None else ""


def _side_tab_name(explorer_tab) -> str:
    return explorer_tab.side_tabs.tabText(explorer_tab.side_tabs.currentIndex())


def _presenter(driver, window, on: bool) -> None:
    window.presenter_action.trigger() if window.presenter_action.isChecked() != on else None
    driver.wait_until(lambda: window.isFullScreen() == on, f"presenter mode {'on' if on else 'off'}", 10)
    driver.wait(300)


def _hover(driver, latent_map, row: int) -> None:
    pixel = _point_pixel(latent_map, row)
    viewport = latent_map.plot_widget.viewport()
    driver.pointer(viewport, pixel.x() + 20, pixel.y() + 20)
    driver.pointer(viewport, pixel.x(), pixel.y())
    driver.wait_until(lambda: latent_map.thumbnail.isVisible(), "the hover picture", 10)


def _compare_page_facts(compare) -> dict:
    table = compare.quality_table
    cells = [(table.item(row, column).text(), table.visualRect(table.model().index(row, column)).width(),
              table.fontMetrics().horizontalAdvance(table.item(row, column).text()))
             for row in range(table.rowCount()) for column in range(2 // table.columnSpan(row, 0))]
    return {"map_heights": [compare.maps[side].plot_widget.height() for side in ("a", "b")],
            "page_height": compare.pages.height(), "table_cells": cells}


# ---- the walks ------------------------------------------------------------------------------------

def demo_walk(driver, window) -> None:
    """First launch to Compare: the tour, training a tiny model, the Explorer's tools, presenter mode, the
    experiment, the Runs dialog; ends training a longer run (held for a second window to be refused)."""
    training, explorer_tab = window.training_tab, window.explorer_tab
    driver.wait_until(lambda: window.tour.bubble.isVisible(), "the first launch's offer of the tour", 20)
    driver.state("first-launch")
    bubble = window.tour.bubble
    driver.click(bubble.next_button)  # Start the tour
    for name in TOUR_STATES:
        driver.state(name, tour=bubble.text.text(), estimate=_estimate_words(training))
        driver.click(bubble.next_button)
    driver.wait_until(lambda: window.state.trainer_ready_now, "TensorFlow", 90)
    _click_tab(driver, window.tabs, window.tabs.indexOf(training))  # the tour ended on the Explorer
    # This machine timed at first launch: a few batches, off the GUI thread.
    driver.wait_until(lambda: training.welcome.estimate is not None, "the first launch's timing", 60)
    window.tour.show_step(1)  # the tour's "Watch it learn" says the time too
    tour_text = bubble.text.text()
    window.tour.close()
    driver.state("welcome-ready", button=training.welcome.train_button.text(), tour=tour_text,
                 estimate=_estimate_words(training))

    if SHOWCASE:  # make screenshots: the form's own model on the digits, for pictures worth showing
        training.form.set_dataset("digits")
    else:
        _tiny_settings(window)
    driver.click(training.welcome.train_button)
    driver.wait_until(lambda: training.model.epochs_completed >= 1, "the first epoch", 60)
    driver.state("training")
    driver.wait_until(lambda: not training.is_training(), "the end of training", 60)
    driver.wait_until(lambda: not training.learning_views_pending(), "the last epoch's views", 20)
    driver.state("trained", run_folder=str(training.model.folder))
    training.epoch_slider.setValue(1)
    driver.state("epoch-views")

    _click_tab(driver, window.tabs, window.tabs.indexOf(explorer_tab))
    explorer = explorer_tab.explorer
    driver.wait_until(lambda: _map_ready(explorer), "the Explorer's map", 60)
    driver.state("explorer")
    # The tour once more, now over a model, to its end: it leaves the side panel on Generate.
    window.tour.start()
    for _ in TOUR_STATES:
        driver.click(bubble.next_button)
    latent_map = explorer_tab.map
    row = _central_row(latent_map)
    pixel = _point_pixel(latent_map, row)
    driver.pointer(latent_map.plot_widget.viewport(), pixel.x(), pixel.y(), click=True)
    driver.wait_until(lambda: explorer_tab.selection.selected is not None, "the chosen point", 20)
    driver.state("explorer-point", side_tab=_side_tab_name(explorer_tab))
    _hover(driver, latent_map, (row + 7) % latent_map.point_count())
    driver.state("explorer-hover")

    for on in (True, False):
        driver.click(explorer_tab.mu_only_checkbox)
        driver.wait_until(lambda on=on: _map_ready(explorer) and explorer.shown.key.latents.mu_only == on,
                          "the map redrawn after mu-only", 60)
        driver.state("mu-only-on" if on else "mu-only-off", status=explorer_tab.status_label.text())

    explorer.tsne_iterations = 2_000  # long enough to be seen running
    explorer_tab.controls.choose(explorer_tab.method_combo, "tsne")
    driver.wait_until(lambda: explorer.activity is not None and "t-SNE" in explorer.activity[0], "t-SNE", 60)
    driver.wait(500)
    driver.state("tsne-running", status=explorer_tab.status_label.text())
    driver.click(explorer_tab.cancel_button)
    driver.wait_until(lambda: not explorer.is_busy(), "t-SNE cancelled", 30)
    driver.state("tsne-cancelled", status=explorer_tab.status_label.text())

    side = explorer_tab.side_tabs
    for index, name in ((1, "traverse"), (2, "lists")):
        _click_tab(driver, side, index)
        driver.state(name)
    _click_tab(driver, side, 3)
    driver.click(explorer_tab.generation_panel.prior_button)
    driver.wait_until(lambda: explorer_tab.selection.prior is not None, "prior samples", 20)
    driver.state("generate")

    _presenter(driver, window, True)
    _click_tab(driver, window.tabs, window.tabs.indexOf(training))
    driver.state("presenter-training")
    _click_tab(driver, window.tabs, window.tabs.indexOf(explorer_tab))
    _click_tab(driver, side, 0)
    driver.state("presenter-explorer", side_tab=_side_tab_name(explorer_tab))
    _hover(driver, latent_map, (row + 11) % latent_map.point_count())
    driver.state("presenter-hover")
    _click_tab(driver, window.tabs, window.tabs.indexOf(window.compare_tab))
    driver.state("presenter-compare-welcome")

    # Presenter mode stays on: in a demo the comparison is first shown in it (its split was once worked out before
    # the page was shown, and kept after presenter mode ended).
    compare = window.compare_tab
    # The experiment trains the form's settings: one epoch is enough for the tests' checks.
    training.form.epochs_box.setValue(10 if SHOWCASE else 1)
    window.experiments.ae_vs_tiny_kl.trigger()
    driver.wait_until(lambda: compare.preset_running(), "the experiment", 20)
    driver.wait(1500)
    driver.state("experiment")
    driver.wait_until(lambda: not compare.preset_running(), "the experiment's end", 120)
    driver.wait_until(lambda: all(e.shown is not None for e in compare.comparison.explorers.values())
                      and not compare.is_busy(), "both maps", 60)
    driver.state("presenter-compare", **_compare_page_facts(compare))
    _presenter(driver, window, False)
    driver.state("compare", **_compare_page_facts(compare))

    training.choose_run_to_open()
    dialog = training.run_library
    driver.wait_until(lambda: dialog.isVisible() and not dialog.is_loading(), "the Runs dialog", 20)
    driver.state("runs-dialog")
    dialog.reject()

    # The run trained longer, while a second window (opened at run-open) tries to train it too.
    _click_tab(driver, window.tabs, window.tabs.indexOf(training))
    driver.state("run-open", run_folder=str(training.model.folder))
    done = training.model.epochs_completed
    training.form.epochs_box.setValue(500)
    driver.click(training.continue_button)
    # The run's lock is taken as its worker starts, before it loads the data ("Loading …").
    driver.wait_until(lambda: "Loading" in training.status_label.text() or training.model.epochs_completed > done,
                      "the held run's start", 60)
    driver.state("training-held")
    driver.click(training.stop_button)
    driver.wait_until(lambda: not training.is_training(), "training stopped", 30)


def second_window_walk(driver, window) -> None:
    """A second window on a run: it opens the run; then (once the first window trains it on) it is refused when it
    would train it too."""
    training = window.training_tab
    driver.wait_until(lambda: window.state.trainer_ready_now and training.model.run is not None,
                      "TensorFlow and the run", 90)
    driver.state("second-window")
    training.form.epochs_box.setValue(training.model.epochs_completed + 50)
    driver.click(training.continue_button)
    driver.wait_until(lambda: not training.is_training(), "the refusal", 60)
    driver.wait(500)
    driver.state("second-window-refused", error=training.error_label.text(), progress=training.progress_bar.text())


def run_walk(driver, window) -> None:
    """`vaegui gui RUN` on a run trained before: its curves, its map and presenter mode, then a comparison of two
    runs trained before (VAEGUI_SCREEN_COMPARE: their folders, '|' between) and the Runs dialog."""
    from vaegui.runs.library import read_run_summary

    training, explorer_tab = window.training_tab, window.explorer_tab
    driver.wait_until(lambda: window.tour.bubble.isVisible(), "the first launch's offer of the tour", 20)
    driver.state("run-first-launch")
    driver.click(window.tour.bubble.close_button)  # Not now
    driver.wait_until(lambda: window.state.trainer_ready_now and training.model.run is not None
                      and not training.learning_views_pending(), "TensorFlow and the run", 90)
    driver.state("run-opened")
    _click_tab(driver, window.tabs, window.tabs.indexOf(explorer_tab))
    explorer = explorer_tab.explorer
    driver.wait_until(lambda: _map_ready(explorer), "the Explorer's map", 60)
    driver.state("explorer")
    latent_map = explorer_tab.map
    row = _central_row(latent_map)
    pixel = _point_pixel(latent_map, row)
    driver.pointer(latent_map.plot_widget.viewport(), pixel.x(), pixel.y(), click=True)
    driver.wait_until(lambda: explorer_tab.selection.selected is not None, "the chosen point", 20)
    driver.state("explorer-point", side_tab=_side_tab_name(explorer_tab))
    for on in (True, False):
        driver.click(explorer_tab.mu_only_checkbox)
        driver.wait_until(lambda on=on: _map_ready(explorer) and explorer.shown.key.latents.mu_only == on,
                          "the map redrawn after mu-only", 60)
        driver.state("mu-only-on" if on else "mu-only-off")
    _presenter(driver, window, True)
    _click_tab(driver, window.tabs, window.tabs.indexOf(training))
    driver.state("presenter-training")
    _click_tab(driver, window.tabs, window.tabs.indexOf(explorer_tab))
    driver.state("presenter-explorer")
    _hover(driver, latent_map, (row + 11) % latent_map.point_count())
    driver.state("presenter-hover")
    _presenter(driver, window, False)
    compare = window.compare_tab
    window.state.compare_requested.emit(*(read_run_summary(folder) for folder in
                                          os.environ["VAEGUI_SCREEN_COMPARE"].split("|")))
    driver.wait_until(lambda: all(e.shown is not None for e in compare.comparison.explorers.values())
                      and not compare.is_busy(), "both maps", 60)
    driver.click(compare.prior_panel.button)
    driver.state("compare")
    _presenter(driver, window, True)
    driver.state("presenter-compare")
    _presenter(driver, window, False)
    training.choose_run_to_open()
    dialog = training.run_library
    driver.wait_until(lambda: dialog.isVisible() and not dialog.is_loading(), "the Runs dialog", 20)
    driver.state("runs-dialog")
    dialog.reject()


WALKS: dict[str, Callable] = {"demo": demo_walk, "second-window": second_window_walk, "run": run_walk}
STATES = {"demo": DEMO_STATES, "second-window": SECOND_WINDOW_STATES, "run": RUN_STATES}
