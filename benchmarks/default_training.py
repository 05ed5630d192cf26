"""The app's default training, as a first-time user starts it: its time, the welcome's estimate, its final loss.

Usage: python benchmarks/default_training.py [--dataset NAME] [--subset N] [--epochs N] [--repeats 3]

Opens the real main window (offscreen) with the GUI's defaults (the best dataset available offline, its first-run
subset and epochs: vaegui.training.first_run), waits for TensorFlow, presses the Training tab's welcome action and
times it until the run is done, by the wall clock and by the CPU time of the window's and the trainer's processes
(all their threads). Prints both beside the range the welcome said (repeat 1: a first launch's few timed batches;
later repeats: the pace the previous training left, as the app remembers it), the CPU cost per 1,000 images an epoch
and once per run (median over the repeats), and the last epoch's reconstruction loss per image. The app's settings
live in a temporary folder: the first repeat is a first launch.
Target: about 30 s on the reference machine (2 idle cores, CPU only).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_CONFIG = tempfile.TemporaryDirectory(prefix="vaegui-bench-config-")  # removed when the benchmark ends
os.environ["XDG_CONFIG_HOME"] = _CONFIG.name  # a first launch: not yet timed

from _qt_wait import wait_for  # noqa: E402
from _training_probes import process_cpu_seconds  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def one_training(app: QApplication, args: argparse.Namespace, root: str) -> dict[str, float]:
    from vaegui.gui.main_window import MainWindow

    window = MainWindow(dataset=args.dataset)
    window.resize(1280, 800)
    window.show()
    window.load_tensorflow()  # the trainer process, TensorFlow loaded there
    wait_for(lambda: window.state.trainer_ready_now)
    tab = window.training_tab
    tab.runs_root = root
    form = tab.form
    if args.subset is not None:
        form.subset_box.setValue(args.subset)
    if args.epochs is not None:
        form.epochs_box.setValue(args.epochs)
    config = form.config()
    wait_for(lambda: tab.welcome.estimate is not None)  # a first launch times a few batches first
    estimate = tab.welcome.estimate
    trainer = window.state.trainers.idle.pid  # the warm trainer Train takes

    def training_cpu() -> float:
        return time.process_time() + process_cpu_seconds(trainer)

    started, cpu_started = time.perf_counter(), training_cpu()
    tab.welcome.train_button.click()
    first_epoch: list[float] = []
    window.state.checkpoint_saved.connect(lambda *_: first_epoch or first_epoch.append(training_cpu()))
    wait_for(lambda: tab.mode == "idle" and not tab.is_training() and not tab.learning_views_pending())
    seconds, cpu = time.perf_counter() - started, training_cpu() - cpu_started
    if tab.error_label.isVisible():
        raise RuntimeError(tab.error_label.text())
    history = tab.model.history
    last = history[-1]
    images = len_images(config)
    epochs = config.training.epochs
    # The first epoch also loads the data and traces the model: the rest share the CPU time after it.
    cpu_per_epoch = (cpu_started + cpu - first_epoch[0]) / max(1, epochs - 1)
    window.close()
    window.deleteLater()
    app.processEvents()
    return {
        "dataset": config.data.dataset, "subset": config.data.subset, "epochs": config.training.epochs,
        "seconds": seconds, "cpu": cpu, "estimate": estimate, "images": images,
        "cpu_per_1000": cpu_per_epoch / images * 1000, "cpu_start": cpu - epochs * cpu_per_epoch,
        "reconstruction": last["reconstruction_loss"], "val_reconstruction": last.get("val_reconstruction_loss"),
        "kl": last["kl_loss"],
    }


def len_images(config) -> int:
    from vaegui.runs import load_run_dataset

    dataset = load_run_dataset(config)
    return len(dataset.train) + len(dataset.test)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default=None, help="default: the best dataset available offline")
    parser.add_argument("--subset", type=int, default=None, help="default: the dataset's first-run subset")
    parser.add_argument("--epochs", type=int, default=None, help="default: the dataset's first-run epochs")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    scratch = tempfile.TemporaryDirectory(prefix="vaegui-bench-")  # removed at the end
    root = scratch.name
    results = []
    for repeat in range(args.repeats):
        result = one_training(app, args, root)
        results.append(result)
        print(f"run {repeat + 1}: {result['dataset']} ({result['images']:,} images) × {result['epochs']} epochs: "
              f"{result['seconds']:.1f} s, CPU {result['cpu']:.1f} s "
              f"(the welcome said {result['estimate'][0]:.0f}-{result['estimate'][1]:.0f} s); "
              f"CPU {result['cpu_per_1000']:.3f} s per 1,000 "
              f"images an epoch, start {result['cpu_start']:.1f} s; "
              f"reconstruction loss {result['reconstruction']:.2f} (test {result['val_reconstruction']:.2f}), "
              f"KL {result['kl']:.2f}", flush=True)
    first = results[0]

    def median(key: str) -> float:
        return statistics.median(r[key] for r in results)

    print(f"SUMMARY default training {first['dataset']} {first['images']:,} images × {first['epochs']} epochs: "
          f"{median('seconds'):.1f} s wall, {median('cpu'):.1f} s CPU, median of {len(results)} (target about 30 s)")
    for number, result in enumerate(results, 1):
        low, high = result["estimate"]
        inside = "inside" if low <= result["seconds"] <= high else "OUTSIDE"
        print(f"SUMMARY estimate {number} ({'first launch' if number == 1 else 'after a training'}): said "
              f"{low:.0f}-{high:.0f} s, took {result['seconds']:.1f} s: {inside}")
    print(f"SUMMARY CPU per 1,000 images an epoch {median('cpu_per_1000'):.3f} s, start {median('cpu_start'):.1f} s")
    print(f"SUMMARY final reconstruction loss per image {median('reconstruction'):.2f} train, "
          f"{median('val_reconstruction'):.2f} test; KL {median('kl'):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
