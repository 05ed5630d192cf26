"""The command line's training progress: a rich bar that fits the terminal, or plain lines in a pipe."""

from __future__ import annotations

import os
import sys
import time

from vaegui.training.progress import format_duration


class TerminalProgress:
    """Training progress: on a terminal a live bar (rich) that fits its width; elsewhere plain lines, one per epoch."""

    def __init__(self, quiet: bool = False, stream=None, on_start=None):
        from rich.console import Console

        from vaegui.stderr_filter import TERMINAL_ENV

        self.stream = stream or sys.stderr
        self.started = on_start
        # Width is asked of the terminal at every redraw, so a resized window is followed. Under `vaegui train`'s
        # stderr filter the stream is a pipe to the person's terminal: still a terminal for the bar.
        terminal = True if stream is None and os.environ.get(TERMINAL_ENV) == "1" else None
        self.console = Console(file=self.stream, highlight=False, emoji=False, markup=False, force_terminal=terminal)
        self.live = not quiet and self.console.is_terminal
        self.bar = None  # the rich Progress, from the first batch drawn to finish()
        self.last_draw = 0.0

    def on_start(self, start) -> None:
        if self.started is not None:
            self.started()
        self.line(
            f"Training on {start.device}: {start.train_images} images, {start.batches_per_epoch} batches "
            f"an epoch, epochs {start.initial_epoch + 1}–{start.epochs}."
        )
        for note in getattr(start, "notes", ()):
            self.line(f"Note: {note}")

    def on_batch(self, progress) -> None:
        now = time.monotonic()
        if not self.live or (now - self.last_draw < 0.1 and progress.batch < progress.batches):
            return
        self.last_draw = now
        loss = progress.losses.get("loss", float("nan"))
        state = {
            "total": progress.batches,
            "completed": progress.batch,
            "epoch": f"{progress.epoch}/{progress.epochs}",
            "stats": f"loss {loss:.4g}  {progress.images_per_second:,.0f} img/s  "
                     f"ETA {format_duration(progress.eta_seconds)}",
        }
        if self.bar is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            # No refresh thread: on_batch redraws it, at most ten times a second; transient: gone at the end.
            columns = TextColumn("epoch {task.fields[epoch]}"), BarColumn(None), MofNCompleteColumn()
            self.bar = Progress(*columns, TextColumn("{task.fields[stats]}"), console=self.console, auto_refresh=False,
                                transient=True, expand=True)
            self.bar.add_task("", **state)
            self.bar.start()
        else:
            self.bar.update(self.bar.task_ids[0], **state, refresh=True)

    def on_epoch(self, progress) -> None:
        r = progress.record
        text = (
            f"epoch {progress.epoch}/{progress.epochs}  loss {r['loss']:.4f}  "
            f"reconstruction {r['reconstruction_loss']:.4f}  KL {r['kl_loss']:.4f}"
        )
        if "val_loss" in r:
            text += f"  val_loss {r['val_loss']:.4f}"
        text += f"  {r['seconds']:.1f} s  {r['images_per_second']:,.0f} img/s"
        self.line(text)

    def line(self, text: str) -> None:
        """A line above the bar: wrapped to the terminal's width there, written as it is to a file or pipe."""
        if self.live:
            self.console.print(text)
        else:
            self.stream.write(text + "\n")
            self.stream.flush()

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
