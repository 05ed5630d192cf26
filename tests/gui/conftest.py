"""The GUI tests' shared fixtures: TensorFlow loaded once, a Training tab ready to train a tiny model, and
the main window as a person first sees it (1280×800)."""

from __future__ import annotations

import pytest

from vaegui.gui.app_state import AppState, import_tensorflow
from vaegui.gui.training.training_tab import TrainingTab


@pytest.fixture(scope="session")
def device() -> str:
    return import_tensorflow()


def set_tiny_settings(tab: TrainingTab, epochs: int = 2) -> None:
    form = tab.form
    form.conv_filters_edit.setText("4,8")
    form.dense_units_box.setValue(8)
    form.z_dim_box.setValue(2)
    form.epochs_box.setValue(epochs)
    form.batch_size_box.setValue(64)
    form.seed_edit.setText("1")


@pytest.fixture
def tab(qtbot, tmp_path, device):
    state = AppState()
    tab = TrainingTab(state, dataset="digits")
    qtbot.addWidget(tab)
    tab.runs_root = tmp_path / "runs"
    state.tensorflow_loaded, state.device = True, device
    state.tensorflow_ready.emit(device)
    set_tiny_settings(tab)
    tab.resize(1200, 800)
    tab.show()
    yield tab
    tab.shutdown()



@pytest.fixture
def window(qtbot):
    from vaegui.gui.main_window import MainWindow

    window = MainWindow(dataset="digits")
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window._started)  # the Explorer is built after the first paint: the whole window
    yield window
    for tab in (window.training_tab, window.explorer_tab):
        tab.shutdown()
