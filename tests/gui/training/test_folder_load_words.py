"""Training on a folder says what the load does, in words with counts, where a striped bar stood alone."""

from __future__ import annotations

from PIL import Image
from PySide6.QtCore import Qt

from vaegui.app.training_model import IDLE

WAIT_MS = 120_000


def test_training_on_a_folder_says_how_many_pictures_are_checked(tab, qtbot, tmp_path):
    folder = tmp_path / "pictures"
    for label in range(2):
        (folder / f"c{label}").mkdir(parents=True)
        for index in range(150):
            Image.new("L", (10, 10), index).save(folder / f"c{label}" / f"{index}.png")
    said = []
    # What the trainer says while it loads, as the Training model holds it for the progress bar.
    tab.model.progress_changed.connect(lambda: said.append(tab.model.status))
    tab.form.set_dataset(str(folder))
    tab.form.image_size_box.setValue(8)
    tab.form.epochs_box.setValue(1)
    qtbot.mouseClick(tab.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.mode == IDLE and not tab.is_training(), timeout=WAIT_MS)
    assert not tab.error_label.isVisible(), tab.error_label.text()
    assert "Checking the pictures: 300 of 300 files" in said, said
    assert any(text.startswith("Listing the pictures in pictures") for text in said)
