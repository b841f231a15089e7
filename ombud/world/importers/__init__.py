"""Importers of real public police-misconduct records into ombud's own tables (docs/interchange.md)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ombud.world.importers.base import Batch
from ombud.world.importers.ccrb import ccrb_read
from ombud.world.importers.interchange import interchange_read
from ombud.world.importers.philadelphia import philadelphia_read
from ombud.world.importers.progress import Progress

Reader = Callable[..., Batch]
READERS: dict[str, Reader] = {
    "interchange": interchange_read,
    "ccrb": ccrb_read,
    "philadelphia": philadelphia_read,
}

__all__ = ["READERS", "Batch", "Path", "Progress"]
