"""The numpy KL the views use is the training graph's KL, and the history's columns follow the loss names."""

from __future__ import annotations

import numpy as np

from vaegui.loss_terms import LOSS_NAMES, kl_divergence_terms
from vaegui.runs import BATCH_COLUMNS, EPOCH_COLUMNS


def test_numpy_kl_matches_the_graph_kl():
    from vaegui.model.layers import kl_divergence

    rng = np.random.default_rng(0)
    mu = rng.normal(size=(16, 3)).astype(np.float32)
    log_var = rng.normal(size=(16, 3)).astype(np.float32)
    terms = kl_divergence_terms(mu, log_var)
    assert terms.shape == (16, 3) and (terms >= 0).all()
    np.testing.assert_allclose(terms.sum(axis=1).mean(), float(kl_divergence(mu, log_var)), rtol=1e-5)
    assert np.allclose(kl_divergence_terms(np.zeros((2, 4)), np.zeros((2, 4))), 0.0), "the prior itself costs nothing"


def test_history_columns_are_the_loss_names():
    assert EPOCH_COLUMNS[1:7] == (*LOSS_NAMES, *(f"val_{name}" for name in LOSS_NAMES))
    assert BATCH_COLUMNS[2:] == LOSS_NAMES
