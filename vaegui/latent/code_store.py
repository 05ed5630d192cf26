"""The codes of a run's images kept in its folder, one set per epoch, so a map reopens without encoding anything.

    RUN/codes/epoch-00012/
        codes.json          which weights the codes belong to, the rows of each split, the latent size
        train-mu.npy        (N, d) float32: the posterior centres of the train images, row i = image i
        train-log_var.npy   (N, d) float32: their log-variances
        train-z.npy         (N, d) float32: the random draw z of each image the map showed (mu-only off)
        train-error.npy     (N,)  float32: each image's reconstruction error (the training loss of decode(mu))
        train-known.npy     (N,)  uint8: bit 1 = the row's mu and log_var are written, bit 2 = its error is,
                            bit 4 = its z is
        train-labels.npy    (N,)  int64: the images' labels (absent when they have none), to colour a map by
        test-…              the same for the test images
        maps/NAME.npz       a finished direct or PCA map of these codes (coordinates, PCA mean and components),
                            NAME saying which images, which switch and which projection: reopened, it is drawn at once

The .npy files are plain NumPy arrays (np.load(path, mmap_mode="r") reads them without loading them).
Rows are written where they belong as they are encoded; a `known` file is then replaced atomically,
so a row counts only once its values are on disk (a crash loses what the last `known` did not list).
mu and log_var do not depend on the mu-only switch (z = mu with it on); the draws z with it off are kept too, so a
reopened map is the map that was shown. Only the codes of the newest KEEP_EPOCHS epochs stay. One process writes a
set at a time (a lock file); another only reads it.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vaegui.atomic_files import atomic_output_path, write_text_atomically

CODES_DIR = "codes"
FORMAT = 1
KEEP_EPOCHS = 3
HAS_CODES, HAS_ERROR, HAS_Z = 1, 2, 4
MAPS_DIR = "maps"
SPLIT_NAMES = ("train", "test")  # by split code: SPLIT_TRAIN, SPLIT_TEST


@dataclass(frozen=True)
class WeightsIdentity:
    """Which weights codes belong to: the checkpoint's name, and its file's size and time (a redone epoch differs)."""

    checkpoint: str
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, folder: Path, checkpoint: str) -> WeightsIdentity | None:
        try:
            status = (Path(folder) / f"{checkpoint}.weights.h5").stat()
        except OSError:
            return None
        return cls(checkpoint, int(status.st_size), int(status.st_mtime_ns))


class CodeStore:
    """One epoch's codes in the run folder: read by rows, written by rows (see the module's docstring)."""

    def __init__(self, folder: Path, meta: dict, writable: bool, lock=None):
        self.folder, self.meta, self.writable, self._lock = folder, meta, writable, lock
        self.z_dim = int(meta["z_dim"])
        self.rows = {name: int(meta["rows"][name]) for name in SPLIT_NAMES}
        self._known = {name: self._open_known(name) for name in SPLIT_NAMES}
        self._arrays: dict[str, np.ndarray] = {}

    # ---- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, run_folder: Path, epoch: int, weights: WeightsIdentity | None, rows: dict[str, int] | None,
             z_dim: int | None, *, write: bool = True, labels: dict[str, np.ndarray | None] | None = None,
             ) -> CodeStore | None:
        """The codes of `epoch` made with `weights`; with `rows` and `z_dim` (and `write`), a new empty set when
        none is there or the one there belongs to other weights or images (`labels`: each split's labels, kept
        beside them). None when there is none to read and none can be made (a read-only folder, another process
        writing it, no weights file)."""
        if weights is None:
            return None
        folder = Path(run_folder) / CODES_DIR / f"epoch-{int(epoch):05d}"
        meta = _read_meta(folder)
        fits = meta is not None and meta.get("weights") == _identity_dict(weights) and (
            rows is None or meta.get("rows") == rows) and (z_dim is None or meta.get("z_dim") == z_dim)
        lock = _try_lock(folder) if write else None
        if fits:
            return cls(folder, meta, lock is not None, lock)
        if lock is None or rows is None or z_dim is None:
            return None
        try:
            meta = {"format": FORMAT, "epoch": int(epoch), "weights": _identity_dict(weights), "rows": dict(rows),
                    "z_dim": int(z_dim)}
            for path in (*folder.glob("*.npy"), *folder.glob(f"{MAPS_DIR}/*.npz")):
                path.unlink()
            for name, values in (labels or {}).items():
                if values is not None and len(values) == rows[name]:
                    with atomic_output_path(folder / f"{name}-labels.npy", suffix=".npy", durable=False) as temp:
                        np.save(temp, np.asarray(values, np.int64))
            write_text_atomically(folder / "codes.json", json.dumps(meta, indent=1), durable=False)
            _prune(Path(run_folder) / CODES_DIR, keep=folder)
            return cls(folder, meta, True, lock)
        except OSError:
            lock.release()
            return None

    @classmethod
    def readable(cls, run_folder: Path, epoch: int, weights: WeightsIdentity | None) -> CodeStore | None:
        """The codes of `epoch` if they are there and belong to `weights`, only to read."""
        return cls.open(run_folder, epoch, weights, None, None, write=False)

    def close(self) -> None:
        self.writable = False
        self._arrays.clear()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    # ---- reading ------------------------------------------------------------------------------

    def known(self, split: int, indices: np.ndarray, what: int = HAS_CODES) -> np.ndarray:
        """Which of `indices` (of split code `split`) have `what` stored."""
        return (self._known[SPLIT_NAMES[split]][indices] & what) != 0

    def read(self, split: int, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(mu, log_var) of `indices`, as stored."""
        name = SPLIT_NAMES[split]
        return self._take(f"{name}-mu", indices), self._take(f"{name}-log_var", indices)

    def labels(self, split: int) -> np.ndarray | None:
        """The labels of every image of split code `split`, or None when they have none."""
        try:
            labels = np.load(self.folder / f"{SPLIT_NAMES[split]}-labels.npy", allow_pickle=False)
        except (OSError, ValueError):
            return None
        return labels if labels.shape == (self.rows[SPLIT_NAMES[split]],) else None

    def read_errors(self, split: int, indices: np.ndarray) -> np.ndarray:
        return self._take(f"{SPLIT_NAMES[split]}-error", indices)

    def read_z(self, split: int, indices: np.ndarray) -> np.ndarray:
        return self._take(f"{SPLIT_NAMES[split]}-z", indices)

    def load_map(self, name: str) -> dict[str, np.ndarray] | None:
        """A map kept by save_map: {"coords", "pca_mean", "pca_components"} (the last two empty for direct)."""
        try:
            with np.load(self.folder / MAPS_DIR / f"{name}.npz", allow_pickle=False) as saved:
                return {key: saved[key] for key in saved.files}
        except (OSError, ValueError):
            return None

    def save_map(self, name: str, arrays: dict[str, np.ndarray]) -> None:
        """Keep a finished map (any thread: one file of its own, replaced whole)."""
        if not self.writable:
            return
        try:
            with atomic_output_path(self.folder / MAPS_DIR / f"{name}.npz", suffix=".npz", durable=False) as temp:
                np.savez(temp, **arrays)
        except OSError:
            pass  # a map is quick to compute again

    def _take(self, name: str, indices: np.ndarray) -> np.ndarray:
        array = self._array(name)
        if len(indices) == len(array) and np.array_equal(indices, np.arange(len(array))):
            return np.array(array)  # the whole split: one sequential read
        return array[np.asarray(indices, np.int64)]

    # ---- writing ------------------------------------------------------------------------------

    def write(self, split: int, indices: np.ndarray, mu: np.ndarray, log_var: np.ndarray) -> None:
        """Store the codes of `indices`; they count as known after the next `commit`."""
        if not self.writable:
            return
        name = SPLIT_NAMES[split]
        self._array(f"{name}-mu", writing=True)[indices] = mu
        self._array(f"{name}-log_var", writing=True)[indices] = log_var
        self._pending(name, indices, HAS_CODES)

    def write_z(self, split: int, indices: np.ndarray, z: np.ndarray) -> None:
        """The random draws the map showed (the encoder's, with mu-only off)."""
        if not self.writable:
            return
        name = SPLIT_NAMES[split]
        self._array(f"{name}-z", writing=True)[indices] = z
        self._pending(name, indices, HAS_Z)

    def write_errors(self, split: int, indices: np.ndarray, errors: np.ndarray) -> None:
        if not self.writable:
            return
        name = SPLIT_NAMES[split]
        self._array(f"{name}-error", writing=True)[indices] = errors
        self._pending(name, indices, HAS_ERROR)

    def commit(self) -> None:
        """Flush the rows written to disk, then replace the `known` files: those rows now count."""
        if not self.writable:
            return
        try:
            for array in self._arrays.values():
                if isinstance(array, np.memmap):
                    array.flush()
            for name in SPLIT_NAMES:
                with atomic_output_path(self.folder / f"{name}-known.npy", suffix=".npy", durable=False) as temp:
                    np.save(temp, self._known[name])
        except OSError:
            self.writable = False  # the disk filled up or went read-only: the map goes on without storing

    def _pending(self, name: str, indices: np.ndarray, bit: int) -> None:
        known = self._known[name]
        if not known.flags.writeable:
            known = self._known[name] = known.copy()
        known[indices] |= bit

    def _open_known(self, name: str) -> np.ndarray:
        try:
            known = np.load(self.folder / f"{name}-known.npy", allow_pickle=False)
            if known.shape == (self.rows[name],) and known.dtype == np.uint8:
                return known
        except (OSError, ValueError):
            pass
        return np.zeros(self.rows[name], np.uint8)

    def _array(self, name: str, writing: bool = False) -> np.ndarray:
        array = self._arrays.get(name)
        if array is not None and (not writing or array.flags.writeable):
            return array
        split = name.split("-")[0]
        shape = (self.rows[split],) if name.endswith("error") else (self.rows[split], self.z_dim)
        path = self.folder / f"{name}.npy"
        if path.is_file():
            array = np.load(path, mmap_mode="r+" if writing else "r", allow_pickle=False)
            if array.shape != shape or array.dtype != np.float32:
                array = None
        else:
            array = None
        if array is None:
            if not writing:
                return np.zeros(shape, np.float32)
            array = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=shape)
        self._arrays[name] = array
        return array


def _identity_dict(weights: WeightsIdentity) -> dict:
    return {"checkpoint": weights.checkpoint, "size": weights.size, "mtime_ns": weights.mtime_ns}


def _read_meta(folder: Path) -> dict | None:
    try:
        meta = json.loads((folder / "codes.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) and meta.get("format") == FORMAT else None


def _try_lock(folder: Path):
    """This process's right to write `folder` (None when another holds it, or the folder cannot be written)."""
    from filelock import FileLock, Timeout

    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(folder / ".writer.lock"), timeout=0, thread_local=False)
        lock.acquire()
        return lock
    except (Timeout, OSError):
        return None


def _prune(codes: Path, keep: Path) -> None:
    """Remove all but the newest KEEP_EPOCHS epochs' codes (always keeping `keep`), unless another process uses them."""
    folders = sorted((p for p in codes.glob("epoch-*") if p.is_dir() and p != keep), reverse=True)
    for old in folders[KEEP_EPOCHS - 1:]:
        lock = _try_lock(old)
        if lock is not None:
            try:
                shutil.rmtree(old, ignore_errors=True)
            finally:
                lock.release()
