"""A t-SNE map forming: the status line says its phases as they are, and the finished map's marks are not left
behind where they no longer belong."""
from __future__ import annotations

from vaegui.gui.app_state import AppState
from vaegui.gui.explorer.explorer_tab import ExplorerTab

WAIT_MS = 60_000


def test_tsne_says_its_phases_and_hides_the_previous_maps_marks_while_it_forms(qtbot, device, tiny_run_z4):
    state = AppState()
    state.tensorflow_loaded = True
    tab = ExplorerTab(state)
    qtbot.addWidget(tab)
    tab.resize(1300, 800)
    tab.show()
    tab.explorer.set_split("test")
    tab.open_run_folder(tiny_run_z4.folder)
    qtbot.waitUntil(lambda: not tab.is_busy() and tab.explorer.shown is not None, timeout=WAIT_MS)
    tab.selection.select_row(5)
    assert len(tab.map.selection.getData()[0]) == 1
    statuses = []
    tab.explorer.activity_changed.connect(lambda: statuses.append((tab.explorer.activity or ("",))[0]))
    tab.explorer.tsne_iterations = 3000  # long enough to be seen forming
    tab.controls.choose(tab.method_combo, "tsne")
    qtbot.waitUntil(lambda: any(text.startswith("t-SNE: arranging the map: iteration") for text in statuses),
                    timeout=WAIT_MS)
    assert tab.explorer.forming is not None
    phases = [text.split(":")[1].strip() for text in statuses if text.startswith("t-SNE:")]
    assert phases[0].startswith("finding which points are near each other (neighbour affinities)")
    assert phases[-1] == "arranging the map"
    qtbot.waitUntil(lambda: tab.status_label.text().startswith("t-SNE: arranging the map: iteration"),
                    timeout=WAIT_MS)
    # The PCA map's ring would sit near the t-SNE map's middle, where it starts: it is hidden meanwhile.
    assert len(tab.map.selection.getData()[0]) == 0
    assert "the chosen picture" not in tab.map.key_entries()
    tab.shutdown()
