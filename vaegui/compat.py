"""Every workaround for a library bug: what it mends, the upstream report, the versions tested, when it can go.

Tested with Keras 3.15.1, TensorFlow 2.21.0, h5py 3.14.0, pyqtgraph 0.14.0 and PySide6 6.11.3. pyproject.toml
caps TensorFlow and Keras at the newest versions tested, so each Keras-internal workaround here meets a
version it was tried on; raising a cap means re-running tests/test_compat.py and re-reading each "Can go".
The core imports this module, so Qt is only imported inside the function that needs it.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

# ---- (a) Keras: the saving skip-set cache is stored under one name and looked up under another -------------
#
# Bug: keras/src/saving/saving_lib.py `get_attr_skipset` reads `saving_attr_skiplist_<kind>` from the global
# state but stores `saving_attr_skipset_<kind>`, so it never finds its own cache: every save_weights() builds
# ~170 throwaway layers, metrics and optimizers to recompute the sets: time at every checkpoint, and memory
# never freed that grows with the epochs (docs/performance.md, Keras' skip-set). No upstream issue found
# (GitHub issues searched for get_attr_skipset / saving_attr_skiplist / saving_attr_skipset); the lines:
# https://github.com/keras-team/keras/blob/v3.15.1/keras/src/saving/saving_lib.py (get_attr_skipset).
# Tested: Keras 3.15.1. Older Keras 3 releases accept only Layer, Functional, Sequential, Metric, Optimizer
# and Loss (asking for "Operation" raises ValueError; "Operation" arrived with keras-team/keras#21532): each
# kind that fails is skipped, and the mend turns itself off rather than ever failing a checkpoint.
# Can go: when get_attr_skipset stores under the name it reads (tests/test_compat.py says so by failing).

# The object kinds a VAE's weights file walks through (the `obj_type` values get_attr_skipset accepts).
KERAS_SAVED_KINDS = ("Operation", "Layer", "Functional", "Metric", "Optimizer", "Loss")


@dataclass
class KerasSavingCacheMend:
    """The mend's state: the kinds still mended, and whether it is on at all (off for good after a surprise)."""

    kinds: list[str] = field(default_factory=lambda: list(KERAS_SAVED_KINDS))
    enabled: bool = True

    def apply(self) -> None:
        """Store each kind's skip-set where Keras looks it up. Never raises: a checkpoint must not fail for it.

        Keras keeps its global state per thread, so this runs in the thread that saves; it does nothing
        once Keras finds its own entries.
        """
        if not self.enabled:
            return
        try:
            from keras.src.backend.common import global_state
            from keras.src.saving.saving_lib import get_attr_skipset
        except Exception as error:  # another Keras layout (ImportError), or one that fails to import
            self._turn_off(f"Keras' saving internals are not where they were ({error!r})")
            return
        for kind in list(self.kinds):
            looked_up = f"saving_attr_skiplist_{kind}"
            try:
                if global_state.get_global_attribute(looked_up) is None:
                    global_state.set_global_attribute(looked_up, get_attr_skipset(kind))
            except Exception as error:  # e.g. ValueError: this Keras does not know the kind
                self.kinds.remove(kind)
                logger.debug("Not mending Keras' skip-set cache for %s: %r", kind, error)
        if not self.kinds:
            self._turn_off("no object kind could be mended")

    def _turn_off(self, why: str) -> None:
        self.enabled = False
        logger.debug("The Keras saving-cache mend is off: %s", why)


keras_saving_cache_mend = KerasSavingCacheMend()


def mend_keras_saving_cache() -> None:
    """Call in the saving thread just before `model.save_weights` (see KerasSavingCacheMend.apply)."""
    keras_saving_cache_mend.apply()


# ---- (b) h5py: a failed write raises once to the caller, then again from every object it frees --------------
#
# Bug: when HDF5 fails to write (disk full), h5py raises to the caller and then prints "Exception ignored in
# ObjectID.__dealloc__" tracebacks from each object freed afterwards, which bury the real message; and HDF5
# reports the operating system's errno only inside its text ("errno = 28"), often as a RuntimeError.
# Upstream: https://github.com/h5py/h5py/issues/1120 (open: "Can't decrement id ref count", HDF5 does not
# expose the errno) and https://github.com/h5py/h5py/issues/914. Tested: h5py 3.14.0 (HDF5 1.14).
# Can go: when h5py stops echoing errors from __dealloc__ and raises OSError with its errno set.

_ERRNO_IN_TEXT = re.compile(r"errno = (\d+)")


def os_error_code(error: BaseException) -> int | None:
    """The operating system's error number behind `error`: its errno, or the 'errno = N' HDF5 writes in its
    text; None when there is none (then it is not an operating-system error, whatever its type)."""
    code = getattr(error, "errno", None)
    if isinstance(code, int) and code:
        return code
    found = _ERRNO_IN_TEXT.search(str(error))
    return (int(found[1]) or None) if found else None


@contextlib.contextmanager
def h5py_teardown_errors_silenced() -> Iterator[None]:
    """Keep h5py's teardown tracebacks off the user's terminal, and raise an operating-system failure inside
    as a plain OSError (errno set). Any other error (a RuntimeError without an errno) propagates as it is."""
    previous_unraisable, previous_except = sys.unraisablehook, sys.excepthook

    def from_h5py(text: object, traceback) -> bool:
        while traceback is not None:
            if "h5py" in traceback.tb_frame.f_code.co_filename:
                return True
            traceback = traceback.tb_next
        return "h5py" in repr(text)

    def unraisable_hook(unraisable) -> None:
        if not from_h5py(unraisable.object, unraisable.exc_traceback):
            previous_unraisable(unraisable)

    def except_hook(kind, value, traceback) -> None:
        # Cython's __dealloc__ prints through PyErr_Print, which calls sys.excepthook.
        if not from_h5py(value, traceback):
            previous_except(kind, value, traceback)

    sys.unraisablehook, sys.excepthook = unraisable_hook, except_hook
    failure = None
    try:
        yield
    except (OSError, RuntimeError) as error:
        code = os_error_code(error)
        if code is None:
            raise
        failure = OSError(code, os.strerror(code))
    finally:
        if failure is not None:
            gc.collect()  # the failed save's objects (freed with its traceback) go while the hooks still listen
        sys.unraisablehook, sys.excepthook = previous_unraisable, previous_except
    if failure is not None:
        raise failure


# ---- (c) Keras under MultiWorkerMirroredStrategy: scalar step logs cannot be reduced ------------------------
#
# Bug: Keras 3's TensorFlow trainer reduces each log with `strategy.reduce("MEAN", v, axis=0)`, which fails on
# the scalars a train_step returns ("Invalid reduction dimension 0 for input with 0 dimensions").
# Upstream: https://github.com/tensorflow/tensorflow/issues/72388 (closed there as a Keras 3 matter; no
# Keras issue found). Tested: Keras 3.15.1, TensorFlow 2.21.0 (tests/training/distributed_check.py).
# Can go: when `vaegui train --strategy multiworker` trains two workers without it.


def adapt_step_outputs_for_multiworker(model) -> None:
    """Give each of the step's logs a length-1 axis, so Keras' reduction becomes the plain mean across workers."""
    import tensorflow as tf

    def with_batch_axis(step: Callable[[Any], dict[str, Any]]) -> Callable[[Any], dict[str, Any]]:
        def wrapped(data):
            return {name: tf.reshape(value, (1,)) for name, value in step(data).items()}

        return wrapped

    # Instance attributes: make_train_function / make_test_function look the steps up on the model.
    model.train_step = with_batch_axis(type(model).train_step.__get__(model))
    model.test_step = with_batch_axis(type(model).test_step.__get__(model))


# ---- (d) pyqtgraph: SVGExporter fails on the closed paths Qt 6 writes ----------------------------------------
#
# Bug: pyqtgraph's SVGExporter.correctCoordinates splits path data on ',' and fails on the 'Z' that closes a
# path ("ValueError: not enough values to unpack"). Upstream: https://github.com/pyqtgraph/pyqtgraph/issues/3495
# (fixed by https://github.com/pyqtgraph/pyqtgraph/pull/3458, after 0.14.0). Tested: pyqtgraph 0.14.0 with
# PySide6 6.11.3. Instead, Qt's own QSvgGenerator paints the view: still vectors, the same look as on screen.
# Can go: with a pyqtgraph release that has that fix, for pyqtgraph.exporters.SVGExporter.


def write_svg(path: str | Path, width: int, height: int, title: str, paint: Callable[[Any], None]) -> None:
    """Write an SVG of `width` × `height` whose content `paint(painter)` draws with a QPainter."""
    from PySide6.QtCore import QRectF, QSize
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(QSize(width, height))
    generator.setViewBox(QRectF(0, 0, width, height))
    generator.setTitle(title)
    painter = QPainter(generator)
    try:
        paint(painter)
    finally:
        painter.end()


# ---- (e) CPython and PySide6: a garbage collection on a worker thread can freeze the window for good ----------
#
# Bug: CPython collects reference cycles on whichever thread passes its allocation threshold. A Qt object in such
# a cycle is then destroyed on that worker thread: ~QObject takes Qt's signal lock and, asking for a Python override,
# waits for Python's lock, while the GUI thread holds Python's lock and waits for Qt's signal lock
# (QMetaObject::disconnect): neither moves again. Seen in a real-screen walk (py-spy, native stacks): an Explorer
# preview job reading a run's codes on one side, the Compare tab laying out its maps on the other. Upstream: the
# collector running on any thread, https://github.com/napari/napari/issues/1029 (open). The cure pyqtgraph ships
# (pyqtgraph.util.garbage_collector.GarbageCollector): no automatic collection, a collection checked once a second
# on a timer of the GUI thread. Tested: Python 3.11.7, PySide6 6.11.3, pyqtgraph 0.14.0.
# Can go: when PySide destroys a Qt object collected on another thread without calling Python under Qt's lock.


def collect_garbage_on_the_gui_thread():
    """From now on, Python's cycle collector runs only on the calling (GUI) thread's timer; keep what this returns
    for as long as the application runs (its timer stops with it)."""
    from pyqtgraph.util.garbage_collector import GarbageCollector

    return GarbageCollector(interval=1.0)


# ---- (f) superqt: each worker swaps Python's process-wide warning hook in and out, from its own thread --------
#
# Bug: superqt's WorkerBase.run wraps every job in warnings.catch_warnings() and points warnings.showwarning at
# that worker's `warned` signal. catch_warnings saves and restores process-wide state and is not thread-safe
# (Python's documentation says so): two jobs that overlap (A starts, B starts, A ends, B ends) leave A's hook in
# place for good, so every later warning in the app, on any thread, goes to A's deleted signals object and raises
# "Signal source has been deleted" in the code that warned (seen at the end of a test run; in the app a numpy or
# scikit-learn warning would have failed its job). vaegui's jobs run the worker's body as WorkerBase.run does,
# its signals in the same order, without the hook: a job's warnings are printed like any other. Tested: superqt
# 0.9.0 (WorkerBase.run as it has been since 0.2.5), Python 3.11.7; no upstream report found.
# Can go: when WorkerBase.run no longer uses catch_warnings, or on Python 3.14's context-aware warnings
# (sys.flags.context_aware_warnings), which make catch_warnings thread-local.


def run_worker_without_warning_hook(worker) -> None:
    """What superqt's WorkerBase.run does for `worker` (a WorkerBase), without warnings.catch_warnings (above)."""
    worker.started.emit()
    worker._running = True
    try:
        result = worker.work()
        if not worker.abort_requested:
            worker.returned.emit(result)
    except Exception as caught:
        worker.errored.emit(caught)
    worker._running = False
    worker.finished.emit()
    worker._finished.emit(worker)
