"""TensorFlow's native start-up lines are hidden unless --verbose; real errors, warnings and fatal lines still show."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from tests.test_cli import TINY
from vaegui.cli import build_parser
from vaegui.tensorflow_start import keep_line

pytestmark = pytest.mark.spawns  # left out of `make test-fast` (tests/suite_tiers.py)

# Lines as TensorFlow 2.21 printed them here (CPU only), and real errors in absl's format.
BANNER = b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
ONEDNN = (
    b"I0000 00:00:1796045947.010864     688 port.cc:153] oneDNN custom operations are on. You may see slightly "
    b"different numerical results due to floating-point round-off errors from different computation orders. "
    b"To turn them off, set the environment variable `TF_ENABLE_ONEDNN_OPTS=0`.\n"
)
CUDART = b"I0000 00:00:1796045947.011279     688 cudart_stub.cc:31] Could not find cuda drivers on your machine, " \
    b"GPU will not be used.\n"
CUINIT = b"E0000 00:00:1796045949.324820     688 cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA error: " \
    b"Failed call to cuInit: UNKNOWN ERROR (303)\n"
WARNING = b"W1130 13:38:42.123456    1234 gpu_device.cc:2344] Cannot dlopen some GPU libraries.\n"
REAL_ERROR = b"E1130 13:38:42.123456    1234 cuda_dnn.cc:522] Loaded runtime CuDNN library: 8.1.0 but source was " \
    b"compiled with: 8.6.0.\n"
FATAL = b"F0000 00:00:1796045947.011279     688 cpu_feature_guard.cc:94] The TensorFlow library was compiled to use " \
    b"AVX instructions, but these aren't available on your machine.\n"
# What a user must not see on a default start.
NOISE_MARKERS = ("absl::InitializeLog", "oneDNN custom operations", "cudart_stub", "failed call to cuInit",
                 "cpu_feature_guard")


def user_environment(**extra: str) -> dict[str, str]:
    """The environment of a user who set none of TensorFlow's variables (the test suite sets some)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "CUDA_VISIBLE_DEVICES")}
    return {**env, **extra}


def noise_in(text: str) -> list[str]:
    return [marker for marker in NOISE_MARKERS if marker in text]


def test_keep_line_drops_start_up_notices_and_keeps_errors():
    for notice in (BANNER, ONEDNN, CUDART, WARNING):
        assert not keep_line(notice, 2, drop_cuinit=True)
    assert not keep_line(CUINIT, 2, drop_cuinit=True)
    assert keep_line(CUINIT, 2, drop_cuinit=False)  # a driver is there: the error says why no GPU is used
    assert keep_line(REAL_ERROR, 2, drop_cuinit=True) and keep_line(FATAL, 3, drop_cuinit=True)
    # The level is the user's TF_CPP_MIN_LOG_LEVEL, applied as TensorFlow applies it once its logging is set up.
    assert keep_line(ONEDNN, 0, drop_cuinit=True) and keep_line(WARNING, 1, drop_cuinit=True)
    assert not keep_line(REAL_ERROR, 3, drop_cuinit=True)
    for line in (b"<string>:9: UserWarning: careful\n", b"Traceback (most recent call last):\n",
                 b"vaegui: error: the dataset is empty\n", b"To enable the following instructions: AVX2\n"):
        assert keep_line(line, 3, drop_cuinit=True)


# A child that writes TensorFlow's start-up lines (and real output) on its stderr, as a training's child does; the
# parent copies them through the filter, as `vaegui train` does.
NOISY_CHILD = textwrap.dedent(
    """
    import os, sys, warnings
    lines = [bytes.fromhex(h) for h in sys.argv[2:]]
    os.write(2, b"before\\n")
    for line in lines:
        os.write(2, line)
    os.write(2, b"epoch 1/2 \\r")  # a bar redrawn in place: no newline, shown at once
    print("vaegui: warning: 2 image files could not be read", file=sys.stderr, flush=True)
    warnings.warn("a Python warning", UserWarning)
    if sys.argv[1] == "abort":
        os.write(2, lines[-1])
        os.abort()
    os.write(2, b"after\\n")
    """
)


def run_filter(mode: str, *lines: bytes) -> tuple[int, str]:
    from vaegui.stderr_filter import copy_filtered
    from vaegui.tensorflow_start import keep_line

    child = subprocess.Popen([sys.executable, "-c", NOISY_CHILD, mode, *(line.hex() for line in lines)],
                             stderr=subprocess.PIPE, env=user_environment(CUDA_VISIBLE_DEVICES=""))
    out = io.BytesIO()
    drop = mode != "verbose"
    copy_filtered(child.stderr.fileno(), out, lambda line: keep_line(line, 2, True) if drop else True)
    return child.wait(timeout=60), out.getvalue().decode()


def test_a_childs_stderr_passes_the_filter_in_order_and_the_bar_at_once():
    code, quiet = run_filter("quiet", BANNER, ONEDNN, CUDART, CUINIT, REAL_ERROR, BANNER)
    assert code == 0, quiet
    lines = quiet.split("\n")  # the bar's \r stays inside its line, as the terminal receives it
    bar_then_warning = "epoch 1/2 \rvaegui: warning: 2 image files could not be read"
    assert lines[:3] == ["before", REAL_ERROR.decode().rstrip(), bar_then_warning]
    assert lines[3].endswith("UserWarning: a Python warning") and lines[-2:] == ["after", ""]
    assert noise_in(quiet) == []
    _, verbose = run_filter("verbose", BANNER, ONEDNN, CUDART, CUINIT, REAL_ERROR)
    assert verbose.splitlines()[:6] == ["before", *(line.decode().rstrip() for line in
                                                    (BANNER, ONEDNN, CUDART, CUINIT, REAL_ERROR))]


def test_a_fatal_native_line_reaches_the_terminal_when_the_child_aborts():
    code, aborted = run_filter("abort", ONEDNN, FATAL)
    assert code == -signal.SIGABRT
    assert FATAL.decode().rstrip() in aborted.splitlines()
    assert "oneDNN" not in aborted


def test_verbose_is_taken_before_or_after_the_command():
    parser = build_parser()
    verbose = {tuple(argv): parser.parse_args(argv).verbose for argv in (
        [], ["--verbose"], ["gui"], ["gui", "--verbose"], ["--verbose", "gui"], ["train"], ["train", "--verbose"],
        ["--verbose", "train"],
    )}
    assert [argv for argv, on in verbose.items() if on] == [
        ("--verbose",), ("gui", "--verbose"), ("--verbose", "gui"), ("train", "--verbose"), ("--verbose", "train"),
    ]


def vaegui_train(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "vaegui.cli", "train", *args], capture_output=True, text=True, timeout=300,
        env=user_environment(),
    )


def test_vaegui_train_hides_tensorflows_start_up_lines(tmp_path):
    quiet = vaegui_train("--dataset", "digits", "--epochs", "1", *TINY, "--out", str(tmp_path / "quiet"))
    assert quiet.returncode == 0, quiet.stderr
    assert noise_in(quiet.stderr) == [], quiet.stderr
    assert "epoch 1/1" in quiet.stderr and "Training finished" in quiet.stdout

    missing = tmp_path / "missing.npz"
    refused = vaegui_train("--dataset", str(missing), "--epochs", "1", "--out", str(tmp_path / "bad"))
    assert refused.returncode == 1
    assert f"vaegui: error: '{missing}' is neither a built-in dataset" in refused.stderr


def test_vaegui_train_verbose_shows_tensorflows_start_up_lines(tmp_path):
    verbose = vaegui_train("--dataset", "digits", "--epochs", "1", *TINY, "--out", str(tmp_path / "v"), "--verbose")
    assert verbose.returncode == 0, verbose.stderr
    assert "absl::InitializeLog" in verbose.stderr and len(noise_in(verbose.stderr)) >= 2, verbose.stderr


def test_tensorflows_python_warnings_stay_off_the_terminal_unless_verbose(monkeypatch):
    """mu-only's deliberate rebuilds set off TensorFlow's 'excessive retracing' advice on the terminal."""
    import logging

    from vaegui import tensorflow_start

    logger = logging.getLogger("tensorflow")
    level = logger.level
    monkeypatch.setattr(tensorflow_start, "_quiet", None)
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2"))
    try:
        for verbose, heard in ((False, False), (True, True)):
            tensorflow_start.configure(verbose)
            tensorflow_start.start_tensorflow()
            assert logger.isEnabledFor(logging.WARNING) is heard
            assert logger.isEnabledFor(logging.ERROR)
    finally:
        logger.setLevel(level)
