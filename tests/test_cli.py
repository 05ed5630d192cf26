"""`vaegui train`, headless, as a user runs it: real subprocesses, real run folders."""

from __future__ import annotations

import contextlib
import io
import os
import shlex
import subprocess
import sys

import pytest

from vaegui.runs import Run

pytestmark = pytest.mark.spawns  # left out of `make test-fast` (tests/suite_tiers.py)

TINY = ["--z-dim", "2", "--conv-filters", "4,8", "--dense-units", "8", "--batch-size", "64", "--seed", "3"]


def vaegui(*args, cwd=None, timeout=240):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    return subprocess.run(
        [sys.executable, "-m", "vaegui.cli", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout
    )


def vaegui_in_process(*args) -> subprocess.CompletedProcess:
    """`vaegui ARGS` run by vaegui.cli.main in this process, reported as a finished process would be.

    For tests of what a command does (the files it writes, its messages and exit code) rather than of the process
    it runs in, which the tests above check: TensorFlow is then imported once per test session, not per command.
    """
    from vaegui.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(arg) for arg in args])
        except SystemExit as exit_:  # argparse's own exits (--help, unknown flags)
            code = exit_.code
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def test_train_then_resume_then_reopen(tmp_path):
    out = tmp_path / "x"
    done = vaegui_in_process("train", "--dataset", "digits", "--epochs", "2", *TINY, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert f"Run folder: {out}" in done.stdout and "Training finished after 2 of 2 epochs" in done.stdout
    assert "epoch 2/2" in done.stderr

    more = vaegui_in_process("train", "--resume", str(out), "--epochs", "3")
    assert more.returncode == 0, more.stderr
    assert "epochs 3–3" in more.stderr and "finished after 3 of 3 epochs" in more.stdout
    run = Run.open(out)
    assert [r["epoch"] for r in run.history] == [1, 2, 3]
    assert run.config.training.epochs == 3 and run.load_model().z_dim == 2


def test_config_file_and_flags(tmp_path):
    config = tmp_path / "settings.json"
    config.write_text('{"model": {"z_dim": 3, "conv_filters": [4, 8], "dense_units": 8}, "training": {"epochs": 1}}')
    done = vaegui_in_process("train", "--config", str(config), "--kl-weight", "0.5", "--subset", "500", "--out",
                  str(tmp_path / "y"))
    assert done.returncode == 0, done.stderr
    run = Run.open(tmp_path / "y")
    assert (run.config.model.z_dim, run.config.model.kl_weight, run.epochs_completed) == (3, 0.5, 1)
    assert run.config.data.subset == 500


def test_errors_are_one_clear_line_and_exit_non_zero(tmp_path):
    bad = vaegui_in_process("train", "--dataset", "digits", "--epochs", "0", "--out", str(tmp_path / "z"))
    assert bad.returncode == 1
    assert bad.stderr.strip() == "vaegui: error: Epochs 0 is out of range: train for at least 1 epoch."
    missing = vaegui_in_process("train", "--resume", str(tmp_path / "nope"))
    assert missing.returncode == 1 and "does not exist" in missing.stderr and "Traceback" not in missing.stderr
    mixed = vaegui_in_process("train", "--resume", str(tmp_path / "nope"), "--z-dim", "4")
    assert mixed.returncode == 1 and "--z-dim cannot be used with --resume" in mixed.stderr


def test_unknown_flag_and_help_behave_like_any_cli():
    unknown = vaegui("train", "--epoch", "3", "--bogus")
    assert unknown.returncode == 2 and "unrecognized arguments: --bogus" in unknown.stderr
    helped = vaegui("train", "--help")
    assert helped.returncode == 0 and "--resume RUN_FOLDER" in helped.stdout and "--kl-strategy" in helped.stdout


class _Terminal(io.StringIO):
    """A terminal as a program sees it: isatty() is True; every write is kept, in order, to be replayed."""

    def __init__(self):
        super().__init__()
        self.writes: list[str] = []

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.writes.append(text)
        return len(text)


def test_progress_on_an_80_column_terminal_fits_and_leaves_no_stale_text(tmp_path, monkeypatch, capsys):
    """Replayed through a terminal emulator wider than 80 columns: nothing drawn past column 80, ever."""
    import pyte

    from vaegui.cli import main

    terminal = _Terminal()
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("LINES", "40")
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["train", "--dataset", "digits", "--epochs", "2", *TINY, "--out", str(tmp_path / "r")]) == 0
    screen = pyte.Screen(120, 60)
    screen.set_mode(pyte.modes.LNM)  # a terminal's line discipline turns "\n" into "\r\n"
    emulator = pyte.Stream(screen)
    bars_drawn = 0
    for text in terminal.writes:
        emulator.feed(text)
        lines = [line.rstrip() for line in screen.display]
        assert max(map(len, lines)) <= 80, "\n".join(lines)
        assert sum("ETA" in line for line in lines) <= 1, "\n".join(lines)  # one bar, redrawn in place
        bars_drawn += any("ETA" in line for line in lines)
    assert bars_drawn > 0
    final = [line.rstrip() for line in screen.display if line.strip()]
    assert not any("ETA" in line or "━" in line for line in final), "\n".join(final)  # the bar is gone
    assert [line.split()[1] for line in final if line.startswith("epoch ")] == ["1/2", "2/2"]
    assert all("\r" not in text for text in capsys.readouterr().out)


def test_progress_in_a_pipe_is_plain_lines_one_per_epoch(tmp_path):
    done = vaegui("train", "--dataset", "digits", "--epochs", "3", *TINY, "--out", str(tmp_path / "p"))
    assert done.returncode == 0, done.stderr
    assert "\r" not in done.stderr and "\x1b" not in done.stderr
    epoch_lines = [line for line in done.stderr.splitlines() if line.startswith("epoch ")]
    assert [line.split()[1] for line in epoch_lines] == ["1/3", "2/3", "3/3"]
    assert all("reconstruction" in line and "img/s" in line for line in epoch_lines)


def test_kl_warmup_given_on_resume_is_used(tmp_path):
    out = tmp_path / "w"
    first = vaegui_in_process("train", "--dataset", "digits", "--epochs", "1", *TINY, "--kl-weight", "0.5",
                              "--out", str(out))
    assert first.returncode == 0, first.stderr
    more = vaegui_in_process("train", "--resume", str(out), "--epochs", "3", "--kl-warmup", "4")
    assert more.returncode == 0, more.stderr
    run = Run.open(out)
    assert run.config.training.kl_warmup_epochs == 4
    assert [round(row["beta"], 6) for row in run.history] == [0.5, 0.5 * 2 / 4, 0.5 * 3 / 4]


def test_printed_commands_are_shell_quoted_and_paste_back(tmp_path):
    out = tmp_path / "my runs" / "it's a run"
    done = vaegui_in_process("train", "--dataset", "digits", "--epochs", "1", *TINY, "--out", str(out))
    assert done.returncode == 0, done.stderr
    hints = dict(line.split(":", 1) for line in done.stdout.splitlines() if line.endswith(tuple("0123456789'")))
    assert hints["Open it with"].strip() == f"vaegui gui {shlex.quote(str(out))}"
    command = hints["Train longer with"].strip()
    assert command == f"vaegui train --resume {shlex.quote(str(out))} --epochs 2"
    # The printed line, pasted into a real shell, where `vaegui` is this Python's vaegui.
    shell = f'vaegui() {{ {shlex.quote(sys.executable)} -m vaegui.cli "$@"; }}; {command}'
    pasted = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=240,
                            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""})
    assert pasted.returncode == 0, pasted.stderr
    assert Run.open(out).epochs_completed == 2


def test_resuming_a_finished_run_says_how_to_train_longer_and_trains_nothing(tmp_path):
    out = tmp_path / "done"
    assert vaegui_in_process("train", "--dataset", "digits", "--epochs", "2", *TINY, "--out", str(out)).returncode == 0
    before = {path.name: path.stat().st_mtime_ns for path in out.rglob("*")}
    again = vaegui_in_process("train", "--resume", str(out))
    assert again.returncode == 0, again.stderr
    assert "has already finished: it completed 2 epochs" in again.stdout
    assert f"raise --epochs above 2:\n  vaegui train --resume {shlex.quote(str(out))} --epochs 4" in again.stdout
    assert "Training on" not in again.stderr and "epoch " not in again.stderr
    fewer = vaegui_in_process("train", "--resume", str(out), "--epochs", "1")
    assert fewer.returncode == 0 and "so --epochs 1 leaves nothing to train" in fewer.stdout
    assert {path.name: path.stat().st_mtime_ns for path in out.rglob("*")} == before
    assert Run.open(out).config.training.epochs == 2
