"""Starting TensorFlow: its native start-up lines hidden unless --verbose, then the device it trains on.

What a CPU-only machine printed on every `vaegui` start (TensorFlow 2.21), and what hides each line:

    WARNING: All log messages before absl::InitializeLog() is called are written to STDERR      (twice)
    I0000 … port.cc:153] oneDNN custom operations are on. …                                      (twice)
    I0000 … cudart_stub.cc:31] Could not find cuda drivers on your machine, GPU will not be used. (twice)
    E0000 … cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA error: … (303)

The first three come from two of TensorFlow's shared libraries as they load, before absl's logging is
set up, so they ignore TF_CPP_MIN_LOG_LEVEL (1 to 3), TF_CPP_MIN_VLOG_LEVEL and TF_CPP_MAX_VLOG_LEVEL,
ABSL_MIN_LOG_LEVEL, GLOG_minloglevel and GRPC_VERBOSITY alike (each tried; levels 1 to 3 only drop the
cpu_feature_guard notice that TensorFlow's default level 0 adds). TF_ENABLE_ONEDNN_OPTS=0 would drop the
oneDNN line but change the numerics, and CUDA_VISIBLE_DEVICES must stay the user's; neither is touched.
The cuInit line comes with the first device query; TF_CPP_MIN_LOG_LEVEL=3 hides it, but also every later
native error.

So no process filters its own file descriptors. A process that loads TensorFlow has its stderr piped
by the process that started it, which passes each line through keep_line unless --verbose: the
window reads its trainer's lines into the Training tab's Details view (and echoes them with
--verbose), and `vaegui train` runs its training in a child whose stderr it filters the same way
(vaegui.stderr_filter). TF_CPP_MIN_LOG_LEVEL defaults to 2 (native info and warnings off, errors on);
the cuInit error is dropped only where it is expected (no NVIDIA driver, or GPUs hidden by
CUDA_VISIBLE_DEVICES): where a driver is there, it says why no GPU is used, and shows.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

ABSL_BANNER = b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR"
# absl's record prefix: severity, MMDD, time, thread id, file:line]. Before absl is set up the date reads 0000 and
# the time 00:00:<seconds since 1970>. Severities in TF_CPP_MIN_LOG_LEVEL's order.
ABSL_RECORD = re.compile(rb"([IWEF])\d{4} \d\d:\d\d:\d+\.\d+ +\d+ [^\]]*\] ?(.*)")
SEVERITIES = b"IWEF"
NO_DRIVER_CUINIT = b"failed call to cuInit"
DEFAULT_LOG_LEVEL = "2"

_quiet: bool | None = None  # None: not configured (a library use, tests): quiet, and no echo of a child's lines


def configure(verbose: bool) -> None:
    """The app's choice, made once at start: quiet (the default of `vaegui`) or everything (--verbose)."""
    global _quiet
    _quiet = not verbose
    if _quiet:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", DEFAULT_LOG_LEVEL)


def verbose() -> bool:
    """Whether the person asked for TensorFlow's native lines on their terminal (--verbose)."""
    return _quiet is False


def keep_line(line: bytes, min_level: int, drop_cuinit: bool) -> bool:
    """Whether one line written to stderr while TensorFlow starts reaches the user."""
    if line.rstrip(b"\r\n") == ABSL_BANNER:
        return False
    record = ABSL_RECORD.match(line)
    if record is None:
        return True
    if SEVERITIES.index(record[1]) < min_level:
        return False
    return not (drop_cuinit and record[2].startswith(NO_DRIVER_CUINIT))


def cuinit_failure_expected() -> bool:
    """Whether a failed cuInit says nothing: no NVIDIA driver here, or the user hid the GPUs (CUDA_VISIBLE_DEVICES)."""
    if os.environ.get("CUDA_VISIBLE_DEVICES", "unset").strip() in ("", "-1"):
        return True
    return not any(Path(p).exists() for p in ("/proc/driver/nvidia", "/dev/nvidiactl", "/dev/dxg"))


def min_log_level() -> int:
    try:
        return min(max(int(os.environ.get("TF_CPP_MIN_LOG_LEVEL", "0")), 0), 3)
    except ValueError:
        return 0


def native_line_filter() -> Callable[[bytes], bool]:
    """keep_line with this machine's settings: for a child's piped stderr (the trainer's, or `vaegui train`'s)."""
    min_level, drop_cuinit = min_log_level(), cuinit_failure_expected()
    return lambda line: keep_line(line, min_level, drop_cuinit)


def start_tensorflow() -> str:
    """Import TensorFlow, Keras and vaegui's model code (seconds), set up the devices; returns their description."""
    import vaegui.model  # noqa: F401  (pulls in keras and tensorflow)
    from vaegui.training.devices import configure_devices, device_description

    configure_devices()
    # TensorFlow's Python warnings go to the terminal unless asked for (--verbose): among them its advice on
    # "excessive retracing", which mu-only's deliberate rebuild of the predict function sets off.
    import logging

    logging.getLogger("tensorflow").setLevel(logging.WARNING if verbose() else logging.ERROR)
    return device_description()
