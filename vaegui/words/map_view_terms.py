"""Terms of the map's 3-D view, its maps that follow each other, and the person's own pictures on it."""

from __future__ import annotations

MAP_VIEW_TERMS: dict[str, tuple] = {
    # ---- your pictures ----
    "key_your_pictures": ("your pictures", "your pictures (encoded)", "", ("own_pictures",)),
    "encode_pictures": ("Encode pictures…", "Encode pictures…",
                        "Place your own pictures on the map: each is prepared as the run's pictures were (cropped, "
                        "scaled, grey or colour), encoded by the model and placed among its pictures, with the "
                        "model's copy of it and its most similar pictures. You can also drag picture files onto the "
                        "map.", ("own_pictures", "encoder")),
    "forget_pictures": ("Remove your pictures", "Remove your pictures", "Take your pictures off the map.",
                        ("own_pictures",)),
    "drop_hint": ("Drop pictures here to place them on the map", "Drop images to encode them", "", ("own_pictures",)),
    # ---- the 3-D view ----
    "view_3d": ("3-D", "3-D",
                "Show the map in three dimensions and turn it by dragging: a third main direction (PCA), or a "
                "t-SNE or UMAP laid out in 3-D. Click a point to inspect it; empty places are decoded on the flat "
                "map.", ("view_3d", "projection")),
    "map_hint_3d": ("Drag: turn the map · click a point: the picture and the model's copy · wheel: zoom · "
                    "double-click: face the front",
                    "Drag to rotate · click a point to inspect it · wheel to zoom · double-click to reset the view",
                    "", ("view_3d",)),
    "map_axis_3d": ("seen turned: the axes are the screen's", "rotated view: screen axes", "", ("view_3d",)),
    "empty_place_3d": ("In 3-D a place on the screen is a whole line through the map: click a point, or switch 3-D "
                       "off to see what the model draws in an empty place.",
                       "A screen location in 3-D is a line in the projection: click a point, or turn 3-D off to "
                       "decode empty space.", "", ("view_3d", "decoder")),
    # ---- maps that follow each other ----
    "aligned_note": ("turned to match the map before, so points move instead of jumping",
                     "aligned to the previous map (orthogonal Procrustes)", "", ("aligned",)),
}
