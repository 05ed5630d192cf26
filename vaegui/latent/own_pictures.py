"""Pictures a person brings: read and prepared exactly as a run's image folder is (the data loaders' own decoding),
then encoded through the same predict function and batch size as the run's images, so the codes are the same."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vaegui.errors import DataError

# The encoder's batch size in encode_split: the same traced function, the same numbers for the same image.
ENCODE_BATCH = 256
MAX_PICTURES = 64  # at once: a map is for looking at a few pictures among the run's own
BRIGHTNESS_GAP = 0.35  # mean brightness this far from the run's images: said, since the model never saw such


class PictureError(DataError):
    """A picture cannot be prepared for this model."""


@dataclass(frozen=True, eq=False)
class PreparedPicture:
    """One picture as the model sees it."""

    path: Path
    image: np.ndarray  # (H, W, C) float32 in [0, 1], as the run's images are read
    note: str  # how it was prepared, in plain words ("cropped to its centre, scaled from 640×480 to 28×28…")

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True, eq=False)
class PictureCodes:
    """The encoder's view of some prepared pictures, row i describing picture i."""

    pictures: tuple[PreparedPicture, ...]
    mu: np.ndarray
    log_var: np.ndarray
    z: np.ndarray
    mu_only: bool


def prepare_picture(path: str | Path, image_shape: Sequence[int], reference_mean: float | None = None
                    ) -> PreparedPicture:
    """Read one image file as a run's image folder reads it (vaegui.data.image_folder.decode_image: orientation,
    alpha, 16-bit, grey or colour, centre crop, bicubic scaling, 8 bits), then scaled to [0, 1] like every image."""
    from PIL import Image, UnidentifiedImageError

    from vaegui.data.image_array import pixels_to_float
    from vaegui.data.image_folder import decode_image

    path = Path(path)
    height, width, channels = (int(side) for side in image_shape)
    if height != width:
        raise PictureError(f"This model takes {height}×{width} pictures; vaegui prepares square ones only.")
    if channels not in (1, 3):
        raise PictureError(f"This model takes pictures of {channels} channels; vaegui prepares grey (1) or colour (3).")
    if not path.is_file():
        raise PictureError(f"{path.name}: no such file. Choose a picture file (PNG, JPEG, …).")
    try:
        with Image.open(path) as opened:
            size, mode = opened.size, opened.mode
        pixels = decode_image(str(path), height, channels)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError) as error:
        reason = ("it is not a picture vaegui can read" if isinstance(error, UnidentifiedImageError) else
                  f"it cannot be read ({error})")
        raise PictureError(f"{path.name}: {reason}. Choose a PNG, JPEG, BMP, GIF, WebP or TIFF picture.") from None
    image = pixels_to_float(pixels)
    return PreparedPicture(path, image, _note(size, mode, image, height, channels, reference_mean))


def prepare_pictures(paths: Sequence[str | Path], image_shape: Sequence[int], reference_mean: float | None = None
                     ) -> tuple[list[PreparedPicture], list[str]]:
    """(the pictures prepared, one sentence for each file refused); at most MAX_PICTURES."""
    prepared, refused = [], []
    for path in list(paths)[:MAX_PICTURES]:
        try:
            prepared.append(prepare_picture(path, image_shape, reference_mean))
        except PictureError as error:
            refused.append(str(error))
    if len(paths) > MAX_PICTURES:
        refused.append(f"Only the first {MAX_PICTURES} of {len(paths)} pictures were taken.")
    return prepared, refused


def encode_pictures(model, pictures: Sequence[PreparedPicture]) -> PictureCodes:
    """mu, log_var and z of `pictures` through the model's encoder predict function (the one the mu-only switch
    rebuilds), in a batch padded to the size the run's images are encoded in."""
    z_dim = int(model.encoder.outputs[0].shape[-1])
    count = len(pictures)
    mu, log_var, z = (np.empty((count, z_dim), np.float32) for _ in range(3))
    images = np.stack([picture.image for picture in pictures]).astype(np.float32)
    for start in range(0, count, ENCODE_BATCH):
        batch = images[start:start + ENCODE_BATCH]
        padded = np.zeros((ENCODE_BATCH, *batch.shape[1:]), np.float32)
        padded[: len(batch)] = batch
        outputs = model.encoder.predict_on_batch(padded)
        rows = slice(start, start + len(batch))
        mu[rows], log_var[rows], z[rows] = (np.asarray(a)[: len(batch)] for a in outputs)
    return PictureCodes(tuple(pictures), mu, log_var, z, bool(getattr(model, "mu_only", False)))


def _note(size: tuple[int, int], mode: str, image: np.ndarray, side: int, channels: int,
          reference_mean: float | None) -> str:
    width, height = size
    steps = []
    if width != height:
        steps.append("cropped to its centre")
    if (width, height) != (side, side):
        steps.append(f"scaled from {width}×{height} to {side}×{side}")
    if channels == 1 and mode not in ("L", "1", "I", "I;16", "I;16L", "I;16B", "F", "LA"):
        steps.append("turned grey")
    elif channels == 3 and mode in ("L", "1", "I", "I;16", "I;16L", "I;16B", "F", "LA"):
        steps.append("its grey copied to red, green and blue")
    text = ("Prepared as the run's images are: " + ", ".join(steps) + ".") if steps else \
        "Prepared as the run's images are (same size and colours: nothing to change)."
    if reference_mean is not None and abs(float(image.mean()) - reference_mean) > BRIGHTNESS_GAP:
        lighter = float(image.mean()) > reference_mean
        text += (f" It is much {'lighter' if lighter else 'darker'} than the run's images (brightness "
                 f"{image.mean():.2f} against {reference_mean:.2f} on average): the model never saw such pictures "
                 "and may place it oddly (MNIST-like digits are light on dark).")
    return text


def mean_brightness(dataset) -> float | None:
    """A dataset's mean brightness, from a few hundred of its images (a picture far from it is said)."""
    split = dataset.train if len(dataset.train) else dataset.test
    if not len(split):
        return None
    rows = np.linspace(0, len(split) - 1, min(256, len(split))).astype(np.int64)
    return float(np.mean(split.images[rows]))
