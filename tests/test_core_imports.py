"""The core imports without Qt, and no two core modules import each other (also not for type hints only)."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import vaegui

pytestmark = pytest.mark.spawns  # left out of `make test-fast` (tests/suite_tiers.py)

CORE_PACKAGES = (
    "vaegui.config",
    "vaegui.data",
    "vaegui.model",
    "vaegui.training",
    "vaegui.latent",
    "vaegui.runs",
    "vaegui.cli",
    "vaegui.compat",
)
PACKAGE_ROOT = Path(vaegui.__file__).parent


def core_module_names() -> list[str]:
    """Every module of the package except the GUI's."""
    names = ["vaegui"]
    for module in pkgutil.walk_packages([str(PACKAGE_ROOT)], prefix="vaegui."):
        if module.name != "vaegui.gui" and not module.name.startswith("vaegui.gui."):
            names.append(module.name)
    return sorted(names)


def test_every_core_module_imports_with_pyside6_blocked():
    names = core_module_names()
    assert set(CORE_PACKAGES) <= set(names)
    script = textwrap.dedent(
        f"""
        import importlib, importlib.abc, sys

        class NoQt(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name == "PySide6" or name.startswith("PySide6."):
                    raise ImportError(f"{{name}} is blocked: the core must not import Qt")
                return None

        sys.meta_path.insert(0, NoQt())
        for name in {names!r}:
            importlib.import_module(name)
        leaked = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "pyqtgraph", "superqt"))
        assert not leaked, leaked
        print("imported", len({names!r}))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == f"imported {len(names)}"


def module_level_imports(path: Path, known: set[str]) -> set[str]:
    """The vaegui modules `path` imports outside functions (under `if TYPE_CHECKING:` too)."""
    found = set()
    for node in _outside_functions(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in known else node.module)
    return found & known


def _outside_functions(tree: ast.AST):
    """Every node but those inside functions: a function's imports run late, on purpose (TensorFlow, sklearn)."""
    stack = list(ast.iter_child_nodes(tree))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def test_no_core_module_imports_one_that_imports_it_back():
    paths = {}
    for name in core_module_names():
        relative = Path(*name.split(".")[1:])
        package_init = PACKAGE_ROOT / relative / "__init__.py"
        paths[name] = package_init if package_init.exists() else PACKAGE_ROOT / relative.with_suffix(".py")
    known = set(paths)
    # A package's __init__ importing its own modules is how it re-exports them, not a circle.
    graph = {
        name: {other for other in module_level_imports(path, known) if not other.startswith(f"{name}.")} - {name}
        for name, path in paths.items()
    }
    circles = set()
    for start in graph:
        stack, reached = [(start, (start,))], set()
        while stack:
            current, trail = stack.pop()
            for following in graph[current]:
                if following == start:
                    circles.add(" -> ".join((*trail, start)))
                elif following not in reached:
                    reached.add(following)
                    stack.append((following, (*trail, following)))
    assert sorted(circles) == []
