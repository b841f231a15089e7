"""Counting rows through a progress callback while reading them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

Progress = Callable[[str, int], object]
T = TypeVar("T")
EVERY = 5000


def counted(rows: Iterable[T], progress: Progress | None, label: str) -> Iterator[T]:
    """Yield the rows, telling ``progress`` every few thousand (a call per row would cost more than the row)."""
    pending = 0
    for row in rows:
        yield row
        pending += 1
        if pending == EVERY and progress is not None:
            progress(label, pending)
            pending = 0
    if pending and progress is not None:
        progress(label, pending)
