"""Config cache lookups per cog and store call durations, filled by the config layer.

The config layer knows nothing of metrics: its cache and store each take one
observer callable, set from outside (``DocumentCache.lookup_observer``,
``ConfigStore.query_observer``), and this module provides both. A lookup costs
one string partition and one dict update here.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from typing import Final

from plughost.config import ConfigStore
from plughost.config.keys import decode_key
from plughost.metrics.commands import BUCKETS

__all__ = ["StoreTable"]

# keys.py: each key part ends with this terminator; "\x1e" escapes one inside a part.
_END: Final = "\x1f"
_ESC: Final = "\x1e"


class StoreTable:
    """Per-cog cache hits and misses; per (backend, operation) call durations."""

    __slots__ = ("durations", "hits", "misses")

    def __init__(self) -> None:
        self.hits: dict[str, int] = {}
        self.misses: dict[str, int] = {}
        #: (backend, operation) -> [count per bucket..., count above, sum]
        self.durations: dict[tuple[str, str], list[float]] = {}

    def attach(self, store: ConfigStore) -> None:
        """Observe ``store`` and its cache until :meth:`detach`."""
        store.cache.lookup_observer = self.lookup
        store.query_observer = self.query_observer(store.backend)

    @staticmethod
    def detach(store: ConfigStore) -> None:
        store.cache.lookup_observer = None
        store.query_observer = None

    def lookup(self, key: str, hit: bool) -> None:
        """One cache lookup of document ``key``; its first part is the cog's name."""
        cog = key.partition(_END)[0]
        if _ESC in cog:
            cog = decode_key(key)[0]
        table = self.hits if hit else self.misses
        table[cog] = table.get(cog, 0) + 1

    def query_observer(self, backend: str) -> Callable[[str, float], None]:
        durations = self.durations

        def observe(operation: str, seconds: float) -> None:
            key = (backend, operation)
            row = durations.get(key)
            if row is None:
                row = durations[key] = [0.0] * (len(BUCKETS) + 2)
            row[bisect_left(BUCKETS, seconds)] += 1
            row[-1] += seconds

        return observe
