"""A pytest plugin: the CPU seconds each test costs (its own process and the processes it waited for), slowest first.

On a machine shared with other work, wall-clock durations swing by 2× with the load; the CPU a test spends does
not, so this table shows which tests grew. `-p tests.cpu_durations --cpu-durations=15` (`make test` passes it).
Works under pytest-xdist: each worker measures its own tests and the figure travels with the test's report.
"""

from __future__ import annotations

import os

import pytest

KEY = "cpu_s"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--cpu-durations", type=int, default=None, metavar="N",
                     help="show the N tests that cost the most CPU seconds (0: all)")


def _cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    spent = getattr(item, "_cpu_spent", {})
    if call.when in spent:
        report.user_properties.append((KEY, spent[call.when]))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    yield from _measured(item, "setup")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item):
    yield from _measured(item, "call")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item):
    yield from _measured(item, "teardown")


def _measured(item: pytest.Item, when: str):
    start = _cpu_seconds()
    yield
    item.__dict__.setdefault("_cpu_spent", {})[when] = _cpu_seconds() - start


class _Table:
    def __init__(self) -> None:
        self.rows: list[tuple[float, str, str]] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for key, value in report.user_properties:
            if key == KEY:
                self.rows.append((value, report.when, report.nodeid))

    def pytest_terminal_summary(self, terminalreporter) -> None:
        count = terminalreporter.config.getoption("cpu_durations")
        rows = sorted(self.rows, reverse=True)
        total = sum(row[0] for row in rows)
        terminalreporter.write_sep("=", f"CPU seconds: {total:.0f} in all, slowest {count or len(rows)}")
        for seconds, when, nodeid in rows[: count or None]:
            terminalreporter.write_line(f"{seconds:7.2f}s {when:<8} {nodeid}")


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("cpu_durations") is not None:
        config.pluginmanager.register(_Table(), "cpu_durations_table")
