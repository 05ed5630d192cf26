"""The glossary: each concept the app's labels rely on, its technical names and a plain explanation."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Concept:
    name: str  # as the glossary heads it: plain words, technical name in brackets
    explanation: str  # for someone who never heard of it
    aliases: tuple[str, ...]  # technical names as labels write them (whole words, case as written)


CONCEPTS: dict[str, Concept] = {
    "dataset": Concept(
        "Pictures (dataset, labels, channels, subset)",
        "The collection of pictures the model learns from. Each picture may come with a label naming its class (a "
        "digit, a kind of clothing): the model never sees it, but the map is coloured by it. Channels: 1 for grey "
        "pictures, 3 for colour. A subset is a random part of the dataset, for quicker training.",
        ("Dataset", "dataset", "Data", "Subset", "subset", "Channels", "Label"),
    ),
    "autoencoder": Concept(
        "Autoencoder, variational autoencoder (VAE)",
        "A model in two halves that learns to squeeze a picture into a few numbers and to redraw the picture from "
        "them. A variational autoencoder squeezes each picture into a small cloud of possible places instead of one "
        "point, which keeps its map tidy enough to make new pictures from empty places.",
        ("autoencoder", "VAE"),
    ),
    "latent_space": Concept(
        "The map (latent space)",
        "The space of the few numbers each picture is squeezed into. Drawn as a map, similar pictures land close "
        "together; every place on it can be redrawn as a picture. Its size (z_dim) is how many numbers each picture "
        "gets; each number is one direction of the map, named z1, z2, …",
        ("latent", "latent space", "z_dim", "dimension"),
    ),
    "encoder": Concept(
        "Encoder",
        "The first half of the model: it reads a picture and says where on the map it belongs, as a centre and a "
        "spread (a small cloud).",
        ("encoder", "encoded", "predict function"),
    ),
    "decoder": Concept(
        "Decoder, decoding",
        "The second half of the model: it takes a place on the map and draws the picture that belongs there. "
        "Decoding an empty place shows what the model imagines between the pictures it knows.",
        ("decoder", "decode", "decoded", "Decode"),
    ),
    "mu": Concept(
        "Centre (mu, μ)",
        "Where the encoder puts a picture's cloud: the middle of the places it could be drawn from.",
        ("mu", "μ"),
    ),
    "log_var": Concept(
        "Spread (log_var, σ)",
        "How wide a picture's cloud is: how unsure the encoder is of the picture's place. log_var is the logarithm "
        "of the spread squared; σ is the spread itself. A 1σ ellipse holds about 39 % of the draws, 2σ about 86 %.",
        ("log_var", "σ", "sigma"),
    ),
    "z": Concept(
        "Drawn point (z, a sample)",
        "One place drawn at random from a picture's cloud: centre + spread × random noise. The decoder redraws the "
        "picture from it while training, so nearby places learn to look alike.",
        ("z",),
    ),
    "posterior": Concept(
        "A picture's cloud (the posterior)",
        "The small cloud of places the encoder gives one picture, N(mu, σ²). Drawing from it and decoding shows what "
        "the model considers the same picture.",
        ("posterior",),
    ),
    "prior": Concept(
        "The standard cloud (the prior, N(0, I))",
        "The round cloud centred on the map's middle, one unit wide in every direction, that training pulls every "
        "picture's cloud towards. Drawing places from it and decoding them makes new pictures.",
        ("prior", "N(0, I)"),
    ),
    "kl": Concept(
        "Untidiness (KL divergence)",
        "How far a picture's cloud is from the standard cloud, in bits of surprise. Training keeps it small, which "
        "keeps the map tidy and free of holes. A direction whose KL stays near 0 carries nothing.",
        ("KL", "KL divergence"),
    ),
    "beta": Concept(
        "Tidiness weight (β, KL weight)",
        "How much the KL counts against the copy error in the loss. 0 gives a plain autoencoder (sharp copies, gappy "
        "map); 1 a standard VAE; in between, a compromise.",
        ("β", "beta", "KL weight"),
    ),
    "reconstruction": Concept(
        "Copy, copy error (reconstruction, reconstruction loss)",
        "A reconstruction is the picture the decoder draws from a picture's own place: the model's copy of it. The "
        "reconstruction loss counts how much the copy differs, pixel by pixel (binary cross-entropy, the default, or "
        "mean squared error).",
        ("reconstruction", "reconstructions", "Reconstruction", "Reconstructions", "binary cross-entropy",
         "Binary cross-entropy", "mean squared error", "Mean squared error"),
    ),
    "loss": Concept(
        "Loss",
        "The single number training makes smaller: the copy error plus β × KL, per picture. Falling curves mean the "
        "model is learning; flat ones, that it has stopped improving.",
        ("loss", "Loss"),
    ),
    "active_unit": Concept(
        "Direction in use (active unit)",
        "A direction of the map whose centre moves from picture to picture, so it carries information. Unused ones "
        "(grey bars) stay at the standard cloud for every picture; all of them unused is called posterior collapse.",
        ("active", "in use"),
    ),
    "projection": Concept(
        "Drawing the map flat (projection)",
        "With more than two numbers per picture the map cannot be drawn as it is; a projection flattens it to two "
        "directions for the screen. Direct draws z1 and z2 as they are (only with two numbers).",
        ("projection", "Projection", "Direct"),
    ),
    "pca": Concept(
        "Main directions (PCA, PC 1, PC 2)",
        "Principal component analysis: the straight directions along which the pictures' places differ most. PC 1 is "
        "the longest, PC 2 the next; the flat map then keeps distances as well as a straight view can.",
        ("PCA", "PC"),
    ),
    "tsne": Concept(
        "Neighbours together (t-SNE)",
        "A drawing that keeps each picture beside its nearest neighbours, bending the map to do so: good for seeing "
        "groups, but distances between far groups mean little. It takes a few seconds and you watch it form.",
        ("t-SNE",),
    ),
    "umap": Concept(
        "Neighbours together (UMAP)",
        "Like t-SNE, a drawing that keeps neighbours together, usually faster on many points and keeping a little "
        "more of the large-scale shape. Needs the umap-learn package.",
        ("UMAP",),
    ),
    "mu_only": Concept(
        "Centres only (mu-only)",
        "Each picture is encoded as a small cloud; normally the map shows one random point of each cloud. mu-only "
        "shows each cloud's centre instead, so a picture always lands on the same spot. In Keras it needs the "
        "encoder's predict function rebuilt: the switch's value is frozen into it when first traced.",
        ("mu-only",),
    ),
    "epoch": Concept(
        "Pass over the pictures (epoch)",
        "One epoch is one pass of training through every training picture. Curves and pictures update after each.",
        ("epoch", "epochs", "Epoch", "Epochs"),
    ),
    "batch": Concept(
        "Batch",
        "The few pictures the model looks at before each small correction of its weights; an epoch is many batches.",
        ("batch", "batches", "Batch", "batch size"),
    ),
    "split": Concept(
        "Training and test pictures (split)",
        "The model learns from the training pictures; the test pictures are kept aside, never trained on, to check "
        "that it works on pictures it has not seen. Their losses are the dashed curves.",
        ("Split", "split", "test images", "test pictures", "Train + test"),
    ),
    "layers": Concept(
        "Pattern detectors, hidden layer (conv filters, dense width)",
        "The encoder's convolution layers slide small pattern detectors (filters) over the picture, each layer "
        "halving its size; a fully connected (dense) layer then turns the patterns into the centre and spread. The "
        "decoder mirrors them. More filters or a wider layer: more detail, slower training.",
        ("Conv filters", "conv", "Dense width", "dense"),
    ),
    "learning_rate": Concept(
        "Step size (learning rate)",
        "How big each correction of the weights is. Too big: the loss jumps about; too small: learning crawls.",
        ("learning rate", "Learning rate"),
    ),
    "kl_strategy": Concept(
        "KL strategy (train_step, add_loss)",
        "Three equivalent ways to add the KL to the loss in Keras code, compared by the seed articles: in a custom "
        "training step (GradientTape), in a layer of the encoder (add_loss), or on the whole model. Same losses; "
        "only the code and its speed differ.",
        ("KL strategy", "train_step", "add_loss", "GradientTape"),
    ),
    "interpolation": Concept(
        "Morphing (interpolation)",
        "Decoding the places on the straight line between two pictures' places: one picture turns into the other. A "
        "tidy map morphs smoothly; a gappy one passes through mush.",
        ("interpolation", "Interpolation"),
    ),
    "group": Concept(
        "A group of pictures (selection, lasso)",
        "Pictures picked together on the map: drawn around with a box or a lasso (a free-hand loop), a whole class, "
        "or what a search found. The rest of the map is dimmed, not hidden; the group's panel shows how many, their "
        "classes and their typical picture, and saves them.",
        ("group", "lasso", "selection outline", "box selection"),
    ),
    "density": Concept(
        "Where the pictures crowd (density, KDE contours)",
        "How many pictures lie near each place of the map, smoothed (a kernel density estimate, KDE). Its contour "
        "lines circle the crowded places like a relief map's height lines: the innermost holds half the pictures.",
        ("density", "KDE", "contours"),
    ),
    "cluster": Concept(
        "Crowded regions and their names (clusters, density basins)",
        "The map cut into regions around the places where pictures crowd: every place belongs to the crowded spot it "
        "climbs to (the basins of the density, a watershed). Each region is named by its most common class, or "
        "numbered when the pictures have no classes.",
        ("cluster labels", "density basins", "cluster"),
    ),
    "direction": Concept(
        "A direction from one group to another (attribute vector)",
        "The difference between two groups' mean centres: moving a picture along it adds what the second group has "
        "and the first has not, e.g. from frowning faces to smiling ones (the 'smile vector'). It works when the map "
        "is tidy; in a gappy map the walk passes through mush.",
        ("direction", "attribute vector", "smile vector"),
    ),
    "seed": Concept(
        "Random seed",
        "The number that starts the random choices of training (first weights, order of pictures). The same seed "
        "repeats a training exactly on a CPU.",
        ("seed", "Seed"),
    ),
    "trainer": Concept(
        "The trainer (trainer process)",
        "Training runs in a separate program, the trainer, that the window starts and watches: the window stays "
        "quick while it trains, and if the trainer crashes (or the computer runs out of memory) the window says so "
        "and the run keeps its last finished epoch. A run trained elsewhere (`vaegui train` in a terminal, another "
        "window, a server) is followed the same way, read-only.",
        ("trainer", "Trainer", "trainer process"),
    ),
    "own_pictures": Concept(
        "Your pictures (encoding new pictures)",
        "Pictures you bring, dragged onto the map or chosen with File → Encode pictures…. Each is prepared as the "
        "run's pictures were (cropped to a square, scaled to their size, made grey or colour), then the encoder puts "
        "it on the map like any other picture: you see where it lands, the model's copy of it, and the pictures "
        "nearest to it. Drawn as stars.",
        ("your pictures",),
    ),
    "view_3d": Concept(
        "The map in 3-D",
        "The map drawn with three directions instead of two (a third main direction for PCA; t-SNE and UMAP laid "
        "out in three dimensions), turned by dragging. Groups that overlap on the flat map often come apart. A "
        "place on the screen is then a whole line through the map, so only points can be clicked.",
        ("3-D",),
    ),
    "aligned": Concept(
        "Maps that move, not jump (aligned, Procrustes)",
        "Each epoch's map is computed afresh, and a projection may come out turned or mirrored although little "
        "changed. Each new map is therefore turned (never stretched) to match the one before as closely as "
        "possible (orthogonal Procrustes), and t-SNE starts from the previous layout, so the points glide from one "
        "epoch to the next. A map drawn directly (z1, z2) is never turned: its axes are the model's own.",
        ("Procrustes", "aligned"),
    ),
}
