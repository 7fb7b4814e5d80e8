"""Staged writes: run Config code against a copy of a prefix, then commit it as one batch.

Each write of the Config API is its own durable statement; a data migration needs
all of its writes to commit together or not at all. Rather than a transaction
held open across the migration's own code (one SQLite connection behind one lock
per process: never hold a transaction across user code), the documents under the
prefix are read once into memory, the code runs with :func:`staged_writes` making
that copy the current store, and on success the whole prefix is replaced with
:meth:`~plughost.config.backends.store.ConfigStore.replace_prefix`, which both
backends commit in one transaction. If the code raises, nothing was written.

Reads outside the prefix go to the real store; writes outside it are refused.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any, NoReturn

from plughost.config.backends.cache import DocumentCache
from plughost.config.backends.store import ConfigStore
from plughost.config.connection import _current, current_store
from plughost.config.documents import MISSING, copy_json, decode, encode, remove_path, set_path

__all__ = ["StagedStore", "staged_writes"]


class StagedStore(ConfigStore):
    """The documents under one prefix, in memory, in front of the real store."""

    backend = "staged"

    def __init__(self, base: ConfigStore, prefix: str, docs: dict[str, Any]) -> None:
        cache = DocumentCache(1)
        cache.enabled = False  # the documents themselves are the cache
        super().__init__(cache)
        self.base = base
        self.prefix = prefix
        self.docs = docs
        self.location = f"staged writes over {base.location}"
        self.configs = base.configs  # get_conf inside the block finds the same objects

    def rows(self) -> list[tuple[str, Any, str]]:
        """What the prefix holds now, as ``replace_prefix`` takes it."""
        return [(k, v, encode(v)) for k, v in sorted(self.docs.items()) if v is not MISSING]

    def put(self, key: str, value: Any) -> None:
        """Set a whole document under the prefix (the caller's own bookkeeping)."""
        self._own(key)
        self.docs[key] = value

    def _own(self, key: str) -> None:
        if not key.startswith(self.prefix):
            raise PermissionError("staged writes may only change the documents they staged")

    # -- reads ---------------------------------------------------------------------

    async def _fetch(self, key: str) -> tuple[Any, int]:
        if key.startswith(self.prefix):
            return self.docs.get(key, MISSING), 1
        return await self.base._fetch(key)

    async def scan_text(self, prefix: str) -> Sequence[Any]:
        rows: list[tuple[str, str]] = []
        if not prefix.startswith(self.prefix):  # wider, or elsewhere: the real rows first
            real = await self.base.scan_text(prefix)
            rows = [(k, t) for k, t in real if not k.startswith(self.prefix)]
        if prefix.startswith(self.prefix) or self.prefix.startswith(prefix):
            rows += [
                (k, encode(v))
                for k, v in self.docs.items()
                if k.startswith(prefix) and v is not MISSING
            ]
        return sorted(rows)

    async def _first_key_from(self, low: str) -> str | None:
        return await self.base._first_key_from(low)

    async def _scan_ranges_with_suffix(
        self, ranges: tuple[tuple[str, str], tuple[str, str]], suffix: str
    ) -> list[tuple[str, Any]]:
        return await self.base._scan_ranges_with_suffix(ranges, suffix)

    # -- writes --------------------------------------------------------------------

    async def write(self, key: str, path: tuple[str, ...], value: Any, text: str | None) -> None:
        self._own(key)
        owned = decode(text) if text is not None else copy_json(value)
        self.docs[key] = set_path(self.docs.get(key, MISSING), path, owned)

    async def delete(self, key: str, path: tuple[str, ...]) -> None:
        self._own(key)
        if not path:
            self.docs.pop(key, None)
        elif (doc := self.docs.get(key, MISSING)) is not MISSING:
            remove_path(doc, path)

    async def delete_prefix(self, prefix: str) -> None:
        self._own(prefix)
        for key in [k for k in self.docs if k.startswith(prefix)]:
            del self.docs[key]

    async def replace_prefix(self, prefix: str, docs: Sequence[tuple[str, Any, str]]) -> None:
        await self.delete_prefix(prefix)
        for key, _, text in docs:
            self.put(key, decode(text))

    async def delete_documents(self, keys: Sequence[str]) -> None:
        for key in keys:
            self._own(key)
            self.docs.pop(key, None)

    # -- whole-store operations: not while staging ------------------------------------

    def iter_rows(self, batch_size: int = 1000) -> NoReturn:
        raise TypeError("whole-store operations are not available inside staged writes")

    async def insert_rows(self, rows: Sequence[tuple[str, str]]) -> NoReturn:
        raise TypeError("whole-store operations are not available inside staged writes")


@contextlib.asynccontextmanager
async def staged_writes(prefix: str) -> AsyncIterator[StagedStore]:
    """Inside the block, Config reads and writes the documents under ``prefix`` in memory;
    when the block ends without an exception they replace the stored ones in one commit.

    Only the current task (and tasks it creates) sees the staged copy: other tasks
    keep reading the real store, unchanged until the commit.
    """
    base = current_store()
    await base.flush()
    staged = StagedStore(base, prefix, dict(await base.scan(prefix)))
    token = _current.set(staged)
    try:
        yield staged
    finally:
        _current.reset(token)
    await base.replace_prefix(prefix, staged.rows())
