"""Damaged, foreign and old run folders given to `vaegui train --resume`: one clear error line, nothing changed."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.robustness.conftest import digest, error_line, run_cli
from vaegui.config import CONFIG_VERSION
from vaegui.runs import Run

LAST = "checkpoints/epoch-00002.weights.h5"


def rollback_hint(run) -> str:
    return (
        f"the checkpoint of epoch 1 is intact: continue from it with vaegui train --resume {run} --rollback 1, "
        "or retrain the run."
    )


def resume_fails(capsys, run, *extra) -> str:
    """Resume `run` for one more epoch; it must fail with exit 1 and leave every file as it was."""
    before = digest(run)
    code, _, err = run_cli(capsys, "train", "--resume", run, "--epochs", "3", *extra)
    assert code == 1
    assert digest(run) == before, "a failed resume must not change the run folder"
    return error_line(err)


def edit_config(run, change) -> None:
    config = json.loads((run / "config.json").read_text())
    change(config)
    (run / "config.json").write_text(json.dumps(config))


def test_weights_damaged_inside(capsys, trained_run):
    weights = trained_run / LAST
    data = bytearray(weights.read_bytes())
    data[2000:6000] = b"\xff" * 4000  # over the object headers: the file opens but its layers cannot be read
    weights.write_bytes(bytes(data))
    message = resume_fails(capsys, trained_run)
    assert message.startswith(f"The weights file {weights} is damaged (")
    assert message.endswith(rollback_hint(trained_run))


def test_weights_truncated(capsys, trained_run):
    weights = trained_run / LAST
    weights.write_bytes(weights.read_bytes()[:30_000])
    message = resume_fails(capsys, trained_run)
    assert message.startswith(f"The weights file {weights} is damaged (Unable to synchronously open file (truncated")
    assert message.endswith(rollback_hint(trained_run))


def test_weights_empty(capsys, trained_run):
    (trained_run / LAST).write_bytes(b"")
    assert resume_fails(capsys, trained_run) == (
        f"The weights file {trained_run / LAST} is empty (0 bytes): it was damaged; {rollback_hint(trained_run)}"
    )


def test_weights_file_that_is_not_hdf5(capsys, trained_run):
    (trained_run / LAST).write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(600))  # a PNG renamed to .weights.h5
    assert resume_fails(capsys, trained_run) == (
        f"The weights file {trained_run / LAST} is not a Keras weights file (no HDF5 signature): it was damaged or "
        f"replaced; {rollback_hint(trained_run)}"
    )


def test_weights_of_another_latent_size(capsys, trained_run, foreign_weights):
    shutil.copyfile(foreign_weights, trained_run / LAST)
    message = resume_fails(capsys, trained_run)
    assert message.startswith(
        f"The weights file {trained_run / LAST} does not fit this run's model (z_dim 2, conv 4,8, dense 8): it was "
        "saved by a different architecture or latent size, or config.json was edited (Layer '"
    )
    assert message.endswith("Put back the run's own config.json, or open the run folder the weights came from.")


def test_config_edited_to_another_architecture(capsys, trained_run):
    edit_config(trained_run, lambda c: c["model"].update(z_dim=5))
    message = resume_fails(capsys, trained_run)
    assert message.startswith(f"The weights file {trained_run / LAST} does not fit this run's model (z_dim 5, conv 4,8")


def test_missing_run_folder(capsys, tmp_path):
    code, _, err = run_cli(capsys, "train", "--resume", tmp_path / "gone")
    assert code == 1
    assert error_line(err) == f"Run folder {tmp_path / 'gone'} does not exist: check the path, or train a new run."
    assert not (tmp_path / "gone").exists()


def test_folder_that_is_not_a_run(capsys, tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "cat.png").write_bytes(b"not really")
    before = digest(tmp_path / "photos")
    code, _, err = run_cli(capsys, "train", "--resume", tmp_path / "photos")
    assert code == 1
    assert error_line(err) == (
        f"{tmp_path / 'photos'} is not a vaegui run folder (it has no config.json): open the folder a run was saved in."
    )
    assert digest(tmp_path / "photos") == before


def test_config_with_an_unknown_key(capsys, trained_run):
    edit_config(trained_run, lambda c: c["model"].update(latent_size=3))
    assert resume_fails(capsys, trained_run) == (
        f"The run in {trained_run} cannot be opened. Settings file {trained_run / 'config.json'}: unknown setting(s) "
        "latent_size in 'model'. Known settings there: z_dim, conv_filters, dense_units, activation, kl_weight, "
        "kl_strategy, reconstruction_loss."
    )


def test_config_with_a_missing_key(capsys, trained_run):
    edit_config(trained_run, lambda c: c["model"].pop("z_dim"))
    assert resume_fails(capsys, trained_run) == (
        f"The run in {trained_run} cannot be opened. Settings file {trained_run / 'config.json'} is missing "
        "setting(s) model.z_dim. A run's config.json lists every setting its weights were trained with, and vaegui "
        "cannot guess them: put them back as they were, or train a new run."
    )


def test_config_with_a_wrong_type(capsys, trained_run):
    edit_config(trained_run, lambda c: c["training"].update(batch_size="64"))
    assert resume_fails(capsys, trained_run) == (
        f"The run in {trained_run} cannot be opened. Settings file {trained_run / 'config.json'}: setting "
        "'training.batch_size' has the wrong type ('64'); expected a whole number."
    )


def test_config_that_is_not_json(capsys, trained_run):
    (trained_run / "config.json").write_text('{"model": {"z_dim": 2,')
    assert resume_fails(capsys, trained_run) == (
        f"The run in {trained_run} cannot be opened. Settings file {trained_run / 'config.json'} is not valid JSON "
        "(line 1: Expecting property name enclosed in double quotes): fix or recreate it."
    )


def test_config_from_a_newer_vaegui(capsys, trained_run):
    edit_config(trained_run, lambda c: c.update(version=CONFIG_VERSION + 1))
    assert resume_fails(capsys, trained_run) == (
        f"The run in {trained_run} cannot be opened. Settings file {trained_run / 'config.json'} was written by a "
        f"newer vaegui (config version {CONFIG_VERSION + 1}; this one reads up to {CONFIG_VERSION}): update vaegui "
        "to open it."
    )


def test_run_from_config_version_1_is_migrated_and_resumes(capsys, trained_run):
    # Version 1 kept every setting in one flat object and called the latent size latent_dim.
    current = json.loads((trained_run / "config.json").read_text())
    flat = {"version": 1, **current["data"], **current["training"], **current["model"]}
    flat["latent_dim"] = flat.pop("z_dim")
    (trained_run / "config.json").write_text(json.dumps(flat))
    code, _, err = run_cli(capsys, "train", "--resume", trained_run, "--epochs", "3")
    assert code == 0, err
    assert "epochs 3–3" in err
    migrated = json.loads((trained_run / "config.json").read_text())
    assert migrated["version"] == CONFIG_VERSION and migrated["model"]["z_dim"] == 2
    assert [row["epoch"] for row in Run.open(trained_run).history] == [1, 2, 3]


def test_damaged_state_file(capsys, trained_run):
    (trained_run / "state.json").write_text('{"epochs_completed": 2,')
    message = resume_fails(capsys, trained_run)
    assert message.startswith(f"{trained_run / 'state.json'} is damaged (")
    assert message.endswith("): the run cannot be reopened.")


def test_damaged_history_file(capsys, trained_run):
    (trained_run / "history.csv").write_text("epoch,loss\n1,forty-two\n")
    assert resume_fails(capsys, trained_run) == (
        f"{trained_run / 'history.csv'} is damaged (could not convert string to float: 'forty-two'): delete it to "
        "reopen the run without curves."
    )


def test_damaged_optimizer_state(capsys, trained_run):
    optimizer = trained_run / "checkpoints" / "epoch-00002.optimizer.npz"
    optimizer.write_bytes(b"PK\x03\x04 half a zip")
    assert resume_fails(capsys, trained_run) == (
        f"The optimizer state {optimizer} is damaged (not a NumPy .npz file). The weights are fine: delete that file "
        "to continue training with a fresh optimizer."
    )


def test_rollback_continues_from_the_intact_checkpoint(capsys, trained_run):
    (trained_run / LAST).write_bytes(b"")
    epoch_1 = {k: v for k, v in digest(trained_run).items() if "epoch-00001" in k}
    code, out, err = run_cli(capsys, "train", "--resume", trained_run, "--rollback", "1", "--epochs", "3")
    assert code == 0, err
    assert "Rolled back to the checkpoint of epoch 1." in out and "epochs 2–3" in err
    run = Run.open(trained_run)
    assert run.epochs_completed == 3
    assert [row["epoch"] for row in run.history] == [1, 2, 3]
    pairs = [(row["epoch"], row["batch"]) for row in run.batch_history]
    assert len(pairs) == len(set(pairs)) == 3 * 26
    assert {k: v for k, v in digest(trained_run).items() if "epoch-00001" in k} in ({}, epoch_1)
    run.load_model((8, 8, 1))  # the rewritten epoch 2 and the new epoch 3 load


@pytest.mark.parametrize(
    "arguments, message",
    [
        (
            ["--rollback", "7"],
            "Cannot roll {run} back to epoch 7: it keeps earlier checkpoints of epoch(s) 1 (the run has completed 2).",
        ),
        (
            ["--z-dim", "4"],
            "--z-dim cannot be used with --resume: a resumed run keeps its model and folder. Only "
            "training settings such as --epochs or --learning-rate may change, and --dataset may say where the run's "
            "data is now.",
        ),
        (["--learning-rate", "-1"], "Learning rate -1.0 must be greater than 0 (1e-3 is a good start) and at most 10."),
    ],
    ids=["rollback-to-an-epoch-not-kept", "model-flag-on-resume", "bad-training-flag-on-resume"],
)
def test_resume_arguments_that_cannot_apply(capsys, trained_run, arguments, message):
    assert resume_fails(capsys, trained_run, *arguments) == message.format(run=trained_run)
