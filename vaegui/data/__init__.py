"""Datasets for vaegui: digits, MNIST, Fashion-MNIST, image folders, IDX and .npz files."""

from __future__ import annotations

from vaegui.data.dataset import ImageDataset, ImageSplit
from vaegui.data.image_folder import LazyImages
from vaegui.data.registry import dataset_names, load_dataset, offline_dataset_names

__all__ = ["ImageDataset", "ImageSplit", "LazyImages", "dataset_names", "load_dataset", "offline_dataset_names"]
