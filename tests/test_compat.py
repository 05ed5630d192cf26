"""Library workarounds fail safe: other Keras versions never fail a checkpoint, only OS errors read as disk trouble."""

from __future__ import annotations

import errno
import sys

import pytest

from tests.conftest import tiny_config
from vaegui import compat
from vaegui.errors import TrainingError
from vaegui.runs import Run

H5PY_FULL_DISK = (
    "Can't synchronously write data (file write failed: time = Thu Jun  8 16:46:45 2026\n, filename = 'x.h5', "
    "file descriptor = 9, errno = 28, error message = 'No space left on device', buf = 0x1, total write size = 8192)"
)


@pytest.fixture
def fresh_mend(monkeypatch):
    """A mend that has not yet met this Keras, and Keras' per-thread cache emptied, as in a new process."""
    from keras.src.backend.common import global_state

    for kind in compat.KERAS_SAVED_KINDS:
        for name in (f"saving_attr_skiplist_{kind}", f"saving_attr_skipset_{kind}"):
            global_state.set_global_attribute(name, None)
    mend = compat.KerasSavingCacheMend()
    monkeypatch.setattr(compat, "keras_saving_cache_mend", mend)
    return mend


@pytest.fixture
def compiled_run(tmp_path):
    import keras

    run = Run.create(tmp_path / "run", tiny_config())
    model = run.build_model((8, 8, 1))
    model.compile(optimizer=keras.optimizers.Adam())
    model.optimizer.build(model.trainable_variables)
    return run, model


def epoch_record(epoch: int, loss: float) -> dict[str, float]:
    """An epoch's row as training writes it: every loss term (a row without them reads as cut short)."""
    return {"epoch": epoch, "loss": loss, "reconstruction_loss": 0.9 * loss, "kl_loss": 0.1 * loss}


def assert_reopens_with_weights_of(run: Run, epoch: int) -> None:
    reopened = Run.open(run.folder)
    assert reopened.epochs_completed == epoch
    assert [row["epoch"] for row in reopened.history] == list(range(1, epoch + 1))
    reopened.load_model((8, 8, 1))  # the weights file reads back into a model


def test_keras_still_caches_the_skip_set_under_another_name_so_the_mend_is_needed(fresh_mend):
    # When this fails, Keras stores its cache where it looks it up: KerasSavingCacheMend can go.
    from keras.src.backend.common import global_state
    from keras.src.saving.saving_lib import get_attr_skipset

    get_attr_skipset("Layer")
    assert global_state.get_global_attribute("saving_attr_skipset_Layer") is not None
    assert global_state.get_global_attribute("saving_attr_skiplist_Layer") is None


@pytest.mark.parametrize(
    "failure",
    [
        # Keras 3 before keras-team/keras#21532 accepted only Layer, Functional, Sequential, Metric, Optimizer, Loss.
        ValueError(
            "get_attr_skipset got invalid obj_type='Operation'. Accepted values for `obj_type` are "
            "['Layer', 'Functional', 'Sequential', 'Metric', 'Optimizer', 'Loss', 'Cross', 'Feature']"
        ),
        ImportError("cannot import name 'Operation' from 'keras.src.ops.operation'"),
        AttributeError("module 'keras.src.ops' has no attribute 'operation'"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_a_kind_other_keras_versions_refuse_is_skipped_and_the_checkpoint_saves(
    fresh_mend, compiled_run, monkeypatch, failure
):
    from keras.src.backend.common import global_state
    from keras.src.saving import saving_lib

    real = saving_lib.get_attr_skipset

    def as_another_keras(obj_type):
        # Keras' own saving of a VAE never asks for these two kinds, only the mend does.
        if obj_type in ("Operation", "Loss"):
            raise failure
        return real(obj_type)

    monkeypatch.setattr(saving_lib, "get_attr_skipset", as_another_keras)
    run, model = compiled_run
    run.save_checkpoint(model, epoch_record(1, 1.0), [])
    run.save_checkpoint(model, epoch_record(2, 0.9), [])

    assert_reopens_with_weights_of(run, 2)
    assert fresh_mend.enabled
    assert fresh_mend.kinds == ["Layer", "Functional", "Metric", "Optimizer"]
    assert global_state.get_global_attribute("saving_attr_skiplist_Layer") is not None, "the other kinds are mended"


def test_a_keras_without_these_internals_turns_the_mend_off_and_the_checkpoint_saves(
    fresh_mend, compiled_run, monkeypatch
):
    monkeypatch.setitem(sys.modules, "keras.src.saving.saving_lib", None)  # importing it now fails
    run, model = compiled_run
    run.save_checkpoint(model, epoch_record(1, 1.0), [])
    assert_reopens_with_weights_of(run, 1)
    assert not fresh_mend.enabled


def test_the_mend_turns_off_when_no_kind_can_be_mended(fresh_mend, compiled_run, monkeypatch):
    from keras.src.backend.common import global_state

    def unreadable(name, default=None):
        raise RuntimeError("global state moved")

    run, model = compiled_run
    # Only while the mend runs: Keras' own saving reads its global state too.
    original_apply = fresh_mend.apply

    def apply_with_unreadable_state():
        with monkeypatch.context() as patch:
            patch.setattr(global_state, "get_global_attribute", unreadable)
            original_apply()

    monkeypatch.setattr(fresh_mend, "apply", apply_with_unreadable_state)
    run.save_checkpoint(model, epoch_record(1, 1.0), [])
    assert_reopens_with_weights_of(run, 1)
    assert not fresh_mend.enabled and fresh_mend.kinds == []


def test_an_errno_in_h5py_text_becomes_an_os_error():
    hooks = sys.unraisablehook, sys.excepthook
    with pytest.raises(OSError) as raised:
        with compat.h5py_teardown_errors_silenced():
            raise RuntimeError(H5PY_FULL_DISK)
    assert raised.value.errno == errno.ENOSPC
    assert raised.value.strerror == "No space left on device"
    assert (sys.unraisablehook, sys.excepthook) == hooks, "the hooks are put back"


@pytest.mark.parametrize(
    "error",
    [RuntimeError("Can't decrement id ref count (unknown error)"), OSError("Unable to open object (not found)")],
    ids=["RuntimeError", "OSError-without-errno"],
)
def test_an_error_without_an_errno_propagates_as_it_is(error):
    hooks = sys.unraisablehook, sys.excepthook
    with pytest.raises(type(error)) as raised:
        with compat.h5py_teardown_errors_silenced():
            raise error
    assert raised.value is error
    assert (sys.unraisablehook, sys.excepthook) == hooks


def test_a_checkpoint_failing_with_an_os_error_in_h5py_text_says_free_disk_space(compiled_run, monkeypatch):
    run, model = compiled_run
    run.save_checkpoint(model, epoch_record(1, 1.0), [])

    def full_disk(path):
        raise RuntimeError(H5PY_FULL_DISK)

    monkeypatch.setattr(model, "save_weights", full_disk)
    with pytest.raises(TrainingError) as raised:
        run.save_checkpoint(model, epoch_record(2, 0.9), [])
    assert str(raised.value) == (
        f"Could not save epoch 2 into {run.folder} (No space left on device). The run is intact up to epoch 1. "
        "Free some disk space or choose a writable folder, then continue training."
    )
    assert run.epochs_completed == 1
    assert_reopens_with_weights_of(run, 1)


def test_a_checkpoint_failing_for_another_reason_is_not_called_a_disk_problem(compiled_run, monkeypatch):
    run, model = compiled_run
    run.save_checkpoint(model, epoch_record(1, 1.0), [])

    def keras_bug(path):
        raise RuntimeError("Unable to synchronously create dataset (name already exists)")

    monkeypatch.setattr(model, "save_weights", keras_bug)
    with pytest.raises(RuntimeError, match=r"^Unable to synchronously create dataset \(name already exists\)$"):
        run.save_checkpoint(model, epoch_record(2, 0.9), [])
    assert (run.epochs_completed, run.checkpoint) == (1, "checkpoints/epoch-00001")
    assert_reopens_with_weights_of(run, 1)


def test_after_the_app_starts_garbage_is_collected_on_the_gui_thread_only(qtbot):
    """A collection on a worker thread destroyed Qt objects there and froze the window (compat, (e))."""
    import gc
    import threading

    collections = []

    def heard(phase, info):
        if phase == "start":
            collections.append(threading.current_thread() is threading.main_thread())

    gc.callbacks.append(heard)
    collector = compat.collect_garbage_on_the_gui_thread()
    try:
        def allocate():  # far past the collector's threshold (700 new containers)
            cycles = []
            for _ in range(50_000):
                cycle = []
                cycle.append(cycle)
                cycles.append(cycle)

        collections.clear()  # (making the collector's timer may have collected, on this thread)
        worker = threading.Thread(target=allocate)
        worker.start()
        worker.join()
        assert collections == []  # nothing collected on the worker, nor here while it ran
        qtbot.waitUntil(lambda: bool(collections), timeout=5_000)  # the GUI thread's timer collects
        assert all(collections)
    finally:
        collector.timer.stop()
        gc.callbacks.remove(heard)
        gc.enable()


def test_jobs_that_overlap_leave_python_s_warnings_as_they_found_them(qtbot):
    """superqt's worker swaps Python's warning hook in and out around each job (warnings.catch_warnings, which is
    not thread-safe): two jobs that overlap (A starts, B starts, A ends, B ends) left A's hook in place for good,
    so every later warning in the app went to a deleted job, and raised "Signal source has been deleted" in
    whatever code warned (seen at the end of a test run)."""
    import gc
    import threading
    import warnings

    from vaegui.gui.common.job_runner import QtJobRunner

    runner = QtJobRunner()
    hook, filters = warnings.showwarning, list(warnings.filters)
    a_running, b_running, release_a, release_b = (threading.Event() for _ in range(4))
    done = []

    def work(running: threading.Event, release: threading.Event):
        def run(report, cancel):
            running.set()
            release.wait(10)
        return run

    for name, running, release in (("a", a_running, release_a), ("b", b_running, release_b)):
        runner.submit(work(running, release), lane=runner.new_lane(name), on_done=lambda _, n=name: done.append(n),
                      on_failed=lambda message: done.append(message), on_cancelled=lambda: None)
        assert running.wait(10)
    release_a.set()
    qtbot.waitUntil(lambda: done == ["a"])
    release_b.set()
    qtbot.waitUntil(lambda: done == ["a", "b"])
    qtbot.wait(100)  # the workers let go on the GUI thread
    gc.collect()
    assert warnings.showwarning is hook and warnings.filters == filters
    with warnings.catch_warnings(record=True) as caught:
        warnings.warn("heard", UserWarning, stacklevel=1)
    assert [str(w.message) for w in caught] == ["heard"]
    runner.shutdown()
