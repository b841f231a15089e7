"""Trees the API answers as flat lists (units, a directive's duty per unit)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

_N = TypeVar("_N")


def depth_first(roots: Sequence[_N], children: Callable[[_N], Sequence[_N]]) -> list[_N]:
    """Every node, each before its children, siblings in their order: the order a tree page reads."""
    nodes: list[_N] = []
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack.extend(reversed(children(node)))
    return nodes
