"""The latent space, Qt-free: encode a split, project it to 2-D, pick points, decode locations, export."""

from __future__ import annotations

from vaegui.latent.encoding import SPLITS, Cancelled, LatentSet, encode_split
from vaegui.latent.picking import LatentNeighbours, PointPicker
from vaegui.latent.projection import METHOD_LABELS, Projection, ProjectionError, available_methods, project

__all__ = [
    "METHOD_LABELS",
    "SPLITS",
    "Cancelled",
    "LatentNeighbours",
    "LatentSet",
    "PointPicker",
    "Projection",
    "ProjectionError",
    "available_methods",
    "encode_split",
    "project",
]
