"""`vaegui encode` and `vaegui metrics`, headless, as a script runs them: real run folders and keras.io-style model
files; each command runs in this process (tests/test_cli.py starts `vaegui` as a real process)."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from tests.conftest import train_tiny_run
from tests.latent.test_foreign_model import _keras_io_pair
from tests.test_cli import vaegui_in_process as vaegui
from vaegui.runs import Run
from vaegui.runs.history import QUALITY_COLUMNS

pytestmark = pytest.mark.trains  # left out of `make test-fast` (tests/suite_tiers.py)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return train_tiny_run(tmp_path_factory.mktemp("cli") / "run", z_dim=3)


def _codes(path):
    with np.load(path) as saved:
        return {key: saved[key] for key in saved.files}


def test_encode_writes_the_codes_of_a_runs_split(run, tmp_path):
    digits = run.load_dataset()  # split as the run was (its seed)
    done = vaegui("encode", str(run.folder), "--split", "test", "--out", str(tmp_path / "codes.npz"))
    assert done.returncode == 0, done.stderr
    codes = _codes(tmp_path / "codes.npz")
    assert set(codes) == {"mu", "log_var", "z", "labels", "split", "index"}
    test_count = len(digits.test)
    assert codes["mu"].shape == codes["log_var"].shape == codes["z"].shape == (test_count, 3)
    np.testing.assert_array_equal(codes["labels"], digits.test.labels)
    np.testing.assert_array_equal(codes["index"], np.arange(test_count))
    assert np.abs(codes["z"] - codes["mu"]).max() > 1e-3  # z is a draw from each image's cloud
    assert f"Wrote {tmp_path / 'codes.npz'}: mu, log_var, z, labels of {test_count} images × 3" in done.stdout

    quiet = vaegui("encode", str(run.folder), "--split", "both", "--mu-only", "--out", str(tmp_path / "mu.npz"))
    assert quiet.returncode == 0, quiet.stderr
    both = _codes(tmp_path / "mu.npz")
    np.testing.assert_array_equal(both["z"], both["mu"])
    assert len(both["mu"]) == len(digits.train) + test_count
    # The same images give the same centres, whatever the switch: the test rows of `both` are the first file's.
    test_rows = both["split"] == 1
    np.testing.assert_allclose(both["mu"][test_rows], codes["mu"], atol=1e-5)


def test_encode_takes_a_keras_io_pair_with_or_without_labels(tmp_path, digits):
    _keras_io_pair(tmp_path)
    pair = ["--encoder", str(tmp_path / "encoder.keras"), "--decoder", str(tmp_path / "decoder.keras")]
    labelled = vaegui("encode", *pair, "--dataset", "digits", "--split", "train", "--out", str(tmp_path / "a.npz"))
    assert labelled.returncode == 0, labelled.stderr
    codes = _codes(tmp_path / "a.npz")
    assert codes["mu"].shape == (len(digits.train), 2)
    np.testing.assert_array_equal(codes["labels"], digits.train.labels)

    np.savez(tmp_path / "unlabelled.npz", x=digits.train.images[:300, :, :, 0])  # images only
    plain = vaegui("encode", *pair, "--dataset", str(tmp_path / "unlabelled.npz"), "--split", "test",
                   "--out", str(tmp_path / "b.npz"))
    assert plain.returncode == 0, plain.stderr
    codes = _codes(tmp_path / "b.npz")
    assert "labels" not in codes and codes["mu"].shape == (30, 2)  # its 10 % test split
    assert "no labels" in plain.stdout


def test_encode_says_what_is_missing_or_mixed(run, tmp_path):
    nothing = vaegui("encode", "--out", str(tmp_path / "x.npz"))
    assert nothing.returncode == 1 and "Say what to encode" in nothing.stderr and "Traceback" not in nothing.stderr
    assert "missing: --encoder, --decoder, --dataset" in nothing.stderr
    mixed = vaegui("encode", str(run.folder), "--dataset", "digits", "--out", str(tmp_path / "x.npz"))
    assert mixed.returncode == 1 and "not both" in mixed.stderr
    no_out = vaegui("encode", str(run.folder))
    assert no_out.returncode == 2 and "--out" in no_out.stderr
    assert not (tmp_path / "x.npz").exists()


def test_metrics_prints_the_last_epochs_figures(run):
    last = Run.open(run.folder).history[-1]
    as_json = vaegui("metrics", str(run.folder), "--json")
    assert as_json.returncode == 0, as_json.stderr
    figures = json.loads(as_json.stdout)
    assert (figures["epoch"], figures["z_dim"], figures["measured_now"]) == (2, 3, False)
    for key in ("loss", "val_loss", *QUALITY_COLUMNS):
        assert figures[key] == pytest.approx(last[key], rel=1e-6), key
    text = vaegui("metrics", str(run.folder))
    assert text.returncode == 0, text.stderr
    assert "epoch 2 of 2" in text.stdout
    assert "Directions in use (active units)" in text.stdout
    assert f"{int(last['active_units'])} of 3" in text.stdout


def test_metrics_measures_a_run_trained_before_the_figures_were_kept(run, tmp_path):
    import shutil

    old = tmp_path / "old-run"
    shutil.copytree(run.folder, old)
    with open(old / "history.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    columns = [c for c in rows[0] if c not in QUALITY_COLUMNS]
    with open(old / "history.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    done = vaegui("metrics", str(old), "--json")
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["measured_now"] and figures["active_units"] is not None and 0 <= figures["knn_accuracy"] <= 1
    missing = vaegui("metrics", str(tmp_path / "nope"))
    assert missing.returncode == 1 and "does not exist" in missing.stderr


def test_metrics_text_and_json_name_each_quantity_once_and_alike(run):
    """'Reconstruction error (training) 100.7' in the text was the training loss, while --json's
    reconstruction_error (91.55) is the test images' error from mu: two quantities, one name. Now every line of the
    text ends in its JSON key, with the JSON's value."""
    figures = json.loads(vaegui("metrics", str(run.folder), "--json").stdout)
    lines = [line for line in vaegui("metrics", str(run.folder)).stdout.splitlines() if line.startswith("  ")]
    keys = [line.split()[-1] for line in lines]
    assert len(set(keys)) == len(keys) and set(keys) <= set(figures)
    assert {"reconstruction_loss", "reconstruction_error", "loss", "val_loss", "kl_loss"} <= set(keys)
    labels = {line.split()[-1]: line[2:line.index("  ", 2)].strip() for line in lines}
    assert len(set(labels.values())) == len(labels)  # one label each: no two quantities share a name
    for line, key in zip(lines, keys):
        if figures[key] is not None and key not in ("active_units", "dead_hidden_units"):
            shown = line.split()[-2]
            percent = shown.endswith("%")
            assert float(shown.rstrip("%")) == pytest.approx(figures[key] * (100 if percent else 1), rel=0.01,
                                                             abs=0.5 if percent else 0.01), line


@pytest.fixture(scope="module")
def run_8bit(tmp_path_factory):
    """A tiny run on digits kept as 8-bit pixels (an .npz), so a PNG can hold an image of it exactly."""
    from sklearn.datasets import load_digits

    from tests.conftest import tiny_config
    from vaegui.config import DataConfig
    from vaegui.training import TrainingSession

    folder = tmp_path_factory.mktemp("cli_8bit")
    digits = load_digits()
    np.savez(folder / "digits8.npz", x=np.round(digits.images * 255 / 16).astype(np.uint8)[..., None],
             y=digits.target)
    config = tiny_config(epochs=1, images_per_epoch=256)
    config.data = DataConfig(dataset=str(folder / "digits8.npz"))
    run = Run.create(folder / "run", config)
    TrainingSession(run, run.load_dataset(), probe_size=64).run()
    return Run.open(folder / "run")


def test_encode_images_gives_the_code_the_run_gives_its_own_image(run_8bit, tmp_path):
    """Two of the run's own test images written as PNGs (and one that is no picture): prepared as the run's images
    are, each gets exactly the code the run's own encoding of that image has."""
    from PIL import Image

    from vaegui.latent.encoding import encode_split

    dataset = run_8bit.load_dataset()
    model = run_8bit.load_model(dataset.image_shape)
    model.set_mu_only(True)
    own = encode_split(model, dataset, "test", errors=False)
    files = []
    for index in (3, 41):
        files.append(tmp_path / f"test-{index}.png")
        Image.fromarray(dataset.test.images.pixels(index)[..., 0]).save(files[-1])
    (tmp_path / "notes.png").write_text("no picture")
    done = vaegui("encode", str(run_8bit.folder), "--images", *map(str, files), str(tmp_path / "notes.png"),
                  "--mu-only", "--out", str(tmp_path / "mine.npz"))
    assert done.returncode == 1, done.stderr  # written, but one file was refused: a script can tell
    assert "notes.png: it is not a picture vaegui can read" in done.stderr
    assert "test-3.png: Prepared as the run's images are (same size and colours: nothing to change)." in done.stderr
    codes = _codes(tmp_path / "mine.npz")
    assert [name.rsplit("/", 1)[-1] for name in codes["names"]] == ["test-3.png", "test-41.png"]
    np.testing.assert_array_equal(codes["mu"], own.mu[[3, 41]])
    np.testing.assert_array_equal(codes["log_var"], own.log_var[[3, 41]])
    np.testing.assert_array_equal(codes["z"], codes["mu"])
    assert f"Wrote {tmp_path / 'mine.npz'}: mu, log_var, z (z = mu), names of 2 picture(s) × 2" in done.stdout
