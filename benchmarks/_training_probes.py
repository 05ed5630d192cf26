"""What the training benchmarks read from outside a process: its CPU time and memory (/proc), and `vaegui train` run
as a person runs it, timed epoch by epoch from its run folder."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def process_cpu_seconds(pid: int, with_children: bool = False) -> float:
    """User + system CPU seconds of `pid` (its own threads; with `with_children`, of its children it has reaped
    too), from /proc: reading it costs microseconds and disturbs nothing."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if with_children else 0)
    return ticks / TICKS


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of `pid` and of its living children (`vaegui train` trains in a child of the command)."""
    total = process_cpu_seconds(pid)
    for child in children_of(pid):
        total += process_cpu_seconds(child)
    return total


def children_of(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def rss_mib(pid: int | None = None) -> float:
    """Resident memory of `pid` (default: this process) in MiB."""
    try:
        pages = int(Path(f"/proc/{pid or 'self'}/statm").read_text().split()[1])
    except OSError:
        return float("nan")
    return pages * PAGE / 2**20


def load_average() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


@dataclass
class EpochTimes:
    """Wall and CPU time of a training process at its start and at each saved epoch."""

    started: tuple[float, float] = (0.0, 0.0)
    ends: list[tuple[float, float]] = field(default_factory=list)
    first_epoch_seconds: float = float("nan")  # epoch 1's own time (history.csv), from its first batch's start

    def steady(self, images: int) -> tuple[float, float]:
        """Images/s of the epochs after the first (it traces the model), by wall clock and per CPU-second."""
        if len(self.ends) < 2:
            return float("nan"), float("nan")
        (wall0, cpu0), (wall1, cpu1) = self.ends[0], self.ends[-1]
        epochs = len(self.ends) - 1
        return images * epochs / (wall1 - wall0), images * epochs / (cpu1 - cpu0)

    def to_first_epoch(self) -> float:
        return self.ends[0][0] - self.started[0] if self.ends else float("nan")

    def to_first_batch(self) -> float:
        """From the start to the first batch's start: data loaded, model built (tracing is in the first batch)."""
        return self.to_first_epoch() - self.first_epoch_seconds


def cli_arguments(config, out: Path) -> list[str]:
    """`vaegui train` flags for `config` (a RunConfig), into the run folder `out`."""
    config_file = out.with_suffix(".json")
    config_file.write_text(json.dumps(config.to_dict()))
    return ["--config", str(config_file), "--out", str(out), "--quiet"]


def vaegui_train(config, out: Path, nice: int = 0) -> subprocess.Popen:
    """`vaegui train` of `config` into `out`; with `nice`, lowered as the window lowers its trainer."""
    lowered = ["nice", "-n", str(nice)] if nice else []
    return subprocess.Popen([*lowered, sys.executable, "-m", "vaegui.cli", "train", *cli_arguments(config, out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def saved_epochs(out: Path) -> int:
    try:
        return json.loads((out / "state.json").read_text())["epochs_completed"]
    except (OSError, ValueError, KeyError):
        return 0


def headless(config, out: Path, poll_s: float = 0.02) -> EpochTimes:
    """`vaegui train` of `config`, timed from its launch, epoch by epoch from state.json (CPU: its whole tree)."""
    times = EpochTimes()
    started = time.perf_counter()
    process = vaegui_train(config, out)
    times.started = (started, 0.0)
    seen = 0
    while process.poll() is None:
        epochs = saved_epochs(out)
        if epochs > seen:
            seen = epochs
            times.ends.append((time.perf_counter(), tree_cpu_seconds(process.pid)))
        time.sleep(poll_s)
    if process.returncode != 0:
        raise RuntimeError(f"vaegui train failed: {process.stderr.read()[-2000:]}")
    times.first_epoch_seconds = first_epoch_seconds(out)
    return times


def first_epoch_seconds(out: Path) -> float:
    from vaegui.runs.history import read_history_rows

    rows = read_history_rows(out / "history.csv")
    return rows[0]["seconds"] if rows else float("nan")


def median(values: list[float]) -> float:
    values = [v for v in values if v == v]
    return statistics.median(values) if values else float("nan")
