"""The Explorer's terms: (plain label, technical label, tooltip, extra glossary concepts), by key."""

from __future__ import annotations

EXPLORER_TERMS: dict[str, tuple] = {
    # ---- map controls ----
    "split": ("Pictures", "Split",
              "Which pictures to place on the map: those the model trained on, the test pictures it never saw, or "
              "both (test pictures drawn as triangles).", ("split",)),
    "split_train": ("Training pictures", "Train", "", ("split",)),
    "split_test": ("Test pictures", "Test", "", ("split",)),
    "split_both": ("Both", "Train + test"),
    "points": ("How many", "Points",
               "How many pictures to place, drawn at random: fewer keep t-SNE quick on large datasets; PCA and "
               "direct maps take all of them quickly.", ("dataset", "latent_space")),
    "projection": ("Drawn", "Projection",
                   "How the map's numbers become a flat picture: as they are (two numbers), along their two main "
                   "directions (PCA), or keeping neighbours together (t-SNE, UMAP).", ("latent_space",)),
    "method_direct": ("As they are (z1, z2)", "Direct (z_dim = 2)", "", ("projection",)),
    "method_pca": ("Main directions (PCA)", "PCA"),
    "method_tsne": ("Neighbours together (t-SNE)", "t-SNE"),
    "method_umap": ("Neighbours together (UMAP)", "UMAP"),
    "colour_by": ("Colour by", "Colour by",
                  "Colour each point by its class, by how badly the model copies it, or by how far its cloud is from "
                  "the standard cloud (KL). Values are cut into eight equal-sized groups, dark = low.",
                  ("reconstruction",)),
    "colour_label": ("Class", "Label"),
    "colour_error": ("Copy error", "Reconstruction error"),
    "colour_kl": ("Untidiness (KL)", "KL"),
    "mu_only": ("Centres only (mu-only)", "mu-only",
                "Each picture is encoded as a small cloud of possible places; the map shows one random point of each "
                "cloud. Centres only (mu-only) shows each cloud's centre (mu) instead, so the same picture always "
                "lands on the same spot.", ("posterior",)),
    "mu_only_hint": ("each cloud's centre instead of a random point in it; switching rebuilds the encoder's "
                     "predict function",
                     "z = mu: no sampling noise; rebuilds the encoder's predict function"),
    "show_why": ("Show why", "Show why",
                 "Reproduce, on this model, why switching the noise off needs the encoder's predict function rebuilt: "
                 "three small maps of the same pictures.", ("mu_only",)),
    "map_hint": ("Click a point: the picture and the model's copy · click or drag on empty space: what the model "
                 "draws there · Shift-drag: a box, Ctrl-drag: a lasso around a group · right-drag: move · wheel: "
                 "zoom · double-click: fit",
                 "Click a point to inspect it · click or drag on empty space to decode there · Shift-drag: box "
                 "selection · Ctrl-drag: lasso · right-drag to pan · wheel to zoom · double-click to fit", "",
                 ("decoder", "group")),
    "map_axis_z": ("{z}", "{z}", "", ("latent_space",)),
    "map_axis_pc": ("main direction {n} (PC {n})", "PC {n}"),
    "map_axis_free": ("{method} axis {n} (no units)", "{method} {n}", "", ("projection",)),
    # ---- the map's key ----
    "key_train": ("training pictures", "train", "", ("split",)),
    "key_test": ("test pictures", "test", "", ("split",)),
    "key_selection": ("the chosen picture", "selection", "", ("latent_space",)),
    "key_centre": ("its cloud's centre (mu)", "posterior mean (mu)"),
    "key_link": ("centre → its drawn point", "mu → z", "", ("z",)),
    "key_sigma1": ("its cloud: 1σ (about 39 % of draws)", "1σ ellipse", "", ("posterior",)),
    "key_sigma2": ("its cloud: 2σ (about 86 % of draws)", "2σ ellipse", "", ("posterior",)),
    "key_posterior_samples": ("16 draws from its cloud", "posterior samples ×16"),
    "key_prior_samples": ("16 random places (prior)", "prior samples ×16"),
    "prior_draws_unmarked": ("The draws are not marked on this map: t-SNE and UMAP cannot place new points at once. "
                             "Choose Drawn: “As they are” or “Main directions (PCA)” to see where they land.",
                             "Prior samples unmarked: t-SNE and UMAP have no exact, quick placement of new points; "
                             "the direct and PCA maps do."),
    "key_path": ("morph from A to B", "interpolation path", "", ("interpolation",)),
    "key_location": ("the place decoded", "decoded location"),
    # ---- side tabs ----
    "tab_point": ("Point", "Point", "The picture or place you clicked: the picture, the model's copy, its numbers "
                  "and its most similar pictures.", ("reconstruction",)),
    "tab_traverse": ("Traverse", "Traverse", "Move along one direction of the map at a time and watch the picture "
                     "change.", ("latent_space",)),
    "tab_lists": ("Lists", "Lists", "The pictures the model copies worst, and those it is least sure of.",
                  ("reconstruction", "log_var")),
    "tab_generate": ("Generate", "Generate", "New pictures: from random places, morphing between two pictures, or "
                     "a grid over the map.", ("prior", "interpolation")),
    # ---- point panel ----
    "point_prompt": ("Click a point on the map, or an empty place to see what the model draws there.",
                     "Click a point on the map, or empty space to decode that place.", "", ("decoder",)),
    "original": ("original", "original"),
    "reconstruction": ("the model's copy", "reconstruction"),
    "empty_place": ("(an empty place)", "(empty space)", "", ("latent_space", "decoder")),
    "decoded_here": ("drawn from this place", "decoded here", "", ("decoder",)),
    "bars_mu": ("centre (mu)", "mu"),
    "bars_log_var": ("spread (log_var)", "log_var"),
    "neighbours": ("The most similar pictures (nearest centres on the map)", "Nearest neighbours in latent space",
                   "", ("mu",)),
    "sample_posterior": ("Draw 16 from this picture's cloud (posterior)", "Sample ×16 from the posterior",
                         "Decode 16 random places from this picture's cloud: what the decoder sees of it while "
                         "training. With centres only (mu-only) on, the map shows just the centre; these show the "
                         "variety it leaves out.", ("decoder", "mu_only")),
    # ---- lists ----
    "worst_list": ("Worst copies (largest copy error first)", "Worst reconstructions (highest loss first)", "",
                   ("reconstruction",)),
    "worst_caption": ("copy error {value:.2f}", "error {value:.2f}", "", ("reconstruction",)),
    "log_var_list": ("Least sure (widest spread first, log_var)", "Largest log_var (the encoder is least sure)"),
    "log_var_caption": ("mean spread {value:+.2f} (log_var)", "mean log_var {value:+.2f}"),
    # ---- generate ----
    "prior_heading": ("New pictures from random places", "Prior samples", "", ("prior",)),
    "sample_prior": ("Draw 16 from the standard cloud (prior N(0, I))", "Sample ×16 from the prior N(0, I)",
                     "Decode 16 random places drawn from the standard cloud every picture's cloud is pulled towards. "
                     "A model trained with little tidiness (a tiny β) leaves holes in its map, and many of these "
                     "come out as mush.", ("decoder", "beta")),
    "interpolation_heading": ("Morph between two pictures (interpolation)", "Interpolation"),
    "a_button": ("A = selection", "A = selection", "Make the chosen picture or place the start of the morph."),
    "b_button": ("B = selection", "B = selection", "Make the chosen picture or place the end of the morph."),
    "grid_heading": ("A grid of the map, drawn (z_dim = 2)", "Latent grid (z_dim = 2)", "", ("decoder",)),
    "grid_button": ("Draw a grid over the visible map", "Decode a grid over the visible map",
                    "Decode places on an even grid over the part of the map on screen: how the pictures change "
                    "across the map.", ("decoder",)),
    # ---- traverse ----
    "traverse_hint": ("Choose a point or an empty place on the map, then move a slider to change one of its "
                      "numbers and watch the picture change.",
                      "Select a point or an empty place on the map, then move a slider to change one coordinate and "
                      "watch the image change.", "", ("latent_space",)),
    # A direction's use, as the Training tab's KL bars say it ("Use of each direction").
    "traverse_kl": ("use {kl:.2f} (KL)", "KL {kl:.2f}", "", ("active_unit",)),
}
