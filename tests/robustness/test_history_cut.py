"""A history.csv cut short or mid-row (a crash, a full disk, a hand edit) is never continued silently: the missing
epochs come back from what the run folder holds, or the person is told which are lost and what Continue does."""

from __future__ import annotations

import shutil

import pytest

from tests.robustness.conftest import run_cli
from vaegui.loss_terms import LOSS_NAMES
from vaegui.runs import Run
from vaegui.runs.history import read_history_rows


def cut_mid_row(run_folder) -> list[dict[str, float]]:
    """Cut history.csv inside its last row (as a full disk would); returns the rows it had."""
    path = run_folder / "history.csv"
    rows = read_history_rows(path)
    text = path.read_text()
    path.write_text(text[: text.rstrip("\n").rfind("\n") + 25])  # 24 characters of the last row are left
    return rows


def test_a_history_cut_mid_row_is_restored_from_the_tensorboard_logs(trained_run):
    rows = cut_mid_row(trained_run)
    assert [row["epoch"] for row in read_history_rows(trained_run / "history.csv")] == [1]  # the cut row is left out
    run = Run.open(trained_run)
    assert [row["epoch"] for row in run.history] == [1, 2]
    for name in (*LOSS_NAMES, *(f"val_{name}" for name in LOSS_NAMES), "beta", "seconds"):
        assert run.history[1][name] == pytest.approx(rows[1][name], rel=1e-6), name
    assert run.history_gaps.missing == (2,) and run.history_gaps.lost == ()
    assert run.history_gaps.describe() == (
        "The run's history (history.csv) was cut short: it lacked epoch 2. Epoch 2 was restored from the TensorBoard "
        "logs. Continue training goes on from there and saves the whole history again.")


def test_without_logs_the_losses_come_from_the_batches_and_continue_writes_them_back(capsys, trained_run):
    rows = cut_mid_row(trained_run)
    shutil.rmtree(trained_run / "tensorboard")
    run = Run.open(trained_run)
    for name in LOSS_NAMES:  # Keras' epoch loss is the mean of its batches' own losses
        assert run.history[1][name] == pytest.approx(rows[1][name], rel=1e-4), name
    assert "val_loss" not in run.history[1]
    code, out, err = run_cli(capsys, "train", "--resume", trained_run, "--epochs", "3")
    assert code == 0, err
    assert "Epoch 2 was restored from the per-batch history" in out
    saved = read_history_rows(trained_run / "history.csv")
    assert [row["epoch"] for row in saved] == [1, 2, 3]
    assert saved[1]["loss"] == pytest.approx(rows[1]["loss"], rel=1e-4)
    assert Run.open(trained_run).history_gaps is None  # whole again


def test_epochs_nothing_holds_are_named_and_continue_says_it_keeps_the_gap(capsys, trained_run):
    (trained_run / "history.csv").write_text("epoch,loss,reconstruction_loss,kl_loss\n")  # cut to its header
    shutil.rmtree(trained_run / "tensorboard")
    (trained_run / "batch_history.csv").unlink()
    run = Run.open(trained_run)
    assert run.history == [] and run.history_gaps.lost == (1, 2)
    said = ("The run's history (history.csv) was cut short: it lacked epochs 1–2. Nothing in the run folder holds "
            "the losses of epochs 1–2: their points stay missing from the curves. The weights are intact: Continue "
            "training goes on from epoch 2 and keeps the history it has, with that gap.")
    assert run.history_gaps.describe() == said
    code, out, _ = run_cli(capsys, "train", "--resume", trained_run, "--epochs", "3")
    assert code == 0 and said in out
    assert [row["epoch"] for row in read_history_rows(trained_run / "history.csv")] == [3]
