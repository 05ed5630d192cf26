"""The terms of the explorer's verbs (groups, find and filter, layers, directions): (plain, technical, tooltip,
extra glossary concepts), by key."""

from __future__ import annotations

VERBS_TERMS: dict[str, tuple] = {
    # ---- the map's key ----
    "key_group_outline": ("the line drawn around the group", "selection outline (lasso or box)", "", ("group",)),
    "key_contours": ("where the pictures crowd (lines hold 50, 80, 95 %)", "density contours (KDE, 50/80/95 % mass)",
                     "", ("density",)),
    "key_prior_rings": ("the standard cloud (prior): 1σ, 2σ, 3σ", "prior N(0, I): 1σ / 2σ / 3σ circles", "",
                        ("prior",)),
    "key_regions": ("names of crowded regions", "cluster labels (density basins)", "", ("cluster",)),
    "key_background": ("pictures drawn from each place behind the points", "decoded lattice", "", ("decoder",)),
    # ---- find and filter ----
    "find": ("Find", "Search",
             "Type a class name (e.g. Sneaker), a picture's number (12, #12, test #12) or part of a file name: the "
             "pictures found stay bright, the rest are dimmed. Enter makes them the group.", ("group",)),
    "find_placeholder": ("a class, a picture number or a file name", "class, index or file name", "", ("dataset",)),
    "show_all": ("Show all", "Clear filters",
                 "Undo every filter: no class hidden or dimmed, no search, no range; the group stays.", ("group",)),
    "layers": ("Show on the map", "Layers",
               "Extra layers drawn on the map: where the pictures crowd, names of the crowded regions, the standard "
               "cloud's circles and pictures drawn from every place.", ("density", "prior")),
    "layer_contours": ("Where the pictures crowd (density lines)", "Density contours (KDE)",
                       "Lines around the places where the pictures crowd: the innermost holds half of the pictures "
                       "shown, the next 80 %, the outer 95 %.", ("density",)),
    "layer_labels": ("Names of crowded regions", "Cluster labels (density basins)",
                     "A name at each crowded region of the map: its most common class, or 'group N' when the pictures "
                     "have no classes. Click a name to make its region the group.", ("cluster", "group")),
    "layer_prior": ("The standard cloud's circles (prior)", "Prior N(0, I): 1σ / 2σ / 3σ",
                    "Where 'New pictures from random places' draws from: circles holding 39 %, 86 % and 99 % of the "
                    "standard cloud. Pictures far outside them are places the model rarely makes up; empty space "
                    "inside them decodes to mush. Direct and PCA maps only.", ("prior",)),
    "layer_background": ("Pictures behind the points", "Decoded lattice background",
                         "Decode a lattice of places over the visible map and draw the pictures behind the points; "
                         "zoom in and it is drawn again, finer. On t-SNE and UMAP maps each place stands for the "
                         "mean of its nearest points' numbers.", ("decoder",)),
    "ranges": ("Ranges…", "Value filters…",
               "Keep only the pictures whose copy error, untidiness (KL) or spread (log_var) lies in a range.",
               ("reconstruction", "kl", "log_var")),
    "range_error": ("copy error", "reconstruction error", "", ("reconstruction",)),
    "range_kl": ("untidiness (KL)", "KL"),
    "range_log_var": ("mean spread (log_var)", "mean log_var"),
    "range_not_computed": ("not computed for this map yet", "not computed for this map", "", ("reconstruction",)),
    # ---- the group's panel ----
    "tab_group": ("Group", "Group",
                  "The pictures you picked on the map: how many, a strip of them, their classes, their typical "
                  "picture, and saving them.", ("group",)),
    "group_prompt": ("Shift-drag a box or Ctrl-drag a lasso around points on the map (or use the buttons below), "
                     "or right-click a class in the key and select it.",
                     "Shift-drag: box selection · Ctrl-drag: lasso · right-click a legend entry: select the class",
                     "", ("group",)),
    "group_tool": ("Drag on the map to", "Drag tool",
                   "What a plain drag on the map does: draw the place under the mouse (as before), or draw a box or "
                   "a lasso around points. Shift-drag a box and Ctrl-drag a lasso work with any of them.",
                   ("group", "decoder")),
    "tool_decode": ("draw places", "decode", "", ("decoder",)),
    "tool_box": ("box", "box"),
    "tool_lasso": ("lasso", "lasso", "", ("group",)),
    "group_mode": ("A new box or lasso", "Selection mode",
                   "What the next box, lasso or class does to the group: replace it, add to it, or take from it. "
                   "Ctrl-click a point to add it or take it out.", ("group",)),
    "mode_new": ("makes a new group", "replace"),
    "mode_add": ("adds to it", "add", "", ("group",)),
    "mode_remove": ("takes from it", "subtract", "", ("group",)),
    "group_classes": ("Its classes", "Class histogram", "", ("dataset",)),
    "group_typical": ("Its typical picture (its centres' mean, drawn)", "Decoded mean of the group's mu",
                      "The decoder's picture of the mean of the group's centres: what the group has in common.",
                      ("mu", "decoder")),
    "group_strip": ("Some of its pictures (hover for more)", "Members (hover for details)", "", ("group",)),
    "group_export": ("Save the group", "Export",
                     "Save the group's picture numbers (CSV), its pictures as one PNG sheet, or its numbers in the map "
                     "(mu and log_var, NPZ or CSV).", ("mu", "log_var")),
    "keep_a": ("Keep as A", "Keep as A", "Keep this group as the start of a direction (A → B).", ("direction",)),
    "keep_b": ("Keep as B", "Keep as B", "Keep this group as the end of a direction (A → B).", ("direction",)),
    "clear_group": ("Clear", "Clear", "Forget the group: every point drawn bright again.", ("group",)),
    # ---- directions ----
    "tab_direction": ("Direction", "Attribute vector",
                      "Two groups make a direction: what group B has that group A has not (the difference of their "
                      "mean centres). Walk any picture along it.", ("direction",)),
    "direction_prompt": ("Keep a group as A and another as B (Group tab): the direction from A to B appears here. "
                         "Or load a saved one.",
                         "Keep two groups as A and B, or load a saved direction.", "", ("direction",)),
    "direction_amount": ("How far along A → B", "Amount α (z + α·d)",
                         "0: the picture itself; 1: moved by the whole difference between A's and B's mean centres; "
                         "negative: away from B, towards A.", ("direction",)),
    "direction_use": ("Walk the chosen picture", "Apply to the selection",
                      "Walk from the picture or place chosen on the map.", ("direction",)),
    "direction_save": ("Save…", "Save…", "Save the direction (.npz or .json) to use it later or on another picture.",
                       ("direction",)),
    "direction_load": ("Load…", "Load…", "Load a direction saved before (it must fit this model's z_dim).",
                       ("direction", "latent_space")),
    "direction_strip": ("The walk, from A's side to B's and beyond", "α = −1 … 2", "", ("direction",)),
}
