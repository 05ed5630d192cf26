"""The window while it trains: longest GUI stall (alone, and beside two other trainings), window ÷ `vaegui train`
throughput, Train → first epoch, memory, closing mid-training, and a trainer killed mid-epoch.

Usage: python benchmarks/gui_training_stall.py [--dataset fashion_mnist] [--subset 12000] [--epochs 3]
       [--batch-size 128] [--rounds 1] [--scan-folder FOLDER] [--compare BEFORE_TREE]

A QTimer fires every 10 ms on the GUI thread and the gaps between its ticks are recorded from Train to
the end (the first epoch included): a gap much longer than 10 ms is a moment the window could not
repaint or answer a click. Throughput is images/s of the epochs after the first, by the wall clock and
per CPU-second of the process that trains (the window's own before training had a process of its own),
against `vaegui train` of the same settings started as a person starts it, in alternating rounds.
"Beside two other trainings": two `vaegui train` of the same settings run meanwhile on the same cores.
Floors, measured in the same run: the same timer in a bare Qt window beside `nice -n 10 vaegui train` of the
same settings (what the machine's load alone costs a window), and beside the two other trainings.
Closing: a real app process is closed mid-training, and with --scan-folder (e.g. 200,000 tiny PNGs made by
benchmarks/_tiny_png_folder.py) during its training's first scan of that folder (a fresh scan cache); the window
must be gone at once and the process, and its trainer, soon after. Killed: the trainer process is killed (SIGKILL)
mid-epoch; the window must say so.

--compare BEFORE_TREE runs this script on that source tree (e.g. a worktree of main) and on this one,
alternating, and prints both sets of SUMMARY lines side by side. The code before training moved to its
own process trained in the window's; each figure says what it measured there.
"""

from __future__ import annotations

import argparse
import copy
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_CONFIG = tempfile.TemporaryDirectory(prefix="vaegui-bench-config-")  # removed when the benchmark ends
os.environ["XDG_CONFIG_HOME"] = _CONFIG.name  # the app's settings: a first launch

from _app_close import AppFailed, close_during_scan, close_mid_training  # noqa: E402
from _qt_wait import wait_for  # noqa: E402
from _training_probes import (  # noqa: E402
    EpochTimes,
    headless,
    load_average,
    median,
    process_cpu_seconds,
    rss_mib,
    vaegui_train,
)
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from vaegui.config import RunConfig  # noqa: E402
from vaegui.gui.training.settings_form import GUI_DEFAULTS  # noqa: E402

TICK_MS = 10
FLOOR_SECONDS = 15.0  # a bare window's gaps are recorded this long
TRAINER_NICE = 10  # as vaegui.trainer lowers itself
PROCESS_TRAINER = hasattr(__import__("vaegui.gui.app_state", fromlist=["x"]), "shared_trainers")


def bench_config(args: argparse.Namespace, epochs: int | None = None) -> RunConfig:
    config = copy.deepcopy(GUI_DEFAULTS)
    config.data.dataset, config.data.subset = args.dataset, args.subset
    config.training.epochs, config.training.batch_size = epochs or args.epochs, args.batch_size
    config.training.seed = 1
    return config.validate()


class GapRecorder:
    """Ticks every TICK_MS on the GUI thread and keeps the gaps between ticks while `recording`, with the CPU time the
    GUI thread itself used in each: a long gap where it barely ran is the thread kept waiting (for a core, or for the
    GIL), one where it ran most of the time is work on the GUI thread that costs too much."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self.gui_cpu: list[float] = []
        self.ends: list[float] = []  # when each recorded gap ended
        self.recording = False
        self._last, self._last_cpu = time.perf_counter(), time.thread_time()
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        if self.recording:
            self.gaps.append(now - self._last)
            self.gui_cpu.append(cpu - self._last_cpu)
            self.ends.append(now)
        self._last, self._last_cpu = now, cpu

    def describe(self) -> str:
        ms = sorted(g * 1000 for g in self.gaps) or [0.0]
        longest = max(range(len(self.gaps)), key=self.gaps.__getitem__) if self.gaps else None
        ran = "" if longest is None else (f" (the GUI thread ran {self.gui_cpu[longest] * 1000:.0f} ms of it, "
                                          f"{self.ends[longest] - self.ends[0]:.1f} s in)")
        return f"longest {ms[-1]:.0f} ms{ran}, 99th percentile {ms[min(len(ms) - 1, int(0.99 * len(ms)))]:.0f} ms"


def new_window(app: QApplication, config: RunConfig, root: str):
    from vaegui.gui.main_window import MainWindow

    window = MainWindow(dataset=config.data.dataset)
    window.resize(1280, 800)
    window.show()
    window.load_tensorflow()  # after: the trainer starts and loads TensorFlow; before: the window loads it
    wait_for(lambda: window.state.trainer_ready_now if PROCESS_TRAINER else window.state.tensorflow_loaded)
    tab = window.training_tab
    # The app open a while: its start finished (the Explorer, Compare and the curves are built after the first
    # paint; a warm trainer from an earlier round is ready long before that)…
    wait_for(lambda: window._started)
    # …and a first launch's timing of a few batches (in the trainer) is over.
    wait_for(lambda: getattr(tab.welcome, "times", None) is None or tab.welcome.times.measuring is None)
    tab.runs_root = root
    tab.form.set_config(config)
    return window, tab


def training_done(tab) -> bool:
    return tab.mode == "idle" and not tab.is_training() if PROCESS_TRAINER else tab.mode == "idle" and \
        tab.thread is None


def in_the_window(app: QApplication, config: RunConfig, root: str) -> dict:
    """One training from the Training tab: its stall, throughput, Train → first batch and epoch, the window's RSS."""
    window, tab = new_window(app, config, root)
    rss_before, rss_peak = rss_mib(), [0.0]
    times, first_batch = EpochTimes(), []
    sample = QTimer()
    sample.setInterval(250)
    sample.timeout.connect(lambda: rss_peak.__setitem__(0, max(rss_peak[0], rss_mib())))
    sample.start()
    recorder = GapRecorder()
    recorder.recording = True
    clicked = time.perf_counter()
    times.started = (clicked, 0.0)
    assert tab.start_training(), tab.form.message_label.text()
    trainer = tab.follower.trainer.pid if PROCESS_TRAINER else os.getpid()
    cpu = (lambda: process_cpu_seconds(trainer)) if PROCESS_TRAINER else time.process_time
    model = tab.model
    if PROCESS_TRAINER:
        model.curves_changed.connect(lambda: first_batch or not model.curves.size or
                                     first_batch.append(time.perf_counter()))
    else:
        tab.worker.batch_progress.connect(lambda _u: first_batch or first_batch.append(time.perf_counter()))
    window.state.checkpoint_saved.connect(lambda *_: times.ends.append((time.perf_counter(), cpu())))
    wait_for(lambda: training_done(tab))
    recorder.recording = False
    sample.stop()
    recorder.timer.stop()
    if tab.error_label.isVisible():
        raise RuntimeError(tab.error_label.text())
    images = config.data.subset * 9 // 10 if config.data.subset else None
    wall, per_cpu = times.steady(images or 0)
    times.first_epoch_seconds = tab.model.history[0]["seconds"] if tab.model.history else float("nan")
    window.close()
    window.deleteLater()
    app.processEvents()
    return {"gaps": recorder, "wall": wall, "cpu": per_cpu, "first_epoch": times.to_first_epoch(),
            "to_first_batch": times.to_first_batch(),
            "first_batch": (first_batch[0] - clicked) if first_batch else float("nan"),
            "rss_before": rss_before, "rss_peak": rss_peak[0]}


def beside_two_trainings(app: QApplication, config: RunConfig, root: str) -> tuple[GapRecorder, GapRecorder]:
    """(a bare Qt window's gaps, the floor; the gaps while the window trains), both beside two `vaegui train`."""
    folders = [Path(root) / f"other-{i}-{time.monotonic_ns()}" for i in range(2)]
    others = [vaegui_train(bench_config_long(config), folder) for folder in folders]
    try:
        deadline = time.monotonic() + 300
        while not all((folder / "state.json").exists() for folder in folders) and time.monotonic() < deadline:
            time.sleep(0.2)  # state.json is written once their TensorFlow is in
        time.sleep(3)  # and they train
        return bare_window_gaps(app), in_the_window(app, config, root)["gaps"]
    finally:
        for other in others:
            for pid in [other.pid, *_children(other.pid)]:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            other.wait()


def bare_window_gaps(app: QApplication, seconds: float = FLOOR_SECONDS) -> GapRecorder:
    """The floor: the same 10 ms timer in a bare Qt window (no vaegui) for `seconds`, whatever else the machine runs."""
    from PySide6.QtWidgets import QWidget

    window = QWidget()
    window.resize(1280, 800)
    window.show()
    recorder = GapRecorder()
    recorder.recording = True
    until = time.monotonic() + seconds
    wait_for(lambda: time.monotonic() > until)
    recorder.recording = False
    recorder.timer.stop()
    window.close()
    return recorder


def bare_window_beside_a_trainer(app: QApplication, config: RunConfig, root: str) -> GapRecorder:
    """The floor of the stall alone: a bare Qt window's gaps while `vaegui train` of the same settings runs beside it,
    lowered in priority as the window's trainer is (nice 10), from its launch to its end."""
    from PySide6.QtWidgets import QWidget

    window = QWidget()
    window.resize(1280, 800)
    window.show()
    recorder = GapRecorder()
    recorder.recording = True
    trainer = vaegui_train(config, Path(root) / f"floor-{time.monotonic_ns()}", nice=TRAINER_NICE)
    wait_for(lambda: trainer.poll() is not None)
    recorder.recording = False
    recorder.timer.stop()
    window.close()
    return recorder


def bench_config_long(config: RunConfig) -> RunConfig:
    long = copy.deepcopy(config)
    long.training.epochs = 1000
    return long


def _children(pid: int) -> list[int]:
    from _training_probes import children_of

    return children_of(pid)


def killed_trainer(app: QApplication, config: RunConfig, root: str) -> tuple[float, int, int, str]:
    """Seconds from kill -9 of the trainer (mid-epoch) to the window saying so, the epochs the run kept, the epoch
    that was in progress, and what the window said."""
    window, tab = new_window(app, bench_config_long(config), root)
    assert tab.start_training()
    wait_for(lambda: tab.model.epochs_completed >= 1 and tab.model.curves.size > 0
             and tab.model.curves.positions[-1] > tab.model.epochs_completed + 0.3)
    in_progress = tab.model.epochs_completed + 1
    killed = time.perf_counter()
    os.kill(tab.follower.trainer.pid, signal.SIGKILL)
    wait_for(lambda: tab.model.outcome is not None)
    seconds = time.perf_counter() - killed
    kept = tab.model.outcome.epochs_completed
    said = tab.error_label.text() if tab.error_label.isVisible() else ""
    window.close()
    return seconds, kept, in_progress, said


def measure(args: argparse.Namespace) -> list[str]:
    config = bench_config(args)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    scratch = tempfile.TemporaryDirectory(prefix="vaegui-bench-")  # removed when measure() returns
    root = scratch.name
    images = config.data.subset * 9 // 10
    floor = bare_window_beside_a_trainer(app, config, root)
    print(f"  a bare Qt window beside `nice -n {TRAINER_NICE} vaegui train` of these settings (load {load_average()}): "
          f"{floor.describe()}", flush=True)
    rounds, loads = [], []
    for round_ in range(args.rounds):
        cli = headless(config, Path(root) / f"headless-{round_}")
        window = in_the_window(app, config, root)
        cli_wall, cli_cpu = cli.steady(images)
        rounds.append((cli, window, cli_wall, cli_cpu))
        loads.append(load_average())
        print(f"  round {round_ + 1} (load {loads[-1]}): vaegui train {cli_wall:,.0f} images/s, "
              f"{cli_cpu:,.0f} per CPU-s, first epoch {cli.to_first_epoch():.1f} s after launch; window "
              f"{window['wall']:,.0f} images/s, {window['cpu']:,.0f} per CPU-s, first epoch "
              f"{window['first_epoch']:.1f} s after Train; stall {window['gaps'].describe()}", flush=True)
    loaded_floor, loaded = beside_two_trainings(app, config, root)
    beside_load = load_average()
    print(f"  beside two other trainings (load {beside_load}): stall {loaded.describe()}; a bare Qt window there: "
          f"{loaded_floor.describe()}", flush=True)
    closed = close_mid_training(bench_config_long(config), root)
    close_load = load_average()
    wall_ratio = median([w["wall"] / c for _, w, c, _ in rounds])
    cpu_ratio = median([w["cpu"] / c for _, w, _, c in rounds])
    last = rounds[-1][1]
    where = "the trainer process" if PROCESS_TRAINER else "the window's process (training in a thread of it)"
    trainer_end = (f", its trainer {closed.trainer_exited:.2f} s after close"
                   if closed.trainer_exited == closed.trainer_exited else "")
    lines = [
        f"stall alone {max(max(r[1]['gaps'].gaps) for r in rounds) * 1000:.0f} ms (target ≤ 50 ms; "
        f"{last['gaps'].describe()}, the first epoch included; floor, a bare Qt window beside a niced vaegui train: "
        f"{max(floor.gaps) * 1000:.0f} ms; load {loads[-1]})",
        f"stall beside two other trainings {max(loaded.gaps) * 1000:.0f} ms (target ≤ 50 ms; {loaded.describe()}; "
        f"floor, a bare Qt window beside them: {max(loaded_floor.gaps) * 1000:.0f} ms; load {beside_load})",
        f"window ÷ vaegui train throughput {cpu_ratio:.3f} per CPU-second of {where}, {wall_ratio:.3f} by the wall "
        f"clock (targets ≥ 0.98 and ≥ 0.95; median of {args.rounds} alternating rounds; vaegui train "
        f"{median([r[2] for r in rounds]):,.0f} images/s, {median([r[3] for r in rounds]):,.0f} per CPU-s; "
        f"load {' / '.join(loads)})",
        f"start → first batch: Train {median([r[1]['to_first_batch'] for r in rounds]):.1f} s, vaegui train "
        f"{median([r[0].to_first_batch() for r in rounds]):.1f} s (data loaded, model built; the app open a while); "
        f"→ first epoch saved: Train {median([r[1]['first_epoch'] for r in rounds]):.1f} s, vaegui train "
        f"{median([r[0].to_first_epoch() for r in rounds]):.1f} s; the window's first batch drawn "
        f"{median([r[1]['first_batch'] for r in rounds]):.1f} s after Train",
        f"window RSS while training {last['rss_peak']:.0f} MiB, before Train {last['rss_before']:.0f} MiB "
        f"(+{last['rss_peak'] - last['rss_before']:.0f} MiB; target ≤ +100 MiB)",
        f"close mid-training: close() returned after {closed.hidden:.3f} s (the window hides first), the process ended "
        f"{closed.exited:.2f} s later{trainer_end} (targets ≤ 0.5 s, ≤ 2 s), {closed.kept} epoch(s) kept; "
        f"load {close_load}",
    ]
    if args.scan_folder:
        folder = Path(args.scan_folder)
        count = sum(1 for _ in os.scandir(folder))
        try:
            scan = close_during_scan(config, root, folder)
        except AppFailed as failed:  # before: a QThread destroyed while it still scanned aborted the process
            lines.append(f"close during a {count:,}-image folder's first scan: the app ended with exit status "
                         f"{failed.code} ({failed.last_line}) after close() returned in {failed.hidden:.3f} s; "
                         f"load {load_average()}")
        else:
            trainer_end = (f", its trainer {scan.trainer_exited:.2f} s after close"
                           if scan.trainer_exited == scan.trainer_exited else "")
            lines.append(f"close during a {count:,}-image folder's first scan: close() returned after "
                         f"{scan.hidden:.3f} s, the process ended {scan.exited:.2f} s later{trainer_end} (targets "
                         f"≤ 0.5 s, ≤ 2 s); it said '{scan.said}'; load {load_average()}")
    if PROCESS_TRAINER:
        seconds, kept, in_progress, said = killed_trainer(app, config, root)
        lines.append(f"trainer killed (SIGKILL) during epoch {in_progress}: said in the window after {seconds:.2f} s "
                     f"(target ≤ 1 s), the run keeps epoch {kept} (loses {in_progress - kept}, the one in progress); "
                     f"it said '{said[:90]}…'; load {load_average()}")
    else:
        lines.append("trainer killed (SIGKILL) mid-epoch: the training thread cannot be killed alone; an "
                     "out-of-memory kill takes the window with it")
    return lines


def compare(before_tree: str, args: argparse.Namespace) -> int:
    """This script on `before_tree` and on this tree, alternating; both sets of SUMMARY lines side by side."""
    here = str(Path(__file__).resolve().parent.parent)
    figures: dict[str, list[str]] = {"before": [], "after": []}
    forwarded = [a for a in sys.argv[1:] if a not in ("--compare", before_tree)]
    for label, tree in (("before", before_tree), ("after", here)) * max(1, args.compare_rounds):
        env = {**os.environ, "PYTHONPATH": tree}
        print(f"\n== {label} ({tree}), load {load_average()}", flush=True)
        # In the tree measured: `python -c` and `-m` put the working folder first on sys.path, before PYTHONPATH.
        run = subprocess.Popen([sys.executable, __file__, *forwarded], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=tree)
        for line in run.stdout:  # as it comes: a long run shows where it is
            print(f"  {label}: {line.rstrip()}", flush=True)
            if line.startswith("SUMMARY "):
                figures[label].append(line.removeprefix("SUMMARY ").rstrip())
        if run.wait():
            print(run.stderr.read()[-3000:], flush=True)
    print()
    for label in ("before", "after"):
        for line in figures[label]:
            print(f"SUMMARY {label}: {line}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="fashion_mnist")
    parser.add_argument("--subset", type=int, default=12_000, help="images used (train and test together)")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=1, help="alternating rounds of vaegui train and the window")
    parser.add_argument("--compare", metavar="BEFORE_TREE", help="a source tree to measure first, side by side")
    parser.add_argument("--compare-rounds", type=int, default=1)
    parser.add_argument("--scan-folder", metavar="FOLDER", help="a big image folder (e.g. 200,000 tiny PNGs made by "
                        "benchmarks/_tiny_png_folder.py): the app is also closed during its first scan")
    args = parser.parse_args()
    if args.compare:
        return compare(args.compare, args)
    print(f"{'Trainer process' if PROCESS_TRAINER else 'Training in the window'}; {args.dataset}, "
          f"{args.subset:,} images, {args.epochs} epochs, batch {args.batch_size}; load {load_average()}", flush=True)
    for line in measure(args):
        print(f"SUMMARY {line}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
