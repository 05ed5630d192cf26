"""The Explorer tests' fixtures: tiny trained runs (one copy per test module) and a tab opened on one."""

from tests.gui.explorer.explorer_tab_helpers import open_tab, run_z2, run_z4, run_z20  # noqa: F401 (fixtures)
