"""The Training form says the size the pictures are trained at, and sets how many pictures an epoch trains on."""

from __future__ import annotations

from PIL import Image

from vaegui.data.image_folder import DEFAULT_FOLDER_IMAGE_SIZE
from vaegui.gui.training.settings_form import SettingsForm


def test_native_says_the_size_it_trains_at(qtbot, tmp_path):
    form = SettingsForm("digits")
    qtbot.addWidget(form)
    assert form.image_size_box.text() == "native (8 px)"
    form.set_dataset("fashion_mnist")
    assert form.image_size_box.text() == "native (28 px)"
    # A folder of 96×96 pictures trained at the folders' default 64 px said "native" before.
    for index in range(3):
        Image.new("RGB", (96, 96), (index * 40, 0, 0)).save(tmp_path / f"{index}.png")
    form.set_dataset(str(tmp_path))
    assert form.image_size_box.text() == f"{DEFAULT_FOLDER_IMAGE_SIZE} px (folder default)"
    assert "96×96" in form.size_note.text() and f"{DEFAULT_FOLDER_IMAGE_SIZE}×{DEFAULT_FOLDER_IMAGE_SIZE}" in \
        form.size_note.text() and form.size_note.isVisibleTo(form)
    form.image_size_box.setValue(96)
    assert form.config().data.image_size == 96 and not form.size_note.isVisibleTo(form)


def test_pictures_per_epoch_is_a_setting_of_the_form(qtbot):
    form = SettingsForm("digits")
    qtbot.addWidget(form)
    assert form.config().training.images_per_epoch is None and form.images_per_epoch_box.text() == "all"
    form.images_per_epoch_box.setValue(500)
    assert form.config().training.images_per_epoch == 500
    config = form.config()
    config.training.images_per_epoch = 1000
    form.set_config(config)
    assert form.images_per_epoch_box.value() == 1000 and form.config().training.images_per_epoch == 1000


def test_a_subset_larger_than_the_dataset_reads_all(qtbot):
    form = SettingsForm("fashion_mnist")
    qtbot.addWidget(form)
    assert form.subset_box.text() == "6,000"
    form.set_dataset("digits")  # 1,797 pictures: "6,000" of them said what was not so
    assert form.subset_box.text() == "all" and form.config().data.subset is None
