"""The verbs' Qt-free models on a real tiny run: the layers' work runs off the model's thread, the decoder's on the
model's own lane; a group takes only what the filter shows."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.app.manual_runner import ManualRunner
from vaegui.app.explorer_loading import RunSource
from vaegui.app.explorer_model import ExplorerModel
from vaegui.app.explorer_selection import SelectionModel
from vaegui.app.map_verbs import MapVerbs


def test_layers_off_the_models_thread_decoding_on_its_lane_and_a_group_within_the_filter(tiny_run):
    runner = ManualRunner()
    explorer = ExplorerModel(runner)
    verbs = MapVerbs(explorer, SelectionModel(explorer))
    explorer.open(RunSource(Path(tiny_run.folder)))
    runner.run_all()
    for name in ("contours", "labels", "prior", "background"):
        verbs.layers.set_shown(name, True)
    verbs.layers.request_background((-2.0, -2.0, 2.0, 2.0), 4, 3)
    lanes = {id(job): job.lane for job in runner.queue}
    assert sorted(lane is None for lane in lanes.values()) == [False, True, True]
    assert [job.lane for job in runner.queue if job.lane is not None] == [explorer.loaded.lane]
    assert verbs.layers.is_busy()
    runner.run_all()
    layers = verbs.layers
    assert not layers.is_busy() and layers.contours is not None and layers.regions is not None
    assert layers.rings.centre == (0.0, 0.0) and layers.rings.radii == (1.0, 2.0, 3.0)
    lattice = layers.background.lattice
    height, width, channels = explorer.loaded.image_shape
    assert layers.background.picture.shape == (3 * height, 4 * width, channels)
    # The lane's copy decodes what the GUI thread's copy does (the same weights, another thread).
    bottom_left = layers.background.picture[2 * height:, :width]
    np.testing.assert_allclose(bottom_left, explorer.loaded.viewer.decode_one(lattice.vectors[0]), atol=1e-4)
    # Switching a layer on again for the same map and filter computes nothing again.
    layers.set_shown("labels", False)
    layers.set_shown("labels", True)
    assert not runner.queue

    # A group takes only what the filter shows (one model opened for both parts: each open costs seconds).
    labels = explorer.shown.latents.labels
    verbs.filters.set_class_state(3, "hidden")
    verbs.groups.select_box((-100.0, -100.0), (100.0, 100.0))  # every point: those shown only
    assert verbs.groups.rows.tolist() == np.flatnonzero(labels != 3).tolist()
    states = verbs.point_states()
    assert (states[labels == 3] == 2).all() and (states[labels != 3] == 0).all()
    verbs.groups.set_mode("remove")
    verbs.groups.select_class(5)  # the class shown again, and taken out of the group
    assert verbs.filters.class_state(5) == "shown"
    assert verbs.groups.rows.tolist() == np.flatnonzero((labels != 3) & (labels != 5)).tolist()
    assert verbs.rows_shown().tolist() == np.flatnonzero(labels != 3).tolist()
