"""The run folder: atomic files, reopening, damaged or mismatched content explained."""

from __future__ import annotations

import json

import pytest

from tests.conftest import tiny_config
from vaegui.atomic_files import atomic_output_path, write_text_atomically
from vaegui.errors import RunFolderError
from vaegui.runs import Run, new_run_folder


def test_atomic_write_leaves_the_old_file_when_the_writer_fails(tmp_path):
    target = tmp_path / "history.csv"
    write_text_atomically(target, "old")
    with pytest.raises(RuntimeError):
        with atomic_output_path(target) as temp:
            temp.write_text("half of the new")
            raise RuntimeError("killed mid-write")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["history.csv"], "no temp file left behind"


def test_create_refuses_an_existing_run_and_open_explains_missing_folders(tmp_path):
    Run.create(tmp_path / "run", tiny_config())
    with pytest.raises(RunFolderError, match=r"already holds a run.*--resume"):
        Run.create(tmp_path / "run", tiny_config())
    with pytest.raises(RunFolderError, match=r"does not exist"):
        Run.open(tmp_path / "missing")
    (tmp_path / "plain").mkdir()
    with pytest.raises(RunFolderError, match=r"not a vaegui run folder \(it has no config.json\)"):
        Run.open(tmp_path / "plain")


def test_damaged_config_is_named(tmp_path):
    run = Run.create(tmp_path / "run", tiny_config())
    (run.folder / "config.json").write_text(json.dumps({"model": {"z_dim": "two"}}))
    with pytest.raises(RunFolderError, match=r"cannot be opened.*'model.z_dim' has the wrong type"):
        Run.open(run.folder)


def test_new_run_folder_names_are_unique(tmp_path):
    first = new_run_folder(tmp_path, "digits")
    first.mkdir()
    second = new_run_folder(tmp_path, "digits")
    assert first != second and second.name.startswith("digits-")
    assert new_run_folder(tmp_path, "/data/my images/").name.startswith("my_images-")
