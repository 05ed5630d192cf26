"""Trained run folders the tests share, built once and kept on disk under a hash of what they are made from.

A fixture that trains a model names a recipe (its settings) and a function that builds the folder. The folder is
kept in `.test-fixtures/` (or $VAEGUI_TEST_FIXTURES) under a key hashing the recipe, the source of the vaegui code
that training runs and the library versions, so that
- the xdist workers of one run train each fixture once: the first takes a lock and builds it, the others wait
  for it and copy it;
- a later run (the next `make test`) trains nothing until that code or a recipe changes;
- a change to the model, the training or the run folder's format makes a new key, so a test never sees a run
  that today's code would not have written.
Every test gets its own copy, so a test that writes into its run (a lock, a relocated dataset) cannot reach
another's, nor the kept original.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from functools import cache
from importlib.metadata import version
from pathlib import Path

from filelock import FileLock

REPOSITORY = Path(__file__).resolve().parent.parent
PACKAGE = REPOSITORY / "vaegui"
# Parts of vaegui that a trained folder cannot depend on: what shows runs (Qt views, state models, words), and
# the commands and movies built on top of runs. An edit there keeps every kept fixture.
NOT_IN_TRAINING = ("gui", "app", "words", "commands", "animation")
LIBRARIES = ("tensorflow", "keras", "numpy", "h5py")


def fixture_root() -> Path:
    return Path(os.environ.get("VAEGUI_TEST_FIXTURES", REPOSITORY / ".test-fixtures"))


@cache
def training_code_digest() -> str:
    """sha256 of the vaegui code a training depends on, this file, and the versions of the libraries it uses.

    The code is hashed as parsed (ast.dump), so editing a comment or the layout of a line keeps every fixture.
    """
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] in NOT_IN_TRAINING:
            continue
        digest.update(str(relative).encode() + b"\0" + ast.dump(ast.parse(path.read_bytes())).encode() + b"\0")
    digest.update(Path(__file__).read_bytes())
    for library in LIBRARIES:
        digest.update(f"{library}=={version(library)}".encode())
    return digest.hexdigest()


def kept_folder(name: str, recipe: dict, build: Callable[[Path], None]) -> Path:
    """The kept folder for `recipe`, built by `build(folder)` into a fresh folder the first time only.

    `name` says what it is (it only names the folder); `recipe` must hold everything `build` varies on.
    """
    if os.environ.get("VAEGUI_FAST_TESTS") == "1":
        import pytest

        pytest.fail(f"A test asked for a trained run ({name}), which `make test-fast` leaves out: mark its module "
                    "`pytestmark = pytest.mark.trains` (tests/suite_tiers.py).", pytrace=False)
    code = training_code_digest()[:12]
    recipe_key = hashlib.sha256(json.dumps({"name": name, **recipe}, sort_keys=True).encode()).hexdigest()[:12]
    root = fixture_root()
    root.mkdir(parents=True, exist_ok=True)
    kept = root / f"{name}-{recipe_key}-{code}"
    if kept.is_dir():
        return kept
    # One builder per key: a second worker (or a second `make test`) waits here, then finds the folder built.
    with FileLock(root / f"{kept.name}.lock"):
        if kept.is_dir():
            return kept
        building = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=root))
        try:
            build(building)
            # A rename is atomic: a reader finds the whole folder or none, also after a build killed midway.
            building.rename(kept)
        finally:
            shutil.rmtree(building, ignore_errors=True)
        _remove_older_code(root, code)
    return kept


def _remove_older_code(root: Path, code: str) -> None:
    """Folders (and their locks) built by other training code: today's code will never read them again."""
    for stale in root.iterdir():
        if not stale.name.startswith(".") and stale.name.removesuffix(".lock").rsplit("-", 1)[-1] != code:
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                stale.unlink(missing_ok=True)


def copy_of(kept: Path, destination: Path) -> Path:
    """A private copy of a kept folder at `destination` (which must not exist yet)."""
    return Path(shutil.copytree(kept, destination))
