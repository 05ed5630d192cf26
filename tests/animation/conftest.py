"""A tiny run trained for real on digits for three epochs: its epoch views are what the movies show."""
from __future__ import annotations

import pytest

from tests.conftest import train_tiny_run


@pytest.fixture(scope="session")
def three_epoch_run(tmp_path_factory):
    return train_tiny_run(tmp_path_factory.mktemp("animation") / "three-epochs", z_dim=2, epochs=3)
