"""The suite's two tiers: `make test` and `make test-fast` (hooks and a guard imported by tests/conftest.py).

`make test` runs everything. `make test-fast` runs the tests that show no window, train no model and start no
process (`-m "not gui and not trains and not spawns"`), for the inner loop. A test is marked
- `gui` when it lives under tests/gui/ or uses pytest-qt (qtbot, qapp);
- `trains` when it uses a trained fixture (tests/conftest.py), or its module says `pytestmark = pytest.mark.trains`;
- `spawns` when it (or its module: `pytestmark = pytest.mark.spawns`) says so: it starts Python processes, most of
  which import TensorFlow (seconds each).
In the fast tier (VAEGUI_FAST_TESTS=1, set by `make test-fast`) a test that trains or starts Python anyway fails and
says which mark it lacks, so the tier cannot slow down unnoticed.
"""

from __future__ import annotations

import os
import subprocess

import pytest

FAST_TIER = os.environ.get("VAEGUI_FAST_TESTS") == "1"
GUI_FOLDERS = ("gui", "screen")
GUI_FIXTURES = {"qtbot", "qapp"}
# Fixtures that hand a test a trained run (a copy of a kept one, tests/trained_fixtures.py).
TRAINED_FIXTURES = {
    "tiny_run", "tiny_run_z4", "trained_run", "trained_run_template", "foreign_weights", "three_epoch_run",
}


def pytest_configure(config: pytest.Config) -> None:
    for marker in (
        "gui: shows widgets (pytest-qt); not in `make test-fast`",
        "trains: trains a model or uses a trained fixture; not in `make test-fast`",
        "spawns: starts processes (each imports TensorFlow); not in `make test-fast`",
    ):
        config.addinivalue_line("markers", marker)


def pytest_itemcollected(item: pytest.Item) -> None:
    fixtures = set(getattr(item, "fixturenames", ()))
    tests_folder = item.config.rootpath / "tests"
    parts = item.path.relative_to(tests_folder).parts if item.path.is_relative_to(tests_folder) else ()
    if (parts and parts[0] in GUI_FOLDERS) or fixtures & GUI_FIXTURES:
        item.add_marker(pytest.mark.gui)
    if fixtures & TRAINED_FIXTURES:
        item.add_marker(pytest.mark.trains)


@pytest.fixture(autouse=True)
def fast_tier_guard(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """In the fast tier, training a model or starting a process fails the test, naming the mark it lacks."""
    if not FAST_TIER:
        yield
        return
    from vaegui.training import TrainingSession

    def refuse(mark: str, what: str):
        def refused(*args, **kwargs):
            pytest.fail(f"{request.node.nodeid} {what}, which `make test-fast` leaves out: mark its module "
                        f"`pytestmark = pytest.mark.{mark}` (tests/suite_tiers.py).", pytrace=False)
        return refused

    monkeypatch.setattr(TrainingSession, "run", refuse("trains", "trains a model"))
    start_process = subprocess.Popen.__init__
    refuse_python = refuse("spawns", "starts Python or vaegui in a process (with TensorFlow: seconds each)")

    def start_unless_python(self, args, *rest, **kwargs):
        words = [os.path.basename(str(word)) for word in ([args] if isinstance(args, (str, bytes, os.PathLike))
                                                           else args)]
        if any(word.startswith("python") or word == "vaegui" for word in words):
            refuse_python()
        start_process(self, args, *rest, **kwargs)

    monkeypatch.setattr(subprocess.Popen, "__init__", start_unless_python)
    yield
