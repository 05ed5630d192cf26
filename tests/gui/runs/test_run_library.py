"""The Runs dialog driven like a person would: it fills in from a worker, sorts by a click on a column's title,
renames through its editor, opens one run, and picks two to compare."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from tests.runs.test_run_library import run_folder_without_weights
from vaegui.gui.app_state import AppState
from vaegui.gui.explorer.explorer_tab import ExplorerTab
from vaegui.gui.runs.run_library import REMEMBERED_KEY, remember_run, remembered_runs
from vaegui.gui.runs.run_table import COLUMN
from vaegui.gui.training.training_tab import TrainingTab
from vaegui.runs.library import NAME_FILE

WAIT_MS = 30_000


@pytest.fixture
def runs(tmp_path):
    """Three runs under runs/ (3, 100 and 20 epochs) and one opened from elsewhere, with a long name."""
    QSettings("vaegui", "vaegui").remove(REMEMBERED_KEY)  # the runs other tests opened
    root = tmp_path / "runs"
    folders = [run_folder_without_weights(root / f"digits-2026113{i}-110610", epochs_completed=epochs)
               for i, epochs in enumerate((3, 100, 20))]
    elsewhere = run_folder_without_weights(tmp_path / "elsewhere" / "fashion", epochs_completed=7)
    (elsewhere / NAME_FILE).write_text(json.dumps({"name": "A run with a rather long name of its own"}))
    remember_run(elsewhere)
    return root, [*folders, elsewhere]


def _library(qtbot, tab, button):
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = tab.run_library
    qtbot.waitUntil(lambda: not dialog.is_loading(), timeout=WAIT_MS)
    return dialog


def _column_texts(dialog, key):
    proxy = dialog.proxy
    return [proxy.index(row, COLUMN[key]).data() for row in range(proxy.rowCount())]


def _training_tab(qtbot, root):
    tab = TrainingTab(AppState())
    tab.runs_root = root
    qtbot.addWidget(tab, before_close_func=lambda tab: tab.shutdown())  # no timing left on the shared trainer
    tab.show()
    return tab


def _click_row(qtbot, dialog, row, modifier=Qt.KeyboardModifier.NoModifier):
    rect = dialog.view.visualRect(dialog.proxy.index(row, COLUMN["dataset"]))
    qtbot.mouseClick(dialog.view.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def test_the_library_lists_every_run_with_every_column_whole(qtbot, runs):
    root, folders = runs
    tab = _training_tab(qtbot, root)
    dialog = _library(qtbot, tab, tab.open_button)
    assert sorted(_column_texts(dialog, "folder")) == sorted(folder.name for folder in folders)
    assert "A run with a rather long name of its own" in _column_texts(dialog, "name")
    assert sorted(_column_texts(dialog, "epochs")) == ["100 of 10", "20 of 10", "3 of 10", "7 of 10"]
    assert all(len(text) == len("2026-11-30 11:06") for text in _column_texts(dialog, "date"))
    assert dialog.columns_fit()  # no date, name or figure cut off
    assert not dialog.view.horizontalScrollBar().isVisible()
    # Titles in plain words, the technical names in their tooltips ("5-NN", "In use", "KL weight β" were read as
    # jargon); the dataset by the name the Training tab's form gives it.
    header = dialog.proxy.headerData
    titles = [header(column, Qt.Orientation.Horizontal) for column in range(len(COLUMN))]
    assert not any(jargon in title for title in titles for jargon in ("NN", "KL", "z_dim", "Latent", "Epoch"))
    tip = Qt.ItemDataRole.ToolTipRole
    tips = " ".join(header(column, Qt.Orientation.Horizontal, tip) for column in range(len(COLUMN)))
    assert all(name in tips for name in ("5-NN", "KL weight", "z_dim", "epochs", "active units"))
    assert set(_column_texts(dialog, "dataset")) == {"Small digits"}
    assert dialog.open_button.text() == "Open"


def test_a_click_on_a_columns_title_sorts_by_its_values(qtbot, runs):
    root, _ = runs
    tab = _training_tab(qtbot, root)
    dialog = _library(qtbot, tab, tab.open_button)
    header = dialog.view.horizontalHeader()
    position = QPoint(header.sectionViewportPosition(COLUMN["epochs"]) + header.sectionSize(COLUMN["epochs"]) // 2,
                      header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=position)
    first = [int(text.split()[0]) for text in _column_texts(dialog, "epochs")]
    qtbot.wait(QApplication.doubleClickInterval() + 50)  # a second click, not a double-click
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=position)
    second = [int(text.split()[0]) for text in _column_texts(dialog, "epochs")]
    # As numbers, not as text ("100" < "20" < "3"), both ways.
    assert sorted([first, second]) == [[3, 7, 20, 100], [100, 20, 7, 3]]


def test_renaming_in_the_library_names_the_run_and_keeps_its_folder(qtbot, runs):
    root, folders = runs
    tab = _training_tab(qtbot, root)
    dialog = _library(qtbot, tab, tab.open_button)
    row = _column_texts(dialog, "folder").index(folders[1].name)
    _click_row(qtbot, dialog, row)
    qtbot.mouseClick(dialog.rename_button, Qt.MouseButton.LeftButton)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and editor.text() == folders[1].name
    editor.selectAll()
    qtbot.keyClicks(editor, "Long training, beta 1")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: (folders[1] / NAME_FILE).exists(), timeout=WAIT_MS)  # Qt commits the edit queued
    assert json.loads((folders[1] / NAME_FILE).read_text(encoding="utf-8")) == {"name": "Long training, beta 1"}
    assert folders[1].is_dir()
    assert "Long training, beta 1" in _column_texts(dialog, "name")
    assert dialog.columns_fit()
    # A name too long to keep is refused with the reason, and the run keeps its name.
    row = _column_texts(dialog, "folder").index(folders[1].name)
    _click_row(qtbot, dialog, row)
    qtbot.keyClick(dialog.view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    editor.setText("x" * 200)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "keep it to 120" in dialog.status.text(), timeout=WAIT_MS)
    assert json.loads((folders[1] / NAME_FILE).read_text(encoding="utf-8")) == {"name": "Long training, beta 1"}


def test_a_double_click_opens_the_run_in_the_training_tab_and_remembers_it(qtbot, runs):
    root, folders = runs
    tab = _training_tab(qtbot, root)
    dialog = _library(qtbot, tab, tab.open_button)
    row = _column_texts(dialog, "folder").index(folders[2].name)
    rect = dialog.view.visualRect(dialog.proxy.index(row, COLUMN["epochs"]))
    # A double-click is a press and a release, then a second press that Qt reports as the double-click.
    qtbot.mouseClick(dialog.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(dialog.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: tab.run is not None, timeout=WAIT_MS)
    assert tab.run.folder == folders[2] and tab.run.epochs_completed == 20
    assert remembered_runs()[0] == str(folders[2].absolute())


def test_two_runs_picked_in_the_explorers_library_are_compared(qtbot, runs):
    root, folders = runs
    state = AppState()
    state.runs_root = root
    tab = ExplorerTab(state)
    qtbot.addWidget(tab)
    tab.show()
    requested = []
    state.compare_requested.connect(lambda a, b: requested.append((a.folder, b.folder)))
    dialog = _library(qtbot, tab, tab.open_run_button)
    assert dialog.open_button.text() == "Explore"
    names = _column_texts(dialog, "folder")
    _click_row(qtbot, dialog, names.index(folders[0].name))
    assert not dialog.compare_button.isEnabled()
    _click_row(qtbot, dialog, names.index(folders[3].name), Qt.KeyboardModifier.ControlModifier)
    assert dialog.compare_button.isEnabled() and not dialog.open_button.isEnabled()
    qtbot.mouseClick(dialog.compare_button, Qt.MouseButton.LeftButton)
    assert len(requested) == 1 and set(requested[0]) == {folders[0], folders[3]}
