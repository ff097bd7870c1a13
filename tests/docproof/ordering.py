"""Random test order, and the examples of a document still in the order they are written.

pytest-randomly shuffles every test, Sybil's examples included, but the examples of one page
(or of one module's docstrings) share a namespace and build on each other. `in_document_order`
takes the shuffled list and puts each document's examples back together, in source order, at
the place the shuffle gave one of them first. Documents still move relative to each other and
to every other test, so order dependencies between files are still found.
"""

from __future__ import annotations

import pytest
from sybil.integration.pytest import SybilItem


def in_document_order(items: list[pytest.Item]) -> None:
    """Reorder ``items`` in place: each document's examples contiguous and in source order."""
    documents: dict[pytest.Collector, list[SybilItem]] = {}
    for item in items:
        if isinstance(item, SybilItem) and item.parent is not None:
            documents.setdefault(item.parent, []).append(item)
    if not documents:
        return
    ordered: list[pytest.Item] = []
    for item in items:
        if not isinstance(item, SybilItem) or item.parent is None:
            ordered.append(item)
        elif item.parent in documents:
            ordered += sorted(documents.pop(item.parent), key=lambda i: i.example.start)
    items[:] = ordered
