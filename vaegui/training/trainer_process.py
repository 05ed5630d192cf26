"""The trainer process the window starts: TensorFlow loaded ahead of time, then the jobs it is sent, trained by the
same TrainingSession `vaegui train` runs, reported on its progress stream (vaegui.training.stream).

Started as ``python -m vaegui.trainer``, which lowers the whole process's priority before anything else
runs (every thread numpy and TensorFlow start inherits it): the window's frames come first.
Ending the control channel (stdin) stops the job under way at its next batch, keeping its last
completed epoch, and ends the process; after ``detach`` the job goes on with nobody reading.
"""

from __future__ import annotations

import os
import queue
import socket
import sys
import threading
import traceback
from dataclasses import asdict
from pathlib import Path
from typing import Any

from vaegui.errors import VaeguiError, failure_message
from vaegui.training.control import TrainingControl
from vaegui.training.stream import HEARTBEAT_SECONDS, StreamError, StreamListener, StreamWriter, decode_command


def window_command() -> str:
    """What the run folder's lock record says trains it (another window's message names it plainly)."""
    return f"vaegui window (process {os.getppid()})"


class StreamedControl(TrainingControl):
    """The job's pause and stop, set by the control channel; says on the stream when the loop waits and goes on,
    and after which batch each request came (so "within one batch" can be checked from outside)."""

    def __init__(self, writer: StreamWriter):
        super().__init__()
        self.writer = writer
        self.listener: StreamListener | None = None
        self.pause_asked_at = self.stop_asked_at = 0  # batches trained (of the whole job) when it was asked

    def pause(self) -> None:
        self.pause_asked_at = self.batches_done()
        super().pause()

    def stop(self) -> None:
        self.stop_asked_at = self.batches_done()
        super().stop()

    def batches_done(self) -> int:
        return 0 if self.listener is None else self.listener.batches_done

    def wait_while_paused(self) -> float:
        if not self.paused:
            return 0.0
        latest = self.listener.latest if self.listener is not None else None
        if self.listener is not None:
            self.listener.flush()  # every batch trained before the pause is on the curves
        self.writer.write("paused", epoch=latest.epoch if latest else 0, batch=latest.batch if latest else 0,
                          batches_done=self.batches_done(), asked_at=self.pause_asked_at)
        waited = super().wait_while_paused()
        self.writer.write("resumed")
        return waited


class _StopCancels:
    """The job's stop, as the cancel token a dataset load checks: Stop during a long folder scan ends it."""

    def __init__(self, control: TrainingControl):
        self.control = control

    @property
    def cancelled(self) -> bool:
        return self.control.stop_requested

    def raise_if_cancelled(self) -> None:
        from vaegui.cancel import Cancelled

        if self.control.stop_requested:
            raise Cancelled()


class Trainer:
    """Reads commands on one thread, beats on another, trains on the main one."""

    def __init__(self, commands, writer: StreamWriter):
        self.commands, self.writer = commands, writer
        self.jobs: queue.Queue[tuple[dict, StreamedControl] | None] = queue.Queue()
        self.control: StreamedControl | None = None  # the latest job's
        self.detached = threading.Event()
        self.ended = threading.Event()

    def start_threads(self) -> None:
        threading.Thread(target=self._read_commands, name="vaegui-trainer-control", daemon=True).start()
        threading.Thread(target=self._beat, name="vaegui-trainer-heartbeat", daemon=True).start()

    def _beat(self) -> None:
        while not self.ended.wait(HEARTBEAT_SECONDS):
            self.writer.write("heartbeat")

    def _read_commands(self) -> None:
        for line in self.commands:
            try:
                name, fields = decode_command(line)
            except StreamError as error:
                print(f"vaegui trainer: ignored a control line: {error}", file=sys.stderr, flush=True)
                continue
            if name == "train":
                self.control = StreamedControl(self.writer)
                self.jobs.put((fields["job"], self.control))
            elif name in ("pause", "resume", "stop") and self.control is not None:
                getattr(self.control, name)()
            elif name == "detach":
                self.detached.set()
                self.writer.detach()
                sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (for the process's life): nobody reads it now
            elif name == "quit":
                break
        # The window has gone (or said quit): a training it did not ask to keep stops at its next batch.
        if not self.detached.is_set() and self.control is not None:
            self.control.stop()
        self.jobs.put(None)

    def serve(self) -> int:
        from vaegui.tensorflow_start import start_tensorflow

        try:
            device = start_tensorflow()
        except Exception as error:  # noqa: BLE001 (any import failure is said to the window, then the process ends)
            traceback.print_exc()
            self.writer.write("failed", reason="tensorflow", message=f"{type(error).__name__}: {error}")
            return 1
        import gc

        # TensorFlow and Keras leave ~370,000 objects alive for good: frozen, later collections skip them.
        gc.freeze()
        self.writer.write("ready", pid=os.getpid(), host=socket.gethostname(), device=device)
        while (item := self.jobs.get()) is not None:
            run_job(*item, self.writer)
            if self.detached.is_set():
                break
            _forget_models()
        self.ended.set()
        return 0


def run_job(job: dict[str, Any], control: StreamedControl, writer: StreamWriter) -> None:
    """One job, its ending always said on the stream: stopped, finished or failed."""
    trained: dict[str, Any] = {"folder": "", "epochs_completed": 0}
    listener = StreamListener(writer)
    control.listener = listener
    from vaegui.cancel import Cancelled

    if job.get("kind") == "time_default_batches":
        _time_default_batches(job, writer)
        return
    try:
        if job.get("kind") == "experiment":
            ending = _experiment(job, control, writer)
        else:
            ending = _training(job, control, writer, listener, trained)
        writer.write(ending.pop("name"), **ending)
    except Cancelled:  # stopped while its data loaded: nothing was trained
        writer.write("stopped", runs=[], **trained)
    except Exception as error:  # noqa: BLE001 (every failure reaches the window as a message)
        writer.write("failed", **_failure(error, trained, continued=job.get("kind") == "continue"))


def _time_default_batches(job: dict[str, Any], writer: StreamWriter) -> None:
    """A few batches of the default model, timed for the welcome's estimate (not a training: no ending follows)."""
    from vaegui.training.first_run import time_default_batches

    try:
        pace = time_default_batches(str(job["dataset"]), int(job["batch_size"])).to_dict()
    except Exception:  # noqa: BLE001 (no estimate then; a training says what is wrong)
        traceback.print_exc()
        pace = None
    writer.write("timed", pace=pace)


def _failure(error: Exception, trained: dict[str, Any], *, continued: bool) -> dict[str, Any]:
    from vaegui.runs import RunFolderInUseError
    from vaegui.runs.dataset_location import DatasetMissingError

    fields: dict[str, Any] = {"reason": "error", "message": failure_message(error, "Training failed unexpectedly"),
                              **trained}
    if isinstance(error, RunFolderInUseError):
        fields.update(reason="in_use", holder=None if error.holder is None else asdict(error.holder))
    elif isinstance(error, DatasetMissingError) and continued:  # the run's images moved: the window asks where
        fields.update(reason="dataset_missing", problem=str(error))
    elif not isinstance(error, VaeguiError):
        traceback.print_exc()  # a bug: the details go to the window's Details view
    return fields


def _training(job: dict, control: StreamedControl, writer: StreamWriter, listener: StreamListener,
              trained: dict[str, Any]) -> dict[str, Any]:
    from vaegui.config import RunConfig
    from vaegui.runs import Run, new_run_folder

    if job.get("kind") == "continue":
        run = Run.open(Path(job["folder"]))
        trained.update(folder=str(run.folder), epochs_completed=run.epochs_completed)
        with run.locked(command=window_command()):  # from the settings' change to the end: nobody in between
            if run.history_gaps is not None:
                writer.write("note", text=run.history_gaps.describe())
            # The weights fit one architecture and one image size: only the training settings may change.
            for key, value in (job.get("changes") or {}).items():
                setattr(run.config.training, key, value)
            run.save_config()
            writer.write("status", text=f"Loading {run.config.data.dataset}…")
            dataset = run.load_dataset(progress=_say(writer), cancel=_StopCancels(control))
            return _session(run, dataset, control, writer, listener, trained)
    config = RunConfig.from_dict(job["config"]).validate()
    folder = Path(job["folder"]) if job.get("folder") else new_run_folder(Path(job.get("runs_root") or "runs"),
                                                                            config.data.dataset)
    writer.write("status", text=f"Loading {config.data.dataset}…")
    # Loaded before the folder is made, so data that fails to load leaves no empty run behind; an unsaved Run
    # loads exactly as the saved one will (same split).
    dataset = Run(folder, config, {}).load_dataset(progress=_say(writer), cancel=_StopCancels(control))
    if control.stop_requested:
        return {"name": "stopped", "folder": "", "epochs_completed": 0, "runs": []}
    run = Run.create(folder, config)
    run.class_names = dataset.class_names
    trained["folder"] = str(run.folder)
    with run.locked(command=window_command()):
        return _session(run, dataset, control, writer, listener, trained)


def _session(run, dataset, control, writer, listener, trained) -> dict[str, Any]:
    from vaegui.training import TrainingSession

    if run.class_names is None:
        run.class_names = dataset.class_names
    writer.write("run", folder=str(run.folder), epochs_completed=run.epochs_completed, config=run.config.to_dict(),
                 class_names=run.class_names)
    skipped = dataset.skipped_files_note()
    listener.notes = (skipped[0].upper() + skipped[1:],) if skipped else ()
    if control.stop_requested:
        return {"name": "stopped", "folder": str(run.folder), "epochs_completed": run.epochs_completed, "runs": []}
    writer.write("status", text="Building the model…")
    result = TrainingSession(run, dataset, _Tracking(listener, run, trained), control=control).run()
    listener.flush()
    name = "stopped" if result.stopped else "finished"
    return {"name": name, "folder": str(run.folder), "epochs_completed": result.epochs_completed, "runs": [],
            "batches_done": listener.batches_done, "asked_at": control.stop_asked_at}


def _say(writer: StreamWriter):
    """A long load's words (a big folder's scan, with counts), as status lines."""
    return lambda text: writer.write("status", text=text)


class _Tracking:
    """The stream listener, noting each saved epoch so that a failure says what the run keeps."""

    def __init__(self, listener: StreamListener, run, trained: dict[str, Any]):
        self.listener, self.run, self.trained = listener, run, trained

    def on_start(self, start) -> None:
        self.listener.on_start(start)

    def on_batch(self, progress) -> None:
        self.listener.on_batch(progress)

    def on_epoch(self, progress) -> None:
        self.trained["epochs_completed"] = self.run.epochs_completed
        self.listener.on_epoch(progress)


def _experiment(job: dict, control: StreamedControl, writer: StreamWriter) -> dict[str, Any]:
    from vaegui.config import RunConfig
    from vaegui.training.experiments import PlannedRun, train_experiment

    planned = tuple(PlannedRun(p["name"], p["folder_stem"], RunConfig.from_dict(p["config"]).validate())
                    for p in job["planned"])

    def listener_for(index: int, plan: PlannedRun) -> StreamListener:
        writer.write("experiment", index=index, count=len(planned), name=plan.name)
        listener = StreamListener(writer)
        control.listener = listener
        return listener

    result = train_experiment(planned, Path(job.get("runs_root") or "runs"), listener_for, control,
                              lambda text: writer.write("status", text=text), lock_command=window_command())
    runs = [str(summary.folder) for summary in result.runs]
    return {"name": "stopped" if result.stopped else "finished", "folder": runs[-1] if runs else "",
            "epochs_completed": result.runs[-1].epochs_completed if result.runs else 0, "runs": runs}


def _forget_models() -> None:
    """Between jobs: the finished job's models and traced functions go (memory stays flat over many jobs)."""
    import gc

    import keras

    keras.backend.clear_session()
    gc.collect()


def main() -> int:
    stream = sys.stdout.buffer
    sys.stdout = sys.stderr  # a library's print() goes with the native lines, never into the stream
    trainer = Trainer(sys.stdin.buffer, StreamWriter(stream))
    trainer.start_threads()
    return trainer.serve()


