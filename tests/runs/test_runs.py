"""The run folder: atomic files, reopening, damaged or mismatched content explained."""

from __future__ import annotations

import json

import pytest

from tests.conftest import tiny_config
from vaegui.atomic_files import atomic_output_path, write_text_atomically
from vaegui.errors import RunFolderError
from vaegui.runs import Run, new_run_folder


def test_atomic_write_leaves_the_old_file_when_the_writer_fails(tmp_path):
    target = tmp_path / "history.csv"
    write_text_atomically(target, "old")
    with pytest.raises(RuntimeError):
        with atomic_output_path(target) as temp:
            temp.write_text("half of the new")
            raise RuntimeError("killed mid-write")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["history.csv"], "no temp file left behind"


def test_create_refuses_an_existing_run_and_open_explains_missing_folders(tmp_path):
    Run.create(tmp_path / "run", tiny_config())
    with pytest.raises(RunFolderError, match=r"already holds a run.*--resume"):
        Run.create(tmp_path / "run", tiny_config())
    with pytest.raises(RunFolderError, match=r"does not exist"):
        Run.open(tmp_path / "missing")
    (tmp_path / "plain").mkdir()
    with pytest.raises(RunFolderError, match=r"not a vaegui run folder \(it has no config.json\)"):
        Run.open(tmp_path / "plain")


def test_damaged_config_is_named(tmp_path):
    run = Run.create(tmp_path / "run", tiny_config())
    (run.folder / "config.json").write_text(json.dumps({"model": {"z_dim": "two"}}))
    with pytest.raises(RunFolderError, match=r"cannot be opened.*'model.z_dim' has the wrong type"):
        Run.open(run.folder)


def test_new_run_folder_names_are_unique(tmp_path):
    first = new_run_folder(tmp_path, "digits")
    first.mkdir()
    second = new_run_folder(tmp_path, "digits")
    assert first != second and second.name.startswith("digits-")
    assert new_run_folder(tmp_path, "/data/my images/").name.startswith("my_images-")


def compiled_model(run: Run, image_shape: tuple[int, int, int], *, mixed_precision: bool):
    """The model a session compiles: under mixed_float16 Keras wraps Adam in a LossScaleOptimizer."""
    import keras

    from vaegui.model import build_vae
    from vaegui.training.distribute import dtype_policy

    with dtype_policy("mixed_float16" if mixed_precision else "float32"):
        model = build_vae(run.config.model, image_shape)
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    model.optimizer.build(model.trainable_variables)
    return model


def adam_of(model):
    return getattr(model.optimizer, "inner_optimizer", model.optimizer)


def fill_with_distinct_values(optimizer) -> None:
    """Values no fresh optimizer has, so a restore is seen (a zero moment would pass unnoticed)."""
    import numpy as np

    for index, variable in enumerate(optimizer.variables):
        variable.assign(np.full(variable.shape, index + 7, dtype=variable.dtype))


def assert_optimizer_state_carried(source, target, *, saved_mixed: bool, loaded_mixed: bool) -> None:
    import numpy as np

    for restored, saved in zip(adam_of(target).variables[2:], adam_of(source).variables[2:], strict=True):
        np.testing.assert_array_equal(np.asarray(restored), np.asarray(saved))  # Adam's moments
    assert int(target.optimizer.iterations.numpy()) == int(source.optimizer.iterations.numpy())
    if saved_mixed and loaded_mixed:
        assert float(target.optimizer.dynamic_scale.numpy()) == float(source.optimizer.dynamic_scale.numpy())


BOTH_WAYS = [
    pytest.param(saved, loaded, id=f"{'mixed' if saved else 'float32'}-to-{'mixed' if loaded else 'float32'}")
    for saved in (True, False)
    for loaded in (True, False)
]


@pytest.mark.parametrize(("saved_mixed", "loaded_mixed"), BOTH_WAYS)
def test_optimizer_state_moves_between_mixed_precision_and_float32(tmp_path, digits, saved_mixed, loaded_mixed):
    run = Run.create(tmp_path / "run", tiny_config())
    run.image_shape = digits.image_shape
    source = compiled_model(run, digits.image_shape, mixed_precision=saved_mixed)
    fill_with_distinct_values(source.optimizer)
    run.save_checkpoint(source, {"epoch": 1, "loss": 1.0}, [])

    target = compiled_model(run, digits.image_shape, mixed_precision=loaded_mixed)
    assert run.load_optimizer_state(target)
    assert_optimizer_state_carried(source, target, saved_mixed=saved_mixed, loaded_mixed=loaded_mixed)


@pytest.mark.parametrize(("saved_mixed", "loaded_mixed"), BOTH_WAYS)
def test_positional_optimizer_state_of_older_run_folders_still_loads(tmp_path, digits, saved_mixed, loaded_mixed):
    import numpy as np

    run = Run.create(tmp_path / "run", tiny_config())
    source = compiled_model(run, digits.image_shape, mixed_precision=saved_mixed)
    fill_with_distinct_values(source.optimizer)
    # The layout vaegui wrote before: every variable Keras lists, wrapper's first, keyed v0..vN.
    run.checkpoint = "checkpoints/epoch-00001"
    (run.folder / "checkpoints").mkdir()
    arrays = {f"v{i}": np.asarray(v) for i, v in enumerate(source.optimizer.variables)}
    np.savez(run.folder / "checkpoints" / "epoch-00001.optimizer.npz", **arrays)

    target = compiled_model(run, digits.image_shape, mixed_precision=loaded_mixed)
    assert run.load_optimizer_state(target)
    assert_optimizer_state_carried(source, target, saved_mixed=saved_mixed, loaded_mixed=loaded_mixed)


def test_optimizer_state_of_a_different_model_is_still_refused(tmp_path, digits):
    run = Run.create(tmp_path / "run", tiny_config())
    run.image_shape = digits.image_shape
    model = compiled_model(run, digits.image_shape, mixed_precision=True)
    run.save_checkpoint(model, {"epoch": 1, "loss": 1.0}, [])
    run.config.model.z_dim = 3  # Adam has as many variables, but the latent layers' shapes differ
    for mixed_precision in (True, False):
        other = compiled_model(run, digits.image_shape, mixed_precision=mixed_precision)
        with pytest.raises(RunFolderError, match=r"optimizer state .* does not match this model.*delete that file"):
            run.load_optimizer_state(other)


def test_checkpoints_after_the_first_build_no_throwaway_keras_objects(tmp_path, monkeypatch):
    # Keras 3 misses its own cache when it saves weights and rebuilds dummy layers, metrics and optimizers
    # each time (memory never freed): a long run's memory grew ~70 KiB an epoch until the run folder mended it.
    import threading

    import keras
    from keras.src.layers.layer import Layer

    run = Run.create(tmp_path / "run", tiny_config())
    model = run.build_model((8, 8, 1))
    model.compile(optimizer=keras.optimizers.Adam())
    model.optimizer.build(model.trainable_variables)
    made, counting = [], threading.Event()
    original_init = Layer.__init__

    def counting_init(self, *args, **kwargs):
        if counting.is_set():
            made.append(type(self).__name__)
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(Layer, "__init__", counting_init)

    def checkpoints() -> None:  # in a thread of its own, as the training worker saves
        for epoch in (1, 2, 3):
            if epoch == 2:
                counting.set()
            run.save_checkpoint(model, {"epoch": epoch, "loss": 1.0}, [])

    thread = threading.Thread(target=checkpoints)
    thread.start()
    thread.join()
    assert Run.open(run.folder).epochs_completed == 3
    assert made == []


def test_a_subset_is_kept_in_config_json_and_reopens_the_same_images(tmp_path):
    import numpy as np

    from vaegui.runs import load_run_dataset

    config = tiny_config()
    config.data.subset = 300
    run = Run.create(tmp_path / "run", config)
    assert json.loads((run.folder / "config.json").read_text())["data"]["subset"] == 300
    reopened = Run.open(run.folder)
    first, again = load_run_dataset(config), load_run_dataset(reopened.config)
    assert len(first.train) + len(first.test) == 300
    np.testing.assert_array_equal(first.train.images, again.train.images)
    np.testing.assert_array_equal(first.test.images, again.test.images)
