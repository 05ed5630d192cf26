"""A real vaegui app process closed mid-training, or while its training scans a big folder: how long close() takes,
how long the process and its trainer take to end after it, and what the run kept (for gui_training_stall.py)."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

from _training_probes import saved_epochs

from vaegui.config import RunConfig

# A real app process, closed mid-training or while its training scans a big folder: how long the window takes to go,
# and the process (and its trainer) to end after it. Train is pressed once the app has been open a while (TensorFlow
# loaded: in the trainer after, in the window before, where Train waited for it).
CLOSE_DRIVER = textwrap.dedent("""
    import json, sys, time
    from PySide6.QtWidgets import QApplication
    from vaegui.gui.main_window import MainWindow
    from vaegui.config import RunConfig

    def pump(condition, seconds=600):
        deadline = time.monotonic() + seconds
        while not condition() and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)
        return condition()

    app = QApplication([])
    window = MainWindow(dataset="digits")
    window.show()
    window.load_tensorflow()
    state = window.state
    pump(lambda: getattr(state, "trainer_ready_now", None) or getattr(state, "tensorflow_loaded", False))
    tab = window.training_tab
    tab.runs_root = sys.argv[2]
    tab.form.set_config(RunConfig.from_dict(json.loads(sys.argv[1])))
    assert tab.start_training(), tab.form.message_label.text()
    trainer = getattr(getattr(tab, "follower", None), "trainer", None)
    print(f"TRAINER {trainer.pid if trainer is not None else 0}", flush=True)
    if sys.argv[3] == "scan":  # the scan under way: its words are on the progress bar, then a moment more
        words = lambda: tab.progress_bar.format()
        assert pump(lambda: "Loading" in words() or "pictures" in words()), words()
        pump(lambda: False, 2.0)
        said = tab.progress_bar.format()
    else:
        pump(lambda: tab.model.epochs_completed >= 1)
        said = ""
    started = time.perf_counter()
    window.close()
    print(f"HIDDEN {time.perf_counter() - started:.3f} {tab.run.folder if tab.run else ''}", flush=True)
    print(f"SAID {said}", flush=True)
    app.quit()
    try:
        from vaegui.gui.app import end_quickly
    except ImportError:
        end_quickly = lambda code: code  # before: the process ends once close has waited
    sys.exit(end_quickly(0))
""")


class AppFailed(RuntimeError):
    """The app did not end cleanly after its window closed: its exit status, close()'s time and its last line."""

    def __init__(self, code: int, hidden: float, last_line: str, stderr: str):
        super().__init__(f"the app exited {code}: {stderr}")
        self.code, self.hidden, self.last_line = code, hidden, last_line


@dataclass
class Closed:
    """A real app closed: close() took `hidden` s; the process ended `exited` s later; its trainer process (after)
    ended `trainer_exited` s after close; the run kept `kept` epochs; what the progress bar said at the close."""

    hidden: float
    exited: float
    trainer_exited: float
    kept: int
    said: str = ""


def close_app(config: RunConfig, root: str, mode: str, env: dict | None = None) -> Closed:
    app = subprocess.Popen([sys.executable, "-c", CLOSE_DRIVER, json.dumps(config.to_dict()), root, mode],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    hidden, folder, trainer, said, closed_at = float("nan"), None, 0, "", None
    trainer_gone = float("nan")
    for line in app.stdout:
        if line.startswith("TRAINER"):
            trainer = int(line.split()[1])
        elif line.startswith("HIDDEN"):
            fields = line.split(maxsplit=2)
            hidden, closed_at = float(fields[1]), time.perf_counter() - float(fields[1])
            folder = fields[2].strip() if len(fields) > 2 else ""
        elif line.startswith("SAID"):
            said = line[4:].strip()
    code = app.wait(timeout=600)
    exited = time.perf_counter() - closed_at - hidden if closed_at is not None else float("nan")
    if code != 0 or folder is None:
        stderr = app.stderr.read()
        lines = [line for line in stderr.splitlines() if line.strip() and "propagateSizeHints" not in line]
        raise AppFailed(code, hidden, lines[-1] if lines else "", stderr[-2000:])
    if trainer:
        deadline = time.monotonic() + 60
        while Path(f"/proc/{trainer}").exists() and time.monotonic() < deadline:
            time.sleep(0.02)  # told to stop, it ends on its own (at its next batch, or its scan's next check)
        trainer_gone = time.perf_counter() - closed_at
    kept = 0
    if folder:
        deadline = time.monotonic() + 60
        while (Path(folder) / "lock.json").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        kept = saved_epochs(Path(folder))
    return Closed(hidden, exited, trainer_gone, kept, said)


def close_mid_training(long_config: RunConfig, root: str) -> Closed:
    """Closed once the first epoch is saved, training on (`long_config`: many epochs)."""
    return close_app(long_config, root, "training")


def close_during_scan(config: RunConfig, root: str, folder: Path) -> Closed:
    """Train on a folder of 200,000 tiny PNGs, closed during its first scan (a fresh cache: no header known)."""
    scan = copy.deepcopy(config)
    scan.data.dataset, scan.data.subset = str(folder), None
    env = {**os.environ, "VAEGUI_CACHE": tempfile.mkdtemp(prefix="cache-", dir=root)}  # fresh, removed with root
    return close_app(scan, root, "scan", env)
