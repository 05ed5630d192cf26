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

So, unless the user asks for --verbose: TF_CPP_MIN_LOG_LEVEL defaults to 2 (native info and warnings
off, errors on), and while TensorFlow loads and lists its devices, file descriptor 2 goes through a
filter that drops the banner, the records below that level and the cuInit error where it is expected (no
NVIDIA driver, or GPUs hidden by CUDA_VISIBLE_DEVICES); where a driver is there, that error says why no GPU
is used, and shows. Everything else, Python's warnings and tracebacks included, passes at once. The filter
is a small child process, not a thread: the import holds the GIL for seconds, and a fatal native error
("F…" then abort) still reaches the terminal when this process dies.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ABSL_BANNER = b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR"
# absl's record prefix: severity, MMDD, time, thread id, file:line]. Before absl is set up the date reads 0000 and
# the time 00:00:<seconds since 1970>. Severities in TF_CPP_MIN_LOG_LEVEL's order.
ABSL_RECORD = re.compile(rb"([IWEF])\d{4} \d\d:\d\d:\d+\.\d+ +\d+ [^\]]*\] ?(.*)")
SEVERITIES = b"IWEF"
NO_DRIVER_CUINIT = b"failed call to cuInit"
DEFAULT_LOG_LEVEL = "2"

_quiet = False
_lingering: list[subprocess.Popen] = []  # filters still draining a pipe that another process holds open


def configure(verbose: bool) -> None:
    """The app's choice, made once at start: quiet (the default of `vaegui`) or everything (--verbose)."""
    global _quiet
    _quiet = not verbose
    if _quiet:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", DEFAULT_LOG_LEVEL)


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


def _min_log_level() -> int:
    try:
        return min(max(int(os.environ.get("TF_CPP_MIN_LOG_LEVEL", "0")), 0), 3)
    except ValueError:
        return 0


def forward(min_level: int, drop_cuinit: bool) -> None:
    """The filter process: stdin (the pipe) to stdout (the real stderr), line by line, until every writer closes."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the app; this ends when the pipe does
    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        if keep_line(line, min_level, drop_cuinit):
            out.write(line)
            out.flush()


_FORWARD = "import sys; sys.path.insert(0, sys.argv[1]); from vaegui.tensorflow_start import forward; " \
    "forward(int(sys.argv[2]), sys.argv[3] == '1')"


@contextlib.contextmanager
def quiet_native_start() -> Iterator[None]:
    """While inside, stderr (the file descriptor, so native writes too) goes through keep_line, if configured quiet."""
    if not _quiet:
        yield
        return
    sys.stderr.flush()
    try:
        read_end, write_end = os.pipe()
        package_root = str(Path(__file__).resolve().parent.parent)
        arguments = [package_root, str(_min_log_level()), "1" if cuinit_failure_expected() else "0"]
        # -I -S: no site-packages scan, no user environment; the filter needs only vaegui's folder.
        forwarder = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _FORWARD, *arguments], stdin=read_end, stdout=2, stderr=2
        )
    except OSError:
        yield  # no filter (no interpreter to start, say): the lines show, nothing else changes
        return
    os.close(read_end)
    saved = os.dup(2)
    os.dup2(write_end, 2)
    os.close(write_end)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        # The filter ends once the pipe has no writer left, having written everything: later lines keep their order.
        try:
            forwarder.wait(timeout=5)
        except subprocess.TimeoutExpired:
            _lingering.append(forwarder)  # a child started meanwhile inherited the pipe; it drains as that one runs


def start_tensorflow() -> str:
    """Import TensorFlow, Keras and vaegui's model code (seconds), set up the devices; returns their description."""
    with quiet_native_start():
        import vaegui.model  # noqa: F401  (pulls in keras and tensorflow)
        from vaegui.training.devices import configure_devices, device_description

        configure_devices()
        return device_description()
