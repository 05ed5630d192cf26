"""The guided tour's words: each step's title and text, plain and technical, and what to do before a model exists."""

from __future__ import annotations

TOUR_STEPS = ("train", "loss", "kl", "preview", "point", "mu_only", "empty", "generate")

TOUR_TERMS: dict[str, tuple] = {
    "tour_offer_title": ("New here?", "New here?"),
    "tour_offer": ("A short tour shows the main parts of the window in 8 steps. Help → Tour… shows it again later.",
                   "A short tour shows the main parts of the window in 8 steps. Help → Tour… shows it again later."),
    "tour_train_title": ("Train a model", "Train a VAE"),
    "tour_train": ("Press this button: the model learns to squeeze each picture into a few numbers, its place on a "
                   "map, and to redraw the picture from that place alone. The settings on the left can stay as they "
                   "are.",
                   "Train with the settings on the left: the encoder maps each image to a latent code (mu, log_var), "
                   "the decoder reconstructs it; the loss adds the KL term weighted by β."),
    "tour_loss_title": ("Watch it learn", "Loss curves"),
    "tour_loss": ("The curves fall as the model improves: how far its copies are from the pictures, and how untidy "
                  "its map still is. Lower is better.",
                  "Loss per image: total, reconstruction and KL, per batch (thin) and per epoch (thick); the dashed "
                  "lines are the test images."),
    "tour_kl_title": ("How much each direction is used", "KL per latent dimension"),
    "tour_kl": ("One bar per direction of the map (one number per picture). Tall bars are directions the model uses "
                "to tell pictures apart; bars near zero are directions it leaves unused.",
                "The KL of each latent dimension, averaged over the test images; a dimension with KL near 0 carries "
                "no information (an inactive unit)."),
    "tour_preview_title": ("The map forming", "Latent space per epoch"),
    "tour_preview": ("Each dot is a test picture at its place on the map, coloured by what it shows. Epoch after "
                     "epoch similar pictures gather; move the epoch slider to replay how the map formed.",
                     "mu of the probe images after each epoch (z1, z2, or PCA when z_dim > 2), coloured by label."),
    "tour_point_title": ("Click a point", "Select a point", "", ("posterior",)),
    "tour_point": ("In the Explorer, click a dot: you see its picture beside the model's copy of it, and the small "
                   "cloud of places the model thinks it could be.",
                   "Click a point: the original, its reconstruction and the decoded mu side by side, with the "
                   "posterior's 1σ and 2σ ellipses."),
    "tour_mu_only_title": ("Centres only", "mu-only"),
    "tour_mu_only": ("Each picture is really a small cloud on the map. Tick this to show each cloud's centre instead "
                     "of a random point in it: the map gets sharper. Show why tells what happens inside.",
                     "mu-only sets the sampling layer's factor to 0 (z = mu) and rebuilds the encoder's predict "
                     "function; Show why demonstrates the stale trace without the rebuild."),
    "tour_empty_title": ("Decode empty space", "Decode a latent point"),
    "tour_empty": ("Click where there is no dot: the model draws the picture it imagines at that place. Drag to "
                   "watch the picture change as you move.",
                   "Click empty space: the decoder draws that latent point (directly when z_dim = 2, otherwise from "
                   "the latent vectors of the nearest projected neighbours)."),
    "tour_generate_title": ("Make new pictures", "Generate", "", ("prior", "decoder")),
    "tour_generate": ("Draw new pictures from random places of the map, walk from one picture to another, or cover "
                      "the map with a grid of what the model imagines.",
                      "Sample the prior N(0, I) and decode, interpolate between two latent codes, or decode a grid "
                      "over the visible map."),
    "tour_wait_training": ("No model yet: press Train (step 1) and this fills in while it learns{estimate}.",
                           "No run yet: press Train (step 1) or open a run; this fills in every epoch{estimate}."),
    "tour_wait_explorer": ("No map yet: train a model (step 1) or open one here, and the map appears in this place.",
                           "No model loaded: train one (step 1) or open a run or a .keras pair here.", "",
                           ("latent_space",)),
    # After the waiting note: what the bubble's own button does meanwhile (the last step's says Finish).
    "tour_wait_next": ("Next goes on meanwhile.", "Next goes on meanwhile."),
    "tour_wait_finish": ("Finish ends the tour; Help → Tour… shows it again.",
                         "Finish ends the tour; Help → Tour… shows it again."),
}
