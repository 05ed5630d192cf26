"""The Training tab's terms: (plain label, technical label, tooltip, extra glossary concepts), by key."""

from __future__ import annotations

TRAINING_TERMS: dict[str, tuple] = {
    # ---- the welcome ----
    "welcome_train": ("Train a model on {data}", "Train a VAE on {data}",
                      "How long it takes was measured on this computer: a few training steps timed when the app "
                      "first started, then how long each training of these settings took."),
    "welcome_your_pictures": ("your pictures", "your dataset"),
    "welcome_note_ready": ("Or change the settings on the left first; Open run… shows a run trained before.",
                           "Or change the settings on the left first; Open run… shows a run trained before."),
    "welcome_note_loading": ("Getting ready: loading TensorFlow…", "Getting ready: loading TensorFlow…"),
    "welcome_note_timing": ("Timing a few training steps on this computer for an estimate…",
                            "Timing a few training steps on this computer for an estimate…"),
    # ---- settings: data ----
    "group_data": ("Pictures", "Data"),
    "dataset": ("Which pictures", "Dataset",
                "The pictures the model learns from: a built-in set, a folder of images (one sub-folder per class, "
                "or flat), or IDX / .npz files."),
    # The built-in datasets, by what their pictures show (dataset_words): a code name says nothing to a room.
    "dataset_fashion_mnist": ("Fashion-MNIST (clothes)", "Fashion-MNIST (fashion_mnist)",
                              "70,000 small grey photos of clothes, shoes and bags in 10 kinds, 28×28 pixels.",
                              ("dataset",)),
    "dataset_mnist": ("MNIST (handwritten digits)", "MNIST (mnist)",
                      "70,000 handwritten digits, 0 to 9, 28×28 pixels.", ("dataset",)),
    "dataset_digits": ("Small digits (built in)", "scikit-learn digits (digits)",
                       "1,797 handwritten digits, 0 to 9, only 8×8 pixels: always there, trained in seconds.",
                       ("dataset",)),
    "summary_title": ("What this model learns from", "This run's settings", "", ("dataset",)),
    "image_size": ("Image size", "Image size",
                   "Resize the pictures to a square of this side; 'native' keeps their own size. Bigger pictures "
                   "train more slowly."),
    "colour": ("Colour", "Channels", "Keep the pictures' own colours, or turn them grey (1 channel) or colour "
               "(3 channels)."),
    "subset": ("Pictures used", "Subset",
               "How many of the dataset's pictures to use, drawn at random (the same ones each time for the same "
               "seed), training and test pictures alike. Fewer train faster; 'all' uses every one."),
    # ---- settings: model ----
    "group_model": ("Model", "Model"),
    "z_dim": ("Numbers per picture", "Latent size (z_dim)",
              "How many numbers the encoder squeezes each picture into: its place on the map (the latent space). "
              "2 can be drawn directly as a map; more numbers give sharper copies, and the map then shows their main "
              "directions.", ("latent_space", "encoder")),
    "kl_weight": ("Map tidiness (β)", "KL weight (β)",
                  "How much the map is pulled into a tidy cloud (β). 0: a plain autoencoder, sharp copies but a "
                  "gappy map; 1: a standard VAE, a smooth map you can make new pictures from, blurrier copies.",
                  ("kl", "latent_space")),
    "kl_preset_0": ("Plain autoencoder (0)", "Autoencoder (0)"),
    "kl_preset_tiny": ("Gentle (5e-4)", "Tiny KL (5e-4)", "", ("beta",)),
    "kl_preset_1": ("Standard VAE (1)", "Standard VAE (1)"),
    "kl_preset_custom": ("Custom", "Custom"),
    "kl_warmup": ("Ease in tidiness", "KL warm-up",
                  "Raise the tidiness (β) from a little to its full value over the first N epochs, so the model first "
                  "learns to copy pictures. 'off' uses the full value from the start.", ("beta", "epoch")),
    "kl_strategy": ("How tidiness is added", "KL strategy",
                    "Three equivalent ways to add the KL to the loss in Keras code, from the seed articles; they "
                    "give the same losses. Leave the default unless you are comparing them.", ("kl",)),
    "strategy_train_step": ("In the training step (default)", "Custom train_step (GradientTape)", "",
                            ("kl_strategy",)),
    "strategy_encoder_layer": ("Inside the encoder", "KL layer in the encoder (add_loss)"),
    "strategy_model_add_loss": ("On the whole model", "add_loss on the whole model"),
    "reconstruction_loss": ("Copy error measure", "Reconstruction loss",
                            "How the difference between a picture and the model's copy of it is counted. Binary "
                            "cross-entropy suits drawings and scans (the default); mean squared error suits photos.",
                            ("reconstruction",)),
    "loss_bce": ("Pixel by pixel, as probabilities", "Binary cross-entropy", "", ("reconstruction",)),
    "loss_mse": ("Squared differences", "Mean squared error", "", ("reconstruction",)),
    "conv_filters": ("Pattern detectors", "Conv filters",
                     "How many small pattern detectors each layer of the encoder has (the decoder mirrors them), "
                     "e.g. 32,64: two layers, each halving the picture. More: sharper copies, slower training.",
                     ("layers",)),
    "dense_units": ("Hidden layer size", "Dense width",
                    "Width of the fully connected layer between the pattern detectors and the map's numbers. Wider "
                    "keeps more detail, and trains more slowly.", ("layers",)),
    # ---- settings: training ----
    "group_training": ("Training", "Training"),
    "epochs": ("Passes (epochs)", "Epochs",
               "How many times training goes through all the training pictures (epochs). More passes: better "
               "copies, longer training."),
    "images_per_epoch": ("Pictures per pass", "Images per epoch",
                         "How many of the training pictures each pass (epoch) trains on, drawn at random each time; "
                         "'all' uses every one. For very large folders: each pass then takes a fixed time.",
                         ("epoch",)),
    "image_size_folder_note": ("The folder's pictures are {width}×{height}: they are trained at {side}×{side}. "
                               "Choose a size above to change that.",
                               "The folder's pictures are {width}×{height}: they are trained at {side}×{side}. "
                               "Choose a size above to change that."),
    "batch_size": ("Pictures per step", "Batch size",
                   "How many pictures the model looks at before each small correction (a batch). Larger batches "
                   "run faster per picture but learn less from each.", ("batch",)),
    "learning_rate": ("Step size", "Learning rate",
                      "How big each correction is. Too big and the loss jumps about; too small and learning crawls. "
                      "1e-3 is a good start.", ("learning_rate",)),
    "seed": ("Random start", "Seed",
             "The same number repeats the same training on a CPU: same first weights, same order of pictures, same "
             "losses. Empty: a new random start each time.", ("seed",)),
    "run_folder": ("Save in", "Run folder",
                   "The folder the run is saved in: its settings, a checkpoint after every epoch and the losses. "
                   "Empty: a new folder under runs/.", ("epoch",)),
    # ---- the trainer process ----
    "trainer_details": ("Details", "Trainer log",
                        "What the trainer (the separate program that trains, so that nothing it does can freeze or "
                        "close this window) has written: TensorFlow's own messages, and the last words of a trainer "
                        "that stopped unexpectedly.", ("trainer",)),
    "keep_training": ("Keep training if this window closes", "Keep training after closing",
                      "Closing the window normally stops the training at the end of its batch, keeping the last "
                      "finished epoch. Ticked, the trainer goes on alone until its last epoch; open the run again "
                      "(Open run…) to watch it.", ("trainer", "epoch")),
    # ---- curves ----
    "loss_title": ("How wrong the copies still are (loss)\nthin: batches · thick: epochs · dashed: test",
                   "Loss per image\nthin: each batch · thick: epoch mean · dashed: test images"),
    "kl_title": ("How untidy the map still is (KL)\non its own axis: often far smaller",
                 "KL divergence\non its own axis: often far smaller", "", ("latent_space",)),
    "axis_loss": ("loss", "loss"),
    "axis_kl": ("KL", "KL"),
    "axis_epoch": ("epoch", "epoch"),
    "curve_total": ("Total", "Total", "", ("loss",)),
    "curve_reconstruction": ("Copy error", "Reconstruction"),
    "curve_kl": ("Untidiness", "KL", "", ("kl",)),
    "curve_test": ("{name} (test)", "{name} (test)", "", ("split",)),
    "log_scale": ("Log scale", "Log scale",
                  "Spread the curves out so that small late improvements show: each step up the axis multiplies "
                  "the value by the same factor.", ("loss",)),
    "per_batch": ("Per-batch curves", "Per-batch curves",
                  "Thin lines: the loss of every batch, as training sees it; thick lines: each epoch's average.",
                  ("loss", "epoch")),
    "smoothing": ("Smoothing", "Smoothing", "Smooth the thin per-batch lines (a moving average) to see their trend.",
                  ("batch",)),
    # ---- what the model learned, per epoch ----
    "preview_title": ("The map: where the test pictures land (their centres, μ)",
                      "Latent space: μ of the test images after each epoch", "", ("split",)),
    "preview_title_count": ("Map of {count} test pictures (centres, μ)", "Latent space: μ of {count} test images",
                            "", ("split",)),
    "axis_pc": ("main direction {n} (PC {n})", "PC {n}"),
    "kl_bars_title": ("How much each direction of the map is used (mean KL)",
                      "KL per latent dimension (mean KL)"),
    "kl_bars_title_epoch": ("Use of each direction (KL), epoch {epoch}: {active} of {count} in use (green)",
                            "KL per latent dimension, epoch {epoch}: {active} of {count} active (green)"),
    "kl_bars_axis": ("mean KL", "mean KL"),
    "dimension_axis": ("direction of the map", "latent dimension", "", ("latent_space",)),
    "samples_title": ("Test pictures (top) and the model's copies (bottom)",
                      "Test images (top) and their reconstructions (bottom)", "", ("reconstruction", "split")),
    "samples_title_epoch": ("Test pictures (top) and the model's copies (bottom) — epoch {epoch}",
                            "Test images (top) and their reconstructions (bottom) — epoch {epoch}", "",
                            ("reconstruction", "split")),
    "samples_waiting": ("The copies appear after the first epoch.", "Reconstructions appear after the first epoch.",
                        "", ("reconstruction",)),
    "scrub_epochs": ("Scrub epochs", "Scrub epochs",
                     "Go back through the epochs: the map, the copies and the KL bars as they were then."),
}
