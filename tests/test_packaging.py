"""The wheel ships the icon and example configs, found once installed; every imported package is declared."""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.spawns  # left out of `make test-fast` (tests/suite_tiers.py)

REPO = Path(__file__).resolve().parents[1]
SHIPPED_CONFIGS = sorted(path.stem for path in (REPO / "resources" / "configs").glob("*.json"))
# What setup.py and pyproject.toml need to build the wheel (a copy, so the build leaves no build/ in the checkout).
BUILD_INPUTS = ("pyproject.toml", "setup.py", "README.md", "vaegui", "resources")


def _pip(*args: str, cwd: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "pip", *args, "--quiet"], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_wheel_ships_icon_and_configs_and_finds_them_installed(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for name in BUILD_INPUTS:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(REPO / name, source / name)
    # No build isolation: the build uses this environment's setuptools instead of downloading one.
    _pip("wheel", ".", "--no-deps", "--no-build-isolation", "-w", str(tmp_path / "dist"), cwd=source)
    (wheel,) = (tmp_path / "dist").glob("vaegui-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "vaegui/resources/vaegui.svg" in names
    assert {f"vaegui/resources/configs/{name}.json" for name in SHIPPED_CONFIGS} <= names
    modules = {path.relative_to(REPO).as_posix() for path in (REPO / "vaegui").rglob("*.py")}
    assert modules <= names, f"missing from the wheel: {sorted(modules - names)}"

    _pip("install", "--no-deps", "--target", str(tmp_path / "site"), str(wheel), cwd=tmp_path)
    probe = (
        "from vaegui.bundled import icon_file, example_configs, settings_file\n"
        "print(icon_file()); print(settings_file('fashion_mnist')); print(','.join(example_configs()))"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    icon, config, names_found = done.stdout.split()
    site = tmp_path / "site" / "vaegui" / "resources"
    assert Path(icon) == site / "vaegui.svg" and Path(icon).is_file()
    assert Path(config) == site / "configs" / "fashion_mnist.json"
    assert names_found.split(",") == SHIPPED_CONFIGS


def test_a_shipped_config_is_found_by_name_and_a_path_still_works(tmp_path, monkeypatch):
    from vaegui.bundled import settings_file
    from vaegui.config import RunConfig
    from vaegui.errors import ConfigError

    monkeypatch.chdir(tmp_path)
    assert SHIPPED_CONFIGS == ["celeba_96", "digits", "fashion_mnist"]
    for name in ("fashion_mnist", "fashion_mnist.json"):
        assert RunConfig.from_json_file(settings_file(name)).data.dataset == "fashion_mnist"
    (tmp_path / "fashion_mnist.json").write_text('{"data": {"dataset": "digits"}}')
    assert RunConfig.from_json_file(settings_file("fashion_mnist.json")).data.dataset == "digits"  # a file wins
    with pytest.raises(ConfigError, match=r"fashion\.json does not exist.*\(celeba_96, digits, fashion_mnist\)"):
        settings_file("fashion.json")
    with pytest.raises(ConfigError, match="not the name of a shipped example"):
        settings_file("elsewhere/digits")


def test_train_config_by_name_through_the_cli(tmp_path):
    from tests.test_cli import TINY
    from tests.test_cli import vaegui_in_process as vaegui  # the shipped configs found, in any process
    from vaegui.runs import Run

    done = vaegui("train", "--config", "digits", "--epochs", "1", *TINY, "--out", str(tmp_path / "r"))
    assert done.returncode == 0, done.stderr
    run = Run.open(tmp_path / "r")
    from vaegui.config import TrainingConfig

    # The shipped file's settings, the defaults for what it leaves out, the flags over both.
    assert (run.config.data.dataset, run.config.training.learning_rate, run.epochs_completed) == (
        "digits", TrainingConfig().learning_rate, 1)
    unknown = vaegui("train", "--config", "fashon_mnist")
    assert unknown.returncode == 1
    assert "fashon_mnist does not exist" in unknown.stderr and "celeba_96, digits, fashion_mnist" in unknown.stderr


def _imported_modules(folder: Path) -> set[str]:
    names = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_directly_imported_package_is_declared():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + [r for group in project["optional-dependencies"].values() for r in group]
    declared = {_normal(re.split(r"[\s<>=!~;\[]", requirement)[0]) for requirement in requirements}
    # Ours: the packages, and the helper modules the scripts import from their own folder (_qt_wait, _grab, ...).
    helpers = {path.stem for part in ("benchmarks", "scripts") for path in (REPO / part).rglob("*.py")}
    ours = {"vaegui", "tests", "benchmarks", "__future__"} | helpers
    imported = set().union(*(_imported_modules(REPO / part) for part in ("vaegui", "tests", "benchmarks", "scripts")))
    third_party = imported - ours - set(sys.stdlib_module_names)
    distributions = importlib.metadata.packages_distributions()
    not_installed_here = {"umap": "umap-learn"}  # optional extras this environment lacks
    undeclared = {}
    for module in sorted(third_party):
        dists = distributions.get(module) or [not_installed_here.get(module, module)]
        if not {_normal(dist) for dist in dists} & declared:
            undeclared[module] = dists
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"
