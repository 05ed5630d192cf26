"""Pieces every tab uses: jobs off the GUI thread, the activity row, words, plot style, image tiles."""
