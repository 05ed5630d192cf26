"""The AE vs tiny-KL VAE experiment: two runs trained one after the other, differing only in β."""

from __future__ import annotations

import json

import pytest

from tests.conftest import tiny_config
from vaegui.runs import Run
from vaegui.training.control import TrainingControl
from vaegui.training.experiments import plan_ae_vs_tiny_kl, train_experiment
from vaegui.training.progress import TrainingListener

pytestmark = pytest.mark.trains  # left out of `make test-fast` (tests/suite_tiers.py)


def _without_beta(folder) -> dict:
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    del config["model"]["kl_weight"]
    return config


def test_the_two_runs_differ_only_in_beta(tmp_path):
    base = tiny_config(epochs=1)
    base.model.kl_weight = 1.0
    result = train_experiment(plan_ae_vs_tiny_kl(base), tmp_path / "runs")
    assert not result.stopped and len(result.runs) == 2
    ae, vae = (summary.folder for summary in result.runs)
    assert ae.parent == vae.parent == tmp_path / "runs" and ae.name.startswith("digits-ae-")
    betas = [json.loads((f / "config.json").read_text(encoding="utf-8"))["model"]["kl_weight"] for f in (ae, vae)]
    assert betas == [0.0, 5e-4]
    assert _without_beta(ae) == _without_beta(vae)
    assert _without_beta(ae)["training"] == base.to_dict()["training"]  # the form's settings, seed included
    assert [summary.name for summary in result.runs] == ["Autoencoder (β 0)", "Tiny-KL VAE (β 5e-4)"]
    assert [Run.open(f).epochs_completed for f in (ae, vae)] == [1, 1]
    # Trained for real with their own β: the autoencoder's loss has no KL part, the VAE's has.
    history = [Run.open(f).history[-1] for f in (ae, vae)]
    assert history[0]["loss"] == history[0]["reconstruction_loss"]
    assert history[1]["loss"] > history[1]["reconstruction_loss"]


def test_a_settings_form_without_a_seed_gets_one_seed_for_both(tmp_path):
    base = tiny_config(epochs=1, seed=None)
    planned = plan_ae_vs_tiny_kl(base)
    seeds = {plan.config.training.seed for plan in planned}
    assert len(seeds) == 1 and None not in seeds
    assert base.training.seed is None  # the form's own settings are left as they were


def test_a_stop_ends_the_run_under_way_and_trains_no_more(tmp_path):
    control = TrainingControl()

    class StopAfterFirstEpoch(TrainingListener):
        def on_epoch(self, progress) -> None:
            control.stop()

    planned = plan_ae_vs_tiny_kl(tiny_config(epochs=3))
    result = train_experiment(planned, tmp_path, lambda index, plan: StopAfterFirstEpoch(), control)
    assert result.stopped and len(result.runs) == 1
    assert result.runs[0].epochs_completed == 1 and result.runs[0].kl_weight == 0.0
    assert len(list(tmp_path.iterdir())) == 1  # the second run was never made
