"""The run library's core: a run folder summed up from its files, its own name, and where runs are found."""

from __future__ import annotations

import json
import math

import pytest

from tests.conftest import tiny_config
from vaegui.errors import RunFolderError
from vaegui.runs import Run
from vaegui.runs.history import write_history
from vaegui.runs.library import (
    NAME_FILE,
    find_run_folders,
    format_figure,
    library_folders,
    read_run_name,
    read_run_summary,
    remember,
    rename_run,
)


def _row(epoch: int, **figures) -> dict[str, float]:
    return {"epoch": epoch, "loss": 100.0 - epoch, "reconstruction_loss": 90.0 - epoch, "kl_loss": 5.0 + epoch,
            "val_loss": 101.0 - epoch, "active_units": 2, "knn_accuracy": 0.5 + epoch / 100, **figures}


def run_folder_without_weights(folder, epochs_completed=3, rows=None, kl_weight=0.25):
    """A run folder as training leaves it (config, state, history), written by the run's own code; no training."""
    config = tiny_config(epochs=10)
    config.model.kl_weight = kl_weight
    run = Run.create(folder, config)
    run.epochs_completed = epochs_completed
    run.checkpoint = f"checkpoints/epoch-{epochs_completed:05d}"
    run.write_state()
    write_history(folder, rows if rows is not None else [_row(e) for e in range(1, epochs_completed + 1)], [])
    return folder


def test_a_summary_holds_the_settings_and_the_last_completed_epochs_figures(tmp_path):
    folder = run_folder_without_weights(tmp_path / "digits-20261130-110610")
    summary = read_run_summary(folder)
    assert (summary.name, summary.own_name, summary.problem) == ("digits-20261130-110610", None, "")
    assert (summary.dataset, summary.z_dim, summary.kl_weight) == ("digits", 2, 0.25)
    assert (summary.epochs_completed, summary.epochs_planned) == (3, 10)
    assert summary.figure("loss") == 97.0 and summary.figure("knn_accuracy") == pytest.approx(0.53)
    assert summary.figure("dead_hidden_units") is None  # not in this history
    assert summary.trained_at == pytest.approx((folder / "state.json").stat().st_mtime)
    assert summary.describe() == "digits · z_dim 2 · β 0.25 · 3 epochs"


def test_rows_of_an_epoch_that_never_finished_are_not_its_last_epoch(tmp_path):
    # Killed during epoch 4: its row was written, its checkpoint (state.json) was not.
    folder = run_folder_without_weights(tmp_path / "killed", epochs_completed=3, rows=[_row(e) for e in range(1, 5)])
    assert read_run_summary(folder).last_epoch["epoch"] == 3


def test_the_last_row_of_a_long_history_is_read_from_its_tail(tmp_path):
    rows = [_row(e, knn_accuracy=e / 10_000) for e in range(1, 2001)]  # ~300 kB: read only its end
    folder = run_folder_without_weights(tmp_path / "long", epochs_completed=2000, rows=rows)
    summary = read_run_summary(folder)
    assert summary.last_epoch["epoch"] == 2000 and summary.figure("knn_accuracy") == pytest.approx(0.2)


def test_a_name_of_its_own_is_kept_in_the_folder_which_keeps_its_name(tmp_path):
    folder = run_folder_without_weights(tmp_path / "digits-20261130-110610")
    assert rename_run(folder, "  Autoencoder,\n first try ") == "Autoencoder, first try"
    assert json.loads((folder / NAME_FILE).read_text(encoding="utf-8")) == {"name": "Autoencoder, first try"}
    summary = read_run_summary(folder)
    assert (summary.name, summary.folder_name) == ("Autoencoder, first try", "digits-20261130-110610")
    assert Run.open(folder).epochs_completed == 3  # the run itself is untouched
    assert rename_run(folder, "   ") is None  # an empty name: back to the folder's
    assert not (folder / NAME_FILE).exists() and read_run_summary(folder).name == "digits-20261130-110610"


def test_renaming_refuses_what_it_cannot_keep(tmp_path):
    folder = run_folder_without_weights(tmp_path / "run")
    with pytest.raises(RunFolderError, match="keep it to 120"):
        rename_run(folder, "x" * 121)
    with pytest.raises(RunFolderError, match="not a vaegui run folder"):
        rename_run(tmp_path, "name")
    (folder / NAME_FILE).write_text("{not json", encoding="utf-8")
    assert read_run_name(folder) is None  # a damaged name file is no name, never an error


def test_a_folder_that_cannot_be_opened_is_listed_with_the_reason(tmp_path):
    folder = run_folder_without_weights(tmp_path / "damaged")
    (folder / "state.json").write_text("{", encoding="utf-8")
    summary = read_run_summary(folder)
    assert "state.json is damaged" in summary.problem and summary.describe() == summary.problem
    assert "no config.json" in read_run_summary(tmp_path).problem


def test_runs_are_found_under_the_root_and_wherever_they_were_opened(tmp_path):
    root = tmp_path / "runs"
    first = run_folder_without_weights(root / "a")
    nested = run_folder_without_weights(root / "experiment" / "b")
    (root / "not-a-run").mkdir()
    elsewhere = run_folder_without_weights(tmp_path / "elsewhere" / "c")
    assert find_run_folders(root) == [first, nested]
    assert find_run_folders(first) == [first]  # the root may itself be a run
    remembered = [str(elsewhere), str(first), str(tmp_path / "deleted-run")]
    assert library_folders(root, remembered) == [first, nested, elsewhere]  # each once; gone ones left out
    assert library_folders(tmp_path / "no-runs-yet", []) == []


def test_remembering_puts_the_latest_first_once(tmp_path):
    kept = remember([], tmp_path / "a")
    kept = remember(kept, tmp_path / "b")
    kept = remember(kept, tmp_path / "a")
    assert kept == [str(tmp_path / "a"), str(tmp_path / "b")]
    assert len(remember([str(i) for i in range(300)], tmp_path / "x")) == 200


def test_figures_read_as_people_read_them():
    assert format_figure("active_units", 14.0) == "14"
    assert format_figure("knn_accuracy", 0.9234) == "92%"
    assert format_figure("loss", 123.456789) == "123.5"
    assert format_figure("knn_accuracy", math.nan) == "—" and format_figure("loss", None) == "—"
