"""Splitting long output into messages Discord accepts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

__all__ = ["MESSAGE_LIMIT", "pagify"]

#: Discord refuses message content longer than this.
MESSAGE_LIMIT: Final = 2000


def pagify(text: str, limit: int = MESSAGE_LIMIT) -> Iterator[str]:
    """Pages of ``text``, each at most ``limit`` characters, split on line boundaries.

    A single line longer than ``limit`` is cut at the last space before it (or hard,
    if it has none): output must never be refused.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    page: list[str] = []
    size = 0
    for raw in text.splitlines():
        line = raw
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            if page:
                yield "\n".join(page)
                page, size = [], 0
            yield line[:cut]
            line = line[cut:].lstrip(" ")
        extra = len(line) + (1 if page else 0)
        if page and size + extra > limit:
            yield "\n".join(page)
            page, size = [], 0
            extra = len(line)
        page.append(line)
        size += extra
    if page and any(page):
        yield "\n".join(page)
