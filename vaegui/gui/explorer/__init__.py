"""The Explorer tab: the map's side panels (point, traversal, lists, generation) and dialogs."""
