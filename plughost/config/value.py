"""``Value``: one stored value, and the awaitable/``async with`` object its call returns."""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from types import TracebackType
from typing import TYPE_CHECKING, Any

from plughost.config.connection import current_store
from plughost.config.documents import (
    MISSING,
    copy_json,
    decode,
    encode,
    get_path,
    nest,
    normalise,
)
from plughost.config.keys import MAX_KEY_LENGTH, Category, encode_part, parts_under
from plughost.config.store import ConfigStore, RmwToken

if TYPE_CHECKING:
    from plughost.config.config import Config

__all__ = ["Value", "ValueContext"]

_PLAIN = (str, int, bool, type(None))


def child_key(key: str, name: str) -> str:
    """The key one primary-key level down; ValueError if it grows too long."""
    key = key + encode_part(name)
    if len(key) > MAX_KEY_LENGTH:
        raise ValueError(f"config identifiers too long (over {MAX_KEY_LENGTH} characters)")
    return key


class Value:
    """A single value: call it to read, ``set`` it, ``clear`` it.

    Its address is a scope (``category``), its primary keys, and a path of
    attribute names inside the document. When fewer primary keys are given than
    the scope has (``all_members``, a partial custom identifier), the value spans
    several documents, and attribute names extend the primary keys instead.
    """

    __slots__ = ("_category", "_config", "_key", "_path", "_pkeys", "default")

    def __init__(  # noqa: PLR0917 - built on every config access; positional is cheapest
        self,
        config: Config,
        category: Category,
        pkeys: tuple[str, ...],
        path: tuple[str, ...],
        key: str,
        default: Any = None,
    ) -> None:
        self._config = config
        self._category = category
        self._pkeys = pkeys
        self._path = path
        self._key = key
        #: The registered default (shared; reads hand out copies).
        self.default = default

    def __repr__(self) -> str:
        where = "/".join((self._category.name, *self._pkeys, *self._path))
        return f"<{type(self).__name__} {self._config.cog_name}:{where}>"

    @property
    def identifiers(self) -> tuple[str, ...]:
        """Primary keys then attribute path, as strings."""
        return self._pkeys + self._path

    @property
    def _spans_documents(self) -> bool:
        return len(self._pkeys) < self._category.pkey_len

    def _address(self, names: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...], str]:
        """Primary keys, path and key of the descendant reached through ``names``."""
        pkeys, path, key = self._pkeys, self._path, self._key
        room = self._category.pkey_len - len(pkeys)
        for name in names:
            if room > 0:
                pkeys += (name,)
                key = child_key(key, name)
                room -= 1
            else:
                path += (name,)
        return pkeys, path, key

    def get_lock(self) -> asyncio.Lock:
        """The ``asyncio.Lock`` for this value's path, as in Red (weakly cached).

        Keep a reference from acquire to release: another call may return a
        new lock once nothing references the old one.
        """
        return self._config._lock_for(self._category.name, self._pkeys + self._path)

    # -- reading ----------------------------------------------------------------

    async def _raw(self, *, fresh: bool = False) -> Any:
        """The stored value, shared with the cache (never mutate it), or MISSING."""
        store = current_store()
        if self._spans_documents:
            rows = await store.scan(self._key)
            if not rows:
                return MISSING
            # Scanned documents are freshly decoded: nobody else holds them.
            prefix = self._key
            return nest([(parts_under(prefix, key), doc) for key, doc in rows])
        if fresh:
            doc = await store.read_for_update(self._key)
        else:
            entry = store.cache.get(self._key)
            # On a miss, _load() directly: read() would look the key up (and
            # count the miss) a second time, one more coroutine frame too.
            doc = entry.value if entry is not None else await store._load(self._key)
        return get_path(doc, self._path) if self._path else doc

    async def _get(self, default: Any = ..., *, fresh: bool = False) -> Any:
        raw = await self._raw(fresh=fresh)
        if raw is MISSING:
            return copy_json(self.default if default is ... else default)
        return copy_json(raw)

    def __call__(self, default: Any = ..., *, acquire_lock: bool = True) -> ValueContext:
        """Read the value (``await``), or edit it in place (``async with``).

        ``default`` overrides the registered default. In ``async with``, the
        value must be a list or dict; it is written back on exit if it changed,
        while this value's lock and a per-document guard (across processes on
        PostgreSQL) keep other read-modify-writes of the document out.
        """
        return ValueContext(self, default, acquire_lock)

    # -- writing -----------------------------------------------------------------

    async def set(self, value: Any) -> None:
        """Store ``value`` (JSON-serialisable; ``TypeError`` before any write otherwise)."""
        text = encode(value)
        obj = value if type(value) in _PLAIN else decode(text)
        if len(self._pkeys) == self._category.pkey_len:
            # One document (nearly every set): straight to the store, one
            # coroutine frame less than through _write (0-130 ns measured).
            await current_store().write(self._key, self._path, obj, text)
            return
        await self._write(current_store(), obj, text)

    async def _write(self, store: ConfigStore, obj: Any, text: str) -> None:
        if not self._spans_documents:
            await store.write(self._key, self._path, obj, text)
            return
        depth = self._category.pkey_len - len(self._pkeys)
        docs: list[tuple[str, Any, str]] = []
        self._split(obj, depth, self._key, docs)
        await store.replace_prefix(self._key, docs)

    def _split(self, node: Any, depth: int, key: str, out: list[tuple[str, Any, str]]) -> None:
        if depth == 0:
            out.append((key, node, encode(node)))
            return
        if type(node) is not dict:
            raise ValueError(
                f"{self!r} spans several documents: it can only be set to a dict "
                f"nested {depth} level(s) deep, one level per missing identifier"
            )
        for name, child in node.items():
            self._split(child, depth - 1, child_key(key, name), out)

    async def clear(self) -> None:
        """Remove the stored value, so that reads return the default again."""
        store = current_store()
        if self._spans_documents:
            await store.delete_prefix(self._key)
        else:
            await store.delete(self._key, self._path)


class ValueContext:
    """What calling a ``Value`` returns: awaitable, and an async context manager."""

    __slots__ = (
        "_acquire_lock",
        "_default",
        "_lock",
        "_original",
        "_raw",
        "_store",
        "_token",
        "_value",
    )

    def __init__(self, value: Value, default: Any, acquire_lock: bool) -> None:
        self._value = value
        self._default = default
        self._acquire_lock = acquire_lock
        self._lock: asyncio.Lock | None = None
        self._store: ConfigStore | None = None
        self._token: RmwToken | None = None
        self._raw: Any = None
        self._original: Any = None

    def __await__(self) -> Generator[Any, None, Any]:
        return self._value._get(self._default).__await__()

    async def __aenter__(self) -> Any:
        value = self._value
        if self._acquire_lock:
            self._lock = value.get_lock()
            await self._lock.acquire()
        try:
            store = current_store()
            token = await store.enter_rmw(value._key)
            try:
                raw = await value._get(self._default, fresh=True)
                if not isinstance(raw, (list, dict)):
                    raise TypeError(
                        "Type of retrieved value must be mutable (i.e. list or dict) "
                        "in order to use a config value as a context manager."
                    )
                self._original = normalise(raw)
            except BaseException:
                await store.exit_rmw(token)
                raise
        except BaseException:
            if self._lock is not None:
                self._lock.release()
            raise
        self._store, self._token, self._raw = store, token, raw
        return raw

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # As in Red, the block's changes are saved even when it raised.
        store, token = self._store, self._token
        assert store is not None
        assert token is not None
        try:
            try:
                text = encode(self._raw)
                obj = decode(text)
                if obj != self._original:
                    store.verify_rmw(token)
                    await self._value._write(store, obj, text)
            finally:
                await store.exit_rmw(token)
        finally:
            if self._lock is not None:
                self._lock.release()
