"""Memory over a long run: RSS at the start and end of many short epochs on digits (headless, or the GUI tab)."""

from __future__ import annotations

import argparse
import gc
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MIB = 1024 * 1024


def rss_mib() -> float:
    """Resident memory now (Linux /proc), else the peak (getrusage) where /proc is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def tiny_config(epochs: int):
    from vaegui.config import DataConfig, ModelConfig, RunConfig, TrainingConfig

    return RunConfig(
        data=DataConfig(dataset="digits"),
        model=ModelConfig(z_dim=2, conv_filters=(8, 16), dense_units=16),
        training=TrainingConfig(epochs=epochs, batch_size=128, seed=0),
    )


class Sampler:
    """RSS after chosen epochs, collected garbage first so only memory still held is counted."""

    def __init__(self, epochs: int):
        self.marks = sorted({1, 2, 5, 10, 25, 50, epochs // 2, epochs * 3 // 4, epochs})
        self.samples: list[tuple[int, float]] = []
        self.started = time.perf_counter()

    def epoch_done(self, epoch: int) -> None:
        if epoch in self.marks:
            gc.collect()
            self.samples.append((epoch, rss_mib()))

    def report(self, what: str) -> None:
        seconds = time.perf_counter() - self.started
        print(f"\n{what}: {self.samples[-1][0]} epochs in {seconds:.0f} s")
        print("  epoch   RSS MiB")
        for epoch, rss in self.samples:
            print(f"  {epoch:5d}   {rss:7.1f}")
        by_epoch = dict(self.samples)
        start = by_epoch.get(10, self.samples[0][1])
        end = self.samples[-1][1]
        span = self.samples[-1][0] - 10
        print(
            f"  growth from epoch 10 to {self.samples[-1][0]}: {end - start:+.1f} MiB "
            f"({(end - start) * 1024 / max(span, 1):+.1f} KiB per epoch)"
        )
        print(
            f"SUMMARY {what.split(' (')[0]}: RSS {self.samples[0][1]:.0f} MiB after epoch {self.samples[0][0]}, "
            f"{start:.0f} MiB at epoch 10, {end:.0f} MiB at epoch {self.samples[-1][0]} "
            f"({(end - start) * 1024 / max(span, 1):+.1f} KiB per epoch)"
        )


def headless(epochs: int, folder: Path) -> None:
    from vaegui.runs import Run
    from vaegui.training import TrainingListener, TrainingSession

    sampler = Sampler(epochs)

    class Listener(TrainingListener):
        def on_epoch(self, progress) -> None:
            sampler.epoch_done(progress.epoch)

    print(f"before training: RSS {rss_mib():.1f} MiB (TensorFlow not yet imported)")
    run = Run.create(folder / "headless", tiny_config(epochs))
    # probe_size as in the GUI: each epoch also encodes 1000 test images for the latent preview.
    TrainingSession(run, run.load_dataset(), Listener(), probe_size=1000).run()
    sampler.report("headless TrainingSession (per-batch progress, probe of 1000 images, checkpoint each epoch)")


def gui(epochs: int, folder: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from vaegui.gui.app_state import AppState
    from vaegui.gui.training.training_tab import IDLE, TrainingTab

    app = QApplication.instance() or QApplication([])
    state = AppState()
    tab = TrainingTab(state, dataset="digits")
    tab.runs_root = folder / "gui"
    form = tab.form
    form.conv_filters_edit.setText("8,16")
    form.dense_units_box.setValue(16)
    form.z_dim_box.setValue(2)
    form.epochs_box.setValue(epochs)
    form.batch_size_box.setValue(128)
    form.seed_edit.setText("0")
    tab.resize(1280, 800)
    tab.show()
    sampler = Sampler(epochs)
    assert tab.start_training()
    seen = 0
    while tab.mode != IDLE or tab.is_training():  # the window's own memory: training is the trainer process's
        app.processEvents()
        done = tab.model.epochs_completed
        while seen < done:
            seen += 1
            sampler.epoch_done(seen)
        time.sleep(0.005)
    tab.shutdown()
    sampler.report("GUI Training tab (live curves, latent preview, KL bars, samples)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--gui", action="store_true", help="train through the Training tab (offscreen) instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        (gui if args.gui else headless)(args.epochs, Path(folder))


if __name__ == "__main__":
    main()
